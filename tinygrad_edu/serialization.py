"""Saving and loading parameters as ``.npz`` files, without pickle.

``tg.save(model_or_state_dict, path)`` writes one array per parameter name, plus a marker
that says the file is ours. ``tg.load(path)`` returns the state dict;
``tg.load(path, into=model)`` also loads it into a model, after checking every key and shape
(the model is untouched when anything is wrong). Files are read with ``allow_pickle=False``:
a file holding Python objects is refused, never unpickled.
"""
import os
import secrets
from collections import OrderedDict

import numpy as np

from . import npz
from .engine.tensor import Tensor

MARKER = "__tinygrad_edu_format__"
FORMAT_VERSION = 1


def save(obj, path):
    """Write a Module's parameters (or a dict name -> array/Tensor) to ``path`` (.npz).

    >>> import tinygrad_edu as tg, tempfile, os
    >>> model = tg.nn.Linear(2, 1, weight=[[1.0], [2.0]])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> tg.save(model, path)
    >>> sorted(tg.load(path))
    ['bias', 'weight']
    """
    state = obj.state_dict() if hasattr(obj, "state_dict") else obj
    if not isinstance(state, dict):
        raise TypeError(f"save: expected a Module or a dict of arrays, got {type(obj).__name__}")
    arrays = {}
    for name, value in state.items():
        if not isinstance(name, str) or name == MARKER:
            raise ValueError(f"save: parameter names must be strings other than {MARKER!r}, got {name!r}")
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.kind not in "fiub":
            raise TypeError(f"save: '{name}' holds {array.dtype} data; only numeric arrays can be saved")
        arrays[name] = array
    arrays[MARKER] = np.array(FORMAT_VERSION)
    folder, name = os.path.split(os.path.abspath(path))
    # Write to a temporary file first, so an interrupted save never leaves half a file behind.
    # os.open with mode 0o666 lets the umask decide the permissions, as for any file the user
    # writes (tempfile.mkstemp would make it private, 0o600).
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as f:
            np.savez(f, **arrays)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def load(path, into=None):
    """Read a file written by `save`; with ``into=model``, load it into the model as well.

    Every entry's header is read and checked first (see tinygrad_edu/npz.py): with ``into``,
    each declared shape is compared with the model's before any data is read, so a wrong or
    hostile file costs neither time nor memory and leaves the model untouched.
    """
    if os.path.isdir(path):
        raise IsADirectoryError(f"load: {path} is a folder; give the .npz file written by tg.save")
    try:
        with open(path, "rb") as f:
            entries = npz.read_headers(f, path)
            if into is not None:
                _check_shapes(entries, into, path)
            _check_format_version(f, path, entries)
            arrays = npz.read_arrays(f, path, {name: e for name, e in entries.items() if name != MARKER})
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no such file: {path}") from None
    except npz.NpzError as error:
        raise ValueError(f"load: {error}") from None
    state = OrderedDict(arrays)
    if into is not None:
        try:
            into.load_state_dict(state)
        except (KeyError, ValueError) as error:  # the same error, naming the file too
            raise type(error)(f"load: {path}: {error.args[0]}") from None
        return into
    return state


def _check_format_version(f, path, entries):
    if MARKER not in entries:
        raise npz.NpzError(f"{path} is an .npz file but not one written by tinygrad_edu.save (no {MARKER} entry)")
    marker = entries[MARKER]
    if marker.shape != () or marker.dtype.kind not in "iu":
        raise npz.NpzError(f"{path}: its {MARKER} entry is not a version number")
    version = int(npz.read_arrays(f, path, {MARKER: marker})[MARKER])
    if version != FORMAT_VERSION:
        raise npz.NpzError(f"{path} is in format version {version}; this tinygrad_edu reads version "
                           f"{FORMAT_VERSION} (a newer tinygrad_edu wrote it?)")


def _check_shapes(entries, model, path):
    """Compare each declared shape with the model's, before reading data (load_state_dict
    checks keys and shapes again, and changes nothing unless all of them fit)."""
    own = {name: tensor.shape for name, tensor in model._state()} if hasattr(model, "_state") else {}
    for name, entry in entries.items():
        if name in own and entry.shape != own[name]:
            raise npz.NpzError(f"{path}: '{name}' has shape {entry.shape} in the file but {own[name]} in the model")

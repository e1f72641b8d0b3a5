"""Saving and loading parameters as ``.npz`` files, without pickle.

``tg.save(model_or_state_dict, path)`` writes one array per parameter name, plus a marker
that says the file is ours. ``tg.load(path)`` returns the state dict;
``tg.load(path, into=model)`` also loads it into a model, after checking every key and shape
(the model is untouched when anything is wrong). Files are read with ``allow_pickle=False``:
a file holding Python objects is refused, never unpickled.
"""
import os
import tempfile
import zipfile
from collections import OrderedDict

import numpy as np

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
    folder = os.path.dirname(os.path.abspath(path))
    # write to a temporary file first, so an interrupted save never leaves half a file behind
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            np.savez(f, **arrays)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load(path, into=None):
    """Read a file written by `save`; with ``into=model``, load it into the model as well."""
    try:
        with open(path, "rb") as f:  # our own handle: NumPy leaks its own on a broken zip
            state = _read_state(f, path)
    except FileNotFoundError:
        raise FileNotFoundError(f"load: no such file: {path}") from None
    if into is not None:
        into.load_state_dict(state)
        return into
    return state


def _read_state(f, path):
    try:
        archive = np.load(f, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"load: {path} is not a tinygrad_edu .npz file (it could not be read as one: {error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"load: {path} holds a single .npy array, not a tinygrad_edu .npz file")
    state = OrderedDict()
    with archive:
        if MARKER not in archive.files:
            raise ValueError(f"load: {path} is an .npz file but not one written by tinygrad_edu.save (no {MARKER} entry)")
        for name in archive.files:
            if name == MARKER:
                continue
            try:
                state[name] = archive[name]
            except ValueError as error:
                if "allow_pickle" in str(error):  # object arrays need pickle: refused
                    raise ValueError(f"load: entry '{name}' of {path} cannot be read without pickle; refusing it") from None
                raise ValueError(f"load: entry '{name}' of {path} is corrupted or truncated ({error})") from None
            except (OSError, EOFError, zipfile.BadZipFile) as error:
                raise ValueError(f"load: entry '{name}' of {path} is corrupted or truncated ({error})") from None
    return state

"""Saving and loading parameters as ``.npz`` files, without pickle.

``tg.save(model_or_state_dict, path)`` writes one array per parameter name, plus a marker
that says the file is ours. ``tg.load(path)`` returns the state dict;
``tg.load(path, into=model)`` also loads it into a model, after checking every key and shape
(the model is untouched when anything is wrong). Files are read with ``allow_pickle=False``:
a file holding Python objects is refused, never unpickled.
"""
import os
import zipfile
from collections import OrderedDict

import numpy as np

from . import files, npz
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
        if not _storable(name):
            raise ValueError(f"save: the name {name!r} cannot be stored in an .npz archive: it holds a NUL "
                             "character or an unpaired surrogate; rename that entry")
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.kind not in "fiub":
            raise TypeError(f"save: '{name}' holds {array.dtype} data; only numeric arrays can be saved")
        arrays[name] = array
    arrays[MARKER] = np.array(FORMAT_VERSION)
    # Written to a temporary file first, so an interrupted save never leaves half a file behind;
    # a path that is a symbolic link is written through (the file it names is replaced).
    with files.replacing(path) as temporary, files.create(temporary) as f:
        _write_npz(f, arrays)


def _write_npz(f, arrays):
    """The arrays as an uncompressed .npz archive (what ``np.savez`` writes). Not ``np.savez``
    itself: it takes the arrays as keyword arguments, so an entry named ``file`` or
    ``allow_pickle`` would be taken for its own parameters."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


def _storable(name):
    """Whether a zip archive keeps ``name`` as it is: zipfile cuts a name at its first NUL and
    cannot encode an unpaired surrogate."""
    if "\0" in name:
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load(path, into=None):
    """Read a file written by `save`; with ``into=model``, load it into the model as well.

    Every entry's header is read and checked first (see tinygrad_edu/npz.py): with ``into``,
    the names and declared shapes are compared with the model's before any data is read, so a
    wrong or hostile file costs neither time nor memory and leaves the model untouched. Only a
    regular file is read (a FIFO would block forever).
    """
    if os.path.isdir(path):
        raise IsADirectoryError(f"load: {path} is a folder; give the .npz file written by tg.save")
    try:
        with files.open_regular(path, "load") as f:
            entries = npz.read_headers(f, path)
            _check_dtypes(entries, path)
            if into is not None:
                _check_against_model(entries, into, path)
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


def _check_dtypes(entries, path):
    """`save` writes real numbers and booleans only: anything else (complex numbers, strings,
    dates) is not from it, and loading complex weights into a model would drop their
    imaginary parts."""
    for name, entry in entries.items():
        if name != MARKER and entry.dtype.kind not in "fiub":
            raise npz.NpzError(f"{path}: entry '{name}' holds {entry.dtype} data; tg.save writes real numbers "
                               "(and booleans) only")


def _check_against_model(entries, model, path):
    """Compare the file's names and declared shapes with the model's, before any data is read:
    a file for another model, however large its entries, is refused at the cost of its
    headers (load_state_dict checks again, and changes nothing unless all of them fit)."""
    if not hasattr(model, "_state"):
        return
    own = {name: tensor.shape for name, tensor in model._state()}
    names = [name for name in entries if name != MARKER]
    unexpected = [name for name in names if name not in own]
    if unexpected:
        raise KeyError(f"load: {path}: unexpected key {unexpected[0]!r} in the file; this model has {sorted(own)}")
    missing = [name for name in own if name not in entries]
    if missing:
        raise KeyError(f"load: {path}: the file has no entry for {missing}, which this model has; it was saved "
                       "from another model")
    for name in names:
        if entries[name].shape != own[name]:
            raise npz.NpzError(f"{path}: '{name}' has shape {entries[name].shape} in the file but {own[name]} "
                               "in the model")

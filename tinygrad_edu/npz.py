"""Reading ``.npz`` archives safely: no pickle, headers first, and never more memory than the
headers promise.

``np.load`` trusts each entry's header: an entry of a few kilobytes may declare 100,000 x
100,000 floats (80 GB, allocated before a byte is read), or a compressed entry may inflate a
thousandfold. Here every entry's ``.npy`` header is read and checked against the archive
before any data: the declared size must be what the entry holds, and a compressed entry may
not claim to inflate past `MAX_RATIO` times its size once it is larger than `SMALL`. The
caller can then check the declared shapes (against a model, say) before anything is read.

>>> import numpy as np, io
>>> buffer = io.BytesIO(); np.savez(buffer, w=np.ones((2, 3)))
>>> entries = read_headers(buffer, "model.npz")
>>> entries["w"].shape, entries["w"].dtype
((2, 3), dtype('float64'))
>>> read_arrays(buffer, "model.npz", entries)["w"].sum()
np.float64(6.0)
"""
import dataclasses
import zipfile
import zlib

import numpy as np

SMALL = 64 << 20  # 64 MiB: below this, any compression ratio is fine
MAX_RATIO = 200  # real weights compress a few times at most; a bomb, thousands of times


# What zipfile and NumPy raise on damaged archives: RuntimeError for an entry flagged as
# encrypted, NotImplementedError for an unknown compression method, the others for bad bytes.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError,
              NotImplementedError, zlib.error)


class NpzError(ValueError):
    """An archive that is not a readable .npz file, or an entry that is not what it claims."""


@dataclasses.dataclass
class Entry:
    """One array of the archive, as its header describes it."""

    member: zipfile.ZipInfo
    shape: tuple
    dtype: np.dtype
    fortran_order: bool


def read_headers(file, path):
    """``{name: Entry}`` for every ``.npy`` entry of the archive, checked; no data is read."""
    try:
        archive = zipfile.ZipFile(file)
    except ZIP_ERRORS as error:
        raise NpzError(f"{path} is not an .npz file (it could not be read as a zip archive: {error})") from None
    entries = {}
    with archive:
        for member in archive.infolist():
            if member.is_dir() or not member.filename.endswith(".npy"):
                raise NpzError(f"{path}: entry '{member.filename}' is not an array (.npy)")
            name = member.filename[: -len(".npy")]
            if name in entries:  # a reader that kept one of the two would pick silently
                raise NpzError(f"{path}: entry '{name}' appears twice; the file is corrupted")
            entries[name] = _entry(archive, member, path)
    return entries


def _entry(archive, member, path):
    name = member.filename[: -len(".npy")]
    try:
        with archive.open(member) as stream:
            version = np.lib.format.read_magic(stream)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                raise ValueError(f"unknown .npy format version {version}")
            shape, fortran_order, dtype = read_header(stream)
            header_size = stream.tell()
    except ZIP_ERRORS as error:
        raise NpzError(f"{path}: entry '{name}' is corrupted or truncated ({error})") from None
    if dtype.hasobject:
        raise NpzError(f"{path}: entry '{name}' holds Python objects, which cannot be read without pickle; refusing it")
    declared = int(np.prod(shape, dtype=object)) * dtype.itemsize
    held = member.file_size - header_size
    if declared != held:
        raise NpzError(f"{path}: entry '{name}' declares {shape} {dtype} ({declared:,} bytes) but holds "
                       f"{held:,} bytes; the file is corrupted")
    if member.compress_type != zipfile.ZIP_STORED and held > SMALL and held > MAX_RATIO * member.compress_size:
        raise NpzError(f"{path}: entry '{name}' would inflate from {member.compress_size:,} to {held:,} bytes; "
                       "refusing it as a decompression bomb")
    return Entry(member, tuple(shape), dtype, fortran_order)


def read_arrays(file, path, entries):
    """The arrays of the entries (from `read_headers`), each read within its declared size."""
    arrays = {}
    try:
        with zipfile.ZipFile(file) as archive:
            for name, entry in entries.items():
                with archive.open(entry.member) as stream:
                    arrays[name] = np.lib.format.read_array(stream, allow_pickle=False)
    except ZIP_ERRORS as error:
        raise NpzError(f"{path}: an entry is corrupted or truncated ({error})") from None
    return arrays

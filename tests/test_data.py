"""Data: the toy sets, the FANN .data format and the batch iterator."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu.data import FannFormatError, read_fann, write_fann

FANN_AND = """4 2 1
-1 -1
-1
-1 1
-1
1 -1
-1
1 1
1
"""


def test_reads_the_tutorials_and_data(tmp_path):
    path = tmp_path / "and.data"
    path.write_text(FANN_AND)
    X, y = read_fann(path)
    sX, sy = tg.data.and_gate(symmetric=True)
    assert np.array_equal(X, sX) and np.array_equal(y, sy)


def test_whitespace_tolerant(tmp_path):
    path = tmp_path / "messy.data"
    path.write_text("  2   1 1\n\n 0.5\n\t1  \n-0.25 0\n")
    X, y = read_fann(path)
    assert X.tolist() == [[0.5], [-0.25]] and y.tolist() == [[1.0], [0.0]]


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_round_trip(data):
    import tempfile, pathlib
    pairs, n_in, n_out = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3))
    finite = st.floats(-1e6, 1e6, allow_nan=False)
    X = data.draw(hnp.arrays(np.float64, (pairs, n_in), elements=finite))
    y = data.draw(hnp.arrays(np.float64, (pairs, n_out), elements=finite))
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "set.data"
        write_fann(path, X, y)
        X2, y2 = read_fann(path)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", r"line 1: expected a header"),
        ("4 two 1\n", r"line 1: header value 'two' is not an integer"),
        ("2 2 1\n0 0\n0\n1 1\n", r"line 4: the header promises 2 pairs .* \(6 numbers\), but the file has 5"),
        ("1 2 1\n0 x\n1\n", r"line 2: 'x' is not a number"),
        ("1 0 1\n1\n", r"positive input/output counts"),
    ],
)
def test_malformed_files_name_the_line(tmp_path, text, message):
    path = tmp_path / "bad.data"
    path.write_text(text)
    with pytest.raises(FannFormatError, match=message):
        read_fann(path)


def test_toy_sets():
    X, y = tg.data.trask_xor()
    assert X.shape == (4, 3) and y.ravel().tolist() == [0, 1, 1, 0]
    assert tg.data.xor_gate()[1].ravel().tolist() == [0, 1, 1, 0]
    assert tg.data.nand_gate()[1].ravel().tolist() == [1, 1, 1, 0]
    assert tg.data.or_gate(symmetric=True)[1].ravel().tolist() == [-1, 1, 1, 1]
    X, y = tg.data.digits_4x5()
    assert X.shape == (4, 20) and y.ravel().tolist() == [0, 1 / 3, 2 / 3, 1]
    assert np.array_equal(tg.data.DRAWN_TWO, X[2])


def test_simplenn_surface_is_normalised_and_reversible():
    grid = tg.data.simplenn_surface()
    assert grid.inputs.shape == (10_000, 2) and grid.grid_shape == (100, 100)
    np.testing.assert_allclose(grid.inputs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(grid.outputs.std(), 1)
    x, y = grid.inputs[0] * grid.inputs_std + grid.inputs_mean
    assert grid.denormalise(grid.outputs[0]) == pytest.approx(tg.data.simplenn_function(x, y))
    a, b = tg.data.simplenn_surface(50, seed=5), tg.data.simplenn_surface(50, seed=5)
    assert np.array_equal(a.inputs, b.inputs)


def test_batches_cover_every_row_once_and_shuffle_with_a_seed():
    X, y = np.arange(10), np.arange(10) * 10
    parts = list(tg.data.batches(X, y, batch_size=3, shuffle=True, seed=1))
    assert [len(x) for x, _ in parts] == [3, 3, 3, 1]
    rows = np.concatenate([x for x, _ in parts])
    assert sorted(rows.tolist()) == list(range(10)) and rows.tolist() != list(range(10))
    assert all(np.array_equal(b, a * 10) for a, b in parts)
    again = np.concatenate([x for x, _ in tg.data.batches(X, y, batch_size=3, shuffle=True, seed=1)])
    assert np.array_equal(rows, again)
    state = np.random.get_state()[1].copy()
    list(tg.data.batches(X, y, 4, shuffle=True, seed=2))
    assert np.array_equal(state, np.random.get_state()[1]), "shuffling disturbed the global generator"
    with pytest.raises(ValueError, match="10 inputs but 9 targets"):
        list(tg.data.batches(X, y[:9]))

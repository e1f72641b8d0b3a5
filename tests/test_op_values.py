"""Forward values of ops against NumPy where the tests above compare only with ourselves."""
import numpy as np
from hypothesis import given, settings

import tinygrad_edu as tg

from .op_table import matmul_pair


@settings(max_examples=40, deadline=None)
@given(matmul_pair())
def test_matmul_and_dot_forward_equal_numpy(case):
    (a, b), _ = case
    np.testing.assert_allclose((tg.tensor(a) @ tg.tensor(b)).data, a @ b)
    np.testing.assert_allclose(tg.tensor(a).dot(tg.tensor(b)).data, np.dot(a, b), atol=1e-12)


def test_softmax_and_log_softmax_are_finite_for_huge_logits():
    x = tg.tensor([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = x.softmax(axis=-1)
        ls = x.log_softmax(axis=-1)
        (s.sum() + ls.sum()).backward()
    np.testing.assert_allclose(s.data[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(s.data[1], [1 / 3] * 3)
    np.testing.assert_allclose(ls.data[0], [0.0, -2000.0, -1000.0])
    assert np.all(np.isfinite(x.grad.data))


def test_sigmoid_is_finite_and_warning_free_at_extremes():
    x = tg.tensor([-1000.0, -50.0, 0.0, 50.0, 1000.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = x.sigmoid()
        s.sum().backward()
    np.testing.assert_allclose(s.data, [0.0, 1.9287498479639178e-22, 0.5, 1.0, 1.0], rtol=1e-12, atol=1e-300)
    assert np.all(np.isfinite(x.grad.data))
    x32 = tg.tensor(np.array([-1000.0, 1000.0], dtype=np.float32))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(x32.sigmoid().data, [0.0, 1.0], atol=1e-37)


def test_sigmoid_equals_the_textbook_formula_bit_for_bit():
    x = np.linspace(-30, 30, 1001)
    assert np.array_equal(tg.tensor(x).sigmoid().data, 1 / (1 + np.exp(-x)))


def test_var_matches_numpy_with_ddof():
    x = np.arange(12.0).reshape(3, 4) ** 1.5
    np.testing.assert_allclose(tg.tensor(x).var(axis=0, ddof=1).data, x.var(axis=0, ddof=1))
    np.testing.assert_allclose(tg.tensor(x).var().data, x.var())

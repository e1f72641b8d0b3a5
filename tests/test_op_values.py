"""Forward values of ops against NumPy where the tests above compare only with ourselves."""
import math

import numpy as np
import pytest
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


# -- the calculus functions: every spelling, NumPy's values, and the edges of their domains ----
CALCULUS = ["tan", "arctan", "arcsin", "arccos", "sinh", "cosh", "log10", "log2", "log1p", "expm1"]
PYTORCH_NAMES = {"atan": "arctan", "asin": "arcsin", "acos": "arccos"}


@pytest.mark.parametrize("name", CALCULUS + list(PYTORCH_NAMES))
def test_calculus_functions_are_numpys_in_every_spelling_and_record(name):
    numpy_name = PYTORCH_NAMES.get(name, name)
    values = np.array([[0.25, 0.5], [0.75, 0.1]])  # inside every domain
    x = tg.tensor(values, requires_grad=True)
    expected = getattr(np, numpy_name)(values)
    for result in (getattr(x, name)(), getattr(tg, name)(x), getattr(tg, name)(values.tolist()),
                   getattr(np, numpy_name)(x)):
        assert np.array_equal(result.data, expected), name
    recorded = getattr(np, numpy_name)(x)  # np.tan(t) records like t.tan()
    assert recorded.grad_fn.name == numpy_name and recorded.requires_grad
    x32 = tg.tensor(values.astype(np.float32), requires_grad=True)
    y32 = getattr(np, numpy_name)(x32)
    y32.sum().backward()
    assert y32.dtype == x32.grad.dtype == np.float32


def test_arctan2_in_every_spelling_takes_y_first_and_broadcasts():
    y = tg.tensor([[1.0], [-2.0]], requires_grad=True)
    x = tg.tensor([0.5, -1.0, 0.0], requires_grad=True)
    expected = np.arctan2(y.data, x.data)
    for result in (y.arctan2(x), y.atan2(x), tg.arctan2(y, x), tg.atan2(y, x), np.arctan2(y, x)):
        assert np.array_equal(result.data, expected) and result.shape == (2, 3)
    np.arctan2(y, x).sum().backward()
    r2 = x.data**2 + y.data**2
    np.testing.assert_allclose(y.grad.data, (x.data / r2).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(x.grad.data, (-y.data / r2).sum(axis=0))
    # a number on either side stays a constant
    assert np.array_equal(np.arctan2(1.0, x).data, np.arctan2(1.0, x.data))
    assert np.array_equal(tg.arctan2(1.0, x).data, np.arctan2(1.0, x.data))
    assert np.array_equal(y.arctan2(2.0).data, np.arctan2(y.data, 2.0))


def _values_and_grads(method, values):
    x = tg.tensor(values, requires_grad=True)
    with np.errstate(all="ignore"):  # NumPy warns at these points, as it does for np.arcsin(2)
        out = getattr(x, method)()
        out.sum().backward()
    return out.data, x.grad.data


def test_edges_of_domains_follow_numpy_and_pytorch():
    inf, nan = np.inf, np.nan
    # a vertical slope at ±1 is inf (PyTorch's 1/sqrt(0)); outside the domain, NaN both ways
    value, grad = _values_and_grads("arcsin", [-1.0, 1.0, 2.0])
    np.testing.assert_array_equal(value, [-np.pi / 2, np.pi / 2, nan])
    np.testing.assert_array_equal(grad, [inf, inf, nan])
    value, grad = _values_and_grads("arccos", [-1.0, 1.0, -3.0])
    np.testing.assert_array_equal(value, [np.pi, 0.0, nan])
    np.testing.assert_array_equal(grad, [-inf, -inf, nan])
    # logarithms at their edge: -inf with slope inf; beyond it the value is NaN and the slope the
    # formula's finite number, as log (and PyTorch) do
    for method, edge, below, slope_below in [("log10", 0.0, -1.0, -1 / np.log(10)), ("log2", 0.0, -1.0, -1 / np.log(2)),
                                             ("log1p", -1.0, -2.0, -1.0), ("log", 0.0, -1.0, -1.0)]:
        value, grad = _values_and_grads(method, [edge, below])
        assert value[0] == -inf and np.isnan(value[1]), method
        assert grad[0] == inf and grad[1] == pytest.approx(slope_below), method
    # tan at the float nearest pi/2 is finite: NumPy's value, and the slope 1 + tan^2
    value, grad = _values_and_grads("tan", [np.pi / 2])
    assert value[0] == np.tan(np.pi / 2) and grad[0] == pytest.approx(1 + value[0] ** 2)
    # the angle at the origin has no slope
    y, x = tg.tensor(0.0, requires_grad=True), tg.tensor(0.0, requires_grad=True)
    with np.errstate(all="ignore"):
        angle = y.arctan2(x)
        angle.backward()
    assert angle.item() == 0.0 and np.isnan(y.grad.item()) and np.isnan(x.grad.item())


def test_expm1_and_log1p_keep_their_digits_where_they_are_meant_to():
    # log1p and expm1 exist for tiny x, where 1 + x rounds x away; their slopes must not lose
    # digits either: expm1' is e^x itself, not expm1(x) + 1 (which is 0 for x = -50)
    value, grad = _values_and_grads("expm1", [1e-20, -50.0])
    assert value[0] == 1e-20
    np.testing.assert_allclose(grad, np.exp([1e-20, -50.0]), rtol=1e-14)
    value, grad = _values_and_grads("log1p", [1e-20])
    assert value[0] == 1e-20 and grad[0] == 1.0
    # arcsin's slope near 1, where 1 - x^2 cancels: (1 - x)(1 + x) keeps the digits
    x = 1 - 2.0**-30
    _, grad = _values_and_grads("arcsin", [x])
    exact = 1 / math.sqrt((1 - x) * (1 + x))  # 1 - x is exact here
    assert grad[0] == pytest.approx(exact, rel=1e-14)

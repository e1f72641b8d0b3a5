"""Second derivatives of every smooth op through create_graph=True, against central
differences of the (autodiff) first derivative; and the classic higher-order results."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

from .op_table import SMOOTH_OPS
from .oracle import assert_close


def _directional_first_derivative(f, arrays, u, v):
    """s(x) = sum_i <v_i, d<u, f(x)>/dx_i>, built with create_graph=True so it can be differentiated."""
    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
    out = f(*tensors)
    grads = tg.autograd.grad(out, tensors, grad_outputs=tg.tensor(u), create_graph=True, allow_unused=True)
    s = tg.tensor(0.0)
    for g, vi in zip(grads, v):
        if g is not None:
            s = s + (g * tg.tensor(vi)).sum()
    return tensors, s


@pytest.mark.parametrize("case", SMOOTH_OPS, ids=[c.name for c in SMOOTH_OPS])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_second_derivative_matches_differences_of_the_first(case, data):
    arrays, options = data.draw(case.inputs)

    def f(*tensors):
        return case.fn(*tensors, **options)

    with tg.no_grad():
        out_shape = f(*[tg.tensor(a) for a in arrays]).shape
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    u = rng.normal(size=out_shape)
    v = [rng.normal(size=a.shape) for a in arrays]

    tensors, s = _directional_first_derivative(f, arrays, u, v)
    if not s.requires_grad:  # linear op: the first derivative is constant, the second is 0
        analytic = [np.zeros_like(a) for a in arrays]
    else:
        analytic = [g.data if g is not None else np.zeros_like(t.data)
                    for g, t in zip(tg.autograd.grad(s, tensors, allow_unused=True), tensors)]

    eps = 1e-5
    for i, x in enumerate(arrays):
        numeric = np.zeros_like(x)
        for j in np.ndindex(x.shape):
            shifted = [a.copy() for a in arrays]
            shifted[i][j] = x[j] + eps
            plus = _directional_first_derivative(f, shifted, u, v)[1].item()
            shifted[i][j] = x[j] - eps
            minus = _directional_first_derivative(f, shifted, u, v)[1].item()
            numeric[j] = (plus - minus) / (2 * eps)
        assert_close(analytic[i], numeric, atol=1e-5, rtol=1e-4, what=f"{case.name}: d2 wrt input {i}")


def nth_derivative(f, x0, n):
    x = tg.tensor(x0, requires_grad=True)
    y = f(x)
    for _ in range(n):
        if not y.requires_grad:  # a constant: every further derivative is 0
            return 0.0
        (y,) = tg.autograd.grad(y, x, create_graph=True)
    return y.item()


@pytest.mark.parametrize("x0", [0.0, 0.7, -1.3])
def test_derivatives_of_sin_cycle(x0):
    expected = [math.sin(x0), math.cos(x0), -math.sin(x0), -math.cos(x0), math.sin(x0)]
    for n, value in enumerate(expected):
        assert nth_derivative(lambda x: x.sin(), x0, n) == pytest.approx(value, abs=1e-12)


def test_third_derivative_of_cube_and_exp():
    assert nth_derivative(lambda x: x**3, 2.0, 3) == pytest.approx(6.0)
    assert nth_derivative(lambda x: x**3, 2.0, 4) == pytest.approx(0.0)
    for n in range(5):
        assert nth_derivative(lambda x: x.exp(), 0.5, n) == pytest.approx(math.exp(0.5))


def test_sigmoid_second_derivative_closed_form():
    x0 = 0.3
    s = 1 / (1 + math.exp(-x0))
    assert nth_derivative(lambda x: x.sigmoid(), x0, 2) == pytest.approx(s * (1 - s) * (1 - 2 * s))


def test_mixed_partial_and_gradient_of_gradient_norm():
    x = tg.tensor(1.5, requires_grad=True)
    y = tg.tensor(-0.5, requires_grad=True)
    f = x * x * y + y.exp() * x
    (dfdx,) = tg.autograd.grad(f, x, create_graph=True)  # 2xy + e^y
    (d2,) = tg.autograd.grad(dfdx, y)  # 2x + e^y
    assert d2.item() == pytest.approx(2 * 1.5 + math.exp(-0.5))


def test_leaf_grad_is_differentiable_with_create_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.sum().backward()  # d/dx sum(3x^2) = 6x
    np.testing.assert_allclose(x.grad.data, [6.0, 12.0])


# the calculus functions, up to their third and fourth derivatives, against the closed forms
HIGHER = [
    ("tan", 0.4, lambda t: [t, 1 + t * t, 2 * t * (1 + t * t), 2 * (1 + t * t) * (1 + 3 * t * t)], math.tan),
    ("arctan", 0.7, lambda x: [math.atan(x), 1 / (1 + x * x), -2 * x / (1 + x * x) ** 2,
                               (6 * x * x - 2) / (1 + x * x) ** 3], None),
    ("arcsin", 0.6, lambda x: [math.asin(x), (1 - x * x) ** -0.5, x * (1 - x * x) ** -1.5,
                               (1 + 2 * x * x) * (1 - x * x) ** -2.5], None),
    ("arccos", -0.3, lambda x: [math.acos(x), -((1 - x * x) ** -0.5), -x * (1 - x * x) ** -1.5,
                                -(1 + 2 * x * x) * (1 - x * x) ** -2.5], None),
    ("sinh", 1.1, lambda x: [math.sinh(x), math.cosh(x), math.sinh(x), math.cosh(x), math.sinh(x)], None),
    ("cosh", -0.8, lambda x: [math.cosh(x), math.sinh(x), math.cosh(x), math.sinh(x), math.cosh(x)], None),
    ("log10", 1.7, lambda x: [math.log10(x), 1 / (x * math.log(10)), -1 / (x * x * math.log(10)),
                              2 / (x**3 * math.log(10))], None),
    ("log2", 0.3, lambda x: [math.log2(x), 1 / (x * math.log(2)), -1 / (x * x * math.log(2)),
                             2 / (x**3 * math.log(2))], None),
    ("log1p", -0.4, lambda x: [math.log1p(x), 1 / (1 + x), -1 / (1 + x) ** 2, 2 / (1 + x) ** 3], None),
    ("expm1", -2.5, lambda x: [math.expm1(x)] + [math.exp(x)] * 4, None),
]


@pytest.mark.parametrize("name, x0, closed_form, of_value", HIGHER, ids=[h[0] for h in HIGHER])
def test_derivatives_of_every_order_of_the_calculus_functions(name, x0, closed_form, of_value):
    expected = closed_form(of_value(x0) if of_value else x0)  # tan's are polynomials in tan x
    for n, value in enumerate(expected):
        assert nth_derivative(lambda x: getattr(x, name)(), x0, n) == pytest.approx(value, rel=1e-12), (name, n)


def test_arctan2_second_derivatives_are_the_harmonic_ones():
    # theta = atan2(y, x) is harmonic: theta_xx = -theta_yy = 2xy / r^4, theta_xy = (y^2 - x^2) / r^4
    x0, y0 = -0.7, 1.3
    r4 = (x0 * x0 + y0 * y0) ** 2
    x = tg.tensor(x0, requires_grad=True)
    y = tg.tensor(y0, requires_grad=True)
    dy, dx = tg.autograd.grad(y.arctan2(x), [y, x], create_graph=True)
    assert dy.item() == pytest.approx(x0 / r4**0.5) and dx.item() == pytest.approx(-y0 / r4**0.5)
    dyy, dyx = tg.autograd.grad(dy, [y, x], retain_graph=True)
    dxy, dxx = tg.autograd.grad(dx, [y, x])
    assert dxx.item() == pytest.approx(2 * x0 * y0 / r4) and dyy.item() == pytest.approx(-2 * x0 * y0 / r4)
    assert dyx.item() == pytest.approx((y0 * y0 - x0 * x0) / r4) == dxy.item()

"""derivative, taylor, tangent_line, the plots and the trace."""
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.mark.parametrize("n, expected", [(1, np.cos), (2, lambda x: -np.sin(x)), (3, lambda x: -np.cos(x)), (4, np.sin)])
def test_derivatives_of_sin(n, expected):
    x = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(tg.derivative(tg.sin, n)(x), expected(x), atol=1e-12)


def test_derivative_of_scalar_returns_float_and_n_zero_is_f():
    assert isinstance(tg.derivative(tg.exp)(0.0), float)
    assert tg.derivative(lambda x: x**2, 0)(3.0) == 9.0
    assert tg.derivative(lambda x: x**2, 5)(3.0) == 0.0


def test_taylor_of_exp_has_coefficients_one_over_k_factorial():
    p = tg.taylor(tg.exp, 0.0, 5)
    np.testing.assert_allclose(p.coefficients, [1 / math.factorial(k) for k in range(6)], rtol=1e-14)
    assert p(0.5) == pytest.approx(sum(0.5**k / math.factorial(k) for k in range(6)))
    assert p.order == 5


def test_taylor_around_other_point_and_str():
    p = tg.taylor(lambda x: x**3, 1.0, 3)
    np.testing.assert_allclose(p.coefficients, [1, 3, 3, 1])
    assert str(p) == "1 + 3 (x - 1) + 3 (x - 1)^2 + 1 (x - 1)^3"
    assert p(2.5) == pytest.approx(2.5**3)


def test_tangent_line():
    line = tg.tangent_line(lambda x: x.sin(), 0.0)
    assert (line.slope, line.intercept) == (1.0, 0.0)
    np.testing.assert_allclose(line([1.0, 2.0]), [1.0, 2.0])


def test_derivative_rejects_non_pointwise_functions():
    with pytest.raises(ValueError, match="point by point"):
        tg.derivative(lambda x: x.sum())(np.ones(3))


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_plot_helpers_write_images(tmp_path, suffix):
    paths = [tmp_path / f"{name}.{suffix}" for name in ("derivatives", "tangent", "taylor")]
    tg.viz.plot_derivatives(lambda x: x.sin() * x, (-4, 4), k=3, path=paths[0])
    tg.viz.plot_tangent(lambda x: x**3 - 2 * x, 1.2, path=paths[1])
    tg.viz.plot_taylor(tg.cos, 0.0, (2, 4, 6), (-6, 6), path=paths[2])
    for path in paths:
        data = path.read_bytes()
        assert len(data) > 5000
        if suffix == "png":
            assert data.startswith(b"\x89PNG")
        else:
            assert ET.fromstring(data).tag.endswith("svg")


def test_trace_lists_forward_and_backward():
    w = tg.tensor([[0.5], [-1.0]], requires_grad=True, name="w")
    x = tg.tensor([[1.0, 2.0]], name="x")
    loss = (x @ w).sigmoid().sum()
    text = tg.trace(loss, backward=True)
    lines = text.splitlines()
    assert lines[:6] == [
        "forward",
        "  %0 = x                (1, 2)",
        "  %1 = w                (2, 1)  requires_grad",
        "  %2 = matmul(%0, %1)   (1, 1)",
        "  %3 = sigmoid(%2)      (1, 1)",
        "  %4 = sum(%3)          ()",
    ]
    assert lines[6] == "backward: d %4 / d w"
    # sigmoid' = s (1 - s), read back from the forward's saved output %3; then x^T @ (...)
    assert "  %7 = sub(1, %3)       (1, 1)" in lines and "  %8 = mul(%3, %7)      (1, 1)" in lines
    assert lines[-2].startswith("  %10 = matmul(%5, %9)") and lines[-1] == "  d w = %10"
    assert "requires_grad" not in tg.trace(x * 2)


def test_trace_after_backward_shows_the_graph_and_its_backward_pass():
    w = tg.tensor(1.0, requires_grad=True, name="w")
    y = (w * 2).exp()
    before = tg.trace(y, backward=True)
    y.backward()
    assert tg.trace(y).splitlines()[1:] == ["  %0 = w           ()  requires_grad", "  %1 = mul(%0, 2)  ()",
                                            "  %2 = exp(%1)     ()"]
    assert tg.trace(y, backward=True) == before  # the graph is kept after backward for exactly this
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()  # and the second backward is still refused




LOGARITHMS = {"log": lambda x: x.log(), "log2": lambda x: x.log2(), "log10": lambda x: x.log10(),
              "log1p": lambda x: x.log1p(), "sqrt": lambda x: x.sqrt(), "x ** 0.5": lambda x: x**0.5,
              "log(x) * x": lambda x: x.log() * x, "a constant nan": lambda x: x * 0.0 + np.nan}


@pytest.mark.parametrize("name", LOGARITHMS)
def test_derivatives_are_nan_where_f_is_nan(name):
    """Below its domain f is NaN and has no slope: backward's formula (1/x for log) would give a
    finite number there. Every helper says nan, as `tinygrad-edu diff` does."""
    f = LOGARITHMS[name]
    with np.errstate(invalid="ignore", divide="ignore"):
        values = tg.derivatives(f, np.array([-2.0, 0.5]), 3)
        slope = tg.derivative(f)(-2.0)
        line = tg.tangent_line(f, -2.0)
        polynomial = tg.taylor(f, -2.0, 2)
    for k, value in enumerate(values):
        assert np.isnan(value[0]), f"order {k} at x = -2"
        assert np.isnan(value[1]) == (name == "a constant nan"), f"order {k} at x = 0.5"
    assert math.isnan(slope) and math.isnan(line.slope) and np.all(np.isnan(polynomial.coefficients))


def test_a_nan_in_a_branch_f_does_not_take_leaves_its_derivative_alone():
    """What counts is f's value: where(x > 0, log x, x) at -2 is -2, with slope 1."""
    with np.errstate(invalid="ignore"):
        assert tg.derivative(lambda x: tg.where(x > 0, x.log(), x))(-2.0) == 1.0


@pytest.mark.parametrize("formula", ["log(x)", "log2(x)", "log10(x)", "log1p(x)", "x*log(x)"])
def test_derivative_and_the_diff_command_agree_where_f_is_nan(formula, capsys):
    from tinygrad_edu.cli import main
    from tinygrad_edu.expr import Formula

    assert main(["diff", formula, "--at", "x=-2", "--order", "2"]) == 0
    printed = {line.split(" = ")[0]: line.split(" = ")[1] for line in capsys.readouterr().out.splitlines()[1:4]}
    assert printed == {"f": "nan", "df/dx": "nan", "d²f/dx²": "nan"}
    with np.errstate(invalid="ignore", divide="ignore"):
        assert all(np.isnan(tg.derivatives(lambda x: Formula(formula)(x=x), -2.0, 2)))

"""A learner's own op -- a `tg.Function` subclass, as docs/autograd.md shows -- works everywhere
a built-in op does: drawings, the explorer, traces, tg.compile, tg.codegen, gradcheck and
second derivatives. Each test compares with the numbers the op's own formula gives."""
import json

import numpy as np
import pytest

import tinygrad_edu as tg


class Cube(tg.Function):
    """x^3 (as docs/autograd.md writes it: no name of its own)."""

    formula = "∂x³/∂x = 3x²"

    def forward(self, x):
        return x * x * x

    def backward(self, grad, x):
        return grad * 3.0 * x * x


class Hypot(tg.Function):
    """√(a² + b²): two inputs, a saved output, and a name."""

    name = "hypot"
    formula = "∂r/∂a = a/r,  ∂r/∂b = b/r"

    def forward(self, a, b):
        out = np.sqrt(a * a + b * b)
        self.save_for_backward(out)
        return out

    def backward(self, grad, a, b):
        r = self.output(grad)
        return grad * a / r, grad * b / r


class LeakyScale(tg.Function):
    """x · slope where x > 0, else x: an option, a saved mask and a describe()."""

    name = "leaky_scale"

    def forward(self, x, slope):
        self.slope = slope
        mask = x > 0
        self.save_for_backward(mask)
        return np.where(mask, x * slope, x)

    def describe(self):
        return f"leaky_scale({self.slope})"

    def backward(self, grad, x):
        (mask,) = self.saved_for(grad)
        return np.where(mask, grad * self.slope, grad)


A, B = np.array([0.5, -1.5, 2.0]), np.array([2.0, 1.0, -0.5])


def loss_of(a, b):
    return (Cube.apply(a) + Hypot.apply(a, b) + LeakyScale.apply(a * b, slope=3.0)).sum()


def expected_gradients(a, b):
    r = np.sqrt(a * a + b * b)
    leaky = np.where(a * b > 0, 3.0, 1.0)
    return 3 * a * a + a / r + leaky * b, b / r + leaky * a


def graph():
    a = tg.tensor(A, requires_grad=True, name="a")
    b = tg.tensor(B, requires_grad=True, name="b")
    loss = loss_of(a, b)
    loss.backward()
    return a, b, loss


def test_the_values_and_gradients_are_the_formulas():
    a, b, loss = graph()
    ga, gb = expected_gradients(A, B)
    np.testing.assert_allclose(a.grad.data, ga, rtol=1e-12)
    np.testing.assert_allclose(b.grad.data, gb, rtol=1e-12)


def test_an_op_without_a_name_is_shown_by_its_class_name():
    assert Cube.name == "cube" and Hypot.name == "hypot"
    assert tg.tensor(2.0, requires_grad=True).__class__ is tg.Tensor
    assert repr(Cube.apply(tg.tensor(2.0, requires_grad=True)).grad_fn) == "<Cube cube>"


def test_drawing_shows_each_op_and_its_gradient():
    a, b, loss = graph()
    source = tg.draw_graph(loss).source
    for label in ("cube", "hypot", "leaky_scale(3.0)"):
        assert label in source, label
    assert tg.viz.draw_graph(loss).source == source


def test_the_explorer_shows_each_op_with_its_docstring_and_formula():
    a, b, loss = graph()
    page = tg.explore(loss)
    html = page.html if hasattr(page, "html") else str(page._repr_html_())
    for text in ("cube", "hypot", "leaky_scale(3.0)", "x^3", "∂r/∂a = a/r"):
        assert json.dumps(text)[1:-1] in html, text  # the page holds the graph as JSON


def test_the_trace_lists_each_op_forward_and_backward():
    a, b, loss = graph()
    text = str(tg.trace(loss, backward=True))
    assert "cube(%" in text and "hypot(%" in text and "leaky_scale(3.0)(%" in text
    assert "d a" in text and "d b" in text


def test_codegen_writes_the_ops_and_runs_to_the_same_gradients():
    a, b, loss = graph()
    code = tg.codegen(loss, wrt=[a, b])
    assert "cube = a * a * a" in code.source and "np.sqrt" in code.source
    value, (ga, gb) = code.run()
    np.testing.assert_allclose(value, loss.item(), rtol=1e-12)
    np.testing.assert_allclose(ga, a.grad.data, rtol=1e-12)
    np.testing.assert_allclose(gb, b.grad.data, rtol=1e-12)


def test_compile_replays_the_ops_on_new_values():
    w = tg.tensor(A, requires_grad=True)

    def step(x):
        loss = loss_of(w, x)
        loss.backward()
        return loss

    compiled = tg.compile(step)
    for x in (B, -B, B * 2.0):  # the mask of LeakyScale changes: the program reads it afresh
        w.grad = None
        value = compiled(x)
        expected_value = loss_of(tg.tensor(A), tg.tensor(x)).item()
        np.testing.assert_allclose(value.item(), expected_value, rtol=1e-12)
        np.testing.assert_allclose(w.grad.data, expected_gradients(A, x)[0], rtol=1e-12)


def test_gradcheck_and_gradgradcheck_pass():
    assert tg.gradcheck(lambda a, b: Cube.apply(a) + Hypot.apply(a, b), [A, B]).passed
    assert tg.gradgradcheck(lambda a, b: Cube.apply(a) * Hypot.apply(a, b), [A, B]).passed
    assert tg.gradcheck(lambda a: LeakyScale.apply(a, slope=3.0), [A]).passed


@pytest.mark.parametrize("x", [-1.5, 0.5, 2.0])
def test_second_and_third_derivatives(x):
    assert tg.derivative(lambda t: Cube.apply(t), 2)(x) == pytest.approx(6 * x, rel=1e-12)
    assert tg.derivative(lambda t: Cube.apply(t), 3)(x) == pytest.approx(6.0, rel=1e-12)
    # d²/da² √(a² + b²) = b² / r³
    b = 0.75
    second = tg.derivative(lambda t: Hypot.apply(t, tg.tensor(b)), 2)(x)
    assert second == pytest.approx(b * b / (x * x + b * b) ** 1.5, rel=1e-10)


def test_hessian_of_a_two_input_op():
    a, b = 0.6, -0.8  # r = 1
    hessian = tg.hessian(lambda v: Hypot.apply(v[0], v[1]))(np.array([a, b])).data
    np.testing.assert_allclose(hessian, [[b * b, -a * b], [-a * b, a * a]], atol=1e-12)


def test_a_custom_op_is_not_added_to_the_library_tables():
    assert "Cube" not in tg.ops.OPS and "cube" not in tg.expr.FUNCTIONS

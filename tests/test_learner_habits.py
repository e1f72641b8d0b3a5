"""The habits learners bring from calculus, micrograd and PyTorch: each one gives the right number
or a clear refusal, never a silent wrong number (the "no silent wrong answer" issue).

* Python numbers inside a transform: ``math.exp(x)``, ``float(x)``, ``.item()`` ... on the
  tensor being differentiated would make it a constant; they are refused, naming the transform
  and the fix. Outside transforms they stay silent (``loss.item()`` for logging).
* Corners (relu, abs, maximum, clip, max at a tie): the calculus helpers say that the function
  has no derivative there and which convention the number follows.
* ``.grad`` of an intermediate result warns and names what gives it.
* A result computed under ``no_grad`` says so when it cannot be differentiated.
"""
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

# ---------------------------------------------------------------- Python numbers in transforms
# (what the user wrote inside f, what Python calls on the tensor)
CONVERSIONS = [
    (lambda x: x * math.exp(x), r"float\(x\)"),
    (lambda x: math.sin(x), r"float\(x\)"),
    (lambda x: x * float(x), r"float\(x\)"),
    (lambda x: x * int(x), r"int\(x\)"),
    (lambda x: x * round(x), r"round\(x\)"),
    (lambda x: x * x.item(), r"x\.item\(\)"),
    (lambda x: x * x.tolist(), r"x\.tolist\(\)"),
    (lambda x: x * np.asarray(x), r"np\.asarray\(x\)"),
    (lambda x: x * x.numpy(), r"x\.numpy\(\)"),
    (lambda x: (x * 2).sin() * float((x * 3).exp()), r"float\(x\)"),  # a result computed from x, too
]

# every transform, called as a user would, with the name its error must give
TRANSFORMS = [
    ("tg.grad", lambda f: tg.grad(f)(1.0)),
    ("tg.value_and_grad", lambda f: tg.value_and_grad(f)(1.0)),
    ("tg.jacobian", lambda f: tg.jacobian(f)(1.0)),
    ("tg.hessian", lambda f: tg.hessian(f)(1.0)),
    ("tg.derivative", lambda f: tg.derivative(f)(1.0)),
    ("tg.derivative", lambda f: tg.derivative(f, 3)(np.array([0.5, 1.0]))),
    ("tg.derivatives", lambda f: tg.derivatives(f, 1.0, 2)),
    ("tg.taylor", lambda f: tg.taylor(f, 0.5, 3)),
    ("tg.tangent_line", lambda f: tg.tangent_line(f, 2.0)),
]


@pytest.mark.parametrize("who, call", TRANSFORMS, ids=[f"{w}-{i}" for i, (w, _) in enumerate(TRANSFORMS)])
@pytest.mark.parametrize("f, conversion", CONVERSIONS)
def test_turning_the_differentiated_tensor_into_a_number_is_refused(who, call, f, conversion):
    with pytest.raises(tg.ConcretizationError, match=rf"^{who}: {conversion} turned the tensor being "
                                                      r"differentiated into a Python number.*x\.exp\(\).*tg\.exp\(x\)"):
        call(f)


def test_the_issues_examples_give_the_right_numbers_with_tensor_operations():
    assert tg.derivative(lambda x: x * x.exp())(1.0) == pytest.approx(2 * math.e)
    assert tg.derivative(lambda x: x * tg.exp(x))(1.0) == pytest.approx(2 * math.e)
    assert tg.derivative(lambda x: x * np.exp(x))(1.0) == pytest.approx(2 * math.e)
    assert tg.derivative(lambda x: np.sin(x))(1.0) == pytest.approx(math.cos(1.0))
    assert tg.hessian(lambda x: (x * x).sum() * x.sum())(np.array([1.0, 2.0])).tolist() == [[10.0, 6.0], [6.0, 14.0]]  # 2S·I + 2(x_i + x_j)


def test_the_error_is_a_type_error_so_except_type_error_code_still_catches_it():
    assert issubclass(tg.ConcretizationError, TypeError)


def test_numbers_that_do_not_depend_on_the_differentiated_input_convert_freely():
    scale = tg.tensor(3.0, requires_grad=True)  # requires grad, but is not what grad differentiates
    assert tg.grad(lambda x: x * scale.item() * float(tg.tensor(2.0)))(1.0).item() == 6.0
    assert tg.derivative(lambda x: x * len(np.asarray(tg.ones(4))))(1.0) == 4.0


def test_printing_inside_a_transform_is_allowed(capsys):
    assert tg.grad(lambda x: (print(f"x = {x:.2f}"), x * x)[1])(3.0).item() == 6.0
    assert capsys.readouterr().out == "x = 3.00\n"


def test_outside_transforms_conversions_stay_silent():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loss.item() == 5.0 and float(loss) == 5.0 and np.asarray(w).tolist() == [1.0, 2.0]
        assert w.numpy() is w.data and w.tolist() == [1.0, 2.0]
    loss.backward()
    assert w.grad.tolist() == [2.0, 4.0]


def test_a_nested_transform_names_the_transform_whose_input_was_converted():
    # x belongs to tg.derivative; the inner tg.grad differentiates y only
    with pytest.raises(tg.ConcretizationError, match=r"^tg\.derivative: float\(x\)"):
        tg.derivative(lambda x: tg.grad(lambda y: y * float(x))(1.0))(2.0)
    with pytest.raises(tg.ConcretizationError, match=r"^tg\.grad: x\.item\(\)"):
        tg.derivative(lambda x: tg.grad(lambda y: y * y.item() * x)(1.0))(2.0)
    # both are fine as tensor operations: d/dx [d/dy (y^2 x) at y=1] = d/dx 2x = 2
    assert tg.derivative(lambda x: tg.grad(lambda y: y * y * x)(1.0))(2.0) == 2.0


def test_the_watch_ends_with_the_transform_even_when_f_raises():
    with pytest.raises(ZeroDivisionError):
        tg.grad(lambda x: 1 / 0)(1.0)
    x = tg.tensor(2.0, requires_grad=True)
    assert float(x * 3) == 6.0  # nothing is watched any more


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=5))
def test_math_functions_on_arrays_of_points_are_refused_and_tensor_ones_are_right(points):
    x = np.array(points)
    with pytest.raises(tg.ConcretizationError):
        tg.derivative(lambda t: t * np.asarray(t).sum())(x)
    np.testing.assert_allclose(tg.derivative(lambda t: t * t.exp())(x), (1 + x) * np.exp(x), rtol=1e-12)


# ---------------------------------------------------------------- compile
def test_compile_refuses_numbers_it_would_freeze():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(tg.ConcretizationError, match=r"^tg\.compile: x\.item\(\) on a tensor the program computes"):
        tg.compile(lambda x: x / x.max(axis=0).item())(np.ones(2))
    with pytest.raises(tg.ConcretizationError, match=r"^tg\.compile: float\(x\)"):
        tg.compile(lambda x: x * math.exp(w.sum()))(np.ones(2))  # a parameter is read afresh each call
    with pytest.raises(tg.ConcretizationError, match=r"bool\(x\).*tg\.where"):
        tg.compile(lambda x: x * 2 if (x > 0).all() else x)(np.ones(2))


def test_compile_keeps_what_already_gives_the_right_answer():
    # constants the function makes itself convert freely, and a float argument stays an input
    step = tg.compile(lambda x, lr: x * lr * tg.tensor(2.0).item())
    assert step(np.ones(2), 0.5).tolist() == [1.0, 1.0]
    assert step(np.ones(2), 0.25).tolist() == [0.5, 0.5]
    assert step.traces == 1


# ---------------------------------------------------------------- corners
KINKS = [
    ("relu", lambda x: x.relu(), 0.0, "relu'(0) = 0", 0.0),
    ("abs", lambda x: (x - 1).abs(), 1.0, "abs'(0) = 0", 0.0),
    ("maximum", lambda x: x.maximum(2.0), 2.0, "half the gradient", 0.5),
    ("minimum", lambda x: tg.minimum(x, -1.0), -1.0, "half the gradient", 0.5),
    ("clip", lambda x: x.clip(-1.0, 1.0), 1.0, "slope 1 at the ends", 1.0),
    ("max", lambda x: tg.stack([x, 2 * x - 3]).max(axis=0), 3.0, "share the gradient", 1.5),
]


@pytest.mark.parametrize("op, f, corner, convention, value", KINKS, ids=[k[0] for k in KINKS])
def test_derivatives_at_a_corner_warn_and_name_the_convention(op, f, corner, convention, value):
    with pytest.warns(tg.NotDifferentiableWarning, match=rf"^tg\.derivative: f goes through a corner of {op} "
                                                         rf"at x = {corner:g}.*{re.escape(convention)}") as caught:
        assert tg.derivative(f)(corner) == value
    assert caught[0].filename == __file__  # points at the user's line, not inside the library


@pytest.mark.parametrize("op, f, corner, convention, value", KINKS, ids=[k[0] for k in KINKS])
def test_no_warning_away_from_corners(op, f, corner, convention, value):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.derivative(f)(np.array([corner - 0.25, corner + 0.25]))


def test_every_calculus_helper_warns_at_a_corner_and_names_itself():
    with pytest.warns(tg.NotDifferentiableWarning, match="^tg.taylor:"):
        tg.taylor(lambda x: x.abs(), 0.0, 2)
    with pytest.warns(tg.NotDifferentiableWarning, match="^tg.tangent_line:"):
        tg.tangent_line(lambda x: x.relu() * 3, 0.0)
    with pytest.warns(tg.NotDifferentiableWarning, match="^tg.derivatives:.* at x = 0, ..."):
        tg.derivatives(lambda x: x.relu(), np.zeros(4), 1)


def test_a_corner_hidden_inside_a_smooth_function_is_still_named():
    # relu(x) - relu(-x) is x, whose slope is 1; the convention gives 0 at 0 -- hence the warning
    with pytest.warns(tg.NotDifferentiableWarning, match="relu"):
        assert tg.derivative(lambda x: x.relu() - (-x).relu())(0.0) == 0.0


def test_training_through_a_corner_does_not_warn():
    w = tg.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w.relu().sum().backward()
        tg.grad(lambda x: x.abs().sum())(np.zeros(3))
    assert w.grad.tolist() == [0.0, 1.0]


def test_the_value_alone_has_no_corner_to_warn_about():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tg.derivative(lambda x: x.relu(), 0)(0.0) == 0.0


# ---------------------------------------------------------------- .grad of an intermediate result
def test_reading_an_intermediate_grad_warns_and_names_the_calls_that_give_it():
    a = tg.tensor(2.0, requires_grad=True)
    d = a * 3
    loss = d * d
    loss.backward()
    with pytest.warns(UserWarning, match=r"intermediate result \(made by 'mul'\).*retain_grad\(\).*"
                                         r"tg\.autograd\.latest_gradient\(t\)") as caught:
        assert d.grad is None
    assert caught[0].filename == __file__
    assert float(tg.autograd.latest_gradient(d)) == 12.0  # what the warning points to: dL/dd = 2d


def test_retained_intermediates_and_leaves_read_grad_silently():
    a = tg.tensor(2.0, requires_grad=True)
    d = (a * 3).retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert d.grad is None and a.grad is None  # before backward
        (d * d).backward()
        assert d.grad.item() == 12.0 and a.grad.item() == 36.0


# ---------------------------------------------------------------- results made under no_grad
def test_backward_of_a_result_computed_under_no_grad_names_no_grad():
    w = tg.tensor(1.0, requires_grad=True)
    with tg.no_grad():
        hidden = w * 2
    for result in (hidden, hidden + 1, (hidden * 3).exp()):  # made there, or computed from such a result
        with pytest.raises(RuntimeError, match=r"does not require grad.*recording was off -- inside tg\.no_grad\(\)"):
            result.backward()
        assert "tg.no_grad()" in tg.explain_grad(result)
    with tg.set_grad_enabled(False):
        out = w * 5
    assert "tg.set_grad_enabled(False)" in tg.explain_grad(out + 1)


def test_results_of_detached_and_plain_tensors_keep_their_own_explanations():
    w = tg.tensor(1.0, requires_grad=True)
    assert "detach" in tg.explain_grad(w.detach() * 2)
    assert "computed only from tensors that do not require grad" in tg.explain_grad(tg.tensor(1.0) * 2)


def test_tinygrad_edu_diff_notes_a_corner_in_one_line(capsys):
    from tinygrad_edu.cli import main

    assert main(["diff", "abs(x)", "--at", "x=0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "df/dx = 0" in lines
    notes = [line for line in lines if line.startswith("note:")]
    assert notes == ["note: f goes through a corner of abs here, where abs has no derivative; the result takes the "
                     "convention abs'(0) = 0; f may not be differentiable at this point."]
    assert main(["diff", "relu(x - 1)", "--range", "0:4"]) == 0  # a table: the rows at corners are named
    assert "note: f goes through a corner of relu at x = 1," in capsys.readouterr().out
    assert main(["diff", "abs(x)", "--at", "x=0.5"]) == 0  # away from the corner: no note
    assert "note" not in capsys.readouterr().out


# ---------------------------------------------------------------- division at high orders
def test_high_derivatives_through_a_division_stay_right():
    # the quotient rule written -(g a) / (b b) squared the denominator at every order: b^1024 at the
    # 10th derivative overflowed into a wrong finite number (-1.1e12 instead of -16046)
    sympy = pytest.importorskip("sympy")
    s = sympy.symbols("x")
    exact = sympy.diff(s * 0.7 / (1 + s**2 + 0.49), s, 10).subs(s, 1)
    assert tg.derivative(lambda x: x * 0.7 / (1 + x**2 + 0.49), 10)(1.0) == pytest.approx(float(exact), rel=1e-9)


def test_the_divisors_gradient_does_not_overflow_where_the_answer_is_a_float():
    a, b = tg.tensor(1e300, requires_grad=True), tg.tensor(1e160, requires_grad=True)
    (a / b).backward()
    assert b.grad.item() == pytest.approx(-1e-20)  # -a/b^2; b*b alone would overflow to inf (and give -0)


def test_writing_to_a_folder_says_so_and_a_diff_graph_is_written_whole(tmp_path, capsys):
    a = tg.tensor(2.0, requires_grad=True, name="a")
    with pytest.raises(IsADirectoryError, match="it is a folder; give a file name inside it"):
        tg.explore(a * a, tmp_path)
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        tg.save({"a": a}, tmp_path)
    from tinygrad_edu.cli import main

    target = tmp_path / "f.dot"
    target.write_text("old")
    assert main(["diff", "x^2", "--at", "x=3", "--graph", str(target)]) == 0
    assert target.read_text().startswith("digraph")  # through files.write_file, not open(..., "w")

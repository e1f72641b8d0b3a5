"""The habits learners bring from calculus, micrograd and PyTorch: each one gives the right number
or a clear refusal, never a silent wrong number (the "no silent wrong answer" issue).

* Python numbers inside a transform: ``math.exp(x)``, ``float(x)``, ``.item()`` ... on the
  tensor being differentiated would make it a constant; they are refused, naming the transform
  and the fix. Outside transforms they stay silent (``loss.item()`` for logging).
* Corners (relu, abs, maximum, clip, max at a tie): the calculus helpers say that the function
  has no derivative there and which convention the number follows.
* ``.grad`` of an intermediate result warns and names what gives it.
* A result computed under ``no_grad`` says so when it cannot be differentiated.
* NumPy arrays changed after the forward pass (test_stale_...), closed-over arrays under
  tg.compile (test_compile_live_...), and tg.trace / tg.codegen after backward()
  (test_after_backward_...): each over every op it concerns (the op table).
"""
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

from .op_table import OPS


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
    (lambda x: x * math.exp(x.data), r"x\.data"),  # micrograd's habit
    (lambda x: x * tg.tensor(x), r"tg\.tensor\(x\)"),
    (lambda x: x * tg.tensor([x, x * 2]).sum(), r"np\.asarray\(x\)"),
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
                                                      r"differentiated into .* without its graph, so the derivative "
                                                      r"would silently treat it as a constant.*x\.exp\(\).*tg\.exp\(x\)"):
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
    np.testing.assert_allclose(tg.derivative(lambda t: t * t.exp())(x), (1 + x) * np.exp(x), rtol=1e-12, atol=1e-14)


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
    # the quotient rule written -(g a) / (b b) squared the divisor at every order: b^256 at the 8th
    # derivative of 1/(x + 100) overflowed into a wrong number (-2.7e-10 instead of 8!/100^9)
    for n in (1, 5, 8):
        exact = (-1) ** n * math.factorial(n) / 100.0 ** (n + 1)
        assert tg.derivative(lambda x: 1 / (x + 100), n)(0.0) == pytest.approx(exact, rel=1e-9)


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


GRADIENT_MODES = ["backward", "create_graph", "autograd.grad"]


def _gradients(loss, leaves, mode):
    """d loss / d leaves as arrays, by ``loss.backward()``, with create_graph, or by grad()."""
    if mode == "autograd.grad":
        return [g.data for g in tg.autograd.grad(loss, leaves)]
    for leaf in leaves:
        leaf.grad = None
    loss.backward(create_graph=mode == "create_graph")
    return [leaf.grad.data for leaf in leaves]


def _refill(value):
    """Change every array in ``value`` in place, as a reused buffer is: indices to 0, masks
    rolled by one place (as many True: a selection keeps its shape), numbers to 7."""
    if isinstance(value, np.ndarray):
        if value.dtype == bool:
            value[...] = np.roll(value.ravel(), 1).reshape(value.shape)
        elif value.dtype.kind in "iu":
            value[...] = 0
        else:
            value[...] = 7.0
    elif isinstance(value, (tuple, list)):
        for part in value:
            _refill(part)


def _copied(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copied(v) for v in value)
    return value


# ----------------------------------------------------------------------------- stale arrays
MULTI_INPUT = [case for case in OPS if case.name in {
    "add", "sub", "mul", "div", "pow_tensor", "matmul", "maximum", "minimum", "where", "getitem",
    "concatenate", "stack", "dot", "conv2d"}]


@pytest.mark.parametrize("mode", GRADIENT_MODES)
@pytest.mark.parametrize("case", MULTI_INPUT, ids=[c.name for c in MULTI_INPUT])
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_stale_arrays_of_every_op_refilled_before_backward(case, mode, data):
    """The first input requires grad; every other input and every array option (an index, a
    where condition) is a NumPy array of the caller's, refilled between forward and backward."""
    arrays, options = data.draw(case.inputs)
    upstream_seed = data.draw(st.integers(0, 99))

    def gradient(refill):
        x = tg.tensor(arrays[0], requires_grad=True)
        others = [a.copy() for a in arrays[1:]]
        kept = {k: _copied(v) for k, v in options.items()}
        out = case.fn(x, *others, **kept)
        loss = (out * np.random.default_rng(upstream_seed).normal(size=out.shape)).sum()
        if refill:
            _refill(others)
            _refill(list(kept.values()))
        return _gradients(loss, [x], mode)[0]

    np.testing.assert_allclose(gradient(refill=True), gradient(refill=False), rtol=1e-12, atol=1e-12)


def _getitem(x, idx):
    return x[idx]


def _embedding(weight, indices):
    table = tg.nn.Embedding(4, 3)
    table.weight = weight  # the table of the test's parameter
    return table(indices)


# (name, the caller's array, what forward computes from a parameter p and that array).
# p has shape (4, 3); arrays hold indices in 0..3 or values shaped like p.
STALE_CASES = [
    ("x[idx] (the issue's example)", lambda: np.array([0, 1]), _getitem),
    ("x[rows, cols]", lambda: (np.array([0, 2, 2]), np.array([1, 0, 1])), _getitem),
    ("x[mask]", lambda: np.array([True, False, True, False]), _getitem),
    ("x[int tensor]", lambda: tg.tensor([3, 1], dtype=np.int64), _getitem),
    ("Embedding over a micro-batch buffer", lambda: np.array([[0, 1], [1, 3]]), _embedding),
    ("Embedding, int32 indices", lambda: np.array([2, 2, 0], np.int32), _embedding),
    ("binary_cross_entropy target", lambda: np.array([[1.0, 0.0, 1.0]] * 4),
     lambda p, t: tg.nn.binary_cross_entropy(p.sigmoid(), t)),
    ("binary_cross_entropy logits=True target", lambda: np.array([[0.0, 1.0, 0.5]] * 4),
     lambda p, t: tg.nn.binary_cross_entropy(p, t, logits=True)),
    ("cross_entropy probabilities", lambda: np.array([[0.2, 0.8, 0.0]] * 4),
     lambda p, t: tg.nn.cross_entropy(p, t)),
    ("cross_entropy labels", lambda: np.array([2, 0, 1, 1]), lambda p, t: tg.nn.cross_entropy(p, t)),
    ("nll_loss labels", lambda: np.array([1, 1, 0, 2]), lambda p, t: tg.nn.nll_loss(p.log_softmax(axis=-1), t)),
    ("mse_loss target", lambda: np.ones((4, 3)), lambda p, t: tg.nn.mse_loss(p * p, t)),
    ("t * ndarray", lambda: np.arange(12.0).reshape(4, 3), lambda p, m: p * m),
    ("ndarray * t", lambda: np.arange(12.0).reshape(4, 3), lambda p, m: m * p),
    ("t / ndarray", lambda: np.arange(1.0, 13.0).reshape(4, 3), lambda p, m: p / m),
    ("ndarray / t", lambda: np.arange(12.0).reshape(4, 3), lambda p, m: m / (p * p + 1.0)),
    ("t ** ndarray", lambda: np.linspace(0.5, 2.0, 12).reshape(4, 3), lambda p, m: (p * p + 1.0) ** m),
    ("ndarray ** t", lambda: np.linspace(0.5, 2.0, 12).reshape(4, 3), lambda p, m: m ** p),
    ("maximum(t, ndarray)", lambda: np.zeros((4, 3)), lambda p, m: p.maximum(m)),
    ("tg.maximum(ndarray, t)", lambda: np.zeros((4, 3)), lambda p, m: tg.maximum(m, p)),
    ("where(ndarray mask, t, 0)", lambda: np.eye(4, 3, dtype=bool), lambda p, c: tg.where(c, p, 0.0)),
    ("where(ndarray of 0/1, t, 0)", lambda: np.eye(4, 3), lambda p, c: tg.where(c, p, 0.0)),
    ("where(mask, t * t, t)", lambda: np.eye(4, 3, dtype=bool), lambda p, c: tg.where(c, p * p, p)),
    ("where(mask, ndarray, t)", lambda: np.arange(12.0).reshape(4, 3),
     lambda p, m: tg.where(np.eye(4, 3, dtype=bool), m, p * p)),
    ("clip with array bounds", lambda: np.full((4, 3), 0.1), lambda p, low: p.clip(low, 1.0)),
    ("x @ ndarray", lambda: np.arange(6.0).reshape(3, 2), lambda p, m: p @ m),
    ("ndarray @ x", lambda: np.arange(8.0).reshape(2, 4), lambda p, m: m @ p),
    ("x.dot(ndarray)", lambda: np.arange(3.0), lambda p, m: p.dot(m)),
    ("tg.as_tensor(ndarray) @ x", lambda: np.arange(8.0).reshape(2, 4), lambda p, m: tg.as_tensor(m) @ p),
    ("a view of tg.as_tensor(ndarray) @ x", lambda: np.arange(12.0).reshape(3, 4),
     lambda p, m: tg.as_tensor(m)[1:].T.T @ p),
    ("tg.concatenate with an ndarray", lambda: np.ones((1, 3)), lambda p, m: tg.concatenate([p, m]) * p[:1]),
    ("nn.functional.linear(ndarray, w)", lambda: np.arange(8.0).reshape(2, 4),
     lambda p, m: tg.nn.functional.linear(m, p)),
    ("conv2d(ndarray image, weight)", lambda: np.arange(50.0).reshape(1, 2, 5, 5),
     lambda p, image: tg.nn.functional.conv2d(image, p.reshape(2, 2, 1, 3))),
]


def _refill_callers(value):
    if isinstance(value, tg.Tensor):
        with tg.no_grad():
            value[...] = 0 if value.dtype.kind in "iu" else 7.0
    elif isinstance(value, np.ndarray) and value.dtype.kind == "f" and np.all(value <= 1) and np.all(value >= 0):
        value[...] = 1.0 - value  # targets and probabilities stay valid
    else:
        _refill(value)


@pytest.mark.parametrize("mode", GRADIENT_MODES)
@pytest.mark.parametrize("name, make, forward", STALE_CASES, ids=[c[0] for c in STALE_CASES])
def test_stale_callers_array_refilled_between_forward_and_backward(name, make, forward, mode):
    """The habits of the issue and their neighbours: the gradient is the one of the values
    forward used, whatever the caller writes into its array before backward()."""
    start = np.linspace(-1.0, 1.0, 12).reshape(4, 3) + 0.05

    def gradient(refill):
        p = tg.tensor(start, requires_grad=True)
        held = make()
        out = forward(p, held)
        loss = (out * np.linspace(0.5, 1.5, out.size).reshape(out.shape)).sum()
        if refill:
            _refill_callers(held)
        return _gradients(loss, [p], mode)[0]

    np.testing.assert_allclose(gradient(refill=True), gradient(refill=False), rtol=1e-12, atol=1e-12)


def test_stale_second_derivative_reads_the_forward_operand():
    """create_graph: the gradient's own graph, and so the second derivative, use the operand
    forward used. d/dx sum((x m)^2) = 2 m^2 x, and d/dx of that summed is 2 m^2."""
    m = np.array([1.0, 2.0, 3.0])
    x = tg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    loss = ((x * m) ** 2).sum()
    expected_first, expected_second = 2 * m**2 * x.data, 2 * m**2
    m[:] = 10.0  # refilled between forward and backward
    (dx,) = tg.autograd.grad(loss, x, create_graph=True)
    m[:] = -4.0  # and again before the second derivative
    (d2x,) = tg.autograd.grad(dx.sum(), x)
    np.testing.assert_allclose(dx.data, expected_first)
    np.testing.assert_allclose(d2x.data, expected_second)


def test_stale_explorer_edges_after_backward_use_the_forward_values():
    """The explorer remakes a freed node's saved arrays by running forward again on the
    inputs it kept: those are forward's values, not what the caller wrote since."""
    bound = np.array([0.0, 5.0, 0.0])
    x = tg.tensor([1.0, 2.0, -3.0], requires_grad=True)
    y = x.maximum(bound)
    (y * np.array([1.0, 2.0, 3.0])).sum().backward()
    bound[:] = 100.0
    (edge,) = [g for g in tg.autograd.edge_gradients(y.grad_fn) if g is not None]
    np.testing.assert_array_equal(edge, x.grad.data)
    np.testing.assert_array_equal(edge, [1.0, 0.0, 0.0])


def test_stale_copies_only_what_backward_reads():
    """An operand whose values backward reads is copied once, when the node is recorded; one
    whose shape alone matters (add, sub) is not, and nothing is copied outside recording."""
    m = np.ones(3)
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert (x * m).grad_fn.inputs[1] is not m
    assert (x + m).grad_fn.inputs[1] is m
    assert (x - m).grad_fn.inputs[1] is m


# ----------------------------------------------------------------------------- compile
def _assert_same(got, want):
    got = got if isinstance(got, (tuple, list)) else (got,)
    want = want if isinstance(want, (tuple, list)) else (want,)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.data, w.data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", MULTI_INPUT, ids=[c.name for c in MULTI_INPUT])
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_compile_live_closed_over_arrays_of_every_op_changed_in_place(case, data):
    """Every op with a NumPy array the function closes over (operands, where conditions,
    index arrays): refilled between calls, the compiled function follows as eager mode does."""
    arrays, options = data.draw(case.inputs)
    others = [a.copy() for a in arrays[1:]]
    kept = {k: _copied(v) for k, v in options.items()}

    def value_and_grad(x):
        x.requires_grad_()
        out = case.fn(x, *others, **kept)
        return out, *tg.autograd.grad((out * out).sum(), [x])

    compiled = tg.compile(value_and_grad)
    for round_ in range(3):
        _assert_same(compiled(arrays[0]), value_and_grad(tg.tensor(arrays[0])))
        _refill(others)
        _refill(list(kept.values()))
        if round_ == 1:  # refilled to a repeated value: nothing may be folded into a number
            for a in others:
                if a.dtype.kind == "f":
                    a[...] = -3.0
    assert compiled.traces == 1


# A notebook: globals, and functions that read them by name (one through a helper).
NOTEBOOK = '''
scale = np.full(3, 2.0)
mask = np.array([True, False, True])
indices = np.array([0, 2], np.int32)
target = np.array([1.0, 0.0, 1.0])
labels = np.array([2, 0])
probabilities = np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]])
factor = np.array(2.0)
w = tg.tensor([0.3, -0.2, 0.6], requires_grad=True)
logits = tg.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]], requires_grad=True)
table = tg.nn.Embedding(3, 2, weight=[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])

def grad_of(loss, leaf):
    leaf.grad = None
    loss.backward()
    return loss, leaf.grad

def times_scale(x):
    return x * scale

def operand(x):
    return times_scale(x)

def gradient_through_operand():
    return grad_of((w * scale * factor).sum(), w)

def where_condition():
    return grad_of(tg.where(mask, w * w, -w).sum(), w)

def index():
    return grad_of((w[indices] ** 2).sum(), w)

def embedding():
    table.zero_grad()
    loss = (table(indices) ** 2).sum()
    loss.backward()
    return loss, table.weight.grad

def bce_target():
    return grad_of(tg.nn.binary_cross_entropy(w.sigmoid(), target), w)

def ce_labels():
    return grad_of(tg.nn.cross_entropy(logits, labels), logits)

def ce_probabilities():
    return grad_of(tg.nn.cross_entropy(logits, probabilities), logits)
'''

# name of the function -> (argument or None, {global: (in-place change, another array of the
# same shape and dtype, an array of another shape)})
NOTEBOOK_CASES = {
    "operand": ("x", {"scale": (lambda a: a.fill(-1.5), np.array([1.0, 2.0, 3.0]), np.full(2, 3.0))}),
    "gradient_through_operand": (None, {
        "scale": (lambda a: a.fill(4.0), np.array([1.0, -1.0, 5.0]), None),
        "factor": (lambda a: a.fill(-3.0), np.array(0.5), None)}),
    "where_condition": (None, {"mask": (lambda a: a.__setitem__(..., ~a), np.array([True, True, False]), None)}),
    "index": (None, {"indices": (lambda a: a.fill(1), np.array([2, 2], np.int32), np.array([0, 1, 1], np.int32))}),
    "embedding": (None, {"indices": (lambda a: a.fill(1), np.array([2, 0], np.int32), np.array([2], np.int32))}),
    "bce_target": (None, {"target": (lambda a: a.__setitem__(..., 1.0 - a), np.array([0.2, 0.4, 0.9]), None)}),
    "ce_labels": (None, {"labels": (lambda a: a.fill(1), np.array([0, 0]), None)}),
    "ce_probabilities": (None, {"probabilities": (lambda a: a.__setitem__(..., a[::-1].copy()),
                                                  np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), None)}),
}


@pytest.mark.parametrize("name", list(NOTEBOOK_CASES))
def test_compile_live_notebook_globals_changed_in_place_and_rebound(name):
    """The issue's case and its neighbours: globals a compiled function reads (operands, an
    all-equal array, a 0-d array, where masks, index arrays, targets, labels), changed in place,
    bound to another array, and to an array of another shape, between calls."""
    namespace = {"np": np, "tg": tg}
    exec(NOTEBOOK, namespace)  # noqa: S102 - the test's own source, as a notebook cell
    argument, changes = NOTEBOOK_CASES[name]
    eager = namespace[name]
    compiled = tg.compile(eager)
    x = np.array([1.0, -2.0, 0.5])

    def check():
        args = () if argument is None else (x,)
        got = compiled(*args)
        want = eager(*(tg.tensor(a) for a in args))
        _assert_same(got, want)

    check()
    for variable, (in_place, another, reshaped) in changes.items():
        in_place(namespace[variable])
        check()
        namespace[variable] = another.copy()
        check()
        in_place(namespace[variable])  # the new array, changed in place
        check()
    assert compiled.traces == 1  # same shapes and dtypes: one program reads them all
    for variable, (_, _, reshaped) in changes.items():
        if reshaped is not None:
            namespace[variable] = reshaped
            if argument is not None:
                x = np.ones(reshaped.shape)
            check()  # another shape: traced again
            assert compiled.traces == 2


def test_compile_live_closure_variables_and_method_attributes():
    """The array in an enclosing function's variable (rebound with nonlocal) and in an
    attribute of the object whose method is compiled (a learner's model class)."""
    w = tg.tensor([0.3, -0.2, 0.6], requires_grad=True)

    def make():
        mask = np.array([True, False, True])

        def step():
            w.grad = None
            tg.where(mask, w * 3.0, w * w).sum().backward()
            return w.grad

        def rebind(new):
            nonlocal mask
            mask = new

        return step, rebind

    step, rebind = make()
    compiled = tg.compile(step)
    for new in (None, np.array([False, False, True]), np.array([True, True, True])):
        if new is not None:
            rebind(new)
        _assert_same(compiled(), step())

    class Model:
        def __init__(self):
            self.scale = np.full(3, 2.0)

        def step(self, x):
            w.grad = None
            loss = (x * w * self.scale).sum()
            loss.backward()
            return loss, w.grad

    model = Model()
    compiled = tg.compile(model.step)
    x = np.array([1.0, 2.0, 3.0])
    for new in (None, np.array([1.0, -1.0, 0.5]), np.full(3, 9.0)):
        if new is not None:
            model.scale = new
        _assert_same(compiled(x), model.step(tg.tensor(x)))
    assert compiled.traces == 1


def test_compile_live_float_arguments_stay_program_inputs():
    """What already gave the right answer stays: a float argument is an input of the program,
    beside a closed-over array read at every call."""
    scale = np.array([1.0, 2.0])

    def f(x, k):
        return x * k * scale

    compiled = tg.compile(f)
    for k in (1.0, 2.5, -3.0):
        scale[0] = k
        _assert_same(compiled(np.ones(2), k), f(tg.tensor(np.ones(2)), k))
    assert compiled.traces == 1


# ----------------------------------------------------------------------------- after backward
@pytest.mark.parametrize("retain", ["freed", "retain_graph", "create_graph"])
@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_after_backward_trace_and_codegen_print_what_they_printed_before(case, retain, data):
    arrays, options = data.draw(case.inputs)
    tensors = [tg.tensor(a, requires_grad=True, name=f"x{i}") for i, a in enumerate(arrays)]
    out = case.fn(*tensors, **options)
    loss = (out * np.random.default_rng(data.draw(st.integers(0, 99))).normal(size=out.shape)).sum()
    trace_before, code_before = tg.trace(loss, backward=True), tg.codegen(loss, wrt=tensors).source
    loss.backward(retain_graph=retain == "retain_graph", create_graph=retain == "create_graph")
    for _ in range(2):  # and again: the graph is freed again after each
        assert tg.trace(loss, backward=True) == trace_before
        code = tg.codegen(loss, wrt=tensors)
        assert code.source == code_before
    _, grads = code.run()
    for t, g in zip(tensors, grads):
        np.testing.assert_allclose(g, t.grad.data, rtol=1e-12, atol=1e-12)
    if retain == "freed":
        with pytest.raises(RuntimeError, match="retain_graph"):
            loss.backward()


NETWORKS = [
    ("a 0-d saved output", lambda x: x.sum().exp() + x.sum().sigmoid().tanh()),
    ("Trask's layers", lambda x: ((x.reshape(2, 3) @ x.reshape(3, 2)).sigmoid() ** 2).sum()),
    ("binary_cross_entropy", lambda x: tg.nn.binary_cross_entropy(x.sigmoid(), np.array([1.0, 0, 1, 0, 1, 0]))),
    ("cross_entropy", lambda x: tg.nn.cross_entropy(x.reshape(2, 3), np.array([2, 0]))),
    ("relu, max and softmax", lambda x: x.relu().max() + x.softmax(axis=-1)[1:4].sum()),
    ("indexing rows", lambda x: (x.reshape(3, 2)[np.array([0, 2, 2])] ** 2).sum()),
]


@pytest.mark.parametrize("name, network", NETWORKS, ids=[n for n, _ in NETWORKS])
def test_after_backward_trace_and_codegen_of_networks(name, network):
    x = tg.tensor([0.5, -1.0, 0.25, 0.75, -0.5, 0.1], requires_grad=True, name="x")
    loss = network(x)
    trace_before, code_before = tg.trace(loss, backward=True), tg.codegen(loss, wrt=[x]).source
    loss.backward()
    assert tg.trace(loss, backward=True) == trace_before
    code = tg.codegen(loss, wrt=[x])
    assert code.source == code_before
    np.testing.assert_allclose(code.run()[1][0], x.grad.data, rtol=1e-12)
    assert loss.grad_fn.released  # still freed: drawings read it, a second backward is refused


def test_compile_live_a_tensor_made_from_an_argument_or_a_closed_over_array_inside_the_function():
    mask = np.ones(2)
    step = tg.compile(lambda x: tg.tensor(x) * 2 + tg.Tensor(mask, dtype=np.float32))
    assert step(np.ones(2)).tolist() == [3.0, 3.0]
    mask[:] = 5.0
    assert step(np.full(2, 3.0)).tolist() == [11.0, 11.0]  # tg.tensor(x) was frozen at the first call's x
    assert step.traces == 1


def test_creating_tensors_shaped_like_the_differentiated_input_is_fine():
    assert tg.grad(lambda x: (x * tg.ones_like(x) + tg.zeros_like(x)).sum())(np.ones(2)).tolist() == [1.0, 1.0]
    assert tg.compile(lambda x: x + tg.zeros_like(x))(np.ones(2)).tolist() == [1.0, 1.0]


def test_the_checks_name_a_conversion_instead_of_reporting_a_mismatch():
    with pytest.raises(tg.ConcretizationError, match=r"^tg\.gradcheck: float\(x\)"):
        tg.gradcheck(lambda x: x * math.exp(x), [np.array(1.0)])
    with pytest.raises(tg.ConcretizationError, match=r"^tg\.check_formula: x\.item\(\)"):
        tg.check_formula(lambda x: x * x.item(), [np.array(1.0)], lambda x: 2 * x)


def test_a_masked_array_on_the_left_is_refused_not_computed_without_the_tensor():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    for use in (lambda: np.ma.array([2.0, 3.0]) * x, lambda: np.ma.array([2.0, 3.0]) + x,
                lambda: tg.derivative(lambda v: v * (np.ma.array(2.0) * v))(1.0)):
        with pytest.raises(TypeError, match="MaskedArray is not supported as tensor data or operand"):
            use()


def test_set_grad_enabled_takes_a_bool_only():
    for mode in (None, "false", 0.0):
        with pytest.raises(TypeError, match="set_grad_enabled: mode must be True or False"):
            tg.set_grad_enabled(mode)
    assert tg.is_grad_enabled()


def test_a_hook_that_assigns_to_g_data_is_told_to_return_a_new_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3

    def hook(g):
        g.data = g.data * 2

    y.register_hook(hook)
    with pytest.raises(ValueError, match=r"register_hook: 'g.data = \.\.\.' would change the gradient"):
        y.sum().backward()


def test_compile_live_integer_and_bool_arrays_made_tensors_with_as_tensor():
    counts, mask = np.array([1, 2, 3]), np.array([True, False, True])
    step = tg.compile(lambda x: x * tg.as_tensor(counts) + tg.nn.functional.relu(counts) + tg.where(tg.as_tensor(mask), 1.0, 0.0))
    assert step(np.ones(3)).tolist() == [3.0, 4.0, 7.0]
    counts[:] = 5
    mask[:] = False
    assert step(np.ones(3)).tolist() == [10.0, 10.0, 10.0]  # the int array was copied once, frozen
    assert tg.as_tensor(counts).dtype == np.float64 and np.shares_memory(tg.as_tensor(mask).data, mask)

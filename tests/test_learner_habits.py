"""The issue's learner-habit cases ("No silent wrong answer: the habits learners bring").

Each habit is a class of inputs, so each test runs over every op it concerns (the op table) and
the neighbours of the issue's example:

* test_stale_... -- NumPy arrays the caller changes after the forward pass and before
  backward(): an index buffer refilled for the next micro-batch, targets refilled, masks and
  operands reused. Backward (also with create_graph=True and through tg.autograd.grad) reads
  what forward used.
* test_compile_live_... -- a compiled function equals the function itself when the NumPy
  arrays it closes over change between calls, in place or by binding the name anew.
* test_after_backward_... -- tg.trace(y, backward=True) and tg.codegen print after backward()
  what they print before it.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

from .op_table import OPS

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

"""tg.codegen and tg.compile: the NumPy programs they write give eager mode's numbers.

Every op of the op table goes through both: codegen's source, exec'd, gives the gradients
autograd gives; a compiled function traced on one set of values and replayed on another
gives what eager mode gives on the other (so nothing saved by the trace -- a relu's mask, a
max's winners -- is reused stale).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.programs import RecordingError

from .op_table import OPS


def _weighted_loss(case, options, tensors, upstream):
    out = case.fn(*tensors, **options)
    return (out * upstream).sum()


@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_codegen_source_gives_autograds_gradients(case, data):
    arrays, options = data.draw(case.inputs)
    tensors = [tg.tensor(a, requires_grad=True, name=f"x{i}") for i, a in enumerate(arrays)]
    with tg.no_grad():
        shape = case.fn(*tensors, **options).shape
    upstream = np.random.default_rng(data.draw(st.integers(0, 99))).normal(size=shape)
    loss = _weighted_loss(case, options, tensors, upstream)
    code = tg.codegen(loss, wrt=tensors)
    expected = tg.autograd.grad(loss, tensors, retain_graph=True)
    namespace = {}
    exec(code.source, namespace)  # what a learner does with the printed source
    value, grads = namespace["forward_backward"](*[t.data for t in code.inputs])
    assert np.array_equal(value, loss.data)
    for got, want in zip(grads, expected):
        np.testing.assert_array_equal(got, want.data)


@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_compiled_function_replayed_on_new_values_matches_eager(case, data):
    arrays, options = data.draw(case.inputs)
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    # the same shapes and the same domain (log's positive values, relu's distance from 0): shuffled
    shuffled = [rng.permutation(a.ravel()).reshape(a.shape) for a in arrays]

    def value_and_grads(*xs):
        for x in xs:
            x.requires_grad_()
        out = case.fn(*xs, **options)
        loss = (out * out).sum()
        return (out, *tg.autograd.grad(loss, list(xs)))

    compiled = tg.compile(value_and_grads)
    compiled(*arrays)  # the trace
    got = compiled(*shuffled)  # the replay
    want = value_and_grads(*[tg.tensor(a) for a in shuffled])
    assert compiled.traces == 1
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.data, w.data)


# ----------------------------------------------------------------------------- training steps
def _trask():
    np.random.seed(1)
    return (np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], float), np.array([[0, 1, 1, 0]], float).T,
            2 * np.random.random((3, 4)) - 1, 2 * np.random.random((4, 1)) - 1)


def _trask_step(syn0, syn1):
    def step(X, y):
        l2 = ((X @ syn0).sigmoid() @ syn1).sigmoid()
        loss = 0.5 * ((y - l2) ** 2).sum()
        loss.backward()
        with tg.no_grad():
            syn1.__isub__(syn1.grad)  # syn1 -= syn1.grad, without making syn1 local to step
            syn0.__isub__(syn0.grad)
        syn0.grad = syn1.grad = None
        return loss

    return step


def test_compiled_trask_gives_eagers_parameters_bit_for_bit_for_100_steps():
    X, y, s0, s1 = _trask()
    eager_params = [tg.tensor(s0, requires_grad=True), tg.tensor(s1, requires_grad=True)]
    compiled_params = [tg.tensor(s0, requires_grad=True), tg.tensor(s1, requires_grad=True)]
    eager, compiled = _trask_step(*eager_params), tg.compile(_trask_step(*compiled_params))
    for _ in range(100):
        eager_loss = eager(tg.tensor(X), tg.tensor(y))
        compiled_loss = compiled(X, y)
        assert compiled_loss.item() == eager_loss.item()
    for e, c in zip(eager_params, compiled_params):
        np.testing.assert_array_equal(c.data, e.data)
        assert c.grad is None
    assert compiled.traces == 1
    assert "sigmoid" in compiled.source and "syn" not in compiled.source  # unnamed: param, param_2


def _mlp_step(model, optimizer):
    def step(x, labels):
        optimizer.zero_grad()
        loss = tg.nn.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
        return {"loss": loss, "logits_norm": (model(x) ** 2).sum()}

    return step


@pytest.mark.parametrize("make_optimizer", [
    lambda ps: tg.optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: tg.optim.Adam(ps, lr=0.01),
], ids=["sgd_momentum", "adam"])
def test_compiled_module_step_with_optimizer_and_changing_labels_matches_eager(make_optimizer):
    rng = np.random.default_rng(0)
    batches = [(rng.normal(size=(8, 5)), rng.integers(0, 3, size=8)) for _ in range(100)]
    models = []
    for _ in range(2):
        np.random.seed(0)
        models.append(tg.nn.MLP([5, 7, 3], activation="relu"))
    eager = _mlp_step(models[0], make_optimizer(models[0].parameters()))
    compiled = tg.compile(_mlp_step(models[1], make_optimizer(models[1].parameters())))
    for x, labels in batches:
        want, got = eager(tg.tensor(x), labels), compiled(x, labels)
        assert got["loss"].item() == want["loss"].item()
    for e, c in zip(models[0].parameters(), models[1].parameters()):
        np.testing.assert_array_equal(c.data, e.data)
    assert compiled.traces == 1


def test_a_new_shape_traces_again_and_old_shapes_reuse_their_program():
    w = tg.tensor([[0.5], [-0.25]], requires_grad=True)

    def predict_and_grad(x):
        out = (x @ w).tanh()
        (g,) = tg.autograd.grad(out.sum(), [w])
        return out, g

    compiled = tg.compile(predict_and_grad)
    for rows in (3, 5, 3, 5, 1):
        x = np.arange(rows * 2, dtype=float).reshape(rows, 2) / 10
        out, g = compiled(x)
        want_out, want_g = predict_and_grad(tg.tensor(x))
        np.testing.assert_array_equal(out.data, want_out.data)
        np.testing.assert_array_equal(g.data, want_g.data)
    assert compiled.traces == 3
    compiled(np.ones((3, 2), dtype=np.float32))  # another dtype is another program
    assert compiled.traces == 4


def test_settings_are_part_of_the_key_but_floats_are_inputs():
    compiled = tg.compile(lambda x, scale: x * scale)
    assert compiled(np.ones(2), 2.0).tolist() == [2.0, 2.0]
    assert compiled(np.ones(2), 3.0).tolist() == [3.0, 3.0]
    assert compiled(np.ones(2), float("nan")).data.tolist() != [3.0, 3.0]
    assert compiled.traces == 1  # one program, the float is its parameter
    by_name = tg.compile(lambda x, how: x * 2 if how == "double" else x)
    assert by_name(np.ones(1), "double").tolist() == [2.0] and by_name(np.ones(1), "same").tolist() == [1.0]
    assert by_name.traces == 2  # a string is a setting
    counted = tg.compile(lambda x, n: x * n)
    assert counted(np.ones(1), 2).tolist() == [2.0] and counted(np.ones(1), 3).tolist() == [3.0]
    assert counted.traces == 2  # ints are settings too (shapes and counts usually are)


def test_a_float_used_in_python_arithmetic_is_checked_not_frozen():
    halved = tg.compile(lambda x, lr: x * (lr / 2))  # Python computes lr / 2: the program cannot follow it
    assert halved(np.ones(1), 2.0).tolist() == [1.0]
    assert halved(np.ones(1), 4.0).tolist() == [2.0]
    assert halved(np.ones(1), 2.0).tolist() == [1.0]
    assert halved.traces == 2
    branching = tg.compile(lambda x, t: x * 2 if t > 0 else x * 3)
    assert branching(np.ones(1), 1.0).tolist() == [2.0] and branching(np.ones(1), -1.0).tolist() == [3.0]
    nan = float("nan")
    assert np.isnan(halved(np.ones(1), nan).item()) and np.isnan(halved(np.ones(1), nan).item())
    assert halved.traces == 3  # NaN matches NaN: no trace per call


def test_the_program_cache_is_bounded_and_warns_once():
    compiled = tg.compile(lambda x: x * 2)
    with pytest.warns(tg.programs.RetraceWarning, match="shape and dtype of x"):
        for n in range(1, 12):
            compiled(np.ones(n))
    assert sum(len(p) for p in compiled.programs.values()) == compiled.cache_size
    assert compiled(np.ones(11)).tolist() == [2.0] * 11


def test_compiled_results_have_no_graph_and_say_why():
    out = tg.compile(lambda x: x * 2)(np.ones(2))
    out = tg.compile(lambda x: x * 2)(np.ones(2))
    assert not out.requires_grad and "compile" in tg.explain_grad(out)


def test_a_compiled_update_is_seen_by_a_graph_that_saved_the_old_values():
    w = tg.tensor([1.0, 2.0], requires_grad=True)

    def update(step):
        with tg.no_grad():
            w.__isub__(step)

    compiled = tg.compile(update)
    compiled(np.ones(2))  # trace
    pending = (w * w).sum()  # saves w
    compiled(np.ones(2))  # replay changes w in place
    with pytest.raises(RuntimeError, match="modified in place"):
        pending.backward()


def test_recording_errors_say_what_to_do():
    with pytest.raises(RecordingError, match="returned a float"):
        tg.compile(lambda x: 2.0)(np.ones(2))
    with pytest.raises(tg.ConcretizationError, match=r"tg.compile: x.item\(\) on a tensor the program computes"):
        tg.compile(lambda x: (x * 2).sum().item())(np.ones(2))
    w = tg.tensor([1.0], requires_grad=True)
    (w * 3).sum().backward()  # a .grad from before the compiled call

    def accumulate(x):
        (w * x).sum().backward()

    with pytest.raises(RecordingError, match="zero_grad"):
        tg.compile(accumulate)(np.ones(1))
    with pytest.raises(TypeError, match="cannot be compared between calls"):
        tg.compile(lambda x, options: x)(np.ones(1), {"a": 1})

    def sets_argument_grad(p):
        p.requires_grad_()
        (p * p).sum().backward()

    with pytest.raises(RecordingError, match="argument"):
        tg.compile(sets_argument_grad)(np.ones(2))


# ----------------------------------------------------------------------------- codegen
DERIVERS = {"trace": lambda loss, w: tg.trace(loss, backward=True), "codegen": lambda loss, w: tg.codegen(loss, wrt=[w])}


@pytest.mark.parametrize("who", DERIVERS)
@pytest.mark.parametrize("after_backward", [False, True])
def test_trace_and_codegen_after_an_update_name_themselves_and_say_to_call_them_first(who, after_backward):
    """An update between the forward pass and tg.trace/tg.codegen: the error names the call the
    user made (not backward) and says to call it before the update, or on a new loss."""
    w = tg.tensor([1.0, 2.0], requires_grad=True, name="w")
    optimizer = tg.optim.SGD([w], lr=0.1)
    loss = ((w * w) * 3.0).sum()
    if after_backward:
        loss.backward()
    if after_backward:
        optimizer.step()
    else:
        with tg.no_grad():
            w -= 0.5  # a hand-written update
    with pytest.raises(RuntimeError, match=rf"^{who}: input 0 of 'mul' \(shape \(2,\), 'w'\) was modified in place") as error:
        DERIVERS[who](loss, w)
    message = str(error.value)
    assert f"call it before changing them (before optimizer.step()" in message and f"call tg.{who} on that" in message
    assert "backward" not in message.split("Hint")[0] and "update parameters after backward()" not in message
    DERIVERS[who](((w * w) * 3.0).sum(), w)  # a new loss from the updated values: fine
    if not after_backward:  # backward() itself still speaks as backward
        with pytest.raises(RuntimeError, match=r"^backward: input 0 of 'mul'.*update parameters after backward\(\)"):
            loss.backward()


@pytest.mark.parametrize("who", DERIVERS)
def test_trace_and_codegen_name_themselves_when_an_output_a_backward_reads_was_changed(who):
    w = tg.tensor([1.0, 2.0], requires_grad=True, name="w")
    loss = (w * w).sum().exp()
    with tg.no_grad():
        loss += 1.0  # changed in place: exp's backward reads its output
    with pytest.raises(RuntimeError, match=rf"^{who}: the output of 'exp', which its backward needs, was modified"):
        DERIVERS[who](loss, w)


def test_codegen_of_trask_reads_like_trask():
    X, y, s0, s1 = _trask()
    syn0, syn1 = tg.tensor(s0, requires_grad=True, name="syn0"), tg.tensor(s1, requires_grad=True, name="syn1")
    l1 = (tg.tensor(X, name="X") @ syn0).sigmoid()
    l1.name = "l1"
    l2 = (l1 @ syn1).sigmoid()
    l2.name = "l2"
    loss = 0.5 * ((tg.tensor(y, name="y") - l2) ** 2).sum()
    code = tg.codegen(loss, wrt=[syn0, syn1])
    text = str(code)
    assert "def forward_backward(y, X, syn0, syn1):" in text
    assert "l1 = 1.0 / (1.0 + np.exp(np.minimum(-matmul, 708.0)))" in text
    assert "return mul, (d_syn0, d_syn1)" in text
    value, (d_syn0, d_syn1) = code.run()
    loss.backward()
    np.testing.assert_array_equal(d_syn0, syn0.grad.data)
    np.testing.assert_array_equal(d_syn1, syn1.grad.data)
    # Trask's hand-derived update is minus this gradient (his l1.T.dot(l2_delta))
    l2_delta = (y - l2.data) * (l2.data * (1 - l2.data))
    np.testing.assert_allclose(-d_syn1, l1.data.T.dot(l2_delta), rtol=1e-12)


def test_codegen_after_backward_and_refusing_non_scalar_outputs():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="reduce it to one number"):
        tg.codegen(w * 2, wrt=[w])
    loss = (w * w).sum()
    before = tg.codegen(loss, wrt=[w]).source
    loss.backward()  # frees what the ops saved; codegen remakes it for the while
    assert tg.codegen(loss, wrt=[w]).source == before
    with pytest.raises(RuntimeError, match="retain_graph"):
        loss.backward()  # and the graph stays freed
    with pytest.raises(ValueError, match="must be a Tensor computed"):
        tg.codegen(tg.tensor(1.0), wrt=[w])


def test_codegen_cross_entropy_with_labels_and_unused_inputs():
    logits = tg.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]], requires_grad=True, name="logits")
    unused = tg.tensor([1.0], requires_grad=True)
    loss = tg.nn.cross_entropy(logits, np.array([0, 2]))
    code = tg.codegen(loss, wrt=[logits, unused])
    value, (d_logits, d_unused) = code.run()
    assert d_unused is None and "np.array([0, 1], dtype=np.int64)" in code.source
    (want,) = tg.autograd.grad(loss, [logits])
    np.testing.assert_array_equal(d_logits, want.data)


def test_what_a_gradient_hook_computes_is_replayed():
    results = []
    for wrap in (lambda f: f, tg.compile):
        w = tg.tensor([0.5, -2.0], requires_grad=True)
        w.register_hook(lambda g: g.clip(-1.0, 1.0))  # clip the gradient
        optimizer = tg.optim.SGD([w], lr=0.1)

        def step(x):
            optimizer.zero_grad()
            ((x * w) ** 2).sum().backward()
            optimizer.step()

        step = wrap(step)
        for i in range(5):
            step(np.array([3.0, 1.0 + i]) if wrap is tg.compile else tg.tensor([3.0, 1.0 + i]))
        results.append(w.data.copy())
    np.testing.assert_array_equal(results[0], results[1])


# ----------------------------------------------------------------------------- names, numbers, settings
def test_a_name_python_would_normalise_cannot_alias_another_variable():
    a = tg.tensor([2.0], requires_grad=True, name="a")
    k = tg.tensor([13.0], name="\uff4d\uff55\uff4c")  # fullwidth "mul": Python reads it as mul
    loss = (a * a * k).sum()  # the first product is called mul too
    code = tg.codegen(loss, wrt=[a])
    value, (grad,) = code.run()
    assert value == loss.item() and grad.tolist() == [52.0]
    compiled = tg.compile(lambda x: (x * x * k).sum())
    assert compiled(np.array([2.0])).item() == compiled(np.array([2.0])).item() == 52.0
    for bad in ["x y", "import os", "__class__", 3]:
        assert recorder_identifier(bad) == "v"


def recorder_identifier(name):
    from tinygrad_edu.programs.recorder import identifier

    return identifier(name)


def test_nan_and_inf_constants_are_written_so_the_source_runs():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    b = tg.tensor(3.0, requires_grad=True, name="b")
    loss = (a * np.array([np.nan, np.inf])).sum() + b * float("-inf")  # constants written into the source
    code = tg.codegen(loss, wrt=[a, b])
    assert "np.nan" in code.source and "np.inf" in code.source
    value, (grad_a, grad_b) = code.run()
    np.testing.assert_array_equal(grad_a, [np.nan, np.inf])
    assert grad_b == -np.inf and np.isnan(value)


def test_the_optimizer_step_is_part_of_the_program_and_reads_the_learning_rate_each_call():
    w = tg.tensor([1.0, -2.0], requires_grad=True, name="w")
    optimizer = tg.optim.SGD([w], lr=0.1, momentum=0.9)

    @tg.compile
    def step(x):
        optimizer.zero_grad()
        (w * x).sum().backward()
        optimizer.step()

    eager_w = tg.tensor([1.0, -2.0], requires_grad=True)
    eager = tg.optim.SGD([eager_w], lr=0.1, momentum=0.9)
    for lr in (0.1, 0.1, 0.05, 0.01):  # a learning-rate schedule
        optimizer.lr = eager.lr = lr
        step(np.array([1.0, 3.0]))
        eager.zero_grad()
        (eager_w * tg.tensor([1.0, 3.0])).sum().backward()
        eager.step()
    assert step.traces == 1 and "sgd.lr" in step.source and "velocity" in step.source
    np.testing.assert_array_equal(w.data, eager_w.data)
    optimizer.momentum = 0.5  # written into the program: a new trace, not a stale one
    step(np.array([1.0, 3.0]))
    assert step.traces == 2


# ----------------------------------------------------------------------------- found by a hostile probe
def test_compiled_gradients_are_arrays_of_their_own():
    a = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = tg.tensor([0.0, 1.0, 0.0], requires_grad=True)

    def step(x):
        a.grad = None
        b.grad = None
        ((a + b) * x).sum().backward()

    compiled = tg.compile(step)
    compiled(np.ones(3))
    x = np.ones(3)
    compiled(x)
    assert not np.shares_memory(a.grad.data, b.grad.data) and not np.shares_memory(a.grad.data, x)
    with tg.no_grad():
        a.grad *= 0.5
    assert b.grad.tolist() == [1.0, 1.0, 1.0] and x.tolist() == [1.0, 1.0, 1.0]
    w = tg.tensor(0.5, requires_grad=True)
    scalar = tg.compile(lambda t: (w.__setattr__("grad", None), (w * t).backward())[0])
    scalar(np.array(2.0))
    scalar(np.array(3.0))
    assert type(w.grad.data) is np.ndarray and w.grad.item() == 3.0


def test_integer_arguments_stay_integers():
    w = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    pick = tg.compile(lambda index: w[index].sum())
    assert pick(np.array([0, 2])).item() == 4.0 and pick(np.array([1, 1])).item() == 4.0
    labels = tg.compile(lambda logits, y: tg.nn.cross_entropy(logits, y))
    logits = np.array([[2.0, 0.0], [0.0, 2.0]])
    assert labels(logits, np.array([0, 1])).item() == pytest.approx(tg.nn.cross_entropy(logits, [0, 1]).item())


def test_a_compiled_step_refuses_to_add_to_a_gradient_it_did_not_compute():
    w = tg.tensor([1.0, 1.0], requires_grad=True)

    @tg.compile
    def step(x):
        (w * x).sum().backward()  # no zero_grad: eager would accumulate

    step(np.ones(2))
    with pytest.raises(RecordingError, match="found empty"):
        step(np.ones(2))
    w.grad = None
    step(np.ones(2))  # emptied again: fine
    assert w.grad.tolist() == [1.0, 1.0]


def test_codegen_never_gives_two_values_one_name():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    t1 = a + 1.0
    t1.name = "mul_2"  # a name the second product would get too
    loss = (t1 * 3.0 + (a * 5.0) * t1).sum()
    value, (grad,) = tg.codegen(loss, wrt=[a]).run()
    expected = tg.autograd.grad(loss, a, retain_graph=True)[0]
    assert value == loss.item() and grad.tolist() == expected.tolist()


# Losses given integer or boolean targets the function closes over: the targets are cast by the
# Cast op on the caller's own array, so the program reads them at every call (a converted copy
# would be frozen at the traced call's targets).
INTEGER_TARGETS = [
    ("mse_loss, int64", lambda: np.array([1, 2, 3]), lambda p, t: tg.nn.mse_loss(p, t)),
    ("sse_loss, uint8", lambda: np.array([1, 2, 3], np.uint8), lambda p, t: tg.nn.sse_loss(p, t)),
    ("MSELoss on float32 predictions, int32", lambda: np.array([4, 0, 1], np.int32),
     lambda p, t: tg.nn.MSELoss()(p.astype(np.float32), t)),
    ("binary_cross_entropy, int 0/1", lambda: np.array([0, 1, 1]),
     lambda p, t: tg.nn.binary_cross_entropy(p.sigmoid(), t)),
    ("binary_cross_entropy, bool", lambda: np.array([True, False, False]),
     lambda p, t: tg.nn.binary_cross_entropy(p.sigmoid(), t)),
    ("binary_cross_entropy_with_logits, int8", lambda: np.array([1, 0, 0], np.int8),
     lambda p, t: tg.nn.BCEWithLogitsLoss(reduction="sum")(p, t)),
    ("mse_loss against one_hot labels", lambda: np.array([0, 2, 1]),
     lambda p, t: tg.nn.mse_loss(p.reshape(3, 1) * np.arange(1.0, 4.0), tg.nn.functional.one_hot(t, 3))),
]


@pytest.mark.parametrize("name, make, loss", INTEGER_TARGETS, ids=[c[0] for c in INTEGER_TARGETS])
def test_compiled_loss_reads_closed_over_integer_targets_at_every_call(name, make, loss):
    target = make()

    def value_and_grad(x):
        x.requires_grad_()
        value = loss(x, target)
        return value, *tg.autograd.grad(value, [x])

    compiled = tg.compile(value_and_grad)
    x = np.array([0.3, -1.2, 2.0])
    seen = []
    for change in ("traced", "changed in place", "name bound to another array"):
        if change == "changed in place":
            target[...] = target[::-1].copy()
        elif change == "name bound to another array":
            target = np.roll(make(), 1)
        want = value_and_grad(tg.tensor(x))
        got = compiled(x)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.data, w.data, rtol=1e-6, err_msg=change)
        seen.append(want[0].item())
    assert len(set(seen)) == 3  # each change changed the loss: the program read the new targets
    assert compiled.traces == 1


# What docs/compile.md tells a user to write instead of NumPy on a closed-over array (which is
# computed once, when traced): the same through Tensor ops, which the program replays.
LIVE_FORMS = [
    ("tg.where(tg.tensor(m) > 0, x, -x)", lambda x, m: tg.where(tg.tensor(m) > 0, x, -x)),
    ("x * (tg.tensor(m) * 2)", lambda x, m: x * (tg.tensor(m) * 2)),
    ("x * tg.tensor(m).sum()", lambda x, m: x * tg.tensor(m).sum()),
    ("x * tg.tensor(m).astype(np.float32)", lambda x, m: x * tg.tensor(m).astype(np.float32)),
    ("x * (tg.tensor(m) > 0)", lambda x, m: x * (tg.tensor(m) > 0)),
    ("tg.where(tg.as_tensor(m) > 0, x, -x), m of floats", lambda x, m: tg.where(tg.as_tensor(m) > 0, x, -x)),
]


@pytest.mark.parametrize("name, form", LIVE_FORMS, ids=[c[0] for c in LIVE_FORMS])
@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_compiled_tensor_ops_on_a_closed_over_array_follow_its_changes(name, form, dtype):
    if "as_tensor" in name:
        dtype = np.float64  # as_tensor uses a float array as it is (of other dtypes it makes a copy)
    m = np.array([1, -1, 2], dtype)
    compiled = tg.compile(lambda x: form(x, m))
    x = np.array([1.0, 2.0, 3.5])
    before = compiled(x).numpy()
    np.testing.assert_allclose(before, form(tg.tensor(x), m).data)
    m[:] = -m
    after = compiled(x).numpy()
    np.testing.assert_allclose(after, form(tg.tensor(x), m).data)
    assert not np.allclose(before, after) and compiled.traces == 1

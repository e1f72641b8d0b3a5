"""An independent oracle: HIPS autograd (pip install autograd), a separate autodiff framework.

For every op of the op table, with hypothesis over shapes, broadcasting, axes, keepdims and
both float dtypes: forward values, gradients under a random upstream gradient, and (for smooth
ops) second derivatives, all against autograd's. Then the losses, and SGD/Adam over 20 steps
(autograd has gradients but no optimizers: the reference updates are PyTorch's documented
formulas, written out below on autograd's gradients).

Conventions that differ from autograd's on purpose are listed in CONVENTIONS, each checked at
the point where it differs, with the reason.
"""
import autograd  # a test dependency (the dev extra): the oracle must run, never be skipped
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

from .op_table import OPS, log_softmax


TOLERANCE = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=2e-4, atol=2e-5)}


def _vjp_reference(ref, arrays, options, upstream):
    """autograd's gradient of sum(upstream * ref(*arrays)) for every input."""
    def loss(*xs):
        return anp.sum(ref(*xs, **options) * upstream)

    return [_unbroadcast(np.asarray(autograd.grad(loss, i)(*arrays)), a.shape) for i, a in enumerate(arrays)]


def _unbroadcast(gradient, shape):
    """autograd's ``where`` returns the gradient of a broadcast input in the broadcast shape (its
    bug, not a convention): sum it back to the input's shape, as every other op of it does."""
    while gradient.ndim > len(shape):
        gradient = gradient.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and gradient.shape[axis] != 1:
            gradient = gradient.sum(axis=axis, keepdims=True)
    return gradient


@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
@settings(max_examples=15, deadline=None)
@given(data=st.data(), dtype=st.sampled_from([np.float64, np.float32]))
def test_values_and_gradients_equal_autograds(case, data, dtype):
    arrays, options = data.draw(case.inputs)
    arrays = [a.astype(dtype) for a in arrays]
    ref = case.reference
    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
    out = case.fn(*tensors, **options)
    expected = np.asarray(ref(*[a.astype(np.float64) for a in arrays], **options))
    assert out.dtype == dtype, f"{case.name}: {dtype.__name__} inputs gave a {out.dtype} result"
    np.testing.assert_allclose(out.data, expected, **TOLERANCE[dtype], err_msg=f"{case.name}: values")

    upstream = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))).normal(size=out.shape)
    out.backward(upstream.astype(dtype))
    reference = _vjp_reference(ref, [a.astype(np.float64) for a in arrays], options, upstream)
    for i, (t, g) in enumerate(zip(tensors, reference)):
        ours = t.grad.data if t.grad is not None else np.zeros_like(t.data)
        assert ours.dtype == dtype, f"{case.name}: gradient {i} has dtype {ours.dtype}"
        np.testing.assert_allclose(ours, g, **TOLERANCE[dtype], err_msg=f"{case.name}: gradient of input {i}")


SMOOTH = [c for c in OPS if c.smooth]


@pytest.mark.parametrize("case", SMOOTH, ids=[c.name for c in SMOOTH])
@pytest.mark.filterwarnings("ignore:Output seems independent of input")  # autograd, on linear ops
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_second_derivatives_equal_autograds(case, data):
    arrays, options = data.draw(case.inputs)
    # autograd writes d(a^b)/da as b * a^where(b, b - 1, 1): at b == 0 its derivative in b is
    # a, where the true one (ours, and central differences in test_second_derivatives.py) is 1/a
    assume(case.name != "pow_tensor" or not np.any(arrays[1] == 0))
    ref = case.reference
    with tg.no_grad():
        out_shape = case.fn(*[tg.tensor(a) for a in arrays], **options).shape
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    u = rng.normal(size=out_shape)
    v = [rng.normal(size=a.shape) for a in arrays]

    # ours: s(x) = sum_i <v_i, d<u, f(x)>/dx_i>, recorded with create_graph, then differentiated
    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
    firsts = tg.autograd.grad(case.fn(*tensors, **options), tensors, grad_outputs=tg.tensor(u),
                              create_graph=True, allow_unused=True)
    s = sum(((g * vi).sum() for g, vi in zip(firsts, v) if g is not None), tg.tensor(0.0))
    if s.requires_grad:
        ours = [g.data if g is not None else np.zeros_like(a)
                for g, a in zip(tg.autograd.grad(s, tensors, allow_unused=True), arrays)]
    else:  # a linear op: its first derivative is constant
        ours = [np.zeros_like(a) for a in arrays]

    def reference_s(*xs):
        total = 0.0
        for i in range(len(xs)):
            first = autograd.grad(lambda *ys: anp.sum(ref(*ys, **options) * u), i)(*xs)
            total = total + anp.sum(first * v[i])
        return total

    for j, a in enumerate(arrays):
        expected = np.asarray(autograd.grad(reference_s, j)(*arrays)) if len(arrays) else None
        np.testing.assert_allclose(ours[j], expected + np.zeros_like(a), rtol=1e-8, atol=1e-9,
                                   err_msg=f"{case.name}: second derivative wrt input {j}")


# -- where we differ from autograd on purpose ---------------------------------------------------
# (name, our function, autograd's, input, our gradient, autograd's gradient, why)
CONVENTIONS = [
    ("relu at 0", lambda x: x.relu(), lambda x: anp.maximum(x, 0.0), [0.0, 1.0], [0.0, 1.0], [0.5, 1.0],
     "relu'(0) = 0 as in PyTorch and JAX; autograd's maximum(x, 0) splits the tie"),
    ("clip at its ends", lambda x: x.clip(-1.0, 1.0), lambda x: anp.clip(x, -1.0, 1.0), [-1.0, 1.0, 0.0],
     [1.0, 1.0, 1.0], [0.0, 0.0, 1.0], "the ends are inside [lo, hi], so the gradient passes, as in PyTorch"),
    ("relu of a NaN", lambda x: x.relu(), lambda x: anp.maximum(x, 0.0), [np.nan], [1.0], [0.0],
     "relu is maximum(x, 0) and the NaN wins, as in PyTorch"),
]


@pytest.mark.parametrize("convention", CONVENTIONS, ids=[c[0] for c in CONVENTIONS])
def test_conventions_that_differ_on_purpose(convention):
    name, ours_fn, reference_fn, values, ours_expected, reference_expected, _why = convention
    x = tg.tensor(values, requires_grad=True)
    ours_fn(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, ours_expected)
    with np.errstate(invalid="ignore"):
        reference = autograd.grad(lambda a: anp.sum(reference_fn(a)))(np.array(values))
    np.testing.assert_array_equal(np.nan_to_num(reference), reference_expected)  # it still differs


def test_max_with_a_nan_agrees_with_autograd_now():
    # it used to differ (the NaN took the gradient); now no element equals a NaN max, so every
    # element of the slice gets 0/0 = NaN, as autograd, JAX and torch.amax give
    for values, axis in (([np.nan, 1.0, 3.0], None), ([[1.0, np.nan], [2.0, 0.5]], 1)):
        x = tg.tensor(values, requires_grad=True)
        x.max(axis=axis).sum().backward()
        with np.errstate(invalid="ignore"):
            reference = autograd.grad(lambda a: anp.sum(anp.max(a, axis=axis)))(np.array(values))
        np.testing.assert_array_equal(x.grad.data, reference)


# -- losses --------------------------------------------------------------------------------------
def _ref_cross_entropy_labels(logits, labels):
    log_p = log_softmax(logits)
    flat = anp.reshape(log_p, (-1, log_p.shape[-1]))
    return -anp.mean(flat[np.arange(labels.size), labels.reshape(-1)])


LOSSES = {
    "mse": (lambda p, t: tg.nn.mse_loss(p, t), lambda p, t: anp.mean((p - t) ** 2), "probabilities"),
    "sse": (lambda p, t: tg.nn.sse_loss(p, t), lambda p, t: anp.sum((p - t) ** 2), "probabilities"),
    "bce": (lambda p, t: tg.nn.binary_cross_entropy(p, t),
            lambda p, t: -anp.mean(t * anp.log(p) + (1 - t) * anp.log(1 - p)), "probabilities"),
    "bce_logits": (lambda z, t: tg.nn.binary_cross_entropy_with_logits(z, t),
                   lambda z, t: anp.mean(anp.logaddexp(0.0, z) - z * t), "probabilities"),
    "cross_entropy_soft": (lambda z, t: tg.nn.cross_entropy(z, t),
                           lambda z, t: -anp.mean(anp.sum(log_softmax(z) * t, axis=-1)), "distribution"),
    "cross_entropy_labels": (lambda z, labels: tg.nn.cross_entropy(z, labels), _ref_cross_entropy_labels, "labels"),
}


@pytest.mark.parametrize("name", LOSSES)
@settings(max_examples=15, deadline=None)
@given(data=st.data(), dtype=st.sampled_from([np.float64, np.float32]))
def test_losses_and_their_gradients_equal_autograds(name, data, dtype):
    ours_fn, reference_fn, kind = LOSSES[name]
    shape = data.draw(st.sampled_from([(4, 3), (2, 3, 5), (5,)]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    pred = rng.uniform(0.05, 0.95, size=shape) if kind == "probabilities" and "logits" not in name else rng.normal(size=shape)
    if kind == "labels":
        target = rng.integers(0, shape[-1], size=shape[:-1])
        wants_target_grad = False
    elif kind == "distribution":
        target = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])
        wants_target_grad = True  # soft targets get their gradient
    else:
        target = rng.uniform(0, 1, size=shape)
        wants_target_grad = True
    p = tg.tensor(pred.astype(dtype), requires_grad=True)
    t = tg.tensor(target.astype(dtype), requires_grad=True) if wants_target_grad else target
    loss = ours_fn(p, t)
    assert loss.dtype == dtype, f"{name}: {dtype.__name__} inputs gave a {loss.dtype} loss"
    loss.backward()
    pred64 = pred.astype(dtype).astype(np.float64)
    target64 = target.astype(dtype).astype(np.float64) if wants_target_grad else target
    np.testing.assert_allclose(loss.item(), reference_fn(pred64, target64), **TOLERANCE[dtype])
    np.testing.assert_allclose(p.grad.data, autograd.grad(reference_fn, 0)(pred64, target64), **TOLERANCE[dtype])
    if wants_target_grad:
        np.testing.assert_allclose(t.grad.data, autograd.grad(reference_fn, 1)(pred64, target64), **TOLERANCE[dtype])


def test_second_derivatives_of_cross_entropy_with_soft_targets():
    rng = np.random.default_rng(3)
    z, target = rng.normal(size=(3, 4)), rng.dirichlet(np.ones(4), size=3)
    reference = autograd.hessian(lambda z_: -anp.mean(anp.sum(log_softmax(z_) * target, axis=-1)))(z)
    ours = tg.hessian(lambda z_: tg.nn.cross_entropy(z_, target))(z)
    np.testing.assert_allclose(ours.data, reference, rtol=1e-9, atol=1e-12)
    cross = autograd.jacobian(autograd.grad(lambda z_, t_: -anp.mean(anp.sum(log_softmax(z_) * t_, axis=-1)), 1))(z, target)
    ours_cross = tg.jacobian(tg.grad(lambda z_, t_: tg.nn.cross_entropy(z_, t_), argnums=1))(z, target)
    np.testing.assert_allclose(ours_cross.data, cross, rtol=1e-9, atol=1e-12)


# -- optimizers: 20 steps against PyTorch's update formulas on autograd's gradients -------------
def _loss_reference(w, x, y):
    return anp.mean((anp.tanh(anp.dot(x, w)) - y) ** 2)


def _reference_sgd(w, x, y, steps, lr, momentum, weight_decay):
    buffer = None
    for _ in range(steps):
        g = autograd.grad(_loss_reference)(w, x, y) + weight_decay * w
        buffer = g if buffer is None else momentum * buffer + g
        w = w - lr * (buffer if momentum else g)
    return w


def _reference_adam(w, x, y, steps, lr, betas, eps):
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        g = autograd.grad(_loss_reference)(w, x, y)
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        w = w - lr * (m / (1 - betas[0] ** t)) / (np.sqrt(v / (1 - betas[1] ** t)) + eps)
    return w


@pytest.mark.parametrize("optimizer", ["sgd", "sgd_momentum_decay", "adam"])
def test_optimizers_follow_the_reference_over_20_steps(optimizer):
    rng = np.random.default_rng(7)
    x, y, w0 = rng.normal(size=(8, 3)), rng.normal(size=(8, 2)), rng.normal(size=(3, 2))
    w = tg.tensor(w0, requires_grad=True)
    if optimizer == "sgd":
        opt, expected = tg.optim.SGD([w], lr=0.1), _reference_sgd(w0, x, y, 20, 0.1, 0.0, 0.0)
    elif optimizer == "sgd_momentum_decay":
        opt = tg.optim.SGD([w], lr=0.05, momentum=0.9, weight_decay=0.01)
        expected = _reference_sgd(w0, x, y, 20, 0.05, 0.9, 0.01)
    else:
        opt, expected = tg.optim.Adam([w], lr=0.01), _reference_adam(w0, x, y, 20, 0.01, (0.9, 0.999), 1e-8)
    for _ in range(20):
        opt.zero_grad()
        (((tg.tensor(x) @ w).tanh() - tg.tensor(y)) ** 2).mean().backward()
        opt.step()
    np.testing.assert_allclose(w.data, expected, rtol=1e-10, atol=1e-12)

"""The disagreements with a mature framework that issue 16 listed, each fixed and pinned, and
the NaN conventions of docs/autograd.md, one test per row."""
import numpy as np
import pytest

import tinygrad_edu as tg


def test_binary_cross_entropy_keeps_float32():
    p = tg.tensor(np.array([0.2, 0.9, 0.0, 1.0], np.float32), requires_grad=True)
    loss = tg.nn.binary_cross_entropy(p, [0.0, 1.0, 0.0, 1.0])
    assert loss.dtype == np.float32 and np.isfinite(loss.item())
    loss.backward()
    assert p.grad.dtype == np.float32


def test_cross_entropy_gives_soft_targets_their_gradient():
    logits = tg.tensor([[1.0, 2.0, 0.5]], requires_grad=True)
    target = tg.tensor([[0.2, 0.5, 0.3]], requires_grad=True)
    tg.nn.cross_entropy(logits, target).backward()
    np.testing.assert_allclose(target.grad.data, -logits.log_softmax().data)  # d/dt of -sum(t log p)
    np.testing.assert_allclose(logits.grad.data, logits.softmax().data - target.data)


def test_cross_entropy_over_positions_with_classes_last():
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(size=(2, 3, 5)), rng.integers(0, 5, size=(2, 3))
    loss = tg.nn.cross_entropy(tg.tensor(logits), labels, reduction="none")
    assert loss.shape == (2, 3)
    per_position = [tg.nn.cross_entropy(tg.tensor(logits[i, j]), labels[i, j]).item() for i in range(2) for j in range(3)]
    np.testing.assert_allclose(loss.data.ravel(), per_position)
    with pytest.raises(ValueError, match=r"cross_entropy: logits of shape \(2, 3, 5\) need labels of shape \(2, 3\)"):
        tg.nn.cross_entropy(tg.tensor(logits), labels[:, :2])


@pytest.mark.parametrize("exponent", [0, 0.0])
def test_powers_at_zero_follow_the_reference(exponent):
    x = tg.tensor([0.0, 2.0], requires_grad=True)
    (x**exponent).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    second = tg.grad(tg.grad(lambda t: t**1))(0.0)
    assert second.item() == 0.0
    a, b = tg.tensor(0.0, requires_grad=True), tg.tensor(0.0, requires_grad=True)
    (a**b).backward()
    assert a.grad.item() == 0.0 and b.grad.item() == 0.0


def test_hessian_with_tuple_argnums_gives_blocks():
    blocks = tg.hessian(lambda a, b: (a * a * b).sum(), argnums=(0, 1))(tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]))
    (aa, ab), (ba, bb) = blocks
    assert aa.tolist() == [[6.0, 0.0], [0.0, 8.0]] and ab.tolist() == [[2.0, 0.0], [0.0, 4.0]]
    assert ba.tolist() == [[2.0, 0.0], [0.0, 4.0]] and bb.tolist() == [[0.0, 0.0], [0.0, 0.0]]


# -- the NaN table of docs/autograd.md ---------------------------------------------------------
nan = float("nan")


def _grads(f, *values):
    tensors = [tg.tensor(v, requires_grad=True) for v in values]
    with np.errstate(invalid="ignore"):
        f(*tensors).sum().backward()
    return [t.grad.tolist() for t in tensors]


def test_max_and_min_give_every_element_of_a_nan_slice_a_nan_gradient():
    # as torch.amax/amin and JAX: no element equals the NaN result (tests/test_pytorch_habits.py has more)
    np.testing.assert_array_equal(_grads(lambda x: x.max(), [nan, 1.0, 3.0]), [[nan, nan, nan]])
    np.testing.assert_array_equal(_grads(lambda x: x.min(axis=1), [[nan, nan, 3.0], [1.0, 2.0, 1.0]]),
                                  [[[nan, nan, nan], [0.5, 0.0, 0.5]]])


def test_maximum_and_minimum_give_the_gradient_to_the_nan_side():
    assert _grads(lambda a, b: a.maximum(b), [nan, 1.0, 2.0, nan], [0.0, nan, 2.0, nan]) == [
        [1.0, 0.0, 0.5, 0.5], [0.0, 1.0, 0.5, 0.5]]
    assert _grads(lambda a, b: a.minimum(b), [nan, 1.0], [0.0, nan]) == [[1.0, 0.0], [0.0, 1.0]]


def test_relu_abs_clip_where_at_nan():
    assert _grads(lambda x: x.relu(), [nan, -1.0, 0.0, 2.0]) == [[1.0, 0.0, 0.0, 1.0]]
    assert _grads(lambda x: x.abs(), [nan, -1.0, 0.0, 2.0]) == [[0.0, -1.0, 0.0, 1.0]]
    assert _grads(lambda x: x.clip(-1.0, 1.0), [nan, -1.0, 1.0, 2.0]) == [[0.0, 1.0, 1.0, 0.0]]
    assert _grads(lambda x: tg.where(x > 0, x, 0.0), [nan, 1.0]) == [[0.0, 1.0]]


def test_a_nan_gradient_from_above_stays_nan_through_relu():
    x = tg.tensor([-1.0, 2.0], requires_grad=True)
    x.relu().backward(np.array([nan, nan]))
    assert np.isnan(x.grad.data).all()


def test_smooth_functions_of_nan_are_nan():
    for f in (lambda x: x.sigmoid(), lambda x: x.exp(), lambda x: x.tanh(), lambda x: x * x):
        assert np.isnan(_grads(f, [nan])[0][0])
    assert _grads(lambda x: x * 2.0, [nan]) == [[2.0]]  # the derivative of 2x does not involve x

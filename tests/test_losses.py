"""Losses against their NumPy formulas, values and gradients, and at extreme inputs."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu import nn

from .oracle import assert_close, numerical_gradients

shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5)
floats = st.floats(-3, 3)


@settings(max_examples=30, deadline=None)
@given(data=st.data(), reduction=st.sampled_from(["mean", "sum", "none"]))
def test_squared_error_losses(data, reduction):
    shape = data.draw(shapes)
    pred = data.draw(hnp.arrays(np.float64, shape, elements=floats))
    target = data.draw(hnp.arrays(np.float64, shape, elements=floats))
    squared = (pred - target) ** 2
    expected = {"mean": squared.mean(), "sum": squared.sum(), "none": squared}[reduction]
    assert_close(nn.mse_loss(tg.tensor(pred), target, reduction).data, expected)
    assert_close(nn.sse_loss(tg.tensor(pred), target, reduction).data, expected)
    p = tg.tensor(pred, requires_grad=True)
    nn.sse_loss(p, target).backward()
    assert_close(p.grad.data, 2 * (pred - target))
    p.grad = None
    nn.mse_loss(p, target).backward()
    assert_close(p.grad.data, 2 * (pred - target) / pred.size)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_binary_cross_entropy_probabilities_and_logits(data):
    shape = data.draw(shapes)
    z = data.draw(hnp.arrays(np.float64, shape, elements=floats))
    t = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0, 0.3])))
    p = 1 / (1 + np.exp(-z))
    expected = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert_close(nn.binary_cross_entropy(tg.tensor(p), t, reduction="none").data, expected)
    assert_close(nn.binary_cross_entropy_with_logits(tg.tensor(z), t, reduction="none").data, expected)
    zt = tg.tensor(z, requires_grad=True)
    nn.binary_cross_entropy(zt, t, reduction="sum", logits=True).backward()
    assert_close(zt.grad.data, p - t)  # the famous sigma(z) - t


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_cross_entropy_with_labels_and_one_hot(data):
    n, c = data.draw(st.integers(1, 5)), data.draw(st.integers(2, 5))
    logits = data.draw(hnp.arrays(np.float64, (n, c), elements=floats))
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_p[np.arange(n), labels].mean()
    assert_close(nn.cross_entropy(tg.tensor(logits), labels).data, expected)
    assert_close(nn.cross_entropy(tg.tensor(logits), np.eye(c)[labels]).data, expected)
    x = tg.tensor(logits, requires_grad=True)
    nn.cross_entropy(x, labels).backward()
    softmax = np.exp(log_p)
    assert_close(x.grad.data, (softmax - np.eye(c)[labels]) / n)
    numeric = numerical_gradients(lambda a: nn.cross_entropy(a, labels), [logits], np.array(1.0))[0]
    assert_close(x.grad.data, numeric)


def test_losses_are_finite_for_logits_of_a_thousand():
    logits = tg.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = nn.cross_entropy(logits, [1, 2])
        loss.backward()
    assert np.isfinite(loss.item()) and loss.item() == pytest.approx((2000 + np.log(2)) / 2)
    assert np.all(np.isfinite(logits.grad.data))
    z = tg.tensor([1000.0, -1000.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        bce = nn.binary_cross_entropy(z, [0.0, 1.0], logits=True)
        bce.backward()
    assert bce.item() == pytest.approx(1000.0) and np.all(np.isfinite(z.grad.data))


def test_bce_on_saturated_probabilities_is_finite():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = nn.binary_cross_entropy(tg.tensor([0.0, 1.0]), [1.0, 0.0])
    assert loss.item() == pytest.approx(100.0)


def test_loss_errors():
    with pytest.raises(ValueError, match=r"predictions have shape \(4, 1\) but targets have shape \(4,\).*reshape"):
        nn.mse_loss(tg.ones(4, 1), np.zeros(4))
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.mse_loss(tg.ones(2), [0, 0], reduction="average")
    with pytest.raises(ValueError, match=r"labels must lie in 0..2"):
        nn.cross_entropy(tg.ones(2, 3), [0, 3])
    with pytest.raises(ValueError, match=r"need labels of shape \(2,\)"):
        nn.cross_entropy(tg.ones(2, 3), [0, 1, 2])

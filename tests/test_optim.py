"""SGD (momentum, weight decay) and Adam against reference NumPy implementations over 10 steps."""
import numpy as np
import pytest

import tinygrad_edu as tg


def quadratic_grad(w, a):
    return 2 * a * w  # gradient of sum(a * w^2)


def run_ours(optimizer_factory, w0, a, steps=10):
    w = tg.tensor(w0, requires_grad=True)
    opt = optimizer_factory([w])
    for _ in range(steps):
        opt.zero_grad()
        (tg.tensor(a) * w * w).sum().backward()
        opt.step()
    return w.data


def reference_sgd(w, a, lr, momentum, weight_decay, steps=10):
    w, v = w.copy(), None
    for _ in range(steps):
        g = quadratic_grad(w, a) + weight_decay * w
        v = g.copy() if v is None else momentum * v + g
        w = w - lr * (v if momentum else g)
    return w


def reference_adam(w, a, lr, b1, b2, eps, steps=10):
    w, m, v = w.copy(), np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        g = quadratic_grad(w, a)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return w


W0 = np.array([1.0, -2.0, 0.5, 3.0])
A = np.array([0.5, 1.0, 2.0, 0.1])


@pytest.mark.parametrize("momentum, weight_decay", [(0.0, 0.0), (0.9, 0.0), (0.5, 0.01)])
def test_sgd_matches_reference(momentum, weight_decay):
    ours = run_ours(lambda p: tg.optim.SGD(p, lr=0.05, momentum=momentum, weight_decay=weight_decay), W0, A)
    np.testing.assert_allclose(ours, reference_sgd(W0, A, 0.05, momentum, weight_decay), rtol=1e-12, atol=1e-14)


def test_adam_matches_reference():
    ours = run_ours(lambda p: tg.optim.Adam(p, lr=0.1), W0, A)
    np.testing.assert_allclose(ours, reference_adam(W0, A, 0.1, 0.9, 0.999, 1e-8), rtol=1e-12, atol=1e-14)


def test_step_records_no_graph_bumps_version_and_skips_missing_grads():
    w = tg.tensor([1.0], requires_grad=True)
    unused = tg.tensor([5.0], requires_grad=True)
    opt = tg.optim.SGD([w, unused], lr=0.5)
    (w * 2).sum().backward()
    opt.step()
    assert w.tolist() == [0.0] and unused.tolist() == [5.0]
    assert w.is_leaf and w._version == 1


def test_optimizer_accepts_a_module_and_rejects_bad_input():
    model = tg.nn.Linear(2, 1)
    assert len(tg.optim.Adam(model).params) == 2
    with pytest.raises(TypeError, match="parameter 0 is not a Tensor that requires grad"):
        tg.optim.SGD([tg.tensor([1.0])], lr=0.1)
    with pytest.raises(ValueError, match="empty list"):
        tg.optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match=r"lr must lie in \(0, inf\)"):
        tg.optim.SGD(model, lr=0)

"""The nn pieces PyTorch users reach for: functional, loss modules, Dropout, BatchNorm1d,
LayerNorm, Embedding, Flatten, dtype= on layers, train()/eval(), buffers, Module.to (issue 16).

Gradients of the normalization layers are checked against HIPS autograd on the same formula.
"""
import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F


def test_functional_matches_the_methods_and_losses():
    x = tg.tensor([[-1.0, 0.5, 2.0]])
    assert F.relu(x).tolist() == x.relu().tolist() and F.tanh(x).tolist() == x.tanh().tolist()
    assert F.softmax(x, dim=-1).tolist() == x.softmax(axis=-1).tolist()
    assert F.log_softmax(x).tolist() == x.log_softmax().tolist()
    assert F.leaky_relu(x, 0.1).tolist() == [[-0.1, 0.5, 2.0]]
    assert F.cross_entropy(x, [2]).item() == tg.nn.cross_entropy(x, [2]).item()
    assert F.nll_loss(x.log_softmax(axis=-1), [2]).item() == F.cross_entropy(x, [2]).item()
    assert F.one_hot([2, 0], 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    w, b = tg.tensor([[1.0], [2.0], [3.0]]), tg.tensor([0.5])
    assert F.linear(x, w, b).tolist() == [[-1.0 + 1.0 + 6.0 + 0.5]]
    with pytest.raises(ValueError, match=r"weights here are \(in_features, out_features\) -- for PyTorch's"):
        F.linear(x, tg.ones(2, 3))


def test_loss_modules_are_the_loss_functions():
    pred, target = tg.tensor([0.2, 0.7]), tg.tensor([0.0, 1.0])
    assert tg.nn.MSELoss()(pred, target).item() == tg.nn.mse_loss(pred, target).item()
    assert tg.nn.MSELoss(reduction="sum")(pred, target).item() == tg.nn.mse_loss(pred, target, reduction="sum").item()
    assert tg.nn.SSELoss()(pred, target).item() == tg.nn.sse_loss(pred, target).item()
    assert tg.nn.BCELoss()(pred, target).item() == tg.nn.binary_cross_entropy(pred, target).item()
    assert tg.nn.BCEWithLogitsLoss()(pred, target).item() == tg.nn.binary_cross_entropy_with_logits(pred, target).item()
    logits = tg.tensor([[1.0, 2.0, 0.5]])
    assert tg.nn.CrossEntropyLoss()(logits, [1]).item() == tg.nn.cross_entropy(logits, [1]).item()
    assert tg.nn.NLLLoss()(logits.log_softmax(), [1]).item() == tg.nn.cross_entropy(logits, [1]).item()
    assert repr(tg.nn.CrossEntropyLoss()) == "CrossEntropyLoss(reduction='mean')"
    with pytest.raises(ValueError, match="MSELoss: reduction must be one of"):
        tg.nn.MSELoss(reduction="avg")


def test_dropout_in_training_and_in_evaluation():
    drop = tg.nn.Dropout(0.25)
    x = tg.ones(200, 50, requires_grad=True)
    tg.manual_seed(5)
    y = drop(x)
    kept = y.data != 0
    assert set(np.unique(y.data)) == {0.0, 1.0 / 0.75}
    assert abs(kept.mean() - 0.75) < 0.02  # about 1 - p kept, and the mean is kept too
    y.sum().backward()
    assert np.array_equal(x.grad.data, kept / 0.75)  # the gradient flows only where kept, scaled
    tg.manual_seed(5)
    assert np.array_equal(drop(x).data, y.data)  # the seed reproduces the mask
    drop.eval()
    assert drop(x) is x and not drop.training
    assert tg.nn.Dropout(1.0)(tg.ones(3)).tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="Dropout: p is the probability"):
        tg.nn.Dropout(1.5)


def test_train_and_eval_reach_every_submodule():
    model = tg.nn.Sequential(tg.nn.Linear(2, 3), tg.nn.Dropout(0.5), tg.nn.BatchNorm1d(3))
    assert model.eval() is model and not any(m.training for m in model.modules())
    assert all(m.training for m in model.train().modules())


def _batch_norm_reference(x, weight, bias, eps=1e-5):
    mean = anp.mean(x, axis=0, keepdims=True)
    var = anp.mean((x - mean) ** 2, axis=0, keepdims=True)
    return (x - mean) / anp.sqrt(var + eps) * weight + bias


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 6), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_batch_norm_in_training_equals_the_formula_with_its_gradients(n, c, seed):
    rng = np.random.default_rng(seed)
    x0, w0, b0 = rng.normal(size=(n, c)) * 3 + 1, rng.normal(size=c), rng.normal(size=c)
    bn = tg.nn.BatchNorm1d(c)
    bn.weight.data[...], bn.bias.data[...] = w0, b0
    x = tg.tensor(x0, requires_grad=True)
    upstream = rng.normal(size=(n, c))
    out = bn(x)
    out.backward(upstream)
    np.testing.assert_allclose(out.data, _batch_norm_reference(x0, w0, b0), rtol=1e-9, atol=1e-9)
    for i, ours in enumerate([x.grad, bn.weight.grad, bn.bias.grad]):
        expected = autograd.grad(lambda *a: anp.sum(_batch_norm_reference(*a) * upstream), i)(x0, w0, b0)
        np.testing.assert_allclose(ours.data, expected, rtol=1e-7, atol=1e-9)
    # running statistics: PyTorch's update, with the unbiased variance
    np.testing.assert_allclose(bn.running_mean.data, 0.1 * x0.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.data, 0.9 + 0.1 * x0.var(axis=0, ddof=1), rtol=1e-12)


def test_batch_norm_in_evaluation_uses_the_running_statistics():
    bn = tg.nn.BatchNorm1d(2, momentum=0.5)
    batch = tg.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]])
    for _ in range(3):
        bn(batch)
    bn.eval()
    one = bn(tg.tensor([[3.0, 20.0]]))
    expected = (np.array([3.0, 20.0]) - bn.running_mean.data) / np.sqrt(bn.running_var.data + 1e-5)
    np.testing.assert_allclose(one.data[0], expected)
    seq = tg.nn.BatchNorm1d(2)(tg.randn(4, 2, 5))  # (N, C, L): statistics over N and L
    np.testing.assert_allclose(seq.data.mean(axis=(0, 2)), 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="BatchNorm1d: a training batch needs more than one value"):
        tg.nn.BatchNorm1d(2)(tg.ones(1, 2))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(2\): expects input of shape \(N, 2\)"):
        bn(tg.ones(3, 4))


def test_layer_norm_equals_the_formula_with_its_gradients():
    rng = np.random.default_rng(1)
    x0 = rng.normal(size=(3, 2, 4))
    ln = tg.nn.LayerNorm((2, 4))
    ln.weight.data[...], ln.bias.data[...] = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    w0, b0 = ln.weight.data.copy(), ln.bias.data.copy()

    def reference(x, w, b):
        mean = anp.mean(x, axis=(1, 2), keepdims=True)
        var = anp.mean((x - mean) ** 2, axis=(1, 2), keepdims=True)
        return (x - mean) / anp.sqrt(var + 1e-5) * w + b

    x = tg.tensor(x0, requires_grad=True)
    out = ln(x)
    out.sum().backward()
    np.testing.assert_allclose(out.data, reference(x0, w0, b0), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(x.grad.data, autograd.grad(lambda a: anp.sum(reference(a, w0, b0)))(x0), atol=1e-9)
    np.testing.assert_allclose(ln.weight.grad.data, autograd.grad(lambda w: anp.sum(reference(x0, w, b0)))(w0))
    with pytest.raises(ValueError, match=r"LayerNorm\(2, 4\): the input's last axes must have shape"):
        ln(tg.ones(3, 4, 2))


def test_embedding_looks_up_rows_and_scatters_gradients_with_repeats():
    tg.manual_seed(0)
    emb = tg.nn.Embedding(5, 3)
    assert emb.weight.shape == (5, 3) and repr(emb) == "Embedding(5, 3)"
    indices = np.array([[0, 4, 4], [1, 0, 4]])
    out = emb(indices)
    assert out.shape == (2, 3, 3)
    assert np.array_equal(out.data, emb.weight.data[indices])
    out.sum().backward()
    assert emb.weight.grad.data[:, 0].tolist() == [2.0, 1.0, 0.0, 0.0, 3.0]
    assert emb(tg.tensor([2], dtype=np.int64)).shape == (1, 3)
    with pytest.raises(TypeError, match="Embedding: indices must be integers"):
        emb(tg.tensor([1.0]))
    with pytest.raises(IndexError, match=r"Embedding: indices must lie in 0..4, got 0..5"):
        emb([0, 5])


def test_flatten_keeps_the_batch_axis():
    assert tg.nn.Flatten()(tg.ones(2, 3, 4)).shape == (2, 12)
    assert tg.nn.Flatten(0)(tg.ones(2, 3, 4)).shape == (24,)


def test_float32_models_stay_float32_end_to_end():
    tg.manual_seed(0)
    model = tg.nn.MLP([4, 8, 3], activation="relu", dtype=np.float32)
    assert all(p.dtype == np.float32 for p in model.parameters())
    x = tg.tensor(np.random.rand(5, 4).astype(np.float32))
    logits = model(x)
    loss = tg.nn.cross_entropy(logits, [0, 1, 2, 0, 1])
    assert logits.dtype == np.float32 and loss.dtype == np.float32
    loss.backward()
    assert all(p.grad.dtype == np.float32 for p in model.parameters())
    assert "dtype=float32" in repr(model.layers[0])
    for loss_fn in (tg.nn.mse_loss, tg.nn.binary_cross_entropy):
        assert loss_fn(logits.sigmoid(), np.ones((5, 3))).dtype == np.float32  # float64 targets follow


def test_module_to_casts_parameters_and_buffers():
    model = tg.nn.Sequential(tg.nn.Linear(2, 3), tg.nn.BatchNorm1d(3))
    model.float()
    assert {t.dtype for _, t in model._state() if t.dtype.kind == "f"} == {np.dtype(np.float32)}
    assert model.layers[1].num_batches_tracked.dtype == np.int64  # a counter stays an integer
    model.to(np.float64)
    assert model(tg.ones(4, 2)).dtype == np.float64
    with pytest.raises(TypeError, match="Module.to: parameters must stay floating point"):
        model.to(np.int32)


def test_buffers_are_saved_and_loaded_with_the_parameters(tmp_path):
    bn = tg.nn.BatchNorm1d(2)
    bn(tg.tensor([[1.0, 2.0], [3.0, 6.0]]))
    state = bn.state_dict()
    assert list(state) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert [name for name, _ in bn.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    assert len(bn.parameters()) == 2  # an optimizer never sees the buffers
    tg.save(bn, tmp_path / "bn.npz")
    fresh = tg.load(tmp_path / "bn.npz", into=tg.nn.BatchNorm1d(2))
    assert np.array_equal(fresh.running_mean.data, bn.running_mean.data)


def _pytorch_cumulative_average(batches, axes):
    """PyTorch's documented update for momentum=None, step by step: with k batches seen,
    running = (1 - 1/k) running + (1/k) statistic, the variance unbiased (from 0 and 1)."""
    mean, var = np.zeros(batches[0].shape[1]), np.ones(batches[0].shape[1])
    for k, b in enumerate(batches, start=1):
        factor = 1.0 / k
        count = b.size // b.shape[1]
        mean = (1 - factor) * mean + factor * b.mean(axis=axes)
        var = (1 - factor) * var + factor * b.var(axis=axes) * count / (count - 1)
    return mean, var


@pytest.mark.parametrize("shape", [(4, 3), (3, 3, 2)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_norm_momentum_none_compiled_equals_eager_and_pytorchs_formula(shape, dtype):
    rng = np.random.default_rng(7)
    batches = [(rng.normal(size=shape) * k + k).astype(dtype) for k in range(1, 6)]
    axes = (0,) if len(shape) == 2 else (0, 2)
    eager_model = tg.nn.Sequential(tg.nn.BatchNorm1d(3, momentum=None, dtype=dtype), tg.nn.Linear(shape[-1], 1, dtype=dtype))
    compiled_model = tg.nn.Sequential(tg.nn.BatchNorm1d(3, momentum=None, dtype=dtype), tg.nn.Linear(shape[-1], 1, dtype=dtype))
    compiled_model.load_state_dict(eager_model.state_dict())
    eager_sgd = tg.optim.SGD(eager_model.parameters(), lr=0.1)
    compiled_sgd = tg.optim.SGD(compiled_model.parameters(), lr=0.1)

    def step(model, optimizer, x):
        optimizer.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        optimizer.step()
        return loss

    compiled_step = tg.compile(lambda x: step(compiled_model, compiled_sgd, x))
    for b in batches:
        assert step(eager_model, eager_sgd, tg.tensor(b)).item() == compiled_step(b).item()
        for (name, want), (_, got) in zip(eager_model._state(), compiled_model._state()):
            np.testing.assert_array_equal(got.data, want.data, err_msg=name)
    assert compiled_step.traces == 1 and compiled_model.layers[0].num_batches_tracked.item() == len(batches)
    bn = eager_model.layers[0]
    exact = [b.astype(np.float64) for b in batches]
    want_mean, want_var = _pytorch_cumulative_average(exact, axes)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(bn.running_mean.data, want_mean, rtol=rtol)
    np.testing.assert_allclose(bn.running_var.data, want_var, rtol=rtol)
    # the cumulative average is the plain average of the batches' statistics
    np.testing.assert_allclose(want_mean, np.mean([b.mean(axis=axes) for b in exact], axis=0), rtol=1e-12)

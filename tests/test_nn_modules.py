"""Modules: parameter discovery and names, state dicts, and equality with raw-Tensor networks."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import nn


def test_named_parameters_are_dotted_and_ordered():
    model = nn.MLP([3, 4, 2], activation="tanh")
    assert [n for n, _ in model.named_parameters()] == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]
    assert nn.count_parameters(model) == 3 * 4 + 4 + 4 * 2 + 2


def test_nested_modules_and_lists():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
            self.heads = [nn.Linear(3, 1, bias=False), nn.Linear(3, 1, bias=False)]
            self.scale = nn.Parameter(1.0)

        def forward(self, x):
            h = self.encoder(x)
            return (self.heads[0](h) + self.heads[1](h)) * self.scale

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    # as in PyTorch: a module's own parameters first, then its children's, in assignment order
    assert names == ["scale", "encoder.layers.0.weight", "encoder.layers.0.bias", "heads.0.weight", "heads.1.weight"]
    net(tg.ones(5, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_repr_is_a_readable_tree():
    text = repr(nn.MLP([2, 3, 1], output_activation="sigmoid"))
    assert text.splitlines()[0] == "MLP(sizes=[2, 3, 1]"
    assert "(layers.0): Linear(2, 3, bias=True)" in text and "(layers.3): Sigmoid()" in text


def test_train_and_eval_flags_propagate():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Tanh()))
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_state_dict_round_trip_and_validation_leaves_model_untouched():
    model = nn.MLP([2, 3, 1])
    state = model.state_dict()
    other = nn.MLP([2, 3, 1])
    other.load_state_dict(state)
    for (_, a), (_, b) in zip(model.named_parameters(), other.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    before = other.state_dict()
    bad = dict(state)
    bad["layers.2.weight"] = np.zeros((4, 1))
    with pytest.raises(ValueError, match=r"'layers.2.weight' has shape \(4, 1\) in the state but \(3, 1\)"):
        other.load_state_dict(bad)
    with pytest.raises(KeyError, match="missing keys"):
        other.load_state_dict({"layers.0.weight": state["layers.0.weight"]})
    with pytest.raises(KeyError, match="unexpected key 'extra'"):
        other.load_state_dict({**state, "extra": np.zeros(1)})
    for name, array in other.state_dict().items():
        np.testing.assert_array_equal(array, before[name])


def test_linear_explicit_weights_and_shape_errors():
    layer = nn.Linear(2, 1, weight=[[2.0], [3.0]], bias=[1.0])
    assert layer(np.array([[1.0, 2.0]])).tolist() == [[9.0]]
    with pytest.raises(ValueError, match=r"weight has shape \(1, 2\), expected \(2, 1\)"):
        nn.Linear(2, 1, weight=[[2.0, 3.0]])
    with pytest.raises(ValueError, match="unknown initialiser 'nope'"):
        nn.Linear(2, 1, init="nope")
    with pytest.raises(ValueError, match="unknown activation"):
        nn.MLP([2, 1], activation="swish")


def test_one_wide_layer_is_not_special():
    layer = nn.Linear(1, 1, weight=[[3.0]])
    out = layer(tg.tensor([[2.0]]))
    assert out.shape == (1, 1) and out.item() == 6.0


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n_in=st.integers(1, 5), n_hidden=st.integers(1, 6),
       n_out=st.integers(1, 3), batch=st.integers(1, 8), lr=st.sampled_from([0.1, 0.5, 1.0]))
def test_module_network_equals_raw_tensor_network_step_for_step(seed, n_in, n_hidden, n_out, batch, lr):
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(batch, n_in)), rng.uniform(size=(batch, n_out))
    np.random.seed(seed)
    model = nn.MLP([n_in, n_hidden, n_out], activation="sigmoid", output_activation="sigmoid", init="trask")
    opt = tg.optim.SGD(model.parameters(), lr=lr)
    np.random.seed(seed)
    w1 = tg.tensor(2 * np.random.random((n_in, n_hidden)) - 1, requires_grad=True)
    w2 = tg.tensor(2 * np.random.random((n_hidden, n_out)) - 1, requires_grad=True)
    b1 = tg.zeros(n_hidden, requires_grad=True)
    b2 = tg.zeros(n_out, requires_grad=True)
    for _ in range(5):
        opt.zero_grad()
        nn.mse_loss(model(X), Y).backward()
        opt.step()
        out = ((tg.tensor(X) @ w1 + b1).sigmoid() @ w2 + b2).sigmoid()
        ((out - Y) ** 2).mean().backward()
        with tg.no_grad():
            for p in (w1, b1, w2, b2):
                p -= lr * p.grad
                p.grad = None
    for p, raw in zip(model.parameters(), (w1, b1, w2, b2)):
        np.testing.assert_allclose(p.data, raw.data, rtol=0, atol=1e-12)

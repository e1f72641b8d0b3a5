"""The project's central claim: autodiff's gradients equal the update formulas the tutorials'
authors derived by hand, over random seeds, layer sizes and batch sizes (to 1e-10).

Each formula below is the tutorial's own backward pass, turned into a gradient of the loss
named in its docstring (the tutorials add the negative gradient, so the sign flips).
"""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

from .examples_loader import load

TOL = dict(atol=1e-10, rtol=1e-10)
sizes = st.integers(1, 6)
seeds = st.integers(0, 2**31 - 1)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def data(seed, batch, n_in, n_out, binary=True):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 2, size=(batch, n_in)).astype(float) if binary else rng.normal(size=(batch, n_in))
    y = rng.uniform(size=(batch, n_out))
    return X, y


@settings(max_examples=40, deadline=None)
@given(seed=seeds, batch=st.integers(1, 8), n_in=sizes, n_hidden=sizes)
def test_trask_l1_delta(seed, batch, n_in, n_hidden):
    """Trask: l2_delta = (y - l2) l2 (1 - l2); l1_delta = l2_delta syn1^T * l1 (1 - l1);
    syn1 += l1^T l2_delta; syn0 += X^T l1_delta  ==  minus the gradient of 0.5 * SSE."""
    X, y = data(seed, batch, n_in, 1)
    np.random.seed(seed % 2**32)
    syn0, syn1 = 2 * np.random.random((n_in, n_hidden)) - 1, 2 * np.random.random((n_hidden, 1)) - 1

    trask = load("trask_3layer")  # the formula lives beside the network it explains
    report = tg.check_formula(lambda a, b: trask.loss_of(X, y, a, b), [syn0, syn1],
                              lambda a, b: trask.hand_derived_gradients(X, y, a, b), **TOL)
    assert report, str(report)


@settings(max_examples=30, deadline=None)
@given(seed=seeds, batch=st.integers(1, 6), n_hidden=sizes)
def test_digits_backward(seed, batch, n_hidden):
    """Digits 0-3: o_delta = (y - o) o (1 - o); z2_delta = o_delta W2^T * z2 (1 - z2);
    W1 += X^T z2_delta; W2 += z2^T o_delta  ==  minus the gradient of 0.5 * SSE."""
    X, y = data(seed, batch, 20, 1)
    np.random.seed(seed % 2**32)
    W1, W2 = np.random.randn(20, n_hidden), np.random.randn(n_hidden, 1)

    def loss(w1, w2):
        o = ((tg.tensor(X) @ w1).sigmoid() @ w2).sigmoid()
        return 0.5 * ((y - o) ** 2).sum()

    def tutorial(w1, w2):
        z2 = sigmoid(X.dot(w1))
        o = sigmoid(z2.dot(w2))
        o_delta = (y - o) * (o * (1 - o))
        z2_delta = o_delta.dot(w2.T) * (z2 * (1 - z2))
        return -X.T.dot(z2_delta), -z2.T.dot(o_delta)

    assert tg.check_formula(loss, [W1, W2], tutorial, **TOL)


@settings(max_examples=30, deadline=None)
@given(seed=seeds, batch=st.integers(1, 8), n_in=sizes, n_hidden=sizes)
def test_loy_chain_rule(seed, batch, n_in, n_hidden):
    """Loy: d_weights2 = layer1^T (2 (y - out) sigma'(out)); d_weights1 = input^T ((2 (y - out)
    sigma'(out)) weights2^T * sigma'(layer1)); weights += d  ==  minus the gradient of SSE
    (no 1/2: hence his factor 2)."""
    X, y = data(seed, batch, n_in, 1)
    np.random.seed(seed % 2**32)
    w1, w2 = np.random.rand(n_in, n_hidden), np.random.rand(n_hidden, 1)

    def loss(a, b):
        return tg.nn.sse_loss(((tg.tensor(X) @ a).sigmoid() @ b).sigmoid(), y)

    def loy(a, b):
        layer1 = sigmoid(X @ a)
        out = sigmoid(layer1 @ b)
        back = 2 * (y - out) * (out * (1 - out))
        return -(X.T @ (back @ b.T * (layer1 * (1 - layer1)))), -(layer1.T @ back)

    assert tg.check_formula(loss, [w1, w2], loy, **TOL)


def _rashid_network(seed, n_in, n_hidden, n_out, batch):
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(0.01, 1.0, size=(n_in, batch))
    targets = np.full((n_out, batch), 0.01)
    targets[rng.integers(0, n_out), :] = 0.99
    np.random.seed(seed % 2**32)
    wih = np.random.normal(0.0, pow(n_in, -0.5), (n_hidden, n_in))
    who = np.random.normal(0.0, pow(n_hidden, -0.5), (n_out, n_hidden))

    def loss(w_ih, w_ho):
        final = (w_ho @ (w_ih @ tg.tensor(inputs)).sigmoid()).sigmoid()
        return 0.5 * ((targets - final) ** 2).sum()

    def forward(w_ih, w_ho):
        hidden_outputs = sigmoid(w_ih @ inputs)
        final_outputs = sigmoid(w_ho @ hidden_outputs)
        return hidden_outputs, final_outputs, targets - final_outputs

    return inputs, wih, who, loss, forward


@settings(max_examples=30, deadline=None)
@given(seed=seeds, n_in=st.integers(1, 10), n_hidden=sizes, n_out=sizes, batch=st.integers(1, 4))
def test_rashid_dE_dw(seed, n_in, n_hidden, n_out, batch):
    """Rashid: dE/dw_jk = -e_k o_k (1 - o_k) o_j for the output layer, in his layout (weights
    (out, in), signals as columns), for E = 0.5 * sum(e^2) -- his slide drops the 1/2 and the 2
    together. For the hidden layer the chain rule carries the same o_k (1 - o_k) back."""
    inputs, wih, who, loss, forward = _rashid_network(seed, n_in, n_hidden, n_out, batch)

    def rashid_output_layer(w_ih, w_ho):
        hidden_outputs, final_outputs, output_errors = forward(w_ih, w_ho)
        return None, -(output_errors * final_outputs * (1.0 - final_outputs)) @ hidden_outputs.T

    def chain_rule_hidden_layer(w_ih, w_ho):
        hidden_outputs, final_outputs, output_errors = forward(w_ih, w_ho)
        hidden_errors = w_ho.T @ (output_errors * final_outputs * (1.0 - final_outputs))
        return -(hidden_errors * hidden_outputs * (1.0 - hidden_outputs)) @ inputs.T, None

    assert tg.check_formula(loss, [wih, who], rashid_output_layer, **TOL)
    assert tg.check_formula(loss, [wih, who], chain_rule_hidden_layer, **TOL)


@settings(max_examples=20, deadline=None)
@given(seed=seeds, n_in=st.integers(1, 10), n_hidden=sizes, batch=st.just(1))
def test_rashid_hidden_update_skips_the_output_slope(seed, n_in, n_hidden, batch):
    """Rashid's code updates the hidden layer with hidden_errors = who^T . output_errors: the
    errors split by weight, *without* the output sigmoid's slope o (1 - o). So his wih update
    is not the gradient of E: with one output, autodiff's gradient is his times o (1 - o)."""
    inputs, wih, who, loss, forward = _rashid_network(seed, n_in, n_hidden, 1, batch)
    hidden_outputs, final_outputs, output_errors = forward(wih, who)
    hidden_errors = who.T @ output_errors  # his heuristic, verbatim
    rashid_wih = -(hidden_errors * hidden_outputs * (1.0 - hidden_outputs)) @ inputs.T

    def scaled_by_output_slope(w_ih, w_ho):
        return rashid_wih * (final_outputs * (1 - final_outputs)).item(), None

    assert tg.check_formula(loss, [wih, who], scaled_by_output_slope, **TOL)
    if np.abs(rashid_wih).max() > 1e-6:
        assert not tg.check_formula(loss, [wih, who], lambda a, b: (rashid_wih, None), **TOL)


@settings(max_examples=25, deadline=None)
@given(seed=seeds, widths=st.lists(st.integers(1, 8), min_size=1, max_size=3), batch=st.integers(1, 10))
def test_simplenn_backward(seed, widths, batch):
    """SimpleNN's backward(): dA = out - target; dZ = dA * relu'(Z) on hidden layers;
    dW = A^T dZ / m; db = sum(dZ) / m; dA = dZ W^T  ==  the gradient of 0.5 * mean((out - t)^2)."""
    structure = [2] + widths + [1]
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, 2))
    target = rng.normal(size=batch)
    np.random.seed(seed % 2**32)
    weights = [np.random.uniform(-1, 1, (a, b)) for a, b in zip(structure[:-1], structure[1:])]
    biases = [rng.normal(size=(1, b)) * 0.1 for b in structure[1:]]
    params = weights + biases
    L = len(weights)

    def loss(*p):
        a = tg.tensor(X)
        for i in range(L):
            z = a @ p[i] + p[L + i]
            a = z if i == L - 1 else z.relu()
        return 0.5 * ((a.reshape(-1) - target) ** 2).mean()

    def simplenn(*p):
        ws, bs = p[:L], p[L:]
        inputs, outputs = [X], []
        for i, (W, b) in enumerate(zip(ws, bs)):
            Z = inputs[-1] @ W + b
            outputs.append(Z)
            inputs.append(Z if i == L - 1 else np.maximum(Z, 0))
        m = len(target)
        dA = inputs[-1] - target.reshape(-1, 1)
        dWs, dbs = [], []
        for i in reversed(range(L)):
            dZ = dA if i == L - 1 else dA * (outputs[i] > 0)
            dWs.append(inputs[i].T @ dZ / m)
            dbs.append(np.sum(dZ, axis=0, keepdims=True) / m)
            if i > 0:
                dA = dZ @ ws[i].T
        return list(reversed(dWs)) + list(reversed(dbs))

    report = tg.check_formula(loss, params, simplenn, **TOL)
    assert report, str(report)

"""The workloads of the benchmark table, each written several ways that do the same work:

* ``numpy``: hand-written NumPy, the way the tutorials write it (the baseline of every ratio);
* ``tape``: the bare tape of closures (bare_tape.py), the floor for a Python eager engine;
* ``eager``: tinygrad_edu as a user writes it;
* ``compiled``: the same step under ``tg.compile``;
* ``torch``: PyTorch eager on one thread, when it is installed.

Each function runs ``size`` units (steps, records, ops) and returns what it computed, so that
the tests can check that the implementations agree.
"""
import math

import numpy as np

import tinygrad_edu as tg
from bare_tape import Tape, Var

torch = None  # PyTorch, imported only in the process that times it (see run.py)


def load_torch():
    """Import PyTorch for the torch column (None when it is not installed)."""
    global torch
    try:
        import torch as module
    except ImportError:
        return None
    torch = module
    torch.set_num_threads(1)
    return torch


# ----------------------------------------------------------------------------- Trask 3-layer
def trask_data():
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    np.random.seed(1)
    return X, y, 2 * np.random.random((3, 4)) - 1, 2 * np.random.random((4, 1)) - 1


def trask_numpy(steps):
    X, y, syn0, syn1 = trask_data()
    for _ in range(steps):
        l1 = 1 / (1 + np.exp(-np.dot(X, syn0)))
        l2 = 1 / (1 + np.exp(-np.dot(l1, syn1)))
        l2_delta = (y - l2) * (l2 * (1 - l2))
        l1_delta = l2_delta.dot(syn1.T) * (l1 * (1 - l1))
        syn1 += l1.T.dot(l2_delta)
        syn0 += X.T.dot(l1_delta)
    return syn0, syn1


def trask_tape(steps):
    X, y, s0, s1 = trask_data()
    syn0, syn1, inputs, targets = Var(s0), Var(s1), Var(X), Var(y)
    tape = Tape()
    for _ in range(steps):
        l2 = tape.sigmoid(tape.matmul(tape.sigmoid(tape.matmul(inputs, syn0)), syn1))
        tape.backward(tape.scale(tape.sum(tape.square(tape.sub(targets, l2))), 0.5))
        syn1.value -= syn1.grad
        syn0.value -= syn0.grad
        syn0.grad = syn1.grad = None
    return syn0.value, syn1.value


def _trask_step():
    """Trask's network as a user writes it with the library: 0.5 * SSE and SGD with lr 1 is his update."""
    X, y, s0, s1 = trask_data()
    syn0, syn1 = tg.tensor(s0, requires_grad=True), tg.tensor(s1, requires_grad=True)
    optimizer = tg.optim.SGD([syn0, syn1], lr=1.0)

    def step(inputs, targets):
        optimizer.zero_grad()
        l2 = ((inputs @ syn0).sigmoid() @ syn1).sigmoid()
        loss = 0.5 * ((targets - l2) ** 2).sum()
        loss.backward()
        optimizer.step()
        return loss

    return step, tg.tensor(X), tg.tensor(y), syn0, syn1


def trask_eager(steps):
    step, X, y, syn0, syn1 = _trask_step()
    for _ in range(steps):
        step(X, y)
    return syn0.data, syn1.data


def trask_compiled(steps):
    step, X, y, syn0, syn1 = _trask_step()
    step = tg.compile(step)
    for _ in range(steps):
        step(X.data, y.data)
    return syn0.data, syn1.data


def trask_torch(steps):
    X, y, s0, s1 = trask_data()
    syn0, syn1 = torch.tensor(s0, requires_grad=True), torch.tensor(s1, requires_grad=True)
    inputs, targets = torch.tensor(X), torch.tensor(y)
    optimizer = torch.optim.SGD([syn0, syn1], lr=1.0)
    for _ in range(steps):
        optimizer.zero_grad()
        l2 = torch.sigmoid(torch.sigmoid(inputs @ syn0) @ syn1)
        (0.5 * ((targets - l2) ** 2).sum()).backward()
        optimizer.step()
    return syn0.detach().numpy(), syn1.detach().numpy()


# ----------------------------------------------------------------------------- Rashid per sample
def rashid_data(records):
    rng = np.random.default_rng(0)
    inputs = rng.uniform(0.01, 1.0, size=(records, 784))
    labels = rng.integers(0, 10, size=records)
    np.random.seed(0)
    wih = np.random.normal(0.0, pow(784, -0.5), (100, 784))
    who = np.random.normal(0.0, pow(100, -0.5), (10, 100))
    return inputs, labels, wih, who


def _targets(label):
    targets = np.full((10, 1), 0.01)
    targets[label] = 0.99
    return targets


def rashid_numpy(records, lr=0.3):
    inputs_all, labels, wih, who = rashid_data(records)
    for record, label in zip(inputs_all, labels):
        inputs = record.reshape(-1, 1)
        targets = _targets(label)
        hidden = 1 / (1 + np.exp(-np.dot(wih, inputs)))
        final = 1 / (1 + np.exp(-np.dot(who, hidden)))
        output_errors = targets - final
        hidden_errors = np.dot(who.T, output_errors * final * (1 - final))  # the exact gradient
        who += lr * np.dot(output_errors * final * (1 - final), hidden.T)
        wih += lr * np.dot(hidden_errors * hidden * (1 - hidden), inputs.T)
    return wih, who


def rashid_tape(records, lr=0.3):
    inputs_all, labels, wih0, who0 = rashid_data(records)
    wih, who = Var(wih0), Var(who0)
    tape = Tape()
    for record, label in zip(inputs_all, labels):
        final = tape.sigmoid(tape.matmul(who, tape.sigmoid(tape.matmul(wih, Var(record.reshape(-1, 1))))))
        tape.backward(tape.scale(tape.sum(tape.square(tape.sub(final, Var(_targets(label))))), 0.5))
        for weights in (who, wih):  # scaled in place, as tg.optim.SGD does: a fresh 627 KB
            weights.grad *= lr        # temporary per record costs page faults, not engine time
            weights.value -= weights.grad
        wih.grad = who.grad = None
    return wih.value, who.value


def _rashid_step(lr):
    _, _, wih0, who0 = rashid_data(1)
    wih, who = tg.tensor(wih0, requires_grad=True), tg.tensor(who0, requires_grad=True)
    optimizer = tg.optim.SGD([wih, who], lr=lr)

    def step(record, targets):
        optimizer.zero_grad()
        final = (who @ (wih @ record).sigmoid()).sigmoid()
        loss = 0.5 * ((final - targets) ** 2).sum()
        loss.backward()
        optimizer.step()
        return loss

    return step, wih, who


def rashid_eager(records, lr=0.3):
    inputs_all, labels, _, _ = rashid_data(records)
    step, wih, who = _rashid_step(lr)
    for record, label in zip(inputs_all, labels):
        step(tg.tensor(record.reshape(-1, 1)), tg.tensor(_targets(label)))
    return wih.data, who.data


def rashid_compiled(records, lr=0.3):
    inputs_all, labels, _, _ = rashid_data(records)
    step, wih, who = _rashid_step(lr)
    step = tg.compile(step)
    for record, label in zip(inputs_all, labels):
        step(record.reshape(-1, 1), _targets(label))
    return wih.data, who.data


def rashid_torch(records, lr=0.3):
    inputs_all, labels, wih0, who0 = rashid_data(records)
    wih, who = torch.tensor(wih0, requires_grad=True), torch.tensor(who0, requires_grad=True)
    optimizer = torch.optim.SGD([wih, who], lr=lr)
    for record, label in zip(inputs_all, labels):
        optimizer.zero_grad()
        final = torch.sigmoid(who @ torch.sigmoid(wih @ torch.from_numpy(record.reshape(-1, 1))))
        (0.5 * ((final - torch.from_numpy(_targets(label))) ** 2).sum()).backward()
        optimizer.step()
    return wih.detach().numpy(), who.detach().numpy()


# ----------------------------------------------------------------------------- batch-128 softmax CE
def batch_data(steps):
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(steps, 128, 784)).astype(np.float32)
    labels = rng.integers(0, 10, size=(steps, 128))
    W1 = (rng.normal(size=(784, 256)) * np.sqrt(2 / 784)).astype(np.float32)
    W2 = (rng.normal(size=(256, 10)) * np.sqrt(2 / 256)).astype(np.float32)
    return X, labels, W1, np.zeros(256, np.float32), W2, np.zeros(10, np.float32)


def batch_numpy_step(params, x, label, lr=np.float32(0.1)):
    """One step of hand-written NumPy (also what benchmarks/memory.py measures)."""
    W1, b1, W2, b2 = params
    h_pre = x @ W1 + b1
    h = np.maximum(h_pre, 0)
    logits = h @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    d_logits = p
    d_logits[np.arange(len(label)), label] -= 1
    d_logits /= len(label)
    dW2, db2 = h.T @ d_logits, d_logits.sum(axis=0)
    dh = d_logits @ W2.T * (h_pre > 0)
    dW1, db1 = x.T @ dh, dh.sum(axis=0)
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2


def batch_numpy(steps):
    X, labels, *params = batch_data(steps)
    for x, label in zip(X, labels):
        batch_numpy_step(params, x, label)
    return params


def batch_model(params, lr=0.1):
    """The same network with the library: its parameters, and the step a user writes."""
    W1, b1, W2, b2 = [tg.tensor(p, requires_grad=True) for p in params]
    optimizer = tg.optim.SGD([W1, b1, W2, b2], lr=lr)

    def step(x, label):
        optimizer.zero_grad()
        logits = (x @ W1 + b1).relu() @ W2 + b2
        loss = tg.nn.cross_entropy(logits, label)
        loss.backward()
        optimizer.step()
        return loss

    return step, [W1, b1, W2, b2]


def batch_eager(steps):
    X, labels, *params = batch_data(steps)
    step, tensors = batch_model(params)
    for x, label in zip(X, labels):
        step(tg.as_tensor(x), label)
    return [t.data for t in tensors]


def batch_compiled(steps):
    X, labels, *params = batch_data(steps)
    step, tensors = batch_model(params)
    step = tg.compile(step)
    for x, label in zip(X, labels):
        step(x, label)
    return [t.data for t in tensors]


def batch_torch(steps):
    X, labels, *params = batch_data(steps)
    W1, b1, W2, b2 = [torch.tensor(p, requires_grad=True) for p in params]
    optimizer = torch.optim.SGD([W1, b1, W2, b2], lr=0.1)
    for x, label in zip(X, labels):
        optimizer.zero_grad()
        logits = torch.relu(torch.from_numpy(x) @ W1 + b1) @ W2 + b2
        torch.nn.functional.cross_entropy(logits, torch.from_numpy(label)).backward()
        optimizer.step()
    return [p.detach().numpy() for p in (W1, b1, W2, b2)]


# ----------------------------------------------------------------------------- one op, 1 element
FACTOR = 1.0000001


def op_numpy(ops, backward=False):
    y = np.array([1.0])
    for _ in range(ops):
        y = y * FACTOR
    if backward:
        g = np.ones(1)
        for _ in range(ops):
            g = g * FACTOR
        return g
    return y


def op_tape(ops, backward=False):
    tape = Tape()
    x = Var(np.array([1.0]))
    y = x
    for _ in range(ops):
        y = tape.scale(y, FACTOR)
    if backward:
        tape.backward(y)
        return x.grad
    return y.value


def op_eager(ops, backward=False):
    x = tg.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(ops):
        y = y * FACTOR
    if backward:
        y.backward(np.ones(1))
        return x.grad.data
    return y.data


def op_torch(ops, backward=False):
    x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(ops):
        y = y * FACTOR
    if backward:
        y.backward(torch.ones(1, dtype=torch.float64))
        return x.grad.numpy()
    return y.detach().numpy()


def with_backward(fn):
    def both(size):
        return fn(size, backward=True)
    both.__name__ = fn.__name__ + "_backward"
    return both


# ----------------------------------------------------------------------------- scalar expression
def scalar_numpy(terms):
    x = 0.7
    value = derivative = 0.0
    for i in range(1, terms + 1):
        s, c = math.sin(x * i), math.cos(x * i)
        value += s * x
        derivative += c * i * x + s  # product and chain rule, by hand
    return derivative


def scalar_eager(terms):
    x = tg.tensor(0.7, requires_grad=True)
    total = tg.tensor(0.0)
    for i in range(1, terms + 1):
        total = total + (x * i).sin() * x
    total.backward()
    return x.grad.item()


def scalar_torch(terms):
    x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    total = torch.tensor(0.0, dtype=torch.float64)
    for i in range(1, terms + 1):
        total = total + torch.sin(x * i) * x
    total.backward()
    return x.grad.item()


# ----------------------------------------------------------------------------- LeNet step, batch 64
def cnn_data(steps):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(steps, 64, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, size=(steps, 64))

    def uniform(shape, fan_in):
        return rng.uniform(-fan_in**-0.5, fan_in**-0.5, shape).astype(np.float32)

    params = [uniform((6, 1, 5, 5), 25), uniform(6, 25), uniform((16, 6, 5, 5), 150), uniform(16, 150),
              uniform((400, 120), 400), uniform(120, 400), uniform((120, 84), 120), uniform(84, 120),
              uniform((84, 10), 84), uniform(10, 84)]
    return X, labels, params


def _windows(x, k, padding):
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3)), x.shape


def _conv_forward(x, w, b, padding):
    cols, padded = _windows(x, w.shape[2], padding)  # (N, C, OH, OW, k, k)
    out = np.tensordot(cols, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + b.reshape(1, -1, 1, 1)
    return out, (cols, padded)


def _conv_backward(g, w, cache, padding, need_input=True):
    cols, padded = cache
    dw = np.tensordot(g, cols, axes=([0, 2, 3], [0, 2, 3]))
    db = g.sum(axis=(0, 2, 3))
    dx = None
    if need_input:
        k = w.shape[2]
        patches = np.tensordot(g, w, axes=([1], [0])).transpose(0, 3, 1, 2, 4, 5)  # (N, C, OH, OW, k, k)
        dx = np.zeros(padded, dtype=g.dtype)
        oh, ow = g.shape[2:]
        for u in range(k):
            for v in range(k):
                dx[:, :, u : u + oh, v : v + ow] += patches[:, :, :, :, u, v]
        if padding:
            dx = dx[:, :, padding:-padding, padding:-padding]
    return dx, dw, db


def _pool_forward(x):
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // 2, 2, w // 2, 2)
    out = blocks.max(axis=(3, 5))
    mask = blocks == out[:, :, :, None, :, None]
    return out, mask / mask.sum(axis=(3, 5), keepdims=True)


def cnn_numpy_step(params, x, label, lr=np.float32(0.01)):
    """One SGD step of LeNet written by hand in NumPy: im2col convolutions, 2x2 max pooling."""
    W1, b1, W2, b2, W3, b3, W4, b4, W5, b5 = params
    n = len(x)
    c1, cache1 = _conv_forward(x, W1, b1, 2)
    r1 = np.maximum(c1, 0)
    p1, share1 = _pool_forward(r1)
    c2, cache2 = _conv_forward(p1, W2, b2, 0)
    r2 = np.maximum(c2, 0)
    p2, share2 = _pool_forward(r2)
    f = p2.reshape(n, -1)
    h3 = np.maximum(f @ W3 + b3, 0)
    h4 = np.maximum(h3 @ W4 + b4, 0)
    logits = h4 @ W5 + b5
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(n), label] -= 1
    d5 = p / n
    dW5, db5 = h4.T @ d5, d5.sum(0)
    d4 = (d5 @ W5.T) * (h4 > 0)
    dW4, db4 = h3.T @ d4, d4.sum(0)
    d3 = (d4 @ W4.T) * (h3 > 0)
    dW3, db3 = f.T @ d3, d3.sum(0)
    dp2 = (d3 @ W3.T).reshape(p2.shape)
    dr2 = (dp2[:, :, :, None, :, None] * share2).reshape(r2.shape) * (c2 > 0)
    dp1, dW2, db2 = _conv_backward(dr2, W2, cache2, 0)
    dr1 = (dp1[:, :, :, None, :, None] * share1).reshape(r1.shape) * (c1 > 0)
    _, dW1, db1 = _conv_backward(dr1, W1, cache1, 2, need_input=False)
    for param, grad in zip(params, (dW1, db1, dW2, db2, dW3, db3, dW4, db4, dW5, db5)):
        param -= lr * grad


def cnn_numpy(steps):
    X, labels, params = cnn_data(steps)
    for x, label in zip(X, labels):
        cnn_numpy_step(params, x, label)
    return params


def cnn_eager(steps):
    X, labels, params = cnn_data(steps)
    W1, b1, W2, b2, W3, b3, W4, b4, W5, b5 = [tg.tensor(p, requires_grad=True) for p in params]
    optimizer = tg.optim.SGD([W1, b1, W2, b2, W3, b3, W4, b4, W5, b5], lr=0.01)
    F = tg.nn.functional
    for x, label in zip(X, labels):
        optimizer.zero_grad()
        h = F.max_pool2d(F.conv2d(x, W1, b1, padding=2).relu(), 2)
        h = F.max_pool2d(F.conv2d(h, W2, b2).relu(), 2).flatten(1)
        logits = ((h @ W3 + b3).relu() @ W4 + b4).relu() @ W5 + b5
        tg.nn.cross_entropy(logits, label).backward()
        optimizer.step()
    return [W1.data]


def cnn_torch(steps):
    X, labels, params = cnn_data(steps)
    W1, b1, W2, b2, W3, b3, W4, b4, W5, b5 = [torch.tensor(p, requires_grad=True) for p in params]
    optimizer = torch.optim.SGD([W1, b1, W2, b2, W3, b3, W4, b4, W5, b5], lr=0.01)
    F = torch.nn.functional
    for x, label in zip(X, labels):
        optimizer.zero_grad()
        h = F.max_pool2d(F.relu(F.conv2d(torch.from_numpy(x), W1, b1, padding=2)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, W2, b2)), 2).flatten(1)
        logits = F.relu(F.relu(h @ W3 + b3) @ W4 + b4) @ W5 + b5
        F.cross_entropy(logits, torch.from_numpy(label)).backward()
        optimizer.step()
    return [W1.detach().numpy()]


# ----------------------------------------------------------------------------- the table's rows
# name, (full size, quick size), unit, implementations, target (what docs/performance.md checks)
WORKLOADS = [
    ("Trask 3-layer step", (60_000, 1_000), "steps",
     {"numpy": trask_numpy, "tape": trask_tape, "eager": trask_eager, "compiled": trask_compiled, "torch": trask_torch},
     "eager <= 4x numpy and <= 1.25x tape; compiled <= 1.25x"),
    ("Rashid 784-100-10 per record", (10_000, 100), "records",
     {"numpy": rashid_numpy, "tape": rashid_tape, "eager": rashid_eager, "compiled": rashid_compiled,
      "torch": rashid_torch},
     "eager <= 1.5x; compiled <= 1.1x"),
    ("784-256-10 batch 128 float32", (60, 4), "steps",
     {"numpy": batch_numpy, "eager": batch_eager, "compiled": batch_compiled, "torch": batch_torch},
     "eager <= 1.15x"),
    ("LeNet step, batch 64 float32", (50, 2), "steps",
     {"numpy": cnn_numpy, "eager": cnn_eager, "torch": cnn_torch},
     "eager <= 2x torch"),
    ("1-element op, forward", (2_000, 200), "ops",
     {"numpy": op_numpy, "tape": op_tape, "eager": op_eager, "torch": op_torch},
     "eager <= 2.5 us"),
    ("1-element op, forward+backward", (2_000, 200), "ops",
     {"numpy": with_backward(op_numpy), "tape": with_backward(op_tape), "eager": with_backward(op_eager),
      "torch": with_backward(op_torch)},
     "eager <= 4.5 us"),
    ("100k-op chain, forward+backward", (100_000, 2_000), "ops",
     {"numpy": with_backward(op_numpy), "tape": with_backward(op_tape), "eager": with_backward(op_eager),
      "torch": with_backward(op_torch)},
     "eager <= torch"),
    ("scalar expression graph", (2_000, 100), "terms",
     {"numpy": scalar_numpy, "eager": scalar_eager, "torch": scalar_torch}, ""),
]

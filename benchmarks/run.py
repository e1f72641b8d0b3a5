"""Speed of tinygrad_edu next to hand-written NumPy (and PyTorch when it is installed).

    python benchmarks/run.py           # the full table (a few minutes)
    python benchmarks/run.py --quick   # small sizes, for the test suite (seconds)

Each cell is the median of several runs; the ratio is to hand-written NumPy run in the same
process, on the same machine, just before. Nothing here asserts a time.
"""
import argparse
import math
import platform
import statistics
import time

import numpy as np

import tinygrad_edu as tg

try:  # optional: compared with when it is importable, never required
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


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


def trask_eager(steps):
    X, y, s0, s1 = trask_data()
    syn0, syn1 = tg.tensor(s0, requires_grad=True), tg.tensor(s1, requires_grad=True)
    inputs, targets = tg.tensor(X), tg.tensor(y)
    for _ in range(steps):
        l2 = ((inputs @ syn0).sigmoid() @ syn1).sigmoid()
        (0.5 * ((targets - l2) ** 2).sum()).backward()
        with tg.no_grad():
            syn1 -= syn1.grad
            syn0 -= syn0.grad
        syn0.grad = syn1.grad = None


def trask_compiled(steps):
    X, y, s0, s1 = trask_data()
    syn0, syn1 = tg.tensor(s0, requires_grad=True), tg.tensor(s1, requires_grad=True)

    @tg.compile
    def step(inputs, targets):
        l2 = ((inputs @ syn0).sigmoid() @ syn1).sigmoid()
        (0.5 * ((targets - l2) ** 2).sum()).backward()
        with tg.no_grad():
            syn1.__isub__(syn1.grad)  # syn1 -= syn1.grad (the operator would make syn1 local here)
            syn0.__isub__(syn0.grad)
        syn0.grad = syn1.grad = None

    for _ in range(steps):
        step(X, y)


def trask_torch(steps):
    X, y, s0, s1 = trask_data()
    syn0, syn1 = torch.tensor(s0, requires_grad=True), torch.tensor(s1, requires_grad=True)
    inputs, targets = torch.tensor(X), torch.tensor(y)
    for _ in range(steps):
        l2 = torch.sigmoid(torch.sigmoid(inputs @ syn0) @ syn1)
        (0.5 * ((targets - l2) ** 2).sum()).backward()
        with torch.no_grad():
            syn1 -= syn1.grad
            syn0 -= syn0.grad
        syn0.grad = syn1.grad = None


# ----------------------------------------------------------------------------- Rashid per sample
def rashid_data(records):
    rng = np.random.default_rng(0)
    inputs = rng.uniform(0.01, 1.0, size=(records, 784))
    labels = rng.integers(0, 10, size=records)
    np.random.seed(0)
    wih = np.random.normal(0.0, pow(784, -0.5), (100, 784))
    who = np.random.normal(0.0, pow(100, -0.5), (10, 100))
    return inputs, labels, wih, who


def rashid_numpy(records, lr=0.3):
    inputs_all, labels, wih, who = rashid_data(records)
    for record, label in zip(inputs_all, labels):
        inputs = record.reshape(-1, 1)
        targets = np.full((10, 1), 0.01)
        targets[label] = 0.99
        hidden = 1 / (1 + np.exp(-np.dot(wih, inputs)))
        final = 1 / (1 + np.exp(-np.dot(who, hidden)))
        output_errors = targets - final
        hidden_errors = np.dot(who.T, output_errors * final * (1 - final))  # the exact gradient
        who += lr * np.dot(output_errors * final * (1 - final), hidden.T)
        wih += lr * np.dot(hidden_errors * hidden * (1 - hidden), inputs.T)


def rashid_eager(records, lr=0.3):
    inputs_all, labels, wih0, who0 = rashid_data(records)
    wih, who = tg.tensor(wih0, requires_grad=True), tg.tensor(who0, requires_grad=True)
    optimizer = tg.optim.SGD([wih, who], lr=lr)
    for record, label in zip(inputs_all, labels):
        targets = np.full((10, 1), 0.01)
        targets[label] = 0.99
        optimizer.zero_grad()
        final = (who @ (wih @ tg.tensor(record.reshape(-1, 1))).sigmoid()).sigmoid()
        (0.5 * ((final - targets) ** 2).sum()).backward()
        optimizer.step()


def rashid_compiled(records, lr=0.3):
    inputs_all, labels, wih0, who0 = rashid_data(records)
    wih, who = tg.tensor(wih0, requires_grad=True), tg.tensor(who0, requires_grad=True)
    optimizer = tg.optim.SGD([wih, who], lr=lr)

    @tg.compile
    def step(record, targets):
        optimizer.zero_grad()
        final = (who @ (wih @ record).sigmoid()).sigmoid()
        (0.5 * ((final - targets) ** 2).sum()).backward()
        optimizer.step()

    for record, label in zip(inputs_all, labels):
        targets = np.full((10, 1), 0.01)
        targets[label] = 0.99
        step(record.reshape(-1, 1), targets)


# ----------------------------------------------------------------------------- batch-128 softmax CE
def batch_data(steps):
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(steps, 128, 784)).astype(np.float32)
    labels = rng.integers(0, 10, size=(steps, 128))
    W1 = (rng.normal(size=(784, 256)) * np.sqrt(2 / 784)).astype(np.float32)
    W2 = (rng.normal(size=(256, 10)) * np.sqrt(2 / 256)).astype(np.float32)
    return X, labels, W1, np.zeros(256, np.float32), W2, np.zeros(10, np.float32)


def batch_numpy(steps, lr=0.1):
    X, labels, W1, b1, W2, b2 = batch_data(steps)
    for x, label in zip(X, labels):
        h_pre = x @ W1 + b1
        h = np.maximum(h_pre, 0)
        logits = h @ W2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=1, keepdims=True)
        d_logits = p
        d_logits[np.arange(128), label] -= 1
        d_logits /= 128
        dW2, db2 = h.T @ d_logits, d_logits.sum(axis=0)
        dh = d_logits @ W2.T * (h_pre > 0)
        dW1, db1 = x.T @ dh, dh.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2


def batch_eager(steps, lr=0.1):
    X, labels, *params = batch_data(steps)
    W1, b1, W2, b2 = [tg.tensor(p, requires_grad=True) for p in params]
    for x, label in zip(X, labels):
        logits = (tg.tensor(x) @ W1 + b1).relu() @ W2 + b2
        tg.nn.cross_entropy(logits, label).backward()
        with tg.no_grad():
            for p in (W1, b1, W2, b2):
                p -= lr * p.grad
                p.grad = None


def batch_compiled(steps, lr=0.1):
    X, labels, *params = batch_data(steps)
    W1, b1, W2, b2 = [tg.tensor(p, requires_grad=True) for p in params]

    @tg.compile
    def step(x, label):
        logits = (x @ W1 + b1).relu() @ W2 + b2
        tg.nn.cross_entropy(logits, label).backward()
        with tg.no_grad():
            for p in (W1, b1, W2, b2):
                p.__isub__(lr * p.grad)
                p.grad = None

    for x, label in zip(X, labels):
        step(x, label)


# ----------------------------------------------------------------------------- deep chain
def chain_numpy(length):
    x, factor = 1.0, 1.0000001
    y = x
    for _ in range(length):
        y = y * factor
    grad = 1.0
    for _ in range(length):
        grad = grad * factor
    return y, grad


def chain_eager(length):
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(length):
        y = y * 1.0000001
    y.backward()


# ----------------------------------------------------------------------------- scalar expression
def scalar_numpy(terms):
    x = 0.7
    value = derivative = 0.0
    for i in range(1, terms + 1):
        s, c = math.sin(x * i), math.cos(x * i)
        value += s * x
        derivative += c * i * x + s  # product and chain rule, by hand
    return value, derivative


def scalar_eager(terms):
    x = tg.tensor(0.7, requires_grad=True)
    total = tg.tensor(0.0)
    for i in range(1, terms + 1):
        total = total + (x * i).sin() * x
    total.backward()


# ----------------------------------------------------------------------------- the table
WORKLOADS = [
    # name, size (full, quick), unit, implementations
    ("Trask 3-layer", (60_000, 2_000), "steps", {"numpy": trask_numpy, "eager": trask_eager, "compiled": trask_compiled,
                                                   "torch": trask_torch}),
    ("Rashid 784-100-10 per sample", (10_000, 200), "records", {"numpy": rashid_numpy, "eager": rashid_eager,
                                                                           "compiled": rashid_compiled}),
    ("784-256-10 batch 128 float32", (50, 5), "steps", {"numpy": batch_numpy, "eager": batch_eager,
                                                                  "compiled": batch_compiled}),
    ("backward through a chain", (100_000, 5_000), "ops", {"numpy": chain_numpy, "eager": chain_eager}),
    ("scalar expression graph", (2_000, 200), "terms", {"numpy": scalar_numpy, "eager": scalar_eager}),
]


def median_seconds(fn, size, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn(size)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(quick=False, repeats=None, out=print):
    repeats = repeats or (2 if quick else 5)
    out(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"NumPy {np.__version__}" + (f", PyTorch {torch.__version__}" if torch else ", PyTorch not installed"))
    out(f"{'workload':<32}{'size':>16}  {'implementation':<10}{'per unit':>12}{'vs NumPy':>10}")
    rows = []
    for name, sizes, unit, implementations in WORKLOADS:
        size = sizes[1] if quick else sizes[0]
        baseline = None
        for impl, fn in implementations.items():
            if impl == "torch" and torch is None:
                continue
            if impl == "torch":
                torch.set_num_threads(1)
            seconds = median_seconds(fn, size, repeats)
            baseline = seconds if impl == "numpy" else baseline
            ratio = seconds / baseline
            per_unit = seconds / size * 1e6
            rows.append((name, size, unit, impl, per_unit, ratio))
            out(f"{name:<32}{f'{size:,} {unit}':>16}  {impl:<10}{per_unit:>9.2f} us{ratio:>9.2f}x")
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (for the test suite)")
    parser.add_argument("--repeats", type=int, help="runs per cell (the median is kept)")
    args = parser.parse_args()
    run(args.quick, args.repeats)

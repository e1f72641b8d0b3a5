"""The floor for a Python eager engine: a bare tape of NumPy closures.

Each op computes its result and appends one closure that, given the output's gradient, adds
the inputs' gradients. No Tensor class, no checks, no broadcasting, no dtype rules, no graph
kept after backward: what is left is the least Python an eager autodiff can run per op.
`benchmarks/run.py` times the same workloads on it, as the "tape" column.
"""
import numpy as np


class Var:
    __slots__ = ("value", "grad")

    def __init__(self, value):
        self.value, self.grad = value, None


class Tape:
    def __init__(self):
        self.steps = []

    def record(self, value, backward):
        out = Var(value)
        self.steps.append((out, backward))
        return out

    def matmul(self, a, b):
        return self.record(a.value.dot(b.value), lambda g: ((a, g.dot(b.value.T)), (b, a.value.T.dot(g))))

    def sigmoid(self, a):
        s = 1 / (1 + np.exp(-a.value))
        return self.record(s, lambda g: ((a, g * s * (1 - s)),))

    def sub(self, a, b):
        return self.record(a.value - b.value, lambda g: ((a, g), (b, -g)))

    def square(self, a):
        return self.record(a.value * a.value, lambda g: ((a, 2 * g * a.value),))

    def sum(self, a):
        return self.record(a.value.sum(), lambda g: ((a, np.broadcast_to(g, a.value.shape)),))

    def scale(self, a, k):
        return self.record(a.value * k, lambda g: ((a, g * k),))

    def backward(self, out):
        out.grad = np.ones_like(out.value)
        for node, backward in reversed(self.steps):
            if node.grad is not None:
                for var, g in backward(node.grad):
                    var.grad = g if var.grad is None else var.grad + g
        self.steps.clear()

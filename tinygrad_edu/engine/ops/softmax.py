"""Softmax and log-softmax along one axis, each one op with its own derivative.

They could be written with exp, sum and log (and were), but as single ops their backward is the
textbook formula -- the one behind every classifier's ``p - onehot`` -- rather than the chain
rule through six ops, and a classifier's graph shows one node instead of seven.
"""
import numpy as np

from ..function import Function
from .reduce import describe_axis


class LogSoftmax(Function):
    """x − ln Σeˣ along ``axis``, shifted by the max first so that eˣ cannot overflow."""

    __slots__ = ("axis",)
    name = "log_softmax"
    tg_functions = ("log_softmax",)
    formula = "∂L/∂x = g − softmax(x)·Σg   (Σ along the axis)"

    def forward(self, x, axis):
        self.axis = axis
        shifted = x - x.max(axis=axis, keepdims=True)  # log_softmax(x - c) = log_softmax(x)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        self.save_for_backward(out)
        return out

    def describe(self):
        return describe_axis(self.name, self.axis, False)

    def backward(self, grad, x):
        log_p = self.output(grad)
        return grad - np.exp(log_p) * grad.sum(axis=self.axis, keepdims=True)


class Softmax(Function):
    """eˣ / Σeˣ along ``axis``, shifted by the max first so that eˣ cannot overflow."""

    __slots__ = ("axis",)
    name = "softmax"
    tg_functions = ("softmax",)
    formula = "∂L/∂x = s·(g − Σ g·s)   (s = softmax(x), Σ along the axis)"

    def forward(self, x, axis):
        self.axis = axis
        e = np.exp(x - x.max(axis=axis, keepdims=True))  # softmax(x - c) = softmax(x)
        out = e / e.sum(axis=axis, keepdims=True)
        self.save_for_backward(out)
        return out

    def describe(self):
        return describe_axis(self.name, self.axis, False)

    def backward(self, grad, x):
        s = self.output(grad)
        return s * (grad - (grad * s).sum(axis=self.axis, keepdims=True))

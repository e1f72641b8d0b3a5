"""Loss functions that are one op: binary cross-entropy on probabilities.

The other losses of tinygrad_edu/nn/losses.py are compositions of ops (``mse_loss`` is a
mean of squares, ``cross_entropy`` reads ``log_softmax``); this one is a single op because
its guards at p = 0 and 1 belong inside the derivative, where a composition could not put them.
"""
import numpy as np

from ..function import Function


class BinaryCrossEntropy(Function):
    """-(t log p + (1 - t) log(1 - p)) elementwise, for probabilities p and targets t.

    At p = 0 and 1 it takes PyTorch's guards: each log is floored at -100 and the derivative's
    denominator p(1 - p) at 1e-12, so a prediction of exactly 0 or 1 gives a large but finite
    loss and gradient for p.

    >>> import tinygrad_edu as tg
    >>> p = tg.tensor([1.0, 0.5], requires_grad=True)
    >>> BinaryCrossEntropy.apply(p, tg.tensor([0.0, 1.0])).data.round(4).tolist()
    [100.0, 0.6931]
    """

    __slots__ = ()
    name = "binary_cross_entropy"
    formula = "∂/∂p = (p − t) / (p(1 − p)),  ∂/∂t = log(1 − p) − log p"
    hint = "Predictions and targets must have the same shape."

    def forward(self, p, t):
        log_p, log_q = floored_logs(p)
        return -(t * log_p + (1.0 - t) * log_q)

    def backward(self, grad, p, t):
        needs_p, needs_t = self.needs_input_grad
        grad_p = grad_t = None
        if needs_p:
            grad_p = grad * (p - t) / np.maximum(p * (1.0 - p), 1e-12)
        if needs_t:
            log_p, log_q = floored_logs(p)
            grad_t = grad * (log_q - log_p)
        return grad_p, grad_t


def floored_logs(p):
    """log p and log(1 - p), each at least -100 (p floored at e^-100, which float32 can hold as a
    subnormal: no log(0) and so no warning)."""
    floor = float(np.exp(-100.0))  # a Python float: float32 stays float32
    return np.log(np.maximum(p, floor)), np.log(np.maximum(1.0 - p, floor))

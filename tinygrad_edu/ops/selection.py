"""Ops that pick between values: maximum, minimum, where, clip.

Their derivatives are 0/1 masks (constants), so their second derivatives are zero.
"""
import numpy as np

from ..function import Function
from .unary import _constant

_BROADCAST_HINT = (
    "Shapes broadcast when their trailing dimensions are equal or 1; "
    "reshape one input, e.g. b.reshape(-1, 1)."
)


class Maximum(Function):
    """Elementwise max of two tensors; at a tie each input gets half the gradient (as PyTorch)."""

    name = "maximum"
    hint = _BROADCAST_HINT
    code = "np.maximum({0}, {1})"
    saved_code = ("(({0} > {1}) + 0.5 * ({0} == {1})).astype({share_dtype})",)
    pick = staticmethod(np.maximum)
    first_wins = staticmethod(np.greater)

    def forward(self, a, b):
        self.share_dtype = np.result_type(a, b)
        share_a = self.first_wins(a, b) + 0.5 * (a == b)
        self.save_for_backward(share_a.astype(self.share_dtype, copy=False))
        return self.pick(a, b)

    def backward(self, grad):
        share_a = _constant(self.saved[0])
        a, b = self.parents
        return (
            grad * share_a if a.requires_grad else None,
            grad * (1.0 - share_a) if b.requires_grad else None,
        )


class Minimum(Maximum):
    """Elementwise min of two tensors; at a tie each input gets half the gradient."""

    name = "minimum"
    code = "np.minimum({0}, {1})"
    saved_code = ("(({0} < {1}) + 0.5 * ({0} == {1})).astype({share_dtype})",)
    pick = staticmethod(np.minimum)
    first_wins = staticmethod(np.less)


class Where(Function):
    """``where(condition, a, b)``: a where condition holds, else b. The condition gets no gradient."""

    name = "where"
    hint = _BROADCAST_HINT
    code = "np.where({condition}, {0}, {1})"
    saved_code = ("{condition}", "~{condition}")

    def forward(self, a, b, condition):
        self.condition = condition
        self.save_for_backward(condition, ~condition)  # the masks that route the gradient
        return np.where(condition, a, b)

    def backward(self, grad):
        to_a, to_b = self.saved
        a, b = self.parents
        return (
            grad * _constant(to_a) if a.requires_grad else None,
            grad * _constant(to_b) if b.requires_grad else None,
        )


class Clip(Function):
    """Clamp into [low, high]; the gradient passes where low <= x <= high (ends included, as PyTorch)."""

    name = "clip"
    code = "np.clip({0}, {low}, {high})"

    @property
    def saved_code(self):
        if self.low is None:
            return ("{0} <= {high}",)
        if self.high is None:
            return ("{0} >= {low}",)
        return ("({0} >= {low}) & ({0} <= {high})",)

    def forward(self, x, low, high):
        self.low, self.high = low, high
        if low is None:
            inside = x <= high
        elif high is None:
            inside = x >= low
        else:
            inside = (x >= low) & (x <= high)
        self.save_for_backward(inside)
        return np.clip(x, low, high)

    def describe(self):
        return f"clip({self.low}, {self.high})"

    def backward(self, grad):
        return (grad * _constant(self.saved[0]),)

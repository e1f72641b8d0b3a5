"""Ops that pick between values: maximum, minimum, where, clip.

Their derivatives route the gradient by a mask (a constant), so their second derivatives are zero.
"""
import numpy as np

from ..function import Function
from .arithmetic import BROADCAST_HINT


class Maximum(Function):
    """The elementwise larger of a and b. At a tie each input gets half the gradient (as PyTorch).

    A NaN wins, as in NumPy's result (``np.maximum(nan, 1)`` is nan): the gradient goes to the
    input the NaN came from, half to each when both are NaN. (PyTorch gives both inputs the
    whole gradient there, JAX neither. The reductions `Max`/`Min` differ on purpose: a slice
    holding a NaN gets NaN gradients, see `Max`.)
    """

    __slots__ = ()
    name = "maximum"
    numpy_ufuncs = ("maximum",)
    tg_functions = ("maximum",)
    formula_functions = ("max",)
    formula = "∂max(a,b)/∂a = 1 where a > b, ½ at a tie, 0 where a < b,  ∂max(a,b)/∂b = 1 − ∂max(a,b)/∂a"
    hint = BROADCAST_HINT
    kink = "each input gets half the gradient at a tie (a = b)"
    pick = staticmethod(np.maximum)
    first_wins = staticmethod(np.greater)

    def forward(self, a, b):
        out = self.pick(a, b)
        nan_a, nan_b = np.isnan(a), np.isnan(b)
        a_wins = self.first_wins(a, b) | (nan_a & ~nan_b)
        tie = (a == b) | (nan_a & nan_b)
        self.save_for_backward((a_wins + 0.5 * tie).astype(out.dtype))
        return out

    def at_kink(self, a, b):
        return a == b

    def backward(self, grad, a, b):
        (share_a,) = self.saved_for(grad)
        needs_a, needs_b = self.needs_input_grad
        return (grad * share_a if needs_a else None, grad * (1.0 - share_a) if needs_b else None)


class Minimum(Maximum):
    """The elementwise smaller of a and b. At a tie each input gets half the gradient, as `Maximum`."""

    __slots__ = ()
    name = "minimum"
    formula = "∂min(a,b)/∂a = 1 where a < b, ½ at a tie, 0 where a > b,  ∂min(a,b)/∂b = 1 − ∂min(a,b)/∂a"
    numpy_ufuncs = ("minimum",)
    tg_functions = ("minimum",)
    formula_functions = ("min",)
    pick = staticmethod(np.minimum)
    first_wins = staticmethod(np.less)


class Where(Function):
    """``where(condition, a, b)``: a where the condition holds, else b. The condition gets no gradient."""

    __slots__ = ("condition",)
    name = "where"
    reads_inputs = False  # backward reads the condition (copied: an array option), not a or b
    array_options = ("condition",)
    formula = "∂/∂a = 1 where the condition holds, else 0,  ∂/∂b = 1 where it does not, else 0"
    hint = BROADCAST_HINT

    def forward(self, a, b, condition):
        self.condition = condition
        return np.where(condition, a, b)

    def backward(self, grad, a, b):
        needs_a, needs_b = self.needs_input_grad
        return (np.where(self.condition, grad, 0) if needs_a else None,
                np.where(self.condition, 0, grad) if needs_b else None)


class Clip(Function):
    """x clamped into [low, high]. At the ends themselves the gradient passes (ends included, as PyTorch).

    A NaN stays NaN (as ``np.clip``) and gets gradient 0, as in PyTorch: NaN is not inside.
    """

    __slots__ = ("low", "high")
    name = "clip"
    tg_functions = ("clip",)
    formula = "∂clip(x)/∂x = 1 inside [low, high], 0 outside"
    kink = "slope 1 at the ends of [low, high]"

    def at_kink(self, x):
        return (x == self.low) | (x == self.high)

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

    def backward(self, grad, x):
        (inside,) = self.saved_for(grad)
        return np.where(inside, grad, 0)


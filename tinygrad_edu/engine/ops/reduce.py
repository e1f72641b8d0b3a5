"""Reductions: sum, max, min over an axis (or all axes), with NumPy's ``axis`` and ``keepdims``."""
import numpy as np

from ..function import Function
from .adjoint_helpers import kept_shape, ones, tie_shares


def describe_axis(name, axis, keepdims):
    options = [] if axis is None else [f"axis={axis}"]
    if keepdims:
        options.append("keepdims=True")
    return f"{name}({', '.join(options)})" if options else name


class Sum(Function):
    """Sum over ``axis`` (an int, a tuple, or None for all), as NumPy's ``sum``."""

    __slots__ = ("axis", "keepdims")
    name = "sum"
    tg_functions = ("sum",)
    formula = "∂(Σx)/∂xᵢ = 1"

    def forward(self, x, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims
        return x.sum(axis=axis, keepdims=keepdims)  # the array method, not np.sum (docs/performance.md)

    def describe(self):
        return describe_axis("sum", self.axis, self.keepdims)

    def backward(self, grad, x):
        # spread out by a product with ones rather than np.broadcast_to (docs/performance.md)
        if self.axis is not None and not self.keepdims:
            grad = grad.reshape(kept_shape(x.shape, self.axis))  # the summed axes back, as 1s
        return grad * ones(x.shape, like=grad)


class Max(Function):
    """The largest element along ``axis``. Tied elements share the gradient equally.

    A NaN makes its slice's maximum NaN (as NumPy's ``max``), and every element of that slice
    gets a NaN gradient: the share 1/k has no element equal to the result (k = 0), which is
    what JAX's ``max`` and PyTorch's ``amax`` give. (PyTorch's ``max`` gives the gradient to
    the NaN instead -- one position through its indices; every NaN, sharing, without ``dim``.)
    Slices without a NaN are not affected: ``inf`` and ``-inf`` are ordinary extremes.
    """

    __slots__ = ("axis", "keepdims")
    name = "max"
    tg_functions = ("max",)
    formula = "∂(max x)/∂xᵢ = 1/k for the k largest elements, 0 for the others"
    kink = "tied elements share the gradient equally"
    reduce = "max"  # the array method

    def forward(self, x, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims
        extreme = getattr(x, self.reduce)(axis=axis, keepdims=True)
        self.save_for_backward(tie_shares(x, extreme, axis=axis))
        return extreme if keepdims else np.squeeze(extreme, axis=axis)

    def describe(self):
        return describe_axis(self.name, self.axis, self.keepdims)

    def at_kink(self, x):
        if x.size == 0:
            return False
        extreme = getattr(x, self.reduce)(axis=self.axis, keepdims=True)
        return (x == extreme).sum(axis=self.axis, keepdims=True) > 1  # a tie for the largest is a corner

    def backward(self, grad, x):
        (shares,) = self.saved_for(grad)
        return grad.reshape(kept_shape(x.shape, self.axis)) * shares


class Min(Max):
    """The smallest element along ``axis``. Tied elements share the gradient equally; a NaN in
    a slice makes its minimum NaN and the gradient of each of its elements NaN, as for `Max`."""

    __slots__ = ()
    name = "min"
    formula = "∂(min x)/∂xᵢ = 1/k for the k smallest elements, 0 for the others"
    tg_functions = ("min",)
    reduce = "min"


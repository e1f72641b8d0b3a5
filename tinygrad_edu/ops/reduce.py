"""Reductions: sum, max, min over an axis (or all axes), with NumPy's ``axis`` and ``keepdims``."""
import numpy as np

from ..function import Function
from .kernels import tie_shares
from .unary import _constant


def kept_shape(shape, axis):
    """The shape of a reduction with keepdims=True: reduced axes become 1."""
    if axis is None:
        return (1,) * len(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    axes = {_normalize(a, len(shape)) for a in axes}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _normalize(axis, ndim):
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for a tensor with {ndim} dimensions")
    return axis % ndim


def describe_axis(name, axis, keepdims):
    options = [] if axis is None else [f"axis={axis}"]
    if keepdims:
        options.append("keepdims=True")
    return f"{name}({', '.join(options)})" if options else name


class Sum(Function):
    """Sum over axes; backward spreads the gradient back over the summed elements."""

    name = "sum"
    code = "np.sum({0}, axis={axis}, keepdims={keepdims})"

    def forward(self, x, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims
        self.input_shape = x.shape
        self.kept_shape = kept_shape(x.shape, axis)
        return np.sum(x, axis=axis, keepdims=keepdims)

    def describe(self):
        return describe_axis("sum", self.axis, self.keepdims)

    def backward(self, grad):
        # Every input element contributed with weight 1: spread the gradient back out.
        return (grad.reshape(self.kept_shape).broadcast_to(self.input_shape),)


class Max(Function):
    """Largest element; when several elements tie, they share the gradient equally."""

    name = "max"  # also NumPy's name, which the templates below use
    reduce = staticmethod(np.max)

    @property
    def code(self):
        return f"np.{self.name}({{0}}, axis={{axis}}, keepdims={{keepdims}})"

    @property
    def saved_code(self):
        return (f"tie_shares({{0}}, np.{self.name}({{0}}, axis={{axis}}, keepdims=True), axis={{axis}})",)

    def forward(self, x, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims
        extreme = self.reduce(x, axis=axis, keepdims=True)
        self.save_for_backward(tie_shares(x, extreme, axis=axis))
        self.kept_shape = extreme.shape
        return extreme if keepdims else np.squeeze(extreme, axis=axis)

    def describe(self):
        return describe_axis(self.name, self.axis, self.keepdims)

    def backward(self, grad):
        return (grad.reshape(self.kept_shape) * _constant(self.saved[0]),)


class Min(Max):
    """Smallest element(s); tied elements share the gradient equally."""

    name = "min"
    reduce = staticmethod(np.min)

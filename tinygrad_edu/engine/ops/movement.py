"""Ops that move or select elements without arithmetic: reshape, transpose, broadcast_to,
indexing (and its mirror image, scatter-add), concatenate, stack, copies and the dtype cast.

Their backward passes only move gradients back to where the elements came from, which is
why each one's backward is written with its mirror op (reshape <-> reshape, index <->
scatter-add, broadcast <-> sum).
"""
import itertools

import numpy as np

from .. import function
from ..function import Function
from .adjoint_helpers import normalize_axis, scatter_add, unbroadcast


class Reshape(Function):
    """The same elements in a new shape (a view where NumPy can make one)."""

    __slots__ = ()
    name = "reshape"
    tg_functions = ("reshape",)
    makes_views = True
    formula = "each element keeps its gradient: ∂L/∂x = reshape(∂L/∂y, x.shape)"
    hint = "The number of elements must stay the same; use -1 for one dimension to be inferred."

    def forward(self, x, shape):
        return x.reshape(shape)

    def backward(self, grad, x):
        return grad.reshape(x.shape)


class Transpose(Function):
    """The axes permuted (all reversed when ``axes`` is None, as ``.T``)."""

    __slots__ = ("axes",)
    name = "transpose"
    tg_functions = ("transpose",)
    makes_views = True
    formula = "∂L/∂x = ∂L/∂y with the axes permuted back"

    def forward(self, x, axes):
        self.axes = axes
        reverses_all = axes is None or tuple(a % x.ndim for a in axes) == tuple(range(x.ndim - 1, -1, -1))
        return x.T if reverses_all else x.transpose(axes)  # .T reads best where it is the same

    def describe(self):
        return "transpose" if self.axes is None else f"transpose{tuple(self.axes)}"

    def backward(self, grad, x):
        if self.axes is None:
            return grad.T
        return grad.transpose(tuple(np.argsort([a % x.ndim for a in self.axes])))


class BroadcastTo(Function):
    """x repeated along new or size-1 axes to ``shape``, as ``np.broadcast_to`` (a copy)."""

    __slots__ = ()
    name = "broadcast_to"
    tg_functions = ("broadcast_to",)
    formula = "∂L/∂x = ∂L/∂y summed over the copies"

    def forward(self, x, shape):
        # A copy of NumPy's read-only view: a Tensor's values are a writable array of its own.
        return np.broadcast_to(x, shape).copy()

    def backward(self, grad, x):
        return unbroadcast(grad, x.shape)


def plain_index(index):
    """Turn Tensors and lists inside an index into NumPy arrays, so NumPy reads them as arrays."""
    def convert(part):
        if isinstance(part, function.Tensor):
            part = part.data
        elif isinstance(part, list):
            part = np.asarray(part) if part else np.zeros(0, np.intp)  # [] selects nothing, as in NumPy
        if isinstance(part, np.ndarray) and part.dtype.kind not in "biu":
            raise TypeError(
                f"index arrays must hold integers or booleans, got dtype {part.dtype}; "
                "pass a list of ints, a NumPy int array, or a Tensor made with dtype=np.int64"
            )
        return part

    if isinstance(index, tuple):
        return tuple(convert(part) for part in index)
    return convert(index)


class GetItem(Function):
    """x[index], with NumPy's basic, integer-array and boolean indexing."""

    __slots__ = ("index",)
    name = "getitem"
    array_options = ("index",)  # backward scatters to the index forward read: a refilled buffer must not move it
    makes_views = True
    formula = "∂L/∂x = ∂L/∂y added back at the indexed places, 0 elsewhere"
    hint = "Check the index against the tensor's shape."

    def forward(self, x, index):
        self.index = index
        return x[index]

    def backward(self, grad, x):
        return ScatterAdd.call(grad, index=self.index, shape=x.shape)


class ScatterAdd(Function):
    """Zeros of ``shape`` with ``grad`` added at ``index``: the backward of indexing. An index
    that names one element twice (``x[[0, 0, 1]]``) adds both values there."""

    __slots__ = ("index",)
    name = "scatter_add"
    array_options = ("index",)
    formula = "∂L/∂v = ∂L/∂y read at the index"

    def forward(self, grad, index, shape):
        self.index = index
        return scatter_add(grad, index, shape)

    def backward(self, grad, values):
        return grad[self.index]


class Concatenate(Function):
    """The inputs joined along an existing axis, as ``np.concatenate``."""

    __slots__ = ("axis",)
    name = "concatenate"
    reads_inputs = False  # backward reads only the pieces' shapes
    formula = "each piece gets its slice of ∂L/∂y"
    hint = "All inputs must have the same shape except along the joining axis."

    def forward(self, *arrays, axis):
        self.axis = axis
        return np.concatenate(arrays, axis=axis)

    def describe(self):
        return f"concatenate(axis={self.axis})"

    def backward(self, grad, *inputs):
        axis = normalize_axis(self.axis, grad.shape)
        before = (slice(None),) * axis
        bounds = list(itertools.accumulate((x.shape[axis] for x in inputs), initial=0))
        return tuple(grad[before + (slice(start, stop),)] if needed else None
                     for needed, start, stop in zip(self.needs_input_grad, bounds[:-1], bounds[1:]))


class Stack(Function):
    """The inputs joined along a new axis, as ``np.stack``."""

    __slots__ = ("axis",)
    name = "stack"
    reads_inputs = False
    formula = "each input gets its slice of ∂L/∂y"
    hint = "All inputs must have the same shape."

    def forward(self, *arrays, axis):
        out = np.stack(arrays, axis=axis)
        self.axis = axis % len(out.shape)
        return out

    def describe(self):
        return f"stack(axis={self.axis})"

    def backward(self, grad, *inputs):
        before = (slice(None),) * self.axis
        return tuple(grad[before + (i,)] if needed else None for i, needed in enumerate(self.needs_input_grad))


class Clone(Function):
    """A copy of the values with a memory of its own."""

    __slots__ = ()
    name = "clone"
    formula = "∂L/∂x = ∂L/∂y"

    def forward(self, x):
        return x.copy()

    def backward(self, grad, x):
        return grad


class Cast(Function):
    """The same values in another float dtype (``astype``)."""

    __slots__ = ("dtype",)
    name = "astype"
    formula = "∂L/∂x = ∂L/∂y, cast back to x's dtype"

    def forward(self, x, dtype):
        self.dtype = np.dtype(dtype)
        return x.astype(self.dtype)

    def describe(self):
        return f"astype({self.dtype})"

    def backward(self, grad, x):
        return grad.astype(x.dtype)


class CastToIntegers(Cast):
    """``astype`` to integers or booleans: the values are rounded or thresholded, so no gradient
    flows back (as in PyTorch, the result does not require grad)."""

    __slots__ = ()
    differentiable = False
    formula = ""

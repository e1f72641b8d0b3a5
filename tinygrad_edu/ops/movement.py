"""Ops that move or select elements without arithmetic: reshape, transpose, broadcast_to,
indexing (and its mirror image, scatter-add), concatenate and stack.

Their backward passes only move gradients back to where the elements came from, which is
why each one's backward is written with its mirror op (reshape <-> reshape, index <->
scatter-add, broadcast <-> sum).
"""
import numpy as np

from .. import autograd, function
from ..function import Function
from .kernels import scatter_add


class Reshape(Function):
    """Same elements, new shape; backward reshapes the gradient back."""

    name = "reshape"
    hint = "The number of elements must stay the same; use -1 for one dimension to be inferred."

    code = "{0}.reshape({shape})"

    def forward(self, x, shape):
        self.input_shape, self.shape = x.shape, shape
        return x.reshape(shape)

    def backward(self, grad):
        return (grad.reshape(self.input_shape),)


class Transpose(Function):
    """Permute axes; backward applies the inverse permutation."""

    name = "transpose"

    @property
    def code(self):  # all axes reversed (the matrix transpose) reads best as .T
        return "{0}.T" if self.reverses_all else "np.transpose({0}, {axes})"

    def forward(self, x, axes):
        self.axes = axes
        self.reverses_all = axes is None or tuple(axes) == tuple(range(x.ndim - 1, -1, -1))
        return np.transpose(x, axes)

    def describe(self):
        return "transpose" if self.axes is None else f"transpose{tuple(self.axes)}"

    def backward(self, grad):
        inverse = None if self.axes is None else tuple(np.argsort(self.axes))
        return (grad.transpose(inverse),)


class BroadcastTo(Function):
    """Repeat along new or size-1 axes; backward sums the copies (`unbroadcast`)."""

    name = "broadcast_to"
    code = "np.array(np.broadcast_to({0}, {shape}))"

    def forward(self, x, shape):
        self.input_shape, self.shape = x.shape, shape
        # A copy, not NumPy's read-only view: results (and gradients) must be writable arrays.
        return np.array(np.broadcast_to(x, shape))

    def backward(self, grad):
        return (autograd.unbroadcast(grad, self.input_shape),)


def plain_index(index):
    """Turn Tensors and lists inside an index into NumPy arrays, so NumPy reads them as arrays."""
    def convert(part):
        if isinstance(part, function.Tensor):
            part = part.data
        elif isinstance(part, list):
            part = np.asarray(part)
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
    """x[index]; backward scatters the gradient back to the indexed places (`ScatterAdd`)."""

    name = "getitem"
    hint = "Check the index against the tensor's shape."

    @property
    def code(self):  # one element comes back from NumPy as a scalar: make it a 0-d array
        return "{0}[{index}]" if self.array_result else "np.asarray({0}[{index}])"

    def forward(self, x, index):
        self.index, self.input_shape = index, x.shape
        out = x[index]
        self.array_result = isinstance(out, np.ndarray)
        return out if self.array_result else np.asarray(out)

    def backward(self, grad):
        return (ScatterAdd.apply(grad, index=self.index, shape=self.input_shape),)


class ScatterAdd(Function):
    """Zeros of ``shape`` with ``grad`` added at ``index``: the backward of indexing.

    Integer-array indices may repeat an element (``x[[0, 0, 1]]``); ``np.add.at`` adds every
    occurrence, where plain assignment would keep only the last one.
    """

    name = "scatter_add"
    code = "scatter_add({0}, {at}, {shape})"  # {index} would be written as between brackets

    @property
    def at(self):
        return self.index

    def forward(self, grad, index, shape):
        self.index, self.shape = index, shape
        return scatter_add(grad, index, shape)

    def backward(self, grad):
        return (grad[self.index],)


class Concatenate(Function):
    """Join along an axis; backward slices the gradient back into the pieces."""

    name = "concatenate"
    code = "np.concatenate([{inputs}], axis={axis})"
    hint = "All inputs must have the same shape except along the joining axis."

    def forward(self, *arrays, axis):
        self.axis = axis
        self.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays])
        return np.concatenate(arrays, axis=axis)

    def describe(self):
        return f"concatenate(axis={self.axis})"

    def backward(self, grad):
        axis = self.axis % grad.ndim
        before = (slice(None),) * axis
        return tuple(
            grad[before + (slice(int(start), int(stop)),)] if p.requires_grad else None
            for p, start, stop in zip(self.parents, self.bounds[:-1], self.bounds[1:])
        )


class Stack(Function):
    """Join along a new axis; backward takes each input's slice of the gradient."""

    name = "stack"
    code = "np.stack([{inputs}], axis={axis})"
    hint = "All inputs must have the same shape."

    def forward(self, *arrays, axis):
        out = np.stack(arrays, axis=axis)
        self.axis = axis % out.ndim
        return out

    def describe(self):
        return f"stack(axis={self.axis})"

    def backward(self, grad):
        before = (slice(None),) * self.axis
        return tuple(
            grad[before + (i,)] if p.requires_grad else None for i, p in enumerate(self.parents)
        )

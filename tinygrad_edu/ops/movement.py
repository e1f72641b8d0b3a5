"""Ops that move or select elements without arithmetic: reshape, transpose, broadcast_to,
indexing (and its mirror image, scatter-add), concatenate and stack.

Their backward passes only move gradients back to where the elements came from, which is
why each one's backward is written with its mirror op (reshape <-> reshape, index <->
scatter-add, broadcast <-> sum).
"""
import numpy as np

from .. import autograd, function
from ..function import Function


class Reshape(Function):
    """Same elements, new shape; backward reshapes the gradient back."""

    name = "reshape"
    hint = "The number of elements must stay the same; use -1 for one dimension to be inferred."

    def forward(self, x, shape):
        self.input_shape = x.shape
        return x.reshape(shape)

    def backward(self, grad):
        return (grad.reshape(self.input_shape),)


class Transpose(Function):
    """Permute axes; backward applies the inverse permutation."""

    name = "transpose"

    def forward(self, x, axes):
        self.axes = axes
        return np.transpose(x, axes)

    def describe(self):
        return "transpose" if self.axes is None else f"transpose{tuple(self.axes)}"

    def backward(self, grad):
        inverse = None if self.axes is None else tuple(np.argsort(self.axes))
        return (grad.transpose(inverse),)


class BroadcastTo(Function):
    """Repeat along new or size-1 axes; backward sums the copies (`unbroadcast`)."""

    name = "broadcast_to"

    def forward(self, x, shape):
        self.input_shape = x.shape
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


def _may_repeat(index):
    """True when the index holds integer arrays, which may name one element twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, np.ndarray) and p.dtype.kind in "iu" for p in parts)


class GetItem(Function):
    """x[index]; backward scatters the gradient back to the indexed places (`ScatterAdd`)."""

    name = "getitem"
    hint = "Check the index against the tensor's shape."

    def forward(self, x, index):
        self.index, self.input_shape = index, x.shape
        out = x[index]
        return out if isinstance(out, np.ndarray) else np.asarray(out)

    def backward(self, grad):
        return (ScatterAdd.apply(grad, index=self.index, shape=self.input_shape),)


class ScatterAdd(Function):
    """Zeros of ``shape`` with ``grad`` added at ``index``: the backward of indexing.

    Integer-array indices may repeat an element (``x[[0, 0, 1]]``); ``np.add.at`` adds every
    occurrence, where plain assignment would keep only the last one.
    """

    name = "scatter_add"

    def forward(self, grad, index, shape):
        self.index = index
        out = np.zeros(shape, dtype=grad.dtype)
        if _may_repeat(index):
            np.add.at(out, index, grad)
        else:
            out[index] = grad
        return out

    def backward(self, grad):
        return (grad[self.index],)


class Concatenate(Function):
    """Join along an axis; backward slices the gradient back into the pieces."""

    name = "concatenate"
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

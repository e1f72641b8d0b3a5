"""The shape and dtype methods of `Tensor`: reshape, transpose, squeeze, indexing, casts.

NumPy's names and PyTorch's both work, with each library's meaning where they agree, and a
clear error where the two would give different answers to the same call:

=====================  ===============================  =====================================
call                   meaning                          as in
=====================  ===============================  =====================================
``t.transpose()``      all axes reversed                NumPy (``t.T``)
``t.transpose(0, 1)``  swap two axes                    PyTorch (NumPy: a 2-axis permutation)
``t.transpose((2, 0, 1))``  permute the axes            NumPy (``t.permute(2, 0, 1)``)
``t.transpose(2, 0, 1)``    permute the axes            NumPy (PyTorch refuses three or more)
``t.squeeze(1)``       drop axis 1, which must be 1     NumPy (PyTorch leaves a longer axis alone)
=====================  ===============================  =====================================

>>> import tinygrad_edu as tg
>>> t = tg.zeros(2, 3, 4)
>>> t.transpose(0, 2).shape, t.permute(2, 0, 1).shape, t.unsqueeze(0).shape
((4, 3, 2), (4, 2, 3), (1, 2, 3, 4))
"""
from __future__ import annotations

import numbers
import typing

import numpy as np

from . import ops
from .function import shape_str
from .ops.adjoint_helpers import normalize_axis
from .tensor_math import numpy_or_pytorch_axis

if typing.TYPE_CHECKING:  # for the annotations: Tensor inherits these methods
    from .tensor import Tensor


class TensorShape:
    """Shape, view, indexing and dtype methods of `Tensor`."""

    __slots__ = ()

    @property
    def T(self) -> Tensor:
        """All axes reversed, as NumPy's ``.T`` (the matrix transpose for 2-D)."""
        return ops.Transpose.apply(self, axes=None)

    def numel(self) -> int:
        """Number of elements (PyTorch's name for ``size``)."""
        return self.data.size

    # ------------------------------------------------------------------ same elements, new shape
    def reshape(self, *shape, order="C") -> Tensor:
        """New shape with the same elements; ``reshape(2, 3)`` and ``reshape((2, 3))`` both work.

        The elements are read and placed with the last index changing fastest (``order="C"``);
        NumPy's ``order="F"`` has the first index change fastest: the axes reversed, reshaped,
        and reversed back.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).reshape(4, order="F")
        Tensor([1., 3., 2., 4.])
        """
        shape = shape_arg(shape)
        if memory_order("reshape", order) == "F":
            return self.T.reshape(shape[::-1]).T
        if shape == self.data.shape:
            return self
        return ops.Reshape.apply(self, shape=shape)

    def view(self, *shape) -> Tensor:
        """PyTorch's name for `reshape` (here any tensor can be viewed: NumPy copies when needed)."""
        if len(shape) == 1 and not isinstance(shape[0], (tuple, list, numbers.Integral)):
            raise TypeError(f"view: takes a shape; to change the dtype use t.to({shape[0]!r}) or t.astype(...)")
        return self.reshape(*shape)

    def flatten(self, start_dim=0, end_dim=-1, order="C") -> Tensor:
        """Merge axes ``start_dim..end_dim`` into one (all of them by default, as NumPy;
        ``flatten(1)`` keeps the batch axis, as PyTorch), in a copy as NumPy's. NumPy's
        ``flatten("F")`` (or ``order="F"``) reads the elements with the first index fastest."""
        if isinstance(start_dim, str):  # NumPy's t.flatten("F"): the order comes first there
            start_dim, order = 0, start_dim
        if self.ndim == 0:
            return self.reshape(1).clone()
        if memory_order("flatten", order) == "F":
            if (start_dim, end_dim) != (0, -1):
                raise ValueError(f"flatten: order='F' merges all the axes, as NumPy's flatten; got start_dim={start_dim}, "
                                 f"end_dim={end_dim} -- give those with order='C' only")
            flat = self.reshape(-1, order="F")
            return flat.clone() if np.may_share_memory(flat.data, self.data) else flat
        start, end = (normalize_axis(a, self.shape, "flatten") for a in (start_dim, end_dim))
        if start > end:
            raise ValueError(
                f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor of shape "
                f"{shape_str(self.shape)}; give the first axis to merge, then the last"
            )
        merged = int(np.prod(self.shape[start : end + 1]))  # not -1: an empty batch has nothing to infer from
        flat = self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1 :])
        # a copy, as NumPy's flatten (PyTorch's may be a view or a copy): writing to it never changes self
        return flat.clone() if flat is self or np.may_share_memory(flat.data, self.data) else flat

    def squeeze(self, axis=None, *, dim=None) -> Tensor:
        """Drop axes of length 1: all of them, or the ones named (each must have length 1,
        as in NumPy; PyTorch would silently keep a longer one)."""
        axis = numpy_or_pytorch_axis("squeeze", axis, dim)
        if self.ndim == 0:  # nothing to drop; axis 0 or -1 is accepted, as NumPy and PyTorch do
            if axis is not None:
                for a in axis if isinstance(axis, (tuple, list)) else (axis,):
                    normalize_axis(a, self.shape, "squeeze")
            return self
        if axis is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        axes = {normalize_axis(a, self.shape, "squeeze") for a in (axis if isinstance(axis, (tuple, list)) else (axis,))}
        longer = [a for a in sorted(axes) if self.shape[a] != 1]
        if longer:
            raise ValueError(
                f"squeeze: axis {longer[0]} of a tensor of shape {shape_str(self.shape)} has length "
                f"{self.shape[longer[0]]}, not 1, so it cannot be dropped. (PyTorch would leave it; "
                "call squeeze only on axes of length 1, or squeeze() for all of them.)"
            )
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if i not in axes))

    def unsqueeze(self, dim) -> Tensor:
        """A new axis of length 1 at position ``dim`` (``-1`` appends), as PyTorch's
        ``unsqueeze`` and NumPy's ``expand_dims``; a tuple inserts several."""
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        ndim = self.ndim + len(dims)
        positions = sorted(normalize_axis(d, self.shape, "unsqueeze", ndim) for d in dims)
        if len(set(positions)) != len(positions):
            raise ValueError(f"unsqueeze: repeated position in {tuple(dims)}")
        shape = list(self.shape)
        for position in positions:
            shape.insert(position, 1)
        return self.reshape(tuple(shape))

    expand_dims = unsqueeze

    def broadcast_to(self, shape) -> Tensor:
        """Repeat along new or size-1 axes to ``shape`` (NumPy's rules); backward sums them back."""
        shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
        if shape == self.data.shape:
            return self
        return ops.BroadcastTo.apply(self, shape=shape)

    def expand(self, *sizes) -> Tensor:
        """PyTorch's ``expand``: `broadcast_to`, where ``-1`` keeps an axis as it is."""
        sizes = shape_arg(sizes)
        offset = len(sizes) - self.ndim
        if offset < 0:
            raise ValueError(f"expand: {sizes} has fewer axes than the tensor's shape {shape_str(self.shape)}")
        return self.broadcast_to(tuple(self.shape[i - offset] if n == -1 and i >= offset else n
                                       for i, n in enumerate(sizes)))

    # ------------------------------------------------------------------ axes in another order
    def transpose(self, *axes) -> Tensor:
        """``transpose()`` reverses the axes; ``transpose(d0, d1)`` swaps two (PyTorch);
        ``transpose((2, 0, 1))`` and ``transpose(2, 0, 1)`` (three or more ints) permute them
        (NumPy). See the table at the top of this file."""
        if axes in ((), (None,)):
            return ops.Transpose.apply(self, axes=None)
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            return self.permute(*axes[0], op="transpose")
        if len(axes) == 2:
            return self.swapaxes(*axes, op="transpose")
        return self.permute(*axes, op="transpose")  # NumPy's loose permutation, transpose(1, 0, 2) (PyTorch refuses it)

    def permute(self, *dims, op="permute") -> Tensor:
        """The axes in the order given: ``permute(2, 0, 1)`` or ``permute((2, 0, 1))``."""
        dims = shape_arg(dims)
        positions = tuple(normalize_axis(d, self.shape, op) for d in dims)
        if sorted(positions) != list(range(self.ndim)):
            raise ValueError(
                f"{op}: {dims} is not an order of all {self.ndim} axes of a tensor of shape "
                f"{shape_str(self.shape)}; name each axis 0..{self.ndim - 1} once."
            )
        return ops.Transpose.apply(self, axes=positions)

    def swapaxes(self, axis1, axis2, *, op="swapaxes") -> Tensor:
        """Exchange two axes, as NumPy's ``swapaxes`` (and PyTorch's ``transpose(d0, d1)``)."""
        first, second = normalize_axis(axis1, self.shape, op), normalize_axis(axis2, self.shape, op)
        if self.ndim == 0 or first == second:
            return self
        axes = list(range(self.ndim))
        axes[first], axes[second] = axes[second], axes[first]
        return ops.Transpose.apply(self, axes=tuple(axes))

    # ------------------------------------------------------------------ pieces
    def __getitem__(self, index) -> Tensor:
        """NumPy indexing: ints, slices, None, ``...``, integer arrays (repeats allowed), boolean masks."""
        return ops.GetItem.apply(self, index=ops.movement.plain_index(index))

    def clone(self) -> Tensor:
        """A copy with memory of its own, still in the graph (the gradient flows through it)."""
        return ops.Clone.apply(self)

    # ------------------------------------------------------------------ dtype
    def astype(self, dtype, copy=True) -> Tensor:
        """The values in another dtype, a copy as NumPy's (``copy=False`` returns the tensor
        itself when the dtype is already right). The gradient flows back in the original dtype;
        through integers and booleans none flows (the result does not require grad)."""
        dtype = np.dtype(dtype)
        if dtype == self.data.dtype:
            return ops.Clone.apply(self) if copy else self
        cast = ops.Cast if dtype.kind in "fc" else ops.CastToIntegers
        return cast.apply(self, dtype=dtype)

    def float(self) -> Tensor:
        """As float32 (PyTorch's ``float()``; NumPy's float64 is `double`); the tensor itself
        when it already is float32, as in PyTorch."""
        return self.astype(np.float32, copy=False)

    def double(self) -> Tensor:
        """As float64, the default dtype here (the tensor itself when it already is, as PyTorch's)."""
        return self.astype(np.float64, copy=False)

    def long(self) -> Tensor:
        """As int64 (class labels, indices); no gradient flows through integers."""
        return self.astype(np.int64, copy=False)

    def to(self, *args, dtype=None, device=None) -> Tensor:
        """PyTorch's ``to``: ``t.to(np.float32)``, ``t.to("float32")``, ``t.to(other)`` (other's
        dtype); the device is always ``"cpu"``, so ``t.to("cpu")`` is ``t``."""
        dtype = target_dtype("to", args, dtype, device)
        if dtype is None:
            return self
        return self.astype(dtype, copy=False)  # PyTorch's to() returns the tensor itself when nothing changes


def target_dtype(op, args, dtype=None, device=None):
    """The dtype a PyTorch-style ``to(...)`` call asks for (None: keep it), after checking that
    any device named is the CPU. Shared by `Tensor.to` and `Module.to`."""
    for arg in args:
        if isinstance(arg, TensorShape):
            dtype = arg.dtype
        elif isinstance(arg, str) and arg.split(":")[0] in ("cpu", "cuda", "mps", "meta"):
            device = arg
        else:
            dtype = arg
    if device is not None and str(device).split(":")[0] != "cpu":
        raise ValueError(f"{op}({device!r}): tinygrad_edu runs on the CPU with NumPy; the device is 'cpu'")
    if dtype is None:
        return None
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}({dtype!r}): not a dtype; give a NumPy dtype such as np.float32 or 'float64'") from None


def memory_order(op, order) -> str:
    """NumPy's ``order=`` for reading and placing elements: "C" (last index fastest) or "F"."""
    if order in ("C", "F"):
        return order
    raise ValueError(
        f"{op}: order={order!r} is not supported; give 'C' (the last index changes fastest, the default) or "
        "'F' (the first). 'A' and 'K' follow the memory layout, which a Tensor does not expose."
    )


def shape_arg(args) -> tuple:
    """``f(2, 3)`` and ``f((2, 3))`` both give ``(2, 3)``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)

"""The adjoint helpers: the pieces of backward formulas that more than one op (or the engine)
uses -- undoing broadcasting (`unbroadcast`), scattering a gradient back to indexed places
(`scatter_add`), sharing a max's gradient among tied elements (`tie_shares`) -- and the axis
checks and shapes they need.

Like the ops themselves they use only operators, array methods and ``np.*`` functions, so they
run unchanged on ndarrays, on Tensors and on the program writers' stand-in arrays.
"""
import functools
import math

import numpy as np


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: the adjoint of NumPy broadcasting.

    An input of shape (3,) added to a (4, 3) matrix was used 4 times, once per row, so its
    gradient is the sum of the 4 rows' gradients. This is the one place where broadcasting is
    undone; the engine calls it for every gradient whose shape differs from its input's.

    >>> unbroadcast(np.ones((4, 3)), (3,)).tolist()
    [4.0, 4.0, 4.0]
    """
    extra = len(grad.shape) - len(shape)
    if extra:  # axes that broadcasting added in front
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:  # size-1 axes that broadcasting repeated
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def conform(grad, like):
    """A gradient in its input's shape (summing what broadcasting repeated) and dtype: what
    every gradient is made into on its way to an input (``like``, the input's array).

    >>> conform(np.ones((2, 3)), np.zeros(3, np.float32)).tolist()
    [2.0, 2.0, 2.0]
    """
    if grad.shape != like.shape:
        grad = unbroadcast(grad, like.shape)
    return grad if grad.dtype == like.dtype else grad.astype(like.dtype)


def ones(shape, like):
    """Ones of ``shape`` in ``like``'s dtype, made the way ``like`` is made: a read-only array
    for an array (small ones are made once per shape and dtype and reused, see
    docs/performance.md), a constant Tensor for a Tensor (``like=`` lets NumPy hand
    the call to it, so that programs say ``np.ones(...)``)."""
    if not isinstance(like, (np.ndarray, np.generic)):
        return np.ones(shape, like.dtype, like=like)
    if math.prod(shape) > 4096:
        return np.ones(shape, like.dtype)
    return _small_ones(tuple(shape), like.dtype)


@functools.lru_cache(maxsize=256)
def _small_ones(shape, dtype):
    array = np.ones(shape, dtype)
    array.flags.writeable = False
    return array


def kept_shape(shape, axis):
    """The shape of a reduction over ``axis`` with keepdims=True: reduced axes become 1.

    >>> kept_shape((2, 3, 4), (0, -1))
    (1, 3, 1)
    """
    if axis is None:
        return (1,) * len(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    axes = {normalize_axis(a, shape) for a in axes}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


# NumPy's own error for an axis out of range: both a ValueError and an IndexError, so code that
# catches either (NumPy's reductions raise the first, indexing-like calls the second) catches it
AxisError = np.exceptions.AxisError if hasattr(np, "exceptions") else np.AxisError


def normalize_axis(axis, shape, op="axis", ndim=None):
    """``axis`` as a position in 0..ndim-1 (negative counts from the end), or a clear error.

    The one place where every op checks an axis (sums, softmax, squeeze, flatten, transpose,
    concatenate, ...). ``shape`` is the tensor's; ``ndim`` is the number of positions when it
    differs (``unsqueeze`` and ``stack`` may also put the new axis last). A 0-d tensor takes
    axis 0 or -1, as PyTorch accepts. Out of range: NumPy's `AxisError` (a ValueError and an
    IndexError), naming the op, the axis, the shape and the valid range.

    >>> normalize_axis(-1, (2, 3))
    1
    >>> normalize_axis(5, (2, 3, 4), "sum")
    Traceback (most recent call last):
    ...
    numpy.exceptions.AxisError: sum: axis 5 is out of range for a tensor of shape (2, 3, 4) (valid: -3 to 2)
    """
    positions = max(len(shape) if ndim is None else ndim, 1)
    described = f"a tensor of shape {tuple(shape)}"
    valid = f"{-positions} to {positions - 1}"
    if ndim is not None and ndim != len(shape):
        valid += f"; the result has {ndim} axes"
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis {axis!r} is not an int; the axes of {described} are ints from {valid}")
    if not -positions <= axis < positions:
        raise AxisError(f"{op}: axis {axis} is out of range for {described} (valid: {valid})")
    return int(axis) % positions


def tie_shares(x, extreme, axis, nan_wins=False):
    """Each element's share of the gradient of max/min: 1/k for the k elements equal to
    ``extreme`` along ``axis``, 0 elsewhere (in x's dtype).

    A slice holding a NaN has NaN as its extreme (NumPy's max propagates it), and NaN equals
    nothing: no element "won", so the share of every element of that slice is NaN -- the 0/0
    of the rule itself, which is what JAX and PyTorch's ``amax``/``amin`` give. The gradient
    then says that this slice's max has no derivative, instead of a finite number. With
    ``nan_wins=True`` (max pooling, as PyTorch's ``max_pool2d``) the NaNs are the winners of
    their slice instead and share its gradient.

    >>> tie_shares(np.array([1.0, 3.0, 3.0]), np.array([3.0]), axis=None).tolist()
    [0.0, 0.5, 0.5]
    >>> tie_shares(np.array([[1.0, np.nan], [2.0, 0.0]]), np.array([[np.nan], [2.0]]), axis=1).tolist()
    [[nan, nan], [1.0, 0.0]]
    >>> tie_shares(np.array([[1.0, np.nan], [2.0, 0.0]]), np.array([[np.nan], [2.0]]), axis=1, nan_wins=True).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    winners = x == extreme
    if nan_wins:
        winners = winners | np.isnan(x)
    count = np.sum(winners, axis=axis, keepdims=True)
    shares = winners / np.maximum(count, 1)
    if not nan_wins:  # 0/0 written out where the extreme is NaN (NumPy would warn about the division)
        shares = np.where(np.isnan(extreme), np.nan, shares)
    return shares.astype(x.dtype, copy=False)


def scatter_add(values, index, shape):
    """Zeros of ``shape`` with ``values`` added at ``index`` (the adjoint of ``x[index]``).

    Integer-array indices may name one element twice (``x[[0, 0, 1]]``): ``np.add.at`` adds
    every occurrence, where plain assignment would keep only the last one.

    >>> scatter_add(np.array([1.0, 2.0, 5.0]), np.array([0, 0, 2]), (3,)).tolist()
    [3.0, 0.0, 5.0]
    """
    out = np.zeros_like(values, shape=shape)
    if _may_repeat(index):
        np.add.at(out, index, values)
    else:
        out[index] = values
    return out


def _may_repeat(index):
    """True when the index holds integer arrays, which may name one element twice. (Array-generic:
    a program writer's stand-in for an index array has a shape and a dtype too.)"""
    parts = index if isinstance(index, tuple) else (index,)
    return any(getattr(p, "ndim", 0) > 0 and p.dtype.kind in "iu" for p in parts)

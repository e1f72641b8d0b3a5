"""The two forward computations that take more than one NumPy expression.

They are functions of their own so that the ops and the programs `tinygrad_edu.program` writes
(``tg.compile``, ``tg.codegen``) call the very same code.
"""
import numpy as np


def tie_shares(x, extreme, axis):
    """Each element's share of the gradient of max/min: 1/k for the k elements equal to
    ``extreme`` along ``axis``, 0 elsewhere (in x's dtype).

    >>> tie_shares(np.array([1.0, 3.0, 3.0]), np.array([3.0]), axis=None).tolist()
    [0.0, 0.5, 0.5]
    """
    winners = x == extreme
    return (winners / np.sum(winners, axis=axis, keepdims=True)).astype(x.dtype, copy=False)


def scatter_add(values, index, shape):
    """Zeros of ``shape`` with ``values`` added at ``index`` (the adjoint of ``x[index]``).

    Integer-array indices may name one element twice (``x[[0, 0, 1]]``): ``np.add.at`` adds
    every occurrence, where plain assignment would keep only the last one.

    >>> scatter_add(np.array([1.0, 2.0, 5.0]), np.array([0, 0, 2]), (3,)).tolist()
    [3.0, 0.0, 5.0]
    """
    out = np.zeros(shape, dtype=values.dtype)
    if _may_repeat(index):
        np.add.at(out, index, values)
    else:
        out[index] = values
    return out


def _may_repeat(index):
    """True when the index holds integer arrays, which may name one element twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, np.ndarray) and p.dtype.kind in "iu" for p in parts)

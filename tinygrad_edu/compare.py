"""``tg.compare``: check one gradient written by hand against the one autograd derived.

The exercise: write a model's forward pass one intermediate at a time, call
``loss.backward()``, then write the backward pass by hand, one line per intermediate, and after
each line ask whether it is right. Autograd keeps, for every tensor of the graph, the gradient
that reached it in the latest backward (leaves in ``.grad``; the others in the graph, no
``retain_grad()`` needed), so the check is one call:

>>> import numpy as np, tinygrad_edu as tg
>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> y = x * x
>>> loss = y.sum()
>>> loss.backward()
>>> tg.compare("y", np.ones(2), y)
y               | exact: True  | approximate: True  | max difference: 0
>>> tg.compare("x", 2 * x.data + 1e-13, x)
x               | exact: False | approximate: True  | max difference: 1e-13
>>> tg.compare("x", (0.1 + 0.2) / 0.15 * x.data, x)  # 2x, but 0.1 + 0.2 is not quite 0.3
x               | exact: False | approximate: True  | max difference: < 1e-14
>>> tg.compare("x", x.data, x)
x               | exact: False | approximate: False | max difference: 2  WRONG: these are not the gradient of x

A difference in the last bits (a few units in the last place of the gradient's largest entry)
is printed as a bound, a power of ten, not as a number: its digits are rounding noise, and they
change from one machine (its BLAS, its CPU) to the next. ``max_difference`` keeps the number.

`comparison` returns the verdict instead of printing it (for tests and scripts):

>>> bool(tg.comparison("x", x.data, x)), tg.comparison("x", 2 * x.data, x).exact
(False, True)
"""
from dataclasses import dataclass

import numpy as np

from .engine.autograd import latest_gradient
from .engine.function import shape_str
from .engine.tensor import Tensor


@dataclass
class Comparison:
    """The verdict of `compare`: truthy when the hand-written gradient is right (exact or approximate)."""

    name: str
    exact: bool
    approximate: bool
    max_difference: float
    note: str = ""
    rounding_bound: float = 0.0  # a difference below it is in the last bits: printed as "< bound"

    def __bool__(self):
        return self.approximate

    def __str__(self):
        line = (f"{self.name:<15} | exact: {str(self.exact):<5} | approximate: {str(self.approximate):<5} | "
                f"max difference: {self._difference()}")
        return line + (f"  {self.note}" if self.note else "")

    def _difference(self):
        """The largest difference as printed: a bound when it is rounding in the last bits.

        The number there depends on the machine (its BLAS, its CPU's exp), so printed it would
        differ from one computer to the next; the bound does not. A wrong verdict always shows
        the number.
        """
        if self.approximate and not self.exact and self.max_difference < self.rounding_bound:
            return "< " + f"{self.rounding_bound:.0e}".replace("e-0", "e-")  # 1e-6, not 1e-06
        return f"{self.max_difference:.3g}"


# How far apart "approximately equal" may be, by the dtype of autograd's gradient: (rtol, atol).
# float64 is strict (the by-hand page expects agreement to ~1e-10); float32 and float16 allow
# their own rounding, as torch.testing.assert_close does.
TOLERANCES = {np.dtype(np.float64): (1e-7, 1e-10), np.dtype(np.float32): (1.3e-6, 1e-5),
              np.dtype(np.float16): (1e-3, 1e-5)}


def rounding_bound(reference):
    """The power of ten just above 4 eps times the gradient's largest entry (a few units in its
    last place), taking that entry as at least 1: terms of size 1 that cancel leave noise of
    that size too (a gradient that is zero up to rounding).

    >>> rounding_bound(np.array([0.03, -0.01])), rounding_bound(np.array([4.0])), rounding_bound(np.float32(1))
    (1e-15, 1e-14, 1e-06)
    """
    reference = np.asarray(reference)
    finite = np.abs(reference[np.isfinite(reference)])
    scale = max(1.0, float(finite.max())) if finite.size else 1.0
    return float(10.0 ** np.ceil(np.log10(4 * float(np.finfo(reference.dtype).eps) * scale)))


def compare(name, mine, tensor, rtol=None, atol=None):
    """Compare ``mine``, a hand-written gradient of the loss with respect to ``tensor``, with the
    gradient autograd computed for ``tensor`` in the latest ``backward()``, and print one line.

    *exact* means equal to the last bit; *approximate* means within ``atol + rtol * |autograd's|``
    element by element (different but equivalent formulas round differently). The tolerances
    follow the dtype of autograd's gradient unless given: rtol 1e-7 and atol 1e-10 for float64,
    1.3e-6 and 1e-5 for float32, 1e-3 and 1e-5 for float16. An infinity must be matched by the
    same infinity and a NaN by a NaN in the same place. Otherwise the line ends with WRONG,
    naming the tensor. A difference in the last bits prints as a bound (for gradients no larger
    than about 1: "< 1e-15" in float64, "< 1e-6" in float32), since its digits change from one
    machine to the next.
    `comparison` returns the verdict instead.
    """
    print(comparison(name, mine, tensor, rtol, atol))


def comparison(name, mine, tensor, rtol=None, atol=None) -> Comparison:
    """The `Comparison` that `compare` prints: truthy when ``mine`` is the gradient of ``tensor``."""
    if not isinstance(name, str):
        raise TypeError(f"compare: the first argument is the name to print (a str such as 'dlogits'), "
                        f"got {type(name).__name__}")
    if not isinstance(tensor, Tensor):
        raise TypeError(f"compare: the third argument must be the Tensor whose gradient {name!r} is, "
                        f"got {type(tensor).__name__}")
    reference = latest_gradient(tensor)
    if reference is None:
        raise ValueError(
            f"compare: {name!r} has no gradient from autograd to compare with: call loss.backward() first, "
            "and check that the tensor is part of the loss's graph (created with requires_grad somewhere below it)"
        )
    mine = hand_written(name, mine)
    if mine.shape != reference.shape:
        return Comparison(name, False, False, float("inf"),
                          f"WRONG: shape {shape_str(mine.shape)}, but {name}'s gradient has shape "
                          f"{shape_str(reference.shape)} (a gradient always has its tensor's shape)")
    default_rtol, default_atol = TOLERANCES.get(reference.dtype, TOLERANCES[np.dtype(np.float64)])
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    ours, theirs = mine.astype(np.float64), reference.astype(np.float64)
    finite = np.isfinite(ours) & np.isfinite(theirs)
    # non-finite entries agree only as the same infinity or as NaN beside NaN
    same_special = (np.isnan(ours) & np.isnan(theirs)) | (np.isinf(theirs) & (ours == theirs))
    with np.errstate(invalid="ignore", over="ignore"):
        difference = np.where(finite, np.abs(ours - theirs), np.where(same_special, 0.0, np.inf))
    worst = float(difference.max()) if difference.size else 0.0
    close = bool(np.all(difference <= atol + rtol * np.where(finite, np.abs(theirs), 0.0)))
    return Comparison(name, bool(np.array_equal(ours, theirs, equal_nan=True)), close, worst,
                      "" if close else f"WRONG: these are not the gradient of {name}", rounding_bound(reference))


def hand_written(name, mine):
    """The hand-written gradient as an array of numbers, or a clear error."""
    try:
        array = np.asarray(mine.data if isinstance(mine, Tensor) else mine)
    except ValueError:  # a ragged list
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise TypeError(f"compare: {name!r}: the hand-written gradient must be an array of numbers shaped like "
                        f"the tensor, got {type(mine).__name__}")
    return array

"""Calculus for teaching: derivatives of any order, tangent lines, Taylor polynomials.

Functions are written with Tensor operations (``lambda x: x.sin() * x`` or ``tg.sin(x)``)
and act on each point separately, so one call handles a whole array of points:

>>> import numpy as np, tinygrad_edu as tg
>>> d2 = tg.derivative(lambda x: x ** 3, n=2)        # 6x
>>> d2(np.array([0.0, 1.0, 2.0])).tolist()
[0.0, 6.0, 12.0]
"""
import math
import warnings
from dataclasses import dataclass

import numpy as np

from .engine import autograd, concrete
from .engine.anomaly import user_stacklevel
from .engine.function import shape_str
from .engine.tensor import Tensor, _to_array


class NotDifferentiableWarning(UserWarning):
    """A derivative was asked for at a corner of relu, abs, max, clip, ...: the number given
    follows the op's convention there, and the function may have no derivative at that point."""


def derivatives(f, x, n):
    """[f(x), f'(x), ..., f^(n)(x)] at the points ``x`` (an array), in one chain of backward passes.

    Each derivative is the gradient of the previous one's sum (the points do not interact, so
    that is the derivative at every point), recorded with ``create_graph=True`` so that it can
    be differentiated again. Where f itself is NaN, so is every derivative
    (`undefined_where_nan`). Where f goes through a corner (relu or abs at 0, a tie of max) a
    `NotDifferentiableWarning` names the op and the convention its derivative takes there.

    >>> import tinygrad_edu as tg
    >>> [float(v) for v in tg.derivatives(lambda x: x ** 3, 2.0, 3)]   # x^3, 3x^2, 6x, 6
    [8.0, 12.0, 12.0, 6.0]
    """
    return _derivatives(f, x, n, "tg.derivatives")


def _derivatives(f, x, n, who):
    """`derivatives`, speaking as ``who`` (the helper the user called) in errors and warnings."""
    points = _to_array(x).astype(np.float64)
    t = Tensor(points, requires_grad=True)
    with concrete.watching(who, [t]):  # math.exp(x) inside f is refused, not a silent constant
        y = f(t)
    y = y if isinstance(y, Tensor) else Tensor(np.broadcast_to(np.asarray(y, dtype=float), points.shape))
    if y.shape != t.shape:
        raise ValueError(
            f"derivative: f must work point by point (an ordinary function of one number), but for "
            f"points of shape {shape_str(t.shape)} it returned shape {shape_str(y.shape)}"
        )
    f_values = y.data.copy()
    values, differentiated = [f_values], []
    for k in range(n):
        if not y.requires_grad:  # a constant (or a polynomial that ran out): the rest are zero
            values.extend(undefined_where_nan(f_values, np.zeros_like(points)) for _ in range(n - k))
            break
        differentiated.append(y)
        (y,) = autograd.grad(y, t, grad_outputs=Tensor(np.ones_like(points)), create_graph=k < n - 1,
                             retain_graph=True, allow_unused=True)
        if y is None:
            y = Tensor(np.zeros_like(points))
        values.append(undefined_where_nan(f_values, y.data))
    if differentiated:
        warn_at_kinks(differentiated, points, who)
    return values


def undefined_where_nan(f, derivative):
    """``derivative`` with NaN wherever ``f`` is NaN: a function has no slope where it has no
    value. Backward applies the derivative's formula regardless -- for log(x) at x = -2 it
    would give 1/x = -0.5 beside f = nan -- so every derivative the calculus helpers and
    ``tinygrad-edu diff`` report goes through here.

    >>> undefined_where_nan(np.array([np.nan, 1.0]), np.array([-0.5, 2.0])).tolist()
    [nan, 2.0]
    """
    return np.where(np.isnan(f), np.nan, derivative)


def kinks(outputs):
    """The corners the graphs of ``outputs`` pass through: ``[(node, where)]`` for every node
    whose op has no derivative at its inputs' values (`Function.at_kink`), ``where`` a boolean
    array (or bool) in the node's shape."""
    found = []
    for node in autograd.topological_order([y.grad_fn for y in outputs]):
        where = node.at_kink(*node.arrays)
        if np.any(where):
            found.append((node, where))
    return found


def corner_sentences(outputs, points=None, name="x"):
    """One sentence per op whose corner the graphs of ``outputs`` pass through (see `kinks`),
    naming the op, where (``name = ...`` among ``points`` when the graph is elementwise over
    them, else "here") and the convention its derivative takes there."""
    sentences = []
    for node, where in reversed(kinks(outputs)):  # in the order f computed them
        at = "here"
        if points is not None and np.ndim(points) == 0:
            at = f"at {name} = {float(points):g}"
        elif points is not None and np.shape(where) == np.shape(points):
            corners = np.asarray(points)[np.asarray(where)]
            at = f"at {name} = " + ", ".join(f"{p:g}" for p in corners[:3]) + (", ..." if corners.size > 3 else "")
        sentences.append(f"f goes through a corner of {node.name} {at}, where {node.name} has no derivative; "
                         f"the result takes the convention {node.kink}")
    return sentences


def warn_at_kinks(outputs, points, who):
    """Warn once per op that a derivative was taken at one of its corners (see `kinks`)."""
    for sentence in corner_sentences(outputs, points):
        warnings.warn(f"{who}: {sentence}, and f may not be differentiable there.", NotDifferentiableWarning,
                      stacklevel=user_stacklevel())


def derivative(f, n=1):
    """The n-th derivative of a one-variable function, as a new function of points.

    The result accepts a number (and returns a float) or an array of points (and returns an
    array of the same shape). Inside f, stay with tensor operations (``x.exp()``, ``tg.sin(x)``,
    ``np.sin(x)``): ``math.exp(x)`` would turn x into a plain number and is refused.

    >>> import tinygrad_edu as tg
    >>> [round(tg.derivative(lambda x: x.sin(), n)(0.0), 12) for n in range(1, 5)]
    [1.0, -0.0, -1.0, 0.0]
    """
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"derivative: n must be a whole number >= 0, got {n!r}")

    def nth_derivative(x):
        value = _derivatives(f, x, n, "tg.derivative")[n]
        return float(value) if np.ndim(x) == 0 and not isinstance(x, Tensor) else value

    nth_derivative.__name__ = f"d{n}_{getattr(f, '__name__', 'f')}"
    return nth_derivative


@dataclass
class TangentLine:
    """The line y = y0 + slope (x - x0) touching f at x0."""

    x0: float
    y0: float
    slope: float

    @property
    def intercept(self) -> float:
        return self.y0 - self.slope * self.x0

    def __call__(self, x):
        return self.y0 + self.slope * (np.asarray(x, dtype=float) - self.x0)

    def __str__(self):
        return f"y = {self.slope:.6g} x {'+' if self.intercept >= 0 else '-'} {abs(self.intercept):.6g}"


def tangent_line(f, x0):
    """The tangent line of f at x0.

    >>> import tinygrad_edu as tg
    >>> print(tg.tangent_line(lambda x: x ** 2, 3.0))
    y = 6 x - 9
    """
    y0, slope = _derivatives(f, float(x0), 1, "tg.tangent_line")
    return TangentLine(float(x0), float(y0), float(slope))


@dataclass
class Taylor:
    """The Taylor polynomial sum_k c_k (x - x0)^k, with c_k = f^(k)(x0) / k!."""

    x0: float
    coefficients: np.ndarray

    @property
    def order(self) -> int:
        return len(self.coefficients) - 1

    def __call__(self, x):
        h = np.asarray(x, dtype=float) - self.x0
        result = np.zeros_like(h)
        for c in self.coefficients[::-1]:  # Horner's rule
            result = result * h + c
        return result

    def __str__(self):
        shift = "x" if self.x0 == 0 else f"(x - {self.x0:g})" if self.x0 > 0 else f"(x + {-self.x0:g})"
        terms = []
        for k, c in enumerate(self.coefficients):
            if c == 0:
                continue
            power = "" if k == 0 else shift if k == 1 else f"{shift}^{k}"
            terms.append(f"{c:.6g}" + (f" {power}" if power else ""))
        return " + ".join(terms).replace("+ -", "- ") if terms else "0"


def taylor(f, x0, order):
    """The Taylor polynomial of f around x0 up to ``order``; call it like a function.

    >>> import math, tinygrad_edu as tg
    >>> p = tg.taylor(lambda x: x.exp(), 0.0, 4)
    >>> [round(float(c) * math.factorial(k), 12) for k, c in enumerate(p.coefficients)]
    [1.0, 1.0, 1.0, 1.0, 1.0]
    >>> print(p)
    1 + 1 x + 0.5 x^2 + 0.166667 x^3 + 0.0416667 x^4
    """
    if not isinstance(order, int) or order < 0:
        raise ValueError(f"taylor: order must be a whole number >= 0, got {order!r}")
    values = _derivatives(f, float(x0), order, "tg.taylor")
    coefficients = np.array([float(v) / math.factorial(k) for k, v in enumerate(values)])
    return Taylor(float(x0), coefficients)

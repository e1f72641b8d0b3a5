"""Checking gradients: against central differences (`gradcheck`, `gradgradcheck`) and against
a formula derived by hand (`check_formula`).

Each returns a `GradientReport`: truthy when every element agrees, and printable as a table
that puts the two gradients side by side, input by input, with the worst element marked.

>>> import tinygrad_edu as tg
>>> report = tg.gradcheck(lambda x: (x * x.sin()).sum(), [[0.5, 1.0, 2.0]])
>>> bool(report)
True
"""
import warnings
from dataclasses import dataclass

import numpy as np

from .creation import checked_seed
from .engine import autograd, concrete
from .engine.function import shape_str
from .engine.tensor import Tensor, _to_array, concatenate


@dataclass
class InputCheck:
    """The comparison for one input: two arrays of the same shape, and where they differ most."""

    index: int
    name: str
    expected: np.ndarray  # the reference (numerical, or the user's formula)
    actual: np.ndarray  # autodiff
    atol: float
    rtol: float

    @property
    def error(self):
        return np.abs(self.actual - self.expected)

    @property
    def allowed(self):
        return self.atol + self.rtol * np.abs(self.expected)

    @property
    def passed(self) -> bool:
        return bool(np.all(self.error <= self.allowed)) and self.actual.shape == self.expected.shape

    @property
    def worst(self):
        """Index of the element with the largest error relative to what is allowed."""
        if self.error.size == 0:
            return None
        ratio = np.where(np.isnan(self.error), np.inf, self.error / self.allowed)
        return np.unravel_index(int(np.argmax(ratio)), self.error.shape)


@dataclass
class GradientReport:
    """Result of a gradient check. ``bool(report)`` is True when every input passes."""

    title: str
    reference: str  # what the autodiff gradient was compared with
    checks: list
    output_shape: tuple = ()  # for a non-scalar output, elements are (output index..., input index...)
    max_rows: int = 12

    def __bool__(self):
        return all(c.passed for c in self.checks)

    @property
    def passed(self) -> bool:
        return bool(self)

    def failures(self):
        return [c for c in self.checks if not c.passed]

    def __str__(self):
        lines = [f"{self.title}: {'PASSED' if self else 'FAILED'} (autodiff vs {self.reference})"]
        if self.output_shape:
            lines.append(f"  the output has shape {shape_str(self.output_shape)}: each element is "
                         "(output index..., input index...) of the Jacobian")
        for c in self.checks:
            status = "ok" if c.passed else "MISMATCH"
            label = f"input {c.index}" + (f" '{c.name}'" if c.name else "")
            input_shape = c.actual.shape[len(self.output_shape):]
            lines.append(f"  {label} shape {shape_str(input_shape)}: {status}, "
                         f"max |error| {np.max(c.error, initial=0.0):.3g} (allowed {c.atol:g} + {c.rtol:g}*|ref|)")
            lines.append(f"    {'element':<16}{'autodiff':>16}{self.reference:>16}{'|error|':>12}")
            worst = c.worst
            indices = list(np.ndindex(c.actual.shape))
            if len(indices) > self.max_rows:  # show the worst elements first
                order = np.argsort(-(c.error / c.allowed).ravel(), kind="stable")[: self.max_rows]
                indices = [np.unravel_index(int(i), c.actual.shape) for i in order]
            for index in indices:
                mark = "  <- worst" if index == worst else ""
                lines.append(f"    {str(tuple(int(i) for i in index)):<16}{c.actual[index]:>16.8g}"
                             f"{c.expected[index]:>16.8g}{c.error[index]:>12.3g}{mark}")
            hidden = c.actual.size - len(indices)
            if hidden > 0:
                lines.append(f"    ... {hidden} more elements, all with smaller relative errors")
        return "\n".join(lines)

    __repr__ = __str__


def _inputs(inputs, who):
    arrays = []
    for i, x in enumerate(inputs if isinstance(inputs, (list, tuple)) else [inputs]):
        array = _to_array(x.data if isinstance(x, Tensor) else x)
        if array.dtype == np.float32 or array.dtype == np.float16:
            warnings.warn(
                f"{who}: input {i} is {array.dtype}; central differences need float64, so the check "
                "runs on a float64 copy. Check your model in float64 for a meaningful comparison.",
                stacklevel=3,
            )
        arrays.append(array.astype(np.float64))
    return arrays


def _names(inputs, count):
    if isinstance(inputs, (list, tuple)):
        return [getattr(x, "name", None) or "" for x in inputs]
    return [getattr(inputs, "name", None) or ""] * count


def _output(f, arrays, requires_grad, who=None):
    """f of the arrays as Tensors. With ``who`` (the check the user called), turning an input
    into a Python number inside f is refused by name (engine/concrete.py): the analytic side
    would silently treat it as a constant, and the report would only say FAILED."""
    tensors = [Tensor(a, requires_grad=requires_grad) for a in arrays]
    if who is None:
        out = f(*tensors)
    else:
        with concrete.watching(who, tensors):
            out = f(*tensors)
    return tensors, (out if isinstance(out, Tensor) else Tensor(out))


def _analytic_jacobians(f, arrays, who):
    """d out / d input for every input: arrays of shape out.shape + input.shape."""
    tensors, out = _output(f, arrays, True, who)
    jacobians = [np.zeros(out.shape + a.shape) for a in arrays]
    if not out.requires_grad:
        return jacobians, out.shape
    for index in np.ndindex(out.shape):
        selector = np.zeros(out.shape)
        selector[index] = 1.0
        grads = autograd.grad(out, tensors, grad_outputs=Tensor(selector), retain_graph=True, allow_unused=True)
        for jac, g in zip(jacobians, grads):
            if g is not None:
                jac[index] = g.data
    return jacobians, out.shape


def _numerical_jacobians(f, arrays, out_shape, eps):
    jacobians = []
    for i, x in enumerate(arrays):
        jac = np.zeros(out_shape + x.shape)
        for j in np.ndindex(x.shape):
            shifted = [a.copy() for a in arrays]
            # recording stays on: f may use autograd itself (gradgradcheck's f does)
            shifted[i][j] = x[j] + eps
            plus = _output(f, shifted, True)[1].data
            shifted[i][j] = x[j] - eps
            minus = _output(f, shifted, True)[1].data
            jac[(Ellipsis,) + j] = (plus - minus) / (2 * eps)
        jacobians.append(jac)
    return jacobians


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
    """Compare autodiff with float64 central differences over every input element.

    ``f`` takes one Tensor per input and returns a Tensor of any shape; for a non-scalar
    output the whole Jacobian is compared. ``inputs`` is a list of arrays, numbers or Tensors
    (or a single one).
    """
    return _gradcheck(f, inputs, eps, atol, rtol, "gradcheck")


def _gradcheck(f, inputs, eps, atol, rtol, title):
    arrays = _inputs(inputs, title)
    analytic, out_shape = _analytic_jacobians(f, arrays, f"tg.{title}")
    numeric = _numerical_jacobians(f, arrays, out_shape, eps)
    names = _names(inputs, len(arrays))
    checks = [InputCheck(i, names[i], n, a, atol, rtol) for i, (a, n) in enumerate(zip(analytic, numeric))]
    return GradientReport(title, "numerical", checks, tuple(out_shape))


def gradgradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Check second derivatives: gradcheck of x -> d<u, f(x)>/dx (built with create_graph=True)
    for a fixed random ``u``, as PyTorch's gradgradcheck does."""
    arrays = _inputs(inputs, "gradgradcheck")
    _, out = _output(f, arrays, True)
    u = np.random.default_rng(checked_seed(seed, "gradgradcheck")).normal(size=out.shape)

    def first_derivatives(*tensors):
        out = f(*tensors)
        if not out.requires_grad:
            return concatenate([Tensor(np.zeros(t.size)) for t in tensors])
        grads = autograd.grad(out, list(tensors), grad_outputs=Tensor(u), create_graph=True, allow_unused=True)
        return concatenate([(g if g is not None else t * 0.0).reshape(-1) for g, t in zip(grads, tensors)])

    return _gradcheck(first_derivatives, arrays, eps, atol, rtol, "gradgradcheck")


def check_formula(f, inputs, formula, atol=1e-10, rtol=1e-10):
    """Compare the autodiff gradient of ``f`` (which returns one number) with ``formula``.

    ``formula(*arrays)`` is your hand-derived gradient: it receives the input arrays and
    returns one gradient array per input (a single array when there is one input; None for an
    input you did not derive). This is how a tutorial's backprop, such as Trask's ``l1_delta``,
    is checked against autodiff.

    >>> import numpy as np, tinygrad_edu as tg
    >>> X = np.array([[0.0, 1.0], [1.0, 1.0]])
    >>> def loss(w):                          # 0.5 * sum(sigmoid(X w)^2)
    ...     return 0.5 * ((tg.tensor(X) @ w).sigmoid() ** 2).sum()
    >>> def by_hand(w):                       # chain rule: X^T (s * s(1-s))
    ...     s = 1 / (1 + np.exp(-X @ w))
    ...     return X.T @ (s * s * (1 - s))
    >>> bool(tg.check_formula(loss, [np.array([0.3, -0.2])], by_hand))
    True
    """
    arrays = _inputs(inputs, "check_formula")
    tensors, out = _output(f, arrays, True, "tg.check_formula")
    if out.data.size != 1:
        raise ValueError(
            f"check_formula: f must return a single number (a loss), but returned shape "
            f"{shape_str(out.shape)}; reduce it with .sum() or .mean()"
        )
    if out.requires_grad:
        grads = autograd.grad(out, tensors, allow_unused=True)
    else:
        grads = [None] * len(tensors)
    autodiff = [g.data if g is not None else np.zeros_like(a) for g, a in zip(grads, arrays)]
    expected = formula(*[a.copy() for a in arrays])
    if not isinstance(expected, (list, tuple)):
        expected = [expected]
    if len(expected) != len(arrays):
        raise ValueError(f"check_formula: formula returned {len(expected)} gradients for {len(arrays)} inputs")
    names = _names(inputs, len(arrays))
    checks = []
    for i, (a, e) in enumerate(zip(autodiff, expected)):
        if e is None:
            continue
        e = np.asarray(e, dtype=np.float64)
        if e.shape != a.shape:
            raise ValueError(
                f"check_formula: your gradient for input {i} has shape {shape_str(e.shape)} but the "
                f"input has shape {shape_str(a.shape)}"
            )
        checks.append(InputCheck(i, names[i], e, a, atol, rtol))
    return GradientReport("check_formula", "by hand", checks)


check_against = check_formula  # the name the issue tracker used

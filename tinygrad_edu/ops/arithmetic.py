"""Arithmetic primitives: + - * / ** and unary minus.

Each backward returns the gradient for every input in the output's (broadcast) shape; the
engine sums it back to each input's own shape (`tinygrad_edu.autograd.unbroadcast`). A
gradient is only computed for inputs that require one (``None`` means "not needed").
"""
import numpy as np

from ..function import Function

_BROADCAST_HINT = (
    "Shapes broadcast when their trailing dimensions are equal or 1; "
    "reshape one input, e.g. b.reshape(-1, 1)."
)


class Add(Function):
    """a + b; both inputs receive the gradient unchanged."""

    name = "add"
    code = "{0} + {1}"
    hint = _BROADCAST_HINT

    def forward(self, a, b):
        return a + b

    def backward(self, grad):
        return grad, grad  # d(a+b)/da = d(a+b)/db = 1


class Sub(Function):
    """a - b; a receives the gradient, b its negative."""

    name = "sub"
    code = "{0} - {1}"
    hint = _BROADCAST_HINT

    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        b_needs = self.parents[1].requires_grad
        return grad, (-grad if b_needs else None)


class Mul(Function):
    """a * b; each input receives the gradient times the other input (product rule)."""

    name = "mul"
    code = "{0} * {1}"
    hint = _BROADCAST_HINT

    def forward(self, a, b):
        return a * b

    def backward(self, grad):
        a, b = self.parents  # product rule: d(ab)/da = b, d(ab)/db = a
        return (grad * b if a.requires_grad else None, grad * a if b.requires_grad else None)


class Div(Function):
    """a / b; d/da = 1/b, d/db = -a/b^2 (quotient rule)."""

    name = "div"
    code = "{0} / {1}"
    hint = _BROADCAST_HINT

    def forward(self, a, b):
        return a / b

    def backward(self, grad):
        a, b = self.parents  # quotient rule: d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        grad_a = grad / b if a.requires_grad else None
        grad_b = -(grad * a) / (b * b) if b.requires_grad else None
        return grad_a, grad_b


class Neg(Function):
    """-a; the gradient comes back negated."""

    name = "neg"
    code = "-{0}"

    def forward(self, a):
        return -a

    def backward(self, grad):
        return (-grad,)


class PowConst(Function):
    """``x ** k`` for a fixed Python number ``k`` (the common case: squares, roots, 1/x)."""

    name = "pow"

    @property
    def code(self):
        return "{0} * {0}" if self.exponent == 2 else "np.power({0}, {exponent})"

    def forward(self, a, exponent):
        self.exponent = exponent
        return a * a if exponent == 2 else np.power(a, exponent)

    def describe(self):
        return f"pow({self.exponent:g})"

    def backward(self, grad):
        (a,) = self.parents
        k = self.exponent
        if k == 2:
            return (grad * a * 2.0,)
        return (grad * (a ** (k - 1)) * k,)  # power rule: d(x^k)/dx = k x^(k-1)


class Pow(Function):
    """``a ** b`` where the exponent is itself a Tensor (so it may have a gradient too)."""

    name = "pow"
    code = "np.power({0}, {1})"
    saved_code = ("{out}",)
    hint = _BROADCAST_HINT

    def forward(self, a, b):
        out = np.power(a, b)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        from ..tensor import where

        a, b = self.parents
        grad_a = grad * b * a ** (b - 1.0) if a.requires_grad else None
        grad_b = None
        if b.requires_grad:
            # d(a^b)/db = a^b ln a. At a == 0 we use 0 (the limit for b > 0, as PyTorch does);
            # for a < 0 the real derivative does not exist, so it is NaN.
            log_a = where(a > 0, a, 1.0).log()
            log_a = where(a < 0, np.nan, log_a)
            grad_b = grad * self.output() * log_a
        return grad_a, grad_b

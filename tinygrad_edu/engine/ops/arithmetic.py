"""Arithmetic primitives: + - * / ** and unary minus.

Each backward returns the gradient for every input in the output's (broadcast) shape; the
engine sums it back to each input's own shape (`unbroadcast`). ``self.needs_input_grad`` says
which inputs want a gradient, so no work is spent on the others (``None`` = not needed).
"""
import numpy as np

from ..function import Function

BROADCAST_HINT = (
    "Shapes broadcast when their trailing dimensions are equal or 1; "
    "reshape one input, e.g. b.reshape(-1, 1)."
)


class Add(Function):
    """a + b, with NumPy broadcasting."""

    __slots__ = ()
    name = "add"
    numpy_ufuncs = ("add",)
    reads_inputs = False  # backward passes the gradient on: an array operand is not copied
    formula = "∂(a+b)/∂a = 1,  ∂(a+b)/∂b = 1"
    hint = BROADCAST_HINT

    def forward(self, a, b):
        return a + b

    def backward(self, grad, a, b):
        return grad, grad


class Sub(Function):
    """a - b, with NumPy broadcasting."""

    __slots__ = ()
    name = "sub"
    numpy_ufuncs = ("subtract",)
    reads_inputs = False
    formula = "∂(a−b)/∂a = 1,  ∂(a−b)/∂b = −1"
    hint = BROADCAST_HINT

    def forward(self, a, b):
        return a - b

    def backward(self, grad, a, b):
        return grad, (-grad if self.needs_input_grad[1] else None)


class Mul(Function):
    """a * b, elementwise, with NumPy broadcasting."""

    __slots__ = ()
    name = "mul"
    numpy_ufuncs = ("multiply",)
    formula = "∂(a·b)/∂a = b,  ∂(a·b)/∂b = a"
    hint = BROADCAST_HINT

    def forward(self, a, b):
        return a * b

    def backward(self, grad, a, b):
        needs_a, needs_b = self.needs_input_grad
        return (grad * b if needs_a else None, grad * a if needs_b else None)


class Div(Function):
    """a / b, elementwise, with NumPy broadcasting (x / 0 is ±inf or NaN, as in NumPy)."""

    __slots__ = ()
    name = "div"
    numpy_ufuncs = ("true_divide",)
    formula = "∂(a/b)/∂a = 1/b,  ∂(a/b)/∂b = −a/b²"
    hint = BROADCAST_HINT

    def forward(self, a, b):
        return a / b

    def backward(self, grad, a, b):
        needs_a, needs_b = self.needs_input_grad
        return (grad / b if needs_a else None, -(grad / b) * (a / b) if needs_b else None)


class Neg(Function):
    """-a."""

    __slots__ = ()
    name = "neg"
    numpy_ufuncs = ("negative",)
    formula = "∂(−a)/∂a = −1"

    def forward(self, a):
        return -a

    def backward(self, grad, a):
        return -grad


class PowConst(Function):
    """``x ** k`` for a fixed Python number ``k`` (the common case: squares, roots, 1/x).

    At k = 0 the slope is 0 everywhere, x = 0 included (x⁰ is the constant 1).
    """

    __slots__ = ("exponent",)
    name = "pow"
    formula = "∂(xᵏ)/∂x = k·xᵏ⁻¹"

    def forward(self, a, exponent):
        self.exponent = exponent
        return a * a if exponent == 2 else np.power(a, exponent)

    def describe(self):
        return f"pow({self.exponent:g})"

    def backward(self, grad, a):
        k = self.exponent
        if k == 2:
            return grad * a * 2.0
        if k == 0:
            return grad * 0.0
        return grad * np.power(a, k - 1) * k


class Pow(Function):
    """``a ** b`` where the exponent is itself a Tensor (so it may have a gradient too).

    Where the base is not positive the derivatives follow PyTorch's: for the exponent, 0 at
    ``a == 0, b >= 0``, ``-inf`` at ``a == 0, b < 0`` (``a^b ln a = inf * -inf``) and NaN for
    ``a < 0``; for the base, ``b a^(b-1)``, 0 where ``a == b == 0`` (``a^0`` is the constant 1).

    >>> import tinygrad_edu as tg, numpy as np
    >>> a, b = tg.tensor([0.0, 0.0, 0.0]), tg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    >>> with np.errstate(divide="ignore"):  # 0 ** -1 is inf, as NumPy says
    ...     (a ** b).sum().backward()
    >>> b.grad
    Tensor([-inf,   0.,   0.])
    """

    __slots__ = ()
    name = "pow"
    formula = "∂(aᵇ)/∂a = b·aᵇ⁻¹,  ∂(aᵇ)/∂b = aᵇ·ln a"
    hint = BROADCAST_HINT

    def forward(self, a, b):
        out = np.power(a, b)
        self.save_for_backward(out)
        return out

    def backward(self, grad, a, b):
        needs_a, needs_b = self.needs_input_grad
        grad_a = grad_b = None
        if needs_a:
            # at a == b == 0 the rule reads 0 * inf: a is replaced by 1 there first, so NumPy does
            # not warn about a value the convention (0) replaces
            constant = np.logical_and(a == 0, b == 0)
            grad_a = np.where(constant, 0.0, grad * b * np.power(np.where(constant, 1.0, a), b - 1.0))
        if needs_b:
            # ln a written out where a <= 0 (the conventions of the docstring), so NumPy does not
            # warn about values the convention decides
            log_a = np.where(a < 0, np.nan, np.log(np.where(a > 0, a, 1.0)))
            log_a = np.where(np.logical_and(a == 0, b < 0), -np.inf, log_a)
            grad_b = grad * self.output(grad) * log_a
        return grad_a, grad_b

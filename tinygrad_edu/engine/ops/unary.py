"""Elementwise functions: exp, log, sin, cos, tanh, sigmoid, softplus, relu, abs; the rest of
the calculus functions (tan, arctan, arcsin, arccos, sinh, cosh, log10, log2, log1p, expm1) and
arctan2, the one function of two inputs here.

Where the derivative is easiest to write from the output (exp, tanh, sigmoid, tan), forward
saves the output and backward reads it back with ``self.output(grad)``. Every backward is
written with ops that have backward rules themselves, so derivatives of any order work.

At the edges of a function's domain the values are NumPy's (``arcsin(2)`` and ``log10(-1)`` are
NaN, ``log10(0)`` is -inf, each with NumPy's warning) and the gradients are the derivative's
formula evaluated there, as in PyTorch: ``inf`` where the slope is vertical (arcsin at ±1).
"""
import functools
import math

import numpy as np

from ..function import Function
from .arithmetic import BROADCAST_HINT


class Exp(Function):
    """eˣ."""

    __slots__ = ()
    name = "exp"
    numpy_ufuncs = ("exp",)
    tg_functions = ("exp",)
    formula_functions = ("exp",)
    formula = "∂eˣ/∂x = eˣ"

    def forward(self, x):
        out = np.exp(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad, x):
        return grad * self.output(grad)


class Log(Function):
    """ln x. ``log(0) = -inf`` with gradient ``inf``; below 0 the value is NaN, as in NumPy."""

    __slots__ = ()
    name = "log"
    numpy_ufuncs = ("log",)
    tg_functions = ("log",)
    formula_functions = ("log", "ln")
    formula = "∂ln x/∂x = 1/x"

    def forward(self, x):
        return np.log(x)

    def backward(self, grad, x):
        return grad / x


class Sin(Function):
    """sin x (radians)."""

    __slots__ = ()
    name = "sin"
    numpy_ufuncs = ("sin",)
    tg_functions = ("sin",)
    formula_functions = ("sin",)
    formula = "∂sin x/∂x = cos x"

    def forward(self, x):
        return np.sin(x)

    def backward(self, grad, x):
        return grad * np.cos(x)


class Cos(Function):
    """cos x (radians)."""

    __slots__ = ()
    name = "cos"
    numpy_ufuncs = ("cos",)
    tg_functions = ("cos",)
    formula_functions = ("cos",)
    formula = "∂cos x/∂x = −sin x"

    def forward(self, x):
        return np.cos(x)

    def backward(self, grad, x):
        return grad * -np.sin(x)


class Tanh(Function):
    """tanh x, in (-1, 1)."""

    __slots__ = ()
    name = "tanh"
    numpy_ufuncs = ("tanh",)
    tg_functions = ("tanh",)
    formula_functions = ("tanh",)
    formula = "∂tanh x/∂x = 1 − tanh²x"

    def forward(self, x):
        out = np.tanh(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad, x):
        t = self.output(grad)
        return grad * (1.0 - t * t)


class Sigmoid(Function):
    """σ(x) = 1 / (1 + e⁻ˣ), finite and warning-free for any x."""

    __slots__ = ()
    name = "sigmoid"
    tg_functions = ("sigmoid",)
    formula_functions = ("sigmoid",)
    formula = "∂σ(x)/∂x = σ(x)·(1 − σ(x))"

    def forward(self, x):
        # 1/(1+e^-x) is accurate for every x; only e^-x overflows (with a warning) for very
        # negative x (x < -709 in float64), where the answer is 0 to working precision anyway.
        # Clamping the exponent (at 708 for float64, 87 for float32) keeps the same bits as the
        # textbook formula everywhere else -- the tutorials' printed numbers depend on that --
        # and avoids the warning.
        out = 1.0 / (1.0 + np.exp(np.minimum(-x, largest_safe_exponent(x.dtype))))
        self.save_for_backward(out)
        return out

    def backward(self, grad, x):
        s = self.output(grad)
        return grad * (s * (1.0 - s))


class Softplus(Function):
    """ln(1 + eˣ), a smooth relu, computed as NumPy's logaddexp(0, x): no overflow for any x."""

    __slots__ = ()
    name = "softplus"
    tg_functions = ("softplus",)
    formula_functions = ("softplus",)
    formula = "∂softplus(x)/∂x = σ(x)"

    def forward(self, x):
        return np.logaddexp(0.0, x)

    def backward(self, grad, x):
        return grad * Sigmoid.call(x)


@functools.lru_cache(maxsize=None)
def largest_safe_exponent(dtype):
    """Just below ln(largest float) of the dtype: e^limit does not overflow (708 for float64)."""
    return float(np.floor(np.log(np.finfo(dtype).max))) - 1.0


class Relu(Function):
    """max(x, 0). At its corner x = 0 the gradient is 0, as in PyTorch; a NaN passes the gradient."""

    __slots__ = ()
    name = "relu"
    tg_functions = ("relu",)
    formula_functions = ("relu",)
    formula = "∂relu(x)/∂x = 1 where x > 0, else 0"
    kink = "relu'(0) = 0"

    def at_kink(self, x):
        return x == 0

    def forward(self, x):
        # relu(nan) is nan, and the gradient passes there as it passes through maximum(x, 0)
        # to the NaN (as in PyTorch): "not x <= 0" is true for a NaN, "x > 0" would not be.
        self.save_for_backward(~(x <= 0))
        return np.maximum(x, 0)  # an int 0 keeps x's dtype (float32 stays float32)

    def backward(self, grad, x):
        (passes,) = self.saved_for(grad)
        # a product, not np.where: a NaN arriving from above stays NaN where x <= 0, as in JAX
        # (PyTorch makes it 0 there)
        return grad * passes


class Abs(Function):
    """|x|. At its corner x = 0, and at a NaN, the gradient is 0, as in PyTorch."""

    __slots__ = ()
    name = "abs"
    numpy_ufuncs = ("absolute",)
    tg_functions = ("abs",)
    formula_functions = ("abs",)
    formula = "∂|x|/∂x = sign x (0 at 0)"
    kink = "abs'(0) = 0"

    def at_kink(self, x):
        return x == 0

    def forward(self, x):
        # sign x as +1 / -1 / 0, with 0 for a NaN too (np.sign(nan) is nan)
        self.save_for_backward((x > 0).astype(x.dtype) - (x < 0))
        return np.abs(x)

    def backward(self, grad, x):
        (sign,) = self.saved_for(grad)
        return grad * sign


# -- the rest of the calculus functions ------------------------------------------------------
LN2, LN10 = math.log(2.0), math.log(10.0)  # Python floats: a float32 tensor stays float32 next to them


class Tan(Function):
    """tan x (radians).

    Between the poles at odd multiples of π/2 only: in floating point π/2 is never hit exactly,
    so there the value is NumPy's large finite one (about 1.6e16) and the slope its square.
    """

    __slots__ = ()
    name = "tan"
    numpy_ufuncs = ("tan",)
    tg_functions = ("tan",)
    formula_functions = ("tan",)
    formula = "∂tan x/∂x = 1 + tan²x"

    def forward(self, x):
        out = np.tan(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad, x):
        t = self.output(grad)
        return grad * (1.0 + t * t)


class Arctan(Function):
    """arctan x, in (-π/2, π/2)."""

    __slots__ = ()
    name = "arctan"
    numpy_ufuncs = ("arctan",)
    tg_functions = ("arctan", "atan")
    formula_functions = ("arctan", "atan")
    formula = "∂arctan x/∂x = 1/(1 + x²)"

    def forward(self, x):
        return np.arctan(x)

    def backward(self, grad, x):
        return grad / (1.0 + x * x)


class Arcsin(Function):
    """arcsin x for -1 <= x <= 1, in [-π/2, π/2].

    At x = ±1 the slope is vertical: the gradient is ``inf`` (NumPy warns, divide by zero), as
    in PyTorch. Outside [-1, 1] the value is NaN (NumPy warns, invalid value) and so is the
    gradient.
    """

    __slots__ = ()
    name = "arcsin"
    numpy_ufuncs = ("arcsin",)
    tg_functions = ("arcsin", "asin")
    formula_functions = ("arcsin", "asin")
    formula = "∂arcsin x/∂x = 1/√(1 − x²)"

    def forward(self, x):
        return np.arcsin(x)

    def backward(self, grad, x):
        # 1 - x^2 written as (1 - x)(1 + x): near x = ±1 it keeps its digits (1 - x is exact there)
        return grad * np.power((1.0 - x) * (1.0 + x), -0.5)


class Arccos(Function):
    """arccos x for -1 <= x <= 1, in [0, π].

    At x = ±1 the gradient is ``-inf`` (a vertical slope, as in PyTorch); outside [-1, 1] the
    value and the gradient are NaN (NumPy warns).
    """

    __slots__ = ()
    name = "arccos"
    numpy_ufuncs = ("arccos",)
    tg_functions = ("arccos", "acos")
    formula_functions = ("arccos", "acos")
    formula = "∂arccos x/∂x = −1/√(1 − x²)"

    def forward(self, x):
        return np.arccos(x)

    def backward(self, grad, x):
        return grad * -np.power((1.0 - x) * (1.0 + x), -0.5)  # (see Arcsin)


class Sinh(Function):
    """sinh x = (eˣ − e⁻ˣ)/2. Overflows to ±inf past |x| ≈ 710 (float64), with NumPy's warning,
    as exp does."""

    __slots__ = ()
    name = "sinh"
    numpy_ufuncs = ("sinh",)
    tg_functions = ("sinh",)
    formula_functions = ("sinh",)
    formula = "∂sinh x/∂x = cosh x"

    def forward(self, x):
        return np.sinh(x)

    def backward(self, grad, x):
        return grad * np.cosh(x)  # on Tensors np.cosh is the Cosh op, so second derivatives work


class Cosh(Function):
    """cosh x = (eˣ + e⁻ˣ)/2. Overflows to inf past |x| ≈ 710 (float64)."""

    __slots__ = ()
    name = "cosh"
    numpy_ufuncs = ("cosh",)
    tg_functions = ("cosh",)
    formula_functions = ("cosh",)
    formula = "∂cosh x/∂x = sinh x"

    def forward(self, x):
        return np.cosh(x)

    def backward(self, grad, x):
        return grad * np.sinh(x)


class Log10(Function):
    """log₁₀ x.

    As `Log`: ``log10(0) = -inf`` with gradient ``inf``; for x < 0 the value is NaN (NumPy
    warns) while the gradient is the formula's finite number, as in PyTorch -- the NaN value
    already marks the point as outside the domain.
    """

    __slots__ = ()
    name = "log10"
    numpy_ufuncs = ("log10",)
    tg_functions = ("log10",)
    formula_functions = ("log10",)
    formula = "∂log₁₀x/∂x = 1/(x·ln 10)"

    def forward(self, x):
        return np.log10(x)

    def backward(self, grad, x):
        return grad / (x * LN10)


class Log2(Function):
    """log₂ x. At 0 and below, as `Log10`."""

    __slots__ = ()
    name = "log2"
    numpy_ufuncs = ("log2",)
    tg_functions = ("log2",)
    formula_functions = ("log2",)
    formula = "∂log₂x/∂x = 1/(x·ln 2)"

    def forward(self, x):
        return np.log2(x)

    def backward(self, grad, x):
        return grad / (x * LN2)


class Log1p(Function):
    """ln(1 + x), accurate for tiny x (where 1 + x would round x away).

    At x = -1 the value is -inf and the gradient ``inf``; below -1 the value is NaN (NumPy
    warns) and the gradient the formula's finite number, as `Log` and PyTorch.
    """

    __slots__ = ()
    name = "log1p"
    numpy_ufuncs = ("log1p",)
    tg_functions = ("log1p",)
    formula_functions = ("log1p",)
    formula = "∂ln(1 + x)/∂x = 1/(1 + x)"

    def forward(self, x):
        return np.log1p(x)

    def backward(self, grad, x):
        return grad / (1.0 + x)


class Expm1(Function):
    """eˣ − 1, accurate for tiny x.

    The slope is computed as e^x itself rather than from the output as expm1(x) + 1 (PyTorch's
    way), which loses every digit for very negative x, where e^x is tiny.
    """

    __slots__ = ()
    name = "expm1"
    numpy_ufuncs = ("expm1",)
    tg_functions = ("expm1",)
    formula_functions = ("expm1",)
    formula = "∂(eˣ − 1)/∂x = eˣ"

    def forward(self, x):
        return np.expm1(x)

    def backward(self, grad, x):
        return grad * np.exp(x)


class Arctan2(Function):
    """The angle of the point (x, y), ``arctan2(y, x)`` in (-π, π], NumPy's argument order
    (y first, as ``torch.atan2``).

    At the origin the angle has no slope: both gradients are NaN (0/0, NumPy warns), as in
    PyTorch and JAX. Across the negative x axis the angle jumps from π to -π; either side has
    the same finite slope.
    """

    __slots__ = ()
    name = "arctan2"
    numpy_ufuncs = ("arctan2",)
    tg_functions = ("arctan2", "atan2")
    formula_functions = ("arctan2", "atan2")
    formula = "∂atan2(y, x)/∂y = x/(x² + y²),  ∂atan2(y, x)/∂x = −y/(x² + y²)"
    hint = BROADCAST_HINT

    def forward(self, y, x):
        return np.arctan2(y, x)

    def backward(self, grad, y, x):
        needs_y, needs_x = self.needs_input_grad
        squared_radius = x * x + y * y
        return (grad * x / squared_radius if needs_y else None,
                -(grad * y) / squared_radius if needs_x else None)

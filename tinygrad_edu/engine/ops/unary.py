"""Elementwise functions of one input: exp, log, sin, cos, tanh, sigmoid, softplus, relu, abs.

Where the derivative is easiest to write from the output (exp, tanh, sigmoid), forward saves
the output and backward reads it back with ``self.output(grad)``.
"""
import functools

import numpy as np

from ..function import Function


class Exp(Function):
    """e^x; derivative e^x (read back from the saved output)."""

    __slots__ = ()
    name = "exp"
    formula = "∂eˣ/∂x = eˣ"

    def forward(self, x):
        out = np.exp(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad, x):
        return grad * self.output(grad)  # (e^x)' = e^x


class Log(Function):
    """ln x; derivative 1/x."""

    __slots__ = ()
    name = "log"
    formula = "∂ln x/∂x = 1/x"

    def forward(self, x):
        return np.log(x)

    def backward(self, grad, x):
        return grad / x  # (ln x)' = 1/x


class Sin(Function):
    """sin x; derivative cos x."""

    __slots__ = ()
    name = "sin"
    formula = "∂sin x/∂x = cos x"

    def forward(self, x):
        return np.sin(x)

    def backward(self, grad, x):
        return grad * np.cos(x)


class Cos(Function):
    """cos x; derivative -sin x."""

    __slots__ = ()
    name = "cos"
    formula = "∂cos x/∂x = −sin x"

    def forward(self, x):
        return np.cos(x)

    def backward(self, grad, x):
        return grad * -np.sin(x)


class Tanh(Function):
    """tanh x; derivative 1 - tanh^2 from the saved output."""

    __slots__ = ()
    name = "tanh"
    formula = "∂tanh x/∂x = 1 − tanh²x"

    def forward(self, x):
        out = np.tanh(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad, x):
        t = self.output(grad)
        return grad * (1.0 - t * t)  # tanh' = 1 - tanh^2


class Sigmoid(Function):
    """1 / (1 + e^-x); derivative s (1 - s) from the saved output s."""

    __slots__ = ()
    name = "sigmoid"
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
        return grad * (s * (1.0 - s))  # sigma' = sigma (1 - sigma)


class Softplus(Function):
    """log(1 + e^x), computed as NumPy's logaddexp(0, x): no overflow for any x."""

    __slots__ = ()
    name = "softplus"
    formula = "∂softplus(x)/∂x = σ(x)"

    def forward(self, x):
        return np.logaddexp(0.0, x)

    def backward(self, grad, x):
        return grad * Sigmoid.call(x)  # softplus' = sigmoid


@functools.lru_cache(maxsize=None)
def largest_safe_exponent(dtype):
    """Just below ln(largest float) of the dtype: e^limit does not overflow (708 for float64)."""
    return float(np.floor(np.log(np.finfo(dtype).max))) - 1.0


class Relu(Function):
    """max(x, 0); derivative 1 where x > 0, else 0 (so 0 at 0, as in PyTorch)."""

    __slots__ = ()
    name = "relu"
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
        # grad * 1[x > 0], the chain rule as written (and 4x faster than np.where). A NaN
        # arriving from above stays NaN where x <= 0, as in JAX (PyTorch makes it 0 there).
        return grad * passes


class Abs(Function):
    """|x|; derivative sign(x), 0 at 0 and at NaN (as in PyTorch)."""

    __slots__ = ()
    name = "abs"
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

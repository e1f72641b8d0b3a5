"""Elementwise functions of one input: exp, log, sin, cos, tanh, sigmoid, relu, abs.

Each op's ``code`` is its forward as one NumPy expression and ``saved_code`` says how each
array it saves is computed (`tinygrad_edu.program` writes programs from them).

Where the derivative is easiest to write from the output (exp, tanh, sigmoid), forward saves
the output and backward reads it back with ``self.output()``.
"""
import functools

import numpy as np

from .. import function
from ..function import Function


def _constant(array):
    """Wrap a mask or sign array that backward multiplies by; it carries no gradient."""
    return function.Tensor._make(array, False, None, "constant")


class Exp(Function):
    """e^x; derivative e^x (read back from the saved output)."""

    name = "exp"
    code = "np.exp({0})"
    saved_code = ("{out}",)

    def forward(self, x):
        out = np.exp(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        return (grad * self.output(),)  # (e^x)' = e^x


class Log(Function):
    """ln x; derivative 1/x."""

    name = "log"
    code = "np.log({0})"

    def forward(self, x):
        return np.log(x)

    def backward(self, grad):
        return (grad / self.parents[0],)  # (ln x)' = 1/x


class Sin(Function):
    """sin x; derivative cos x."""

    name = "sin"
    code = "np.sin({0})"

    def forward(self, x):
        return np.sin(x)

    def backward(self, grad):
        return (grad * self.parents[0].cos(),)


class Cos(Function):
    """cos x; derivative -sin x."""

    name = "cos"
    code = "np.cos({0})"

    def forward(self, x):
        return np.cos(x)

    def backward(self, grad):
        return (grad * -self.parents[0].sin(),)


class Tanh(Function):
    """tanh x; derivative 1 - tanh^2 from the saved output."""

    name = "tanh"
    code = "np.tanh({0})"
    saved_code = ("{out}",)

    def forward(self, x):
        out = np.tanh(x)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        t = self.output()
        return (grad * (1.0 - t * t),)  # tanh' = 1 - tanh^2


class Sigmoid(Function):
    """1 / (1 + e^-x); derivative s (1 - s) from the saved output s."""

    name = "sigmoid"
    code = "1.0 / (1.0 + np.exp(np.minimum(-{0}, {limit})))"
    saved_code = ("{out}",)

    def forward(self, x):
        # 1/(1+e^-x) is accurate for every x; only e^-x overflows (with a warning) for very
        # negative x (x < -709 in float64), where the answer is 0 to working precision anyway.
        # Clamping the exponent (at 708 for float64, 87 for float32) keeps the same bits as the
        # textbook formula everywhere else -- the tutorials' printed numbers depend on that --
        # and avoids the warning.
        self.limit = _largest_safe_exponent(x.dtype)
        out = 1.0 / (1.0 + np.exp(np.minimum(-x, self.limit)))
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        s = self.output()
        return (grad * (s * (1.0 - s)),)  # sigma' = sigma (1 - sigma)


class Softplus(Function):
    """log(1 + e^x), computed as NumPy's logaddexp(0, x): no overflow for any x."""

    name = "softplus"
    code = "np.logaddexp(0.0, {0})"

    def forward(self, x):
        return np.logaddexp(0.0, x)

    def backward(self, grad):
        return (grad * self.parents[0].sigmoid(),)  # softplus' = sigmoid


@functools.lru_cache(maxsize=None)
def _largest_safe_exponent(dtype):
    """Just below ln(largest float) of the dtype: e^limit does not overflow (709 for float64)."""
    return float(np.floor(np.log(np.finfo(dtype).max))) - 1.0


class Relu(Function):
    """max(x, 0); derivative 1 where x > 0, else 0 (so 0 at 0)."""

    name = "relu"
    code = "np.maximum({0}, 0)"
    saved_code = ("{0} > 0",)

    def forward(self, x):
        self.save_for_backward(x > 0)  # relu'(0) = 0 by convention, as in PyTorch
        return np.maximum(x, 0)  # an int 0 keeps x's dtype (float32 stays float32)

    def backward(self, grad):
        return (grad * _constant(self.saved[0]),)


class Abs(Function):
    """|x|; derivative sign(x), 0 at 0."""

    name = "abs"
    code = "np.abs({0})"
    saved_code = ("np.sign({0})",)

    def forward(self, x):
        self.save_for_backward(np.sign(x))  # abs'(0) = 0, as in PyTorch
        return np.abs(x)

    def backward(self, grad):
        return (grad * _constant(self.saved[0]),)

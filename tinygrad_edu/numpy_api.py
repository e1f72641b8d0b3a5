"""The NumPy-style free functions: ``tg.exp(x)`` is ``x.exp()``, ``tg.sum(x, axis=0)`` is
``x.sum(axis=0)``. Arguments that are not Tensors (lists, arrays, numbers) are converted.
"""
from .engine.tensor import Tensor, as_tensor, concatenate, stack, where


def _method_as_function(method_name):
    method = getattr(Tensor, method_name)

    def function(x, *args, **kwargs):
        like = next((a for a in args if isinstance(a, Tensor)), None)  # tg.maximum(0, t32) stays float32
        return method(as_tensor(x, like), *args, **kwargs)

    function.__name__ = function.__qualname__ = method_name
    function.__doc__ = f"``tg.{method_name}(x, ...)`` is ``x.{method_name}(...)``.\n\n{method.__doc__ or ''}"
    return function


_NAMES = [
    "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "softplus", "relu", "abs",
    "tan", "arctan", "arcsin", "arccos", "arctan2", "sinh", "cosh", "log10", "log2", "log1p", "expm1",
    "atan", "asin", "acos", "atan2",
    "maximum", "minimum", "clip", "sum", "mean", "var", "max", "min", "argmax", "argmin",
    "softmax", "log_softmax", "reshape", "transpose", "flatten", "swapaxes", "broadcast_to",
    "matmul", "dot",
]

for _name in _NAMES:
    globals()[_name] = _method_as_function(_name)

__all__ = _NAMES + ["where", "concatenate", "stack"]

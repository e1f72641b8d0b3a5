"""The NumPy-style free functions: ``tg.exp(x)`` is ``x.exp()``, ``tg.sum(x, axis=0)`` is
``x.sum(axis=0)``. Arguments that are not Tensors (lists, arrays, numbers) are converted.
"""
from .engine import ops
from .engine.tensor import Tensor, as_tensor, concatenate, stack, where


def _method_as_function(method_name):
    method = getattr(Tensor, method_name)

    def function(x, *args, **kwargs):
        like = next((a for a in args if isinstance(a, Tensor)), None)  # tg.maximum(0, t32) stays float32
        return method(as_tensor(x, like), *args, **kwargs)

    function.__name__ = function.__qualname__ = method_name
    function.__doc__ = f"``tg.{method_name}(x, ...)`` is ``x.{method_name}(...)``.\n\n{method.__doc__ or ''}"
    return function


# the ops' own free functions (``tg_functions = ("sin",)`` on the op's class), then the Tensor
# methods that are compositions of ops or have no gradient
_NAMES = list(ops.declared("tg_functions")) + [
    "sqrt", "mean", "var", "argmax", "argmin", "flatten", "swapaxes", "dot",
]

for _name in _NAMES:
    globals()[_name] = _method_as_function(_name)

__all__ = _NAMES + ["where", "concatenate", "stack"]

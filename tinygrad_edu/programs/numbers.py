"""Python floats as inputs of a compiled program.

While `tg.compile` traces a call, each float argument is passed as a `TracedFloat`: a float with
the same value that notices when Python itself computes with it (``lr / 2``, ``if lr > 0``,
``math.exp(lr)``, ``f"{lr}"``). A float that only reaches Tensor ops is followed by the recorder
and becomes a parameter of the program, so a new value needs no new trace. A float that Python
used is *concrete*: what the program computes may depend on its value in ways the recorder
cannot see, so that value becomes part of what a later call must match (docs/compile.md).
"""
import math
import struct

__all__ = ["TracedFloat", "same_float"]

_CONCRETE = (
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
    "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__divmod__", "__rdivmod__", "__pow__", "__rpow__",
    "__neg__", "__pos__", "__abs__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__",
    "__int__", "__float__", "__round__", "__trunc__", "__floor__", "__ceil__", "__hash__", "__format__",
    "__repr__", "__str__", "__getnewargs__", "__reduce__", "__reduce_ex__", "as_integer_ratio", "is_integer",
    "hex", "conjugate",
)


class TracedFloat(float):
    """A float argument during a trace; ``concrete`` turns True once Python computes with it."""

    concrete = False

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        self.concrete = True  # NumPy computed with the value directly
        plain = tuple(float.__float__(x) if isinstance(x, TracedFloat) else x for x in inputs)
        return getattr(ufunc, method)(*plain, **kwargs)


def _noticing(name):
    method = getattr(float, name)

    def noticed(self, *args):
        self.concrete = True
        return method(self, *args)

    noticed.__name__ = name
    return noticed


for _name in _CONCRETE:
    setattr(TracedFloat, _name, _noticing(_name))


def same_float(a, b) -> bool:
    """Equal as stored: NaN matches NaN (a trace made for NaN is reused for NaN), 0.0 and -0.0 differ."""
    if type(a) is not float:
        return False
    return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))

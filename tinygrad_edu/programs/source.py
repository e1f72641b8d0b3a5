"""The pieces a program is made of and how they are written as Python source: variables
(`Var`), numbers written into the source (`Literal`), expressions (`Expr`) and the renderer,
which puts parentheses exactly where Python's precedence needs them."""
from __future__ import annotations

import math

import numpy as np

class RecordingError(RuntimeError):
    """Something in the recorded code cannot be written down as a NumPy program."""



class Var:
    """One value of the program: a name, and the array it held while recording."""

    __slots__ = ("name", "array", "kind", "source")

    def __init__(self, name, array, kind, source=None):
        self.name = name
        self.array = array  # kept alive while recording, so array ids are never reused
        # "arg" | "temp" | "external" (read from outside at every call: a tensor's array, a setting,
        # the caller's NumPy array) | "constant" (the program's own read-only array: seeds, folded values)
        self.kind = kind
        self.source = source  # for an external or a constant: the Tensor to read, the array itself, a live attribute

    def __repr__(self):
        return self.name


class Literal:
    """A number written into the source (``0.5``, ``np.float32(0.1)``, ``True``, ``None``)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def render(self):
        return "None" if self.value is None else render_number(self.value)

    def __repr__(self):
        return self.render()


class Expr:
    """One node of an expression: ``kind`` is "binop", "unop", "call", "method", "attr" or
    "index"; ``head`` the operator, function or method name; ``args``/``kwargs`` the operands."""

    __slots__ = ("kind", "head", "args", "kwargs")

    def __init__(self, kind, head, args=(), kwargs=None):
        self.kind, self.head, self.args, self.kwargs = kind, head, tuple(args), kwargs or {}


# Python's precedence, lowest first: what decides where parentheses go.
_PRECEDENCE = {"cmp": 1, "|": 2, "^": 3, "&": 4, "+": 5, "-": 5, "*": 6, "/": 6, "@": 6, "unary": 7, "atom": 9}
_COMPARISONS = {"<", "<=", ">", ">=", "==", "!="}


# ---------------------------------------------------------------------------- rendering
def render(value) -> str:
    """Python source for an operand: a stand-in (its name once it has one, else its expression),
    a Var, a Literal, or a plain value."""
    return _render(value)[0]


def _render(value):
    """(source, precedence)."""
    if hasattr(value, "expr"):  # a stand-in: its name once it has one, else its expression
        return _render(value.var) if value.var is not None else _render_expr(value.expr)
    if isinstance(value, Var):
        return value.name, _PRECEDENCE["atom"]
    if isinstance(value, Literal):
        return value.render(), _literal_precedence(value.render())
    if isinstance(value, tuple):
        inner = ", ".join(render(v) for v in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")", _PRECEDENCE["atom"]
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]", _PRECEDENCE["atom"]
    if isinstance(value, slice):
        return f"slice({render(value.start)}, {render(value.stop)}, {render(value.step)})", 9
    if value is Ellipsis:
        return "...", _PRECEDENCE["atom"]
    if value is None or isinstance(value, (bool, str)):
        return repr(value), _PRECEDENCE["atom"]
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return render_dtype(np.dtype(value)), _PRECEDENCE["atom"]
    if isinstance(value, (int, float, np.generic)):
        text = render_number(value)
        return text, _literal_precedence(text)
    raise RecordingError(f"cannot write a {type(value).__name__} value into a NumPy program")


def _literal_precedence(text):
    return _PRECEDENCE["unary"] if text.startswith("-") else _PRECEDENCE["atom"]


def _wrap(value, at_least):
    text, precedence = _render(value)
    return f"({text})" if precedence < at_least else text


def _render_expr(expr):
    kind, head, args = expr.kind, expr.head, expr.args
    if kind == "binop":
        level = _PRECEDENCE["cmp"] if head in _COMPARISONS else _PRECEDENCE[head]
        left = _wrap(args[0], level + (head in _COMPARISONS))
        right = _wrap(args[1], level + 1)
        return f"{left} {head} {right}", level
    if kind == "unop":
        return f"{head}{_wrap(args[0], _PRECEDENCE['unary'])}", _PRECEDENCE["unary"]
    if kind == "attr":
        return f"{_wrap(args[0], 9)}.{head}", 9
    if kind == "index":
        return f"{_wrap(args[0], 9)}[{render_index(args[1])}]", 9
    if kind == "augassign":
        return f"{render(args[0])} {head} {render(args[1])}", 0
    if kind == "setattr":
        return f"{_wrap(args[0], 9)}.{head} = {render(args[1])}", 0
    if kind == "setitem":
        return f"{_wrap(args[0], 9)}[{render_index(args[1])}] = {render(args[2])}", 0
    parts = [render(a) for a in (args[1:] if kind == "method" else args)]
    parts += [f"{k}={render(v)}" for k, v in expr.kwargs.items()]
    if kind == "method":
        return f"{_wrap(args[0], 9)}.{head}({', '.join(parts)})", 9
    return f"{head}({', '.join(parts)})", 9


def render_index(index) -> str:
    """An index as written between brackets: ``1:3, 0`` rather than a tuple of slices."""
    def part(p):
        if isinstance(p, slice):
            text = ":".join("" if v is None else render(v) for v in (p.start, p.stop))
            return text + (f":{render(p.step)}" if p.step is not None else "")
        return render(p)

    if isinstance(index, tuple):
        return "()" if not index else ", ".join(part(p) for p in index) + ("," if len(index) == 1 else "")
    return part(index)


def render_number(x) -> str:
    """A number as source that gives back the same value and dtype: NaN and Inf as np.nan/np.inf,
    float32 as np.float32(...)."""
    if isinstance(x, (bool, np.bool_)):
        text = repr(bool(x))
        return f"np.bool_({text})" if isinstance(x, np.bool_) else text
    if isinstance(x, (int, np.integer)):
        text = repr(int(x))
        return text if type(x) is int else f"np.{np.dtype(type(x)).name}({text})"
    value = float.__float__(x) if isinstance(x, float) else float(x)  # never a subclass's own __float__
    if math.isnan(value):
        text = "np.nan"
    elif math.isinf(value):
        text = "np.inf" if value > 0 else "-np.inf"
    else:
        text = repr(value)
    # a NumPy scalar keeps its type: np.float64(0.5) promotes a float32 array where 0.5 does not
    return f"np.{np.dtype(type(x)).name}({text})" if isinstance(x, np.generic) else text


def render_dtype(dtype) -> str:
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return "np.bool_"
    return f"np.{dtype.name}" if dtype.name in ("float64", "float32", "float16", "int64", "int32", "int8",
                                                "uint8") else f"np.dtype({dtype.str!r})"

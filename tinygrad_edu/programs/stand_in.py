"""`StandIn`: an array that writes down what is done to it, so that an op's forward -- written
once, in array-generic NumPy -- also gives the NumPy source of that op.

A stand-in carries a real array (``value``) and an expression (how it was computed from the
program's variables). NumPy calls on stand-ins go through ``__array_ufunc__`` and
``__array_function__``; operators, methods and indexing are defined here. Each computes the
real result *and* builds the expression, so a forward run on stand-ins returns both the value
and its source. In-place changes (``out +=``, ``np.add.at(out, ...)``, ``out[i] = v``) become
statements, kept in order.

>>> import numpy as np
>>> from tinygrad_edu.programs.source import Literal, Var
>>> block = Block(lookup=Literal)   # how plain numbers are written: as literals
>>> x = StandIn.of(Var("x", np.array([-1.0, 2.0]), "arg"), block)
>>> y = 1.0 / (1.0 + np.exp(-x))
>>> render(y), y.value.round(3).tolist()
('1.0 / (1.0 + np.exp(-x))', [0.269, 0.881])
"""
from __future__ import annotations

import numpy as np

from .source import Expr, RecordingError, render

_BINARY = {np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/", np.matmul: "@",
           np.less: "<", np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=", np.equal: "==",
           np.not_equal: "!=", np.bitwise_and: "&", np.bitwise_or: "|", np.bitwise_xor: "^"}
_UNARY = {np.negative: "-", np.invert: "~"}


class Block:
    """The stand-ins and statements made while one op's forward (or one optimizer update)
    runs on stand-ins, in the order they were made."""

    def __init__(self, lookup):
        self.lookup = lookup  # real array or Python number -> Var or Literal (the recorder's)
        self.items: list = []  # StandIns and Statements
        self.has_statements = False


class Statement:
    """An in-place change: ``expr`` is rendered on a line of its own; ``target`` is changed."""

    __slots__ = ("expr", "target")

    def __init__(self, expr, target):
        self.expr, self.target = expr, target


class StandIn:
    """A real array plus the expression that computed it (see the module docstring)."""

    __slots__ = ("value", "expr", "var", "block")
    __array_priority__ = 1000

    def __init__(self, value, expr, block):
        self.value, self.expr, self.var, self.block = value, expr, None, block
        if block is not None:
            block.items.append(self)

    @classmethod
    def of(cls, var, block=None):
        """The stand-in for a program variable (an argument, a parameter, an earlier result)."""
        stand_in = cls(var.array, None, None)
        stand_in.var = var
        stand_in.block = block
        return stand_in

    # -- what NumPy sees ----------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        block = _block_of(inputs, kwargs)
        out = kwargs.get("out")
        result = getattr(ufunc, method)(*_real(inputs), **_real(kwargs))
        if out is not None or method == "at":
            if isinstance(out, tuple) and len(out) == 1:
                kwargs = {**kwargs, "out": out[0]}  # NumPy hands out= over as a tuple; written as one array
            target = kwargs["out"] if out is not None else inputs[0]
            _statement(block, Expr("call", _numpy_name(ufunc, method), _operands(block, inputs),
                                   _operands(block, kwargs)), target)
            return target if out is not None else None
        if method == "__call__" and not kwargs and len(inputs) == 2 and ufunc in _BINARY:
            return StandIn(result, Expr("binop", _BINARY[ufunc], _operands(block, inputs)), block)
        if method == "__call__" and not kwargs and len(inputs) == 1 and ufunc in _UNARY:
            return StandIn(result, Expr("unop", _UNARY[ufunc], _operands(block, inputs)), block)
        return StandIn(result, Expr("call", _numpy_name(ufunc, method), _operands(block, inputs),
                                    _operands(block, kwargs)), block)

    def __array_function__(self, func, types, args, kwargs):
        block = _block_of(args, kwargs)
        result = func(*_real(args), **_real(kwargs))
        if not isinstance(result, (np.ndarray, np.generic)):
            return result  # a shape, a dtype, a flag: plain Python values
        kwargs = {k: v for k, v in kwargs.items() if k != "like"}  # np.ones(shape, like=x): x only chose us
        return StandIn(result, Expr("call", _numpy_name(func), _operands(block, args), _operands(block, kwargs)), block)

    def __array__(self, dtype=None, copy=None):
        raise RecordingError("a forward pass converted a stand-in array with np.asarray/np.array; ops must stay "
                             "array-generic (operators, array methods and np.* functions) to be written as source")

    def __bool__(self):
        raise RecordingError("a forward pass branched on array values; ops must decide on shapes, dtypes and "
                             "options only, so that the program they are written into is right for any values")

    # -- attributes and methods of ndarray ------------------------------------------------
    shape = property(lambda self: self.value.shape)
    dtype = property(lambda self: self.value.dtype)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)

    @property
    def T(self):
        return StandIn(self.value.T, Expr("attr", "T", (self,)), self.block)

    def _method(self, name, *args, **kwargs):
        result = getattr(self.value, name)(*_real(args), **_real(kwargs))
        block = self.block
        return StandIn(result, Expr("method", name, (self,) + _operands(block, args), _operands(block, kwargs)), block)

    def reshape(self, *shape, **kwargs):
        return self._method("reshape", *shape, **kwargs)

    def astype(self, dtype, **kwargs):
        return self._method("astype", dtype, **kwargs)

    def transpose(self, *axes):
        return self._method("transpose", *axes)

    def swapaxes(self, axis1, axis2):
        return self._method("swapaxes", axis1, axis2)

    def sum(self, *args, **kwargs):
        return self._method("sum", *args, **kwargs)

    def max(self, *args, **kwargs):
        return self._method("max", *args, **kwargs)

    def min(self, *args, **kwargs):
        return self._method("min", *args, **kwargs)

    def copy(self):
        return self._method("copy")

    def __getitem__(self, index):
        block = self.block
        return StandIn(self.value[_real(index)], Expr("index", None, (self, _operands(block, (index,))[0])), block)

    def __setitem__(self, index, value):
        self.value[_real(index)] = _real(value)
        block = self.block
        _statement(block, Expr("setitem", None, (self, _operands(block, (index,))[0], _operands(block, (value,))[0])),
                   self)

    # -- operators --------------------------------------------------------------------------
    def __add__(self, other): return np.add(self, other)  # noqa: E704 - one line each, like a table
    def __radd__(self, other): return np.add(other, self)  # noqa: E704
    def __sub__(self, other): return np.subtract(self, other)  # noqa: E704
    def __rsub__(self, other): return np.subtract(other, self)  # noqa: E704
    def __mul__(self, other): return np.multiply(self, other)  # noqa: E704
    def __rmul__(self, other): return np.multiply(other, self)  # noqa: E704
    def __truediv__(self, other): return np.true_divide(self, other)  # noqa: E704
    def __rtruediv__(self, other): return np.true_divide(other, self)  # noqa: E704
    def __matmul__(self, other): return np.matmul(self, other)  # noqa: E704
    def __rmatmul__(self, other): return np.matmul(other, self)  # noqa: E704
    def __pow__(self, other): return np.power(self, other)  # noqa: E704
    def __rpow__(self, other): return np.power(other, self)  # noqa: E704
    def __neg__(self): return np.negative(self)  # noqa: E704
    def __invert__(self): return np.invert(self)  # noqa: E704
    def __and__(self, other): return np.bitwise_and(self, other)  # noqa: E704
    def __rand__(self, other): return np.bitwise_and(other, self)  # noqa: E704
    def __or__(self, other): return np.bitwise_or(self, other)  # noqa: E704
    def __ror__(self, other): return np.bitwise_or(other, self)  # noqa: E704
    def __xor__(self, other): return np.bitwise_xor(self, other)  # noqa: E704
    def __lt__(self, other): return np.less(self, other)  # noqa: E704
    def __le__(self, other): return np.less_equal(self, other)  # noqa: E704
    def __gt__(self, other): return np.greater(self, other)  # noqa: E704
    def __ge__(self, other): return np.greater_equal(self, other)  # noqa: E704
    def __eq__(self, other): return np.equal(self, other)  # noqa: E704
    def __ne__(self, other): return np.not_equal(self, other)  # noqa: E704
    def __iadd__(self, other): return self._in_place(np.add, "+=", other)  # noqa: E704
    def __isub__(self, other): return self._in_place(np.subtract, "-=", other)  # noqa: E704
    def __imul__(self, other): return self._in_place(np.multiply, "*=", other)  # noqa: E704
    def __itruediv__(self, other): return self._in_place(np.true_divide, "/=", other)  # noqa: E704
    __hash__ = object.__hash__

    def _in_place(self, ufunc, symbol, other):
        """``self -= other``: the array changes, and the program says so as Python would."""
        ufunc(self.value, _real(other), out=self.value)
        _statement(self.block, Expr("augassign", symbol, (self, _operand(self.block, other))), self)
        return self


def _block_of(args, kwargs):
    for value in list(args) + list(kwargs.values()):
        for item in value if isinstance(value, (tuple, list)) else (value,):  # np.stack([a, b])
            if isinstance(item, StandIn) and item.block is not None:
                return item.block
    raise RecordingError("an operation on stand-in arrays outside a recording block")


def _statement(block, expr, target):
    if not isinstance(target, StandIn):
        raise RecordingError("an in-place change of an array the program does not know")
    block.items.append(Statement(expr, target))
    block.has_statements = True


def _real(value):
    """The real values inside arguments (stand-ins replaced by their arrays)."""
    if isinstance(value, StandIn):
        return value.value
    if isinstance(value, tuple):
        return tuple(_real(v) for v in value)
    if isinstance(value, list):
        return [_real(v) for v in value]
    if isinstance(value, dict):
        return {k: _real(v) for k, v in value.items()}
    if isinstance(value, slice):
        return slice(_real(value.start), _real(value.stop), _real(value.step))
    return value


def _operands(block, values):
    """Arguments as expression operands: stand-ins stay; arrays and Python numbers become the
    program's Vars and Literals (the recorder decides which); the rest stays as it is."""
    if isinstance(values, dict):
        return {k: _operand(block, v) for k, v in values.items()}
    return tuple(_operand(block, v) for v in values)


def _operand(block, value):
    if isinstance(value, StandIn):
        return value
    if isinstance(value, (np.ndarray, np.generic, float, int)) and not isinstance(value, bool):
        return block.lookup(value)
    if isinstance(value, tuple):
        return tuple(_operand(block, v) for v in value)
    if isinstance(value, list):
        return [_operand(block, v) for v in value]
    if isinstance(value, slice):
        return slice(_operand(block, value.start), _operand(block, value.stop), _operand(block, value.step))
    return value


def _numpy_name(func, method="__call__"):
    """``np.sum``, ``np.add.at``, ``np.linalg.norm``: the source name of a NumPy callable."""
    name = func.__name__
    module = getattr(func, "__module__", None) or "numpy"
    prefix = "np" if module == "numpy" or isinstance(func, np.ufunc) else None
    if prefix is None and module.startswith("numpy.") and not module.split(".")[1].startswith("_"):
        prefix = "np." + module.split(".", 1)[1]
    if prefix is None and getattr(np, name, None) is func:
        prefix = "np"
    if prefix is None:
        raise RecordingError(f"cannot write the NumPy function {module}.{name} into a program")
    return f"{prefix}.{name}" + ("" if method == "__call__" else f".{method}")



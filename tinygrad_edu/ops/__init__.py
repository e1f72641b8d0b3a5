"""The primitive ops, one small `Function` subclass each, grouped by kind.

To add an op: write its Function here (forward on arrays, backward in Tensor ops, side by
side), give `Tensor` a method that calls ``YourOp.apply(...)``, and add a row to the op table
in ``tests/op_table.py`` so the gradient tests cover it.
"""
from .arithmetic import Add, Div, Mul, Neg, Pow, PowConst, Sub
from .linalg import Matmul
from .movement import BroadcastTo, Concatenate, GetItem, Reshape, ScatterAdd, Stack, Transpose
from .reduce import Max, Min, Sum
from .selection import Clip, Maximum, Minimum, Where
from .unary import Abs, Cos, Exp, Log, Relu, Sigmoid, Sin, Softplus, Tanh

__all__ = [
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "PowConst", "Matmul",
    "BroadcastTo", "Concatenate", "GetItem", "Reshape", "ScatterAdd", "Stack", "Transpose",
    "Max", "Min", "Sum", "Clip", "Maximum", "Minimum", "Where",
    "Abs", "Cos", "Exp", "Log", "Relu", "Sigmoid", "Sin", "Softplus", "Tanh",
]

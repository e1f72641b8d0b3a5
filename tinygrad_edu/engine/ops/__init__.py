"""The primitive ops, one small `Function` subclass each, grouped by kind.

To add an op: write its Function here (forward and backward side by side, both array-generic:
see tinygrad_edu/engine/function.py; a backward written with ops that have backward rules
gives derivatives of every order), give `Tensor` a method that calls ``YourOp.apply(...)``
(engine/tensor_math.py), and add a row to the op table in ``tests/op_table.py`` so the
gradient, second-derivative, two-mode and program tests cover it, with its reference in
tests/test_oracle_autograd.py. An elementwise function usually also wants its NumPy ufunc in
``UFUNCS`` (engine/numpy_protocol.py: ``np.f(t)`` and backward formulas that call ``np.f``),
its free function in numpy_api.py's ``_NAMES`` (``tg.f``), and a formula function in
expr.py's ``FUNCTIONS`` (``tinygrad-edu diff``).
"""
from .arithmetic import Add, Div, Mul, Neg, Pow, PowConst, Sub
from .convolution import AvgPool2d, Conv2d, ConvInputGrad, ConvWeightGrad, Fold, MaxPool2d, Unfold
from .linalg import Matmul
from .movement import BroadcastTo, Cast, CastToIntegers, Clone, Concatenate, GetItem, Reshape, ScatterAdd, Stack, Transpose
from .nograd import NoGradient
from .reduce import Max, Min, Sum
from .softmax import LogSoftmax, Softmax
from .selection import Clip, Maximum, Minimum, Where
from .unary import (Abs, Arccos, Arcsin, Arctan, Arctan2, Cos, Cosh, Exp, Expm1, Log, Log1p, Log2, Log10, Relu,
                    Sigmoid, Sin, Sinh, Softplus, Tan, Tanh)

__all__ = [
    "Add", "Sub", "Mul", "Div", "Neg", "Pow", "PowConst", "Matmul",
    "Conv2d", "ConvInputGrad", "ConvWeightGrad", "Unfold", "Fold", "MaxPool2d", "AvgPool2d",
    "BroadcastTo", "Cast", "CastToIntegers", "Clone", "Concatenate", "GetItem", "Reshape", "ScatterAdd", "Stack", "Transpose",
    "Max", "Min", "Sum", "LogSoftmax", "Softmax", "Clip", "Maximum", "Minimum", "Where", "NoGradient",
    "Abs", "Cos", "Exp", "Log", "Relu", "Sigmoid", "Sin", "Softplus", "Tanh",
    "Tan", "Arctan", "Arcsin", "Arccos", "Sinh", "Cosh", "Log10", "Log2", "Log1p", "Expm1", "Arctan2",
]

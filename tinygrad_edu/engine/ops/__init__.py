"""The primitive ops, one `Function` subclass each, grouped by kind in the modules here.

An op is declared once, as its class: ``forward``, ``backward``, its ``formula`` (the
derivative, stated once), and the names under which it is reachable besides its Tensor
method (see `Function`): ``numpy_ufuncs`` (``np.sin(t)``), ``tg_functions`` (``tg.sin(x)``)
and ``formula_functions`` (``sin(x)`` in ``tinygrad-edu diff``). Every table that makes an op
reachable is generated from those declarations: `OPS` and ``__all__`` here, NumPy's dispatch
(engine/numpy_protocol.py), the free functions (numpy_api.py), the formula grammar (expr.py)
and docs/derivatives.md (scripts/make_api_docs.py). tests/test_op_declarations.py fails when an
op is missing from any of them.

To add an op: write its class in the module of its kind, give `Tensor` a method that calls
``YourOp.apply(...)`` (engine/tensor_math.py), and add one row to ``tests/op_table.py``, with
its independent reference (docs/autograd.md, "Adding an op to the library").
"""
import inspect

from ..function import Function
from . import adjoint_helpers, arithmetic, convolution, linalg, losses, movement, nograd, reduce, selection, softmax, unary

MODULES = (arithmetic, unary, selection, reduce, softmax, linalg, movement, convolution, losses, nograd)


def _ops_of(module):
    """The public Function subclasses a module defines, in the order it defines them."""
    return [value for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, Function) and value.__module__ == module.__name__
            and not name.startswith("_")]


OPS = {op.__name__: op for module in MODULES for op in _ops_of(module)}  # class name -> op class
globals().update(OPS)  # ops.Add, ops.Sin, ... (from tinygrad_edu.ops import Mul)
__all__ = list(OPS)


def declared(attribute):
    """``{name: op}`` for every name the ops declare in ``attribute`` ("numpy_ufuncs",
    "tg_functions" or "formula_functions"), in the order the ops are defined.

    >>> declared("formula_functions")["ln"]
    <class 'tinygrad_edu.engine.ops.unary.Log'>
    """
    return {name: op for op in OPS.values() for name in vars(op).get(attribute, ())}  # its own, not inherited


def arity(op):
    """How many inputs ``op`` takes: one per input its backward receives (None for any number).

    >>> arity(unary.Arctan2), arity(reduce.Sum), arity(movement.Stack)
    (2, 1, None)
    """
    parameters = list(inspect.signature(op.backward).parameters.values())[2:]  # after self, grad
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return None
    return len(parameters)

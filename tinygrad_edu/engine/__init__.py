"""The engine: `Tensor`, the graph's nodes (`Function`), the primitive ops, the backward
engine (`autograd`) and anomaly mode -- the only code that knows how the graph is made --
and `arguments`, the one rule every layer and loop applies to the counts users pass.

Everything else in tinygrad_edu (nn, transforms, drawings, the program writers) sits on top
and reads graphs through the walker in `autograd` (``tensors_in_order``, ``graph_inputs``,
``latest_gradient``).
"""
from . import autograd, ops
from .anomaly import AnomalyError, detect_anomaly
from .function import Function, shape_str
from .grad_mode import enable_grad, grad_mode, is_grad_enabled, no_grad, set_grad_enabled
from .tensor import Tensor, as_tensor, concatenate, stack, where

__all__ = ["autograd", "ops", "AnomalyError", "detect_anomaly", "Function", "enable_grad", "grad_mode",
           "is_grad_enabled", "no_grad", "set_grad_enabled", "shape_str", "Tensor", "as_tensor", "concatenate",
           "stack", "where"]

"""tinygrad_edu: a small, clear reverse-mode autodiff framework on NumPy.

>>> import tinygrad_edu as tg
>>> a = tg.tensor(2.0, requires_grad=True)
>>> b = tg.tensor(-3.0, requires_grad=True)
>>> c = a * b + b ** 2     # c = ab + b^2
>>> c.backward()
>>> a.grad.item(), b.grad.item()   # dc/da = b, dc/db = a + 2b
(-3.0, -4.0)
"""
import sys as _sys

import numpy as _np

from .engine import autograd, ops

# The engine moved into tinygrad_edu/engine; its two public modules keep their import paths too
# (import tinygrad_edu.autograd, from tinygrad_edu.ops import Mul).
_sys.modules[__name__ + ".autograd"] = autograd
_sys.modules[__name__ + ".ops"] = ops
from .engine.autograd import explain_grad
from .creation import arange, eye, full, linspace, manual_seed, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .engine.anomaly import AnomalyError, detect_anomaly
from .engine.concrete import ConcretizationError
from .engine.function import Function
from .engine.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .numpy_api import *  # noqa: F401,F403 - exp, log, sum, ... as free functions
from .numpy_api import __all__ as _numpy_api_names
from .engine.tensor import Tensor, as_tensor, cat, concatenate, stack, where

from . import data, nn, optim  # noqa: E402 - they build on Tensor
from .functional import grad, hessian, jacobian, value_and_grad  # noqa: E402
from .calculus import NotDifferentiableWarning, derivative, derivatives, tangent_line, taylor  # noqa: E402
from .gradcheck import GradientReport, check_against, check_formula, gradcheck, gradgradcheck  # noqa: E402
from .compare import Comparison, compare, comparison  # noqa: E402
from .serialization import load, save  # noqa: E402
from .training import History, fit  # noqa: E402
from .programs.compile import compile  # noqa: E402,A004 - tg.compile, as torch.compile
from .programs.codegen import codegen  # noqa: E402
from . import programs  # noqa: E402
from . import expr, viz  # noqa: E402
from .viz.explorer import explore  # noqa: E402
from .viz.graph import draw_graph  # noqa: E402
from .viz.trace import trace  # noqa: E402

float32 = _np.float32
float64 = _np.float64

__version__ = "0.1.0"

__all__ = [
    "Tensor", "tensor", "as_tensor", "zeros", "ones", "full", "zeros_like", "ones_like", "randn",
    "rand", "manual_seed", "arange", "linspace", "eye", "where", "concatenate", "cat", "stack",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "explain_grad",
    "detect_anomaly", "AnomalyError", "ConcretizationError", "NotDifferentiableWarning",
    "Function", "autograd", "ops", "float32", "float64",
    "nn", "optim", "data", "save", "load", "fit", "History",
    "grad", "value_and_grad", "jacobian", "hessian",
    "gradcheck", "gradgradcheck", "check_formula", "check_against", "GradientReport", "compare", "comparison", "Comparison",
    "derivative", "derivatives", "tangent_line", "taylor", "trace", "viz", "draw_graph", "explore",
    "compile", "codegen",
] + [n for n in _numpy_api_names if n not in ("where", "concatenate", "stack")]

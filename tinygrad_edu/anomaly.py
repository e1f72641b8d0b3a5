"""Anomaly mode: stop at the first NaN or Inf, and say which op made it and where.

Inside ``with tg.detect_anomaly():`` every op records the line of user code that created it,
and every result -- of the forward pass and of each backward formula -- is checked. Outside
it, nothing here runs.
"""
import os
import traceback

import numpy as np

from . import function
from .function import _ModeSwitch


class AnomalyError(RuntimeError):
    """A NaN or Inf appeared; ``.node`` is the op that produced it and ``.output`` its result."""

    def __init__(self, message, node=None, output=None):
        super().__init__(message)
        self.node, self.output = node, output


class detect_anomaly(_ModeSwitch):
    """Raise at the first NaN or Inf produced in the forward or the backward pass.

    The error names the op, the shapes of its inputs and the line of your code that created
    the node (creation sites are recorded only inside this block, so normal runs pay nothing).
    ``tg.draw_graph(error.output)`` then shows the offending op in red.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([1.0, -1.0], requires_grad=True)
    >>> with tg.detect_anomaly():
    ...     try:
    ...         y = x.log()
    ...     except tg.AnomalyError as error:
    ...         print(str(error).splitlines()[0])
    forward: 'log' produced NaN from finite inputs of shapes (2,)
    """

    attribute = "anomaly"

    def __init__(self, enabled=True):
        super().__init__(enabled)


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def user_frame():
    """'file:line in function: code' of the innermost caller outside tinygrad_edu."""
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}"
    return "(unknown)"


def _nonfinite_kind(array):
    if array.dtype.kind != "f" or np.all(np.isfinite(array)):
        return None
    return "NaN" if np.any(np.isnan(array)) else "Inf"


def check_forward(node, inputs, out):
    """Anomaly mode: raise if ``out`` has NaN/Inf although every input was finite."""
    kind = _nonfinite_kind(out)
    if kind is None or any(_nonfinite_kind(t.data) for t in inputs):
        return
    shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
    node.anomaly = f"produced {kind} in the forward pass"
    result = function.Tensor._make(out, any(t.requires_grad for t in inputs), node if node.parents else None)
    raise AnomalyError(
        f"forward: '{node.describe()}' produced {kind} from finite inputs of shapes {shapes}\n"
        f"  created at {node.created_at}\n"
        "  Check the values reaching this op (log and sqrt of values <= 0, division by 0, "
        "overflowing exp).", node, result)


def check_backward(node, grad, input_grads):
    """Anomaly mode: raise if a backward formula turned a finite gradient into NaN/Inf."""
    if _nonfinite_kind(grad.data):
        return
    for i, g in enumerate(input_grads):
        kind = None if g is None else _nonfinite_kind(g.data)
        if kind:
            node.anomaly = f"produced {kind} in the backward pass"
            shapes = ", ".join(str(tuple(p.shape)) for p in node.parents)
            raise AnomalyError(
                f"backward: the backward of '{node.describe()}' produced {kind} in the gradient of "
                f"its input {i} (inputs of shapes {shapes})\n  created at {node.created_at}\n"
                "  The op's derivative is infinite or undefined here, e.g. sqrt or log at 0.",
                node)

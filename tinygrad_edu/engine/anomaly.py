"""Anomaly mode: stop at the first NaN or Inf, and say which op made it and where.

Inside ``with tg.detect_anomaly():`` every op records the line of user code that created it,
and every result -- of the forward pass and of each backward formula -- is checked. Outside
it, nothing here runs.
"""
import os
import sys
import traceback

import numpy as np

from . import function
from .grad_mode import _ModeSwitch, decorated


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

    def __new__(cls, enabled=True):
        if callable(enabled):  # @tg.detect_anomaly without parentheses
            return decorated(cls, enabled)
        return super().__new__(cls)

    def __init__(self, enabled=True):
        super().__init__(enabled)


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_frame():
    """'file:line in function: code' of the innermost caller outside tinygrad_edu."""
    for frame in reversed(traceback.extract_stack()):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f"{frame.filename}:{frame.lineno} in {frame.name}: {(frame.line or '').strip()}"
    return "(unknown)"


def user_stacklevel() -> int:
    """The ``stacklevel`` for `warnings.warn` that points at the innermost caller outside
    tinygrad_edu (the user's line), counted from the function that calls this one."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


def _nonfinite_kind(value):
    array = np.asarray(value.data if isinstance(value, function.Tensor) else value)
    if array.dtype.kind != "f" or np.all(np.isfinite(array)):
        return None
    return "NaN" if np.any(np.isnan(array)) else "Inf"


def _origin(node):
    """Where the node was made, for the message."""
    if node.created_at is not None:
        return f"created at {node.created_at}"
    return ("created outside tg.detect_anomaly(), or by an earlier backward pass with "
            "create_graph=True (the graph of a derivative, as tg.hessian makes)")


def _shapes(inputs):
    return ", ".join(str(np.shape(x.data if isinstance(x, function.Tensor) else x)) for x in inputs)


def note_forward(node, inputs, out, recorded):
    """Anomaly mode, after an op's forward: remember where the node was made, and raise if
    ``out`` has NaN/Inf although every input was finite."""
    node.created_at = user_frame()
    kind = _nonfinite_kind(out)
    if kind is None or any(_nonfinite_kind(x) for x in inputs):
        return
    node.anomaly = f"produced {kind} in the forward pass"
    if not recorded:  # keep the inputs anyway, so the drawing of the error shows where it came from
        node.inputs, node.arrays, node.grad, node.module, node.stamp = inputs, [], None, None, 0
        node.needs_input_grad = [False] * len(inputs)
        node.options = {}
    result = function.Tensor._make(out, recorded, node)
    raise AnomalyError(
        f"forward: '{node.describe()}' produced {kind} from finite inputs of shapes {_shapes(inputs)}\n"
        f"  {_origin(node)}\n"
        "  Check the values reaching this op (log and sqrt of values <= 0, division by 0, "
        "overflowing exp).", node, result)


def check_backward(node, grad, input_grads):
    """Anomaly mode: raise if a backward formula turned a finite gradient into NaN/Inf."""
    if _nonfinite_kind(grad):
        return
    for i, g in enumerate(input_grads):
        kind = None if g is None else _nonfinite_kind(g)
        if kind:
            node.anomaly = f"produced {kind} in the backward pass"
            raise AnomalyError(
                f"backward: the backward of '{node.describe()}' produced {kind} in the gradient of "
                f"its input {i} (inputs of shapes {_shapes(node.inputs)})\n  {_origin(node)}\n"
                "  The op's derivative is infinite or undefined here, e.g. sqrt or log at 0.",
                node)

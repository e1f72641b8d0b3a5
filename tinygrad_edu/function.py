"""The node type of the graph (`Function`) and the switch that turns recording on and off.

Every primitive op is a subclass of `Function` with two methods side by side:

* ``forward(self, *arrays, **options)`` computes the result on NumPy arrays and stores on
  ``self`` whatever the backward pass will need (``self.save_for_backward(...)``);
* ``backward(self, grad)`` receives the gradient of the output as a `Tensor` and returns one
  gradient per input, written in Tensor operations. Because backward is made of ordinary
  Tensor ops, running it with recording switched on (``create_graph=True``) records the
  gradient's own graph, which is what gives second and third derivatives for free.

`Function.apply` runs forward and, when recording is on and some input requires grad, links
the output to this node. The node *is* the context object: one object per op call.
"""
from __future__ import annotations

import functools
import itertools
import os
import threading
import traceback

import numpy as np


Tensor = None  # the Tensor class; tensor.py fills this in when it is imported (it imports us)


class _GradMode(threading.local):
    """Per-thread switches: one thread's ``no_grad`` block must not affect another's."""

    enabled = True
    module = None  # the innermost Module being called; recorded nodes remember it (for drawings)
    anomaly = False  # detect_anomaly(): check every result for NaN/Inf and remember where nodes came from


# A clock that ticks once per recorded op and once per in-place update: comparing ticks tells
# whether a tensor was changed after an op saved it for backward (see Tensor._update_in_place).
clock = itertools.count()


grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when new ops are being recorded for autograd (the default)."""
    return grad_mode.enabled


class _ModeSwitch:
    """A per-thread switch (``grad_mode.<attribute>``) as a context manager or a decorator.

    `no_grad`, `enable_grad`, `set_grad_enabled` and `detect_anomaly` are this, each with its
    own attribute and value.
    """

    attribute = "enabled"
    target = True

    def __init__(self, target=None):
        if target is not None:
            self.target = bool(target)

    def __enter__(self):
        self._previous = getattr(grad_mode, self.attribute)
        setattr(grad_mode, self.attribute, self.target)
        return self

    def __exit__(self, *exc_info):
        setattr(grad_mode, self.attribute, self._previous)
        return False

    def __call__(self, func):
        switch, target = type(self), self.target

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with switch(target):
                return func(*args, **kwargs)

        return wrapper


class no_grad(_ModeSwitch):
    """Stop recording: ops inside the block build no graph (used for weight updates).

    >>> import tinygrad_edu as tg
    >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> with tg.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False

    Also a decorator: ``@tg.no_grad()`` on a function runs its body without recording.
    """

    target = False


class enable_grad(_ModeSwitch):
    """Turn recording back on inside a `no_grad` block (context manager or decorator)."""

    target = True


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
    result = Tensor._make(out, any(t.requires_grad for t in inputs), node if node.parents else None)
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


class set_grad_enabled(_ModeSwitch):
    """``with tg.set_grad_enabled(flag):`` records only when ``flag`` is true."""

    def __init__(self, mode: bool):
        super().__init__(mode)


class Function:
    """One recorded op call: a node of the graph and the context its backward needs.

    Attributes a graph walker may read:

    * ``parents`` -- the input Tensors, in call order (``None`` once the graph is freed);
    * ``edges`` -- after freeing, what each input led to: its ``grad_fn`` or the leaf Tensor;
    * ``name`` -- the op's short name (``"mul"``, ``"matmul"``);
    * ``describe()`` -- the name with the op's options (``"sum(axis=1)"``);
    * ``module`` -- the innermost `Module` whose forward recorded the node, or None.
    """

    __slots__ = ("parents", "saved", "edges", "hooks", "retained", "module", "stamp", "modified",
                 "__dict__", "__weakref__")
    name = "function"

    def __init__(self):
        self.parents = ()
        self.saved = ()
        self.edges = None
        self.hooks = None  # gradient hooks registered on this node's output tensor
        self.retained = None  # weakref to the output tensor when it asked for retain_grad()
        self.module = None  # the Module whose forward recorded this node, if any
        self.stamp = 0  # the clock's tick when the node was recorded
        self.modified = None  # (old, new) version when the output it saved was changed in place

    # -- to be written by each op ---------------------------------------------------------
    def forward(self, *arrays, **options):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover - abstract
        raise NotImplementedError

    # -- helpers for op authors ----------------------------------------------------------
    def save_for_backward(self, *arrays):
        """Keep arrays for backward; they are dropped when the graph is freed."""
        self.saved = arrays

    def output(self):
        """The forward output, saved with ``save_for_backward(out)`` as the first entry, as a Tensor.

        When the gradient's graph is being recorded (``create_graph=True``) the returned
        Tensor is linked to this node, so formulas such as ``exp' = exp`` stay differentiable.
        """
        if grad_mode.enabled:
            return Tensor._make(self.saved[0], True, self)
        return Tensor._make(self.saved[0], False, None)

    def describe(self) -> str:
        """The label shown in traces and graph drawings; ops with options override it."""
        return self.name

    # -- graph bookkeeping used by the engine --------------------------------------------
    @property
    def is_freed(self) -> bool:
        return self.parents is None

    def release(self):
        """Drop saved arrays and the input Tensors after backward (``retain_graph=False``).

        The graph's shape survives in ``edges`` (each input's ``grad_fn``, or the leaf itself),
        so it can still be walked and drawn, but a second backward through it is refused.
        """
        if self.parents is None:
            return
        self.edges = tuple(p.grad_fn if p.grad_fn is not None else p for p in self.parents)
        self.parents = None
        self.saved = ()

    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on Tensors and record it when some input requires grad."""
        node = cls()
        try:
            if grad_mode.anomaly:  # our error below says more than NumPy's warning would
                with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                    out = node.forward(*[t.data for t in inputs], **options)
            else:
                out = node.forward(*[t.data for t in inputs], **options)
        except ValueError as error:
            raise ValueError(node.explain_failure(inputs, error)) from error
        except TypeError as error:  # e.g. axis="a": say which op and what it was given
            raise TypeError(node.explain_failure(inputs, error)) from error
        if grad_mode.anomaly:
            node.created_at = user_frame()
            if grad_mode.enabled and any(t.requires_grad for t in inputs):
                node.parents = inputs
            check_forward(node, inputs, out)
        if grad_mode.enabled:
            for t in inputs:
                if t.requires_grad:
                    node.parents = inputs
                    node.module = grad_mode.module
                    node.stamp = next(clock)
                    return Tensor._make(out, True, node)
            return Tensor._make(out, False, None, "constant")
        return Tensor._make(out, False, None, "no_grad")

    hint = ""  # one sentence on the usual fix, shown when forward rejects its inputs

    def explain_failure(self, inputs, error) -> str:
        shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
        message = f"{self.describe()}: cannot apply to inputs of shapes {shapes}: {error}"
        return f"{message}. {self.hint}" if self.hint else message

    def __repr__(self):
        return f"<{type(self).__name__} {self.describe()}>"


def shape_str(shape) -> str:
    """Shapes in messages look like Python tuples: (2, 3), (3,), ()."""
    return str(tuple(shape))


__all__ = [
    "Function", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "shape_str",
    "detect_anomaly", "AnomalyError",
]

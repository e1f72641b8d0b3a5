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

Each op also states its forward as NumPy source: ``code`` is one expression over the inputs
``{0}``, ``{1}`` (``{inputs}`` for all of them) and the node's attributes (``{axis}``), and
``saved_code`` gives one expression per saved array (``{out}`` is the output). `tg.compile`
and `tg.codegen` write programs from them (program.py).
"""
from __future__ import annotations

import functools
import itertools
import threading

import numpy as np


Tensor = None  # the Tensor class; tensor.py fills this in when it is imported (it imports us)


class _GradMode(threading.local):
    """Per-thread switches: one thread's ``no_grad`` block must not affect another's."""

    enabled = True
    module = None  # the innermost Module being called; recorded nodes remember it (for drawings)
    anomaly = False  # detect_anomaly() (anomaly.py): check every result, remember where nodes came from
    recorder = None  # a program.Recorder while tg.compile traces a call or tg.codegen writes source


# A clock that ticks once per recorded op and once per in-place update: comparing ticks tells
# whether a tensor was changed after an op saved it for backward (see Tensor._note_in_place).
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

    __slots__ = ("parents", "saved", "__dict__", "__weakref__")
    name = "function"
    # Rarely set, so class-level defaults: an instance stores them only when it needs them,
    # which keeps creating a node (once per op) cheap.
    edges = None  # after release(): what each input led to
    hooks = None  # gradient hooks registered on this node's output tensor
    retained = None  # weakref to the output tensor when it asked for retain_grad()
    module = None  # the Module whose forward recorded this node, if any
    stamp = 0  # the clock's tick when the node was recorded
    modified = None  # (old, new) version when the output it saved was changed in place

    code = None  # the forward as one NumPy expression, e.g. "{0} * {1}" (see the module docstring)
    saved_code = ()  # one NumPy expression per array given to save_for_backward, e.g. ("{0} > 0",)

    def __init__(self):
        self.parents = ()
        self.saved = ()

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
        anomaly_mode = grad_mode.anomaly
        try:
            if anomaly_mode:  # our error below says more than NumPy's warning would
                with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                    out = node.forward(*[t.data for t in inputs], **options)
            else:
                out = node.forward(*[t.data for t in inputs], **options)
        except ValueError as error:
            raise ValueError(node.explain_failure(inputs, error)) from error
        except TypeError as error:  # e.g. axis="a": say which op and what it was given
            raise TypeError(node.explain_failure(inputs, error)) from error
        if grad_mode.recorder is not None:  # tg.compile / tg.codegen: write this op down as NumPy source
            grad_mode.recorder.op(node, inputs, out)
        if anomaly_mode:
            node.created_at = anomaly.user_frame()
            if grad_mode.enabled and any(t.requires_grad for t in inputs):
                node.parents = inputs
            anomaly.check_forward(node, inputs, out)
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


__all__ = ["Function", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "shape_str"]

from . import anomaly  # noqa: E402 - it builds on the switches above

"""The node type of the graph (`Function`), and how an op runs and is recorded (`apply`).

Every primitive op is a subclass of `Function` with two methods side by side, both written in
*array-generic* NumPy -- operators, array methods and ``np.*`` functions, nothing that only an
ndarray has:

* ``forward(self, *inputs, **options)`` computes the result from arrays (and Python numbers)
  and keeps what backward will need with ``self.save_for_backward(...)``;
* ``backward(self, grad, *inputs)`` returns one gradient per input: the chain rule for this op.

Because the backward formula is array-generic, the engine runs it two ways (autograd.py):
on plain ndarrays when nobody wants the gradient's own graph -- bare NumPy speed -- and on
Tensors, which support NumPy's dispatch protocols, when ``create_graph=True`` asks for the
graph of the gradient (higher derivatives) or a program is being written. Both give the same
bits. The forward is array-generic for the same reason: the program writers run it on
stand-in arrays to read off the NumPy source of each op (tinygrad_edu/programs).

`Function.apply` runs forward on Tensors and, when recording is on and some input requires
grad, links the output to this node. The node *is* the context object: one per op call.
"""
from __future__ import annotations

import numpy as np

from .grad_mode import clock, grad_mode

_ticks = clock.ticks  # next(_ticks) stamps a recorded node

Tensor = None  # the Tensor class; tensor.py fills this in when it is imported (it imports us)
_tensor = None  # Tensor's fast internal constructor (Tensor._make), filled in with it
_new = object.__new__


class Function:
    """One recorded op call: a node of the graph and the context its backward needs.

    What a graph walker may read (through `tinygrad_edu.autograd`'s walker):

    * ``inputs`` -- what the op was applied to, in call order: Tensors, and Python numbers or
      arrays used as constants (the node's own copies of the caller's arrays whose values it
      reads: see ``reads_inputs``). Kept after backward, so every value stays readable;
    * ``grad`` -- the gradient that reached this node's output in the latest backward (an
      array, or a Tensor under ``create_graph=True``), None before any;
    * ``name`` -- the op's short name (``"mul"``); ``describe()`` adds its options
      (``"sum(axis=1)"``);
    * ``module`` -- the innermost `Module` whose forward recorded the node, or None;
    * ``released`` -- True once backward freed what the op saved (a second backward is refused).

    Op authors use ``save_for_backward``, ``saved_for(grad)``, ``output(grad)`` and
    ``needs_input_grad`` (one bool per input: does it want a gradient?).
    """

    __slots__ = ("inputs", "arrays", "needs_input_grad", "saved", "options", "grad", "module", "stamp",
                 "__dict__", "__weakref__")
    name = "function"
    formula = ""  # the derivative, stated once: "∂(a·b)/∂a = b,  ∂(a·b)/∂b = a" (one partial per input)
    # Where the op is reachable besides its Tensor method; engine/ops/__init__.py generates every
    # such table from these (NumPy's dispatch, the tg.* functions, the formula grammar):
    numpy_ufuncs = ()  # NumPy's ufuncs that are this op on Tensors: ("sin",) makes np.sin(t) record it
    tg_functions = ()  # its Tensor methods that are also free functions: ("sin",) makes tg.sin(x) = x.sin()
    formula_functions = ()  # its names in formulas (tinygrad-edu diff, tg.expr): ("log", "ln")
    differentiable = True  # False for ops whose result never has a gradient (comparisons, argmax)
    hint = ""  # one sentence on the usual fix, shown when forward rejects its inputs
    kink = ""  # ops with corners (relu, abs, ...): the value their derivative takes there, "relu'(0) = 0"
    # Rare, so class-level defaults: a node stores them only when it needs them.
    hooks = None  # gradient hooks registered on this node's output tensor
    retained = None  # weakref to the output tensor when it asked for retain_grad()
    output_versions = None  # the version counter of the output, when forward saved it (made at version 0)
    makes_views = False  # True for ops whose output may share the input's memory (reshape, slices)
    # What a recorded node keeps must stay what forward used, although the caller still holds the
    # NumPy arrays it passed (an index buffer refilled for the next micro-batch, a target array
    # refilled before backward()). So when a node is recorded, the engine copies them -- once, as
    # tg.tensor(array) would -- unless the op reads nothing but their shapes:
    reads_inputs = True  # False: backward reads only the inputs' shapes (add, sub, where, concatenate)
    array_options = ()  # the options that may hold arrays backward reads (an index, a condition)
    created_at = None  # anomaly mode: the line of user code that made the node
    anomaly = None  # anomaly mode: what went wrong here

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.name == "function":  # an op without a name of its own is shown by its class's: "cube"
            cls.name = cls.__name__.lower()

    # -- to be written by each op ---------------------------------------------------------
    def forward(self, *inputs, **options):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad, *inputs):  # pragma: no cover - abstract
        raise NotImplementedError

    def at_kink(self, *inputs):
        """Ops with corners override this: True (an array, or a bool) where the inputs sit on a
        corner, where the op has no derivative and backward uses the value `kink` names. The
        calculus helpers read it to say so (calculus.py); backward never calls it."""
        return False

    # -- helpers for op authors ----------------------------------------------------------
    def save_for_backward(self, *arrays):
        """Keep arrays for backward (``self.saved``); they are dropped when the graph is freed."""
        self.saved = arrays

    def saved_for(self, grad):
        """What forward saved, in the kind of ``grad``: the arrays themselves when the formula
        runs on arrays, constant Tensors around them when it runs on Tensors (so that even
        ``1.0 - mask`` is an op, which programs record and graphs of gradients contain)."""
        if not isinstance(grad, Tensor):
            return self.saved
        return tuple(Tensor._make(a, False, None, "constant") for a in self.saved)

    def output(self, grad):
        """The forward output, which forward saved first (``save_for_backward(out, ...)``).

        An array when ``grad`` is one. When the engine runs the formula on Tensors, a Tensor
        linked to this node, so that formulas such as ``exp' = exp`` stay differentiable.
        """
        out = self.saved[0]
        if not isinstance(grad, Tensor):
            return out
        return Tensor._make(out, grad_mode.enabled, self if grad_mode.enabled else None)

    def describe(self) -> str:
        """The label shown in traces and graph drawings; ops with options override it."""
        return self.name

    @property
    def released(self) -> bool:
        """True once backward freed the saved arrays (``retain_graph=False``)."""
        return self.saved is None

    def release(self):
        """Drop the arrays the op saved for backward. The inputs stay, so the graph can still
        be walked and drawn with its values; a second backward through it is refused."""
        self.saved = None

    # -- running an op --------------------------------------------------------------------
    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on Tensors (or numbers); when some input requires grad, record it: a new
        node, linked to its inputs and to the Tensor it returns.

        This is the fast path, for the usual case: recording on and nothing else switched on.
        Recording off, a program being written or anomaly mode take `_apply_observed`.
        """
        if not grad_mode.plain:
            return _apply_observed(cls, inputs, options)
        arrays, needs, requires_grad, foreign = _unpack(inputs)
        if not (requires_grad and cls.differentiable):
            return _result(cls, inputs, arrays, options)  # nothing to differentiate: no node
        if (foreign and cls.reads_inputs) or cls.array_options:
            inputs, arrays, options = own_inputs(cls, inputs, arrays, options, foreign)
        node = _new(cls)
        node.saved = ()
        out = node.run_forward(inputs, arrays, options)
        node.inputs, node.arrays, node.needs_input_grad, node.options = inputs, arrays, needs, options
        node.grad, node.module, node.stamp = None, grad_mode.module, next(_ticks)
        return node.output_tensor(out, inputs, arrays)

    def run_forward(self, inputs, arrays, options):
        """``forward`` on the input arrays, as an array (NumPy gives 0-d results as scalars);
        when forward rejects its inputs, an error that names the op and the shapes."""
        try:
            out = self.forward(*arrays, **options)
        except (ValueError, TypeError, IndexError) as error:
            raise self.failure(inputs, error) from error
        if type(out) is not np.ndarray:
            scalar, out = out, np.asarray(out)
            if self.saved and self.saved[0] is scalar:  # the saved output is the output itself
                self.saved = (out,) + self.saved[1:]
        return out

    def output_tensor(self, out, inputs, arrays):
        """The Tensor this recorded node returns. When backward reads it (forward saved it) a
        version counter notes changes in place; a view shares its input's counter."""
        t = _new(Tensor)  # Tensor._make, written out: the hottest line of the engine
        t._array, t.requires_grad, t.grad_fn, t._grad, t._origin = out, True, self, None, None
        if self.saved and self.saved[0] is out:
            self.output_versions = t.versions()  # at version 0: backward checks it still is
        if self.makes_views:
            _share_versions(t, inputs, arrays)
        return t

    @classmethod
    def call(cls, *inputs, **options):
        """The op as a function of arrays *or* Tensors, for use inside backward formulas
        (softplus' is ``Sigmoid.call(x)``): on Tensors it is `apply`; on arrays it computes the
        forward and returns the array, building nothing."""
        for x in inputs:
            if isinstance(x, Tensor):
                return cls.apply(*inputs, **options)
        node = _new(cls)
        node.saved = ()
        return node.forward(*inputs, **options)

    def failure(self, inputs, error):
        """The exception to raise when forward rejects its inputs: the op, the shapes, the fix."""
        shapes = ", ".join(shape_str(np.shape(x.data if isinstance(x, Tensor) else x)) for x in inputs)
        message = f"{self.describe_safely()}: cannot apply to inputs of shapes {shapes}: {error}"
        if self.hint:
            message = f"{message}. {self.hint}"
        return type(error)(message) if isinstance(error, (ValueError, TypeError)) else ValueError(message)

    def describe_safely(self) -> str:
        """``describe()``, or the bare name when forward failed before setting the options."""
        try:
            return self.describe()
        except AttributeError:
            return self.name

    def __repr__(self):
        return f"<{type(self).__name__} {self.describe_safely()}>"


def _unpack(inputs):
    """``(arrays, needs, requires_grad, foreign)`` of an op's inputs: each input's array (a
    number stays a number), whether each wants a gradient, whether any does, and whether any is
    an array the caller still holds (an ndarray, or a Tensor `as_tensor` made over one). One and
    two inputs -- nearly every op -- are unpacked without a loop: this runs once per op."""
    if len(inputs) == 2:
        a, b = inputs
        if isinstance(a, Tensor):
            array_a, needs_a, foreign_a = a._array, a.requires_grad, a._borrowed
        else:
            array_a, needs_a, foreign_a = a, False, type(a) is np.ndarray
        if isinstance(b, Tensor):
            array_b, needs_b, foreign_b = b._array, b.requires_grad, b._borrowed
        else:
            array_b, needs_b, foreign_b = b, False, type(b) is np.ndarray
        return (array_a, array_b), (needs_a, needs_b), needs_a or needs_b, foreign_a or foreign_b
    if len(inputs) == 1 and isinstance(inputs[0], Tensor):
        x = inputs[0]
        return (x._array,), (x.requires_grad,), x.requires_grad, x._borrowed
    arrays = tuple(x._array if isinstance(x, Tensor) else x for x in inputs)
    needs = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
    foreign = any(x._borrowed if isinstance(x, Tensor) else type(x) is np.ndarray for x in inputs)
    return arrays, needs, True in needs, foreign


def _result(cls, inputs, arrays, options):
    """The op's result when nothing needs recording: a Tensor without a node."""
    node = _new(cls)
    node.saved = ()
    return _unrecorded(cls, node.run_forward(inputs, arrays, options), inputs, arrays, False)


def _unrecorded(cls, out, inputs, arrays, requires_grad):
    """A result without a node, whose origin says why it has no graph (``explain_grad``):
    computed while recording was off, or from results cut off from a graph, or a constant."""
    origin = "no_grad" if requires_grad and cls.differentiable else _inherited(inputs)
    t = _tensor(out, False, None, origin)
    if cls.makes_views:
        _share_versions(t, inputs, arrays)
    return t


def _share_versions(t, inputs, arrays):
    """A view (reshape, a slice, a transpose) shares its input's memory, so it shares its version
    counter: a change through either is seen by every graph that saved the other."""
    base = inputs[0]
    if isinstance(base, Tensor) and np.may_share_memory(t._array, arrays[0]):
        t._versions = base.versions()
        if base._borrowed:  # a view of the caller's array is the caller's array too
            t._borrowed = True


def _apply_observed(cls, inputs, options):
    """`Function.apply` when more than recording is on: recording off (no_grad), a program being
    written (the recorder hears of every op, and reads the caller's arrays where they live, so
    nothing is copied), or anomaly mode (every result is checked). The one slow path."""
    recorder, watching, recording = grad_mode.recorder, grad_mode.anomaly, grad_mode.enabled
    if recorder is not None:  # a program being written may take numbers as arguments
        inputs = recorder.unwrap(inputs)
    arrays, needs, requires_grad, foreign = _unpack(inputs)
    record = requires_grad and recording and cls.differentiable
    if record and recorder is None and ((foreign and cls.reads_inputs) or cls.array_options):
        inputs, arrays, options = own_inputs(cls, inputs, arrays, options, foreign)
    node = _new(cls)
    node.saved = ()
    if watching:  # anomaly mode's error says more than NumPy's warning would
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            out = node.run_forward(inputs, arrays, options)
    else:
        out = node.run_forward(inputs, arrays, options)
    if record:
        node.inputs, node.arrays, node.needs_input_grad, node.options = inputs, arrays, needs, options
        node.grad, node.module, node.stamp = None, grad_mode.module, next(_ticks)
    if recorder is not None:  # tg.compile / tg.codegen: write this op down as NumPy source
        recorder.op(node, inputs, out, options)
    if watching:
        anomaly.note_forward(node, inputs, out, record)
    if record:
        return node.output_tensor(out, inputs, arrays)
    return _unrecorded(cls, out, inputs, arrays, requires_grad)


_CUT_OFF = ("no_grad", "detach", "compiled")  # origins that explain why a result has no graph


def _inherited(inputs) -> str:
    """Why a result that records nothing has no graph: its inputs' reason when one of them was cut
    off from a graph (made under no_grad, detached, compiled), else "constant" -- so that
    `explain_grad` names no_grad for ``(w * 2) + 1`` computed from ``w * 2`` made under no_grad."""
    for x in inputs:
        if isinstance(x, Tensor) and x._origin in _CUT_OFF:
            return x._origin
    return "constant"


# What a recorded node keeps must stay what forward used, although the caller still holds the
# NumPy arrays it passed (an index buffer refilled for the next micro-batch, a target array
# refilled before backward()). So when a node is recorded, the engine copies them -- once, as
# tg.tensor(array) would -- unless the op reads nothing but their shapes (``reads_inputs``).
def own_inputs(cls, inputs, arrays, options, foreign):
    """``(inputs, arrays, options)`` of a node being recorded, with every array the caller still
    holds replaced by a copy: passed as it is, inside a Tensor made by ``as_tensor``, or in an
    option that holds arrays (``cls.array_options``: an index, a condition)."""
    if foreign and cls.reads_inputs:
        inputs, arrays = list(inputs), list(arrays)
        for i, x in enumerate(inputs):  # order="K": a transposed array stays one, so BLAS sees the same layout
            if type(x) is np.ndarray:
                inputs[i] = arrays[i] = x.copy(order="K")
            elif isinstance(x, Tensor) and x._borrowed and not x.requires_grad:
                arrays[i] = x._array.copy(order="K")
                inputs[i] = Tensor._make(arrays[i], False, None, "constant")
                if x.name is not None:
                    inputs[i].name = x.name
        inputs, arrays = tuple(inputs), tuple(arrays)
    if cls.array_options:
        options = dict(options)
        for name in cls.array_options:
            if name in options:
                options[name] = _copied(options[name])
    return inputs, arrays, options


def _copied(value):
    if isinstance(value, np.ndarray):
        return value.copy(order="K")
    if isinstance(value, tuple):
        return tuple(_copied(part) for part in value)
    return value


def shape_str(shape) -> str:
    """Shapes in messages look like Python tuples: (2, 3), (3,), ()."""
    return str(tuple(shape))


__all__ = ["Function", "shape_str"]

from . import anomaly  # noqa: E402 - it builds on the switches

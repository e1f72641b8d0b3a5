"""The node type of the graph (`Function`) and the per-thread switches (`no_grad`, ...).

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

import functools
import inspect
import itertools
import threading

import numpy as np

Tensor = None  # the Tensor class; tensor.py fills this in when it is imported (it imports us)
_tensor = None  # Tensor's fast internal constructor (Tensor._make), filled in with it
_new = object.__new__


class _GradMode(threading.local):
    """Per-thread switches: one thread's ``no_grad`` block must not affect another's.

    ``recorder`` is the engine's one hook for the program writers: None, or an object that
    `tg.compile` / `tg.codegen` install (tinygrad_edu/programs/recorder.py) and that the engine
    tells about what it does -- ``op(node, inputs, out, options)`` after every op,
    ``statement(...)`` for in-place updates, ``expr(...)`` for the few values the engine makes
    itself (backward's seed), ``gradient_of(...)`` and ``set_grad(...)`` during backward. The
    engine never imports the recorder.
    """

    enabled = True
    module = None  # the innermost Module being called; recorded nodes remember it (for drawings)
    anomaly = False  # detect_anomaly() (anomaly.py): check every result, remember where nodes came from
    recorder = None  # the program hook (see above)
    watched = ()  # (transform, tensor keys) of the transforms running now: see concrete.py


# A clock that ticks once per recorded op and once per in-place update: comparing ticks tells
# whether a tensor was changed after an op saved it for backward (see Tensor._note_in_place).
clock = itertools.count(1)
last_in_place = 0  # the tick of the latest in-place update anywhere: backward skips the version
#                    checks of every node recorded after it (the usual case in a training loop)

grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    """True when new ops are being recorded for autograd (the default)."""
    return grad_mode.enabled


class _ModeSwitch:
    """A per-thread switch (``grad_mode.<attribute>``) as a context manager or a decorator.

    `no_grad`, `enable_grad`, `set_grad_enabled` and `detect_anomaly` are this, each with its
    own attribute and value. Entering sets the switch and remembers what it was; leaving puts
    that back. What to put back is a stack, one per thread, so one object may be entered again
    inside itself (``with ng: ... with ng:``) and each exit restores the state of its own entry.

    As a decorator it wraps every call in a switch of its own. A decorated generator runs each
    step of its body with the switch set and gives the caller back its own mode between steps,
    so the code that consumes the generator is not switched by it.
    """

    attribute = "enabled"
    target = True

    def __init__(self, target=None):
        if target is not None:
            self.target = bool(target)
        self._entries = threading.local()  # this thread's states to restore, innermost last

    def _stack(self) -> list:
        stack = getattr(self._entries, "stack", None)
        if stack is None:
            stack = self._entries.stack = []
        return stack

    def __enter__(self):
        self._stack().append(getattr(grad_mode, self.attribute))
        setattr(grad_mode, self.attribute, self.target)
        return self

    def __exit__(self, *exc_info):
        setattr(grad_mode, self.attribute, self._stack().pop())
        return False

    def _fresh(self):
        """A new switch of the same kind and value, one per call of a decorated function (made
        as the base class makes it: set_grad_enabled's constructor would switch at once)."""
        fresh = object.__new__(type(self))
        _ModeSwitch.__init__(fresh, self.target)
        return fresh

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return func(*args, **kwargs)

        return wrapper

    def _wrap_generator(self, func):
        """A generator's body runs in steps, and the caller runs between them: switch around
        each step (the first, every ``send`` or ``throw``, the ``close``), never across a yield."""

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            body = func(*args, **kwargs)  # runs nothing of the body yet
            step, argument = body.send, None
            while True:
                try:
                    with self._fresh():
                        answer = step(argument)
                except StopIteration as done:
                    return done.value
                try:
                    argument, step = (yield answer), body.send
                except GeneratorExit:  # the caller closed us: let the body clean up, switched
                    with self._fresh():
                        body.close()
                    raise
                except BaseException as error:  # thrown in by the caller: on into the body
                    step, argument = body.throw, error

        return wrapper


class _FixedSwitch(_ModeSwitch):
    """A switch with one value of its own (no_grad, enable_grad): ``tg.no_grad()`` makes one, and
    ``tg.no_grad`` written over a function without the parentheses decorates it."""

    def __new__(cls, func=None):
        return object.__new__(cls) if func is None else decorated(cls, func)

    def __init__(self, func=None):
        super().__init__()


class no_grad(_FixedSwitch):
    """Stop recording: ops inside the block build no graph (used for weight updates).

    >>> import tinygrad_edu as tg
    >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> with tg.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False

    Also a decorator: ``@tg.no_grad()`` on a function runs its body without recording (on a
    generator, each step of its body); ``@tg.no_grad`` without the parentheses too, as in
    PyTorch 2.
    """

    target = False


class enable_grad(_FixedSwitch):
    """Turn recording back on inside a `no_grad` block (context manager or decorator, with or
    without the parentheses)."""

    target = True


def decorated(cls, func):
    """``func`` wrapped in switches of kind ``cls`` with its default value: what ``@tg.no_grad``
    written without parentheses means (PyTorch 2 accepts it). Before, ``no_grad(f)`` made a
    switch that ignored ``f``, and calling the "decorated" function did not run it."""
    if not callable(func):
        raise TypeError(f"{cls.__name__}() takes no value, got {func!r}; write 'with tg.{cls.__name__}():' "
                        f"or decorate a function with @tg.{cls.__name__}")
    switch = object.__new__(cls)
    _ModeSwitch.__init__(switch)
    return switch(func)


class set_grad_enabled(_ModeSwitch):
    """Switch recording on or off, as PyTorch's: the call itself switches.

    ``tg.set_grad_enabled(False)`` turns recording off until ``tg.set_grad_enabled(True)``;
    ``with tg.set_grad_enabled(flag):`` records only when ``flag`` is true and restores the
    previous mode at the end of the block; ``@tg.set_grad_enabled(flag)`` does so for each
    call of the function (and leaves the mode as it was where the decorator is written).

    >>> import tinygrad_edu as tg
    >>> _ = tg.set_grad_enabled(False)
    >>> tg.is_grad_enabled()
    False
    >>> _ = tg.set_grad_enabled(True)
    >>> with tg.set_grad_enabled(False):
    ...     tg.is_grad_enabled()
    False
    >>> tg.is_grad_enabled()
    True
    """

    def __init__(self, mode: bool):
        if not isinstance(mode, (bool, np.bool_)):  # set_grad_enabled("false") would switch recording on
            raise TypeError(f"set_grad_enabled: mode must be True or False, got {mode!r}")
        super().__init__(mode)
        # switch now, and keep what to restore for the `with` block that may follow (this thread's)
        self._entries.switched_from = grad_mode.enabled
        grad_mode.enabled = self.target

    def __enter__(self):
        previous = getattr(self._entries, "switched_from", None)
        if previous is None:  # entered again, or in another thread: switch as any block does
            return super().__enter__()
        del self._entries.switched_from  # the call already switched: only remember what it was
        self._stack().append(previous)
        return self

    def __call__(self, func):
        previous = getattr(self._entries, "switched_from", None)
        if previous is not None:  # used as a decorator: the mode changes only while func runs
            del self._entries.switched_from
            grad_mode.enabled = previous
        return super().__call__(func)


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
    output_versions = None  # (counter, version) of the output, when forward saved it for backward
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
        """Run the op on Tensors (or numbers) and record it when some input requires grad."""
        mode = grad_mode
        recorder, watching = mode.recorder, mode.anomaly  # the per-thread switches, read once
        if recorder is not None:  # a program is being written: it may take numbers as arguments
            inputs = recorder.unwrap(inputs)
        node = _new(cls)
        node.saved = ()
        arrays, needs, requires_grad, borrowed = [], [], False, False
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x._array)  # the slot itself: .data is a property that checks assignments
                wants = x.requires_grad
                needs.append(wants)
                if wants:
                    requires_grad = True
                elif x._borrowed:  # as_tensor(array): the caller's array itself
                    borrowed = True
            else:
                arrays.append(x)
                needs.append(False)
                if isinstance(x, np.ndarray):
                    borrowed = True
        record = requires_grad and mode.enabled and cls.differentiable
        if record and recorder is None:  # (a program being written reads them where they live, at every call)
            if borrowed and cls.reads_inputs:
                inputs, arrays = own_inputs(inputs, arrays)
            if cls.array_options:
                options = own_options(options, cls.array_options)
        try:
            if watching:  # our error below says more than NumPy's warning would
                with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                    out = node.forward(*arrays, **options)
            else:
                out = node.forward(*arrays, **options)
        except (ValueError, TypeError, IndexError) as error:
            raise node.failure(inputs, error) from error
        if type(out) is not np.ndarray:  # NumPy gives scalars for 0-d results; a Tensor holds an array
            scalar, out = out, np.asarray(out)
            if node.saved and node.saved[0] is scalar:  # the saved output is the output itself
                node.saved = (out,) + node.saved[1:]
        if record:
            node.inputs = inputs
            # tuples of arrays, numbers and bools: the cyclic collector stops tracking them, and
            # a deep graph made of fewer tracked objects costs fewer full collections
            node.arrays = tuple(arrays)
            node.needs_input_grad = tuple(needs)
            node.options = options
            node.grad = None
            node.module = mode.module
            node.stamp = next(clock)
        if recorder is not None:  # tg.compile / tg.codegen: write this op down as NumPy source
            recorder.op(node, inputs, out, options)
        if watching:
            anomaly.note_forward(node, inputs, out, record)
        if record:
            t = _new(Tensor)  # Tensor._make, written out: this is the hottest line of the engine
            t._array, t.requires_grad, t.grad_fn, t._grad, t._origin = out, True, node, None, None
            if node.saved and node.saved[0] is out:  # backward reads the output: note its version
                counter = t.versions()
                node.output_versions = (counter, counter.version)
        else:
            t = _tensor(out, False, None, "no_grad" if requires_grad and cls.differentiable else _inherited(inputs))
        if cls.makes_views and isinstance(inputs[0], Tensor) and np.may_share_memory(out, arrays[0]):
            t._versions = inputs[0].versions()  # a view: one version counter for the shared memory
            if inputs[0]._borrowed:  # a view of the caller's array is the caller's array too
                t._borrowed = True
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


_CUT_OFF = ("no_grad", "detach", "compiled")  # origins that explain why a result has no graph


def _inherited(inputs) -> str:
    """Why a result that records nothing has no graph: its inputs' reason when one of them was cut
    off from a graph (made under no_grad, detached, compiled), else "constant" -- so that
    `explain_grad` names no_grad for ``(w * 2) + 1`` computed from ``w * 2`` made under no_grad."""
    for x in inputs:
        if isinstance(x, Tensor) and x._origin in _CUT_OFF:
            return x._origin
    return "constant"


def own_inputs(inputs, arrays):
    """The inputs of a node being recorded, with every NumPy array the caller still holds --
    passed as it is, or inside a Tensor made by ``as_tensor`` -- replaced by a copy. Backward,
    ``create_graph``, drawings and the explorer then all read what forward used."""
    inputs, arrays = list(inputs), list(arrays)
    for i, x in enumerate(inputs):  # order="K": a transposed array stays one, so BLAS sees the same layout
        if isinstance(x, np.ndarray):
            inputs[i] = arrays[i] = x.copy(order="K")
        elif isinstance(x, Tensor) and x._borrowed and not x.requires_grad:
            arrays[i] = x._array.copy(order="K")
            inputs[i] = Tensor._make(arrays[i], False, None, "constant")
            if x.name is not None:
                inputs[i].name = x.name
    return tuple(inputs), arrays


def own_options(options, names):
    """The options of a node being recorded, with the arrays among ``names`` (an index may be a
    tuple of arrays and slices) replaced by copies: the caller may refill its buffer."""
    options = dict(options)
    for name in names:
        if name in options:
            options[name] = _copied(options[name])
    return options


def _copied(value):
    if isinstance(value, np.ndarray):
        return value.copy(order="K")
    if isinstance(value, tuple):
        return tuple(_copied(part) for part in value)
    return value


def shape_str(shape) -> str:
    """Shapes in messages look like Python tuples: (2, 3), (3,), ()."""
    return str(tuple(shape))


__all__ = ["Function", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "shape_str"]

from . import anomaly  # noqa: E402 - it builds on the switches above

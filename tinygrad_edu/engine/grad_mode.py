"""Grad mode: the per-thread switches that say what the engine does besides computing.

* ``enabled`` -- record ops into the graph (`no_grad`, `enable_grad`, `set_grad_enabled`);
* ``anomaly`` -- check every result for NaN/Inf and remember where each node was made
  (`detect_anomaly`, anomaly.py);
* ``recorder`` -- a program being written by `tg.compile` / `tg.codegen`;
* ``module`` -- the innermost Module being called (recorded nodes remember it, for drawings);
* ``watched`` -- the inputs of the transforms running now (concrete.py).

``plain`` is derived from the first three: True when ops only need to be recorded (recording on,
no program being written, no anomaly mode) -- the engine's fast path. Every write of a switch
goes through ``GradMode.__setattr__``, which keeps ``plain`` in step, so ``Function.apply``
reads one flag to know which path to take.

The clock stamps recorded ops and in-place updates (see tensor.py's version counters).
"""
from __future__ import annotations

import functools
import inspect
import itertools
import threading

import numpy as np

class GradMode(threading.local):
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
    plain = True  # derived: enabled, no recorder, no anomaly -- Function.apply's fast path

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name in _DECIDING:
            super().__setattr__("plain", self.enabled and self.recorder is None and not self.anomaly)


_DECIDING = ("enabled", "recorder", "anomaly")  # the switches ``plain`` is derived from


class Clock:
    """Ticks once per recorded op (its ``stamp``) and once per in-place update: comparing ticks
    tells whether a tensor was changed after an op saved it for backward (tensor.py's
    `Versions`). ``last_in_place`` is the tick of the latest in-place update anywhere: backward
    skips the version checks of every node recorded after it (the usual case in training)."""

    def __init__(self):
        self.ticks = itertools.count(1)  # next(clock.ticks): the hot path calls it directly
        self.last_in_place = 0

    def in_place(self) -> int:
        """The tick of an in-place update happening now."""
        self.last_in_place = tick = next(self.ticks)
        return tick


clock = Clock()

grad_mode = GradMode()


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


__all__ = ["grad_mode", "GradMode", "clock", "is_grad_enabled", "no_grad", "enable_grad", "set_grad_enabled"]

"""No silent constants: a differentiated tensor cannot become a Python number inside a transform.

``tg.derivative(lambda x: x * math.exp(x))(1.0)`` looks right and is wrong: ``math.exp`` turns
``x`` into a Python float (through ``float(x)``), the float has no graph, and the derivative
treats ``e^x`` as a constant -- e instead of 2e, without a word. JAX refuses such a conversion
of a traced value; so do we. While a transform (``tg.grad``, ``tg.derivative``, ``tg.jacobian``,
...) runs the user's function, it registers the tensors it differentiates with `watching`;
turning a tensor that depends on one of them into a Python number (``float()``, ``int()``,
``.item()``, ``.tolist()``, ``np.asarray()``, ``.numpy()``) raises `ConcretizationError`,
which names the transform, the conversion and the fix.

Outside transforms nothing changes (``loss.item()`` for logging is silent), and inside them
tensors that do not depend on the differentiated inputs convert freely. The check costs one
per-thread attribute read per conversion.

>>> import math, tinygrad_edu as tg
>>> tg.derivative(lambda x: x * math.exp(x))(1.0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
tinygrad_edu.engine.concrete.ConcretizationError: tg.derivative: float(x) turned the tensor being differentiated into a Python number without its graph, ...
>>> round(tg.derivative(lambda x: x * x.exp())(1.0), 6)    # 2e
5.436564
"""
from __future__ import annotations

import contextlib

from .grad_mode import grad_mode

__all__ = ["ConcretizationError", "watching", "check_conversion"]


class ConcretizationError(TypeError):
    """A differentiated tensor was turned into a Python number (or a plain array) inside a
    transform, where its derivative would silently be lost."""


@contextlib.contextmanager
def watching(who, tensors):
    """While the block runs, converting anything that depends on ``tensors`` is refused in the
    name of ``who`` (``"tg.grad"``). Per thread, and nested transforms stack."""
    from .graph import tensor_key

    entry = (who, {tensor_key(t) for t in tensors})
    previous = grad_mode.watched
    grad_mode.watched = previous + (entry,)
    try:
        yield
    finally:
        grad_mode.watched = previous


def watched_keys():
    """The keys (`autograd.tensor_key`) of every tensor the running transforms differentiate."""
    keys = set()
    for _, found in grad_mode.watched:
        keys |= found
    return keys


def depends_on(tensor, keys) -> bool:
    """True when ``tensor`` is one of ``keys`` or was computed from one (an iterative walk)."""
    from .graph import tensor_key
    from .tensor import Tensor

    pending, seen = [tensor], set()
    while pending:
        t = pending.pop()
        key = tensor_key(t)
        if key in keys:
            return True
        if key in seen or t.grad_fn is None:
            continue
        seen.add(key)
        pending.extend(x for x in t.grad_fn.inputs if isinstance(x, Tensor))
    return False


def _who(tensor):
    """The innermost running transform whose inputs ``tensor`` depends on, or None."""
    if not tensor.requires_grad:
        return None
    for who, keys in reversed(grad_mode.watched):
        if depends_on(tensor, keys):
            return who
    return None


# what each conversion is called in messages, what it hands out, and a word on it
_CONVERSIONS = {
    "float": ("float(x)", "a Python number", "float(x) is also what math.exp(x), math.sin(x) and the other "
              "math functions call"),
    "int": ("int(x)", "a Python number", "it also drops the fractional part"),
    "round": ("round(x)", "a Python number", ""),
    "item": ("x.item()", "a Python number", ""),
    "tolist": ("x.tolist()", "Python numbers", ""),
    "array": ("np.asarray(x)", "a plain array", "np.array(x) too; np.exp(x) itself records"),
    "numpy": ("x.numpy()", "a plain array", ""),
    "data": ("x.data", "a plain array", "micrograd's habit; here x itself computes"),
    "tensor": ("tg.tensor(x)", "a new tensor", "it copies the values and leaves the graph; use x itself, "
               "x.clone(), or tg.stack([...]) to join tensors"),
    "bool": ("bool(x) (an if or while on it)", "a Python bool", ""),
}


def check_conversion(tensor, what):
    """Called by Tensor's conversions (``what`` is ``"float"``, ``"item"``, ...): refuse to hand
    out a Python number whose derivative a running transform would need, or whose value a
    compiled program would freeze."""
    if grad_mode.watched and what != "bool":  # eager branches on values are right: only compile replays one
        who = _who(tensor)
        if who is not None:
            call, result, note = _CONVERSIONS[what]
            raise ConcretizationError(
                f"{who}: {call} turned the tensor being differentiated into {result} without its graph, so the "
                f"derivative would silently treat it as a constant{f' ({note})' if note else ''}. Stay with tensor "
                "operations: x.exp() or tg.exp(x) or np.exp(x) instead of math.exp(x), x * 2 instead of "
                "float(x) * 2; convert to a number only outside the transform, on its result."
            )
    recorder = grad_mode.recorder
    if recorder is not None and recorder.what == "compile" and recorder.is_live(tensor):
        fix = ("Choose per element with tg.where(condition, a, b), or branch outside the compiled function."
               if what == "bool" else "Stay with tensor operations inside the compiled function, or return the "
               "tensor and call .item() on the result outside.")
        raise ConcretizationError(
            f"tg.compile: {_CONVERSIONS[what][0]} on a tensor the program computes would freeze its value at "
            f"the traced call's, and later calls would silently reuse it. {fix}"
        )


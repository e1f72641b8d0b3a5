"""`tg.compile`: run a training (or loss) function once with Tensors, then replay it as plain NumPy.

The first call runs the function eagerly while a `Recorder` writes every op down as one line
of NumPy source -- the forward pass, the backward formulas the engine runs, the in-place
updates. The lines become one Python function, which later calls run directly on the arrays:
no Tensor objects, no graph, no engine. A call whose arrays have other shapes or dtypes (or
whose other arguments differ) is traced again; each version is kept.

>>> import numpy as np
>>> import tinygrad_edu as tg
>>> w = tg.tensor([0.5, -0.5], requires_grad=True, name="w")
>>> optimizer = tg.optim.SGD([w], lr=0.1)
>>> def step(x, y):
...     optimizer.zero_grad()
...     loss = ((x @ w - y) ** 2).sum()
...     loss.backward()
...     optimizer.step()
...     return loss
>>> fast_step = tg.compile(step)
>>> for _ in range(20):
...     loss = fast_step(np.array([[1.0, 2.0]]), np.array([1.0]))   # traced once, then replayed
>>> round(loss.item(), 8), fast_step.traces
(0.0, 1)
>>> print(fast_step.source)
def step(x, y, w):
    w_tensor._grad = None
    matmul = np.dot(x, w)
    sub = matmul - y
    pow_ = sub * sub
    sum_ = np.sum(pow_, axis=None, keepdims=False)
    mul = d_pow_ * sub
    d_sub = mul * 2.0
    reshape_2 = d_sub.reshape((1, 1))
    transpose = x.T
    matmul_2 = np.dot(transpose, reshape_2)
    d_w = matmul_2.reshape((2,))
    _set_grad(w_tensor, d_w)
    sgd_step()
    return (sum_,)
<BLANKLINE>

``fast_step.source`` shows the program of the last trace. The rules (docs/performance.md):
compute through Tensor ops; NumPy called on ``.data`` or values read with ``.item()`` inside
the function are frozen at the traced call's values; update parameters in place
(``w -= ...``, an optimizer's ``step()``); results come back as Tensors without a graph.
"""
from __future__ import annotations

import functools
import inspect

import numpy as np

from . import function
from .ops.kernels import scatter_add, tie_shares
from .program import Literal, Recorder, RecordingError, Var, _render, live_lines

__all__ = ["compile", "CompiledFunction", "RecordingError"]


def compile(fn):  # noqa: A001 - the name users expect (torch.compile, jax.jit)
    """Trace ``fn`` on its first call and replay it as straight-line NumPy afterwards.

    Array arguments (NumPy arrays or Tensors) may change values from call to call; a change of
    shape or dtype, or of any other argument, traces again. See the module docstring.
    """
    return CompiledFunction(fn)


class CompiledFunction:
    """What `compile` returns: call it like the function it wraps.

    ``traces`` counts the traces made so far; ``source`` is the NumPy program of the last one.
    """

    def __init__(self, fn):
        self.fn = fn
        self.programs = {}
        self.traces = 0
        self.source = None
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        key = tuple(map(_part, args)) if not kwargs else _call_key(args, kwargs)
        program = self.programs.get(key)
        if program is None:
            program, result = _trace(self.fn, args, kwargs)
            self.programs[key] = program
            self.traces += 1
            self.source = program.source
            return result
        return program.run(args, kwargs)


def _call_key(args, kwargs):
    """What must match for a recorded program to be reused: arrays' shapes and dtypes, other values."""
    parts = []
    for value in args:
        parts.append(_part(value))
    for name in sorted(kwargs):
        parts.append((name, _part(kwargs[name])))
    return tuple(parts)


def _part(value):
    if isinstance(value, np.ndarray):
        return (value.shape, value.dtype)
    if isinstance(value, function.Tensor):
        return ("t", value.data.shape, value.data.dtype, value.requires_grad)
    try:
        hash(value)
    except TypeError:
        raise TypeError(
            f"compile: an argument of type {type(value).__name__} cannot be compared between calls; pass "
            "NumPy arrays or Tensors for data, and numbers, strings or tuples for settings."
        ) from None
    return ("v", type(value), value)


def _flat_arguments(fn, args, kwargs):
    """(name, value) for every argument, in the order the program takes them: positional, then
    keywords sorted by name. Names come from fn's signature where it has them."""
    try:
        names = [p.name for p in inspect.signature(fn).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    flat = [(names[i] if i < len(names) else f"arg{i}", value) for i, value in enumerate(args)]
    flat += [(name, kwargs[name]) for name in sorted(kwargs)]
    return flat


def _trace(fn, args, kwargs):
    """Run ``fn`` eagerly under a Recorder; return the program and the call's own result."""
    Tensor = function.Tensor
    recorder = Recorder("compile")
    flat = _flat_arguments(fn, args, kwargs)
    call_values, arg_vars, dtypes = [], [], []
    for name, value in flat:
        if isinstance(value, (np.ndarray, Tensor)):
            tensor = value if isinstance(value, Tensor) else Tensor(value)
            arg_vars.append(recorder.argument(tensor.data, tensor.name or name))
            dtypes.append(tensor.dtype)
            call_values.append(tensor)
        else:
            call_values.append(value)
    positional = call_values[:len(args)]
    keywords = dict(zip(sorted(kwargs), call_values[len(args):]))
    with recorder:
        result = fn(*positional, **keywords)
    outputs, rebuild = _flatten_result(result)
    output_vars = [recorder.value_of(t) for t in outputs]
    program = Program(recorder, flat, arg_vars, dtypes, output_vars, rebuild, fn)
    return program, rebuild([Tensor._make(t.data, False, None, "compiled") for t in outputs])


def _flatten_result(result):
    """The Tensors in a result (a Tensor, None, or tuples/lists/dicts of them) and how to rebuild it."""
    Tensor = function.Tensor
    tensors = []

    def take(value):
        if isinstance(value, Tensor):
            tensors.append(value)
            return len(tensors) - 1
        if value is None:
            return None
        if isinstance(value, (tuple, list)):
            return type(value), [take(v) for v in value]
        if isinstance(value, dict):
            return dict, {k: take(v) for k, v in value.items()}
        raise RecordingError(
            f"compile: the function returned a {type(value).__name__}; a compiled function returns Tensors "
            "(or None, or tuples, lists and dicts of them), because any other value would be frozen at what "
            "the first call computed. Return the tensor and call .item() outside."
        )

    shape = take(result)

    def rebuild(values):
        def build(part):
            if part is None:
                return None
            if isinstance(part, int):
                return values[part]
            kind, inner = part
            if kind is dict:
                return {k: build(v) for k, v in inner.items()}
            return kind(build(v) for v in inner)

        return build(shape)

    return tensors, rebuild


def _tensor_data(tensor):
    return tensor.data


def _as_is(array):
    return array


def _set_grad(tensor, array):
    """What the program calls where the traced code set ``tensor.grad``."""
    tensor._grad = None if array is None else function.Tensor._make(array, False, None, "constant")


class Program:
    """The recorded lines, cleaned up, as one Python function (``source`` shows it)."""

    def __init__(self, recorder, flat, arg_vars, dtypes, output_vars, rebuild, fn):
        lines = _drop_overwritten_grads(recorder.lines)
        lines = live_lines(lines, output_vars)
        lines, folded = _fold_constants(lines, output_vars)
        lines = live_lines(lines, output_vars)
        used = {id(v) for line in lines for v in line.uses()} | {id(v) for v in output_vars}
        externals = [v for v in recorder.externals + folded if id(v) in used]
        _refuse_argument_grads(lines, arg_vars)
        self.live_tensors = [v.source for v in externals if isinstance(v.source, function.Tensor)]
        parameters = arg_vars + [v for v in externals if isinstance(v.source, function.Tensor)]
        namespace = {"np": np, "tie_shares": tie_shares, "scatter_add": scatter_add, "_set_grad": _set_grad}
        for v in externals:
            if isinstance(v.source, tuple):  # ("tensor", t) for _set_grad, ("call", f) for a call
                namespace[v.name] = v.source[1]
            elif not isinstance(v.source, function.Tensor):
                namespace[v.name] = v.source  # a constant
        name = recorder.fresh_name(getattr(fn, "__name__", "step"))  # never one of the program's own names
        body = [line.render() for line in lines]
        returns = ", ".join(_output_source(v) for v in output_vars)
        body.append(f"return ({returns}{',' if len(output_vars) == 1 else ''})")
        self.source = (f"def {name}({', '.join(v.name for v in parameters)}):\n"
                       + "".join(f"    {text}\n" for text in body))
        # The source is made only from the ops' templates, numbers and generated names -- never
        # from text a user typed -- so running it is as safe as running the library itself.
        exec(self.source, namespace)  # noqa: S102
        self.function = namespace[name]
        mutated = {id(line.inputs[0]) for line in lines if line.effect == "mutate"}
        # How each argument becomes an array: as it is, its .data, converted (or copied, when the
        # program writes into it) as Tensor(value) did when tracing, or not at all (a setting).
        self.conversions = []
        arrays = iter(zip(arg_vars, dtypes))
        for name, value in flat:
            if not isinstance(value, (np.ndarray, function.Tensor)):
                self.conversions.append(None)
                continue
            var, dtype = next(arrays)
            if isinstance(value, function.Tensor):
                self.conversions.append(_tensor_data if id(var) not in mutated else functools.partial(np.array, dtype=dtype))
            elif value.dtype == dtype and id(var) not in mutated:
                self.conversions.append(_as_is)
            else:
                self.conversions.append(functools.partial(np.array, dtype=dtype))
        self.bump = [v.source for v in externals if id(v) in mutated and isinstance(v.source, function.Tensor)]
        self.rebuild = rebuild
        self.returns_none = rebuild(()) is None if not output_vars else False

    def run(self, args, kwargs):
        values = args + tuple(kwargs[k] for k in sorted(kwargs)) if kwargs else args
        arrays = [convert(v) for convert, v in zip(self.conversions, values) if convert is not None]
        results = self.function(*arrays, *[t.data for t in self.live_tensors])
        for t in self.bump:  # as eager in-place updates do: a graph that saved the old values is warned
            t._note_in_place()
        if not results:
            return None if self.returns_none else self.rebuild(())
        make = function.Tensor._make
        return self.rebuild([make(r, False, None, "compiled") for r in results])


def _output_source(var):
    return f"np.asarray({_render(var)})" if isinstance(var, Literal) else var.name  # results are arrays


def _drop_overwritten_grads(lines):
    """A ``.grad`` set and then set again before anything could read it through the tensor (an
    optimizer's step) need not be set the first time. Clearing it (zero_grad) stays: that frees
    the last call's gradient arrays before new ones are made, so memory is reused while it is
    still in cache (Rashid's per-sample step went from 131 to 108 us)."""
    kept, later_set = [], set()
    for line in reversed(lines):
        if line.effect == "call":
            later_set.clear()
        elif line.effect == "grad":
            holder = id(line.inputs[0])
            if holder in later_set and not isinstance(line.inputs[1], Literal):
                continue
            later_set.add(holder)
        kept.append(line)
    kept.reverse()
    return kept


def _fold_constants(lines, output_vars):
    """Compute once, now, every value that depends on constants only (backward's seed of ones
    and what is made from it): the program keeps the traced array instead of the line."""
    mutated = {id(line.inputs[0]) for line in lines if line.effect == "mutate"}
    outputs = {id(v) for v in output_vars}
    constant, folded = set(), []

    def is_constant(v):
        return isinstance(v, Literal) or (isinstance(v, Var) and (
            id(v) in constant or (v.kind == "external" and isinstance(v.source, np.ndarray))))

    kept = []
    for line in lines:
        target = line.target
        if (not line.effect and target is not None and id(target) not in mutated and id(target) not in outputs
                and all(is_constant(v) for v in line.uses() + list(line.inputs))):
            frozen = np.array(target.array, copy=True)
            frozen.flags.writeable = False
            target.kind, target.source, target.array = "external", frozen, frozen
            constant.add(id(target))
            folded.append(target)
            continue
        kept.append(line)
    return kept, folded


def _refuse_argument_grads(lines, arg_vars):
    for line in lines:
        if line.effect == "grad" and any(line.inputs[0].source[1].data is v.array for v in arg_vars):
            raise RecordingError(
                "compile: backward() sets the .grad of an argument of the compiled function, but the next call "
                "gets other arguments. Keep parameters outside the arguments (a model or tensors the function "
                "closes over), or return the gradients: tg.grad(loss, [w]) inside the function."
            )

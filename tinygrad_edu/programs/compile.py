"""`tg.compile`: run a training (or loss) function once with Tensors, then replay it as plain NumPy.

The first call runs the function eagerly while a `Recorder` writes every op down as NumPy
source -- the forward pass, the backward formulas the engine runs, the optimizer's update, the
``.grad`` bookkeeping. The lines become one Python function, which later calls run directly on
the arrays: no Tensor objects, no graph, no engine. A call whose arrays have other shapes or
dtypes (or whose other settings differ) is traced again; each version is kept (at most
`CompiledFunction.cache_size`).

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
def step(x, y, *, sgd_step=sgd_step):
    w = w_tensor.data
    lr = sgd.lr
    w_tensor._grad = None
    matmul = np.dot(x, w)
    sub = matmul - y
    pow_ = sub * sub
    sum_ = pow_.sum(axis=None, keepdims=False)
    d_sub = sub * 2.0
    reshape = d_sub.reshape((1, 1))
    transpose = x.T
    matmul_2 = np.dot(transpose, reshape)
    d_w = matmul_2.reshape((2,))
    clone = d_w.copy()
    _set_grad(w_tensor, clone)
    np.multiply(clone, lr, out=sgd_step)
    w -= sgd_step
    w_tensor._note_in_place()
    return _result(sum_)
<BLANKLINE>

``fast_step.source`` shows the program of the last trace: it reads the parameters' arrays and
the learning rate afresh at every call, and the optimizer's update is part of it. The rules
(docs/compile.md):

* compute through Tensor ops: ``.item()``, ``float()`` or an ``if`` on a tensor the program
  computes would freeze a value, so they are refused (`tg.ConcretizationError`);
* NumPy computing outside Tensor ops -- on ``.data``, or on a closed-over array before it
  meets a Tensor (``m > 0``, ``m.sum()``, ``m.astype(float)``) -- is not seen: its result is
  frozen at the traced call's values, without a word; make the array a Tensor first
  (``tg.tensor(m) > 0``);
* NumPy arrays it closes over and hands to ops as they are (a mask, an index, a loss's
  targets) are read at every call, by the name the function reads them by;
* a Python float argument is an input of the program as long as it only reaches Tensor ops
  (used in Python arithmetic or a branch, its value becomes part of what must match);
* update parameters in place (``w -= ...``, an optimizer's ``step()``); results come back as
  Tensors without a graph.
"""
from __future__ import annotations

import collections
import functools
import inspect
import math
import warnings

import numpy as np

from ..engine import function
from .closed_over import places
from .numbers import TracedFloat, same_float
from .recorder import Recorder, RecordingError, frozen, live_lines, tidy_names
from .source import Expr, Literal, Var, render, render_dtype
from .stand_in import StandIn

__all__ = ["compile", "CompiledFunction", "RecordingError", "RetraceWarning"]


class RetraceWarning(UserWarning):
    """A compiled function keeps being traced again: its calls keep changing what must match."""


def compile(fn):  # noqa: A001 - the name users expect (torch.compile, jax.jit)
    """Trace ``fn`` on its first call and replay it as straight-line NumPy afterwards.

    Array arguments (NumPy arrays or Tensors) may change values from call to call; a change of
    shape or dtype, or of a setting (ints, strings, tuples), traces again. See the module
    docstring.
    """
    return CompiledFunction(fn)


class CompiledFunction:
    """What `compile` returns: call it like the function it wraps.

    ``traces`` counts the traces made so far; ``source`` is the NumPy program of the last one.
    At most ``cache_size`` programs are kept (the least recently used goes); a function that
    keeps being traced warns once (`RetraceWarning`) and says why.
    """

    cache_size = 8

    def __init__(self, fn):
        self.fn = fn
        self.programs = collections.OrderedDict()  # key -> [Program, ...], least recently used first
        self.traces = 0
        self.source = None
        self._warned = False
        functools.update_wrapper(self, fn)

    def __call__(self, *args, **kwargs):
        key = tuple(map(_part, args)) if not kwargs else _call_key(args, kwargs)
        candidates = self.programs.get(key)
        if candidates is not None:
            for program in candidates:
                if program.accepts(args, kwargs):
                    return program.run(args, kwargs)
        program, result = _trace(self.fn, args, kwargs)
        self._keep(key, program)
        return result

    def _keep(self, key, program):
        self.traces += 1
        self.source = program.source
        self.programs.setdefault(key, []).insert(0, program)
        self.programs.move_to_end(key)
        if sum(len(c) for c in self.programs.values()) > self.cache_size:
            oldest = next(iter(self.programs))
            self.programs[oldest].pop()
            if not self.programs[oldest]:
                del self.programs[oldest]
            if not self._warned:
                self._warned = True
                warnings.warn(
                    f"compile: {getattr(self.fn, '__name__', 'the function')} was traced {self.traces} times: each call "
                    f"brings something new that must match ({program.reason}). Keep array shapes and dtypes fixed, "
                    "pass changing settings as Tensors, or call the function uncompiled.",
                    RetraceWarning, stacklevel=3)


def _call_key(args, kwargs):
    """What must match for a recorded program to be reused: arrays' shapes and dtypes, other values."""
    parts = [_part(value) for value in args]
    for name in sorted(kwargs):
        parts.append((name, _part(kwargs[name])))
    return tuple(parts)


def _part(value):
    if isinstance(value, np.ndarray):
        return (value.shape, value.dtype)
    if isinstance(value, function.Tensor):
        return ("t", value.data.shape, value.data.dtype, value.requires_grad)
    if type(value) is float:
        return "float"  # an input of the program; its value is checked only if the trace used it in Python
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
    call_values, arg_vars, dtypes, floats = [], [], [], []
    for name, value in flat:
        if isinstance(value, (np.ndarray, Tensor)):  # an array is copied (as Tensor() would) but keeps its dtype
            tensor = value if isinstance(value, Tensor) else Tensor._make(np.array(value), False, None, "constant")
            arg_vars.append(recorder.argument(tensor.data, tensor.name or name))
            dtypes.append(tensor.dtype)
            call_values.append(tensor)
        elif type(value) is float:
            traced = TracedFloat(value)
            arg_vars.append(recorder.number_argument(traced, name))
            dtypes.append(None)
            floats.append(traced)
            call_values.append(traced)
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


def _set_grad(tensor, array):
    """What the program calls where the traced code set ``tensor.grad``."""
    tensor._grad = function.Tensor._make(np.asarray(array), False, None, "grad")


def _empty_grad(tensor):
    """What the program checks first where the traced call found ``tensor.grad`` empty and
    added to it: a replay cannot add to a gradient it did not compute."""
    if tensor._grad is not None:
        raise RecordingError(
            f"compile: backward() adds to a .grad (shape {tuple(tensor.shape)}) that the traced call found empty, "
            "but it is set now, and a compiled step cannot follow gradients across calls. Clear gradients "
            "inside the step (optimizer.zero_grad() or p.grad = None) before backward().")


def _result(array):
    """A value the program returns, as the Tensor the call hands back (no graph)."""
    return function.Tensor._make(np.asarray(array), False, None, "compiled")


class Program:
    """The recorded lines, cleaned up, as one Python function of the call's own arguments
    (``source`` shows it): it reads the parameters' arrays and the optimizer's settings itself,
    bumps the versions of what it changed, and returns Tensors."""

    def __init__(self, recorder, flat, arg_vars, dtypes, output_vars, rebuild, fn):
        lines = _drop_overwritten_grads(recorder.lines)
        lines = live_lines(lines, output_vars)
        lines, folded = _fold_constants(lines, output_vars)
        lines = _simplify(lines, output_vars)
        lines = live_lines(lines, output_vars)
        name = recorder.fresh_name(getattr(fn, "__name__", "step"))  # never one of the program's own names
        # a setting's parameter (its value is part of the key, not read) gets a name no value has
        settings = {position: recorder.fresh_name(f"_setting_{position}") for position, (_, value) in enumerate(flat)
                    if not isinstance(value, (np.ndarray, function.Tensor)) and type(value) is not float}
        tidy_names(lines, recorder, reserved=[name] + [v.name for v in arg_vars] + list(settings.values()))
        used = {id(v) for line in lines for v in line.uses()} | {id(v) for v in output_vars}
        externals = [v for v in recorder.externals + folded if id(v) in used]
        _refuse_argument_grads(lines, arg_vars)
        changed = {id(line.changes) for line in lines if line.effect == "mutate"}
        namespace = {"np": np, "_set_grad": _set_grad, "_result": _result, "_empty_grad": _empty_grad}
        parameters, prologue, epilogue = self._arguments(flat, arg_vars, dtypes, changed, used, settings)
        for holder in recorder.found_empty:  # gradients the traced call added to an empty .grad
            if id(holder) in used:
                prologue.append(f"_empty_grad({holder.name})")
        named = places(fn)
        self.closed_over = []  # (Place, shape, dtype): arrays the program reads by the function's names
        for v in externals:
            source = v.source
            array = _callers_array(v) if id(v) not in changed else None
            place = named.get(id(array)) if array is not None else None
            if place is not None:  # the function reads it by a name: so does the program, at every call
                base = {"cell": "cells", "global": "globals"}.get(place.kind)  # an object: by its type
                holder = self._owner_name(recorder, place.holder, namespace, base=base)
                prologue.append(f"{v.name} = {place.source(holder)}")
                self.closed_over.append((place, v.array.shape, v.array.dtype))
                self.reasons.append(f"the shape and dtype of the array {place.label}")
            elif isinstance(source, function.Tensor):  # a parameter: read its array afresh at each call
                holder = recorder.holder(source)
                namespace[holder.name] = source
                prologue.append(f"{v.name} = {holder.name}.data")
                if id(v) in changed:  # changed in place, as eager updates do: a graph that saved it is warned
                    epilogue.append(f"{holder.name}._note_in_place()")
            elif isinstance(source, tuple) and source[0] == "tensor":
                namespace[v.name] = source[1]  # the Tensor object, to set its .grad
            elif isinstance(source, tuple) and source[0] == "attribute":  # a setting read at each call
                _, owner, attribute = source
                owner_name = self._owner_name(recorder, owner, namespace)
                prologue.append(f"{v.name} = {owner_name}.{attribute}")
            elif isinstance(source, np.ndarray):
                namespace[v.name] = source  # a constant, the caller's array read in place, or an optimizer's buffer
        # arrays the program updates in place (an optimizer's state) are its own locals, bound once
        kept_arrays = [f"{v.name}={v.name}" for v in externals if isinstance(v.source, np.ndarray) and id(v) in changed]
        signature = ", ".join(parameters + (["*"] + kept_arrays if kept_arrays else []))
        body = prologue + [line.render() for line in lines] + epilogue
        returns = [_output_source(v) for v in output_vars]
        self.rebuild = rebuild if not _single_tensor(rebuild, len(output_vars)) else None
        if self.rebuild is None:
            body.append(f"return _result({returns[0]})" if returns else "return None")
        else:
            body.append(f"return ({', '.join(returns)}{',' if len(returns) == 1 else ''})")
        self.source = f"def {name}({signature}):\n" + "".join(f"    {text}\n" for text in body)
        # The source is made only from the ops' own forward code, numbers rendered by us and
        # identifiers we checked -- never from text a user typed -- so running it is as safe as
        # running the library itself.
        exec(self.source, namespace)  # noqa: S102
        self.function = namespace[name]
        self.guards = recorder.guards
        if self.guards:
            self.reasons.append("the optimizer settings written into the program")
        self.reason = "; ".join(dict.fromkeys(self.reasons)) or "nothing"

    def _arguments(self, flat, arg_vars, dtypes, changed, used, settings):
        """The program's parameters (one per argument of the call, in order), the lines that
        turn each into the value the program reads, and what must match for a later call."""
        parameters, prologue, epilogue = [], [], []
        self.fixed = []  # (position, value): float arguments the trace used in Python
        self.reasons = []
        arrays = iter(zip(arg_vars, dtypes))
        for position, (arg_name, value) in enumerate(flat):
            if type(value) is float:
                var, _ = next(arrays)
                parameters.append(var.name)
                if var.array.concrete or id(var) not in used:  # computed with in Python, or read nowhere
                    self.fixed.append((position, value))
                    self.reasons.append(f"the value of {arg_name}, which the function used in Python")
            elif isinstance(value, (np.ndarray, function.Tensor)):
                var, dtype = next(arrays)
                parameters.append(var.name)
                array = f"{var.name}.data" if isinstance(value, function.Tensor) else var.name
                if id(var) in changed:  # the program writes into it: a copy, as Tensor(value) made when tracing
                    prologue.append(f"{var.name} = np.array({array}, {render_dtype(dtype)})")
                elif isinstance(value, function.Tensor):
                    prologue.append(f"{var.name} = {array}")
                elif value.dtype != dtype:
                    prologue.append(f"{var.name} = np.asarray({array}, {render_dtype(dtype)})")
                self.reasons.append(f"the shape and dtype of {arg_name}")
            else:
                parameters.append(settings[position])  # part of the key; the program needs no value
                self.reasons.append(f"the setting {arg_name}")
        return parameters, prologue, epilogue

    @staticmethod
    def _owner_name(recorder, owner, namespace, base=None):
        for key, value in namespace.items():
            if value is owner:
                return key
        key = recorder.fresh_name(base or type(owner).__name__.lower())
        namespace[key] = owner
        return key

    def accepts(self, args, kwargs):
        """True when the float arguments that the trace used in Python, and the settings written
        into the program, still have the values they had when it was traced."""
        for owner, attribute, value in self.guards:
            if getattr(owner, attribute) != value:
                return False
        for place, shape, dtype in self.closed_over:
            if not place.matches(shape, dtype):  # another array there: the program may not fit it
                return False
        if not self.fixed:
            return True
        values = args + tuple(kwargs[k] for k in sorted(kwargs)) if kwargs else args
        return all(same_float(values[position], value) for position, value in self.fixed)

    def run(self, args, kwargs):
        results = self.function(*args, *[kwargs[k] for k in sorted(kwargs)]) if kwargs else self.function(*args)
        if self.rebuild is None:
            return results
        return self.rebuild([_result(r) for r in results])


def _callers_array(var):
    """The NumPy array of the caller's that an external reads -- one passed to an op as it is, or
    wrapped without a copy (``as_tensor`` of a float array, ``borrowed`` before a cast: a loss's
    targets, labels, indices) -- or None (a parameter, a setting, a constant)."""
    source = var.source
    if var.kind == "external" and isinstance(source, np.ndarray):
        return source
    if isinstance(source, function.Tensor) and source._borrowed and not source.requires_grad:
        return source.data
    return None


def _single_tensor(rebuild, count):
    """True when the function returns one Tensor (or None): the program returns it itself."""
    probe = rebuild(["tensor"] * count)
    return probe == "tensor" or (count == 0 and probe is None)


def _output_source(var):
    return f"np.asarray({render(var)})" if isinstance(var, Literal) else var.name  # results are arrays


def _drop_overwritten_grads(lines):
    """A ``.grad`` set and then set again within the program need not be set the first time:
    the program's lines read gradients from variables, never through the tensor. Clearing it
    (zero_grad) stays: that frees the last call's gradient arrays before new ones are made, so
    memory is reused while it is still in cache (Rashid's per-sample step went from 131 to 108 us)."""
    kept, later_set = [], set()
    for line in reversed(lines):
        if line.effect == "grad":
            holder = id(line.expr.args[0])
            if holder in later_set and line.expr.kind == "call":
                continue
            later_set.add(holder)
        kept.append(line)
    kept.reverse()
    return kept


def _fold_constants(lines, output_vars):
    """Compute once, now, every value that depends on constants only (backward's seed of ones
    and what is made from it): the program keeps the traced array instead of the line."""
    mutated = {id(line.changes) for line in lines if line.effect == "mutate"}
    outputs = {id(v) for v in output_vars}
    constant, folded = set(), []

    def is_constant(v):  # not the caller's arrays ("external"): they may change between calls
        return isinstance(v, Literal) or (isinstance(v, Var) and id(v) not in mutated and (
            id(v) in constant or v.kind == "constant"))

    kept = []
    for line in lines:
        target = line.target
        if (not line.effect and target is not None and id(target) not in mutated and id(target) not in outputs
                and all(is_constant(v) for v in line.uses())):
            value = frozen(target.array)
            target.kind, target.source, target.array = "constant", value, value
            constant.add(id(target))
            folded.append(target)
            continue
        kept.append(line)
    return kept, folded


def _simplify(lines, output_vars):
    """Exact rewrites of what the chain rule writes one op at a time:

    * ``x * c`` (or ``+ - /``) where ``c`` is a constant array of one repeated value that only
      broadcasts against ``x`` becomes ``x * value``: the same numbers, one array read fewer
      (backward's seeds, ``0.5 * ones``, are such arrays);
    * ``x * 1.0`` (and ``x / 1.0``) is ``x`` itself, when it has the result's shape and dtype;
    * ``-(x * c)`` with a number ``c`` becomes ``x * -c`` (negation is exact): one op fewer.
    """
    producers = {id(line.target): line for line in lines if line.target is not None and not line.effect}
    counts = collections.Counter(id(v) for line in lines for v in line.uses())
    for line in lines:
        expr = line.expr
        if line.effect or expr.kind != "binop" or expr.head not in "+-*/":
            continue
        a, b = (_resolved(v) for v in expr.args)
        number_a = _as_number(a, b, line.target)
        # not both: two numbers would make a number of the array the line computes
        expr.args = (number_a, _as_number(b, a, line.target) if number_a is a else b)
    _drop_times_one(lines, output_vars)
    for line in lines:
        expr = line.expr
        if line.effect or expr.kind != "unop" or expr.head != "-":
            continue
        operand = _resolved(expr.args[0])
        inner = producers.get(id(operand))
        if inner is None or counts[id(operand)] != 1 or inner.expr.kind != "binop" or inner.expr.head != "*":
            continue
        a, b = (_resolved(v) for v in inner.expr.args)
        number = b if isinstance(b, Literal) else a if isinstance(a, Literal) else None
        if number is None or number.value is None or isinstance(number.value, (bool, np.bool_)):
            continue
        line.expr = Expr("binop", "*", (a if number is b else b, Literal(-number.value)))
    return lines


def _drop_times_one(lines, output_vars):
    """``y = x * 1.0``: later lines read ``x`` instead of ``y`` (the line is then dead). Not when
    ``y`` is stored (a ``.grad``, a result): it must not become the same array as ``x``."""
    changed = {id(line.changes) for line in lines if line.effect == "mutate"}
    stored = {id(v) for v in output_vars} | {id(v) for line in lines if line.effect for v in line.uses()}
    for line in lines:
        expr, target = line.expr, line.target
        if line.effect or expr.kind != "binop" or expr.head not in "*/" or id(target) in stored:
            continue
        a, b = (_resolved(v) for v in expr.args)
        one, other = (b, a) if _is_one(b) else (a, b) if _is_one(a) and expr.head == "*" else (None, None)
        if (one is None or not isinstance(other, Var) or id(other) in changed or id(target) in changed
                or not isinstance(other.array, np.ndarray) or not isinstance(target.array, np.ndarray)
                or other.array.shape != target.array.shape or other.array.dtype != target.array.dtype):
            continue
        for later in lines:
            later.expr = _replace(later.expr, target, other)


def _is_one(value):
    return isinstance(value, Literal) and type(value.value) is float and value.value == 1.0


def _replace(value, old, new):
    """``value`` (an expression, or part of one) with the Var ``old`` read as ``new``."""
    if value is old:
        return new
    if isinstance(value, StandIn):
        if value.var is old:
            return new
        if value.var is None:
            value.expr = _replace(value.expr, old, new)
        return value
    if isinstance(value, Expr):
        value.args = tuple(_replace(v, old, new) for v in value.args)
        value.kwargs = {k: _replace(v, old, new) for k, v in value.kwargs.items()}
        return value
    if isinstance(value, tuple):
        return tuple(_replace(v, old, new) for v in value)
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    if isinstance(value, slice):
        return slice(_replace(value.start, old, new), _replace(value.stop, old, new), _replace(value.step, old, new))
    return value


def _resolved(value):
    """An operand as the Var or Literal that names it (a stand-in that has been given one)."""
    return value.var if isinstance(value, StandIn) and value.var is not None else value


def _as_number(value, other, target):
    """``value`` as a Literal when it is a constant array of one repeated number and ``other``
    already has the result's shape and dtype (so replacing the array by the number changes
    neither the result's shape, nor its dtype, nor one bit of it)."""
    if not (isinstance(value, Var) and value.kind == "constant" and isinstance(value.source, np.ndarray)):
        return value  # the caller's arrays stay arrays: they may hold other values at the next call
    array, result, other_array = value.source, getattr(target, "array", None), getattr(other, "array", None)
    if (not isinstance(result, np.ndarray) or not isinstance(other_array, np.ndarray) or array.size == 0
            or array.dtype.kind != "f" or not array.dtype == other_array.dtype == result.dtype
            or other_array.shape != result.shape):
        return value
    first = array.flat[0]
    if math.isnan(first) or not np.all(array == first):
        return value
    return Literal(float(first))  # a Python float: it takes the other operand's dtype, as the array did


def _refuse_argument_grads(lines, arg_vars):
    for line in lines:
        if line.effect == "grad" and any(line.expr.args[0].source[1].data is v.array for v in arg_vars):
            raise RecordingError(
                "compile: backward() sets the .grad of an argument of the compiled function, but the next call "
                "gets other arguments. Keep parameters outside the arguments (a model or tensors the function "
                "closes over), or return the gradients: tg.grad(loss, [w]) inside the function."
            )

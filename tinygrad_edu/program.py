"""Writing a computation down as straight-line NumPy source: what `tg.compile` runs and
`tg.codegen` prints.

While a `Recorder` is switched on (``grad_mode.recorder``), every primitive op -- in the
forward pass, in the backward formulas the engine runs, in a training step's in-place
updates -- adds one line of source, written from the op's ``code`` template
(`tinygrad_edu.function`). Values are followed by the identity of their arrays: an op's
output array gets a variable name, and a later op that reads the same array object reads that
variable. Arrays saved for backward (a relu's mask) get lines of their own from ``saved_code``,
so a program recomputes them from its inputs rather than reusing the traced values.

An array the recording did not see being made is *external*: an argument, a parameter or a
constant tensor, read afresh (``tensor.data``) each time the program runs. A 0-d constant
(``x * 0.5``) is written as a literal.

What cannot be followed: NumPy called on ``.data`` and Python values read with ``.item()``
inside the recorded code are frozen at their recorded values (docs/performance.md).
"""
from __future__ import annotations

import builtins
import keyword
import math
import string

import numpy as np

from . import function
from .function import grad_mode

_FORMATTER = string.Formatter()
_BUILTINS = set(dir(builtins))


class Var:
    """One value of the program: a name, and the array it held while recording."""

    __slots__ = ("name", "array", "kind", "source")

    def __init__(self, name, array, kind, source=None):
        self.name = name
        self.array = array  # kept alive while recording, so array ids are never reused
        self.kind = kind  # "arg" | "external" | "temp"
        self.source = source  # for an external: the Tensor to read, or the constant itself

    def __repr__(self):
        return self.name


class Literal:
    """A 0-d constant written into the source (``0.5``, ``np.float32(0.1)``, ``True``)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class Line:
    """``target = <template with its inputs and attributes filled in>``, or a bare statement.

    ``effect`` marks statements that change state -- "mutate" (an in-place update of the first
    input), "grad" (setting a ``.grad``) or "call" -- which are never dropped and never folded.
    """

    __slots__ = ("target", "template", "inputs", "attrs", "effect")

    def __init__(self, target, template, inputs, attrs, effect=None):
        self.target, self.template, self.inputs, self.attrs, self.effect = target, template, inputs, attrs, effect

    def uses(self):
        """Every Var this line reads (inputs and Vars inside attributes)."""
        found = [v for v in self.inputs if isinstance(v, Var)]
        for value in self.attrs.values():
            _collect_vars(value, found)
        return found

    def render(self) -> str:
        inputs = [_render_input(v, i, self.template) for i, v in enumerate(self.inputs)]
        attrs = {key: (_render_index(value) if key == "index" else _render(value)) for key, value in self.attrs.items()}
        attrs["inputs"] = ", ".join(inputs)
        if self.target is not None:
            attrs["out"] = self.target.name
        if self.effect == "grad" and isinstance(self.inputs[1], Literal):
            return f"{inputs[0]}._grad = None"  # the common case, without a call
        text = self.template.format(*inputs, **attrs)
        return f"{self.target.name} = {text}" if self.target is not None and not self.effect else text


class RecordingError(RuntimeError):
    """Something in the recorded code cannot be written down as a NumPy program."""


class Recorder:
    """Collects the lines; `tg.compile` and `tg.codegen` turn them into a function.

    Switch it on with ``with recorder:`` (per thread, like ``no_grad``).
    """

    def __init__(self, what="compile"):
        self.what = what  # "compile" or "codegen": names the caller in error messages
        self.lines: list[Line] = []
        self.vars: dict[int, Var] = {}  # id(array) -> the Var holding it
        self.node_vars = {}  # Function node -> the Var of its output (names gradients d_<name>)
        self.externals: list[Var] = []
        self.holders = {}  # id(tensor) -> the external Var naming the Tensor object itself
        self.taken: set[str] = {"np", "tie_shares", "scatter_add", "_set_grad"}  # the names programs use
        self._previous = None

    # -- switching on and off ----------------------------------------------------------
    def __enter__(self):
        self._previous = grad_mode.recorder
        grad_mode.recorder = self
        return self

    def __exit__(self, *exc_info):
        grad_mode.recorder = self._previous
        return False

    # -- names ---------------------------------------------------------------------------
    def fresh_name(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3``... -- whichever is free (and a valid identifier)."""
        base = base if base.isidentifier() and not keyword.iskeyword(base) else "v"
        if base in _BUILTINS:
            base += "_"  # sum_, pow_: never hide a builtin the reader knows
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        return name

    def rename(self, var: Var, base: str):
        """Give a temporary a better name (``d_syn0`` for a gradient); arguments keep theirs."""
        if var.kind == "temp" and not var.name.startswith("d_"):
            self.taken.discard(var.name)
            var.name = self.fresh_name(base)

    # -- values ----------------------------------------------------------------------------
    def argument(self, array, base: str) -> Var:
        """Declare an array the program receives as an argument."""
        var = Var(self.fresh_name(base), array, "arg")
        self.vars[id(array)] = var
        return var

    def new_var(self, array, base: str) -> Var:
        var = Var(self.fresh_name(base), array, "temp")
        self.vars[id(array)] = var
        return var

    def lookup(self, array, tensor=None):
        """The Var (or Literal) for an array an op reads; unseen arrays become externals."""
        var = self.vars.get(id(array))
        if var is not None:
            return var
        if _is_literal(array) and (tensor is None or tensor._origin == "constant"):
            return Literal(array)
        if tensor is not None:
            base = tensor.name or ("param" if tensor.requires_grad else "const")
            var = Var(self.fresh_name(base), array, "external", tensor)
        else:
            var = Var(self.fresh_name("const"), array, "external", array)
        self.vars[id(array)] = var
        self.externals.append(var)
        return var

    def value_of(self, value):
        """A Tensor, an array or a Python number, as a Var or a Literal."""
        if isinstance(value, function.Tensor):
            return self.lookup(value.data, value)
        if isinstance(value, (bool, int, float)):
            return Literal(value)
        return self.lookup(value)

    def resolve(self, value):
        """An attribute value with the arrays in it replaced by Vars (indices, conditions)."""
        if isinstance(value, np.ndarray):
            return self.lookup(value)
        if isinstance(value, function.Tensor):
            return self.lookup(value.data, value)
        if isinstance(value, tuple):
            return tuple(self.resolve(v) for v in value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, slice):
            return slice(self.resolve(value.start), self.resolve(value.stop), self.resolve(value.step))
        if value is None or value is Ellipsis or isinstance(value, (bool, int, float, np.generic, np.dtype)):
            return value
        raise RecordingError(f"{self.what}: cannot write {type(value).__name__} values into a NumPy program")

    def _attrs(self, template, node):
        attrs = {}
        for _, field, _, _ in _FORMATTER.parse(template):
            if field is None or field.isdigit() or field in ("inputs", "out") or field in attrs:
                continue
            attrs[field] = self.resolve(getattr(node, field))
        return attrs

    # -- what the library reports while recording ---------------------------------------
    def op(self, node, inputs, out, name=None):
        """A primitive op ran: ``out = node.code(inputs)``, plus lines for what it saved."""
        template = node.code
        if template is None:
            raise RecordingError(f"{self.what}: the op '{node.describe()}' has no NumPy source (its class sets no "
                                 "`code`), so it cannot be written into a program. Give it a `code` template "
                                 "(see tinygrad_edu/function.py).")
        in_vars = [self.value_of(t) for t in inputs]
        attrs = self._attrs(template, node)
        target = self.new_var(out, name or node.name)
        self.lines.append(Line(target, template, in_vars, attrs))
        self.node_vars[node] = target
        for array, saved_template in zip(node.saved, node.saved_code):
            if id(array) in self.vars:  # the output itself, or an input (where's condition)
                continue
            saved_attrs = self._attrs(saved_template, node)
            self.lines.append(Line(self.new_var(array, f"{node.name}_mask"), saved_template, in_vars,
                                   {**saved_attrs, "out": target} if "{out}" in saved_template else saved_attrs))

    def expr(self, template, inputs, out, base, **attrs):
        """A value made outside the ops (a comparison, backward's seed of ones)."""
        in_vars = [self.value_of(a) for a in inputs]
        target = self.new_var(out, base)
        self.lines.append(Line(target, template, in_vars, {k: self.resolve(v) for k, v in attrs.items()}))
        return target

    def statement(self, template, inputs, **attrs):
        """An in-place change (``w -= step``, ``t[i] = v``), kept in order and never dropped."""
        in_vars = [self.value_of(a) for a in inputs]
        self.lines.append(Line(None, template, in_vars, {k: self.resolve(v) for k, v in attrs.items()}, "mutate"))

    def set_grad(self, tensor, grad):
        """``tensor.grad`` was set (by backward, or to None): the program sets it too."""
        if self.what != "compile":
            return
        holder = self.holders.get(id(tensor))
        if holder is None:
            owner = self.lookup(tensor.data, tensor)
            holder = self.holders[id(tensor)] = Var(self.fresh_name(f"{owner.name}_tensor"), None, "external",
                                                    ("tensor", tensor))
            self.externals.append(holder)
        value = None if grad is None else self.lookup(grad.data, grad)
        self.lines.append(Line(None, "_set_grad({0}, {1})", [holder, value if value is not None else Literal(None)], {},
                               "grad"))

    def check_accumulation(self, leaf):
        """backward() is about to add to ``leaf.grad``: refuse when that gradient came from outside
        the recording, since the program could not know it on the next call."""
        if leaf._grad is not None and id(leaf._grad.data) not in self.vars:
            raise RecordingError(
                f"{self.what}: backward() adds to a .grad (shape {tuple(leaf.shape)}) that was already set "
                "before the compiled call, and a compiled step cannot follow gradients across calls. "
                "Clear gradients inside the step (optimizer.zero_grad() or p.grad = None) before backward()."
            )

    def gradient_of(self, what, grad_array):
        """Name the variable that holds the gradient of a node's output (or of a leaf)."""
        var = self.vars.get(id(grad_array))
        if var is None:
            return
        of = self.node_vars.get(what) if not isinstance(what, function.Tensor) else self.vars.get(id(what.data))
        if of is not None:
            self.rename(var, f"d_{of.name}")

    def call(self, function):
        """Run ``function()`` without recording and have the program call it at this point
        (an optimizer's step: its state lives in Python, so it is called, not written out)."""
        owner = getattr(function, "__self__", None)  # a bound method: name it sgd_step, adam_step
        base = getattr(function, "__name__", "call")
        base = f"{type(owner).__name__.lower()}_{base}" if owner is not None else base
        holder = Var(self.fresh_name(base), None, "external", ("call", function))
        self.externals.append(holder)
        self.lines.append(Line(None, "{0}()", [holder], {}, "call"))
        grad_mode.recorder = None
        try:
            return function()
        finally:
            grad_mode.recorder = self


# -- rendering ---------------------------------------------------------------------------
def _is_literal(array):
    return (isinstance(array, (np.ndarray, np.generic)) and array.ndim == 0 and array.dtype.kind in "fb"
            and array.dtype in (np.float64, np.float32, np.bool_))


def _collect_vars(value, found):
    if isinstance(value, Var):
        found.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _collect_vars(v, found)
    elif isinstance(value, slice):
        for v in (value.start, value.stop, value.step):
            _collect_vars(v, found)


def _render_number(x):
    if isinstance(x, (bool, np.bool_)):
        return repr(bool(x))
    if isinstance(x, (int, np.integer)):
        return repr(int(x))
    x = float(x)
    if math.isnan(x):
        return "np.nan"
    if math.isinf(x):
        return "np.inf" if x > 0 else "-np.inf"
    return repr(x)


def _render(value) -> str:
    if isinstance(value, Var):
        return value.name
    if isinstance(value, Literal):
        number = value.value
        if number is None:
            return "None"
        if isinstance(number, (np.ndarray, np.generic)):
            text = _render_number(number.item())
            if number.dtype == np.bool_:  # ~True is -2 for a Python bool; NumPy's bool negates
                return f"np.bool_({text})"
            return f"np.float32({text})" if number.dtype == np.float32 else text
        return _render_number(number)
    if isinstance(value, tuple):
        return "(" + ", ".join(_render(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, slice):
        return f"slice({_render(value.start)}, {_render(value.stop)}, {_render(value.step)})"
    if value is Ellipsis:
        return "..."
    if isinstance(value, np.dtype):
        return f"np.{value.name}" if value.name in ("float64", "float32", "int64", "int32") else f"np.dtype({value.name!r})"
    if value is None:
        return "None"
    return _render_number(value)


def _render_index(index) -> str:
    """An index as it is written between brackets: ``1:3, 0`` rather than a tuple of slices."""
    def part(p):
        if isinstance(p, slice):
            text = ":".join("" if v is None else _render(v) for v in (p.start, p.stop))
            return text + (f":{_render(p.step)}" if p.step is not None else "")
        return _render(p)

    if isinstance(index, tuple):
        return "()" if not index else ", ".join(part(p) for p in index) + ("," if len(index) == 1 else "")
    return part(index)


def _render_input(value, position, template):
    text = _render(value)
    if isinstance(value, Literal) and value.value is not None and (
            f"{{{position}}}." in template or f"{{{position}}}[" in template):
        return f"np.asarray({text})"  # a method or an index needs an array, not a Python float
    return text


# -- turning the lines into a program ------------------------------------------------------
def live_lines(lines, outputs):
    """The lines that matter: every statement, and each value some output or statement needs."""
    needed = {id(v) for v in outputs if isinstance(v, Var)}
    kept = []
    for line in reversed(lines):
        if line.effect or (line.target is not None and id(line.target) in needed):
            kept.append(line)
            needed.update(id(v) for v in line.uses())
    kept.reverse()
    return kept

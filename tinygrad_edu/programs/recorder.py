"""Writing a computation down as straight-line NumPy source: what `tg.compile` runs and
`tg.codegen` prints.

While a `Recorder` is switched on (``grad_mode.recorder``, the engine's one hook for program
writers), every primitive op -- in the forward pass, in the backward formulas the engine runs,
in a training step's updates -- adds lines of source. The source of an op is read off its own
forward: the recorder runs ``forward`` once more on stand-in arrays (stand_in.py), which write
down every NumPy call made on them. So each op's forward is stated once.

Values are followed by the identity of their arrays: an op's output array gets a variable
name, and a later op that reads the same array object reads that variable. Arrays saved for
backward (a relu's mask) get lines of their own, so a program recomputes them from its inputs
rather than reusing the traced values.

An array the recording did not see being made is *external*: an argument, a parameter or a
constant tensor, read afresh (``tensor.data``) each time the program runs, or a NumPy array of
the caller's, read by the name the function reaches it by (closed_over.py).

What cannot be followed (the rules of docs/compile.md): a Python number taken from a tensor
the program computes or reads afresh (``.item()``, ``float()``, ``np.asarray()``, an ``if`` on
it) would be frozen at its traced value, so it is refused (`is_live`,
engine/concrete.py); NumPy computing outside Tensor ops -- on ``.data``, or on a closed-over
array before it meets a Tensor (``m > 0``, ``m.sum()``) -- is not seen, and its result is
frozen at the traced call's values, without a word.
"""
from __future__ import annotations

import builtins
import heapq
import keyword
import unicodedata

import numpy as np

from ..engine import function
from ..engine.grad_mode import grad_mode
from .source import Expr, Literal, RecordingError, Var
from .stand_in import Block, StandIn, Statement

__all__ = ["Recorder", "Line", "RecordingError", "live_lines", "identifier", "frozen"]

_BUILTINS = set(dir(builtins))
# names the programs' own code uses (compile's namespace): no value of a program may take one,
# or a tensor named "_result" would replace the function that builds the results
RESERVED = {"np", "_set_grad", "_result", "_empty_grad"}


def identifier(name, fallback="v") -> str:
    """``name`` as Python will read it (NFKC-normalised), if it is a plain identifier of ours to
    use; else ``fallback``. Python normalises identifiers when it parses them, so ``"ｍｕｌ"``
    *is* ``mul``: checking the raw string would let two names meet in one variable."""
    if type(name) is not str:
        return fallback
    name = unicodedata.normalize("NFKC", name)
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("__"):
        return fallback
    return name


class Line:
    """``target = expr``, or a statement.

    ``effect`` marks statements that change state -- "mutate" (an in-place update of an array)
    or "grad" (setting a ``.grad``) -- which are never dropped and never folded.
    """

    __slots__ = ("target", "expr", "effect", "changes")

    def __init__(self, target, expr, effect=None, changes=None):
        self.target, self.expr, self.effect, self.changes = target, expr, effect, changes

    def uses(self):
        """Every Var this line reads."""
        found = []
        _collect_vars(self.expr, found)
        return found

    def render(self) -> str:
        from .source import _render_expr

        text = _render_expr(self.expr)[0]
        return f"{self.target.name} = {text}" if self.target is not None else text


def _collect_vars(value, found):
    if isinstance(value, Var):
        found.append(value)
    elif isinstance(value, StandIn):
        if value.var is not None:
            _collect_vars(value.var, found)
        else:
            _collect_vars(value.expr, found)
    elif isinstance(value, Expr):
        for v in value.args:
            _collect_vars(v, found)
        for v in value.kwargs.values():
            _collect_vars(v, found)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _collect_vars(v, found)
    elif isinstance(value, slice):
        for v in (value.start, value.stop, value.step):
            _collect_vars(v, found)


class Recorder:
    """Collects the lines; `tg.compile` and `tg.codegen` turn them into a function.

    Switch it on with ``with recorder:`` (per thread, like ``no_grad``).
    """

    def __init__(self, what="compile", names=None):
        self.what = what  # "compile" or "codegen": names the caller in error messages
        self.lines: list[Line] = []
        self.vars: dict[int, Var] = {}  # id(array) -> the Var holding it
        self.numbers: dict[int, Var] = {}  # id(float) -> the Var of a number the program takes
        self.node_vars = {}  # Function node -> the Var of its output (names gradients d_<name>)
        self.externals: list[Var] = []
        self.holders = {}  # id(tensor) -> the external Var naming the Tensor object itself
        self.names = names or {}  # id(tensor) -> a better name than tensor.name (a module path)
        self.taken: set[str] = set(RESERVED)
        self._counters: dict[str, int] = {}  # base -> the next number to try
        self._returned: dict[str, list] = {}  # base -> numbers rename() gave back (a heap)
        self._numbers: dict[str, tuple] = {}  # name -> (base, number)
        self._kept = []
        self.guards = []  # (owner, attribute, value): what the program assumes about Python state
        self.found_empty = []  # holders of tensors whose .grad the traced call found empty and added to
        self._cleared = {}  # id(tensor) -> True once the recorded code set its .grad
        self._attributes = {}  # (id(owner), attribute) -> the Var of a setting read at each call
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
        """``base``, or ``base_2``, ``base_3``... -- the first one free. Each base keeps its own
        counter (and the numbers `rename` gave back), so naming n values costs n steps, not n^2."""
        base = identifier(base)
        if base in _BUILTINS:
            base += "_"  # sum_, pow_: never hide a builtin the reader knows
        returned = self._returned.get(base)
        while returned:
            n = heapq.heappop(returned)
            name = base if n == 1 else f"{base}_{n}"
            if name not in self.taken:
                break
        else:
            n = self._counters.get(base, 1)
            name = base if n == 1 else f"{base}_{n}"
            while name in self.taken:
                n += 1
                name = f"{base}_{n}"
            self._counters[base] = n + 1
        self.taken.add(name)
        self._numbers[name] = (base, n)
        return name

    def rename(self, var: Var, base: str):
        """Give a temporary a better name (``d_syn0`` for a gradient); arguments keep theirs.
        Its old name is free again, so the numbers of the names that remain have no gaps."""
        if var.kind == "temp" and not var.name.startswith("d_"):
            self.taken.discard(var.name)
            old_base, n = self._numbers.pop(var.name, (None, None))
            if old_base is not None:
                heapq.heappush(self._returned.setdefault(old_base, []), n)
            var.name = self.fresh_name(base)

    def tensor_name(self, tensor, fallback):
        """What to call a tensor the program reads: its name=, its module path (``layers.0.weight``
        becomes ``layers_0_weight``), or ``fallback``."""
        name = self.names.get(id(tensor)) or tensor.label
        return name.replace(".", "_") if isinstance(name, str) else fallback

    # -- values ----------------------------------------------------------------------------
    def argument(self, array, base: str) -> Var:
        """Declare an array the program receives as an argument."""
        var = Var(self.fresh_name(base), array, "arg")
        self.vars[id(array)] = var
        return var

    def number_argument(self, value, base: str) -> Var:
        """Declare a Python number the program receives as an argument (followed by identity)."""
        var = Var(self.fresh_name(base), value, "arg")
        self.numbers[id(value)] = var
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
        if isinstance(array, np.generic):
            return Literal(array)
        if (tensor is not None and tensor._origin == "constant" and not tensor._borrowed and array.ndim == 0
                and array.dtype.kind in "fb"):
            return Literal(array[()])  # a number written into the source, keeping its dtype
        if tensor is not None:
            base = self.tensor_name(tensor, "param" if tensor.requires_grad else "const")
            var = Var(self.fresh_name(base), array, "external", tensor)
        else:
            var = Var(self.fresh_name("const"), array, "external", array)
        self.vars[id(array)] = var
        self.externals.append(var)
        return var

    def same_value(self, alias, array):
        """``alias`` (a view a hook receives) holds what ``array`` holds: read it as that variable."""
        var = self.vars.get(id(array))
        if var is not None:
            self.vars[id(alias)] = var
            self._kept.append(alias)  # alive while recording: its id must not be reused

    def value_of(self, value):
        """A Tensor, an array or a Python number, as a Var or a Literal."""
        if isinstance(value, function.Tensor):
            return self.lookup(value.data, value)
        if isinstance(value, (bool, int, float)):
            return self.numbers.get(id(value)) or Literal(float.__float__(value) if isinstance(value, float) else value)
        return self.lookup(value)

    def is_live(self, tensor) -> bool:
        """True when the program computes ``tensor`` or reads it afresh at each call (an argument,
        a result, a parameter): its value may differ from call to call, so the trace cannot hand
        it to Python as a number (engine/concrete.py). Constants the function made itself are not."""
        return tensor.requires_grad or id(tensor.data) in self.vars

    def operand(self, value):
        """Like `value_of`, inside containers too (an index: a tuple of slices and arrays)."""
        if isinstance(value, (function.Tensor, np.ndarray, np.generic, bool, int, float)):
            return self.value_of(value)
        if isinstance(value, tuple):
            return tuple(self.operand(v) for v in value)
        if isinstance(value, list):
            return [self.operand(v) for v in value]
        if isinstance(value, slice):
            return slice(self.operand(value.start), self.operand(value.stop), self.operand(value.step))
        return value

    # -- running code on stand-ins ------------------------------------------------------
    def stand_in(self, value, block):
        """What forward receives in place of a value: a stand-in for anything the program
        holds in a variable or writes as a literal array, the number itself otherwise."""
        ref = self.value_of(value)
        array = value.data if isinstance(value, function.Tensor) else value
        if isinstance(ref, Literal) and not isinstance(array, np.ndarray):
            return array
        stand_in = StandIn(array, None, None)
        stand_in.var, stand_in.block = ref, block
        return stand_in

    def emit(self, block, results):
        """Write the block's stand-ins and statements as lines. ``results`` pairs each stand-in
        the caller needs by name with the base of that name (``(out, "mul")``); they, the
        stand-ins used more than once, and every one in a block that changes arrays in place
        get variables of their own; the rest are written inline where they are used."""
        uses = {}
        for item in block.items:
            _count_uses(item.expr, uses)
        named = {id(s): base for s, base in results if isinstance(s, StandIn) and s.var is None}
        for item in block.items:
            if isinstance(item, Statement):
                self.lines.append(Line(None, item.expr, "mutate", changes=item.target.var))
                continue
            if item.var is not None:
                continue
            if id(item) in named or uses.get(id(item), 0) > 1 or block.has_statements:
                base = named.get(id(item)) or _base_name(item.expr)
                item.var = Var(self.fresh_name(base), item.value, "temp")
                self.lines.append(Line(item.var, item.expr))

    def block(self):
        return Block(self.value_of)

    def unwrap(self, inputs):
        """An op's inputs with the numbers the program takes as arguments (compile's traced
        floats) replaced by plain floats that the recorder follows by identity."""
        for x in inputs:
            if isinstance(x, float) and type(x) is not float:
                break
        else:
            return inputs
        return tuple(self._plain_number(x) if isinstance(x, float) and type(x) is not float else x for x in inputs)

    def _plain_number(self, value):
        var = self.numbers.get(id(value))
        plain = float.__float__(value)
        if var is not None:
            self.numbers[id(plain)] = var
            self._kept.append(plain)  # alive while recording: its id must not be reused
        return plain

    # -- what the engine reports (the hook) --------------------------------------------
    def op(self, node, inputs, out, options, name=None):
        """A primitive op ran: ``out = <its forward on stand-ins>``, plus lines for what it saved.
        ``name`` is the variable's name (default: the op's)."""
        block = self.block()
        stand_ins = [self.stand_in(x, block) for x in inputs]
        # an array option (where's condition) is an input too: where(mask, 1.0, 0.0) is not a constant
        options = {key: self.stand_in(value, block) if key in node.array_options and type(value) is np.ndarray
                   else value for key, value in options.items()}
        shadow = type(node).__new__(type(node))
        shadow.saved = ()
        result = shadow.forward(*stand_ins, **options)
        base = name or node.name
        saved = [(s, f"{base}_saved") for s in shadow.saved if isinstance(s, StandIn) and s is not result]
        if not isinstance(result, StandIn):  # made from literals only: a constant
            self.vars[id(out)] = var = Var(self.fresh_name("const"), out, "constant", frozen(out))
            self.externals.append(var)
            return
        self.emit(block, [(result, base)] + saved)
        target = result.var if isinstance(result.var, Var) else self._alias(result, out, base)
        self.vars[id(out)] = target
        target.array = out
        self.node_vars[node] = target
        for real, s in zip(node.saved or (), shadow.saved):
            if isinstance(s, StandIn) and isinstance(s.var, Var) and id(real) not in self.vars:
                self.vars[id(real)] = s.var

    def _alias(self, result, out, base):
        """The result of an op is a literal (``x * 1``?): give it a line of its own."""
        var = Var(self.fresh_name(base), out, "temp")
        self.lines.append(Line(var, Expr("call", "np.asarray", (result.var,))))
        return var

    def made(self, out, function_name, args, base):
        """A value the engine makes from nothing (backward's seed: ``np.ones(shape, dtype)``)."""
        var = self.new_var(out, base)
        self.lines.append(Line(var, Expr("call", function_name, tuple(self.operand(a) for a in args))))
        return var

    def in_place(self, tensor, symbol, other):
        """``tensor -= other`` (and friends) changed a tensor's array in place."""
        target = self.value_of(tensor)
        self.lines.append(Line(None, Expr("augassign", symbol, (target, self.value_of(other))), "mutate", target))

    def set_item(self, tensor, index, value):
        """``tensor[index] = value`` changed a tensor's array in place."""
        target = self.value_of(tensor)
        self.lines.append(Line(None, Expr("setitem", None, (target, self.operand(index), self.value_of(value))),
                               "mutate", target))

    def set_grad(self, tensor, grad):
        """``tensor.grad`` was set (by backward, or to None): the program sets it too."""
        if self.what != "compile":
            return
        holder = self.holder(tensor)
        self._cleared[id(tensor)] = True  # from here on the program itself decides what .grad holds
        if grad is None:
            self.lines.append(Line(None, Expr("setattr", "_grad", (holder, Literal(None))), "grad"))
        else:
            self.lines.append(Line(None, Expr("call", "_set_grad", (holder, self.lookup(grad.data, grad))), "grad"))

    def holder(self, tensor):
        """The external Var naming the Tensor object itself (to set its .grad, bump its version)."""
        holder = self.holders.get(id(tensor))
        if holder is None:
            owner = self.lookup(tensor.data, tensor)
            holder = self.holders[id(tensor)] = Var(self.fresh_name(f"{owner}_tensor"), None, "external",
                                                    ("tensor", tensor))
            self.externals.append(holder)
        return holder

    def check_accumulation(self, leaf):
        """backward() is about to add to ``leaf.grad``: refuse when that gradient came from outside
        the recording, since the program could not know it on the next call; when it is empty and
        the program did not empty it, the program checks that it is still empty when it runs."""
        if leaf._grad is None and not self._cleared.get(id(leaf)):
            self.found_empty.append(self.holder(leaf))
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

    def update(self, update, arrays, settings, fixed=(), names=()):
        """Run an optimizer's ``update(*arrays, **settings)`` on stand-ins: its in-place changes
        become program lines. ``settings`` maps each keyword to ``(owner, attribute)``, a number
        the program reads from ``owner.attribute`` each time it runs (a changed learning rate is
        seen). ``fixed`` lists ``(owner, attribute)`` pairs that ``update`` reads itself: they are
        written into the program, which is used only while they keep their values. ``names``
        names the arrays the program has not met yet (the optimizer's state)."""
        self.guards.extend((owner, attribute, getattr(owner, attribute)) for owner, attribute in fixed)
        for array, name in zip(arrays, names):  # the optimizer's state arrays, named after their role
            if name and isinstance(array, np.ndarray) and id(array) not in self.vars:
                var = self.vars[id(array)] = Var(self.fresh_name(name), array, "external", array)
                self.externals.append(var)
        block = self.block()
        stand_ins = [self.stand_in(a, block) for a in arrays]
        numbers = {}
        for keyword_name, (owner, attribute) in settings.items():
            value = getattr(owner, attribute)
            var = self._attributes.get((id(owner), attribute))
            if var is None:  # one program parameter per setting, however many arrays it updates
                var = Var(self.fresh_name(keyword_name), value, "external", ("attribute", owner, attribute))
                self._attributes[(id(owner), attribute)] = var
                self.externals.append(var)
            numbers[keyword_name] = stand_in = StandIn(value, None, None)
            stand_in.var, stand_in.block = var, block
        update(*stand_ins, **numbers)
        self.emit(block, [])


def frozen(array):
    """A read-only copy of ``array``: a constant the program owns (`Var` kind "constant"), which
    nothing outside can change, so it may be computed with once, at the trace."""
    copy = np.array(array, copy=True)
    copy.flags.writeable = False
    return copy


def _count_uses(value, uses):
    if isinstance(value, StandIn):
        uses[id(value)] = uses.get(id(value), 0) + 1
        return  # its own operands were counted when it was made
    if isinstance(value, Expr):
        for v in value.args:
            _count_uses(v, uses)
        for v in value.kwargs.values():
            _count_uses(v, uses)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _count_uses(v, uses)
    elif isinstance(value, slice):
        for v in (value.start, value.stop, value.step):
            _count_uses(v, uses)


def _base_name(expr):
    head = expr.head if isinstance(expr.head, str) else ""
    name = head.rsplit(".", 1)[-1]
    return name if name.isidentifier() else "tmp"


# -- turning the lines into a program ------------------------------------------------------
def tidy_names(lines, recorder, reserved=()):
    """Number the temporaries of the final lines afresh, in order: lines dropped on the way
    (dead, folded) leave no gaps (``mul``, ``mul_2``, ``mul_3``, never ``mul``, ``mul_4``).
    Names of arguments and externals, and ``reserved``, stay as they are."""
    temps = [line.target for line in lines if line.target is not None and line.target.kind == "temp"]
    fixed = set(RESERVED) | set(reserved)
    fixed.update(v.name for line in lines for v in line.uses() if v.kind != "temp")
    counters = {}
    for var in temps:
        base = recorder._numbers.get(var.name, (var.name, 1))[0]
        n = counters.get(base, 1)
        name = base if n == 1 else f"{base}_{n}"
        while name in fixed:
            n += 1
            name = f"{base}_{n}"
        counters[base] = n + 1
        fixed.add(name)  # no other value gets it (a tensor named "mul_2" and the second mul meet here)
        var.name = name


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

"""``tinygrad-edu diff``: the value and the derivatives of a formula typed on the command line.

With ``--at x=1.5,y=2``: the value, then every partial derivative up to ``--order`` (default 1)
at that point. Without ``--at`` (one variable): f, f' and f'' as a table over ``--range``
(default -3:3), and with ``--plot FILE`` the three curves on one figure. The formula is parsed
against a whitelist (tinygrad_edu/expr.py), never evaluated, and so are the values of ``--at``
and ``--range``, which may use pi and e (``--at x=pi/4``, ``--range 0:2*pi``). NumPy's warnings
never reach the terminal -- a value that is not finite gets one plain sentence instead. An
order whose graphs would grow too large for a terminal command is refused before the work
(`WorkBudget`).
"""
import ast
import importlib.util
import math
import os
import shutil
import tempfile
import unicodedata

import numpy as np

from .calculus import corner_sentences, undefined_where_nan
from .expr import Formula, FormulaError, constant, number_literal
from .files import write_file

MAX_ORDER = 10
MAX_PARTIALS = 120  # of one order: there are C(n + k - 1, k) of order k in n variables
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def label(key):
    """``("x", "x")`` -> ``d²f/dx²``; ``("x", "y")`` -> ``d²f/dxdy``."""
    order = len(key)
    head = "d" + (str(order).translate(SUPERSCRIPTS) if order > 1 else "") + "f/"
    names = sorted(set(key), key=key.index)
    return head + "".join(f"d{n}" + (str(key.count(n)).translate(SUPERSCRIPTS) if key.count(n) > 1 else "")
                          for n in names)


def values_at(text):
    """``x=1.5,y=2`` -> {"x": 1.5, "y": 2.0}; a value may be arithmetic of numbers and the
    constants pi and e (``x=pi/4``), read as formulas are (`expr.constant`), never evaluated."""
    values = {}
    for part in filter(None, (p.strip() for p in split_outside_parentheses(text))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip().isidentifier():
            raise UsageError(f"--at expects name=value pairs separated by commas, like x=1.5,y=2; got {part!r}")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads the formula's names: 𝑥 is x
        if name in values:
            raise UsageError(f"--at gives {name} twice; give each variable one value")
        values[name] = number_in(value, "--at", part)
    return values


def split_outside_parentheses(text):
    """``x=1,y=max(1,2)`` -> ``["x=1", "y=max(1,2)"]``: the commas of a function call stay."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def number_in(text, option, context):
    """A number typed for ``option``: a plain float (``1.5``, ``-2``, ``nan``), or arithmetic of
    numbers, pi and e (``pi/4``, ``2*pi``) read with the formulas' whitelist."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return constant(text)
    except FormulaError as error:
        raise UsageError(f"{option}: {text.strip()!r} is not a number (in {context!r}): {error}") from None


def interval(text):
    """``-3:3`` -> (-3.0, 3.0); ``0:2*pi`` -> (0.0, 6.28...)."""
    low, sep, high = text.strip().partition(":")
    if not sep:
        raise UsageError(f"--range expects low:high with low < high, like -3:3 or 0:2*pi; got {text.strip()!r}")
    low, high = number_in(low, "--range", text.strip()), number_in(high, "--range", text.strip())
    # high - low must be finite too: the grid's step is computed from it (-1e308:1e308 overflows)
    if not (math.isfinite(low) and math.isfinite(high) and low < high and math.isfinite(high - low)):
        raise UsageError(f"--range expects low:high with low < high, like -3:3 (both finite, "
                         f"and their distance too); got {text.strip()!r}")
    return low, high


def check_order(order, variables):
    if order < 0:
        raise UsageError("--order must be 0 or more")
    partials = math.comb(max(variables, 1) + order - 1, order)
    if order > MAX_ORDER and variables <= 1:
        raise UsageError(f"--order {order}: at most --order {MAX_ORDER} is allowed (each order's graph is "
                         "several times larger than the last)")
    if order > MAX_ORDER or partials > MAX_PARTIALS:
        raise UsageError(
            f"--order {order} with {variables} variable{'s' * (variables != 1)} asks for {partials:,} partial "
            f"derivatives of order {order} (their number grows like variables^order / order!, and each order's "
            f"graph is larger than the last); at most --order {MAX_ORDER} and {MAX_PARTIALS} partials are allowed"
        )


def derivatives(result, inputs, order):
    """{key: array} for every partial derivative up to ``order``: each level is the gradient of
    the previous one (``create_graph`` keeps the graph for the next level). Where f is NaN, so
    is every derivative (`undefined_where_nan`). Before each level from the second on, the
    `WorkBudget` refuses an order whose graphs would grow past what a terminal command should
    take."""
    from .engine import autograd
    from .engine.tensor import Tensor

    budget = WorkBudget(len(autograd.nodes_below([result.grad_fn])), order)
    names, found, level = list(inputs), {}, {(): result}
    for k in range(1, order + 1):
        budget.check(k)
        start = budget.clock()
        next_level = {}
        for index, value in level.items():
            if value.requires_grad:
                grads = autograd.grad(value.sum(), [inputs[n] for n in names], create_graph=k < order,
                                      retain_graph=True, allow_unused=True)
            else:
                grads = [None] * len(names)
            for name, g in zip(names, grads):
                key = tuple(sorted(index + (name,)))
                if key not in next_level:
                    next_level[key] = g if g is not None else Tensor(np.zeros_like(result.data))
        budget.done(k, start)
        found.update(next_level)
        level = next_level
    return {key: undefined_where_nan(result.data, g.data) for key, g in found.items()}


class WorkBudget:
    """The bound on ``--order``: how many graph operations the derivatives up to ``order`` take,
    estimated before each level from the levels already computed, and refused with the reason
    when the estimate passes ``limit``.

    Each level differentiates the graphs of the level before, so its graph is a multiple of
    theirs: for long formulas each order costs 2.5-3.5 times the last (4-5 times in the first
    orders of formulas full of powers x^y), which makes --order 10 of a 160-character formula
    several million operations and gigabytes. The first two levels cost almost nothing, so the
    estimate is made from them before any real work: ``costs`` holds the operations of the
    forward pass and of every level recorded so far, and from the third level on the next
    levels are projected at the latest growth (at most `TYPICAL_GROWTH`, since the first orders
    grow faster than the rest). A level is also never started when it alone, at its uncapped
    growth, would pass the limit.
    """

    def __init__(self, forward_operations, order, limit=None):
        self.costs = [max(forward_operations, 1)]
        self.order, self.limit = order, MAX_WORK if limit is None else limit

    @staticmethod
    def clock():
        """The engine's clock ticks once per recorded op (and once per reading like this one), so
        two readings count the graph built between them (tensor.py reads it the same way)."""
        from .engine.grad_mode import clock

        return next(clock.ticks)

    def done(self, level, start):
        if level < self.order:  # the last level runs on arrays and records nothing
            self.costs.append(max(self.clock() - start - 1, 0))

    def projected(self, order, growth):
        """Operations for the derivatives up to ``order``: the recorded levels below it (known or
        grown by ``growth`` per level), then the last level, which walks about as many nodes as
        the recorded level before it (measured: about as long)."""
        recorded = list(self.costs[:order])
        while len(recorded) < order:
            recorded.append(recorded[-1] * growth)
        return sum(recorded) + recorded[-1]

    def check(self, level):
        if level < 2:  # the first derivative costs about as much as the forward pass
            return
        growth = self.costs[-1] / max(self.costs[-2], 1)
        next_level = self.costs[-1] * (1.0 if level == self.order else growth)
        estimate = sum(self.costs) + next_level
        if level >= 3:  # the second derivatives' growth predicts the rest; the first's (from f) does not
            estimate = max(estimate, self.projected(self.order, min(growth, TYPICAL_GROWTH)))
        if estimate <= self.limit:
            return
        # the order to suggest is projected at the larger growth, so that it is not refused in turn
        fits = max([m for m in range(1, self.order) if self.projected(m, max(growth, TYPICAL_GROWTH)) <= self.limit],
                   default=1)
        raise UsageError(
            f"--order {self.order} of this formula would take about {estimate / 1e6:.3g} million graph operations "
            f"({rough_cost(estimate)}): each order's graph is about {growth:.1f} times the last, and at most "
            f"{self.limit / 1e6:g} million are allowed. Use --order {fits} or lower, or a shorter formula "
            f"(split it into parts and differentiate each)"
        )


MAX_WORK = 1_000_000  # graph operations for every order together: roughly 0.7 GB and half a minute
TYPICAL_GROWTH = 3.5  # the most each order multiplies the work by, once past the first orders (measured)
BYTES_PER_OPERATION = 700  # a recorded op: its node, its Tensor and small arrays (measured)
OPERATIONS_PER_SECOND = 40_000  # recorded, on one core (measured; the message says "roughly")


def rough_cost(operations):
    """``roughly 2.1 GB of memory and 2 minutes`` for a number of graph operations."""
    memory = operations * BYTES_PER_OPERATION
    seconds = operations / OPERATIONS_PER_SECOND
    size = f"{memory / 1e9:.1f} GB" if memory >= 1e9 else f"{memory / 1e6:.0f} MB"
    time = f"{seconds / 60:.0f} minutes" if seconds >= 120 else f"{seconds:.0f} seconds"
    return f"roughly {size} of memory and {time}"


def not_finite_note(formula, arrays):
    """One plain sentence when some value is NaN or infinite, saying the reasons the formula's
    own operations allow; ``arrays`` are the variables' values, then f and its derivatives."""
    if all(np.all(np.isfinite(a)) for a in arrays[1:]):
        return None
    if not np.all(np.isfinite(arrays[0])):
        return "note: some values are not finite (nan or inf): a value given for a variable is itself nan or inf."
    nodes = list(ast.walk(formula.tree))
    calls = {node.func.id for node in nodes if isinstance(node, ast.Call)}
    exponents = [number_literal(node.right) for node in nodes if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow)]
    divides = any(isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) for node in nodes)
    reasons = []
    logarithms = [name for name in ("log", "ln", "log10", "log2") if name in calls]
    if logarithms:
        reasons.append(f"{' and '.join(logarithms)} {'is' if len(logarithms) == 1 else 'are'} defined only for "
                       "positive arguments")
    if "log1p" in calls:
        reasons.append("log1p is defined only for arguments > -1")
    if "sqrt" in calls:
        reasons.append("sqrt needs arguments >= 0 and its slope is infinite at 0")
    inverse = [name for name in ("arcsin", "arccos", "asin", "acos") if name in calls]
    if inverse:
        reasons.append(f"{' and '.join(inverse)} {'is' if len(inverse) == 1 else 'are'} defined only on [-1, 1], "
                       "with infinite slopes at -1 and 1")
    if "tan" in calls:
        reasons.append("tan has poles at odd multiples of pi/2")
    if calls & {"atan2", "arctan2"}:
        reasons.append("atan2 has no slope where both of its arguments are 0")
    if any(k is None or k != int(k) for k in exponents):  # None: the exponent is an expression
        reasons.append("a negative number to a fractional power is not a real number, and x^k with k < 1 "
                       "has an infinite slope at 0")
    if divides or any(k is not None and k < 0 for k in exponents):
        reasons.append("a division by zero (or a negative power of 0) gives inf or nan")
    if not reasons:
        reasons.append("a value too large for a float (such as exp of a large number) overflows to inf")
    return "note: some values are not finite (nan or inf): " + "; ".join(reasons) + "."


def run(args, out=print):
    from .engine.tensor import Tensor
    from .viz import draw_graph, trace

    if args.graph:
        check_output_file(args.graph, "--graph", (".svg", ".png", ".pdf", ".dot"))
        if not args.graph.lower().endswith(".dot") and shutil.which("dot") is None:
            from .viz.graph import INSTALL_HINT

            raise UsageError(f"--graph: {INSTALL_HINT} Or write --graph f.dot, which needs no Graphviz.")
    if args.plot:
        check_output_file(args.plot, "--plot", (".png", ".svg", ".pdf"))
        if importlib.util.find_spec("matplotlib") is None:
            from .viz.figures import PLOTS_HINT

            raise UsageError(f"--plot: {PLOTS_HINT}")
    formula = Formula(args.expr)
    names = list(formula.variables)
    if not args.at and len(names) == 1 and not args.trace and not args.graph:
        return table(formula, names[0], args, out)
    if args.plot:
        raise UsageError("--plot draws f, f' and f'' over --range for a formula of one variable, without --at")
    values = values_at(args.at) if args.at else {}
    missing = [v for v in names if v not in values]
    unused = [v for v in values if v not in names]
    if unused:  # first: a misspelled name is both unused and missing, and this says which was meant
        raise UsageError(f"--at gives {', '.join(unused)}, which the formula does not use"
                         + (f" (its variables: {', '.join(names)})" if names else " (it has no variables)"))
    if missing:
        raise UsageError(f"no value for {', '.join(missing)}: add --at {','.join(f'{m}=...' for m in missing)}"
                         + (" (or leave out --at for a table over --range)"
                            if len(names) == 1 and not args.graph and not args.trace else ""))
    order = 1 if args.order is None else args.order
    check_order(order, len(names))
    inputs = {n: Tensor(values[n], requires_grad=True, name=n) for n in names}
    with np.errstate(all="ignore"):
        result = formula(**inputs)
        found = derivatives(result, inputs, order) if names and order >= 1 else {}
    point = ", ".join(f"{n}={number(values[n])}" for n in names) or "(no variables)"
    out(f"f = {args.expr.strip()}   at {point}")
    out(f"f = {number(result.item())}")
    for key, g in sorted(found.items(), key=lambda item: (len(item[0]), item[0])):
        out(f"{label(key)} = {number(g.item())}")
    note = not_finite_note(formula, [np.array(list(values.values()))] + [result.data] + list(found.values()))
    if note:
        out(note)
    if found:
        for sentence in corner_sentences([result]):
            out(f"note: {sentence}; f may not be differentiable at this point.")
    if args.trace:
        out(trace(result, backward=bool(names)))
    if args.graph:
        graph = draw_graph(result, grads="preview")  # the gradients just printed, on the boxes
        if args.graph.lower().endswith(".dot"):
            write_file(args.graph, graph.source)
        else:  # Graphviz knows formats by lower-case names only
            write_file(args.graph, graph.pipe(format=args.graph.rpartition(".")[2].lower()))
        out(f"wrote {args.graph}")


def table(formula, name, args, out, rows=13):
    """f and its derivatives at ``rows`` evenly spaced points of ``--range`` (one variable)."""
    from .engine.tensor import Tensor

    order = 2 if args.order is None else args.order
    check_order(order, 1)
    low, high = interval(args.range)
    grid = Tensor(np.linspace(low, high, rows), requires_grad=True, name=name)
    with np.errstate(all="ignore"):
        result = formula(**{name: grid}) * 1.0  # a constant formula still gives one value per row
        result = result.broadcast_to(grid.shape) if result.shape != grid.shape else result
        found = derivatives(result, {name: grid}, order)
    keys = sorted(found, key=len)
    headers = [name, "f"] + [label(k) for k in keys]
    columns = [grid.data, result.data] + [found[k] for k in keys]
    out(f"f = {args.expr.strip()}   for {name} from {number(low)} to {number(high)}")
    out("  ".join(f"{h:>14}" for h in headers))
    for i in range(rows):
        out("  ".join(f"{number(c[i]):>14}" for c in columns))
    note = not_finite_note(formula, columns)
    if note:
        out(note)
    if found:
        for sentence in corner_sentences([result], grid.data, name):
            out(f"note: {sentence}; f may not be differentiable there.")
    if args.plot:
        plot(formula, name, (low, high), order, args.plot, args.expr.strip())
        out(f"wrote {args.plot}")


def plot(formula, name, span, order, path, text, points=400):
    """f and its derivatives up to ``order`` (at most the second) on one figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .engine.tensor import Tensor

    grid = Tensor(np.linspace(*span, points), requires_grad=True, name=name)
    with np.errstate(all="ignore"):
        result = formula(**{name: grid}) * 1.0
        result = result.broadcast_to(grid.shape) if result.shape != grid.shape else result
        found = derivatives(result, {name: grid}, min(order, 2))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(grid.data, result.data, label="f", linewidth=2)
    for key in sorted(found, key=len):
        ax.plot(grid.data, found[key], label=label(key), linestyle="--" if len(key) == 1 else ":")
    ax.axhline(0, color="grey", linewidth=0.5)
    clipped = visible_range([result.data] + list(found.values()))
    if clipped:
        ax.set_ylim(*clipped)
    ax.set(title=f"f = {text} and its derivatives" + (" (y axis clipped near a pole)" if clipped else ""),
           xlabel=name)
    ax.legend()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def visible_range(curves, spread=10.0):
    """Where the y axis should stop so that the curves stay readable: near a pole (1/x, log at 0)
    one value dwarfs the rest and flattens every curve, so when the whole range is more than
    ``spread`` times the range of the middle 90 % of the values, the axis shows that middle
    range with a margin (None: show everything)."""
    values = np.concatenate([np.ravel(c) for c in curves])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    low, high = np.percentile(values, [5, 95])
    middle = max(high - low, 1e-12)
    if values.max() - values.min() <= spread * middle:
        return None
    return low - 0.5 * middle, high + 0.5 * middle


def number(v):
    return f"{v + 0.0:.10g}"  # + 0.0 turns -0.0 into 0.0: "-0" only puzzles a reader


def check_output_file(path, option, extensions):
    """Refuse an output file we could not write, before any work is done."""
    if not path.lower().endswith(extensions):
        raise UsageError(f"{option}: write {', '.join(extensions[:-1])} or {extensions[-1]}, not {path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{option}: the folder {folder} does not exist; create it first or choose another path")
    if os.path.isdir(path):
        raise UsageError(f"{option}: {path} is a folder; give a file name")
    try:
        longest = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # not every system answers
        longest = 255
    if len(os.path.basename(path).encode()) > longest:
        raise UsageError(f"{option}: the file name is longer than the {longest} bytes this folder allows")
    try:
        if os.path.exists(path):  # opening to append changes nothing in a file that is there
            with open(path, "ab"):
                pass
        else:  # a new file (or a link to one): try its folder with a file of our own, never the path
            tempfile.TemporaryFile(dir=os.path.dirname(os.path.realpath(path))).close()
    except OSError as error:
        raise UsageError(f"{option}: cannot write {path}: {error.strerror}") from None

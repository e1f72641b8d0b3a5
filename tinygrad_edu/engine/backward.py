"""Backward: reverse-mode automatic differentiation, the chain rule run over the recorded graph.

Every op recorded a node (function.py) that keeps its inputs and a ``stamp``, a tick of a
clock that only goes forward: a node is always stamped after the nodes that made its inputs.
Backward starts from the output with the gradient 1 and repeats three steps:

1. take the latest-stamped node that has received a gradient (a heap orders them). Every node
   that uses its output was stamped later, so all of them have already sent their share: the
   gradient it holds is complete;
2. run its op's backward formula on that gradient: the gradients of its inputs (the chain rule
   at one op);
3. send each to its input: into the node that made it, added to what that node already holds,
   or, for a leaf, into the leaf's running total.

No recursion, so a 100,000-op chain is fine; the order depends only on the graph, so gradients
are summed the same way every time. The loop is `walk`: a dozen lines, as in micrograd. What
else backward does is a named step around it: `check_saved` (the graph was not freed or changed
in place), hooks (hooks.py), what `grad()`, anomaly mode and the program recorder watch
(`Observed`), and at the end `commit` (each node keeps the gradient that reached it, for
drawings; the arrays ops saved are freed) and storing the leaves' totals (leaf_grads.py).

Unless the gradient's own graph is wanted (``create_graph=True``) or a program is being written,
the formulas run on the plain arrays the forward pass saw, so backward costs what NumPy costs.
"""
from __future__ import annotations

import gc
import threading
from heapq import heappop, heappush

import numpy as np

from . import leaf_grads
from .anomaly import check_backward
from .function import shape_str
from .graph import saved_again_caller, topological_order
from .grad_mode import clock, grad_mode
from .hooks import run_hooks
from .ops.adjoint_helpers import conform, ones
from .tensor import Tensor, as_tensor, borrowed
from .why_no_grad import explain_grad


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (what ``t.backward()`` calls).

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor(3.0, requires_grad=True)
    >>> tg.autograd.backward(x * x)
    >>> x.grad.item()
    6.0
    """
    recorder = grad_mode.recorder
    on_tensors = create_graph or recorder is not None
    if isinstance(tensors, Tensor):  # the usual call: one output
        if isinstance(grad_tensors, (list, tuple)) and len(grad_tensors) == 1:
            grad_tensors = grad_tensors[0]
        roots, given = [tensors], [grad_tensors]
    else:
        roots = _as_sequence(tensors)
        given = _as_sequence(grad_tensors) if grad_tensors is not None else [None] * len(roots)
        if len(given) != len(roots):
            raise ValueError(f"backward: {len(roots)} outputs but {len(given)} gradients were given")
    root_grads = [root_gradient(t, g, i, on_tensors) for i, (t, g) in enumerate(zip(roots, given))]
    leaves, ran = _run(roots, root_grads, create_graph)
    finished = []
    for leaf, g, source in leaves.values():
        if leaf._hooks:  # all of them before anything is stored: a hook that raises changes nothing
            g = run_hooks(leaf._hooks, g, on_tensors)
        finished.append((leaf, g, source))
    commit(ran, create_graph if retain_graph is None else retain_graph, keep=True)
    stored = set()
    for leaf, g, source in finished:
        if recorder is not None:
            recorder.check_accumulation(leaf)
            recorder.gradient_of(leaf, _array(g))
        total = leaf_grads.accumulate_into(leaf, g, source, stored)
        if recorder is not None:
            recorder.set_grad(leaf, total)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Return d(outputs)/d(inputs) as a tuple, without touching any ``.grad``.

    With ``create_graph=True`` the results are themselves differentiable, so derivatives nest:

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor(2.0, requires_grad=True)
    >>> (dy,) = tg.autograd.grad(x ** 3, x, create_graph=True)   # 3x^2 = 12
    >>> (d2y,) = tg.autograd.grad(dy, x)                          # 6x = 12
    >>> dy.item(), d2y.item()
    (12.0, 12.0)
    """
    roots = _as_sequence(outputs)
    targets = _as_sequence(inputs)
    given = _as_sequence(grad_outputs) if grad_outputs is not None else [None] * len(roots)
    if len(given) != len(roots):
        raise ValueError(f"grad: {len(roots)} outputs but {len(given)} grad_outputs were given")
    for i, t in enumerate(targets):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: input {i} is a {type(t).__name__}, not a Tensor")
        if not t.requires_grad:
            raise RuntimeError(
                f"grad: input {i} (shape {shape_str(t.shape)}) does not require grad, so no "
                f"gradient can be taken with respect to it. {explain_grad(t)}"
            )
    on_tensors = create_graph or grad_mode.recorder is not None
    root_grads = [root_gradient(t, g, i, on_tensors) for i, (t, g) in enumerate(zip(roots, given))]
    found, ran = _run(roots, root_grads, create_graph, wanted={id(t): t for t in targets})
    commit(ran, create_graph if retain_graph is None else retain_graph, keep=False)
    results, stored = [], set()
    for i, t in enumerate(targets):
        entry = found.get(id(t))
        if entry is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} (shape {shape_str(t.shape)}) was not used to compute the "
                    "outputs, so its gradient is undefined. Pass allow_unused=True to get None."
                )
            results.append(None)
        elif create_graph:
            results.append(entry[1])
        elif on_tensors:
            results.append(entry[1].detach() if entry[1].requires_grad else entry[1])
        else:
            results.append(Tensor._make(leaf_grads.own(entry[1], entry[2], stored), False, None, "grad"))
    return tuple(results)


# ---------------------------------------------------------------------------- the walk
def walk(roots, root_grads, step):
    """The chain rule over the graph below ``roots``. ``step(node, g)`` does one node's part:
    it returns the gradient the node ran with and its inputs' gradients (None for an input that
    wants none). Returns ``{id(leaf): [leaf, total gradient, source]}`` and the (node, gradient)
    pairs in the order they ran; changes nothing the graph keeps."""
    waiting = {}  # node -> the gradient of its output, summed so far
    latest = []  # heap of (-stamp, node): the latest-stamped node that has a gradient comes first
    leaves = {}  # id(leaf) -> [leaf, summed gradient, source] (leaf_grads.add)
    ran = []
    for root, g in zip(roots, root_grads):
        _start(root, g, waiting, latest, leaves)
    while latest:
        node = heappop(latest)[1]
        g, input_grads = step(node, waiting.pop(node))
        ran.append((node, g))
        for x, gx in zip(node.inputs, input_grads):
            if gx is None:
                continue
            inner = x.grad_fn
            if inner is None:
                leaf_grads.add(leaves, x, gx, (g, node.arrays))
            elif inner in waiting:
                waiting[inner] = waiting[inner] + gx
            else:
                waiting[inner] = gx
                heappush(latest, (-inner.stamp, inner))
    return leaves, ran


def _start(root, g, waiting, latest, leaves):
    node = root.grad_fn
    if node is None:  # backward of a leaf itself: its gradient is the seed
        leaf_grads.add(leaves, root, g, (g, ()))
    elif node in waiting:
        waiting[node] = waiting[node] + g
    else:
        waiting[node] = g
        heappush(latest, (-node.stamp, node))


def _run(roots, root_grads, create_graph, wanted=None):
    """`walk` with the plain step, or with `Observed`'s when something watches the walk.
    ``wanted`` (from `grad`) maps id(tensor) -> tensor for the tensors whose gradients are asked
    for; then only nodes that lead to one run, and the result holds them too."""
    mode = grad_mode
    last_in_place = clock.last_in_place  # nodes stamped after it saw no in-place update
    with _CollectorPaused():  # a deep graph would make the cyclic collector rescan it again and again
        if not (create_graph or wanted is not None or mode.recorder is not None or mode.anomaly):
            def plain(node, g):
                if node.hooks:
                    g = run_hooks(node.hooks, g, on_tensors=False)
                if node.saved is None or last_in_place > node.stamp:
                    check_saved(node)
                return g, for_inputs(node, node.backward(g, *node.arrays))

            return walk(roots, root_grads, plain)
        watcher = Observed(roots, create_graph, wanted, last_in_place)
        previous = mode.enabled, mode.anomaly
        mode.enabled = create_graph  # formulas on Tensors are recorded only for create_graph
        mode.anomaly = False  # backward formulas are checked as a whole, by check_backward
        try:
            leaves, ran = walk(roots, root_grads, watcher.step)
        finally:
            mode.enabled, mode.anomaly = previous
        leaves.update(watcher.found)
        return leaves, [(node, g) for node, g in ran if node not in watcher.skipped]


class Observed:
    """The step of a walk that something watches: `grad()` (it wants some tensors' gradients,
    and only the nodes that lead to them run), ``create_graph`` (formulas on Tensors, recorded),
    the program recorder (told every gradient) and anomaly mode (every formula's result
    checked)."""

    def __init__(self, roots, create_graph, wanted, last_in_place):
        self.recorder, self.anomaly = grad_mode.recorder, grad_mode.anomaly
        self.on_tensors = create_graph or self.recorder is not None
        self.last_in_place = last_in_place
        self.found = {}  # id(tensor) -> [tensor, gradient, source] for the wanted tensors
        self.skipped = set()  # nodes beyond which nothing wanted lies: their backward did not run
        self.wanted_nodes, self.runs = {}, None
        if wanted is not None:
            self.wanted_nodes = {t.grad_fn: t for t in wanted.values() if t.grad_fn is not None}
            self.runs = _nodes_to_run([r.grad_fn for r in roots], wanted, self.wanted_nodes)

    def step(self, node, g):
        if node.hooks:
            g = run_hooks(node.hooks, g, self.on_tensors)
        if self.recorder is not None:
            self.recorder.gradient_of(node, _array(g))
        if node in self.wanted_nodes:
            leaf_grads.add(self.found, self.wanted_nodes[node], g, (g, ()))
        if self.runs is not None and node not in self.runs:
            self.skipped.add(node)
            return g, ()
        if node.saved is None or self.last_in_place > node.stamp:
            check_saved(node)
        values = node.inputs if self.on_tensors else node.arrays
        if self.recorder is not None:  # a program reads the caller's arrays: what formulas do with them is written too
            values = tuple(borrowed(x) if isinstance(x, np.ndarray) else x for x in values)
        if not self.anomaly:
            return g, for_inputs(node, node.backward(g, *values))
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            input_grads = _as_tuple(node.backward(g, *values))
        check_backward(node, g, input_grads)
        return g, for_inputs(node, input_grads)


# ---------------------------------------------------------------------------- the named steps
def root_gradient(tensor, gradient, position, on_tensors):
    """The gradient backward starts from: ones for a one-number output, else ``gradient=``."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"backward: output {position} is a {type(tensor).__name__}, not a Tensor")
    if not tensor.requires_grad:
        raise RuntimeError(
            f"backward: output {position} does not require grad, so there is no graph to "
            f"differentiate. {explain_grad(tensor)}"
        )
    if gradient is None:
        if tensor.data.size != 1:
            raise RuntimeError(
                f"backward: the output has shape {shape_str(tensor.shape)}; backward() without "
                "gradient= needs a single number. Reduce it first (out.sum() or out.mean()), or "
                "pass gradient= a tensor of the same shape (tg.ones_like(out) for the sum)."
            )
        if not on_tensors:
            return ones(tensor.data.shape, like=tensor.data)
        seed = np.ones(tensor.data.shape, tensor.data.dtype)
        if grad_mode.recorder is not None:
            grad_mode.recorder.made(seed, "np.ones", (seed.shape, seed.dtype), "seed")
        return Tensor._make(seed, False, None, "constant")
    gradient = as_tensor(gradient, like=tensor)
    if gradient.shape != tensor.shape:
        raise RuntimeError(
            f"backward: gradient= has shape {shape_str(gradient.shape)} but the output has shape "
            f"{shape_str(tensor.shape)}; they must be equal."
        )
    if gradient.dtype != tensor.dtype:
        gradient = gradient.astype(tensor.dtype)
    return gradient if on_tensors else gradient.data


def check_saved(node):
    """Refuse to run a backward formula whose saved values are gone (an earlier backward freed
    them) or changed after the forward pass (an in-place update). The error names the call
    deriving the backward pass: backward(), or the one `graph.saved_again` works for."""
    who = saved_again_caller()
    if node.saved is None:
        raise RuntimeError(
            f"backward: the graph through '{node.describe()}' was already freed by an earlier "
            "backward(). Call the first backward(retain_graph=True) to go through the same graph "
            "twice, or recompute the forward pass."
        )
    if clock.last_in_place < node.stamp:
        return
    hint = ("Hint: do not change tensors that a graph still needs between the forward pass and "
            "backward(): update parameters after backward() (then compute a new loss), or write "
            "x = x + y instead of x += y.")
    if who != "backward":
        hint = (f"Hint: tg.{who} derives the backward pass from the values the forward pass saw: call it "
                "before changing them (before optimizer.step() or an in-place update), or compute a new "
                f"loss from the updated values and call tg.{who} on that.")
    counter = node.output_versions
    if counter is not None and counter.version != 0:
        raise RuntimeError(
            f"{who}: the output of '{node.describe()}', which its backward needs, was modified in "
            f"place: it is at version {counter.version}, but the forward pass saved version 0. {hint}"
        )
    for i, x in enumerate(node.inputs):
        if isinstance(x, Tensor) and x._changed_at > node.stamp:
            raise RuntimeError(
                f"{who}: input {i} of '{node.describe()}' (shape {shape_str(x.shape)}"
                f"{', ' + repr(x.name) if x.name else ''}) was modified in place after the op used it: "
                f"it is at version {x._version}, but the forward pass saw version {x.version_at(node.stamp)}. {hint}"
            )


def commit(ran, retain_graph, keep):
    """Every node ran (and every hook): now the graph records what happened -- each node keeps
    the gradient that reached it (for drawings and traces), and unless ``retain_graph`` the
    arrays its op saved are freed (its inputs stay, for inspection). ``keep`` is False for
    `grad`, which touches no gradient the graph keeps."""
    stored = set()
    for node, g in ran:
        if keep:
            node.grad = g
            if node.retained is not None:
                leaf_grads.retain(node, g, stored)
        if not retain_graph:
            node.release()


def _nodes_to_run(root_nodes, wanted, wanted_nodes):
    """The nodes whose backward leads to some wanted tensor (`grad` runs only these)."""
    runs = set()
    for node in reversed(topological_order(root_nodes)):  # inputs before users
        for x in node.inputs:
            if isinstance(x, Tensor) and (id(x) in wanted or x.grad_fn in wanted_nodes or x.grad_fn in runs):
                runs.add(node)
                break
    return runs


# Backward pauses Python's cyclic garbage collector while it runs. Several threads may run
# backward at once, so the pause is counted: the first to start switches the collector off (if
# it was on) and the last to finish switches it back on. (Each thread saving and restoring
# gc.isenabled() itself could leave it off for good: a thread that started while another had
# it off would "restore" off.)
_collector = threading.Lock()
_pauses = 0
_was_collecting = False


class _CollectorPaused:
    """``with _CollectorPaused():`` -- the counted pause described above."""

    def __enter__(self):
        global _pauses, _was_collecting
        with _collector:
            if _pauses == 0:
                _was_collecting = gc.isenabled()
                gc.disable()
            _pauses += 1

    def __exit__(self, *exc_info):
        global _pauses
        with _collector:
            _pauses -= 1
            if _pauses == 0 and _was_collecting:
                gc.enable()



def for_inputs(node, grads):
    """A formula's results as one gradient per input, each in its input's shape (undoing
    broadcasting) and dtype; None for an input that wants no gradient."""
    if type(grads) is not tuple:  # a one-input op may return its gradient bare
        grads = tuple(grads) if isinstance(grads, list) else (grads,)
    return [None if not needed or gx is None else
            gx if gx.shape == array.shape and gx.dtype is array.dtype else conform(gx, array)
            for array, needed, gx in zip(node.arrays, node.needs_input_grad, grads)]


def _as_tuple(grads):
    """A formula's result as a tuple: a one-input op may return its gradient bare."""
    if type(grads) is tuple:
        return grads
    return tuple(grads) if isinstance(grads, list) else (grads,)


def _as_sequence(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _array(g):
    return g.data if isinstance(g, Tensor) else g

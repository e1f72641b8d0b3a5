"""The backward engine: reverse-mode automatic differentiation over the recorded graph.

The graph is made of `Function` nodes; each keeps the inputs it was applied to
(``node.inputs``). Backward visits the nodes reachable from the output latest first -- each
op was recorded after the ops that made its inputs, so this reaches every node after all the
nodes that use its result, with no recursion (a 100,000-op chain is fine) -- and at each node
runs the op's backward formula on the gradient that reached it: the chain rule. Contributions
that reach the same tensor are added (a tensor used twice gets both); the totals end in the
leaves' ``.grad`` (``backward``) or are handed back (``grad``).

The formulas are array-generic (see function.py). Unless the gradient's own graph is wanted
(``create_graph=True``) or a program is being written, they run on the plain arrays the forward
pass saw, so backward costs what NumPy costs; otherwise on Tensors, recording. Broadcasting is
undone here, in one place (`unbroadcast`), and every gradient is given its input's dtype here.

After backward the graph stays readable: each node keeps its inputs (so every value) and the
gradient that reached it (``node.grad``); only the arrays ops saved for backward are freed.
Drawings, traces and the explorer read graphs through the walker at the end of this file.
"""
from __future__ import annotations

import contextlib
import gc
import threading
from heapq import heappop, heappush

import numpy as np

from . import function
from .anomaly import check_backward
from .function import Function, grad_mode, shape_str
from .ops.adjoint_helpers import ones, unbroadcast
from .tensor import Tensor, as_tensor, borrowed, hook_change_refused

__all__ = ["backward", "grad", "unbroadcast", "nodes_below", "topological_order", "tensors_in_order",
           "tensor_key", "graph_inputs", "latest_gradient", "edge_gradients", "saved_again", "explain_grad"]

# backward() adds into .grad with a read-add-write; concurrent backward calls into a shared
# leaf would lose updates without it.
_accumulate = threading.Lock()


# ---------------------------------------------------------------------------- the order
# Every node is stamped by a clock when it is recorded (function.py), after the nodes that made
# its inputs. So latest first is an order in which each node comes after every node that uses
# its output: the order backward runs them in, the forward pass reversed. It depends only on the
# graph, so gradients are summed in the same order every time.

def _by_latest(node):
    return -node.stamp


def nodes_below(root_nodes):
    """Every node reachable from ``root_nodes`` (Functions), in no particular order."""
    found = set()
    pending = [n for n in root_nodes if n is not None]
    while pending:
        node = pending.pop()
        if node in found:
            continue
        found.add(node)
        pending.extend(x.grad_fn for x in node.inputs if isinstance(x, Tensor) and x.grad_fn is not None)
    return found


def topological_order(root_nodes) -> list[Function]:
    """Every node reachable from ``root_nodes``, in the order backward runs them: latest first."""
    return sorted(nodes_below(root_nodes), key=_by_latest)


# ---------------------------------------------------------------------------- the engine
def _freed_error(node):
    return RuntimeError(
        f"backward: the graph through '{node.describe()}' was already freed by an earlier "
        "backward(). Call the first backward(retain_graph=True) to go through the same graph "
        "twice, or recompute the forward pass."
    )


def _root_gradient(tensor, gradient, position, on_tensors):
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


def _run(roots, root_grads, create_graph, wanted=None):
    """The engine. Returns ``{id(leaf): [leaf, total gradient, where it came from]}`` for every
    leaf reached (or, with ``wanted``, for the wanted tensors only; see `_own` for the last),
    and what to `_commit` to the graph once the caller is done.

    ``wanted`` (used by `grad`) maps id(tensor) -> tensor for the tensors whose gradients are
    asked for; then leaves are not touched, and only nodes that lead to a wanted tensor run.
    Nothing the graph keeps (each node's gradient, freed arrays, retained .grad) changes here,
    so a backward refused half way (a freed node, a hook that raises) changes nothing.
    """
    mode = grad_mode
    recorder, anomaly, previous_mode = mode.recorder, mode.anomaly, mode.enabled  # per thread: read once
    on_tensors = create_graph or recorder is not None
    leaf_grads = {}  # id(leaf) -> [leaf, summed gradient, source]
    node_grads = {}  # node -> summed gradient of its output, for the nodes waiting in `latest`
    latest = []  # heap of (-stamp, node): the latest node that has received a gradient comes first
    for root, g in zip(roots, root_grads):
        node = root.grad_fn
        if node is None:
            _add(leaf_grads, root, g, (g, ()))
        elif node in node_grads:
            node_grads[node] = node_grads[node] + g
        else:
            node_grads[node] = g
            heappush(latest, (-node.stamp, node))
    wanted_nodes, runs = {}, None
    if wanted is not None:
        wanted_nodes = {t.grad_fn: t for t in wanted.values() if t.grad_fn is not None}
        runs = _nodes_to_run(list(node_grads), wanted, wanted_nodes)
    observed = recorder is not None or wanted is not None

    mode.enabled = create_graph  # formulas on Tensors are recorded only for create_graph
    mode.anomaly = False  # backward formulas are checked as a whole, by check_backward
    _pause_collector()  # a deep graph would make the cyclic collector rescan it again and again
    last_in_place = function.last_in_place
    done = []  # (node, gradient), committed to the graph at the end
    try:
        while latest:
            node = heappop(latest)[1]
            g = node_grads.pop(node)
            if node.hooks:
                g = _run_hooks(node.hooks, g, on_tensors)
            if observed:  # a program is being written, or grad() wants some tensors
                if recorder is not None:
                    recorder.gradient_of(node, _array(g))
                if node in wanted_nodes:
                    _add(leaf_grads, wanted_nodes[node], g, (g, ()))
                if runs is not None and node not in runs:
                    continue  # nothing wanted lies beyond it
            done.append((node, g))
            if node.saved is None:
                raise _freed_error(node)
            if last_in_place > node.stamp:  # something changed in place after the op ran
                _check_versions(node)
            values = node.inputs if on_tensors else node.arrays
            if recorder is not None:  # a program reads the caller's arrays: what formulas do with them is written too
                values = tuple(borrowed(x) if isinstance(x, np.ndarray) else x for x in values)
            input_grads = _checked(node, g, values) if anomaly else node.backward(g, *values)
            if type(input_grads) is not tuple:  # a one-input op may return its gradient bare
                input_grads = tuple(input_grads) if isinstance(input_grads, list) else (input_grads,)
            for x, array, needed, pg in zip(node.inputs, node.arrays, node.needs_input_grad, input_grads):
                if not needed or pg is None:
                    continue
                if pg.shape != array.shape or pg.dtype != array.dtype:
                    pg = _conform(pg, array)
                inner = x.grad_fn
                if inner is None:
                    _add(leaf_grads, x, pg, (g, node.arrays))
                elif inner in node_grads:
                    node_grads[inner] = node_grads[inner] + pg
                else:
                    node_grads[inner] = pg
                    heappush(latest, (-inner.stamp, inner))
    finally:
        _resume_collector()
        mode.enabled, mode.anomaly = previous_mode, anomaly
    return leaf_grads, done


# Backward pauses Python's cyclic garbage collector while it runs. Several threads may run
# backward at once, so the pause is counted: the first to start switches the collector off (if
# it was on) and the last to finish switches it back on. (Each thread saving and restoring
# gc.isenabled() itself could leave it off for good: a thread that started while another had
# it off would "restore" off.)
_collector = threading.Lock()
_pauses = 0
_was_collecting = False


def _pause_collector():
    global _pauses, _was_collecting
    with _collector:
        if _pauses == 0:
            _was_collecting = gc.isenabled()
            gc.disable()
        _pauses += 1


def _resume_collector():
    global _pauses
    with _collector:
        _pauses -= 1
        if _pauses == 0 and _was_collecting:
            gc.enable()


def _commit(done, retain_graph, keep):
    """Every node ran (and every hook): now the graph records what happened. ``keep`` is False
    for `grad`, which touches no gradient the graph keeps."""
    stored = set()
    for node, g in done:
        if keep:
            node.grad = g  # the gradient of the latest backward, for drawings and traces
            if node.retained is not None:
                _retain(node, g, stored)
        if not retain_graph:
            node.saved = None  # free what the op saved; the inputs stay for inspection


def _conform(grad, array):
    """A gradient in its input's shape (summing what broadcasting repeated) and dtype."""
    if grad.shape != array.shape:
        grad = unbroadcast(grad, array.shape)
    return grad if grad.dtype == array.dtype else grad.astype(array.dtype)


def _checked(node, grad, values):
    """Anomaly mode: run a backward formula without NumPy's warnings, then check its results."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        input_grads = node.backward(grad, *values)
    check_backward(node, grad, input_grads if isinstance(input_grads, (tuple, list)) else (input_grads,))
    return input_grads


def _array(g):
    return g.data if isinstance(g, Tensor) else g


def _hook_view(g):
    """The gradient as a hook receives it: a Tensor over a read-only view, because the same
    array may be flowing down other paths too (add hands it to both inputs). A hook that wants
    another gradient returns it. The Tensor is marked as a hook's (origin "hook"), so that
    ``g *= 2`` or ``g[...] = 0`` is refused with a message that says so; under create_graph it
    is the gradient's own node (so ``return g * 2`` is differentiable), over a read-only view."""
    if not isinstance(g, Tensor):
        view = np.asarray(g).view()
        view.flags.writeable = False
        return Tensor._make(view, False, None, "hook")
    if g.grad_fn is None and g.requires_grad:
        return g  # a gradient= the caller made to require grad: changing it in place is refused already
    view = g.data.view()
    view.flags.writeable = False
    if grad_mode.recorder is not None:  # a program being written follows the view as the gradient itself
        grad_mode.recorder.same_value(view, g.data)
    return Tensor._make(view, g.requires_grad, g.grad_fn, "hook")  # the same node: ops on it are ops on g


def _run_hooks(hooks, g, on_tensors):
    for hook in hooks:
        try:
            changed = hook(_hook_view(g))
        except ValueError as error:  # NumPy's words for g.data *= 2 inside a hook: say what they mean
            if "read-only" not in str(error) or str(error).startswith("register_hook:"):
                raise
            raise hook_change_refused(f"writing into its array ({error})") from None
        if changed is not None:
            new = as_tensor(changed) if on_tensors else np.asarray(_array(as_tensor(changed)))
            if new.shape != g.shape:
                raise RuntimeError(f"register_hook: the hook returned a gradient of shape {shape_str(new.shape)} "
                                   f"for a tensor of shape {shape_str(g.shape)}; return one of the same shape")
            g = new if new.dtype == g.dtype else new.astype(g.dtype)
    return g


def _add(totals, tensor, g, source):
    """Add a gradient contribution for a leaf; ``source`` is ``(the gradient of the node that
    sent it, that node's input arrays)``, which `_own` needs, or None once contributions add up."""
    entry = totals.get(id(tensor))
    if entry is None:
        totals[id(tensor)] = [tensor, g, source]
    else:
        entry[1] = entry[1] + g
        entry[2] = None  # a sum is a new array of its own


def _shared(array, source, stored):
    """True when a gradient array may also be held elsewhere: a view, the node's own gradient
    passed through (``a + b`` hands it to both inputs), an input's array, or one already stored."""
    return (type(array) is not np.ndarray or array.base is not None or id(array) in stored or (
        source is not None and (array is _array(source[0]) or _one_of(array, source[1]))))


def _own(g, source, stored):
    """The array to store in a ``.grad``: ``g`` itself when nothing else holds it, else a copy.

    Formulas pass gradients through unchanged (``a + b`` hands the node's own gradient to
    both inputs), views share memory, and a custom formula might return an input's array; a
    leaf's ``.grad`` must be its own, so that changing it in place (gradient clipping) changes
    nothing else -- not another leaf's gradient, not the gradient a drawing shows for a node.
    """
    if _shared(g, source, stored):
        g = np.array(g)
    stored.add(id(g))
    return g


def _one_of(g, arrays):
    for a in arrays:
        if g is a:
            return True
    return False


def _accumulate_into(tensor, g, source, stored):
    """``tensor.grad += g`` (as a new Tensor), with the read-add-write under a lock. The value
    stored is the tensor's own: an array goes through `_own`; a Tensor (create_graph, or a
    program being written) that may be shared is cloned, which keeps it in the graph."""
    if isinstance(g, Tensor):
        value = g.clone() if _shared(g.data, source, stored) else g
        stored.add(id(value.data))
    else:
        value = Tensor._make(_own(g, source, stored), False, None, "grad")
    with _accumulate:
        old = tensor._grad
        if old is None:
            tensor._grad = value
        elif isinstance(g, Tensor):
            tensor._grad = old + value
        else:
            tensor._grad = Tensor._make(old.data + value.data, False, None, "grad")
    return tensor._grad


def _retain(node, g, stored):
    owner = node.retained()
    if owner is not None:
        _accumulate_into(owner, g, (g, ()), stored)


def _check_versions(node):
    """Refuse to run a backward formula whose saved values changed after the forward pass. The
    error names the call deriving the backward pass: backward(), or what `saved_again` is for."""
    who = getattr(_deriving_for, "caller", None) or "backward"
    hint = ("Hint: do not change tensors that a graph still needs between the forward pass and "
            "backward(): update parameters after backward() (then compute a new loss), or write "
            "x = x + y instead of x += y.")
    if who != "backward":
        hint = (f"Hint: tg.{who} derives the backward pass from the values the forward pass saw: call it "
                "before changing them (before optimizer.step() or an in-place update), or compute a new "
                f"loss from the updated values and call tg.{who} on that.")
    if node.output_versions is not None:
        counter, old = node.output_versions
        if counter.version != old:
            raise RuntimeError(
                f"{who}: the output of '{node.describe()}', which its backward needs, was modified in "
                f"place: it is at version {counter.version}, but the forward pass saved version {old}. {hint}"
            )
    for i, x in enumerate(node.inputs):
        if isinstance(x, Tensor) and x._changed_at > node.stamp:
            old = x.version_at(node.stamp)
            raise RuntimeError(
                f"{who}: input {i} of '{node.describe()}' (shape {shape_str(x.shape)}"
                f"{', ' + repr(x.name) if x.name else ''}) was modified in place after the op used it: "
                f"it is at version {x._version}, but the forward pass saw version {old}. {hint}"
            )


def _nodes_to_run(root_nodes, wanted, wanted_nodes):
    """The nodes whose backward leads to some wanted tensor (`grad` runs only these)."""
    runs = set()
    for node in reversed(topological_order(root_nodes)):  # inputs before users
        for x in node.inputs:
            if isinstance(x, Tensor) and (id(x) in wanted or x.grad_fn in wanted_nodes or x.grad_fn in runs):
                runs.add(node)
                break
    return runs


def _as_sequence(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


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
        roots = [tensors]
        root_grads = [_root_gradient(tensors, grad_tensors, 0, on_tensors)]
    else:
        roots = _as_sequence(tensors)
        given = _as_sequence(grad_tensors) if grad_tensors is not None else [None] * len(roots)
        if len(given) != len(roots):
            raise ValueError(f"backward: {len(roots)} outputs but {len(given)} gradients were given")
        root_grads = [_root_gradient(t, g, i, on_tensors) for i, (t, g) in enumerate(zip(roots, given))]
    totals, done = _run(roots, root_grads, create_graph)
    finished = []
    for leaf, g, source in totals.values():
        if leaf._hooks:  # all of them before anything is stored: a hook that raises changes nothing
            g = _run_hooks(leaf._hooks, g, on_tensors)
        finished.append((leaf, g, source))
    _commit(done, create_graph if retain_graph is None else retain_graph, keep=True)
    stored = set()
    for leaf, g, source in finished:
        if recorder is not None:
            recorder.check_accumulation(leaf)
            recorder.gradient_of(leaf, _array(g))
        total = _accumulate_into(leaf, g, source, stored)
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
    root_grads = [_root_gradient(t, g, i, on_tensors) for i, (t, g) in enumerate(zip(roots, given))]
    retain = create_graph if retain_graph is None else retain_graph
    wanted = {id(t): t for t in targets}
    totals, done = _run(roots, root_grads, create_graph, wanted=wanted)
    _commit(done, retain, keep=False)
    results, stored = [], set()
    for i, t in enumerate(targets):
        entry = totals.get(id(t))
        if entry is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} (shape {shape_str(t.shape)}) was not used to compute the "
                    "outputs, so its gradient is undefined. Pass allow_unused=True to get None."
                )
            results.append(None)
            continue
        g = entry[1]
        if create_graph:
            results.append(g)
        elif on_tensors:
            results.append(g if not g.requires_grad else g.detach())
        else:
            results.append(Tensor._make(_own(g, entry[2], stored), False, None, "grad"))
    return tuple(results)


# ---------------------------------------------------------------------------- the walker
def graph_inputs(node: Function):
    """What an op was applied to: Tensors, and the numbers or arrays it used as constants.

    With `tensors_in_order` and `latest_gradient`, this is the documented way for code outside
    the engine (drawings, traces, the explorer) to read a graph.
    """
    return node.inputs


def tensors_in_order(roots, within=None):
    """Every tensor the roots depend on, each after its inputs (the tensor-level walk that
    drawings and traces use). Iterative; ``within`` (a set of `tensor_key`s) limits the walk."""

    def inputs(t):
        node = t.grad_fn
        if node is None:
            return ()
        return [x for x in node.inputs if isinstance(x, Tensor) and (within is None or tensor_key(x) in within)]

    order, seen = [], set()
    for root in roots:
        if tensor_key(root) in seen:
            continue
        seen.add(tensor_key(root))
        stack = [(root, iter(inputs(root)))]
        while stack:
            t, pending = stack[-1]
            for parent in pending:
                if tensor_key(parent) not in seen:
                    seen.add(tensor_key(parent))
                    stack.append((parent, iter(inputs(parent))))
                    break
            else:
                stack.pop()
                order.append(t)
    return order


def tensor_key(t):
    """What identifies a value in the graph: its node, or the leaf itself. (Backward re-creates
    saved outputs as new Tensor objects with the same node, so identity alone would not do.)"""
    return ("node", t.grad_fn) if t.grad_fn is not None else ("leaf", id(t))


def latest_gradient(t):
    """The gradient shown for ``t``: a leaf's accumulated ``.grad``, or for an intermediate
    tensor the gradient that reached it in the latest backward (None if there was none), as an
    array."""
    if t.grad_fn is None:
        return None if t._grad is None else t._grad.data
    g = t.grad_fn.grad
    return None if g is None else np.asarray(_array(g))


def edge_gradients(node, grad=None):
    """What each input of ``node`` received from it in backward: the op's formula applied to
    the gradient that reached the node (its latest, or ``grad``), in each input's shape and
    dtype; None for inputs that want no gradient. The chain rule at a tensor is the sum of what
    its users sent (the explorer shows the terms). Works after backward too: when the op's
    saved arrays are gone, its forward runs again on the inputs it kept to remake them.

    >>> import tinygrad_edu as tg
    >>> a, b = tg.tensor(2.0, requires_grad=True), tg.tensor(-3.0, requires_grad=True)
    >>> c = a * b
    >>> c.backward()
    >>> [float(g) for g in edge_gradients(c.grad_fn)]   # dc/da = b, dc/db = a
    [-3.0, 2.0]
    """
    grad = node.grad if grad is None else grad
    if grad is None:
        return [None] * len(node.inputs)
    grad = _array(grad)
    runner = node
    if node.saved is None:  # freed by backward: the same forward on the same inputs saves the same arrays
        runner = _forward_again(node)
        runner.needs_input_grad, runner.inputs, runner.arrays = node.needs_input_grad, node.inputs, node.arrays
    previous = grad_mode.enabled
    grad_mode.enabled = False
    try:
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            found = runner.backward(grad, *node.arrays)
    finally:
        grad_mode.enabled = previous
    found = found if isinstance(found, (tuple, list)) else (found,)
    return [None if g is None or not needed else np.asarray(_conform(g, array))
            for g, needed, array in zip(found, node.needs_input_grad, node.arrays)]


def _forward_again(node):
    """A new node of ``node``'s op whose forward ran again on the inputs ``node`` kept: it holds
    again what the op saved for backward (the same arrays, since the node owns its inputs)."""
    runner = type(node).__new__(type(node))
    runner.saved = ()
    with np.errstate(all="ignore"):  # the first forward already warned about the same values
        out = runner.forward(*node.arrays, **(node.options or {}))
    if type(out) is not np.ndarray and runner.saved and runner.saved[0] is out:  # a 0-d result, as apply keeps it
        runner.saved = (np.asarray(out),) + runner.saved[1:]
    return runner


# the call (trace, codegen) whose backward pass `saved_again` is deriving, for the errors it may meet
_deriving_for = threading.local()


@contextlib.contextmanager
def saved_again(roots, caller="backward"):
    """While the block runs, every node below ``roots`` (Tensors) that backward freed holds
    again what its op saved -- its forward runs again on the inputs it kept -- so that the
    backward pass can be derived once more for a trace or a program (`tg.trace`, `tg.codegen`).
    After the block they are freed again: a second ``backward()`` is still refused.

    The backward run inside the block still refuses an input changed in place since the forward
    pass, as any backward does; the error names ``caller`` (``"trace"``, ``"codegen"``) and
    tells to call it before the update.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor(2.0, requires_grad=True)
    >>> y = x.exp()
    >>> y.backward()
    >>> with saved_again([y]):
    ...     (d,) = tg.autograd.grad(y, x)
    >>> round(d.item(), 4), y.grad_fn.released
    (7.3891, True)
    """
    freed = [node for node in topological_order([getattr(t, "grad_fn", None) for t in roots]) if node.saved is None]
    outer, _deriving_for.caller = getattr(_deriving_for, "caller", None), caller
    try:
        for node in freed:
            node.saved = _forward_again(node).saved
        yield
    finally:
        _deriving_for.caller = outer
        for node in freed:
            node.saved = None


def explain_grad(t) -> str:
    """Say in one or two sentences why ``t.grad`` is what it is (usually: why it is None).

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([1.0, 2.0])
    >>> print(tg.explain_grad(x))  # doctest: +ELLIPSIS
    This tensor was created with requires_grad=False...
    """
    if t._grad is not None:
        return "This tensor's .grad is set: it holds the gradient accumulated by backward()."
    if not t.requires_grad:
        origin = t._origin
        if origin == "no_grad":
            return (
                "This tensor was computed while recording was off -- inside tg.no_grad(), or after "
                "tg.set_grad_enabled(False) -- or from a result computed so, so no graph connects it to "
                "the tensors that require grad. Compute it with recording on (outside the no_grad block)."
            )
        if origin == "compiled":
            return (
                "This tensor was returned by a tg.compile'd function (or computed from such a result), "
                "which runs NumPy directly and records no graph. Call the function itself (not compiled) "
                "to get a graph to differentiate."
            )
        if origin == "detach":
            return (
                "This tensor came from .detach() (or was computed from a detached tensor), which cuts it "
                "out of the graph on purpose. Use the original tensor if you want gradients to flow."
            )
        if origin == "constant":
            return (
                "This tensor was computed only from tensors that do not require grad, so it is "
                "a constant. Create the inputs you want gradients for with requires_grad=True."
            )
        if origin in ("grad", "hook"):
            return "This tensor is a gradient computed by backward(); gradients are not tracked unless create_graph=True."
        return (
            "This tensor was created with requires_grad=False, so autograd does not track it. "
            "Create it with requires_grad=True or call .requires_grad_()."
        )
    if t.grad_fn is not None:
        return (
            f"This tensor is an intermediate result (made by '{t.grad_fn.describe()}'); its "
            "gradient is passed on to its inputs and not kept in .grad. Call .retain_grad() on it before "
            "backward() to keep it, or ask for it with tg.autograd.grad(output, tensor)."
        )
    return (
        "This leaf requires grad, but no backward() has reached it yet: call backward() on an "
        "output computed from it (or the gradient was cleared with zero_grad() / .grad = None)."
    )

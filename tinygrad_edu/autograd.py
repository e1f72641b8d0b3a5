"""The backward engine: reverse-mode automatic differentiation over the recorded graph.

The graph is made of `Function` nodes; each knows the input Tensors it was applied to
(``node.parents``). Backward does three things:

1. ``topological_order``: list every node reachable from the output, each after all the nodes
   that use its result (iteratively -- a 100,000-op chain must not hit Python's recursion limit);
2. walk that list from the output down, asking each node for its inputs' gradients (the chain
   rule) and adding up the contributions that reach the same tensor (a tensor used twice gets
   both);
3. leave the totals in the leaves' ``.grad`` (``backward``) or hand them back (``grad``).

Broadcasting is undone here, in one place (`unbroadcast`), so no op has to think about it.
"""
from __future__ import annotations

import numpy as np

from .anomaly import check_backward
from .function import Function, grad_mode, shape_str
from .tensor import Tensor, as_tensor

__all__ = ["backward", "grad", "unbroadcast", "topological_order", "tensors_in_order", "tensor_key",
           "explain_grad", "graph_inputs"]


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: the adjoint of NumPy broadcasting.

    An input of shape (3,) added to a (4, 3) matrix was used 4 times, once per row, so its
    gradient is the sum of the 4 rows' gradients.

    >>> import tinygrad_edu as tg
    >>> unbroadcast(tg.ones((4, 3)), (3,)).tolist()
    [4.0, 4.0, 4.0]
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def graph_inputs(node: Function):
    """What a node's inputs lead to: the input Tensors, or after freeing, their nodes and leaves.

    This is the one documented way for code outside the engine (drawing, tracing) to walk a graph.
    """
    return node.parents if node.parents is not None else node.edges


def _parent_nodes(node):
    inputs = node.parents if node.parents is not None else ()
    return [p.grad_fn for p in inputs if p.grad_fn is not None]


def topological_order(roots) -> list[Function]:
    """Every node reachable from ``roots`` (Functions), outputs first, each before its inputs.

    Iterative depth-first search: a post-order (inputs before users) reversed.
    """
    order, visited = [], set()
    for root in roots:
        if root is None or root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(_parent_nodes(root)))]
        while stack:
            node, pending = stack[-1]
            for parent in pending:
                if parent not in visited:
                    visited.add(parent)
                    stack.append((parent, iter(_parent_nodes(parent))))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def tensors_in_order(roots, within=None, stop_at_freed=False):
    """Every tensor the roots depend on, each after its inputs (the tensor-level walk that
    drawings and traces use). Iterative, like `topological_order`.

    ``within`` (a set of `tensor_key`s) limits the walk; a node freed by ``backward()`` raises
    ValueError unless ``stop_at_freed``, which ends the walk there instead.
    """

    def inputs(t):
        node = t.grad_fn
        if node is None:
            return ()
        if node.parents is None:
            if stop_at_freed:
                return ()
            raise ValueError("this graph was freed by backward(); walk it before backward(), or call "
                             "backward(retain_graph=True)")
        return [p for p in node.parents if within is None or tensor_key(p) in within]

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


def _freed_error(node):
    return RuntimeError(
        f"backward: the graph through '{node.describe()}' was already freed by an earlier "
        "backward(). Call the first backward(retain_graph=True) to go through the same graph "
        "twice, or recompute the forward pass."
    )


def _root_gradient(tensor, gradient, position):
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
        seed = np.ones(tensor.shape, tensor.dtype)
        if grad_mode.recorder is not None:
            grad_mode.recorder.expr("np.ones({shape}, {dtype})", [], seed, "seed", shape=seed.shape, dtype=seed.dtype)
        return Tensor._make(seed, False, None, "constant")
    gradient = as_tensor(gradient, like=tensor)
    if gradient.shape != tensor.shape:
        raise RuntimeError(
            f"backward: gradient= has shape {shape_str(gradient.shape)} but the output has shape "
            f"{shape_str(tensor.shape)}; they must be equal."
        )
    return gradient


def _run(roots, root_grads, create_graph, retain_graph, wanted=None):
    """The engine. Returns the total gradient of every leaf reached (or of ``wanted`` tensors).

    ``wanted`` (used by `grad`) maps id(tensor) -> tensor for the tensors whose gradients are
    asked for; then leaves are not touched, and only nodes that lead to a wanted tensor run.
    """
    leaf_grads = {}  # id(leaf) -> [leaf, summed gradient]
    node_grads = {}  # node -> summed gradient of its output
    wanted_nodes = {}
    for root, g in zip(roots, root_grads):
        if root.grad_fn is None:
            _add(leaf_grads, id(root), root, g)
        else:
            node_grads[root.grad_fn] = node_grads[root.grad_fn] + g if root.grad_fn in node_grads else g
    order = topological_order(r.grad_fn for r in roots)
    runs = None  # with `wanted`: the nodes whose backward must run (the others are only read)
    if wanted is not None:
        wanted_nodes = {t.grad_fn: t for t in wanted.values() if t.grad_fn is not None}
        runs = _nodes_to_run(order, wanted, wanted_nodes)
        order = [node for node in order if node in runs or node in wanted_nodes]
    for node in order:  # refuse before running anything: a failed backward must free nothing
        if node.parents is None and (runs is None or node in runs):
            raise _freed_error(node)

    recorder = grad_mode.recorder  # tg.compile / tg.codegen: name each gradient d_<its value>
    anomaly = grad_mode.anomaly  # the flag is per thread; read it before switching modes
    previous_mode = grad_mode.enabled
    grad_mode.enabled = create_graph  # backward formulas are recorded only for create_graph
    grad_mode.anomaly = False  # backward formulas are checked as a whole, by check_backward
    try:
        for node in order:
            g = node_grads.pop(node, None)
            if g is None:
                continue
            if node.hooks:
                for hook in node.hooks:
                    changed = hook(g)
                    g = g if changed is None else changed
            if recorder is not None:
                recorder.gradient_of(node, g.data)
            if node.retained is not None:
                owner = node.retained()
                if owner is not None:
                    owner._grad = g if owner._grad is None else owner._grad + g
            if node in wanted_nodes:
                _add(leaf_grads, id(wanted_nodes[node]), wanted_nodes[node], g)
                if runs is not None and node not in runs:
                    continue  # nothing wanted lies beyond it
            if node.modified is not None:
                _check_versions(node)
            for p in node.parents:  # a plain loop: a generator here costs more than the check
                if p._history:
                    _check_versions(node)
                    break
            if anomaly:
                with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                    input_grads = node.backward(g)
                check_backward(node, g, input_grads)
            else:
                input_grads = node.backward(g)
            for parent, pg in zip(node.parents, input_grads):
                if pg is None or not parent.requires_grad:
                    continue
                if pg.shape != parent.shape:
                    pg = unbroadcast(pg, parent.shape)
                parent_node = parent.grad_fn
                if parent_node is None:
                    _add(leaf_grads, id(parent), parent, pg)
                elif parent_node in node_grads:
                    node_grads[parent_node] = node_grads[parent_node] + pg
                else:
                    node_grads[parent_node] = pg
            if not retain_graph:
                node.release()
    finally:
        grad_mode.enabled = previous_mode
        grad_mode.anomaly = anomaly
    return leaf_grads


def _check_versions(node):
    """Refuse to run a backward formula whose saved values changed after the forward pass."""
    hint = ("Hint: do not change tensors that a graph still needs between the forward pass and "
            "backward(): update parameters after backward() (then compute a new loss), or write "
            "x = x + y instead of x += y.")
    if node.modified is not None:
        old, new = node.modified
        raise RuntimeError(
            f"backward: the output of '{node.describe()}', which its backward needs, was modified in "
            f"place: it is at version {new}, but the forward pass saved version {old}. {hint}"
        )
    for i, p in enumerate(node.parents):
        for tick, old in p._history or ():
            if tick > node.stamp:
                raise RuntimeError(
                    f"backward: input {i} of '{node.describe()}' (shape {shape_str(p.shape)}"
                    f"{', ' + repr(p.name) if p.name else ''}) was modified in place after the op used it: "
                    f"it is at version {p._version}, but the forward pass saw version {old}. {hint}"
                )


def _add(totals, key, tensor, g):
    if key in totals:
        totals[key][1] = totals[key][1] + g
    else:
        totals[key] = [tensor, g]


def _nodes_to_run(order, wanted, wanted_nodes):
    """The nodes whose backward leads to some wanted tensor (`grad` runs only these)."""
    runs = set()
    for node in reversed(order):  # inputs before users
        for p in node.parents or ():
            if id(p) in wanted or p.grad_fn in wanted_nodes or p.grad_fn in runs:
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
    roots = _as_sequence(tensors)
    given = _as_sequence(grad_tensors) if grad_tensors is not None else [None] * len(roots)
    if len(given) != len(roots):
        raise ValueError(f"backward: {len(roots)} outputs but {len(given)} gradients were given")
    root_grads = [_root_gradient(t, g, i) for i, (t, g) in enumerate(zip(roots, given))]
    retain = create_graph if retain_graph is None else retain_graph
    totals = _run(roots, root_grads, create_graph, retain)
    for leaf, g in totals.values():
        if leaf._hooks:
            for hook in leaf._hooks:
                changed = hook(g)
                g = g if changed is None else changed
        if not create_graph:
            # a Tensor of its own per leaf (add's backward hands the same one to both inputs)
            g = Tensor._make(g.data, False, None, "constant")
        recorder = grad_mode.recorder
        if recorder is not None:
            recorder.check_accumulation(leaf)
            recorder.gradient_of(leaf, g.data)
        leaf._grad = g if leaf._grad is None else leaf._grad + g
        if recorder is not None:
            recorder.set_grad(leaf, leaf._grad)


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
        if not t.requires_grad:
            raise RuntimeError(
                f"grad: input {i} (shape {shape_str(t.shape)}) does not require grad, so no "
                f"gradient can be taken with respect to it. {explain_grad(t)}"
            )
    root_grads = [_root_gradient(t, g, i) for i, (t, g) in enumerate(zip(roots, given))]
    retain = create_graph if retain_graph is None else retain_graph
    wanted = {id(t): t for t in targets}
    totals = _run(roots, root_grads, create_graph, retain, wanted=wanted)
    results = []
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
        results.append(g if create_graph or not g.requires_grad else g.detach())
    return tuple(results)


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
                "This tensor was computed while recording was off (inside tg.no_grad()), so no "
                "graph connects it to its inputs. Compute it outside the no_grad block."
            )
        if origin == "compiled":
            return (
                "This tensor was returned by a tg.compile'd function, which runs NumPy directly and "
                "records no graph. Call the function itself (not compiled) to get a graph to differentiate."
            )
        if origin == "detach":
            return (
                "This tensor came from .detach(), which cuts it out of the graph on purpose. "
                "Use the original tensor if you want gradients to flow."
            )
        if origin == "constant":
            return (
                "This tensor was computed only from tensors that do not require grad, so it is "
                "a constant. Create the inputs you want gradients for with requires_grad=True."
            )
        return (
            "This tensor was created with requires_grad=False, so autograd does not track it. "
            "Create it with requires_grad=True or call .requires_grad_()."
        )
    if t.grad_fn is not None:
        return (
            f"This tensor is an intermediate result (made by '{t.grad_fn.describe()}'); its "
            "gradient is passed on to its inputs and not kept. Call .retain_grad() on it before "
            "backward() to keep it, or ask for it with tg.autograd.grad(output, tensor)."
        )
    return (
        "This leaf requires grad, but no backward() has reached it yet: call backward() on an "
        "output computed from it (or the gradient was cleared with zero_grad() / .grad = None)."
    )

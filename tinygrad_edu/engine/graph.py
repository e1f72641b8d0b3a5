"""Reading the recorded graph: the walkers that drawings, traces, the explorer and backward use.

A graph is made of `Function` nodes; each keeps the inputs it was applied to (``node.inputs``:
Tensors, and numbers or arrays used as constants) and its ``stamp``, the tick of the clock at
which it was recorded. After backward the graph stays readable: each node keeps its inputs (so
every value) and the gradient that reached it (``node.grad``); only the arrays its op saved for
backward are freed (`saved_again` remakes them for a while).
"""
from __future__ import annotations

import contextlib
import threading

import numpy as np

from .function import Function
from .grad_mode import grad_mode
from .ops.adjoint_helpers import conform
from .tensor import Tensor

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


# ---------------------------------------------------------------------------- values and gradients
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
    return [None if g is None or not needed else np.asarray(conform(g, array))
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


def saved_again_caller() -> str:
    """Who is deriving a backward pass now: "backward", or the call inside `saved_again`."""
    return getattr(_deriving_for, "caller", None) or "backward"


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


def _array(g):
    return g.data if isinstance(g, Tensor) else g

"""`trace`: the graph as text, one op per line in the order it runs, like JAX's make_jaxpr.

With ``backward=True`` the listing goes on with the backward computation the engine derives
(recorded with ``create_graph=True``), so the chain rule can be read line by line.

>>> import tinygrad_edu as tg
>>> x = tg.tensor(2.0, requires_grad=True, name="x")
>>> print(tg.trace((x * x).sin(), backward=True))
forward
  %0 = x            ()  requires_grad
  %1 = mul(%0, %0)  ()
  %2 = sin(%1)      ()
backward: d %2 / d x
  %3 = 1            ()
  %4 = cos(%1)      ()
  %5 = mul(%3, %4)  ()
  %6 = mul(%5, %0)  ()
  %7 = mul(%5, %0)  ()
  %8 = add(%6, %7)  ()
  d x = %8

Read it bottom-up as the chain rule: sin' = cos (%4), times the incoming 1 (%5); x * x sends
that to both of its inputs, each times the other factor (%6, %7); both are x, so they add (%8).
"""
import numpy as np

from ..engine import autograd
from ..engine.function import shape_str
from ..engine.tensor import Tensor
from .text import printable


_key = autograd.tensor_key


def tensors_in_order(roots):
    """Every tensor the roots depend on, inputs first (see `tinygrad_edu.autograd.tensors_in_order`)."""
    return autograd.tensors_in_order(roots)


def _inputs(t):
    return autograd.graph_inputs(t.grad_fn) if t.grad_fn is not None else ()


def _operand(x, names):
    """How an input appears in a line: %k for a tensor, the number itself for a constant."""
    if isinstance(x, Tensor):
        return names[_key(x)]
    array = np.asarray(x)
    return f"{array.item():.6g}" if array.size == 1 else f"constant{shape_str(array.shape)}"


def _describe_leaf(t):
    if t.label:
        label = printable(t.label)  # a name with a line break must not start a line of its own
    elif t.data.size == 1:
        label = f"{t.data.item():.6g}"
    else:
        label = "input" if t.requires_grad else "constant"
    return label


def _rows(order, names):
    """(name, what it is, shape, note) for each tensor not named yet, naming it %k."""
    rows = []
    for t in order:
        key = _key(t)
        if key in names:
            continue
        names[key] = f"%{len(names)}"
        if t.grad_fn is None:
            text = _describe_leaf(t)
        else:
            text = f"{t.grad_fn.describe()}({', '.join(_operand(p, names) for p in _inputs(t))})"
        note = "  requires_grad" if t.grad_fn is None and t.requires_grad else ""
        rows.append((names[key], text, shape_str(t.shape), note))
    return rows


def _format(rows):
    """Align the columns over the whole listing."""
    left = max((len(f"{name} = {text}") for name, text, _, _ in rows), default=0)
    return [f"  {f'{name} = {text}':<{left}}  {shape}{note}" for name, text, shape, note in rows]


class Trace(str):
    """The trace's text: a ``str`` in every way (print it, compare it, split it), whose repr is
    the text itself, so that as a notebook cell's last line it reads as lines, not as one quoted
    string full of ``\\n``.

    >>> trace(Tensor(1.0, requires_grad=True, name="w") * 2)
    forward
      %0 = w           ()  requires_grad
      %1 = mul(%0, 2)  ()
    """

    __slots__ = ()

    def __repr__(self):
        return str(self)


def trace(root, backward=False) -> str:
    """The forward graph of ``root`` as text (a `Trace`, a str whose repr is the text itself);
    with ``backward=True``, the backward pass too."""
    if not isinstance(root, Tensor):
        raise TypeError(f"trace: expected a Tensor, got {type(root).__name__}")
    names = {}
    order = tensors_in_order([root])
    forward = _rows(order, names)
    if not backward:
        return Trace("\n".join(["forward"] + _format(forward)))
    leaves = [t for t in order if t.grad_fn is None and t.requires_grad]
    if not leaves:
        raise ValueError("trace: nothing in this graph requires grad, so there is no backward pass to show")
    gradient = None if root.data.size == 1 else Tensor(np.ones_like(root.data))
    with autograd.saved_again([root], "trace"):  # after backward() too: the graph is kept for this
        grads = autograd.grad(root, leaves, grad_outputs=gradient, create_graph=True, retain_graph=True,
                              allow_unused=True)
    leaf_names = [printable(t.label) if t.label else names[_key(t)] for t in leaves]
    backward_rows = _rows(tensors_in_order([g for g in grads if g is not None]), names)
    lines = _format(forward + backward_rows)
    lines.insert(len(forward), f"backward: d {names[_key(root)]} / d {', '.join(leaf_names)}")
    for name, g in zip(leaf_names, grads):
        lines.append(f"  d {name} = {names[_key(g)] if g is not None else '0 (not used)'}")
    return Trace("\n".join(["forward"] + lines))

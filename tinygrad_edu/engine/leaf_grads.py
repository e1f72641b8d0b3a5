"""Leaf gradients: what backward stores in ``.grad``, and why it is always the leaf's own array.

Backward (backward.py) sums, per leaf, the gradients that reach it (`add`), then stores the
total (`accumulate_into`): ``leaf.grad`` becomes ``old + total``, or the total itself on the
first backward.

The one subtlety is ownership. Formulas pass gradients through unchanged (``a + b`` hands the
node's own gradient to both inputs), views share memory, and a custom formula might return an
input's array. A leaf's ``.grad`` must be its own, so that changing it in place (gradient
clipping, ``p.grad *= 0``) changes nothing else: not another leaf's gradient, not the gradient a
drawing shows for a node. So an array is copied exactly when something else may hold it
(`shared`), and never otherwise -- the copy would cost as much as the op.
"""
from __future__ import annotations

import threading

import numpy as np

from .tensor import Tensor

# backward() adds into .grad with a read-add-write; concurrent backward calls into a shared
# leaf would lose updates without it.
_accumulate = threading.Lock()


def add(totals, tensor, g, source):
    """Add a gradient contribution for a leaf into ``totals`` (id(leaf) -> [leaf, sum, source]).
    ``source`` is ``(the gradient of the node that sent it, that node's input arrays)``, which
    `shared` needs; it becomes None once contributions add up (a sum is a new array of its own)."""
    entry = totals.get(id(tensor))
    if entry is None:
        totals[id(tensor)] = [tensor, g, source]
    else:
        entry[1] = entry[1] + g
        entry[2] = None


def shared(array, source, stored) -> bool:
    """True when a gradient array may also be held elsewhere: a view, the node's own gradient
    passed through, one of the node's input arrays, or one already stored in another ``.grad``
    (``stored`` holds their ids)."""
    if type(array) is not np.ndarray or array.base is not None or id(array) in stored:
        return True
    if source is None:
        return False
    node_grad, input_arrays = source
    return array is _array(node_grad) or any(array is a for a in input_arrays)


def own(g, source, stored):
    """The array to store in a ``.grad``: ``g`` itself when nothing else holds it, else a copy."""
    if shared(g, source, stored):
        g = np.array(g)
    stored.add(id(g))
    return g


def accumulate_into(tensor, g, source, stored):
    """``tensor.grad += g`` (as a new Tensor), with the read-add-write under a lock. An array
    goes through `own`; a Tensor (create_graph, or a program being written) that may be shared
    is cloned, which keeps it in the graph. Returns the new ``.grad``."""
    if isinstance(g, Tensor):
        value = g.clone() if shared(g.data, source, stored) else g
        stored.add(id(value.data))
    else:
        value = Tensor._make(own(g, source, stored), False, None, "grad")
    with _accumulate:
        old = tensor._grad
        if old is None:
            tensor._grad = value
        elif isinstance(g, Tensor):
            tensor._grad = old + value
        else:
            tensor._grad = Tensor._make(old.data + value.data, False, None, "grad")
    return tensor._grad


def retain(node, g, stored):
    """An intermediate tensor that asked for ``retain_grad()`` keeps the gradient that reached
    its node, as a leaf would."""
    owner = node.retained()
    if owner is not None:
        accumulate_into(owner, g, (g, ()), stored)


def _array(g):
    return g.data if isinstance(g, Tensor) else g

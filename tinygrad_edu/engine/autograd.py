"""``tg.autograd``: reverse-mode automatic differentiation, the public names in one place.

* backward.py -- the chain rule over the graph: `backward` (into ``.grad``) and `grad`
  (handed back); leaf_grads.py -- what ends in ``.grad``; hooks.py -- ``register_hook``.
* graph.py -- reading a graph: `topological_order`, `tensors_in_order`, `graph_inputs`,
  `latest_gradient`, `edge_gradients`, `saved_again`; drawings, traces and the explorer use
  these, never a node's private fields.
* why_no_grad.py -- `explain_grad`: why a tensor's ``.grad`` is what it is.
* ops/adjoint_helpers.py -- `unbroadcast`: the one place broadcasting is undone.
"""
from .backward import backward, grad
from .graph import (edge_gradients, graph_inputs, latest_gradient, nodes_below, saved_again, tensor_key,
                    tensors_in_order, topological_order)
from .ops.adjoint_helpers import unbroadcast
from .why_no_grad import explain_grad

__all__ = ["backward", "grad", "unbroadcast", "nodes_below", "topological_order", "tensors_in_order",
           "tensor_key", "graph_inputs", "latest_gradient", "edge_gradients", "saved_again", "explain_grad"]

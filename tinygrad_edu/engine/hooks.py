"""Hooks: functions a user registered on a tensor (``t.register_hook(f)``), called with the
gradient that reaches it during backward; one that returns a tensor replaces the gradient."""
from __future__ import annotations

import numpy as np

from .function import shape_str
from .grad_mode import grad_mode
from .tensor import Tensor, as_tensor, hook_change_refused


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


def run_hooks(hooks, g, on_tensors):
    """Call each hook on the gradient ``g`` in turn (recording off, unless backward builds the
    gradient's own graph); a hook that returns a tensor replaces ``g`` for the next."""
    if on_tensors:
        return _call_hooks(hooks, g, on_tensors)
    previous, grad_mode.enabled = grad_mode.enabled, False
    try:
        return _call_hooks(hooks, g, on_tensors)
    finally:
        grad_mode.enabled = previous


def _call_hooks(hooks, g, on_tensors):
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


def _array(g):
    return g.data if isinstance(g, Tensor) else g

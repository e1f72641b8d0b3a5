"""Why a tensor has no gradient, in words: the one place the reasons are written."""
from __future__ import annotations


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

"""`tg.codegen`: the NumPy source of a graph's forward pass and of the backward pass autograd derives.

It is what backpropagation *is* for one particular network, written out the way Trask writes
his 11 lines by hand: one assignment per op, named after the graph (a tensor's ``name``, else
its op), the gradients named ``d_<value>``.

>>> import tinygrad_edu as tg
>>> x = tg.tensor([1.0, 2.0], name="x")
>>> w = tg.tensor([0.5, -1.0], requires_grad=True, name="w")
>>> loss = (x * w).sum()
>>> code = tg.codegen(loss, wrt=[w])
>>> print(code)  # doctest: +NORMALIZE_WHITESPACE
import numpy as np
<BLANKLINE>
def forward_backward(x, w):
    mul = x * w
    sum_ = np.sum(mul, axis=None, keepdims=False)
    # backward: the chain rule, from the output down
    d_sum_ = np.ones((), np.float64)
    reshape = d_sum_.reshape((1,))
    d_mul = np.array(np.broadcast_to(reshape, (2,)))
    d_w = d_mul * x
    return sum_, (d_w,)
>>> value, (d_w,) = code.run()
>>> d_w.tolist()
[1.0, 2.0]
"""
from __future__ import annotations

import numpy as np

from . import function
from .autograd import grad as autograd_grad
from .autograd import tensors_in_order
from .program import Recorder, Var, _is_literal, _render, live_lines

__all__ = ["codegen", "Code"]


def codegen(output, wrt, name="forward_backward") -> "Code":
    """NumPy source computing ``output`` and its gradients with respect to the tensors ``wrt``.

    ``output`` is a one-number Tensor computed with recording on (a loss); call codegen before
    ``backward()`` frees the graph (or after ``backward(retain_graph=True)``). The source is a
    function whose parameters are the graph's input tensors; `Code.run` calls it on their
    current values.
    """
    wrt = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    if not isinstance(output, function.Tensor) or output.grad_fn is None:
        raise ValueError("codegen: the output must be a Tensor computed from tensors that require grad "
                         "(with recording on), so that there is a graph to write out")
    if output.data.size != 1:
        raise ValueError(f"codegen: the output has shape {tuple(output.shape)}; reduce it to one number "
                         "first (a loss: .sum() or .mean())")
    try:
        order = tensors_in_order([output])
    except ValueError as error:
        raise ValueError(f"codegen: {error}") from None
    recorder = Recorder("codegen")
    inputs = []
    for t in order:
        if t.grad_fn is not None:
            recorder.op(t.grad_fn, t.grad_fn.parents, t.data, name=t.name)
        elif not (_is_literal(t.data) and t._origin == "constant") and id(t.data) not in recorder.vars:
            recorder.argument(t.data, t.name or ("w" if t.requires_grad else "x"))
            inputs.append(t)
    forward_count = len(recorder.lines)
    with recorder:
        grads = autograd_grad([output], wrt, retain_graph=True, allow_unused=True)
    output_var = recorder.vars[id(output.data)]
    grad_vars = []
    for t, g in zip(wrt, grads):
        if g is None:
            grad_vars.append(None)
            continue
        var = recorder.lookup(g.data)
        if isinstance(var, Var):
            recorder.rename(var, f"d_{recorder.value_of(t)}")
        grad_vars.append(var)
    return Code(recorder, forward_count, output_var, grad_vars, inputs, name)


class Code:
    """What `codegen` returns: ``source`` (also ``str(code)``), ``inputs`` (the tensors the
    generated function takes, in order) and ``run()``."""

    def __init__(self, recorder, forward_count, output_var, grad_vars, inputs, name):
        forward = recorder.lines[:forward_count]
        wanted = [output_var] + [v for v in grad_vars if v is not None]
        kept = {id(line) for line in live_lines(recorder.lines, wanted)}
        # arrays the graph read that are neither inputs nor computed (cross_entropy's row numbers)
        constants = [v for v in recorder.externals if isinstance(v.source, (np.ndarray, function.Tensor))]
        header = ["import numpy as np"]
        helpers = sorted({h for line in recorder.lines if id(line) in kept
                          for h in ("scatter_add", "tie_shares") if f"{h}(" in line.template})
        if helpers:
            header.append(f"from tinygrad_edu.ops.kernels import {', '.join(helpers)}")
        for v in constants:
            if any(v in line.uses() for line in recorder.lines if id(line) in kept):
                array = np.asarray(v.source)
                header.append(f"{v.name} = np.array({array.tolist()!r}, dtype={_render(array.dtype)})")
        self.inputs = inputs
        parameters = ", ".join(recorder.vars[id(t.data)].name for t in inputs)
        body = [line.render() for line in forward if id(line) in kept]
        body.append("# backward: the chain rule, from the output down")
        body += [line.render() for line in recorder.lines[forward_count:] if id(line) in kept]
        grads = ", ".join("None" if v is None else v.name for v in grad_vars)
        body.append(f"return {output_var.name}, ({grads}{',' if len(grad_vars) == 1 else ''})")
        self.name = name
        self.source = "\n".join(header) + f"\n\ndef {name}({parameters}):\n" + "".join(f"    {b}\n" for b in body)

    def __str__(self):
        return self.source.rstrip("\n")

    def __repr__(self):
        return f"<Code {self.name}: {self.source.count(chr(10))} lines; print() it to read>"

    def run(self):
        """Execute the source on the input tensors' current values: ``(output, (gradients...))``
        as NumPy arrays (exactly what ``exec(code.source)`` and a call would give)."""
        namespace = {}
        # The source is made only from the ops' templates, numbers and generated names.
        exec(self.source, namespace)  # noqa: S102
        return namespace[self.name](*[t.data for t in self.inputs])

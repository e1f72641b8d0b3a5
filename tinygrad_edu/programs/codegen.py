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
    sum_ = mul.sum(axis=None, keepdims=False)
    # backward: the chain rule, from the output down
    d_sum_ = np.ones((), np.float64)
    ones = np.ones((2,), np.float64)
    d_mul = d_sum_ * ones
    d_w = d_mul * x
    return sum_, (d_w,)
>>> value, (d_w,) = code.run()
>>> d_w.tolist()
[1.0, 2.0]
"""
from __future__ import annotations

import builtins
import keyword
import unicodedata
import functools

import numpy as np

from ..engine import function
from ..engine.autograd import grad as autograd_grad
from ..engine.autograd import saved_again, tensors_in_order
from .recorder import RESERVED, Recorder, live_lines, tidy_names
from .source import Var, render, render_dtype

__all__ = ["codegen", "Code"]


def _after_backward_too(write):
    """``write(output, ...)`` run while the ops below ``output`` that backward() freed hold again
    what they saved (`tinygrad_edu.autograd.saved_again`): the graph is kept for this."""
    @functools.wraps(write)
    def written(output, *args, **kwargs):
        with saved_again([output], "codegen"):
            return write(output, *args, **kwargs)
    return written


@_after_backward_too
def codegen(output, wrt, name="forward_backward", names=None) -> "Code":
    """NumPy source computing ``output`` and its gradients with respect to the tensors ``wrt``.

    ``output`` is a one-number Tensor computed with recording on (a loss), before or after
    ``backward()``, but before an update changes a tensor it was computed from
    (``optimizer.step()``: then codegen a new loss). The source is a function whose parameters are the graph's input tensors;
    `Code.run` calls it on their current values. ``names`` (a Module, or a dict name -> Tensor)
    names parameters by their path, ``layers.0.weight`` becoming ``layers_0_weight``.
    """
    _check_function_name(name)
    wrt = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    if not isinstance(output, function.Tensor) or output.grad_fn is None:
        raise ValueError("codegen: the output must be a Tensor computed from tensors that require grad "
                         "(with recording on), so that there is a graph to write out")
    if output.data.size != 1:
        raise ValueError(f"codegen: the output has shape {tuple(output.shape)}; reduce it to one number "
                         "first (a loss: .sum() or .mean())")
    order = tensors_in_order([output])
    recorder = Recorder("codegen", names=_names(names))
    recorder.taken.add(name)  # no value of the program is called what the function is
    inputs = []
    for t in order:
        node = t.grad_fn
        if node is not None:
            recorder.op(node, node.inputs, t.data, node.options, name=recorder.tensor_name(t, None))
        elif id(t.data) not in recorder.vars and not (t._origin == "constant" and t.data.ndim == 0):
            recorder.argument(t.data, recorder.tensor_name(t, "w" if t.requires_grad else "x"))
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


def _check_function_name(name):
    """``name`` becomes ``def <name>(...)`` in source that `Code.run` executes: it must be a plain
    identifier as Python reads it, not a keyword, not a builtin the code may call (``slice``),
    and not a name the program uses itself (``np``). Anything else is refused, never pasted in."""
    if type(name) is not str or not name.isidentifier():
        raise ValueError(f"codegen: name={name!r} is not a Python identifier; the generated function is "
                         "def <name>(...), so give a plain name such as 'forward_backward'")
    if unicodedata.normalize("NFKC", name) != name:
        raise ValueError(f"codegen: name={name!r} is read by Python as "
                         f"{unicodedata.normalize('NFKC', name)!r}; write that plain name instead")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise ValueError(f"codegen: name={name!r} is a Python keyword; choose another function name")
    if name in RESERVED:
        raise ValueError(f"codegen: name={name!r} is a name the generated code uses itself; choose another "
                         "function name")
    if name in dir(builtins):
        raise ValueError(f"codegen: name={name!r} is a Python builtin, which the generated code may call "
                         "(slice, ...); choose another function name")


def _names(params):
    """id(tensor) -> name, from a Module's named_parameters() or a dict name -> Tensor."""
    if params is None:
        return {}
    items = params.named_parameters() if hasattr(params, "named_parameters") else params.items()
    return {id(t): name for name, t in items}


class Code:
    """What `codegen` returns: ``source`` (also ``str(code)``), ``inputs`` (the tensors the
    generated function takes, in order) and ``run()``."""

    def __init__(self, recorder, forward_count, output_var, grad_vars, inputs, name):
        wanted = [output_var] + [v for v in grad_vars if v is not None]
        kept_lines = live_lines(recorder.lines, wanted)
        tidy_names(kept_lines, recorder, reserved=[name] + [recorder.vars[id(t.data)].name for t in inputs])
        kept = {id(line) for line in kept_lines}
        used = {id(v) for line in kept_lines for v in line.uses()}
        header = ["import numpy as np"]
        # arrays the graph read that are neither inputs nor computed (cross_entropy's row numbers)
        for v in recorder.externals:
            if id(v) in used and isinstance(v.source, (np.ndarray, function.Tensor)):
                array = np.asarray(v.source.data if isinstance(v.source, function.Tensor) else v.source)
                values = f"np.zeros({render(array.shape)}" if array.size == 0 else f"np.array({render(array.tolist())}"
                header.append(f"{v.name} = {values}, dtype={render_dtype(array.dtype)})")
        self.inputs = inputs
        parameters = ", ".join(recorder.vars[id(t.data)].name for t in inputs)
        body = [line.render() for line in recorder.lines[:forward_count] if id(line) in kept]
        body.append("# backward: the chain rule, from the output down")
        body += [line.render() for line in recorder.lines[forward_count:] if id(line) in kept]
        grads = ", ".join("None" if v is None else render(v) for v in grad_vars)
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
        # The source is made only from the ops' own forward code, numbers and checked names.
        exec(self.source, namespace)  # noqa: S102
        return namespace[self.name](*[t.data for t in self.inputs])

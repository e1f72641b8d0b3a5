"""Write docs/api.md, the reference of every public name, from the docstrings, and
docs/derivatives.md, the table of every op's derivatives, from the ops themselves.

    python scripts/make_api_docs.py          # rewrite docs/api.md and docs/derivatives.md
    python scripts/make_api_docs.py --check  # exit 1 if either is out of date (the tests do this)
"""
import inspect
import pathlib
import sys

import tinygrad_edu as tg

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"
OUTPUT = DOCS / "api.md"
DERIVATIVES = DOCS / "derivatives.md"

SECTIONS = [
    ("tg", tg, "Tensors, creation, free functions, transforms, checks, calculus, saving, training"),
    ("tg.autograd", tg.autograd, "The backward engine"),
    ("tg.ops", tg.ops, "The primitive ops: one Function each, forward and backward side by side"),
    ("tg.nn", tg.nn, "Modules, layers and losses"),
    ("tg.nn.functional", tg.nn.functional, "The layers and losses as plain functions (PyTorch's F)"),
    ("tg.nn.init", tg.nn.init, "Weight initialisers"),
    ("tg.optim", tg.optim, "Optimizers"),
    ("tg.data", tg.data, "Data sets and formats"),
    ("tg.viz", tg.viz, "Pictures and text views"),
    ("tg.expr", tg.expr, "Formulas typed by people"),
]


def public_names(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__]
    return [n for n in names if not inspect.ismodule(getattr(module, n))]


def signature(obj):
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""


def doc(obj):
    text = inspect.getdoc(obj) or ""
    return text.replace(">>> ", "    >>> ").replace("\n... ", "\n    ... ") if text else "*(no description)*"


def entry(prefix, name, obj):
    if inspect.isclass(obj) or inspect.isfunction(obj) or callable(obj) and not isinstance(obj, type(tg.float32)):
        head = f"### `{prefix}.{name}{signature(obj) if not inspect.isclass(obj) else signature(obj)}`"
    else:
        head = f"### `{prefix}.{name}`"
    return f"{head}\n\n{doc(obj)}\n"


# NumPy's and PyTorch's names for the same thing; both work (the table of issue 16).
NAMES = """## NumPy's names and PyTorch's, side by side

Both spellings work. Where the two libraries mean different things by one call, the form of
the call says which one it follows -- NumPy's keyword `axis=` or PyTorch's `dim=`, and for
`max`/`min` an axis given positionally is PyTorch's -- or the call is refused with a message
(`squeeze` of a longer axis). A result that could be misread is refused when misused: the
`(values, indices)` pair of `t.max(1)` is no tensor. One call is read one way on purpose:
`t.transpose(0, 1)` of a 2-D tensor swaps, as PyTorch (NumPy: the identity).

| NumPy | PyTorch | tinygrad_edu |
|---|---|---|
| `a.sum(axis=1, keepdims=True)` | `a.sum(dim=1, keepdim=True)` | both (also `mean var std any all argmax argmin`, and `max min` with the next row's rule; giving both names is an error) |
| `a.max(axis=1)`, `a.max()`, `np.max(a, 1)` (values) | `a.max(1)`, `a.max(dim=1)`, `torch.max(a, 1)` (values, indices) | both; the form of the call decides: NumPy's `axis=` keyword, no axis, or NumPy's `np.max`/`np.amax` give the values; an axis given positionally or as `dim=` (`t.max(1, True)` keeps it) gives PyTorch's pair `(values, indices)`, so `_, predicted = tg.max(logits, 1)` works. The pair refuses arithmetic, comparisons and `np.asarray` with a message (`t.max(1) * 2`: take `.values`, or write `axis=1`). Also `min`; `argmax`/`argmin` give indices in every form |
| `np.maximum(a, b)` | `torch.max(a, b)`, `torch.maximum(a, b)` | all three (`tg.max(a, b)` with a tensor `b` is the elementwise maximum) |
| `a.transpose()`, `a.T` | `a.T`, `a.mT` for 2-D | `transpose()` and `.T` reverse the axes |
| `a.transpose((2, 0, 1))` | `a.permute(2, 0, 1)` | both |
| `np.swapaxes(a, 0, 1)` | `a.transpose(0, 1)` | both: two ints swap two axes |
| `a.transpose(2, 0, 1)` | (an error) | NumPy's permutation, as `a.permute(2, 0, 1)` (three or more ints; two ints swap, as PyTorch) |
| `a.reshape(2, 3)` | `a.view(2, 3)`, `a.reshape(2, 3)` | all three |
| `a.size` | `a.numel()` | both (`a.size` is NumPy's int, not PyTorch's `size()`) |
| `np.squeeze(a, 1)` | `a.squeeze(1)` | both; a longer axis is an error (PyTorch keeps it silently) |
| `np.expand_dims(a, 0)` | `a.unsqueeze(0)` | both |
| `np.broadcast_to(a, s)` | `a.expand(*s)` (`-1` keeps an axis) | both |
| `a.flatten()` | `a.flatten(1)`, `nn.Flatten()` | both: `flatten(start_dim=0, end_dim=-1)` |
| `a.astype(np.float32)` | `a.float()`, `a.double()`, `a.long()`, `a.to(torch.float32)` | all (`to("cpu")` is the tensor itself) |
| `np.clip(a, 0, 1)`, `a ** 2` | `a.clamp(0, 1)`, `a.pow(2)` | all |
| `np.arcsin(a)`, `np.arctan2(y, x)` (also `arccos arctan`) | `a.asin()`, `torch.atan2(y, x)` (also `acos atan`; `arcsin`... too) | all: `a.arcsin()`, `a.asin()`, `tg.arctan2(y, x)`, `tg.atan2(y, x)`, `np.arcsin(a)` |
| `np.concatenate`, `np.stack` (`axis=`) | `torch.cat`, `torch.stack` (`dim=`) | `tg.concatenate`, `tg.cat`, `tg.stack` with either name |
| `a.copy()` | `a.clone()` | `clone()` (stays in the graph) |
| `a[...] = 0`, `a.fill(v)` | `a.zero_()`, `a.fill_(v)` | all, under `tg.no_grad()` for tensors in a graph |
| `np.random.seed(0)` | `torch.manual_seed(0)` | both seed every draw of the library |
| `np.sin(a)`, `np.sum(a, axis=0)`, `arr += t` | `torch.sin(a)` | NumPy's functions record on Tensors; `tg.sin(a)` too |
| `float(a)`, `int(a)`, `round(a)`, `f"{a:.3f}"` | the same | the same, for one-element tensors |
| | `torch.nn.functional as F` | `tinygrad_edu.nn.functional as F` |
| | `nn.Linear(in, out)`, weight (out, in) | `tg.nn.Linear(in, out)`, weight **(in, out)**: `y = x @ W + b` (docs/nn.md) |
| | `nn.CrossEntropyLoss()` on (N, C, d...) | `tg.nn.CrossEntropyLoss()`, classes on the **last** axis (N, d..., C) |
| `a.var(axis=0)` (divides by n) | `a.var(dim=0)` (by n - 1) | both, each with its own meaning: the keyword says which; `ddof=`, `correction=`, `unbiased=` set it; `a.var()` is NumPy's |
| `a.flatten()`, `a.astype(dt)` (copies) | `a.flatten()`, `a.to(dt)` (may return `a` itself) | `flatten` and `astype` copy as NumPy; `to`, `float`, `double` return the tensor itself when nothing changes, as PyTorch |
| | `x.long()`, `x.bool()` | `long()` and `astype(int/bool)`: no gradient flows through integers, as PyTorch |
| | `d.grad` of an intermediate result (None, with a warning) | the same (None, and a warning naming `d.retain_grad()` and `tg.autograd.latest_gradient(d)`, the gradient the latest backward sent to `d`, which drawings show); micrograd keeps it in `d.grad` |
| | `relu'(0) = 0`, `abs'(0) = 0`, ties of `max`/`maximum` share the gradient, `clamp` passes it at its ends | the same conventions at the corners; `tg.derivative`, `tg.taylor`, `tg.tangent_line` and `tinygrad-edu diff` also say that the function has no derivative there (`tg.NotDifferentiableWarning`) |
| `float(x)`, `math.exp(x)`, `x.item()`, `np.asarray(x)` inside `jax.grad` (refused) | `.item()` inside `torch.func.grad` (refused) | refused inside every transform (`tg.grad`, `tg.derivative`, `tg.jacobian`, `tg.hessian`, `tg.taylor`, `tg.compile`, ...) with `tg.ConcretizationError`, for the tensor being differentiated and what is computed from it; silent outside (`loss.item()`) |
"""


def tensor_methods():
    lines = ["## `tg.Tensor` methods and properties\n"]
    members = {}
    for cls in reversed(tg.Tensor.__mro__[:-1]):  # Tensor's own, then its math and shape methods
        members.update(vars(cls))
    for name, member in sorted(members.items()):
        if name.startswith("_") or name in ("data", "requires_grad", "grad_fn", "name", "path") or callable(member) is False and not isinstance(member, property):
            continue
        obj = member.fget if isinstance(member, property) else member
        sig = "" if isinstance(member, property) else signature(obj)
        lines.append(f"### `Tensor.{name}{sig}`\n\n{doc(obj)}\n")
    return lines


def render():
    lines = ["# API reference", "",
             "Generated from the docstrings by `python scripts/make_api_docs.py`; do not edit by hand.", "",
             NAMES]
    for prefix, module, title in SECTIONS:
        lines.append(f"## `{prefix}`: {title}\n")
        for name in public_names(module):
            obj = getattr(module, name)
            if prefix == "tg" and obj in (tg.float32, tg.float64):
                lines.append(f"### `tg.{name}`\n\nNumPy's `{name}` dtype, for `dtype=`.\n")
                continue
            lines.append(entry(prefix, name, obj))
        if prefix == "tg":
            lines.extend(tensor_methods())
    return "\n".join(lines).rstrip() + "\n"


def cell(text):
    """Text for one cell of a Markdown table: one line, with its bars escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def what_it_computes(op):
    """The first paragraph of the op's docstring: what the op is."""
    return cell((inspect.getdoc(op) or "").split("\n\n")[0])


def render_derivatives():
    """docs/derivatives.md: one row per op -- its name, what it computes, one partial derivative
    per input (its ``formula``, whose partials are separated by a comma and two spaces), and the
    value it takes at a corner (its ``kink``)."""
    lines = ["# Derivatives of the ops", "",
             "Generated from the ops (tinygrad_edu/engine/ops/) by `python scripts/make_api_docs.py`; do not",
             "edit by hand. Each op states its derivative once, as its `formula`; its `backward` implements",
             "it, and tests/op_table.py checks it against central differences and HIPS autograd. ``g`` or",
             "``∂L/∂y`` is the gradient arriving at the op's output. How to add an op: [autograd.md](autograd.md#adding-an-op).",
             "", "| op | computes | derivatives | at a corner |", "|---|---|---|---|"]
    for class_name, op in tg.ops.OPS.items():
        partials = [cell(p) for p in op.formula.split(",  ")] if op.differentiable else ["no gradient flows"]
        lines.append(f"| `{class_name}` (`{op.name}`) | {what_it_computes(op)} | {'<br>'.join(partials)} | {cell(op.kink)} |")
    return "\n".join(lines) + "\n"


def main(argv):
    outputs = {OUTPUT: render(), DERIVATIVES: render_derivatives()}
    if "--check" in argv:
        stale = [path.name for path, text in outputs.items() if not path.exists() or path.read_text() != text]
        for name in stale:
            print(f"docs/{name} is out of date: run python scripts/make_api_docs.py", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Write docs/api.md, the reference of every public name, from the docstrings.

    python scripts/make_api_docs.py          # rewrite docs/api.md
    python scripts/make_api_docs.py --check  # exit 1 if docs/api.md is out of date (the tests do this)
"""
import inspect
import pathlib
import sys

import tinygrad_edu as tg

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "docs" / "api.md"

SECTIONS = [
    ("tg", tg, "Tensors, creation, free functions, transforms, checks, calculus, saving, training"),
    ("tg.autograd", tg.autograd, "The backward engine"),
    ("tg.ops", tg.ops, "The primitive ops: one Function each, forward and backward side by side"),
    ("tg.nn", tg.nn, "Modules, layers and losses"),
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


def tensor_methods():
    lines = ["## `tg.Tensor` methods and properties\n"]
    for name, member in sorted(vars(tg.Tensor).items()):
        if name.startswith("_") or name in ("data", "requires_grad", "grad_fn", "name", "path"):
            continue
        obj = member.fget if isinstance(member, property) else member
        sig = "" if isinstance(member, property) else signature(obj)
        lines.append(f"### `Tensor.{name}{sig}`\n\n{doc(obj)}\n")
    return lines


def render():
    lines = ["# API reference", "",
             "Generated from the docstrings by `python scripts/make_api_docs.py`; do not edit by hand.", ""]
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


def main(argv):
    text = render()
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print("docs/api.md is out of date: run python scripts/make_api_docs.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

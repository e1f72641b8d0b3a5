"""The ``tinygrad-edu`` command (also ``python -m tinygrad_edu``).

    tinygrad-edu demo [--out DIR]
    tinygrad-edu diff EXPR --at x=1.5[,y=2] [--order N] [--graph FILE] [--trace]
    tinygrad-edu examples [run NAME]

Bad input gets one line on standard error and exit status 2.
"""
import argparse
import ast
import os
import runpy
import sys

import numpy as np

from .expr import Formula, FormulaError


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def _values(text):
    """``x=1.5,y=2`` -> {"x": 1.5, "y": 2.0}."""
    values = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, number = part.partition("=")
        if not sep or not name.strip().isidentifier():
            raise UsageError(f"--at expects name=value pairs separated by commas, like x=1.5,y=2; got {part!r}")
        try:
            values[name.strip()] = float(number)
        except ValueError:
            raise UsageError(f"--at: {number.strip()!r} is not a number (in {part!r})") from None
    return values


def _number(v):
    return f"{v:.10g}"


def diff(args, out=print):
    from .engine import autograd
    from .engine.tensor import Tensor
    from .viz import draw_graph, trace

    if args.graph:
        _check_output_file(args.graph, "--graph", (".svg", ".png", ".pdf", ".dot"))
    formula = Formula(args.expr)
    values = _values(args.at) if args.at else {}
    missing = [v for v in formula.variables if v not in values]
    if missing:
        raise UsageError(f"no value for {', '.join(missing)}: add --at {','.join(f'{m}=...' for m in missing)}")
    unused = [v for v in values if v not in formula.variables]
    if unused:
        raise UsageError(f"--at gives {', '.join(unused)}, which the formula does not use")
    if args.order < 0:
        raise UsageError("--order must be 0 or more")
    names = list(formula.variables)
    inputs = {n: Tensor(values[n], requires_grad=True, name=n) for n in names}
    with np.errstate(all="ignore"):
        result = formula(**inputs)
    point = ", ".join(f"{n}={_number(values[n])}" for n in names) or "(no variables)"
    out(f"f = {args.expr}   at {point}")
    out(f"f = {_number(result.item())}")
    if names and args.order >= 1:
        # derivatives of every order in one chain: each level is the gradient of the previous one
        level = {(): result}
        for order in range(1, args.order + 1):
            next_level = {}
            for index, value in level.items():
                if not value.requires_grad:
                    grads = [Tensor(0.0)] * len(names)
                else:
                    grads = autograd.grad(value, [inputs[n] for n in names], create_graph=order < args.order,
                                          retain_graph=True, allow_unused=True)
                for name, g in zip(names, grads):
                    key = tuple(sorted(index + (name,)))
                    if key not in next_level:
                        next_level[key] = g if g is not None else Tensor(0.0)
            for key, g in sorted(next_level.items()):
                label = "d" + ("" if order == 1 else f"^{order}") + "f/" + "".join(f"d{n}" for n in key)
                out(f"{label} = {_number(g.item())}")
            level = next_level
    if args.trace:
        out(trace(result, backward=bool(names)))
    if args.graph:
        graph = draw_graph(result)
        if args.graph.endswith(".dot"):
            with open(args.graph, "w") as f:
                f.write(graph.source)
        else:
            stem, _, extension = args.graph.rpartition(".")
            graph.render(stem, format=extension, cleanup=True)
        out(f"wrote {args.graph}")


def _check_output_file(path, option, extensions):
    """Refuse an output file we could not write, before any work is done."""
    if not path.lower().endswith(extensions):
        raise UsageError(f"{option}: write {', '.join(extensions[:-1])} or {extensions[-1]}, not {path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{option}: the folder {folder} does not exist; create it first or choose another path")
    if os.path.isdir(path):
        raise UsageError(f"{option}: {path} is a folder; give a file name")


def _example_names():
    from .demo import EXAMPLES

    if not EXAMPLES.is_dir():
        raise UsageError(f"the examples ship with the source checkout; {EXAMPLES} is not there")
    return sorted(p.stem for p in EXAMPLES.glob("*.py"))


def _summary(path, width=90):
    """The first sentence of a script's docstring, read without running the script."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    sentence = paragraph.split(". ")[0].rstrip(".:")
    return sentence if len(sentence) <= width else sentence[: width - 3].rstrip() + "..."


def examples(args, out=print):
    from .demo import EXAMPLES

    names = _example_names()
    if args.action is None:
        for name in names:
            out(f"{name:<22} {_summary(EXAMPLES / f'{name}.py')}")
        return
    if args.action != "run" or not args.name:
        raise UsageError("usage: tinygrad-edu examples [run NAME]")
    if args.name not in names:
        raise UsageError(f"no example called {args.name!r}; the examples are {', '.join(names)}")
    old_argv = sys.argv
    sys.argv = [str(EXAMPLES / f"{args.name}.py")] + list(args.rest)
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    finally:
        sys.argv = old_argv


def demo(args, out=print):
    from .demo import run

    run(args.out, out=out)


def parser():
    top = argparse.ArgumentParser(prog="tinygrad-edu", description="tinygrad_edu: see how neural networks learn.")
    commands = top.add_subparsers(dest="command", required=True)
    p = commands.add_parser("demo", help="train Trask's network and an MLP on XOR; write pictures",
                            description="Train Trask's 3-layer network and an MLP on XOR, check their "
                                        "gradients against the hand-derived formulas, and write the pictures.")
    p.add_argument("--out", default="demo-output", help="folder for the pictures (default: ./demo-output)")
    p.set_defaults(run=demo)
    p = commands.add_parser("diff", help="value and derivatives of a formula",
                            description="Value, gradient and higher derivatives of a formula in ordinary math "
                                        "syntax, e.g. 'sin(x)**2 + x*y' or 'exp(-x^2)'. Functions: sin cos tan exp "
                                        "log ln sqrt tanh sigmoid relu abs softplus max min; constants pi e.")
    p.add_argument("expr", help="the formula, quoted")
    p.add_argument("--at", default="", help="the point, as x=1.5[,y=2]")
    p.add_argument("--order", type=int, default=1, help="highest derivative order to print (default 1)")
    p.add_argument("--graph", help="also draw the formula's graph to FILE (.svg, .png, .pdf or .dot)")
    p.add_argument("--trace", action="store_true", help="also print the forward and backward trace")
    p.set_defaults(run=diff)
    p = commands.add_parser("examples", help="list the tutorial examples, or run one",
                            description="List the tutorial examples, or run one: examples run NAME [ARGS].")
    p.add_argument("action", nargs="?", choices=["run"], help="run an example")
    p.add_argument("name", nargs="?", help="the example to run")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="arguments for the example")
    p.set_defaults(run=examples)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except (UsageError, FormulaError) as error:
        print(f"tinygrad-edu {args.command}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as Unix tools do
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``tinygrad-edu`` command (also ``python -m tinygrad_edu``).

    tinygrad-edu demo [--out DIR]
    tinygrad-edu diff EXPR [--at x=1.5[,y=2]] [--order N] [--range -3:3] [--plot FILE] [--graph FILE] [--trace]
    tinygrad-edu examples [run NAME [ARGS]]
    tinygrad-edu --version

Bad input gets one line on standard error and exit status 2; no command prints the help.
"""
import argparse
import ast
import runpy
import sys

from . import diff_command
from .diff_command import UsageError
from .expr import FormulaError


def _example_names():
    from .demo import EXAMPLES

    return sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_"))


def _summary(path, width=90):
    """The first sentence of a script's docstring, read without running the script."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    sentence = paragraph.split(". ")[0].rstrip(".:")
    return sentence if len(sentence) <= width else sentence[: width - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def examples(args, out=print):
    from .demo import EXAMPLES

    names = _example_names()
    if args.action is None:
        for name in names:
            out(f"{name:<22} {_summary(EXAMPLES / f'{name}.py')}")
        return
    if args.action == "run" and not args.name and args.rest[:1] in (["-h"], ["--help"]):
        out("usage: tinygrad-edu examples run NAME [ARGS]\n\nNAME is one of: " + ", ".join(names)
            + ".\n`tinygrad-edu examples run NAME --help` shows that example's options.")
        return
    if args.action != "run" or not args.name:
        raise UsageError(f"usage: tinygrad-edu examples [run NAME [ARGS]]; NAME is one of {', '.join(names)}")
    if args.name not in names:
        raise UsageError(f"no example called {args.name!r}; the examples are {', '.join(names)}")
    from . import examples as shipped
    from .data.mnist import MnistError
    from .data.names import NamesError

    old_argv = sys.argv
    sys.argv = [str(EXAMPLES / f"{args.name}.py")] + list(args.rest)
    shipped.run_by = "tinygrad-edu examples run"
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    except (MnistError, NamesError) as error:  # data that is not installed: one line that says how
        raise UsageError(f"{args.name}: {error}") from None
    finally:
        sys.argv = old_argv
        shipped.run_by = None


def demo(args, out=print):
    from .demo import run

    run(args.out, out=out)


def parser():
    from . import __version__

    top = argparse.ArgumentParser(prog="tinygrad-edu", description="tinygrad_edu: see how neural networks learn.")
    top.add_argument("--version", action="version", version=f"tinygrad-edu {__version__}")
    commands = top.add_subparsers(dest="command")
    p = commands.add_parser("demo", help="train Trask's network and an MLP on XOR; write pictures",
                            description="Train Trask's 3-layer network and an MLP on XOR, check their "
                                        "gradients against the hand-derived formulas, and write the pictures.")
    p.add_argument("--out", default="demo-output", help="folder for the pictures (default: ./demo-output)")
    p.set_defaults(run=demo)
    p = commands.add_parser("diff", help="value and derivatives of a formula",
                            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
                            description="Value, gradient and higher derivatives of a formula in ordinary math "
                                        "syntax, e.g. 'sin(x)**2 + x*y' or 'exp(-x^2)', at a point (--at); or, "
                                        "for one variable and no --at, f, f' and f'' as a table over --range. "
                                        "Functions: sin cos tan exp log ln sqrt tanh sigmoid relu abs softplus "
                                        "max min; constants pi e. A formula may start with '-'.")
    p.add_argument("expr", help="the formula, quoted")
    p.add_argument("--at", default="", help="the point, as x=1.5[,y=2]")
    p.add_argument("--order", type=int, default=None,
                   help="highest derivative order (1 at a point, 2 in a table; at most 10)")
    p.add_argument("--range", default="-3:3", help="the interval of the table, low:high")
    p.add_argument("--plot", metavar="FILE", help="draw f, f' and f'' over --range to FILE (.png, .svg or .pdf)")
    p.add_argument("--graph", metavar="FILE", help="also draw the formula's graph to FILE (.svg, .png, .pdf or .dot)")
    p.add_argument("--trace", action="store_true", help="also print the forward and backward trace")
    p.set_defaults(run=diff_command.run)
    p = commands.add_parser("examples", help="list the tutorial examples, or run one",
                            description="List the tutorial examples, or run one: examples run NAME [ARGS].")
    p.add_argument("action", nargs="?", choices=["run"], help="run an example")
    p.add_argument("name", nargs="?", help="the example to run")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="arguments for the example")
    p.set_defaults(run=examples)
    return top


def main(argv=None):
    argv = _formulas_as_positionals(list(sys.argv[1:] if argv is None else argv))
    command = parser()
    args = command.parse_args(argv)
    if args.command is None:  # a bare tinygrad-edu: say what it can do
        command.print_help()
        return 0
    try:
        args.run(args)
    except (UsageError, FormulaError) as error:
        print(f"tinygrad-edu {args.command}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as Unix tools do
        sys.stderr.close()
        return 0
    return 0


DIFF_OPTIONS = {"--at", "--order", "--range", "--plot", "--graph", "--trace", "-h", "--help", "--"}


def _formulas_as_positionals(argv):
    """``diff "-x^2"`` and ``--range -3:3``: argparse would read a value that starts with '-' as
    an option; a leading space makes it a value (the formula and the range ignore it)."""
    if "diff" not in argv[:1]:
        return argv
    fixed = argv[:1]
    for i, arg in enumerate(argv[1:], start=1):
        if arg.startswith("-") and arg not in DIFF_OPTIONS and not arg.startswith("--") and "--" not in argv[1:i]:
            arg = " " + arg
        fixed.append(arg)
    return fixed


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

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
from .expr import FUNCTIONS, TWO_ARGUMENT_FUNCTIONS, FormulaError


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
    p = commands.add_parser("diff", help="value and derivatives of a formula", allow_abbrev=False,
                            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
                            description="Value, gradient and higher derivatives of a formula in ordinary math "
                                        "syntax, e.g. 'sin(x)**2 + x*y' or 'exp(-x^2)', at a point (--at); or, "
                                        "for one variable and no --at, f, f' and f'' as a table over --range. "
                                        f"Functions: {' '.join(FUNCTIONS)} {' '.join(TWO_ARGUMENT_FUNCTIONS)}; "
                                        "constants pi (or π) and e. A formula may start with '-' or '--'. Values in --at "
                                        "and --range may use pi and e: --at x=pi/4, --range 0:2*pi.")
    p.add_argument("expr", help="the formula, quoted")
    p.add_argument("--at", default="", help="the point, as x=1.5[,y=2] (values may use pi and e: x=pi/4)")
    p.add_argument("--order", type=int, default=None,
                   help="highest derivative order (1 at a point, 2 in a table; at most 10, and less for long "
                        "formulas, whose higher derivatives grow too large: the command says so before it starts)")
    p.add_argument("--range", default="-3:3", help="the interval of the table, low:high (such as 0:2*pi)")
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


DIFF_FLAGS = {"--trace", "-h", "--help"}
DIFF_VALUE_OPTIONS = {"--at", "--order", "--range", "--plot", "--graph"}


def _formulas_as_positionals(argv):
    """Make argparse read every formula and value of ``diff`` as typed, even when it starts with
    '-': ``diff "-x^2"``, ``diff "--x^2"`` (a double negation), ``--range -pi:pi``.

    argparse reads anything that starts with '-' as an option. Here only the options of diff,
    spelled out in full, are options; the first other argument is the formula, whatever it
    starts with (a leading space makes argparse take it as a value, and the formula ignores
    it), and a value after an option is attached to it (``--range=-pi:pi``). ``--`` before the
    formula is accepted too, as Unix commands accept it, and the options may still follow.
    Anything else that looks like an option stays as typed, so argparse names it as unknown.
    """
    if argv[:1] != ["diff"]:
        return argv
    fixed, rest, formula_seen = argv[:1], argv[1:], False
    while rest:
        arg = rest.pop(0)
        if arg == "--" and not formula_seen and rest:  # "diff -- --x^2 --at x=1"
            arg = rest.pop(0)
            fixed.append(" " + arg if arg.startswith("-") else arg)
            formula_seen = True
        elif arg in DIFF_VALUE_OPTIONS and rest:
            fixed.append(f"{arg}={rest.pop(0)}")
        elif arg in DIFF_FLAGS or arg.split("=", 1)[0] in DIFF_VALUE_OPTIONS or formula_seen:
            fixed.append(arg)
        else:
            fixed.append(" " + arg if arg.startswith("-") else arg)
            formula_seen = True
    return fixed


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

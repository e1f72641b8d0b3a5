"""The tutorial networks and the larger examples, shipped inside the package so that an
installed copy runs them: ``tinygrad-edu examples`` lists them, ``tinygrad-edu examples run
NAME`` runs one (in a source checkout, ``python examples/NAME.py`` too: ``examples`` is a link
to this folder). Each is a script with ``main()``; files they write go to ``--out``, by
default ``examples-output/NAME/`` under the current folder.
"""
import argparse
import contextlib
import pathlib

from ..creation import checked_seed
from ..viz.figures import PLOTS_HINT, matplotlib_is_missing

# `tinygrad-edu examples run NAME` sets this while it runs an example, so that the example's
# --help shows the command that was typed (runpy sets sys.argv[0] to the script's path)
run_by = None


def parser(script_doc, name, writes=True):
    """The examples' argument parser: the docstring's first paragraph as the description,
    defaults shown in ``--help``, and, for examples that write files, ``--out`` (their folder)."""
    command = _OneLineErrors(prog=f"{run_by} {name}" if run_by else f"{name}.py",
                                      description=" ".join(script_doc.strip().split("\n\n")[0].split()),
                                      formatter_class=_DefaultsShown)
    if writes:
        command.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples-output") / name,
                             help="folder for the files the example writes (made if missing)")
    return command


def count(text):
    """An argparse type for --epochs, --limit, --steps, --hidden: a whole number >= 1 (a negative
    --limit would slice from the end, and zero epochs leave nothing to report)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def seed(text):
    """An argparse type for --seed: an int in 0..2**32-1, the range and the message of
    ``tg.manual_seed`` (a negative seed used to end in NumPy's traceback)."""
    try:
        return checked_seed(int(text), "--seed")
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be an int in 0..2**32-1 (NumPy's range), got {text!r}") from None


class _OneLineErrors(argparse.ArgumentParser):
    """Bad arguments get one line and exit status 2, as every other error of the command does
    (argparse would print the usage first; ``--help`` shows it)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (--help lists the options)\n")


class _DefaultsShown(argparse.ArgumentDefaultsHelpFormatter):
    """Defaults in --help, except "(default: None)", which tells a reader nothing."""

    def _get_help_string(self, action):
        return action.help if action.default is None else super()._get_help_string(action)


def output_folder(folder):
    """``folder``, made if missing: every file an example writes goes there, never to the working folder."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def plots(what):
    """Around the code that draws an example's pictures: without matplotlib (the ``[plots]``
    extra) say in one line what was not drawn and how to get it, and end the example normally --
    its numbers are already printed, as the demo does.

    >>> with plots("nothing.png"):
    ...     raise ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib")
    Not drawn: nothing.png -- matplotlib is not installed: pip install 'tinygrad-edu[plots]'
    """
    try:
        yield
    except ModuleNotFoundError as error:
        if not matplotlib_is_missing(error):  # another missing module is another problem
            raise
        print(f"Not drawn: {what} -- {PLOTS_HINT}")

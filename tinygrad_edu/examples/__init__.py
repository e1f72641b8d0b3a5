"""The tutorial networks and the larger examples, shipped inside the package so that an
installed copy runs them: ``tinygrad-edu examples`` lists them, ``tinygrad-edu examples run
NAME`` runs one (in a source checkout, ``python examples/NAME.py`` too: ``examples`` is a link
to this folder). Each is a script with ``main()``; files they write go to ``--out``, by
default ``examples-output/NAME/`` under the current folder.
"""
import argparse
import pathlib


def parser(script_doc, name, writes=True):
    """The examples' argument parser: the docstring's first paragraph as the description,
    defaults shown in ``--help``, and, for examples that write files, ``--out`` (their folder)."""
    command = argparse.ArgumentParser(prog=f"tinygrad-edu examples run {name}",
                                      description=" ".join(script_doc.strip().split("\n\n")[0].split()),
                                      formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    if writes:
        command.add_argument("--out", type=pathlib.Path, default=pathlib.Path("examples-output") / name,
                             help="folder for the files the example writes (made if missing)")
    return command


def output_folder(folder):
    """``folder``, made if missing: every file an example writes goes there, never to the working folder."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder

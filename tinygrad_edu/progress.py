"""Progress bars for training loops and data loading, by tqdm.

``tqdm.auto`` shows a widget in Jupyter (with ``ipywidgets``: the ``[notebook]`` extra) and a
text bar with elapsed time and ETA in terminals and logs. ``progress(..., enabled=False)`` --
what ``verbose=False`` passes -- gives a bar that shows nothing, so loops are written once.

>>> from tinygrad_edu.progress import progress
>>> with progress(range(4), desc="training", enabled=False) as steps:   # the loop, unchanged
...     total = sum(step for step in steps)
>>> total
6
"""
import os
import sys
import warnings


def progress(iterable=None, total=None, desc=None, unit="it", enabled=True, leave=True):
    """A tqdm bar over ``iterable`` (or counting to ``total``); silent when not ``enabled``.

    Bars go to stderr, so what a program prints on stdout stays clean. Set
    ``TINYGRAD_EDU_PROGRESS=0`` to silence every bar (for logs that keep every line).
    """
    enabled = enabled and os.environ.get("TINYGRAD_EDU_PROGRESS", "1") != "0"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tqdm.auto warns in Jupyter without ipywidgets, then shows text
        from tqdm.auto import tqdm
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=not enabled, leave=leave,
                file=sys.stderr, dynamic_ncols=True, mininterval=refresh_seconds(tqdm))


def refresh_seconds(bar_class):
    """How often a bar redraws: 5 times a second where it redraws in place (a terminal, a Jupyter
    widget), every 10 seconds where each redraw becomes a new line of a log file."""
    # tqdm.auto's class in Jupyter is defined in tqdm.auto and derives from tqdm.notebook's
    in_notebook = any("notebook" in base.__module__ for base in bar_class.__mro__)
    in_place = in_notebook or (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())
    return 0.2 if in_place else 10.0

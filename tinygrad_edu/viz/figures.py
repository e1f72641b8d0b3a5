"""The figures every plot helper returns: matplotlib figures that show themselves.

They are drawn through matplotlib's object API on an Agg canvas, so they work without a
display and never touch pyplot's global state (a training loop that plots every epoch leaks
nothing). They still show where people look:

- in Jupyter, as pyplot's figures do, with no ``%matplotlib`` magic: a figure made anywhere in
  a cell is shown once when the cell ends, whether or not the call is the cell's last line;
- from a script, with ``figure.show()``, which hands the figure to pyplot's window (plain
  matplotlib figures refuse: "Figure.show works only for figures managed by pyplot").

A plain script shows nothing unless asked: no window, no pyplot.
"""
import io
import sys

from .. import files


def new_figure(width=7.0, height=4.5):
    """A `Figure` of ``width`` x ``height`` inches and its first axes."""
    figure = _figure_class()(figsize=(width, height), dpi=100)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    _notebook.made(figure)
    return figure, figure.add_subplot(1, 1, 1)


def save_figure(figure, path, **options):
    """``figure.savefig(path)`` through a temporary file with the same extension (so the format
    is still read from the name): a failed save leaves the old picture whole, and a path that
    is a symbolic link is written through."""
    with files.replacing(path) as temporary:
        figure.savefig(temporary, **options)


_CLASS = None
PLOTS_HINT = "matplotlib is not installed: pip install 'tinygrad-edu[plots]'"


def matplotlib_is_missing(error):
    """Whether an ImportError says matplotlib itself is missing (not something it needs)."""
    return isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] == "matplotlib"


def png(figure):
    """The figure as PNG bytes: what Jupyter shows."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _figure_class():
    """`Figure` (made once: matplotlib is imported only when a plot is asked for)."""
    global _CLASS
    if _CLASS is None:
        try:
            from matplotlib.figure import Figure as MatplotlibFigure
        except ModuleNotFoundError as error:  # matplotlib is the [plots] extra, not a runtime dependency
            if not matplotlib_is_missing(error):
                raise  # matplotlib is there but something it needs is not: that is the error to see
            raise ModuleNotFoundError("plots need matplotlib: pip install 'tinygrad-edu[plots]' (or pip install "
                                      "matplotlib)", name="matplotlib") from None

        class Figure(MatplotlibFigure):
            """A matplotlib ``Figure`` that displays inline in Jupyter and opens a window from a
            script (``figure.show()``); ``figure.savefig(path)`` writes it, as always."""

            def _repr_png_(self):
                _notebook.shown(self)
                return png(self)

            def show(self, block=None):
                """Open the figure in pyplot's window (from a script), then wait as ``plt.show`` does.
                In Jupyter, show it in the cell's output now."""
                if _notebook.display_now(self):
                    return
                import matplotlib.pyplot as plt

                manager = plt.figure(figsize=self.get_size_inches(), dpi=self.dpi).canvas.manager
                manager.canvas.figure = self  # pyplot's window, showing this figure
                self.set_canvas(manager.canvas)
                plt.show(block=block)

        _CLASS = Figure
    return _CLASS


class _Notebook:
    """Shows, when a Jupyter cell ends, the figures the cell made and did not show otherwise.

    pyplot's inline backend shows every figure a cell made, even one made before the last line;
    people expect ours to do the same. A figure that IPython displays -- the cell's value, or
    ``display(figure)`` -- goes through our PNG formatter, which crosses it off; whatever is left
    when the cell ends (IPython's post_execute event) is displayed then. Outside a Jupyter kernel
    (a script, the terminal's IPython) nothing is kept and nothing happens.
    """

    def __init__(self):
        self.pending = []  # figures made in the running cell and not displayed yet
        self.shell = None  # the kernel's shell once hooked into it

    def made(self, figure):
        shell = kernel_shell()
        if shell is None:
            return
        if shell is not self.shell:
            self.hook(shell)
        self.pending.append(figure)

    def hook(self, shell):
        # registered for our class, IPython's formatter is ours even after pyplot registers its
        # own for every matplotlib Figure (it looks types up by their MRO, the most specific first)
        shell.display_formatter.formatters["image/png"].for_type(_figure_class(), _figure_class()._repr_png_)
        shell.events.register("post_execute", self.show_pending)
        self.shell = shell

    def shown(self, figure):
        self.pending = [f for f in self.pending if f is not figure]

    def display_now(self, figure):
        """Display ``figure`` in the running cell if we are in a kernel; whether we did."""
        if kernel_shell() is None:
            return False
        from IPython.display import display

        display(figure)
        return True

    def show_pending(self):
        pending, self.pending = self.pending, []
        if pending:
            from IPython.display import display

            display(*pending)


def kernel_shell():
    """The IPython shell of a Jupyter kernel we run in, or None (a script, the terminal IPython)."""
    ipython = sys.modules.get("IPython")  # never imported here: a script has not imported it
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


_notebook = _Notebook()

"""The figures every plot helper returns: matplotlib figures that show themselves.

They are drawn through matplotlib's object API on an Agg canvas, so they work without a
display and never touch pyplot's global state (a training loop that plots every epoch leaks
nothing). They still show where people look: in Jupyter inline, with no ``%matplotlib`` magic
(``_repr_png_``), and from a script with ``figure.show()``, which hands the figure to pyplot's
window (plain matplotlib figures refuse: "Figure.show works only for figures managed by
pyplot").
"""
import io

from .. import files


def new_figure(width=7.0, height=4.5):
    """A `Figure` of ``width`` x ``height`` inches and its first axes."""
    figure = _figure_class()(figsize=(width, height), dpi=100)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
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
                buffer = io.BytesIO()
                self.savefig(buffer, format="png")
                return buffer.getvalue()

            def show(self, block=None):
                """Open the figure in pyplot's window (from a script), then wait as ``plt.show`` does."""
                import matplotlib.pyplot as plt

                manager = plt.figure(figsize=self.get_size_inches(), dpi=self.dpi).canvas.manager
                manager.canvas.figure = self  # pyplot's window, showing this figure
                self.set_canvas(manager.canvas)
                plt.show(block=block)

        _CLASS = Figure
    return _CLASS

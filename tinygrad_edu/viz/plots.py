"""Plots for the calculus pages: a function with its derivatives, a tangent line, Taylor
polynomials closing in on the function. Derivatives come from autodiff, never by hand.

Every helper returns a matplotlib figure (figures.py: it shows inline in Jupyter, and
``figure.show()`` opens it from a script) and, given ``path``, writes it (PNG, SVG or PDF, by
the file's extension).
"""
import numpy as np

from ..calculus import derivatives, tangent_line, taylor
from .figures import new_figure as _figure, save_figure

_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]


def _finish(figure, ax, title, path):
    ax.set_title(title)
    ax.axhline(0, color="#888888", linewidth=0.6)
    ax.axvline(0, color="#888888", linewidth=0.6)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=9)
    figure.tight_layout()
    if path is not None:
        save_figure(figure, path)
    return figure


def _primes(k):
    return ["f(x)", "f'(x)", "f''(x)", "f'''(x)"][k] if k < 4 else f"f^({k})(x)"


def plot_derivatives(f, x_range=(-3.0, 3.0), k=2, path=None, name="f", points=400):
    """Draw f and its first ``k`` derivatives over ``x_range``."""
    x = np.linspace(*x_range, points)
    values = derivatives(f, x, k)
    figure, ax = _figure()
    for order, y in enumerate(values):
        label = _primes(order).replace("f", name, 1)
        ax.plot(x, y, color=_COLOURS[order % len(_COLOURS)], linewidth=2.2 if order == 0 else 1.6,
                linestyle="-" if order == 0 else "--", label=label)
    ax.set_xlabel("x")
    return _finish(figure, ax, f"{name} and its first {k} derivatives (by autodiff)", path)


def plot_tangent(f, x0, x_range=(-3.0, 3.0), path=None, name="f", points=400):
    """Draw f and its tangent line at x0, with the point of contact marked."""
    x = np.linspace(*x_range, points)
    (y,) = derivatives(f, x, 0)
    line = tangent_line(f, x0)
    figure, ax = _figure()
    ax.plot(x, y, color=_COLOURS[0], linewidth=2.2, label=f"{name}(x)")
    ax.plot(x, line(x), color=_COLOURS[1], linestyle="--", label=f"tangent at x0={x0:g}: {line}")
    ax.plot([line.x0], [line.y0], "o", color=_COLOURS[1])
    ax.set_ylim(np.min(y) - 0.15 * np.ptp(y) - 0.1, np.max(y) + 0.15 * np.ptp(y) + 0.1)
    ax.set_xlabel("x")
    return _finish(figure, ax, f"The tangent line of {name} at x = {x0:g} (slope {line.slope:.4g})", path)


def plot_taylor(f, x0=0.0, orders=(1, 2, 3, 5), x_range=(-3.0, 3.0), path=None, name="f", points=400):
    """Draw f and its Taylor polynomials of rising order around x0."""
    x = np.linspace(*x_range, points)
    (y,) = derivatives(f, x, 0)
    full = taylor(f, x0, max(orders))
    figure, ax = _figure()
    ax.plot(x, y, color="black", linewidth=2.4, label=f"{name}(x)")
    for i, order in enumerate(sorted(orders)):
        partial = type(full)(full.x0, full.coefficients[: order + 1])
        ax.plot(x, partial(x), color=_COLOURS[(i + 1) % len(_COLOURS)], linestyle="--", label=f"order {order}")
    ax.plot([x0], [full(x0)], "o", color="black")
    ax.set_ylim(np.min(y) - 0.15 * np.ptp(y) - 0.1, np.max(y) + 0.15 * np.ptp(y) + 0.1)
    ax.set_xlabel("x")
    return _finish(figure, ax, f"Taylor polynomials of {name} around x0 = {x0:g}", path)

"""Plots people expect around training: loss curves, decision boundaries of 2-D classifiers,
true-vs-predicted surfaces, and activation functions with their derivatives (by autodiff)."""
import numpy as np

from ..calculus import derivatives
from ..engine.function import no_grad
from ..engine.tensor import Tensor
from .figures import new_figure as _figure, save_figure


def _save(figure, path):
    figure.tight_layout()
    if path is not None:
        save_figure(figure, path)
    return figure


def plot_loss(history, path=None, title="Training loss", log_scale=None, labels=None, xlabel="epoch", every=1):
    """Loss per epoch from a `History`, a list of numbers, or a dict label -> either of those.

    ``every`` is the number of epochs (or steps) between two recorded values.
    """
    series = history if isinstance(history, dict) else {labels or "loss": history}
    figure, ax = _figure()
    for label, values in series.items():
        values = getattr(values, "loss", values)
        ax.plot(every * np.arange(len(values)) + (1 if every == 1 else 0), values, linewidth=2, label=label)
    all_values = np.concatenate([np.asarray(getattr(v, "loss", v), dtype=float) for v in series.values()])
    if log_scale or (log_scale is None and np.all(all_values > 0) and all_values.max() / all_values.min() > 100):
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)
    return _save(figure, path)


def plot_decision_boundary(model, X, y, path=None, title="Decision boundary", resolution=200, threshold=0.5):
    """The model's output over the plane of two inputs, its decision line, and the data points."""
    X, y = np.asarray(X, dtype=float), np.asarray(y).ravel()
    pad = 0.5 * (X.max(axis=0) - X.min(axis=0)) + 0.25
    xs = np.linspace(X[:, 0].min() - pad[0], X[:, 0].max() + pad[0], resolution)
    ys = np.linspace(X[:, 1].min() - pad[1], X[:, 1].max() + pad[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    with no_grad():
        out = model(Tensor(np.column_stack([grid_x.ravel(), grid_y.ravel()]))).data.reshape(grid_x.shape)
    figure, ax = _figure(5.5, 4.8)
    shading = ax.contourf(grid_x, grid_y, out, levels=20, cmap="RdBu_r", alpha=0.8)
    figure.colorbar(shading, ax=ax, label="model output")
    ax.contour(grid_x, grid_y, out, levels=[threshold], colors="black", linewidths=2)
    classes = y > threshold
    ax.scatter(X[classes, 0], X[classes, 1], c="#b2182b", edgecolors="white", s=90, label="1", zorder=3)
    ax.scatter(X[~classes, 0], X[~classes, 1], c="#2166ac", edgecolors="white", s=90, label="0", zorder=3)
    ax.set_xlabel("input 1")
    ax.set_ylabel("input 2")
    ax.set_title(title)
    ax.legend(fontsize=9, loc="upper right")
    return _save(figure, path)


def plot_surfaces(X, Y, true_values, predicted_values, path=None, titles=("True function", "Model prediction")):
    """Two filled contour plots side by side on the same colour scale."""
    figure, _ = _figure(12, 5)
    figure.clear()
    levels = np.linspace(np.min(true_values), np.max(true_values), 30)
    for i, (values, title) in enumerate(zip((true_values, predicted_values), titles)):
        ax = figure.add_subplot(1, 2, i + 1)
        contour = ax.contourf(X, Y, values, levels=levels, cmap="viridis", extend="both")
        figure.colorbar(contour, ax=ax, label="function value")
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    return _save(figure, path)


def plot_activations(functions, x_range=(-5.0, 5.0), path=None, points=500):
    """Each activation (name -> function of a Tensor) with its derivative, computed by autodiff."""
    x = np.linspace(*x_range, points)
    figure, _ = _figure(3.6 * len(functions), 3.4)
    figure.clear()
    for i, (name, f) in enumerate(functions.items()):
        ax = figure.add_subplot(1, len(functions), i + 1)
        values, slopes = derivatives(f, x, 1)
        ax.plot(x, values, linewidth=2.2, label=name)
        ax.plot(x, slopes, "--", linewidth=1.6, label=f"{name}' (autodiff)")
        ax.set_title(name)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    return _save(figure, path)

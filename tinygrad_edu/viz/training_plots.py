"""Plots people expect around training: loss curves, decision boundaries of 2-D classifiers,
true-vs-predicted surfaces, and activation functions with their derivatives (by autodiff)."""
import numpy as np

from ..calculus import derivatives
from ..engine.grad_mode import no_grad
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
    """The model's answer over the plane of two inputs, with the data points on it.

    A model with one output per point (shape (N,) or (N, 1): a probability, or any score with
    its own ``threshold``) is shaded by that output, the ``threshold`` level is the decision
    line, and the points are coloured by ``y > threshold``. A model with C > 1 outputs (N, C),
    logits or probabilities alike, colours the plane by the class of the largest output, one
    colour per class, with lines where the class changes; the points take their label's colour,
    labels given as class numbers (N,) or as one-hot rows (N, C).
    """
    X = _two_inputs(X)
    grid_x, grid_y = np.meshgrid(*_plot_range(X, resolution))
    out = _outputs(model, np.column_stack([grid_x.ravel(), grid_y.ravel()]))
    figure, ax = _figure(5.5, 4.8)
    if out.shape[1] == 1:
        _draw_one_output(figure, ax, grid_x, grid_y, out[:, 0].reshape(grid_x.shape), X,
                         _one_label_each(y, X), threshold)
    else:
        _draw_classes(ax, grid_x, grid_y, out, X, _class_labels(y, X, out.shape[1]))
    ax.set_xlabel("input 1")
    ax.set_ylabel("input 2")
    ax.set_title(title)
    return _save(figure, path)


def _two_inputs(X):
    """X as an (N, 2) array of finite points, N >= 1: the plot's range is taken from them."""
    X = np.asarray(X.data if isinstance(X, Tensor) else X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must hold points of two inputs, shape (N, 2); got shape "
                         f"{X.shape}")
    if len(X) == 0:
        raise ValueError("plot_decision_boundary: X holds no points (shape (0, 2)); the plot's range is taken "
                         "from the points, so give at least one")
    broken = ~np.isfinite(X).all(axis=1)
    if broken.any():
        first = int(np.flatnonzero(broken)[0])
        raise ValueError(f"plot_decision_boundary: X holds NaN or infinite values ({int(broken.sum())} of {len(X)} "
                         f"points, the first is row {first}: {X[first].tolist()}); the plot's range is taken from the "
                         "points: drop those rows from X and y (keep = np.isfinite(X).all(axis=1); X[keep], y[keep]) "
                         "or fix them")
    return X


def _plot_range(X, resolution):
    """The grid's x and y values: the points' range with a margin on each side."""
    with np.errstate(over="ignore", invalid="ignore"):  # checked below: values near the float limit
        low, high = X.min(axis=0), X.max(axis=0)
        pad = 0.5 * high - 0.5 * low + 0.25  # halves first: no overflow for a span beyond the float limit
        ends = np.stack([low - pad, high + pad])
    if not np.isfinite(ends).all():
        raise ValueError(f"plot_decision_boundary: X's values are too large to draw a grid around them (from "
                         f"{low.tolist()} to {high.tolist()}); scale the inputs first")
    return np.linspace(ends[0, 0], ends[1, 0], resolution), np.linspace(ends[0, 1], ends[1, 1], resolution)


def _outputs(model, points):
    """The model's outputs on the grid's points as an (M, 1) or (M, C) array, or a clear error."""
    with no_grad():
        out = model(Tensor(points))
    out = np.asarray(out.data if isinstance(out, Tensor) else out, dtype=float)
    count = len(points)
    if out.shape == (count,):
        return out.reshape(count, 1)
    if out.ndim != 2 or out.shape[0] != count or out.shape[1] == 0:
        raise ValueError(f"plot_decision_boundary: the model gave an output of shape {out.shape} for a batch of "
                         f"shape {points.shape}; expected one output per point, ({count},) or ({count}, 1), or one "
                         f"per class, ({count}, C)")
    return out


def _labels(y):
    return np.asarray(y.data if isinstance(y, Tensor) else y)


def _one_label_each(y, X):
    """The labels of a one-output model: one number per point."""
    labels = _labels(y)
    if labels.shape not in ((len(X),), (len(X), 1)):
        raise ValueError(f"plot_decision_boundary: y has shape {labels.shape} for X of shape {X.shape}, and the "
                         f"model has one output: give one label per point, shape ({len(X)},) or ({len(X)}, 1)")
    labels = labels.ravel()
    if labels.dtype.kind == "f" and np.isnan(labels).any():  # NaN > threshold is False: a wrong colour
        raise ValueError(f"plot_decision_boundary: y holds NaN (the first at point {int(np.flatnonzero(np.isnan(labels))[0])}); "
                         "give a label for every point, or drop that point from X and y")
    return labels


def _class_labels(y, X, count):
    """Class numbers 0..count-1, one per point, from class numbers or from one-hot rows."""
    labels = _labels(y)
    n = len(X)
    if labels.shape == (n, count):  # one-hot (or scores): the largest entry is the class
        return labels.argmax(axis=1)
    if labels.shape not in ((n,), (n, 1)):
        raise ValueError(f"plot_decision_boundary: y has shape {labels.shape} for X of shape {X.shape}, and the "
                         f"model has {count} outputs: give class numbers, shape ({n},), or one-hot rows, shape "
                         f"({n}, {count})")
    labels = labels.ravel()
    wrong = [v for v in labels.tolist() if not (isinstance(v, (int, float)) and float(v).is_integer()
                                                and 0 <= v < count)]
    if wrong:
        raise ValueError(f"plot_decision_boundary: y must hold class numbers 0 to {count - 1} for a model with "
                         f"{count} outputs; got {wrong[0]!r}")
    return labels.astype(int)


def _draw_one_output(figure, ax, grid_x, grid_y, out, X, labels, threshold):
    shading = ax.contourf(grid_x, grid_y, out, levels=20, cmap="RdBu_r", alpha=0.8)
    figure.colorbar(shading, ax=ax, label="model output")
    ax.contour(grid_x, grid_y, out, levels=[threshold], colors="black", linewidths=2)
    classes = labels > threshold
    ax.scatter(X[classes, 0], X[classes, 1], c="#b2182b", edgecolors="white", s=90, label="1", zorder=3)
    ax.scatter(X[~classes, 0], X[~classes, 1], c="#2166ac", edgecolors="white", s=90, label="0", zorder=3)
    ax.legend(fontsize=9, loc="upper right")


def _class_colours(count):
    """One colour per class (RGB): matplotlib's ten, then hues evenly around the wheel (tab20's
    pairs of dark and light shades would look alike once lightened for the regions)."""
    from matplotlib import colormaps

    if count <= 10:
        return [colormaps["tab10"](k)[:3] for k in range(count)]
    return [colormaps["hsv"](k / count)[:3] for k in range(count)]


def _draw_classes(ax, grid_x, grid_y, out, X, labels):
    """Each class's region in a light tint of its colour, the borders, and the points in full colour."""
    from matplotlib.colors import ListedColormap

    count = out.shape[1]
    colours = np.array(_class_colours(count))
    tints = 0.35 * colours + 0.65  # the colour mixed with white: the points stand out on their region
    classes = out.argmax(axis=1).reshape(grid_x.shape)
    xs, ys = grid_x[0], grid_y[:, 0]
    half_x, half_y = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2  # each grid point is the centre of its pixel
    ax.imshow(classes, origin="lower", extent=(xs[0] - half_x, xs[-1] + half_x, ys[0] - half_y, ys[-1] + half_y),
              aspect="auto", interpolation="nearest", cmap=ListedColormap(tints), vmin=-0.5, vmax=count - 0.5)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    for k in range(count):
        # the border of class k's region, where its output meets the largest other one: a smooth
        # line, where the class numbers themselves would draw a staircase along the grid
        margin = (out[:, k] - np.delete(out, k, axis=1).max(axis=1)).reshape(grid_x.shape)
        if margin.min() < 0 < margin.max():
            ax.contour(grid_x, grid_y, margin, levels=[0.0], colors="black", linewidths=1.2)
    for k in range(count):
        mine = labels == k
        if mine.any():
            ax.scatter(X[mine, 0], X[mine, 1], color=colours[k], edgecolors="white", s=70, label=f"class {k}",
                       zorder=3)
    ax.legend(fontsize=8, loc="upper right", ncol=1 + count // 8)


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

"""Gradient inspection: per-parameter statistics, the gradient-flow chart, and a recorder
that follows them over training (vanishing and exploding gradients at a glance)."""
from dataclasses import dataclass

import numpy as np

from .figures import new_figure as _figure, save_figure
from .text import plot_text


@dataclass
class ParameterStats:
    name: str
    shape: tuple
    has_grad: bool
    mean_abs: float = float("nan")
    max_abs: float = float("nan")
    norm: float = float("nan")
    update_ratio: float = float("nan")  # lr * |grad| / |value|: how much one step changes it
    zero_fraction: float = float("nan")  # exact zeros: dead ReLUs leave these
    nonfinite: int = 0


class GradStats(list):
    """A list of `ParameterStats` that prints as a table (and shows as one as a notebook
    cell's last line)."""

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))  # IPython's text view; repr() stays the list, for debugging

    def __str__(self):
        header = f"{'parameter':<24}{'shape':<12}{'mean|g|':>10}{'max|g|':>10}{'norm':>10}{'lr*|g|/|w|':>12}{'zeros':>7}{'nan/inf':>8}"
        lines = [header, "-" * len(header)]
        for s in self:
            if not s.has_grad:
                lines.append(f"{s.name:<24}{str(s.shape):<12}{'no grad':>10}")
                continue
            ratio = "" if np.isnan(s.update_ratio) else f"{s.update_ratio:.2e}"
            lines.append(f"{s.name:<24}{str(s.shape):<12}{s.mean_abs:>10.3g}{s.max_abs:>10.3g}{s.norm:>10.3g}"
                         f"{ratio:>12}{s.zero_fraction:>7.0%}{s.nonfinite:>8d}")
        return "\n".join(lines)


def _named(model_or_params):
    if hasattr(model_or_params, "named_parameters"):
        return list(model_or_params.named_parameters())
    if isinstance(model_or_params, dict):
        return list(model_or_params.items())
    return [(t.name or f"param{i}", t) for i, t in enumerate(model_or_params)]


def grad_stats(model_or_params, lr=None):
    """Statistics of every parameter's ``.grad``: a Module, a dict name -> Tensor, or a list.

    >>> import numpy as np, tinygrad_edu as tg
    >>> model = tg.nn.Linear(2, 1, weight=[[1.0], [2.0]])
    >>> tg.nn.mse_loss(model(np.ones((3, 2))), np.zeros((3, 1))).backward()
    >>> stats = tg.viz.grad_stats(model, lr=0.1)
    >>> [(s.name, round(s.norm, 3)) for s in stats]
    [('weight', 8.485), ('bias', 6.0)]
    """
    stats = GradStats()
    for name, p in _named(model_or_params):
        if p.grad is None:
            stats.append(ParameterStats(name, tuple(p.shape), False))
            continue
        g = p.grad.data
        finite = np.isfinite(g)
        clean = np.where(finite, g, 0.0)
        norm = float(np.linalg.norm(clean))
        value_norm = float(np.linalg.norm(p.data))
        ratio = lr * norm / value_norm if lr is not None and value_norm > 0 else float("nan")
        stats.append(ParameterStats(
            name, tuple(p.shape), True, float(np.mean(np.abs(clean))), float(np.max(np.abs(clean), initial=0.0)),
            norm, ratio, float(np.mean(g == 0)) if g.size else 0.0, int(np.sum(~finite)),
        ))
    return stats


def plot_grad_flow(model_or_stats, path=None, title="Gradient flow"):
    """Bars of mean and max |grad| per parameter, first layer first, on a log scale."""
    stats = model_or_stats if isinstance(model_or_stats, GradStats) else grad_stats(model_or_stats)
    figure, ax = _figure(max(6.0, 0.8 * len(stats) + 2), 4.5)
    names = [plot_text(s.name) for s in stats]  # a parameter's name, never TeX
    x = np.arange(len(stats))
    means = [s.mean_abs if s.has_grad else 0.0 for s in stats]
    maxes = [s.max_abs if s.has_grad else 0.0 for s in stats]
    ax.bar(x, maxes, color="#9ecae1", label="max |grad|")
    ax.bar(x, means, color="#3182bd", width=0.5, label="mean |grad|")
    for i, s in enumerate(stats):
        if not s.has_grad:
            ax.text(i, 1e-12, "no grad", rotation=90, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
    positive = [v for v in means + maxes if v > 0]
    if positive:
        ax.set_yscale("log")
        ax.set_ylim(min(positive) / 3, max(positive) * 3)
    ax.set_ylabel("|gradient|")
    ax.set_title(title)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=9)
    figure.tight_layout()
    if path is not None:
        save_figure(figure, path)
    return figure


class GradientRecorder:
    """A `tg.fit` callback that records `grad_stats` after every epoch.

    >>> import numpy as np, tinygrad_edu as tg
    >>> X, y = tg.data.xor_gate()
    >>> model = tg.nn.MLP([2, 3, 1], output_activation="sigmoid")
    >>> recorder = tg.viz.GradientRecorder(model)
    >>> _ = tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model, lr=1.0), (X, y), epochs=5, callback=recorder, verbose=False)
    >>> len(recorder.history), sorted(recorder.norms())[:2]
    (5, ['layers.0.bias', 'layers.0.weight'])
    """

    def __init__(self, model_or_params, lr=None):
        self.model = model_or_params
        self.lr = lr
        self.history = []

    def __call__(self, epoch, history=None, model=None):
        self.history.append(grad_stats(self.model, self.lr))
        return False  # never asks fit to stop

    def norms(self):
        """parameter name -> list of gradient norms, one per recorded epoch."""
        result = {}
        for stats in self.history:
            for s in stats:
                result.setdefault(s.name, []).append(s.norm if s.has_grad else np.nan)
        return result

    def plot(self, path=None, title="Gradient norms during training"):
        figure, ax = _figure()
        for name, values in self.norms().items():
            ax.plot(np.arange(1, len(values) + 1), values, label=plot_text(name), linewidth=1.6)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("gradient norm")
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="best")
        figure.tight_layout()
        if path is not None:
            save_figure(figure, path)
        return figure

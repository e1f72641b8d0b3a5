"""Loss functions. Each takes predictions and targets and ``reduction=`` ("mean", "sum" or
"none"), as in PyTorch. Targets that are not Tensors (lists, arrays) are accepted.

Which loss a tutorial's hand-derived update follows, with its factor:

* Trask, Rashid: ``0.5 * sse_loss`` -- the 2 of the square cancels the 0.5, so dE/dy = y - t;
* Loy: ``sse_loss`` -- dE/dy = 2 (y - t), the "2 *" in his backprop;
* SimpleNN: ``0.5 * mse_loss`` -- dE/dy = (y - t) / m.
"""
import numpy as np

from ..engine.function import grad_mode, shape_str
from ..engine.tensor import Tensor, as_tensor

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(values, reduction, name):
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _pair(pred, target, name):
    pred = pred if isinstance(pred, Tensor) else as_tensor(pred)
    target = as_tensor(target, like=pred)
    if pred.shape != target.shape:
        raise ValueError(
            f"{name}: predictions have shape {shape_str(pred.shape)} but targets have shape "
            f"{shape_str(target.shape)}; reshape the targets (e.g. y.reshape(-1, 1)) so they match"
        )
    return pred, target


def mse_loss(pred, target, reduction="mean"):
    """Mean squared error: mean((pred - target)^2).

    >>> import tinygrad_edu as tg
    >>> tg.nn.mse_loss(tg.tensor([1.0, 3.0]), [0.0, 0.0]).item()
    5.0
    """
    pred, target = _pair(pred, target, "mse_loss")
    diff = pred - target
    return _reduce(diff * diff, reduction, "mse_loss")


def sse_loss(pred, target, reduction="sum"):
    """Sum of squared errors: sum((pred - target)^2) (``reduction="sum"``, the default)."""
    pred, target = _pair(pred, target, "sse_loss")
    diff = pred - target
    return _reduce(diff * diff, reduction, "sse_loss")


def binary_cross_entropy(pred, target, reduction="mean", logits=False):
    """-(t log p + (1 - t) log(1 - p)) for probabilities ``pred`` in [0, 1].

    With ``logits=True``, ``pred`` holds raw scores z (p = sigmoid(z)) and the loss is computed
    as softplus(z) - z t = log(1 + e^z) - z t, which is finite and smooth for any z (its
    gradient is sigmoid(z) - t). For probabilities, each
    log is floored at -100 (as PyTorch does), so p = 0 or 1 gives a large but finite loss.
    """
    pred, target = _pair(pred, target, "binary_cross_entropy")
    if logits:
        values = pred.softplus() - pred * target
    else:
        floor = np.exp(-100.0)
        values = -(target * pred.clip(min=floor).log() + (1.0 - target) * (1.0 - pred).clip(min=floor).log())
    return _reduce(values, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits, target, reduction="mean"):
    """`binary_cross_entropy` on raw scores (PyTorch's name for ``logits=True``)."""
    return binary_cross_entropy(logits, target, reduction=reduction, logits=True)


def cross_entropy(logits, target, reduction="mean"):
    """Softmax cross-entropy from raw scores of shape (N, C) (or (C,) for one sample).

    ``target`` holds integer class labels of shape (N,), or class probabilities (one-hot)
    of the logits' shape. Computed through ``log_softmax``, so logits of +-1000 are fine.

    >>> import tinygrad_edu as tg
    >>> round(tg.nn.cross_entropy(tg.tensor([[2.0, 0.0]]), [0]).item(), 6)
    0.126928
    """
    logits = logits if isinstance(logits, Tensor) else as_tensor(logits)
    log_p = logits.log_softmax(axis=-1)
    target_array = np.asarray(target.data if isinstance(target, Tensor) else target)
    if target_array.shape == logits.shape and target_array.dtype.kind == "f":
        values = -(log_p * as_tensor(target_array, like=logits)).sum(axis=-1)
        return _reduce(values, reduction, "cross_entropy")
    if target_array.dtype.kind not in "iu" and not (
        target_array.dtype.kind == "f" and np.all(target_array == np.round(target_array))
    ):
        raise TypeError(f"cross_entropy: labels must be integers, got dtype {target_array.dtype}")
    # through the Cast op (not ndarray.astype), so that inside tg.compile the labels stay an input
    labels = Tensor._make(target_array, False, None, "constant").astype(np.int64).data
    classes = logits.shape[-1]
    if labels.shape != logits.shape[:-1]:
        raise ValueError(
            f"cross_entropy: logits of shape {shape_str(logits.shape)} need labels of shape "
            f"{shape_str(logits.shape[:-1])} (one per row) or probabilities of shape "
            f"{shape_str(logits.shape)}; got {shape_str(labels.shape)}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"cross_entropy: labels must lie in 0..{classes - 1}, got {labels.min()}..{labels.max()}")
    if logits.ndim == 1:
        values = -log_p[labels]
    else:
        values = -log_p[np.arange(labels.shape[0]), labels]
    return _reduce(values, reduction, "cross_entropy")

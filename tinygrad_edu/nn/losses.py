"""Loss functions. Each takes predictions and targets and ``reduction=`` ("mean", "sum" or
"none"), as in PyTorch. Targets that are not Tensors (lists, arrays) are accepted and take the
predictions' dtype. Each loss is also a module (``MSELoss()``, ``CrossEntropyLoss()``, ...), at
the end of this file.

Which loss a tutorial's hand-derived update follows, with its factor:

* Trask, Rashid: ``0.5 * sse_loss`` -- the 2 of the square cancels the 0.5, so dE/dy = y - t;
* Loy: ``sse_loss`` -- dE/dy = 2 (y - t), the "2 *" in his backprop;
* SimpleNN: ``0.5 * mse_loss`` -- dE/dy = (y - t) / m.
"""
import numpy as np

from ..engine.function import shape_str
from ..engine.ops import BinaryCrossEntropy
from ..engine.tensor import Tensor, as_tensor, borrowed
from .module import Module

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
    target = _target(target, pred)
    if pred.shape != target.shape:
        raise ValueError(
            f"{name}: predictions have shape {shape_str(pred.shape)} but targets have shape "
            f"{shape_str(target.shape)}; reshape the targets (e.g. y.reshape(-1, 1)) so they match"
        )
    return pred, target


def _target(target, pred):
    """Targets as a Tensor. Data that is not a Tensor (a list, an array) takes the predictions'
    float dtype, so a float32 model's loss stays float32; a Tensor is used as it is (and gets a
    gradient if it requires one)."""
    if isinstance(target, Tensor):
        return target
    if type(target) is np.ndarray and target.dtype.kind in "biu" and pred.dtype.kind == "f":
        # ints or booleans: cast through the Cast op on the caller's own array (not a converted
        # copy), so that inside tg.compile the program reads the array at every call
        return borrowed(target).astype(pred.dtype)
    constant = as_tensor(target, like=pred)  # a float array as it is: inside tg.compile it stays an input
    if pred.dtype.kind == "f" and constant.dtype.kind in "biuf" and constant.dtype != pred.dtype:
        constant = constant.astype(pred.dtype)  # through the Cast op, which programs record
    return constant


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
    gradient is sigmoid(z) - t). For probabilities it is one op, `BinaryCrossEntropy`, with
    PyTorch's guards: each log floored at -100 and the derivative's denominator p(1 - p) at
    1e-12, so a prediction of exactly 0 or 1 gives a large but finite loss and gradient.
    """
    pred, target = _pair(pred, target, "binary_cross_entropy")
    if logits:
        values = pred.softplus() - pred * target
    else:
        outside = (pred.data < 0) | (pred.data > 1)
        if np.any(outside):
            raise ValueError(
                f"binary_cross_entropy: predictions must be probabilities in [0, 1], got {pred.data[outside].flat[0]}; "
                "for raw scores use logits=True (binary_cross_entropy_with_logits)"
            )
        values = BinaryCrossEntropy.apply(pred, target)
    return _reduce(values, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits, target, reduction="mean"):
    """`binary_cross_entropy` on raw scores (PyTorch's name for ``logits=True``)."""
    return binary_cross_entropy(logits, target, reduction=reduction, logits=True)


def cross_entropy(logits, target, reduction="mean"):
    """Softmax cross-entropy from raw scores, the classes on the last axis.

    ``logits`` has shape (N, C), (C,) for one sample, or (N, ..., C) -- a score per class for
    every position of a sequence or an image. ``target`` holds integer class labels of the
    logits' shape without its last axis ((N,), (), (N, ...)), or class probabilities of the
    logits' own shape (one-hot, or soft targets; a target Tensor that requires grad gets its
    gradient). Computed through ``log_softmax``, so logits of +-1000 are fine.

    PyTorch puts the classes on axis 1 for more than two axes, (N, C, d1, ...); here they are
    on the last, (N, d1, ..., C) -- move them with ``logits.permute(0, 2, 1)`` and the like.

    >>> import tinygrad_edu as tg
    >>> round(tg.nn.cross_entropy(tg.tensor([[2.0, 0.0]]), [0]).item(), 6)
    0.126928
    """
    logits = logits if isinstance(logits, Tensor) else as_tensor(logits)
    log_p = logits.log_softmax(axis=-1)
    given = target.data if isinstance(target, Tensor) else target
    target_array = np.asarray(given)
    if target_array.shape == logits.shape and target_array.dtype.kind == "f":
        probabilities = target if isinstance(target, Tensor) else _target(target_array, logits)
        values = -(log_p * probabilities).sum(axis=-1)
        return _reduce(values, reduction, "cross_entropy")
    return _negative_log_likelihood(log_p, target_array, reduction, "cross_entropy")


def nll_loss(log_probabilities, target, reduction="mean"):
    """The negative log-likelihood of integer labels: ``-log_probabilities[..., label]``,
    classes on the last axis. ``nll_loss(x.log_softmax(axis=-1), labels)`` is
    ``cross_entropy(x, labels)``, as in PyTorch.

    >>> import numpy as np, tinygrad_edu as tg
    >>> tg.nn.nll_loss(tg.tensor(np.log([[0.25, 0.75]])), [1]).item() == -float(np.log(0.75))
    True
    """
    log_probabilities = log_probabilities if isinstance(log_probabilities, Tensor) else as_tensor(log_probabilities)
    labels = np.asarray(target.data if isinstance(target, Tensor) else target)
    return _negative_log_likelihood(log_probabilities, labels, reduction, "nll_loss")


def _negative_log_likelihood(log_p, target_array, reduction, name):
    if target_array.dtype.kind not in "iu" and not (
        target_array.dtype.kind == "f" and np.all(target_array == np.round(target_array))
    ):
        raise TypeError(f"{name}: labels must be integers, got dtype {target_array.dtype}")
    # through the Cast op (not ndarray.astype), so that inside tg.compile the labels stay an input
    labels = borrowed(target_array).astype(np.int64).data
    classes = log_p.shape[-1] if log_p.ndim else 0
    if log_p.ndim == 0 or labels.shape != log_p.shape[:-1]:
        raise ValueError(
            f"{name}: logits of shape {shape_str(log_p.shape)} need labels of shape "
            f"{shape_str(log_p.shape[:-1])} (one per row, the classes on the last axis) or "
            f"probabilities of shape {shape_str(log_p.shape)}; got {shape_str(labels.shape)}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"{name}: labels must lie in 0..{classes - 1}, got {labels.min()}..{labels.max()}")
    if log_p.ndim == 1:
        values = -log_p[labels]
    elif log_p.ndim == 2:
        values = -log_p[np.arange(labels.shape[0]), labels]
    else:  # (N, ..., C): one row per position, then back to the labels' shape
        rows = log_p.reshape(-1, classes)
        values = -rows[np.arange(labels.size), labels.reshape(-1)].reshape(labels.shape)
    return _reduce(values, reduction, name)


# -- the losses as modules, PyTorch's way of holding one: loss_fn = nn.MSELoss(); loss_fn(pred, target)
class _Loss(Module):
    function = None  # the loss function above

    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction

    def forward(self, pred, target):
        return type(self).function(pred, target, reduction=self.reduction)

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """`mse_loss` as a module: ``tg.nn.MSELoss()(pred, target)``."""

    function = mse_loss


class SSELoss(_Loss):
    """`sse_loss` as a module (sum of squared errors, the tutorials' loss)."""

    function = sse_loss

    def __init__(self, reduction="sum"):
        super().__init__(reduction)


class BCELoss(_Loss):
    """`binary_cross_entropy` on probabilities, as a module."""

    function = binary_cross_entropy


class BCEWithLogitsLoss(_Loss):
    """`binary_cross_entropy_with_logits` (raw scores), as a module."""

    function = binary_cross_entropy_with_logits


class CrossEntropyLoss(_Loss):
    """`cross_entropy` (raw scores, labels or probabilities; classes on the last axis), as a module.

    >>> import tinygrad_edu as tg
    >>> round(tg.nn.CrossEntropyLoss()(tg.tensor([[2.0, 0.0]]), [0]).item(), 6)
    0.126928
    """

    function = cross_entropy


class NLLLoss(_Loss):
    """`nll_loss` (log-probabilities and integer labels), as a module."""

    function = nll_loss

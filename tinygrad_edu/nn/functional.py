"""The layers and losses as plain functions, PyTorch's ``torch.nn.functional``.

``import tinygrad_edu.nn.functional as F`` then ``F.relu(x)``, ``F.cross_entropy(logits,
labels)``, ``F.linear(x, weight, bias)``. Each is the Tensor method or the loss of the same
name; nothing here has state (the modules in tinygrad_edu.nn hold their parameters).

>>> import tinygrad_edu as tg
>>> import tinygrad_edu.nn.functional as F
>>> F.relu(tg.tensor([-1.0, 2.0])).tolist(), F.softmax(tg.tensor([0.0, 0.0]), dim=-1).tolist()
([0.0, 2.0], [0.5, 0.5])
"""
import numpy as np

from ..engine.function import shape_str
from ..engine.tensor import Tensor, as_tensor, borrowed, where
from .conv import avg_pool2d, conv2d, max_pool2d
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
    sse_loss,
)


def relu(x):
    """max(x, 0)."""
    return as_tensor(x).relu()


def sigmoid(x):
    """1 / (1 + e^-x)."""
    return as_tensor(x).sigmoid()


def tanh(x):
    """tanh x."""
    return as_tensor(x).tanh()


def softplus(x):
    """log(1 + e^x)."""
    return as_tensor(x).softplus()


def leaky_relu(x, negative_slope=0.01):
    """x where x > 0, else ``negative_slope * x``."""
    x = as_tensor(x)
    return where(x > 0, x, x * negative_slope)


def softmax(x, dim=-1):
    """e^x / sum(e^x) along ``dim`` (the last axis by default)."""
    return as_tensor(x).softmax(axis=_one_dim("softmax", dim))


def log_softmax(x, dim=-1):
    """log(softmax(x)) along ``dim``, without overflow."""
    return as_tensor(x).log_softmax(axis=_one_dim("log_softmax", dim))


def _one_dim(name, dim):
    if dim is None:  # PyTorch guesses an axis here (with a deprecation warning); we do not guess
        raise TypeError(f"{name}: give dim=, the axis to normalise over (-1 for the last)")
    return dim


def linear(x, weight, bias=None):
    """``x @ weight + bias``, with weight of shape (in_features, out_features) as `nn.Linear`'s.

    PyTorch's ``F.linear`` takes the transpose, (out, in): pass ``weight.T`` for a weight in
    that layout. A weight whose shape fits only PyTorch's layout is refused with that advice.
    """
    x, weight = as_tensor(x), as_tensor(weight)
    if weight.ndim == 2 and x.shape[-1:] != weight.shape[:1] and x.shape[-1:] == weight.shape[1:]:
        raise ValueError(
            f"linear: weight of shape {shape_str(weight.shape)} does not take inputs of shape "
            f"{shape_str(x.shape)}; weights here are (in_features, out_features) -- for PyTorch's "
            "(out, in) layout pass weight.T"
        )
    out = x @ weight
    return out if bias is None else out + bias


def dropout(x, p=0.5, training=True):
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) when ``training``."""
    from .layers import Dropout

    return Dropout(p).train(training)(x)


def one_hot(labels, num_classes):
    """Integer labels (any shape) as rows of 0s and 1s, shape ``labels.shape + (num_classes,)``.

    >>> one_hot([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"one_hot: labels must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"one_hot: labels must lie in 0..{num_classes - 1}, got {labels.min()}..{labels.max()}")
    # rows of the identity picked by labels cast through the Cast op on the caller's own array, so
    # that inside tg.compile the program reads the labels at every call (np.eye(n)[labels] is frozen)
    return Tensor(np.eye(num_classes))[borrowed(labels).astype(np.int64).data]


__all__ = [
    "relu", "sigmoid", "tanh", "softplus", "leaky_relu", "softmax", "log_softmax", "linear", "dropout",
    "one_hot", "conv2d", "max_pool2d", "avg_pool2d", "mse_loss", "sse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "nll_loss",
]

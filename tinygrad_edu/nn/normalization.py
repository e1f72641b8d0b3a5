"""Normalization layers: `BatchNorm1d` (over the batch) and `LayerNorm` (over each sample).

Both are compositions of Tensor ops -- mean, variance, a division by a square root -- so their
gradients come from autodiff like everything else, and their graphs can be drawn.
"""
import numbers

import numpy as np

from ..engine.arguments import whole_number
from ..engine.function import shape_str
from ..engine.grad_mode import no_grad
from ..engine.tensor import Tensor
from .module import Module, Parameter


class BatchNorm1d(Module):
    """Normalize each feature over the batch: ``(x - mean) / sqrt(var + eps) * weight + bias``.

    Input (N, C) or (N, C, L), features on axis 1 as in PyTorch. In training the statistics
    are the batch's (the biased variance) and the running statistics move towards them by
    ``momentum`` (the running variance uses the unbiased one, as PyTorch; ``momentum=None``
    keeps the plain average of all batches, counted in ``num_batches_tracked``); in ``eval()`` mode
    the running statistics are used, so one sample at a time gives the same answer as a batch.

    >>> import tinygrad_edu as tg
    >>> bn = tg.nn.BatchNorm1d(2)
    >>> y = bn(tg.tensor([[1.0, 10.0], [3.0, 30.0]]))
    >>> y.data.round(4).tolist(), bn.running_mean.tolist()
    ([[-1.0, -1.0], [1.0, 1.0]], [0.2, 2.0])
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, dtype=None):
        super().__init__()
        if momentum is not None and (isinstance(momentum, bool) or not isinstance(momentum, numbers.Real)
                                     or not 0.0 <= momentum <= 1.0):
            raise ValueError(f"BatchNorm1d: momentum must be a number in [0, 1], or None for a plain average; got {momentum!r}")
        self.num_features = whole_number(num_features, "num_features", "BatchNorm1d")
        self.eps, self.momentum = eps, momentum
        dtype = np.dtype(dtype or np.float64)
        self.weight = Parameter(np.ones(num_features, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype)) if affine else None
        self.register_buffer("running_mean", np.zeros(num_features, dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype))
        self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))

    def forward(self, x):
        x = x if isinstance(x, Tensor) else Tensor(x)
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}): expects input of shape (N, {self.num_features}) or "
                f"(N, {self.num_features}, L), got {shape_str(x.shape)}"
            )
        axes = (0,) if x.ndim == 2 else (0, 2)
        shape = (1, self.num_features) + (1,) * (x.ndim - 2)  # the per-feature statistics, broadcastable
        if self.training:
            count = x.size // self.num_features
            if count < 2:
                raise ValueError(
                    f"BatchNorm1d: a training batch needs more than one value per feature, got input of "
                    f"shape {shape_str(x.shape)}; use a bigger batch, or model.eval() for single samples"
                )
            mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
            with no_grad():  # Tensor updates in place, which tg.compile writes into its program too
                self.num_batches_tracked += 1
                m = self.momentum if self.momentum is not None else self._cumulative_factor()
                self.running_mean *= 1 - m
                self.running_mean += m * mean.reshape(-1)
                self.running_var *= 1 - m
                self.running_var += m * (var.reshape(-1) * (count / (count - 1)))
        else:
            mean, var = self.running_mean.reshape(shape), self.running_var.reshape(shape)
        out = (x - mean) / (var + self.eps).sqrt()
        if self.weight is not None:
            out = out * self.weight.reshape(shape) + self.bias.reshape(shape)
        return out

    def _cumulative_factor(self):
        """momentum=None: 1 / (batches so far), which makes the running statistics the plain
        average of every batch's, as PyTorch. A Tensor op on the counter, not a Python number
        read from it, so that tg.compile replays it with the counter's value at every call."""
        return (1.0 / self.num_batches_tracked).astype(self.running_mean.dtype)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.weight is not None}"


class LayerNorm(Module):
    """Normalize each sample over its last axes: ``(x - mean) / sqrt(var + eps) * weight + bias``.

    ``normalized_shape`` is the shape of those last axes (an int for one axis), as in PyTorch.
    The same in training and evaluation.

    >>> import tinygrad_edu as tg
    >>> tg.nn.LayerNorm(3)(tg.tensor([[1.0, 2.0, 3.0]])).data.round(4).tolist()
    [[-1.2247, 0.0, 1.2247]]
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        try:
            sizes = tuple(normalized_shape)  # a tuple, a list, a range, an array of sizes
        except TypeError:
            sizes = (whole_number(normalized_shape, "normalized_shape", "LayerNorm"),)  # says what it got
        shape = tuple(whole_number(n, f"normalized_shape[{i}]", "LayerNorm") for i, n in enumerate(sizes))
        self.normalized_shape, self.eps = shape, eps
        dtype = np.dtype(dtype or np.float64)
        self.weight = Parameter(np.ones(shape, dtype)) if elementwise_affine else None
        self.bias = Parameter(np.zeros(shape, dtype)) if elementwise_affine else None

    def forward(self, x):
        x = x if isinstance(x, Tensor) else Tensor(x)
        n = len(self.normalized_shape)
        if x.shape[x.ndim - n:] != self.normalized_shape or x.ndim < n:
            raise ValueError(
                f"LayerNorm{self.normalized_shape}: the input's last axes must have shape "
                f"{shape_str(self.normalized_shape)}, got input of shape {shape_str(x.shape)}"
            )
        axes = tuple(range(x.ndim - n, x.ndim))
        mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
        out = (x - mean) / (var + self.eps).sqrt()
        if self.weight is not None:
            out = out * self.weight + self.bias
        return out

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None}"

"""Convolutional layers: `Conv2d`, `MaxPool2d`, `AvgPool2d`, on images in NCHW layout.

The functions (``tg.nn.functional.conv2d``, ``max_pool2d``, ``avg_pool2d``) check their
arguments and call the primitive ops of tinygrad_edu/engine/ops/convolution.py; the modules
hold the parameters. Unlike `Linear`, whose weight keeps the tutorials' (in, out) layout,
`Conv2d`'s weight is PyTorch's (out_channels, in_channels, kh, kw): there is no tutorial
layout to keep, and PyTorch's is the one every CNN text uses.

>>> import tinygrad_edu as tg
>>> tg.manual_seed(0)
>>> net = tg.nn.Sequential(tg.nn.Conv2d(1, 4, 3, padding=1), tg.nn.ReLU(), tg.nn.MaxPool2d(2), tg.nn.Flatten())
>>> net(tg.zeros(8, 1, 28, 28)).shape
(8, 784)
"""
import numpy as np

from ..engine import ops
from ..engine.arguments import whole_number
from ..engine.function import shape_str
from ..engine.ops.convolution import pair
from ..engine.tensor import Tensor, as_tensor
from .module import Module, Parameter


def conv2d(x, weight, bias=None, stride=1, padding=0):
    """Cross-correlation of images x (N, C, H, W) with kernels ``weight`` (O, C, kh, kw), plus
    ``bias`` (O,) per output channel; ``stride`` and ``padding`` are ints or (height, width) pairs."""
    x, weight = _as_input(x), as_tensor(weight)
    out = ops.Conv2d.apply(x, weight, stride=pair(stride, "stride", "conv2d", 1),
                           padding=pair(padding, "padding", "conv2d", 0))
    if bias is None:
        return out
    bias = as_tensor(bias)
    if bias.shape != weight.shape[:1]:  # broadcasting would quietly share one bias between channels
        raise ValueError(f"conv2d: expects a bias of shape {shape_str(weight.shape[:1])}, one per output channel "
                         f"(the weight has shape {shape_str(weight.shape)}), got {shape_str(bias.shape)}")
    return out + bias.reshape(1, -1, 1, 1)


def max_pool2d(x, kernel_size, stride=None):
    """The largest value of each kernel_size window (stride = kernel_size unless given)."""
    kernel = pair(kernel_size, "kernel_size", "max_pool2d", 1)
    return ops.MaxPool2d.apply(_as_input(x), kernel=kernel,
                               stride=kernel if stride is None else pair(stride, "stride", "max_pool2d", 1))


def avg_pool2d(x, kernel_size, stride=None):
    """The mean of each kernel_size window (stride = kernel_size unless given)."""
    kernel = pair(kernel_size, "kernel_size", "avg_pool2d", 1)
    return ops.AvgPool2d.apply(_as_input(x), kernel=kernel,
                               stride=kernel if stride is None else pair(stride, "stride", "avg_pool2d", 1))


def _as_input(x):
    return x if isinstance(x, Tensor) else Tensor(x)


class Conv2d(Module):
    """``Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True)``.

    Weights and biases start as PyTorch's: uniform in ±1/sqrt(in_channels·kh·kw), drawn from
    NumPy's global generator (`tg.manual_seed`); ``dtype=np.float32`` for a float32 layer.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, dtype=None):
        super().__init__()
        self.in_channels = whole_number(in_channels, "in_channels", "Conv2d", minimum=1)
        self.out_channels = whole_number(out_channels, "out_channels", "Conv2d", minimum=1)
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride, self.padding = pair(stride, "stride", "Conv2d", 1), pair(padding, "padding", "Conv2d", 0)
        bound = 1.0 / np.sqrt(in_channels * self.kernel_size[0] * self.kernel_size[1])
        shape = (out_channels, in_channels) + self.kernel_size
        self.weight = Parameter(np.random.uniform(-bound, bound, shape), dtype=dtype)
        self.bias = Parameter(np.random.uniform(-bound, bound, out_channels), dtype=dtype) if bias else None

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self):
        options = f", stride={self.stride}" * (self.stride != (1, 1)) + f", padding={self.padding}" * (self.padding != (0, 0))
        return f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}{options}"


class _Pool2d(Module):
    """What max and average pooling layers share: the window and the stride, checked when the
    layer is made (MaxPool2d and AvgPool2d are siblings, as in PyTorch, not one a kind of the other)."""

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        pair(kernel_size, "kernel_size", type(self).__name__, 1)
        if stride is not None:
            pair(stride, "stride", type(self).__name__, 1)
        self.kernel_size, self.stride = kernel_size, stride

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}" + ("" if self.stride is None else f", stride={self.stride}")


class MaxPool2d(_Pool2d):
    """``MaxPool2d(kernel_size, stride=None)``: the largest value of each window."""

    def forward(self, x):
        return max_pool2d(x, self.kernel_size, self.stride)


class AvgPool2d(_Pool2d):
    """``AvgPool2d(kernel_size, stride=None)``: the mean of each window."""

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride)

"""Convolution and pooling over images in PyTorch's NCHW layout (batch, channels, height, width).

Every op here reads the input through *windows*: for each output pixel, the kh x kw patch of
every channel it sees (``sliding_window_view``, a view, no copy). A convolution is then one
contraction of the windows with the kernel (``np.tensordot``: one matrix product, im2col
style); its adjoint, *folding* window-shaped values back onto the image, adds the kh x kw
kernel positions one at a time (a loop over the kernel, never over pixels).

The convolution's two gradients are convolutions too, so each is its own op, and each op's
backward is written with the others -- which is what makes second derivatives work:

==================  ===========================  ===========================================
op                  computes                     backward (for the gradient ``g`` of its output)
==================  ===========================  ===========================================
`Conv2d` (x, w)     y = x ⋆ w                    dx = ConvInputGrad(g, w), dw = ConvWeightGrad(x, g)
`ConvInputGrad`     dx = fold(g · w)             dg = Conv2d(g', w), dw = ConvWeightGrad(g', g)
`ConvWeightGrad`    dw = windows(x) · g          dx = ConvInputGrad(g, g'), dg = Conv2d(x, g')
`Unfold` / `Fold`   windows / their adjoint      each other (both position-major: kh, kw, N, C, OH, OW)
==================  ===========================  ===========================================

Max and average pooling take the max or the mean of each window; their gradients are folded
back with `Fold`.
"""
import numpy as np

from ..arguments import is_whole_number
from ..function import Function, shape_str
from .adjoint_helpers import tie_shares


def pair(value, name, op, minimum):
    """An int or a pair of ints (height, width), as PyTorch takes kernel sizes, strides and padding."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2 or not all(is_whole_number(v, minimum) for v in values):
        raise ValueError(f"{op}: {name} must be an int >= {minimum} or a pair of them, got {value!r}")
    return int(values[0]), int(values[1])


def output_size(size, kernel, stride, padding):
    """How many windows of ``kernel`` fit along an axis of ``size`` (PyTorch's formula)."""
    return (size + 2 * padding - kernel) // stride + 1


def windows(x, kernel, stride, padding):
    """(N, C, OH, OW, kh, kw): the patch each output pixel reads, a view of the (padded) input."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    return np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


def im2col(x, kernel, stride, padding):
    """The windows as the rows of a matrix, (N, OH, OW, C, kh, kw) in one contiguous block: the
    copy every convolution makes once (NumPy's own would be made again inside each product)."""
    return windows(x, kernel, stride, padding).transpose((0, 2, 3, 1, 4, 5)).copy()  # a copy is C-contiguous


def weight_gradient(columns, g):
    """dw[o, c, u, v] = Σ_{n, i, j} g[n, o, i, j] · columns[n, i, j, c, u, v]: one matrix product."""
    return np.tensordot(g, columns, axes=([0, 2, 3], [0, 1, 2]))


def fold(patches, shape, stride, padding):
    """The adjoint of `windows`: add each patch value back where it was read from, into zeros of
    the input's ``shape``. ``patches`` come position-major, (kh, kw, A, B, OH, OW) for an image of
    shape (A, B, H, W) -- (N, C) or (C, N) -- so each of the kh x kw additions reads one whole
    block: one addition per kernel position, never per pixel."""
    n, c, height, width = shape
    (sh, sw), (ph, pw) = stride, padding
    kh, kw, _, _, oh, ow = patches.shape
    image = np.zeros_like(patches, shape=(n, c, height + 2 * ph, width + 2 * pw))
    for u in range(kh):
        for v in range(kw):
            image[:, :, u : u + sh * (oh - 1) + 1 : sh, v : v + sw * (ow - 1) + 1 : sw] += patches[u, v]
    return image[:, :, ph : ph + height, pw : pw + width] if ph or pw else image


def check_image(op, x, kernel, padding, channels=None, weight_shape=None):
    """Refuse inputs that are not (N, C, H, W), whose channels do not match, or that the kernel does not fit."""
    if x.ndim != 4:
        raise ValueError(
            f"expects input of shape (N, C, H, W), got {shape_str(x.shape)}; add the batch and channel axes, "
            "e.g. x.reshape(1, 1, 28, 28) for one grey 28 x 28 image"
        )
    if channels is not None and x.shape[1] != channels:
        raise ValueError(
            f"the input has {x.shape[1]} channels (shape {shape_str(x.shape)}) but the weight expects "
            f"{channels} (weight shape {shape_str(weight_shape)} = (out_channels, in_channels, kh, kw))"
        )
    for size, k, p, axis in zip(x.shape[2:], kernel, padding, ("height", "width")):
        if size + 2 * p < k:
            raise ValueError(f"a kernel of {axis} {k} does not fit an input of {axis} {size} with padding {p}")


class Conv2d(Function):
    """Cross-correlation, as every deep-learning library's "convolution":
    y[n, o, i, j] = Σ_{c, u, v} x[n, c, i·s + u, j·s + v] · w[o, c, u, v] (x padded with zeros)."""

    __slots__ = ("stride", "padding")
    name = "conv2d"
    formula = "∂L/∂x = fold(∂L/∂y · w),  ∂L/∂w = Σ windows(x) · ∂L/∂y"

    def forward(self, x, w, stride, padding):
        self.stride, self.padding = stride, padding
        if w.ndim != 4:
            raise ValueError(f"expects a weight of shape (out_channels, in_channels, kh, kw), got {shape_str(w.shape)}")
        if 0 in w.shape[2:]:
            raise ValueError(f"expects a kernel of at least 1 x 1, got a weight of shape {shape_str(w.shape)}")
        check_image(self.name, x, w.shape[2:], padding, w.shape[1], w.shape)
        columns = im2col(x, w.shape[2:], stride, padding)  # (N, OH, OW, C, kh, kw)
        self.save_for_backward(columns)  # the weight's gradient multiplies the same matrix
        out = np.tensordot(columns, w, axes=([3, 4, 5], [1, 2, 3]))  # (N, OH, OW, O): one matrix product
        return out.transpose((0, 3, 1, 2)).copy()  # NCHW in memory too: what follows runs on contiguous images

    def describe(self):
        return f"conv2d(stride={self.stride}, padding={self.padding})"

    def backward(self, grad, x, w):
        needs_x, needs_w = self.needs_input_grad
        grad_x = ConvInputGrad.call(grad, w, shape=x.shape, stride=self.stride, padding=self.padding) if needs_x else None
        grad_w = None
        if needs_w and isinstance(grad, np.ndarray):  # on arrays: reuse forward's matrix of windows
            grad_w = weight_gradient(self.saved[0], grad)
        elif needs_w:  # on Tensors: the op, so that the gradient has a graph of its own
            grad_w = ConvWeightGrad.call(x, grad, kernel=w.shape[2:], stride=self.stride, padding=self.padding)
        return grad_x, grad_w


class ConvInputGrad(Function):
    """The gradient of `Conv2d` for its input, fold(g · w): an image of the input's ``shape`` (a
    "transposed convolution")."""

    __slots__ = ("shape", "stride", "padding")
    name = "conv2d_input_grad"
    formula = "∂L/∂g = Conv2d(∂L/∂y, w),  ∂L/∂w = ConvWeightGrad(∂L/∂y, g)"

    def forward(self, g, w, shape, stride, padding):
        self.shape, self.stride, self.padding = tuple(shape), stride, padding
        patches = np.tensordot(w, g, axes=([0], [1]))  # (C, kh, kw, N, OH, OW): one matrix product
        n, c, height, width = self.shape
        image = fold(patches.transpose((1, 2, 0, 3, 4, 5)), (c, n, height, width), stride, padding)  # channels first
        return image.transpose((1, 0, 2, 3)).copy()  # back to (N, C, H, W), contiguous

    def backward(self, grad, g, w):
        needs_g, needs_w = self.needs_input_grad
        grad_g = Conv2d.call(grad, w, stride=self.stride, padding=self.padding) if needs_g else None
        grad_w = ConvWeightGrad.call(grad, g, kernel=w.shape[2:], stride=self.stride, padding=self.padding) if needs_w else None
        return grad_g, grad_w


class ConvWeightGrad(Function):
    """The gradient of `Conv2d` for its weight: dw[o, c, u, v] = Σ_{n, i, j} x[n, c, i·s + u, j·s + v] · g[n, o, i, j]."""

    __slots__ = ("kernel", "stride", "padding")
    name = "conv2d_weight_grad"
    formula = "∂L/∂x = ConvInputGrad(g, ∂L/∂y),  ∂L/∂g = Conv2d(x, ∂L/∂y)"

    def forward(self, x, g, kernel, stride, padding):
        self.kernel, self.stride, self.padding = tuple(kernel), stride, padding
        return weight_gradient(im2col(x, self.kernel, stride, padding), g)  # (O, C, kh, kw)

    def backward(self, grad, x, g):
        needs_x, needs_g = self.needs_input_grad
        grad_x = ConvInputGrad.call(g, grad, shape=x.shape, stride=self.stride, padding=self.padding) if needs_x else None
        grad_g = Conv2d.call(x, grad, stride=self.stride, padding=self.padding) if needs_g else None
        return grad_x, grad_g


class Unfold(Function):
    """The windows of an image, copied position-major: (kh, kw, N, C, OH, OW)."""

    __slots__ = ("kernel", "stride", "padding")
    name = "unfold"
    formula = "∂L/∂x = fold(∂L/∂windows)"

    def forward(self, x, kernel, stride, padding):
        self.kernel, self.stride, self.padding = tuple(kernel), stride, padding
        return windows(x, self.kernel, stride, padding).transpose((4, 5, 0, 1, 2, 3)).copy()

    def backward(self, grad, x):
        return Fold.call(grad, shape=x.shape, stride=self.stride, padding=self.padding)


class Fold(Function):
    """Window-shaped values, (kh, kw, N, C, OH, OW), added back onto an image of ``shape`` (the
    adjoint of `Unfold`)."""

    __slots__ = ("shape", "stride", "padding")
    name = "fold"
    formula = "∂L/∂patches = windows(∂L/∂image)"

    def forward(self, patches, shape, stride, padding):
        self.shape, self.stride, self.padding = tuple(shape), stride, padding
        return fold(patches, self.shape, stride, padding)

    def backward(self, grad, patches):
        return Unfold.call(grad, kernel=patches.shape[:2], stride=self.stride, padding=self.padding)


def kernel_positions(patches):
    """(u, v) for every position of the kernel: the poolings reduce a window one position at a
    time, whole images at once, rather than over the window's two small axes (docs/performance.md)."""
    kh, kw = patches.shape[4:]
    return [(u, v) for u in range(kh) for v in range(kw)]


def total(images):
    """The sum of a list of same-shaped images, one addition at a time."""
    result = images[0] * 1  # a new array (for one image: a copy, never the input itself)
    for image in images[1:]:
        result = result + image
    return result


class _Pool2d(Function):
    """What both poolings share: the options, the checks, one image per kernel position, and
    the folding of window-shaped gradients back onto the input."""

    __slots__ = ("kernel", "stride")

    def forward(self, x, kernel, stride):
        self.kernel, self.stride = kernel, stride
        check_image(self.name, x, kernel, (0, 0))
        patches = windows(x, kernel, stride, (0, 0))
        return self.pool([patches[:, :, :, :, u, v] for u, v in kernel_positions(patches)], x)

    def pool(self, images, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self):
        return f"{self.name}({self.kernel[0]}x{self.kernel[1]}, stride={self.stride})"

    def fold_back(self, per_position, x):
        """Window-shaped gradients, (kh, kw, N, C, OH, OW), added back onto the input's shape."""
        return Fold.call(per_position, shape=x.shape, stride=self.stride, padding=(0, 0))


class MaxPool2d(_Pool2d):
    """The largest value of each window. Tied values share the gradient equally (as `Max`); a NaN
    wins its window and takes its gradient (as PyTorch's ``max_pool2d``)."""

    __slots__ = ()
    name = "max_pool2d"
    formula = "∂L/∂x = ∂L/∂y at the largest value of each window (shared at ties), 0 elsewhere"

    def pool(self, images, x):
        out = images[0].copy()
        for image in images[1:]:
            out = np.maximum(out, image)  # NaN propagates, as in max
        # (kh·kw, N, C, OH, OW): each kernel position's share of its window's gradient
        self.save_for_backward(tie_shares(np.stack(images), out, axis=0, nan_wins=True))
        return out

    def backward(self, grad, x):
        (shares,) = self.saved_for(grad)
        return self.fold_back((grad * shares).reshape(tuple(self.kernel) + tuple(grad.shape)), x)


class AvgPool2d(_Pool2d):
    """The mean of each window."""

    __slots__ = ()
    name = "avg_pool2d"
    formula = "∂L/∂x = fold(∂L/∂y / (kh·kw))"

    def pool(self, images, x):
        return total(images) / len(images)

    def backward(self, grad, x):
        kh, kw = self.kernel
        spread = np.full((kh, kw, 1, 1, 1, 1), 1.0 / (kh * kw), dtype=x.dtype)
        return self.fold_back(spread * grad, x)

"""Convolution and pooling (issue 19): against direct loops written here, the layers, their
errors, float32, and a small CNN that learns real MNIST. Gradients, second derivatives, the
autograd oracle, both backward modes and compile/codegen cover them through the op table."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn.functional as F

from .examples_loader import load


def direct_conv(x, w, stride, padding):
    """y[n, o, i, j] = sum over c, u, v of x_padded[n, c, i*s + u, j*s + v] * w[o, c, u, v], by loops."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, h, width = x.shape
    o, _, kh, kw = w.shape
    out = np.zeros((n, o, (h - kh) // stride + 1, (width - kw) // stride + 1))
    for b in range(n):
        for k in range(o):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    out[b, k, i, j] = np.sum(x[b, :, i * stride : i * stride + kh, j * stride : j * stride + kw] * w[k])
    return out


@pytest.mark.parametrize("stride, padding, size", [(1, 0, (7, 7)), (2, 1, (7, 6)), (3, 2, (5, 9)), (1, 1, (3, 3))])
def test_conv2d_equals_the_direct_loops(stride, padding, size):
    rng = np.random.default_rng(stride * 10 + padding)
    x, w = rng.normal(size=(2, 3) + size), rng.normal(size=(4, 3, 3, 3))
    np.testing.assert_allclose(F.conv2d(x, w, stride=stride, padding=padding).data, direct_conv(x, w, stride, padding),
                               rtol=1e-12, atol=1e-12)


def test_pooling_equals_the_direct_loops():
    x = np.random.default_rng(1).normal(size=(2, 3, 7, 5))
    expected_max = np.array([[[[x[n, c, i * 2 : i * 2 + 3, j * 2 : j * 2 + 3].max() for j in range(2)] for i in range(3)]
                              for c in range(3)] for n in range(2)])
    np.testing.assert_array_equal(F.max_pool2d(x, 3, stride=2).data, expected_max)
    expected_mean = x[:, :, :6, :4].reshape(2, 3, 3, 2, 2, 2).mean(axis=(3, 5))
    np.testing.assert_allclose(F.avg_pool2d(x, 2).data, expected_mean, rtol=1e-12)


def test_max_pool_shares_the_gradient_at_ties_and_gives_it_to_a_nan():
    x = tg.tensor([[[[1.0, 1.0], [0.0, 1.0]]]], requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[[[1 / 3, 1 / 3], [0.0, 1 / 3]]]])
    y = tg.tensor([[[[1.0, np.nan], [0.0, 1.0]]]], requires_grad=True)
    F.max_pool2d(y, 2).sum().backward()
    assert y.grad.data.ravel().tolist() == [0.0, 1.0, 0.0, 0.0]


def test_layers_keep_float32_and_count_their_parameters():
    tg.manual_seed(0)
    conv = tg.nn.Conv2d(3, 8, 3, stride=2, padding=1, dtype=np.float32)
    assert conv.weight.shape == (8, 3, 3, 3) and conv.bias.shape == (8,)
    assert np.abs(conv.weight.data).max() <= 1 / np.sqrt(27)  # PyTorch's initial range
    out = conv(tg.tensor(np.ones((2, 3, 9, 9), np.float32)))
    assert out.shape == (2, 8, 5, 5) and out.dtype == np.float32
    out.sum().backward()
    assert conv.weight.grad.dtype == np.float32 and conv.bias.grad.tolist() == [50.0] * 8
    assert repr(conv) == "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))"
    assert tg.nn.MaxPool2d(2)(out).shape == (2, 8, 2, 2) and tg.nn.AvgPool2d(3, stride=1)(out).shape == (2, 8, 3, 3)
    assert not isinstance(tg.nn.AvgPool2d(2), tg.nn.MaxPool2d)  # siblings, as in PyTorch
    assert tg.nn.LayerNorm(np.array([3, 4])).weight.shape == tg.nn.LayerNorm(range(3, 5)).weight.shape == (3, 4)


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.conv2d(tg.ones(1, 3, 8, 8), tg.ones(4, 1, 3, 3)), ValueError,
     r"conv2d\(stride=\(1, 1\), padding=\(0, 0\)\): cannot apply to inputs of shapes \(1, 3, 8, 8\), \(4, 1, 3, 3\): "
     r"the input has 3 channels \(shape \(1, 3, 8, 8\)\) but the weight expects 1"),
    (lambda: F.conv2d(tg.ones(28, 28), tg.ones(4, 1, 3, 3)), ValueError,
     r"expects input of shape \(N, C, H, W\), got \(28, 28\); add the batch and channel axes"),
    (lambda: F.conv2d(tg.ones(1, 1, 2, 2), tg.ones(1, 1, 3, 3)), ValueError,
     "a kernel of height 3 does not fit an input of height 2 with padding 0"),
    (lambda: F.conv2d(tg.ones(1, 1, 4, 4), tg.ones(1, 1, 3, 3), stride=0), ValueError,
     "conv2d: stride must be an int >= 1 or a pair of them, got 0"),
    (lambda: F.max_pool2d(tg.ones(1, 1, 4, 4), 5), ValueError, "a kernel of height 5 does not fit"),
    (lambda: tg.nn.Conv2d(1, 2, (3, 3, 3)), ValueError, "Conv2d: kernel_size must be an int >= 1 or a pair"),
    # a bias that broadcasting would share between channels, or that is one per something else
    (lambda: F.conv2d(tg.ones(1, 1, 5, 5), tg.ones(2, 1, 3, 3), tg.ones(1)), ValueError,
     r"conv2d: expects a bias of shape \(2,\), one per output channel \(the weight has shape \(2, 1, 3, 3\)\), got \(1,\)"),
    (lambda: F.conv2d(tg.ones(1, 1, 5, 5), tg.ones(2, 1, 3, 3), 0.5), ValueError, r"got \(\)"),
    (lambda: F.conv2d(tg.ones(1, 1, 5, 5), tg.ones(2, 1, 3, 3), tg.ones(2, 1)), ValueError, r"got \(2, 1\)"),
    (lambda: F.conv2d(tg.ones(1, 1, 5, 5), tg.ones(2, 1, 0, 3)), ValueError,
     r"expects a kernel of at least 1 x 1, got a weight of shape \(2, 1, 0, 3\)"),
    (lambda: tg.nn.Conv2d(0, 2, 3), ValueError, "Conv2d: in_channels must be an int >= 1, got 0"),
    (lambda: tg.nn.Conv2d(1, 2.5, 3), ValueError, "Conv2d: out_channels must be an int >= 1, got 2.5"),
    (lambda: tg.nn.Linear(-1, 2), ValueError, "Linear: in_features must be an int >= 0, got -1"),
    (lambda: tg.nn.Embedding(27, 1.5), ValueError, "Embedding: embedding_dim must be an int >= 0, got 1.5"),
    (lambda: tg.nn.BatchNorm1d(True), ValueError, "BatchNorm1d: num_features must be an int >= 0, got True"),
    (lambda: tg.nn.MLP([2, 2.5, 1]), ValueError, r"MLP: sizes\[1\] must be an int >= 0, got 2.5"),
    (lambda: tg.nn.LayerNorm(1.5), ValueError, "LayerNorm: normalized_shape must be an int >= 0, got 1.5"),
    (lambda: tg.nn.LayerNorm([4, 2.5]), ValueError, r"LayerNorm: normalized_shape\[1\] must be an int >= 0, got 2.5"),
    (lambda: tg.nn.AvgPool2d(0), ValueError, "AvgPool2d: kernel_size must be an int >= 1"),
    (lambda: tg.nn.MaxPool2d(2, stride=-1), ValueError, "MaxPool2d: stride must be an int >= 1"),
])
def test_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_small_cnn_learns_real_mnist():
    """One pass over 4,000 training images: the test accuracy on 1,000 others must pass 88 %."""
    cnn = load("mnist_cnn")
    X_train, y_train, X_test, y_test = tg.data.load_mnist()
    _, history = cnn.train(epochs=1, limit=4000, verbose=False, data=(X_train, y_train, X_test[:1000], y_test[:1000]))
    assert history.metrics["test accuracy"][-1] > 0.88


"""The numerical oracle: central differences in float64, and the autodiff side to compare with."""
import numpy as np

import tinygrad_edu as tg


def numerical_gradients(f, arrays, upstream, eps=1e-6):
    """d sum(upstream * f(*arrays)) / d arrays[i], by central differences, for every input."""

    def scalar(*xs):
        with tg.no_grad():
            out = f(*[tg.tensor(x) for x in xs])
        return float(np.sum(upstream * out.data))

    grads = []
    for i, x in enumerate(arrays):
        g = np.zeros_like(x)
        for j in np.ndindex(x.shape):
            shifted = [a.copy() for a in arrays]
            shifted[i][j] = x[j] + eps
            plus = scalar(*shifted)
            shifted[i][j] = x[j] - eps
            minus = scalar(*shifted)
            g[j] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def autodiff_gradients(f, arrays, upstream):
    tensors = [tg.tensor(x, requires_grad=True) for x in arrays]
    out = f(*tensors)
    out.backward(upstream)
    return out, [t.grad.data if t.grad is not None else np.zeros_like(t.data) for t in tensors]


def assert_close(actual, expected, atol=1e-6, rtol=1e-5, what=""):
    np.testing.assert_allclose(actual, expected, atol=atol, rtol=rtol, err_msg=what)

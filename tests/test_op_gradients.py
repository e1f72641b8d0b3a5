"""First derivatives of every op against float64 central differences, over random shapes
(broadcasting pairs, 0-d and size-1 axes) and values, under a random upstream gradient."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

from .op_table import OPS
from .oracle import assert_close, autodiff_gradients, numerical_gradients


@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_gradient_matches_central_differences(case, data):
    arrays, options = data.draw(case.inputs)
    originals = [a.copy() for a in arrays]

    def f(*tensors):
        return case.fn(*tensors, **options)

    with tg.no_grad():
        out_shape = f(*[tg.tensor(a) for a in arrays]).shape
    seed = data.draw(st.integers(0, 2**32 - 1))
    upstream = np.random.default_rng(seed).normal(size=out_shape)

    out, analytic = autodiff_gradients(f, arrays, upstream)
    numeric = numerical_gradients(f, arrays, upstream)

    for i, (a, n, x) in enumerate(zip(analytic, numeric, arrays)):
        assert a.shape == x.shape, f"{case.name}: gradient {i} has shape {a.shape}, input {x.shape}"
        assert a.dtype == np.float64
        assert_close(a, n, what=f"{case.name}: gradient of input {i}")
    for a, original in zip(arrays, originals):  # ops must not write into their inputs
        np.testing.assert_array_equal(a, original)


@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_forward_matches_numpy_and_keeps_float32(case, data):
    """The forward value is NumPy's; float32 inputs give float32 outputs and gradients."""
    arrays, options = data.draw(case.inputs)
    with tg.no_grad():
        out64 = case.fn(*[tg.tensor(a) for a in arrays], **options)
    tensors = [tg.tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
    out32 = case.fn(*tensors, **options)
    assert out32.dtype == np.float32, f"{case.name} turned float32 into {out32.dtype}"
    assert_close(out32.data, out64.data, atol=1e-4, rtol=1e-4)
    out32.backward(np.ones(out32.shape, dtype=np.float32))
    for t in tensors:
        assert t.grad is None or t.grad.dtype == np.float32

"""One statement of each backward rule, two ways to run it: on plain arrays (no graph of the
gradient is wanted) or on Tensors (``create_graph=True``, which records). For every op of the op
table the two give the same bits, in float64 and in float32, and every gradient has its
input's dtype in both."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

from .op_table import OPS


def _gradients(case, arrays, options, upstream, dtype, create_graph):
    tensors = [tg.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    out = case.fn(*tensors, **options)
    grads = tg.autograd.grad(out, tensors, grad_outputs=tg.tensor(upstream.astype(out.dtype)),
                             create_graph=create_graph, allow_unused=True)
    return tensors, grads


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_array_formulas_and_tensor_formulas_give_the_same_bits(case, dtype, data):
    arrays, options = data.draw(case.inputs)
    with tg.no_grad():
        shape = case.fn(*[tg.tensor(a) for a in arrays], **options).shape
    upstream = np.random.default_rng(data.draw(st.integers(0, 99))).normal(size=shape)
    tensors, plain = _gradients(case, arrays, options, upstream, dtype, create_graph=False)
    _, recorded = _gradients(case, arrays, options, upstream, dtype, create_graph=True)
    for t, a, b in zip(tensors, plain, recorded):
        assert (a is None) == (b is None)
        if a is None:
            continue
        assert type(a.data) is np.ndarray and type(b.data) is np.ndarray
        assert a.dtype == b.dtype == t.dtype, f"{case.name}: gradient dtypes {a.dtype}/{b.dtype} for a {t.dtype} input"
        assert a.shape == t.shape
        np.testing.assert_array_equal(a.data, b.data, err_msg=f"{case.name}: the two modes differ")


def test_a_float32_leaf_gets_a_float32_gradient_from_a_float64_graph():
    w = tg.tensor(np.ones(3, np.float32), requires_grad=True)
    scale = tg.tensor(np.array([1.0, 2.0, 3.0]))  # float64: the product is float64
    loss = (w * scale).sum()
    assert loss.dtype == np.float64
    loss.backward(create_graph=True)
    assert w.grad.dtype == np.float32 and w.grad.tolist() == [1.0, 2.0, 3.0]
    w.grad = None
    (w * scale).sum().backward()
    assert w.grad.dtype == np.float32
    (g,) = tg.autograd.grad((w.astype(np.float64) ** 2).sum(), w, create_graph=True)
    assert g.dtype == np.float32 and g.requires_grad  # the cast back is part of the gradient's graph

"""The Tensor API of DESIGN.md: construction, dtypes, attributes, creation helpers, repr."""
import numpy as np
import pytest

import tinygrad_edu as tg


def test_default_dtype_is_float64_and_float32_is_kept():
    assert tg.tensor([1, 2]).dtype == np.float64
    assert tg.tensor(3).dtype == np.float64
    assert tg.tensor(np.ones(2, dtype=np.float32)).dtype == np.float32
    assert tg.tensor([1, 2], dtype=np.float32).dtype == np.float32
    assert tg.tensor([True, False]).dtype == bool


def test_float32_stays_float32_with_python_scalars():
    x = tg.tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    y = (2 * x + 1) / 3 - x**2
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_construction_copies_the_callers_array():
    a = np.ones(3)
    t = tg.tensor(a)
    with tg.no_grad():
        t += 1
    assert a.tolist() == [1.0, 1.0, 1.0]


def test_attributes():
    t = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="w")
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and t.name == "w"
    assert t.T.shape == (3, 2) and len(t) == 2
    assert isinstance(t.numpy(), np.ndarray)
    assert t.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert np.asarray(t).shape == (2, 3)
    assert tg.tensor(2.5).item() == 2.5 and float(tg.tensor([2.5])) == 2.5
    assert [row.tolist() for row in t] == [[0, 1, 2], [3, 4, 5]]


def test_numpy_array_on_the_left_keeps_the_graph():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x + np.float64(1.0)
    assert isinstance(y, tg.Tensor) and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]


def test_repr_shows_data_requires_grad_grad_fn_and_name():
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    assert repr(x) == "Tensor([1., 2.], requires_grad=True, name='x')"
    assert repr(x * 2) == "Tensor([2., 4.], requires_grad=True, grad_fn=<mul>)"
    assert repr(tg.tensor([1.0], dtype=np.float32)) == "Tensor([1.], dtype=float32)"
    assert "grad_fn=<sum(axis=1)>" in repr(tg.ones(2, 2, requires_grad=True).sum(axis=1))


def test_creation_helpers():
    assert tg.zeros(2, 3).tolist() == [[0.0] * 3] * 2
    assert tg.zeros((2, 3)).shape == (2, 3)
    assert tg.ones(2, requires_grad=True).requires_grad
    assert tg.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert tg.arange(3).tolist() == [0.0, 1.0, 2.0]
    assert tg.zeros_like(tg.ones(2, 2)).shape == (2, 2)
    assert tg.ones_like(np.zeros(3), requires_grad=True).requires_grad
    assert tg.full((2,), 7.0).tolist() == [7.0, 7.0]
    np.random.seed(0)
    expected = np.random.randn(2, 2)
    np.random.seed(0)
    np.testing.assert_array_equal(tg.randn(2, 2).data, expected)
    np.random.seed(0)
    expected = np.random.rand(3)
    np.random.seed(0)
    np.testing.assert_array_equal(tg.rand(3).data, expected)


def test_free_functions_equal_methods():
    x = tg.tensor([[0.5, -1.0], [2.0, 0.1]])
    for name in ["exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "tan", "arctan", "atan", "sinh", "cosh",
                 "expm1"]:
        np.testing.assert_array_equal(getattr(tg, name)(x).data, getattr(x, name)().data)
    np.testing.assert_array_equal(tg.sum(x, axis=0).data, x.sum(axis=0).data)
    np.testing.assert_array_equal(tg.exp([1.0, 2.0]).data, np.exp([1.0, 2.0]))
    np.testing.assert_array_equal(tg.maximum(x, 0.2).data, np.maximum(x.data, 0.2))
    np.testing.assert_array_equal(tg.matmul(x, x).data, x.data @ x.data)


def test_comparisons_give_bool_tensors_without_gradient():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    mask = x > 1.5
    assert mask.dtype == bool and not mask.requires_grad
    assert (x == 2.0).tolist() == [False, True, False]
    assert {x: 1}[x] == 1  # still hashable by identity


def test_pow_with_tensor_exponent_and_rpow():
    x = tg.tensor(2.0, requires_grad=True)
    e = tg.tensor(3.0, requires_grad=True)
    y = x**e
    y.backward()
    assert y.item() == 8.0
    assert x.grad.item() == pytest.approx(12.0)
    assert e.grad.item() == pytest.approx(8 * np.log(2))


def test_pow_exponent_gradient_at_zero_base_is_zero():
    x = tg.tensor(0.0)
    e = tg.tensor(2.0, requires_grad=True)
    (x**e).backward()
    assert e.grad.item() == 0.0


def test_flatten_reshape_variants():
    t = tg.ones(2, 3, 4)
    assert t.flatten().shape == (24,)
    assert t.flatten(1).shape == (2, 12)
    assert t.reshape((4, -1)).shape == (4, 6) and t.reshape(4, 6).shape == (4, 6)
    assert t.transpose((2, 0, 1)).shape == (4, 2, 3) and t.transpose().shape == (4, 3, 2)


def test_concatenate_and_stack_forward():
    a, b = tg.ones(2, 2), tg.zeros(2, 2)
    assert tg.concatenate([a, b], axis=1).shape == (2, 4)
    assert tg.stack([a, b]).shape == (2, 2, 2)


def test_argmax_and_any_all():
    t = tg.tensor([[1.0, 3.0], [5.0, 2.0]])
    assert t.argmax(axis=1).tolist() == [1, 0]
    assert bool((t > 0).all()) and not bool((t > 4).all())

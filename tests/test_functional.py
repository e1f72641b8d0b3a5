"""grad, value_and_grad, jacobian, hessian: inputs of every kind, nesting, errors."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg


def test_grad_accepts_floats_arrays_and_tensors():
    f = lambda x: (x * x).sum()
    assert tg.grad(f)(3.0).item() == 6.0
    assert tg.grad(f)(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    assert tg.grad(f)(tg.tensor([1.0, 2.0])).tolist() == [2.0, 4.0]
    assert tg.grad(f)([1, 2]).tolist() == [2.0, 4.0]


def test_grad_nests_to_third_order():
    f = lambda x: x.sin() * x
    x0 = 0.7
    d3 = tg.grad(tg.grad(tg.grad(f)))(x0).item()
    assert d3 == pytest.approx(-3 * math.sin(x0) - x0 * math.cos(x0))  # (x sin x)''' = -3 sin x - x cos x


def test_nested_results_are_plain_at_top_level():
    g = tg.grad(tg.grad(lambda x: x**4))(1.0)
    assert not g.requires_grad and g.item() == 12.0


def test_argnums_and_value_and_grad():
    f = lambda x, y: x * y.exp()
    gx, gy = tg.grad(f, argnums=(0, 1))(2.0, 0.0)
    assert (gx.item(), gy.item()) == (1.0, 2.0)
    assert tg.grad(f, argnums=1)(2.0, 0.0).item() == 2.0
    value, g = tg.value_and_grad(f)(2.0, 0.0)
    assert value.item() == 2.0 and g.item() == 1.0


def test_perturbations_are_not_confused():
    # d/dx [ x * (d/dy (x + y)) ] = 1: the inner derivative does not depend on x
    inner = lambda x: tg.grad(lambda y: x + y)(1.0)
    assert tg.grad(lambda x: x * inner(x))(3.0).item() == 1.0


def test_constant_function_has_zero_gradient():
    with pytest.warns(UserWarning, match="does not depend on its inputs through the graph"):
        assert tg.grad(lambda x: tg.tensor(5.0))(2.0).item() == 0.0
    assert tg.grad(lambda x, y: x * 2, argnums=(0, 1))(1.0, 1.0)[1].item() == 0.0


def test_grad_of_non_scalar_output_names_the_shape():
    with pytest.raises(ValueError, match=r"single number.*shape \(3,\).*tg.jacobian"):
        tg.grad(lambda x: x * 2)([1.0, 2.0, 3.0])


def test_jacobian_shape_and_values():
    W = np.arange(6.0).reshape(2, 3)
    jac = tg.jacobian(lambda x: tg.tensor(W) @ x)(np.ones(3))
    assert jac.shape == (2, 3) and np.array_equal(jac.data, W)
    jac = tg.jacobian(lambda x: x.sum(axis=0))(np.ones((2, 2)))
    assert jac.shape == (2, 2, 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hessian_of_quadratic_form_is_a_plus_a_transpose(seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(4, 4))
    x0 = rng.normal(size=4)
    H = tg.hessian(lambda x: x @ tg.tensor(A) @ x)(x0)
    np.testing.assert_allclose(H.data, A + A.T, atol=1e-12)


def test_argnums_out_of_range():
    with pytest.raises(ValueError, match="argnums=2 but the function was called with 1 arguments"):
        tg.grad(lambda x: x, argnums=2)(1.0)


def test_a_nested_transform_sees_through_a_closure():
    inner = lambda x: tg.grad(lambda y: x * y * y)(1.0)  # noqa: E731 - d/dy (x y^2) = 2 x y
    assert tg.grad(inner)(3.0).item() == 2.0
    assert tg.grad(lambda x: x * inner(x))(3.0).item() == 12.0  # d/dx (2 x^2)
    top = tg.grad(lambda x: x ** 3)(2.0)
    assert not top.requires_grad  # the outermost result carries no graph


def test_block_hessians_and_empty_jacobians():
    f = lambda x, y: (x * x * y).sum()  # noqa: E731
    (hxx, hxy), (hyx, hyy) = tg.hessian(f, argnums=(0, 1))(np.array([1.0, 2.0]), np.array(3.0))
    assert hxx.tolist() == [[6.0, 0.0], [0.0, 6.0]] and hxy.tolist() == hyx.tolist() == [2.0, 4.0]
    assert hyy.item() == 0.0
    assert tg.jacobian(lambda x: x[:0])(np.ones(3)).shape == (0, 3)

"""Every initialiser reproduces its tutorial's NumPy draw bit for bit under the same seed."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.nn import init


def draw(seed, f):
    np.random.seed(seed)
    return f()


CASES = [
    ("trask", lambda: 2 * np.random.random((3, 4)) - 1, lambda: init.trask(3, 4)),
    ("loy", lambda: np.random.rand(3, 4), lambda: init.rand(3, 4)),
    ("simplenn", lambda: np.random.uniform(low=-1, high=1, size=(2, 64)), lambda: init.uniform(2, 64)),
    ("digits", lambda: np.random.randn(20, 20), lambda: init.randn(20, 20)),
    ("rashid", lambda: np.random.normal(0.0, pow(784, -0.5), (100, 784)).T, lambda: init.rashid_normal(784, 100)),
    ("rashid slides", lambda: np.random.normal(0.0, pow(100, -0.5), (100, 784)).T,
     lambda: init.rashid_normal(784, 100, scale_by="fan_out")),
]


@pytest.mark.parametrize("name, tutorial, ours", CASES, ids=[c[0] for c in CASES])
def test_initialiser_reproduces_tutorial_draw(name, tutorial, ours):
    assert np.array_equal(draw(1, tutorial), draw(1, ours))


def test_mlp_draws_layers_in_the_tutorials_order():
    """Trask draws syn0 then syn1; an MLP with init='trask' and no bias draws the same numbers."""
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    np.random.seed(1)
    net = tg.nn.MLP([3, 4, 1], bias=False, init="trask")
    assert np.array_equal(net.layers[0].weight.data, syn0)
    assert np.array_equal(net.layers[2].weight.data, syn1)


def test_simplenn_model_draws_like_the_tutorial():
    np.random.seed(99)
    weights = [np.random.uniform(low=-1, high=1, size=(a, b)) for a, b in [(2, 64), (64, 64), (64, 64), (64, 1)]]
    np.random.seed(99)
    net = tg.nn.MLP([2, 64, 64, 64, 1], activation="relu", init="uniform")
    linears = [m for m in net.layers if isinstance(m, tg.nn.Linear)]
    for layer, w in zip(linears, weights):
        assert np.array_equal(layer.weight.data, w)
        assert np.array_equal(layer.bias.data, np.zeros(w.shape[1]))


def test_modern_initialisers_have_the_right_spread():
    np.random.seed(0)
    w = init.xavier_uniform(300, 200)
    assert np.abs(w).max() <= np.sqrt(6 / 500)
    assert init.he_normal(400, 300).std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)

"""What PyTorch and NumPy users type on day one works, with their meaning (issue 16).

Shape methods are checked against NumPy's functions of the same meaning, with hypothesis over
shapes and axes; where NumPy and PyTorch read one call differently, the call is refused with a
message instead of answering with either meaning silently.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg

from .op_table import reduction, swap_case, transpose_case, unsqueeze_case


@settings(max_examples=60, deadline=None)
@given(reduction())
def test_dim_and_keepdim_mean_axis_and_keepdims(case):
    (x,), options = case
    t = tg.tensor(x, requires_grad=True)
    axis, keepdims = options["axis"], options["keepdims"]
    for name in ("sum", "mean", "var", "any", "all"):
        numpy_style = getattr(t, name)(axis=axis, keepdims=keepdims)
        assert np.array_equal(numpy_style.data, getattr(np, name)(x, axis=axis, keepdims=keepdims)), name
        if name != "var":  # var(dim=) is PyTorch's unbiased variance: below
            assert np.array_equal(numpy_style.data, getattr(t, name)(dim=axis, keepdim=keepdims).data), name
    count = x.size // max(np.sum(x, axis=axis, keepdims=keepdims).size, 1)
    if count > 1 and axis is not None:  # (dim=None is NumPy's call: the biased variance)
        np.testing.assert_allclose(t.var(dim=axis, keepdim=keepdims).data, np.var(x, axis=axis, keepdims=keepdims, ddof=1))
    t.sum(dim=axis, keepdim=keepdims).sum().backward()
    assert np.array_equal(t.grad.data, np.ones_like(x))


def test_giving_both_names_of_an_argument_is_refused():
    t = tg.ones(2, 3)
    with pytest.raises(TypeError, match="sum: got both axis=1 and dim=0; give one"):
        t.sum(1, dim=0)
    with pytest.raises(TypeError, match="mean: got both keepdims= and keepdim="):
        t.mean(dim=1, keepdims=True, keepdim=True)
    with pytest.raises(TypeError, match="concatenate: got both axis=1 and dim=1"):
        tg.cat([t, t], 1, dim=1)
    with pytest.raises(TypeError, match="softmax: got both axis=0 and dim=1"):
        t.softmax(0, dim=1)


def test_max_with_dim_gives_values_and_indices_as_pytorch():
    t = tg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], requires_grad=True)
    values, indices = t.max(dim=1)
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    assert t.min(dim=0, keepdim=True).values.tolist() == [[1.0, 0.0, 2.0]]
    assert t.max(axis=1).tolist() == [5.0, 7.0] and t.max(1).values.tolist() == [5.0, 7.0]  # see the section below
    values.sum().backward()
    assert t.grad.tolist() == [[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]  # a tie shares the gradient
    assert t.argmax(dim=1).tolist() == [1, 0]
    with pytest.raises(TypeError, match="takes one dim"):
        t.max(dim=(0, 1))


@settings(max_examples=60, deadline=None)
@given(swap_case())
def test_transpose_of_two_axes_swaps_them_as_pytorch(case):
    (x,), axes = case
    assert np.array_equal(tg.tensor(x).transpose(axes["d0"], axes["d1"]).data, np.swapaxes(x, axes["d0"], axes["d1"]))


@settings(max_examples=60, deadline=None)
@given(transpose_case())
def test_permute_and_transpose_of_one_tuple_permute_as_numpy(case):
    (x,), options = case
    axes = options["axes"] or tuple(reversed(range(x.ndim)))
    expected = np.transpose(x, axes)
    assert np.array_equal(tg.tensor(x).permute(*axes).data, expected)
    assert np.array_equal(tg.tensor(x).permute(axes).data, expected)
    assert np.array_equal(tg.tensor(x).transpose(axes).data, expected)
    assert np.array_equal(np.transpose(tg.tensor(x), axes).data, expected)


def test_the_2d_transpose_that_numpy_and_pytorch_read_differently_follows_pytorch():
    t = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.transpose(0, 1).shape == (3, 2)  # NumPy: the identity permutation, shape (2, 3)
    assert t.transpose(1, 0).shape == (3, 2) and t.transpose(-1, -2).tolist() == t.T.tolist()


@settings(max_examples=60, deadline=None)
@given(unsqueeze_case())
def test_unsqueeze_and_squeeze_undo_each_other(case):
    (x,), options = case
    t = tg.tensor(x)
    grown = t.unsqueeze(options["dim"])
    assert np.array_equal(grown.data, np.expand_dims(x, options["dim"]))
    assert np.array_equal(grown.squeeze(options["dim"]).data, x)
    assert np.array_equal(np.expand_dims(t, options["dim"]).data, grown.data)


def test_squeeze_of_a_longer_axis_is_refused_where_pytorch_would_ignore_it():
    t = tg.ones(2, 1, 3)
    assert t.squeeze().shape == (2, 3) and t.squeeze(1).shape == (2, 3) and t.squeeze(dim=-2).shape == (2, 3)
    with pytest.raises(ValueError, match=r"squeeze: axis 0 of a tensor of shape \(2, 1, 3\) has length 2, not 1"):
        t.squeeze(0)
    with pytest.raises(IndexError, match="unsqueeze: axis 4 is out of range"):
        t.unsqueeze(4)


def test_view_numel_expand_flatten():
    t = tg.arange(6.0, requires_grad=True)
    v = t.view(2, 3)
    assert v.shape == (2, 3) and v.numel() == 6 and t.view(-1, 2).shape == (3, 2)
    assert v.flatten(start_dim=0).shape == (6,) and tg.ones(2, 3, 4).flatten(1).shape == (2, 12)
    e = tg.ones(3, 1, requires_grad=True)
    out = e.expand(2, -1, 4)
    assert out.shape == (2, 3, 4)
    out.sum().backward()
    assert e.grad.tolist() == [[8.0]] * 3
    with pytest.raises(TypeError, match=r"view: takes a shape; to change the dtype use t.to"):
        t.view(np.float32)


def test_dtype_conversions_as_pytorch():
    t = tg.tensor([1.5, 2.5], requires_grad=True)
    assert t.float().dtype == np.float32 and t.float().double().dtype == np.float64
    assert t.to(np.float32).dtype == np.float32 and t.to("float32").dtype == np.float32
    assert t.to("cpu") is t and t.to(tg.ones(1, dtype=np.float32)).dtype == np.float32
    assert t.to(dtype=np.float32, device="cpu").dtype == np.float32
    assert t.long().tolist() == [1, 2] and t.long().dtype == np.int64
    t.float().sum().backward()
    assert t.grad.dtype == np.float64 and t.grad.tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match=r"to\('cuda'\): tinygrad_edu runs on the CPU"):
        t.to("cuda")
    with pytest.raises(TypeError, match="not a dtype"):
        t.to("float-ish")


def test_pow_clamp_clone_and_in_place_fills():
    t = tg.tensor([-2.0, 3.0], requires_grad=True)
    assert t.pow(2).tolist() == [4.0, 9.0] and t.clamp(min=0).tolist() == [0.0, 3.0]
    c = t.clone()
    c.sum().backward()
    assert t.grad.tolist() == [1.0, 1.0]
    t.grad.zero_()
    assert t.grad.tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="zero_\\(\\) would change a tensor of shape \\(2,\\) that autograd is tracking"):
        t.zero_()
    with tg.no_grad():
        assert t.fill_(7.0) is t and t.tolist() == [7.0, 7.0] and t._version == 1


def test_cat_and_stack_take_dim():
    a, b = tg.ones(2, 1), tg.zeros(2, 2)
    assert tg.cat([a, b], dim=1).shape == (2, 3) and tg.cat((a, a)).shape == (4, 1)
    assert tg.stack([b, b], dim=2).shape == (2, 2, 2)


def test_manual_seed_reproduces_every_random_draw():
    def draws():
        return tg.randn(3).tolist(), tg.rand(2).tolist(), tg.nn.Linear(2, 2).weight.tolist()

    tg.manual_seed(123)
    first = draws()
    tg.manual_seed(123)
    assert draws() == first
    with pytest.raises(ValueError, match="manual_seed: the seed must be an int"):
        tg.manual_seed(-1)
    with pytest.raises(ValueError, match="manual_seed"):
        tg.manual_seed(1.5)


def test_python_conversions_of_a_one_element_tensor():
    loss = tg.tensor([2.71828])
    assert int(loss) == 2 and round(loss) == 3 and round(loss, 2) == 2.72 and float(loss) == 2.71828
    assert f"{loss:.3f}" == "2.718" and f"{tg.tensor(0.5):>6.2f}" == "  0.50"


def test_micrograds_update_line_and_numpy_functions_on_tensors():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    (np.sin(p) * p).sum().backward()
    np.testing.assert_allclose(p.grad.data, np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0]))
    p.data += -0.05 * p.grad  # micrograd's update: an ndarray += Tensor updates the array
    assert isinstance(p.data, np.ndarray)
    np.testing.assert_allclose(p.data, [1.0, 2.0] - 0.05 * (np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0])))
    assert tg.derivative(lambda x: np.sin(x))(0.0) == 1.0


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), elements=st.floats(-3, 3)))
def test_std_is_the_square_root_of_var_with_numpys_ddof(x):
    t = tg.tensor(x)
    np.testing.assert_allclose(t.std().data, np.std(x), atol=1e-12)
    if x.shape[0] > 1:
        np.testing.assert_allclose(t.std(dim=0, ddof=1).data, np.std(x, axis=0, ddof=1), atol=1e-12)


# -- found by probing as a PyTorch and a NumPy user ------------------------------------------------
def test_no_gradient_flows_through_integer_or_boolean_casts():
    x = tg.tensor([1.7, 2.2], requires_grad=True)
    assert not x.long().requires_grad and not x.astype(bool).requires_grad
    assert x.long().double().requires_grad is False
    y = x.float()  # a float cast keeps the gradient
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_numpy_functions_that_would_lose_the_gradient_are_refused():
    x = tg.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
    for f in (np.median, np.sort, lambda a: np.percentile(a, 50), lambda a: np.quantile(a, 0.5)):
        with pytest.raises(TypeError, match="on a Tensor that requires grad would lose the gradient"):
            f(x)
    assert np.median(tg.tensor([1.0, 3.0, 2.0])) == 2.0  # on constants it just works
    with pytest.raises(TypeError, match="np.copyto into a Tensor is not supported"):
        np.copyto(x, 5.0)


def test_assigning_to_data_keeps_an_array():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    w.data = [5.0, 6.0]
    assert isinstance(w.data, np.ndarray) and (w * 2).tolist() == [10.0, 12.0]
    (w * w).sum().backward()
    w.data = w.data - 0.1 * w.grad  # PyTorch's manual update: ndarray - Tensor is a Tensor, kept as its array
    assert isinstance(w.data, np.ndarray) and np.allclose(w.data, [4.0, 4.8])
    assert np.asarray(w).dtype == np.float64


def test_astype_and_flatten_copy_as_numpy():
    t = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    b = t.astype(np.float64)
    f = t.flatten()
    with tg.no_grad():
        b -= 1.0
        f += 10.0
    assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert t.astype(np.float64, copy=False) is t and t.double() is t and t.to(np.float64) is t


def test_var_and_std_with_too_few_values_are_inf_as_numpy():
    with pytest.warns(RuntimeWarning):
        assert tg.tensor([1.0, 2.0]).var(ddof=3).item() == np.inf
    with pytest.raises(TypeError):
        tg.tensor([[1.0, 2.0]]).var(1, True)  # PyTorch reads unbiased=True there, NumPy a dtype: keywords only
    t = tg.tensor([1.0, 2.0, 4.0])
    assert t.var(unbiased=True).item() == t.var(ddof=1).item() == t.var(correction=1).item() == t.var(dim=0).item()
    with pytest.raises(TypeError, match="var: got ddof= and correction="):
        t.var(ddof=1, correction=1)


def test_numbers_next_to_float32_tensors_stay_float32():
    t32 = tg.tensor(np.array([0.5, -2.0], np.float32), requires_grad=True)
    for result in (np.maximum(0, t32), np.minimum(1.0, t32), np.power(2, t32), tg.maximum(0, t32), np.clip(t32, 0, 1)):
        assert result.dtype == np.float32
    np.power(2, t32).sum().backward()
    assert t32.grad.dtype == np.float32


def test_manual_seed_also_seeds_shuffled_batches():
    def losses():
        tg.manual_seed(3)
        model = tg.nn.Linear(2, 1)
        X = np.random.rand(20, 2)
        return tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model.parameters(), lr=0.1), (X, X.sum(1, keepdims=True)),
                      epochs=3, batch_size=4, shuffle=True, verbose=False).loss

    assert losses() == losses()


def test_binary_cross_entropy_follows_pytorch_at_the_ends():
    p = tg.tensor([0.0, 1.0, 0.3], requires_grad=True)
    loss = tg.nn.binary_cross_entropy(p, [1.0, 1.0, 0.0], reduction="sum")
    loss.backward()
    assert loss.item() == pytest.approx(100.0 - np.log(0.7))  # each log floored at -100
    assert p.grad.tolist()[:2] == [-1e12, 0.0]  # a saturated wrong answer still learns; a right one is done
    with pytest.raises(ValueError, match="binary_cross_entropy: predictions must be probabilities in"):
        tg.nn.binary_cross_entropy(tg.tensor([1.5]), [1.0])


def test_zero_dimensional_and_empty_tensors():
    s = tg.tensor(3.0)
    assert s.squeeze(0).shape == () and s.transpose(0, 0).shape == () and s.sum(dim=0).item() == 3.0
    assert s.softmax().item() == 1.0 and s.max(dim=0).values.item() == 3.0
    assert tg.zeros(0, 3, 4).flatten(1).shape == (0, 12) and tg.nn.Flatten()(tg.zeros(0, 3, 4)).shape == (0, 12)
    assert tg.zeros(0, 3).softmax(dim=0).shape == (0, 3)
    assert tg.ones(1).broadcast_to(3).shape == (3,) and np.broadcast_to(tg.ones(1), 3).shape == (3,)
    assert tg.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(dim=[]).item() == 10.0  # PyTorch: no dims means all


def test_clamp_with_tensor_bounds_gives_each_side_its_gradient():
    x = tg.tensor([0.5, 2.0, -1.0], requires_grad=True)
    low = tg.tensor([0.0, 0.0, 0.0], requires_grad=True)
    out = x.clamp(low, tg.ones(3))
    out.sum().backward()
    assert out.tolist() == [0.5, 1.0, 0.0] and x.grad.tolist() == [1.0, 0.0, 0.0] and low.grad.tolist() == [0.0, 0.0, 1.0]


def test_module_and_layer_options_as_pytorch_spells_them():
    assert tg.nn.Linear(2, 2).to("cpu").weight.dtype == np.float64
    assert tg.nn.Linear(2, 2).to(device="cpu", dtype=np.float32).weight.dtype == np.float32
    assert tg.nn.Dropout(np.float32(0.5)).p == 0.5
    assert tg.nn.Softmax(dim=0)(tg.ones(2, 2)).tolist() == [[0.5, 0.5], [0.5, 0.5]]
    with pytest.raises(TypeError, match="softmax: give dim="):
        tg.nn.functional.softmax(tg.ones(2), dim=None)
    with pytest.raises(ValueError, match=r"to\('cuda'\)"):
        tg.nn.Linear(2, 2).to("cuda")


def test_batch_norm_with_momentum_none_keeps_the_plain_average():
    bn = tg.nn.BatchNorm1d(2, momentum=None)
    batches = [np.array([[1.0, 2.0], [3.0, 6.0]]) * k for k in (1, 2, 3)]
    for b in batches:
        bn(tg.tensor(b))
    np.testing.assert_allclose(bn.running_mean.data, np.mean([b.mean(axis=0) for b in batches], axis=0))
    assert bn.num_batches_tracked.item() == 3


# -- grad mode as PyTorch switches it (issue: the habits learners bring) ---------------------------
@pytest.fixture
def grad_mode_restored():
    """Each test starts recording and leaves recording on, even when it fails half-way."""
    tg.set_grad_enabled(True)
    yield
    tg.set_grad_enabled(True)
    assert tg.is_grad_enabled()


@pytest.mark.parametrize("first", [False, True])
def test_set_grad_enabled_called_as_a_function_switches_until_switched_back(grad_mode_restored, first):
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    tg.set_grad_enabled(first)
    assert tg.is_grad_enabled() is first and (w * 2).requires_grad is first
    tg.set_grad_enabled(first)  # the same call again changes nothing
    assert tg.is_grad_enabled() is first
    tg.set_grad_enabled(not first)
    assert tg.is_grad_enabled() is (not first) and (w * 2).requires_grad is (not first)


@pytest.mark.parametrize("outer", [False, True])
@pytest.mark.parametrize("inner", [False, True])
def test_set_grad_enabled_as_a_block_and_a_decorator_restore_the_mode_around_them(grad_mode_restored, outer, inner):
    tg.set_grad_enabled(outer)
    with tg.set_grad_enabled(inner):
        assert tg.is_grad_enabled() is inner
    assert tg.is_grad_enabled() is outer

    @tg.set_grad_enabled(inner)
    def body():
        return tg.is_grad_enabled()

    assert tg.is_grad_enabled() is outer  # writing the decorator switched nothing
    assert body() is inner and tg.is_grad_enabled() is outer
    switch = tg.set_grad_enabled(inner)  # made first, entered later (PyTorch: the call switched)
    assert tg.is_grad_enabled() is inner
    with switch:
        assert tg.is_grad_enabled() is inner
    assert tg.is_grad_enabled() is outer


@pytest.mark.parametrize("make", [tg.no_grad, tg.enable_grad, lambda: tg.set_grad_enabled(False)])
@pytest.mark.parametrize("start", [False, True])
def test_one_switch_entered_inside_itself_restores_each_entrys_state(grad_mode_restored, make, start):
    tg.set_grad_enabled(start)
    switch = make()
    with switch:
        inside = tg.is_grad_enabled()
        with tg.set_grad_enabled(not inside):
            with switch:
                assert tg.is_grad_enabled() is inside
            assert tg.is_grad_enabled() is (not inside)  # the inner exit restored the inner state
        assert tg.is_grad_enabled() is inside
    assert tg.is_grad_enabled() is start  # and the outer exit the outer one


def test_an_exception_inside_a_block_still_restores_the_mode(grad_mode_restored):
    with pytest.raises(ZeroDivisionError):
        with tg.no_grad():
            1 / 0
    assert tg.is_grad_enabled()


@pytest.mark.parametrize("switch, inside", [(tg.no_grad, False), (tg.enable_grad, True),
                                            (lambda: tg.set_grad_enabled(False), False)])
@pytest.mark.parametrize("caller", [False, True])
def test_a_decorated_generator_runs_its_body_switched_and_the_caller_not(grad_mode_restored, switch, inside, caller):
    w = tg.tensor([1.0], requires_grad=True)

    @switch()
    def steps(n):
        received = []
        for _ in range(n):
            value = yield tg.is_grad_enabled(), (w * 2).requires_grad
            received.append((value, tg.is_grad_enabled()))
        return received

    tg.set_grad_enabled(caller)
    run = steps(3)
    assert tg.is_grad_enabled() is caller  # making the generator runs nothing
    assert next(run) == (inside, inside) and tg.is_grad_enabled() is caller
    assert run.send("a") == (inside, inside) and tg.is_grad_enabled() is caller
    assert run.send("b") == (inside, inside)
    with pytest.raises(StopIteration) as done:
        run.send("c")
    assert done.value.value == [("a", inside), ("b", inside), ("c", inside)]  # the return value comes through
    assert tg.is_grad_enabled() is caller
    assert list(steps(2)) == [(inside, inside)] * 2 and tg.is_grad_enabled() is caller


def test_a_decorated_generator_receives_throw_and_close_switched(grad_mode_restored):
    seen = []

    @tg.no_grad()
    def steps():
        try:
            while True:
                try:
                    yield
                except KeyError:
                    seen.append(("caught", tg.is_grad_enabled()))
        finally:
            seen.append(("closed", tg.is_grad_enabled()))

    run = steps()
    next(run)
    run.throw(KeyError("k"))
    assert tg.is_grad_enabled()
    run.close()
    assert seen == [("caught", False), ("closed", False)] and tg.is_grad_enabled()


def test_grad_mode_is_per_thread(grad_mode_restored):
    import threading

    seen = []
    tg.set_grad_enabled(False)
    worker = threading.Thread(target=lambda: seen.append(tg.is_grad_enabled()))
    worker.start()
    worker.join()
    assert seen == [True] and not tg.is_grad_enabled()


def test_detect_anomaly_still_switches_as_a_block_and_a_decorator():
    x = tg.tensor([-1.0], requires_grad=True)

    @tg.detect_anomaly()
    def log_of(t):
        return t.log()

    with pytest.raises(tg.AnomalyError, match="'log' produced NaN"):
        log_of(x)
    with np.errstate(invalid="ignore"):
        assert np.isnan(x.log().item())  # outside, no check


# -- max/min: the result follows the form of the call ----------------------------------------------
# A positional axis or PyTorch's dim= gives PyTorch's pair (values, indices); NumPy's axis= keyword,
# no axis, or NumPy's own np.max give the values. The pair refuses to be used as a tensor.
def _pair_cases():
    """(name, call, expected numpy reduction, arg-reduction) for every PyTorch spelling."""
    for name, reduce, position in (("max", np.max, np.argmax), ("min", np.min, np.argmin)):
        for axis in (0, 1, -1, 2):
            for keep in (False, True):
                yield name, reduce, position, axis, keep


@pytest.mark.parametrize("name, reduce, position, axis, keep", list(_pair_cases()))
def test_a_positional_axis_or_dim_gives_pytorchs_values_and_indices(name, reduce, position, axis, keep):
    x = np.random.default_rng(axis + 2 + 5 * keep).standard_normal((2, 3, 4))
    t = tg.tensor(x, requires_grad=True)
    method = getattr(t, name)
    calls = [method(axis, keep), method(dim=axis, keepdim=keep), getattr(tg, name)(t, axis, keep),
             getattr(tg, name)(x, dim=axis, keepdim=keep)]
    if not keep:
        calls += [method(axis), method(dim=axis), getattr(tg, name)(t, axis)]
    for pair in calls:
        assert isinstance(pair, tuple) and len(pair) == 2
        values, indices = pair  # unpacks in two
        assert values is pair.values is pair[0] and indices is pair.indices is pair[1] and pair[-1] is indices
        np.testing.assert_array_equal(values.data, reduce(x, axis=axis, keepdims=keep))
        np.testing.assert_array_equal(indices.data, position(x, axis=axis, keepdims=keep))
        assert not indices.requires_grad and indices.dtype.kind == "i"
    calls[0].values.sum().backward()  # the values carry the gradient to the extreme elements
    expected = (x == reduce(x, axis=axis, keepdims=True)).astype(float)
    np.testing.assert_array_equal(t.grad.data, expected)


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keep", [False, True])
def test_numpys_axis_keyword_no_axis_and_numpys_function_give_the_values(name, axis, keep):
    x = np.random.default_rng(3).standard_normal((3, 4))
    t = tg.tensor(x)
    expected = getattr(np, name)(x, axis=axis, keepdims=keep)
    amax = np.amax if name == "max" else np.amin
    results = [getattr(t, name)(axis=axis, keepdims=keep), getattr(tg, name)(t, axis=axis, keepdims=keep),
               getattr(np, name)(t, axis=axis, keepdims=keep), amax(t, axis, None, keep)]
    if axis is not None and not keep:
        results.append(getattr(np, name)(t, axis))  # NumPy's function keeps NumPy's meaning
    if axis is None and not keep:
        results += [getattr(t, name)(), getattr(tg, name)(t), getattr(t, name)(None)]
    for result in results:
        assert isinstance(result, tg.Tensor)
        np.testing.assert_array_equal(result.data, expected)


def test_the_pytorch_classification_idiom_gives_the_predicted_classes():
    logits = tg.tensor([[0.1, 2.0, 0.3], [1.5, 0.2, 0.1]], requires_grad=True)  # a batch of 2: the old trap
    labels = np.array([1, 2])
    _, predicted = tg.max(logits, 1)
    assert predicted.tolist() == [1, 0]
    assert (predicted == tg.tensor(labels)).sum().item() == 1
    assert logits.max(1)[1].tolist() == [1, 0] and logits.argmax(1).tolist() == [1, 0]
    for batch in (1, 3, 5):  # other batch sizes unpack the same way (they used to fail or mislead)
        scores = tg.tensor(np.random.default_rng(batch).standard_normal((batch, 4)))
        _, predicted = scores.max(1)
        assert predicted.tolist() == np.argmax(scores.data, axis=1).tolist()


@pytest.mark.parametrize("call", [lambda t: t.max(1), lambda t: t.min(dim=0), lambda t: tg.max(t, 1),
                                  lambda t: t.max(-1, True)])
@pytest.mark.parametrize("use", [
    lambda p: p * 2, lambda p: 2 * p, lambda p: p + 1, lambda p: 1 + p, lambda p: p - 1.0, lambda p: p / 2,
    lambda p: p ** 2, lambda p: -p, lambda p: abs(p), lambda p: p @ np.ones(2), lambda p: p > 0, lambda p: p == 1.0,
    lambda p: p != 1.0, lambda p: p <= 0, lambda p: np.asarray(p), lambda p: np.array(p), lambda p: np.ones(2) * p,
    lambda p: np.ones(2) + p, lambda p: np.exp(p), lambda p: tg.tensor(p), lambda p: tg.ones(2) * p,
    lambda p: tg.ones(2) == p, lambda p: p[:, 0], lambda p: p[0:1], lambda p: p[np.array([0])], lambda p: p[True],
    lambda p: bool(p), lambda p: float(p), lambda p: p + p,
])
def test_the_pair_refuses_to_be_used_as_a_tensor(call, use):
    pair = call(tg.tensor([[1.0, 5.0], [7.0, 2.0]]))
    with pytest.raises(TypeError, match=r"followed PyTorch and returned the pair \(values, indices\).*"
                                        r"take \.values.*axis=.* for NumPy's values"):
        use(pair)


def test_the_pairs_refusal_names_the_call_and_the_numpy_spelling():
    t = tg.ones(2, 3)
    with pytest.raises(TypeError, match=r"^max\(1\) followed PyTorch.*so arithmetic \(\*\) is refused.*"
                                        r"write max\(axis=1\) for NumPy's values"):
        t.max(1) * 2
    with pytest.raises(TypeError, match=r"^min\(0, keepdim=True\) followed.*min\(axis=0, keepdims=True\)"):
        t.min(0, True) + 1
    with pytest.raises(AttributeError, match=r"max\(1\) followed PyTorch.*so \.sum is refused"):
        t.max(1).sum()
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        t.max(1).nothing  # noqa: B018 - names a Tensor does not have fail as usual
    with pytest.raises(TypeError, match=r"max\(\(0, 1\)\): .* takes one dim .* max\(axis=\(0, 1\)\) for NumPy's values"):
        t.max((0, 1))
    with pytest.raises(TypeError, match="takes one dim"):
        t.min(dim=[0, 1])


def test_the_pair_copies_prints_and_hashes_as_a_tuple():
    import copy

    pair = tg.tensor([[1.0, 5.0], [7.0, 2.0]]).max(1)
    assert repr(pair).startswith("MaxResult(values=Tensor([5., 7.])") and "indices=Tensor([1, 0]" in repr(pair)
    clone = copy.copy(pair)
    assert clone.values is pair.values and clone.indices is pair.indices
    with pytest.raises(TypeError, match="returned the pair"):
        clone * 2  # the copy keeps the refusals
    assert {pair: 1}[pair] == 1


def test_max_of_two_tensors_is_the_elementwise_maximum_as_torch_max():
    a = tg.tensor([1.0, 5.0, -2.0], requires_grad=True)
    b = tg.tensor([3.0, 2.0, -2.0], requires_grad=True)
    assert tg.max(a, b).tolist() == [3.0, 5.0, -2.0] and a.min(b).tolist() == [1.0, 2.0, -2.0]
    assert tg.max(a, np.zeros(3)).tolist() == [1.0, 5.0, 0.0]
    tg.max(a, b).sum().backward()
    assert a.grad.tolist() == [0.0, 1.0, 0.5] and b.grad.tolist() == [1.0, 0.0, 0.5]
    with pytest.raises(TypeError, match=r"max\(other\): the elementwise max of two tensors takes no axis"):
        a.max(b, True)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_and_argmin_give_indices_in_every_spelling(name):
    x = np.random.default_rng(9).standard_normal((3, 4))
    t = tg.tensor(x)
    for axis in (None, 0, 1, -1):
        expected = getattr(np, name)(x, axis=axis)
        results = [getattr(t, name)(axis=axis), getattr(t, name)(axis), getattr(tg, name)(t, axis), getattr(np, name)(t, axis)]
        if axis is not None:
            results.append(getattr(t, name)(dim=axis))
        for result in results:
            assert isinstance(result, tg.Tensor) and result.tolist() == expected.tolist()


# -- NaN and infinity at the edges, against PyTorch's rules -----------------------------------------
def _gradient(f, values, create_graph=False, dtype=np.float64):
    """The gradient of f(x).sum() at x, by backward on arrays or (create_graph) on Tensors."""
    x = tg.tensor(np.array(values, dtype=dtype), requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 warns in NumPy's forward
        total = f(x).sum()
    (grad,) = tg.autograd.grad(total, [x], create_graph=create_graph)
    return grad


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_exponents_gradient_at_a_zero_base_follows_pytorch(create_graph, dtype):
    exponents = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]
    # PyTorch: grad * where(a == 0 and b >= 0, 0, a^b ln a); at a == 0, b < 0 that is inf * -inf
    expected = [-np.inf, -np.inf, -np.inf, 0.0, 0.0, 0.0, 0.0]
    for base in (tg.tensor(np.zeros(7, dtype)), tg.tensor(np.zeros((), dtype)), 0.0, tg.tensor(np.zeros((2, 1), dtype))):
        grad = _gradient(lambda b: base ** b, exponents, create_graph, dtype)
        rows = 2 if getattr(base, "ndim", 0) == 2 else 1  # broadcast over two rows: the gradient sums them
        np.testing.assert_array_equal(grad.data, np.array(expected) * rows)
        assert grad.dtype == dtype and grad.requires_grad is create_graph
    negative_zero = _gradient(lambda b: tg.tensor(np.full(2, -0.0)) ** b, [-1.0, 2.0], create_graph)
    np.testing.assert_array_equal(negative_zero.data, [np.inf, 0.0])  # (-0)^-1 = -inf, ln(-0) = -inf: as PyTorch


@pytest.mark.parametrize("create_graph", [False, True])
def test_the_exponents_gradient_elsewhere_is_unchanged(create_graph):
    a = np.array([2.0, 0.5, -1.0, -2.0, 1e-300])
    exponents = np.array([-1.0, 3.0, 0.5, 2.0, 0.5])
    grad = _gradient(lambda b: tg.tensor(a) ** b, exponents, create_graph)
    finite = [0, 1, 4]  # a positive base, however small: a^b ln a
    np.testing.assert_allclose(grad.data[finite], a[finite] ** exponents[finite] * np.log(a[finite]))
    assert np.isnan(grad.data[2]) and np.isnan(grad.data[3])  # no real derivative for a negative base


def test_the_second_derivative_in_the_exponent_at_a_zero_base():
    b = tg.tensor([-1.0, -0.5, 0.0, 2.0], requires_grad=True)
    a = tg.tensor([0.0, 0.0, 0.0, 0.0])
    with np.errstate(divide="ignore"):
        (first,) = tg.autograd.grad((a**b).sum(), [b], create_graph=True)
    (second,) = tg.autograd.grad(first.sum(), [b])
    # d2(a^b)/db2 = a^b (ln a)^2: inf * inf where b < 0; the masked branch is a constant 0 elsewhere
    np.testing.assert_array_equal(second.data, [np.inf, np.inf, 0.0, 0.0])
    c = tg.tensor([3.0, 0.5], requires_grad=True)
    (first,) = tg.autograd.grad((tg.tensor([2.0, 5.0]) ** c).sum(), [c], create_graph=True)
    (second,) = tg.autograd.grad(first.sum(), [c])
    np.testing.assert_allclose(second.data, np.array([2.0, 5.0]) ** c.data * np.log([2.0, 5.0]) ** 2)


def _nan_rule(x, axis, reduce):
    """PyTorch's amax/amin rule (and JAX's): the gradient of sum(reduce(x, axis)) is 1/k on the
    k extreme elements of a slice; a slice holding a NaN gets NaN everywhere (0/0)."""
    extreme = reduce(x, axis=axis, keepdims=True)
    winners = (x == extreme).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return winners / winners.sum(axis=axis, keepdims=True)


NAN_ROWS = [
    [[1.0, np.nan], [3.0, 2.0]],
    [[np.nan, np.nan], [2.0, 2.0]],
    [[np.nan, 1.0, np.nan], [np.inf, 1.0, 0.0]],
    [[-np.inf, np.nan, 5.0], [-np.inf, -np.inf, -np.inf]],
]


@pytest.mark.parametrize("values", NAN_ROWS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("name, reduce", [("max", np.max), ("min", np.min)])
@pytest.mark.parametrize("create_graph", [False, True])
def test_a_slice_holding_nan_gives_its_elements_a_nan_gradient(values, axis, name, reduce, create_graph):
    x = np.array(values)
    grad = _gradient(lambda t: getattr(t, name)(axis=axis), values, create_graph)
    np.testing.assert_array_equal(grad.data, _nan_rule(x, axis, reduce))
    slices_with_nan = np.isnan(reduce(x, axis=axis, keepdims=True)) & np.ones_like(x, dtype=bool)
    assert np.isnan(grad.data[slices_with_nan]).all() and not np.isnan(grad.data[~slices_with_nan]).any()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_nan_rule_holds_for_the_pytorch_form_keepdims_and_float32(dtype):
    values = [[1.0, np.nan, 0.0], [4.0, 4.0, 1.0]]
    grad = _gradient(lambda t: t.max(1).values, values, dtype=dtype)
    np.testing.assert_array_equal(grad.data, [[np.nan] * 3, [0.5, 0.5, 0.0]])
    assert grad.dtype == dtype
    kept = _gradient(lambda t: t.min(axis=0, keepdims=True) * 2.0, values, True, dtype)
    np.testing.assert_array_equal(kept.data, [[2.0, np.nan, 2.0], [0.0, np.nan, 0.0]])
    assert np.isnan(tg.tensor(values).max(dim=1).values.data[0]) and tg.tensor(values).max(dim=1).indices.tolist()[0] == 1


def test_a_nan_max_reaches_detect_anomaly_at_the_max():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with pytest.raises(tg.AnomalyError, match="'max"):
        with tg.detect_anomaly():
            (x * tg.tensor([[1.0, np.nan], [1.0, 1.0]])).max(axis=1).sum().backward()


# -- foreign array types: np.matrix and masked arrays are refused, other subclasses are arrays -----
def _matrix():
    return np.matrix([[1.0, 2.0], [3.0, 4.0]])


def _masked():
    return np.ma.masked_array([[1.0, 2.0], [3.0, 4.0]], mask=[[False, True], [False, False]])


class _MyMatrix(np.matrix):
    pass


FOREIGN = [
    ("numpy.matrix", _matrix, r"np\.asarray\(m\)"),
    (r"test_pytorch_habits\._MyMatrix", lambda: _MyMatrix([[1.0, 2.0], [3.0, 4.0]]), r"np\.asarray\(m\)"),
    ("numpy.ma.MaskedArray", _masked, r"m\.filled\(value\).*m\.compressed\(\)"),
    ("numpy.ma.core.MaskedConstant", lambda: np.ma.masked, r"m\.filled\(value\)"),
]
USES = {
    "t * m": lambda t, m: t * m, "m * t": lambda t, m: m * t if not np.ma.isMaskedArray(m) else t * m,
    "m @ t": lambda t, m: m @ t if not np.ma.isMaskedArray(m) else t @ m, "t @ m": lambda t, m: t @ m,
    "t + m": lambda t, m: t + m, "m + t": lambda t, m: m + t if not np.ma.isMaskedArray(m) else t - m,
    "t == m": lambda t, m: t == m, "tg.tensor(m)": lambda t, m: tg.tensor(m), "tg.Tensor(m)": lambda t, m: tg.Tensor(m),
    "tg.as_tensor(m)": lambda t, m: tg.as_tensor(m), "tg.tensor([m, m])": lambda t, m: tg.tensor([m, m]),
    "tg.where(m, t, 0)": lambda t, m: tg.where(m, t, 0.0), "tg.where(c, m, t)": lambda t, m: tg.where(t > 2, m, t),
    "np.multiply(t, m)": lambda t, m: np.multiply(t, m), "np.maximum(m, t)": lambda t, m: np.maximum(m, t),
    "tg.maximum(t, m)": lambda t, m: tg.maximum(t, m), "np.concatenate": lambda t, m: np.concatenate([t, m]),
    "tg.cat": lambda t, m: tg.cat([t, m]), "np.dot(m, t)": lambda t, m: np.dot(m, t), "t.dot(m)": lambda t, m: t.dot(m),
    "np.where": lambda t, m: np.where(t > 2, t, m), "t.data = m": lambda t, m: setattr(tg.ones(2, 2), "data", m),
    "t.grad = m": lambda t, m: setattr(tg.ones(2, 2, requires_grad=True), "grad", m),
    "t += m": lambda t, m: t.detach().__iadd__(m), "t[...] = m": lambda t, m: t.detach().__setitem__(Ellipsis, m),
    "tg.sum(m)": lambda t, m: tg.sum(m), "tg.exp(m)": lambda t, m: tg.exp(m),
}


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # NumPy's about np.matrix itself
@pytest.mark.parametrize("name, make, fix", FOREIGN, ids=[f[0] for f in FOREIGN])
@pytest.mark.parametrize("use", USES, ids=list(USES))
def test_matrices_and_masked_arrays_are_refused_naming_the_type_and_the_fix(name, make, fix, use):
    t = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with pytest.raises(TypeError, match=rf"{name} is not supported as tensor data or operand.*{fix}"):
        USES[use](t, make())


def test_a_masked_array_on_the_left_is_refused_too():
    # np.ma computes m * t itself, reading t's values through np.asarray: that read is refused
    # (the product would be a masked array outside the graph, its gradient silently lost)
    t = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    for use in (lambda: _masked() * t, lambda: _masked() - t, lambda: _masked() / t):
        with pytest.raises(TypeError, match="MaskedArray is not supported"):
            use()


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_other_ndarray_subclasses_are_used_as_plain_arrays(tmp_path):
    memmap = np.memmap(tmp_path / "values.bin", dtype=np.float64, mode="w+", shape=(2, 2))
    memmap[:] = [[1.0, 2.0], [3.0, 4.0]]
    t = tg.tensor([[1.0, 1.0], [2.0, 2.0]], requires_grad=True)
    for result in (t * memmap, memmap * t, tg.as_tensor(memmap), tg.tensor(memmap), tg.where(t > 1, memmap, t)):
        assert type(result) is tg.Tensor and type(result.data) is np.ndarray
    assert (t * memmap).tolist() == [[1.0, 2.0], [6.0, 8.0]] and (memmap @ t).tolist() == [[5.0, 5.0], [11.0, 11.0]]
    assert np.shares_memory(tg.as_tensor(memmap).data, memmap)  # used as it is, as any float array
    (memmap * t).sum().backward()
    assert t.grad.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert tg.tensor(np.asarray(_matrix())).tolist() == [[1.0, 2.0], [3.0, 4.0]]  # the fixes work
    assert tg.tensor(_masked().filled(0.0)).tolist() == [[1.0, 0.0], [3.0, 4.0]]


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4), (1, 4, 1), (5,), (0, 3)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_ravel_reshape_and_flatten_follow_numpys_order(shape, order):
    x = np.arange(float(np.prod(shape))).reshape(shape) * 1.5
    t = tg.tensor(x, requires_grad=True)
    target = (-1, shape[0]) if x.size else (0, 2)
    assert np.array_equal(np.ravel(t, order=order).data, np.ravel(x, order=order))
    assert np.array_equal(np.ravel(t, order).data, np.ravel(x, order))
    assert np.array_equal(np.reshape(t, target, order=order).data, np.reshape(x, target, order=order))
    assert np.array_equal(t.reshape(*target, order=order).data, x.reshape(*target, order=order))
    assert np.array_equal(t.flatten(order).data, x.flatten(order))
    assert np.array_equal(t.flatten(order=order).data, x.flatten(order=order))
    weights = np.arange(float(x.size)) + 1.0
    (np.ravel(t, order=order) * tg.tensor(weights)).sum().backward()  # each element gets its own weight back
    np.testing.assert_array_equal(t.grad.data, weights.reshape(shape, order=order))


def test_orders_that_follow_the_memory_layout_are_refused():
    t = tg.ones(2, 3)
    for call, name in ((lambda: np.ravel(t, order="A"), "np.ravel"), (lambda: np.reshape(t, 6, order="K"), "np.reshape"),
                       (lambda: t.reshape(3, 2, order="A"), "reshape"), (lambda: t.flatten("K"), "flatten")):
        with pytest.raises(ValueError, match=rf"^{name}: order='[AK]' is not supported; give 'C' .* or 'F'"):
            call()
    with pytest.raises(ValueError, match="flatten: order='F' merges all the axes"):
        t.flatten(1, order="F")
    flat = t.flatten("F")
    with tg.no_grad():
        flat += 1.0
    assert t.tolist() == [[1.0] * 3] * 2  # a copy, as NumPy's flatten


# -- axes: one rule, NumPy's AxisError (a ValueError and an IndexError), one message --------------
def _axis_calls():
    """(op name in the message, call with an axis, positions the call allows for a (2, 3, 4) tensor)."""
    one = {
        "sum": lambda t, a: t.sum(axis=a), "mean": lambda t, a: t.mean(dim=a), "var": lambda t, a: t.var(axis=a),
        "std": lambda t, a: t.std(axis=a), "max": lambda t, a: t.max(axis=a), "min": lambda t, a: t.min(a),
        "any": lambda t, a: t.any(axis=a), "all": lambda t, a: t.all(dim=a), "argmax": lambda t, a: t.argmax(a),
        "argmin": lambda t, a: t.argmin(axis=a), "softmax": lambda t, a: t.softmax(a),
        "log_softmax": lambda t, a: t.log_softmax(dim=a), "squeeze": lambda t, a: t.squeeze(a),
        "flatten": lambda t, a: t.flatten(a), "swapaxes": lambda t, a: t.swapaxes(0, a),
        "transpose": lambda t, a: t.transpose(a, 0), "permute": lambda t, a: t.permute(0, 1, a),
        "concatenate": lambda t, a: tg.concatenate([t, t], axis=a),
    }
    numpy_forms = {  # and other spellings: the message names the op that checked the axis
        "tg.cat": ("concatenate", lambda t, a: tg.cat([t, t], dim=a)),
        "np.sum": ("sum", lambda t, a: np.sum(t, a)), "np.max": ("max", lambda t, a: np.max(t, axis=a)),
        "np.argmax": ("argmax", lambda t, a: np.argmax(t, a)), "np.squeeze": ("squeeze", lambda t, a: np.squeeze(t, a)),
        "np.swapaxes": ("swapaxes", lambda t, a: np.swapaxes(t, a, 0)),
        "np.transpose": ("transpose", lambda t, a: np.transpose(t, (a, 0, 1))),
        "np.concatenate": ("concatenate", lambda t, a: np.concatenate([t, t], a)),
        "nn.Softmax": ("softmax", lambda t, a: tg.nn.Softmax(dim=a)(t)),
        "nn.functional.log_softmax": ("log_softmax", lambda t, a: tg.nn.functional.log_softmax(t, dim=a)),
    }
    for name, call in one.items():
        yield name, name, call, 3
    for label, (name, call) in numpy_forms.items():
        yield label, name, call, 3
    yield "unsqueeze", "unsqueeze", lambda t, a: t.unsqueeze(a), 4  # the new axis may also come last
    yield "np.expand_dims", "unsqueeze", lambda t, a: np.expand_dims(t, a), 4
    yield "stack", "stack", lambda t, a: tg.stack([t, t], axis=a), 4


AXIS_CALLS = list(_axis_calls())


@pytest.mark.parametrize("label, name, call, positions", AXIS_CALLS, ids=[c[0] for c in AXIS_CALLS])
def test_every_axis_out_of_range_is_numpys_axis_error_with_one_message(label, name, call, positions):
    t = tg.ones(2, 3, 4)
    added = "" if positions == 3 else f"; the result has {positions} axes"
    for axis in (positions, positions + 2, -positions - 1, -positions - 7):
        with pytest.raises(np.exceptions.AxisError) as caught:
            call(t, axis)
        assert isinstance(caught.value, ValueError) and isinstance(caught.value, IndexError)
        assert str(caught.value) == (f"{name}: axis {axis} is out of range for a tensor of shape (2, 3, 4) "
                                     f"(valid: {-positions} to {positions - 1}{added})")
    for axis in (positions - 1, -positions):  # the ends of the range are in range
        try:
            call(t, axis)
        except np.exceptions.AxisError:
            raise
        except ValueError:  # another rule of the op (squeezing a longer axis, a repeated axis in permute)
            pass


@pytest.mark.parametrize("label, name, call, positions", AXIS_CALLS, ids=[c[0] for c in AXIS_CALLS])
def test_an_axis_that_is_not_an_int_is_a_type_error_naming_the_range(label, name, call, positions):
    for axis in (1.0, "1", True) if label != "flatten" else (1.0, True):  # t.flatten("F") is NumPy's order
        with pytest.raises(TypeError, match=rf"^{name}: axis {axis!r} is not an int; the axes of a tensor of shape "
                                            rf"\(2, 3, 4\) are ints from -{positions} to {positions - 1}"):
            call(tg.ones(2, 3, 4), axis)


def test_axes_in_a_tuple_and_of_a_zero_dimensional_tensor():
    t = tg.ones(2, 3)
    with pytest.raises(np.exceptions.AxisError, match=r"^sum: axis 2 is out of range for a tensor of shape \(2, 3\)"):
        t.sum(axis=(0, 2))
    with pytest.raises(np.exceptions.AxisError, match=r"^squeeze: axis 2 .* \(valid: -2 to 1\)"):
        tg.ones(1, 1).squeeze((0, 2))
    s = tg.tensor(3.0)  # 0 and -1 are a 0-d tensor's axes, as PyTorch takes them
    assert s.sum(0).item() == 3.0 and s.squeeze(-1).shape == () and s.unsqueeze(-1).shape == (1,)
    for call in (lambda: s.sum(axis=1), lambda: s.squeeze(-2), lambda: s.softmax(1)):
        with pytest.raises(np.exceptions.AxisError, match=r"for a tensor of shape \(\) \(valid: -1 to 0\)"):
            call()


@settings(max_examples=60, deadline=None)
@given(hnp.array_shapes(min_dims=3, max_dims=5, max_side=3), st.randoms(use_true_random=False))
def test_transpose_of_three_or_more_loose_axes_is_numpys_permutation(shape, random):
    x = np.arange(float(np.prod(shape))).reshape(shape)
    axes = list(range(len(shape)))
    random.shuffle(axes)
    t = tg.tensor(x, requires_grad=True)
    out = t.transpose(*axes)
    np.testing.assert_array_equal(out.data, x.transpose(*axes))
    np.testing.assert_array_equal(out.data, t.permute(*axes).data)
    weights = np.arange(float(x.size)).reshape(out.shape)
    (out * tg.tensor(weights)).sum().backward()
    np.testing.assert_array_equal(t.grad.data, np.transpose(weights, np.argsort(axes)))


def test_transposes_other_forms_are_kept():
    t = tg.tensor(np.arange(24.0).reshape(2, 3, 4))
    assert t.transpose().shape == (4, 3, 2) and t.transpose(None).shape == (4, 3, 2)  # reversed, NumPy
    assert t.transpose(0, 2).shape == (4, 3, 2) and t.transpose(-1, 1).shape == (2, 4, 3)  # two ints swap, PyTorch
    assert t.transpose((2, 0, 1)).shape == (4, 2, 3) and t.transpose([1, 2, 0]).shape == (3, 4, 2)  # NumPy's tuple
    assert tg.ones(3).transpose(0).shape == (3,)
    with pytest.raises(ValueError, match=r"^transpose: \(0, 0, 1\) is not an order of all 3 axes"):
        t.transpose(0, 0, 1)
    with pytest.raises(ValueError, match=r"^transpose: \(2,\) is not an order of all 3 axes"):
        t.transpose(2)


@pytest.mark.parametrize("switch, inside", [(tg.no_grad, False), (tg.enable_grad, True)])
@pytest.mark.parametrize("caller", [False, True])
def test_a_switch_written_as_a_decorator_without_parentheses_decorates(grad_mode_restored, switch, inside, caller):
    # PyTorch 2 accepts @torch.no_grad; it used to make a switch that never ran the function
    @switch
    def body(x, scale=1):
        return tg.is_grad_enabled(), x * scale

    @switch
    def steps():
        yield tg.is_grad_enabled()

    tg.set_grad_enabled(caller)
    assert body(3, scale=2) == (inside, 6) and tg.is_grad_enabled() is caller
    assert list(steps()) == [inside] and tg.is_grad_enabled() is caller
    assert body.__name__ == "body"
    with pytest.raises(TypeError, match=rf"{switch.__name__}\(\) takes no value, got False"):
        switch(False)


def test_detect_anomaly_without_parentheses_decorates():
    @tg.detect_anomaly
    def log_of(t):
        return t.log()

    with pytest.raises(tg.AnomalyError, match="'log' produced NaN"):
        log_of(tg.tensor([-1.0], requires_grad=True))


# -- max/min: the pair elsewhere in the library ------------------------------------------------------
def test_the_pair_comes_back_from_compiled_functions_and_compares_unequal_to_other_objects():
    x = tg.tensor(np.random.default_rng(4).standard_normal((3, 4)), requires_grad=True)
    compiled = tg.compile(lambda t: t.max(1))
    for _ in range(2):  # the recording call and a replay
        pair = compiled(x)
        values, indices = pair
        assert values.tolist() == x.max(axis=1).tolist() and indices.tolist() == x.argmax(axis=1).tolist()
        with pytest.raises(TypeError, match="returned the pair"):
            pair * 2
    assert (pair == None) is False and (pair != "values") is True  # noqa: E711 - not numbers: just unequal

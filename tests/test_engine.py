"""Regression tests for the classic bugs of home-made autodiff engines, and the autograd API."""
import gc
import sys
import threading
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg


def test_reused_node_gets_both_contributions():
    a = tg.tensor(3.0, requires_grad=True)
    b = a + a  # b = 2a
    c = b * b  # c = 4a^2, dc/da = 8a
    c.backward()
    assert a.grad.item() == 24.0


def test_diamond():
    x = tg.tensor(2.0, requires_grad=True)
    left, right = x * 3, x.exp()
    y = left * right  # 3x e^x -> 3e^x + 3x e^x
    y.backward()
    assert x.grad.item() == pytest.approx(3 * np.exp(2) + 6 * np.exp(2))


def test_gradients_accumulate_across_backward_calls():
    w = tg.tensor([1.0, -2.0], requires_grad=True)
    for _ in range(3):
        (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad.data, 3 * 2 * w.data)
    w.grad = None
    (w * 5).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [5.0, 5.0])


def test_backward_twice_without_retain_graph_names_retain_graph():
    x = tg.tensor(1.0, requires_grad=True)
    y = (x * x).exp()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_a_refused_backward_frees_nothing():
    """Found by the random-graph state machine: backward used to release the nodes it had
    already run before it reached the freed part, destroying a graph that was still valid."""
    x = tg.tensor(0.5, requires_grad=True)
    a = x.exp()
    a.backward()  # frees a's node
    b = a.sin() * 2.0
    with pytest.raises(RuntimeError, match="retain_graph"):
        b.backward()
    assert not b.grad_fn.released and not b.grad_fn.inputs[0].grad_fn.released
    assert x.grad.item() == pytest.approx(np.exp(0.5))  # untouched by the refused call
    (gb,) = tg.autograd.grad(b, a)  # the intact part still works
    assert gb.item() == pytest.approx(2 * np.cos(np.exp(0.5)))


def test_backward_twice_with_retain_graph_accumulates():
    x = tg.tensor(1.5, requires_grad=True)
    y = x.sin() * x
    y.backward(retain_graph=True)
    first = x.grad.item()
    y.backward()
    assert x.grad.item() == pytest.approx(2 * first)


def test_chain_of_100000_nodes_needs_no_recursion():
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0  # 200,000 nodes
    y.backward()
    assert x.grad.item() == 1.0


def test_relu_gradient_at_zero_is_zero():
    x = tg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.relu().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]


def test_abs_gradient_at_zero_is_zero():
    x = tg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.abs().sum().backward()
    assert x.grad.tolist() == [-1.0, 0.0, 1.0]


def test_max_ties_share_the_gradient():
    x = tg.tensor([[1.0, 5.0, 5.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    y = tg.tensor([3.0, 3.0], requires_grad=True)
    y.max().backward()
    assert y.grad.tolist() == [0.5, 0.5]


def test_maximum_tie_splits_evenly():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([1.0, 0.0], requires_grad=True)
    a.maximum(b).sum().backward()
    assert a.grad.tolist() == [0.5, 1.0] and b.grad.tolist() == [0.5, 0.0]


def test_integer_index_with_repeats_adds_up():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]


def test_boolean_mask_index():
    x = tg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x[x > 0] * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0]


def test_broadcast_gradient_is_summed_back_to_input_shape():
    w = tg.tensor(np.ones((4, 3)), requires_grad=True)
    b = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = tg.tensor(np.ones((4, 1)), requires_grad=True)
    (w * b + c).sum().backward()
    assert b.grad.tolist() == [4.0, 4.0, 4.0]
    assert c.grad.shape == (4, 1) and c.grad.tolist() == [[3.0]] * 4


def test_no_grad_context_and_decorator():
    w = tg.tensor(1.0, requires_grad=True)
    with tg.no_grad():
        assert not (w * 2).requires_grad
        with tg.enable_grad():
            assert (w * 2).requires_grad
    assert (w * 2).requires_grad

    @tg.no_grad()
    def predict(x):
        return x * w

    assert not predict(tg.tensor(1.0)).requires_grad
    assert tg.is_grad_enabled()


def test_grad_mode_is_thread_local():
    seen = {}

    def other_thread():
        seen["enabled"] = tg.is_grad_enabled()

    with tg.no_grad():
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert seen["enabled"] is True


def test_detach_and_requires_grad_():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = tg.tensor([1.0]).requires_grad_()
    assert y.requires_grad
    (y * 3).sum().backward()
    assert y.grad.tolist() == [3.0]


def test_is_leaf_and_retain_grad():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    out = (h * h).sum()
    out.backward()
    assert x.is_leaf and not h.is_leaf
    assert h.grad.tolist() == [6.0, 12.0]
    assert x.grad.tolist() == [18.0, 36.0]


def test_register_hook_on_leaf_and_intermediate_and_remove():
    x = tg.tensor(2.0, requires_grad=True)
    seen = []
    h = x * x
    h.register_hook(lambda g: seen.append(g.item()))
    handle = x.register_hook(lambda g: g * 0.5)
    (h * 3).backward()
    assert seen == [3.0]
    assert x.grad.item() == 6.0  # 3 * 2x = 12, halved by the hook
    handle.remove()
    x.grad = None
    (x * x * 3).backward()
    assert x.grad.item() == 12.0


def test_autograd_grad_does_not_touch_dot_grad_and_handles_unused():
    x = tg.tensor(2.0, requires_grad=True)
    z = tg.tensor(1.0, requires_grad=True)
    y = x**2
    (gx,) = tg.autograd.grad(y, x, retain_graph=True)
    assert gx.item() == 4.0 and x.grad is None
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        tg.autograd.grad(y, [x, z], retain_graph=True)
    gx, gz = tg.autograd.grad(y, [x, z], allow_unused=True)
    assert gz is None and gx.item() == 4.0


def test_autograd_grad_wrt_intermediate():
    x = tg.tensor(3.0, requires_grad=True)
    h = x * 2
    y = h * h
    (gh,) = tg.autograd.grad(y, h)
    assert gh.item() == 12.0


def test_backward_with_gradient_argument_is_a_vector_jacobian_product():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(gradient=[1.0, 0.0, 2.0])
    assert x.grad.tolist() == [2.0, 0.0, 12.0]


def test_leaf_gradients_are_separate_objects():
    a = tg.tensor([1.0], requires_grad=True)
    b = tg.tensor([2.0], requires_grad=True)
    (a + b).sum().backward()
    assert a.grad is not b.grad


def test_backward_frees_saved_arrays_but_keeps_the_graph_while_the_output_lives():
    x = tg.tensor(np.ones(1000), requires_grad=True)
    h = x.relu().exp()
    mask = weakref.ref(h.grad_fn.inputs[0].grad_fn.saved[0])  # relu's x > 0: an extra buffer
    node = h.grad_fn
    intermediate = weakref.ref(h)
    y = (h * 2).sum()
    del h
    y.backward()
    gc.collect()
    assert mask() is None, "relu's saved mask is still referenced after backward()"
    assert node.released
    # the graph stays for drawings: every value, and the gradient each node received
    assert intermediate() is not None and intermediate().data[0] == pytest.approx(np.e)
    np.testing.assert_array_equal(node.grad, np.full(1000, 2.0))
    del y
    assert intermediate() is None, "the graph outlived its output"


def test_retain_graph_keeps_saved_arrays():
    x = tg.tensor(np.ones(3), requires_grad=True)
    y = x.exp().sum()
    y.backward(retain_graph=True)
    assert not y.grad_fn.released
    assert not y.grad_fn.inputs[0].grad_fn.released


def test_graph_structure_and_values_survive_backward_for_walkers():
    x = tg.tensor(1.0, requires_grad=True)
    y = (x * 2).exp()
    y.backward()
    order = tg.autograd.topological_order([y.grad_fn])
    assert [n.name for n in order] == ["exp", "mul"]
    product = tg.autograd.graph_inputs(y.grad_fn)[0]
    assert product.grad_fn.name == "mul" and product.item() == 2.0
    assert tg.autograd.latest_gradient(product) == pytest.approx(np.exp(2.0))
    assert tg.autograd.latest_gradient(x) == pytest.approx(2 * np.exp(2.0))


def test_in_place_update_of_leaf_under_no_grad_bumps_version():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with tg.no_grad():
        w -= 0.1 * w.grad
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    assert w._version == 1 and w.is_leaf and w.requires_grad


def test_in_place_on_recorded_tensor_makes_a_new_node():
    w = tg.tensor(2.0, requires_grad=True)
    total = tg.tensor(0.0)
    for x in [1.0, 2.0, 3.0]:
        total += w * x  # micrograd style
    assert total.grad_fn is not None
    total.backward()
    assert w.grad.item() == 6.0


def test_in_place_on_leaf_requiring_grad_while_recording_is_refused():
    w = tg.tensor(2.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w += 1.0


# --------------------------------------------------------------------------- engine v2 invariants
def test_every_result_holds_an_array_even_a_single_number():
    x = tg.tensor(2.0, requires_grad=True)
    loss = (x * 3).exp().sum()
    for t in (loss, loss.grad_fn.inputs[0], x * 2, (x * 2).max(), tg.tensor([1.0, 2.0])[0]):
        assert type(t.data) is np.ndarray
    assert np.asarray(loss).shape == () and float(np.asarray(loss)) == pytest.approx(np.exp(6.0))
    loss.backward()
    assert type(x.grad.data) is np.ndarray and x.grad.shape == ()


def test_optimizers_update_a_zero_dimensional_parameter_in_place():
    p = (tg.tensor(2.0) * 3).detach().requires_grad_()
    (p * p).backward()
    tg.optim.SGD([p], lr=0.1).step()
    assert p.item() == pytest.approx(6.0 - 0.1 * 12.0)
    s = tg.tensor(1.0) * 2
    with tg.no_grad():
        s += 1
    assert s.item() == 3.0 and s._version == 1


def test_concurrent_backward_calls_into_a_shared_leaf_lose_no_update():
    import threading

    w = tg.tensor([1.0, 1.0], requires_grad=True)
    start = threading.Barrier(8)

    def work():
        start.wait()
        for _ in range(500):
            (w * 2).sum().backward()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert w.grad.tolist() == [8000.0, 8000.0]


def test_a_leafs_gradient_is_its_own_array():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    c = a + b  # add hands its incoming gradient to both inputs unchanged
    c.backward(np.array([1.0, 1.0]))
    assert not np.shares_memory(a.grad.data, b.grad.data)
    assert not np.shares_memory(a.grad.data, c.grad_fn.grad)
    with tg.no_grad():
        a.grad *= 0.5  # gradient clipping, in place
    assert b.grad.tolist() == [1.0, 1.0] and c.grad_fn.grad.tolist() == [1.0, 1.0]


def test_every_node_keeps_the_gradient_of_the_latest_backward():
    a = tg.tensor(2.0, requires_grad=True, name="a")
    b = tg.tensor(-3.0, requires_grad=True, name="b")
    e = a * b
    d = e + tg.tensor(10.0, requires_grad=True)
    loss = d * -2.0
    assert e.grad_fn.grad is None  # no backward yet
    loss.backward(retain_graph=True)
    assert tg.autograd.latest_gradient(e) == -2.0 and tg.autograd.latest_gradient(d) == -2.0
    with pytest.warns(UserWarning, match="intermediate result"):
        assert e.grad is None  # .grad of an intermediate stays None, as in PyTorch
    loss.backward()
    assert a.grad.item() == 12.0  # accumulated: 2 x (-2 * b)
    assert tg.autograd.latest_gradient(e) == -2.0  # the latest backward's, not a sum


def test_backward_runs_the_latest_op_first_and_the_forward_reversed():
    x = tg.tensor(1.0, requires_grad=True)
    y = x.exp()
    z = y * x
    out = z + y.sin()
    order = [node.describe() for node in tg.autograd.topological_order([out.grad_fn])]
    assert order == ["add", "sin", "mul", "exp"]


def test_deep_graphs_do_not_leave_the_garbage_collector_switched_off():
    import gc

    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(2000):
        y = y * 1.0
    y.backward()
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        y.backward()  # refused: freed
    assert gc.isenabled()


def test_backward_in_many_threads_leaves_the_garbage_collector_as_it_found_it():
    import gc
    import threading

    def work(start):
        start.wait()
        for _ in range(200):
            x = tg.tensor(1.0, requires_grad=True)
            (x * 2.0 * 3.0).backward()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often, so the race, when there is one, shows
    try:
        for trial in range(10):
            start = threading.Barrier(4)
            threads = [threading.Thread(target=work, args=(start,)) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert gc.isenabled(), f"trial {trial}"
    finally:
        sys.setswitchinterval(interval)
    gc.disable()
    try:  # switched off by the user: backward leaves it off
        (tg.tensor(1.0, requires_grad=True) * 2.0).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()


# --------------------------------------------------------------------------- found by a hostile probe
def test_with_create_graph_each_leaf_still_gets_a_gradient_of_its_own():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward(create_graph=True)
    assert a.grad is not b.grad and not np.shares_memory(a.grad.data, b.grad.data)
    given = np.ones(2)
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x + 0.0).backward(gradient=given, create_graph=True)
    with tg.no_grad():
        x.grad *= 3
    assert given.tolist() == [1.0, 1.0]


def test_a_change_through_a_view_is_seen_by_the_tensor_it_views():
    for view in (lambda b: b.reshape(2, 2), lambda b: b[1:], lambda b: b.reshape(2, 2).T, lambda b: b.detach()):
        a = tg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        b = a * 1.0
        loss = (b * b).sum()
        v = view(b)
        with tg.no_grad():
            v += 1
        with pytest.raises(RuntimeError, match="modified in place"):
            loss.backward()
    y = tg.tensor([1.0, 2.0], requires_grad=True).exp()
    total = y.sum()
    with tg.no_grad():
        y[0:1] += 1  # through a slice of exp's output, which exp's backward reads
    with pytest.raises(RuntimeError, match="modified in place"):
        total.backward()


def test_hooks_get_read_only_gradients_and_must_return_the_right_shape():
    x = tg.tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)
    x.register_hook(lambda g: np.full(2, 5.0))  # float64: cast to the leaf's float32
    (x * x).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [5.0, 5.0]
    y = tg.tensor([1.0, 2.0], requires_grad=True)
    y.register_hook(lambda g: 1.0)
    with pytest.raises(RuntimeError, match="hook returned a gradient of shape"):
        (y * y).sum().backward()
    a = tg.tensor([1.0, 1.0], requires_grad=True)
    b = a * 1.0
    b.register_hook(lambda g: g.data.__imul__(100))  # in place: refused, not silently shared
    with pytest.raises(ValueError, match="read-only"):
        (b + a).sum().backward()


def test_grad_frees_only_what_it_ran_and_keeps_no_gradient():
    x = tg.tensor(2.0, requires_grad=True)
    y = x.exp()
    z = y * 3
    y.retain_grad()
    tg.autograd.grad(z, y)
    assert not y.grad_fn.released and y.grad is None and z.grad_fn.grad is None
    (y * 1.0).backward()  # exp's saved output is still there
    assert x.grad.item() == pytest.approx(np.exp(2.0))


def test_a_hook_that_raises_leaves_nothing_half_done():
    a = tg.tensor(2.0, requires_grad=True)
    b = tg.tensor(3.0, requires_grad=True)
    b.register_hook(lambda g: 1 / 0)
    loss = a * b
    with pytest.raises(ZeroDivisionError):
        loss.backward()
    assert a.grad is None and not loss.grad_fn.released


def test_setting_grad_copies_data_into_the_tensors_dtype():
    x = tg.tensor(np.ones(2, np.float32), requires_grad=True)
    given = np.array([1.0, 2.0])
    x.grad = given
    assert x.grad.dtype == np.float32 and not np.shares_memory(x.grad.data, given)
    x.grad = [3.0, 4.0]
    assert x.grad.tolist() == [3.0, 4.0] and x.grad.dtype == np.float32


def test_an_empty_index_list_selects_nothing():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x[[]]
    assert y.shape == (0,)
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_the_public_import_paths_of_the_engine_stay():
    import tinygrad_edu.autograd
    from tinygrad_edu.ops import Mul

    assert tinygrad_edu.autograd.grad is tg.autograd.grad and Mul is tg.ops.Mul

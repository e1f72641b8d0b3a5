"""The engine's fast path and its slow paths must not drift apart.

`Function.apply` and backward each have a plain path, taken when nothing but recording is on,
and an observed one for everything else (engine/grad_mode.py's ``plain`` flag; backward.py's
`Observed`). Here every op of the op table, and the in-place checks, run both ways -- with
every mode off, and with each of anomaly mode, a hook, ``create_graph``, ``tg.autograd.grad``
and a program being written (``tg.compile``) on -- and must give the same gradients.
"""
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.engine.grad_mode import grad_mode

from .op_table import OPS

MODES = ["anomaly", "hook", "create_graph", "grad", "compiled"]


def _plain(case, arrays, options, upstream):
    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
    assert grad_mode.plain
    (case.fn(*tensors, **options) * upstream).sum().backward()
    return [t.grad for t in tensors]


def _with(mode, case, arrays, options, upstream):
    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]

    def loss():
        return (case.fn(*tensors, **options) * upstream).sum()

    if mode == "anomaly":
        with tg.detect_anomaly():
            assert not grad_mode.plain
            loss().backward()
    elif mode == "hook":
        out = case.fn(*tensors, **options)
        seen = []
        if out.requires_grad:
            out.register_hook(seen.append)  # observes, changes nothing
        (out * upstream).sum().backward()
        assert seen or not out.requires_grad
    elif mode == "create_graph":
        loss().backward(create_graph=True)
    elif mode == "grad":
        found = tg.autograd.grad(loss(), tensors, allow_unused=True)
        return [None if g is None else g for g in found]
    elif mode == "compiled":
        def step():
            for t in tensors:
                t.grad = None
            loss().backward()

        program = tg.compile(step)
        program()  # the first call runs eagerly and writes the program down
        program()  # the second runs the written program
    return [t.grad for t in tensors]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", OPS, ids=[c.name for c in OPS])
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_every_mode_gives_the_plain_paths_gradients(case, mode, data):
    arrays, options = data.draw(case.inputs)
    with tg.no_grad():
        shape = case.fn(*[tg.tensor(a) for a in arrays], **options).shape
    upstream = np.random.default_rng(data.draw(st.integers(0, 99))).normal(size=shape)
    expected = _plain(case, arrays, options, upstream)
    found = _with(mode, case, arrays, options, upstream)
    for want, got in zip(expected, found):
        assert (want is None) == (got is None), f"{case.name} with {mode}: a gradient is missing"
        if want is not None:
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got.data, want.data, rtol=1e-12, atol=1e-300,
                                       err_msg=f"{case.name} with {mode} differs from the plain path")


@pytest.mark.parametrize("mode", [None, "anomaly", "hook", "create_graph", "grad"])
def test_an_in_place_change_after_forward_is_refused_on_every_path(mode):
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    x = tg.tensor([3.0, 4.0])
    y = (w * x).sigmoid()  # sigmoid saves its output, mul its inputs
    loss = (y * x).sum()
    if mode == "hook":
        y.register_hook(lambda g: None)
    with tg.no_grad():
        x += 1.0
    with pytest.raises(RuntimeError, match="modified in place"):
        if mode == "anomaly":
            with tg.detect_anomaly():
                loss.backward()
        elif mode == "grad":
            tg.autograd.grad(loss, [w])
        else:
            loss.backward(create_graph=mode == "create_graph")


@pytest.mark.parametrize("mode", [None, "anomaly", "hook", "create_graph", "grad"])
def test_a_freed_graph_is_refused_on_every_path(mode):
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    y = w.exp()
    loss = y.sum()
    if mode == "hook":
        y.register_hook(lambda g: None)
    loss.backward()
    with pytest.raises(RuntimeError, match="already freed"):
        if mode == "anomaly":
            with tg.detect_anomaly():
                loss.backward()
        elif mode == "grad":
            tg.autograd.grad(loss, [w])
        else:
            loss.backward(create_graph=mode == "create_graph")


def _expected_plain():
    return grad_mode.enabled and grad_mode.recorder is None and not grad_mode.anomaly


def test_writing_any_switch_keeps_the_derived_flag_in_step():
    """``plain`` is derived, never written by hand: every switch the engine offers, entered,
    nested and left, leaves it equal to what it is derived from."""
    switches = [tg.no_grad, tg.enable_grad, lambda: tg.set_grad_enabled(False),
                lambda: tg.set_grad_enabled(True), tg.detect_anomaly]
    for outer in switches:
        for inner in switches:
            with outer():
                assert grad_mode.plain == _expected_plain()
                with inner():
                    assert grad_mode.plain == _expected_plain()
                assert grad_mode.plain == _expected_plain()
    assert grad_mode.plain
    for name, value in [("enabled", False), ("anomaly", True), ("recorder", object())]:
        setattr(grad_mode, name, value)
        assert grad_mode.plain is False
        setattr(grad_mode, name, {"enabled": True, "anomaly": False, "recorder": None}[name])
        assert grad_mode.plain is True


def test_while_a_program_is_written_the_flag_is_off_and_back_after():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    flags = []

    def step(x):
        flags.append(grad_mode.plain)
        return (w * x).sum()

    tg.compile(step)(np.ones(2))
    assert flags and not any(flags) and grad_mode.plain


def test_the_flag_is_per_thread():
    seen = {}

    def other():
        seen["plain"] = grad_mode.plain

    with tg.no_grad():
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert not grad_mode.plain
    assert seen["plain"] is True

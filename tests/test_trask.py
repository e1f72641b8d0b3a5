"""Trask's networks on autodiff reproduce the tutorial's printed numbers, and equal the
hand-written NumPy loop run in the same process bit for bit."""
import numpy as np
import pytest

from .examples_loader import load


# The tutorial's printout (Python 3, NumPy). The last one or two of the 17 digits depend on
# the platform's floating-point summation; DESIGN.md pins 12 significant digits.
TUTORIAL_ERRORS = [0.49641003190272537, 0.008584525653247153, 0.005789459862507809,
                   0.004629176776769984, 0.003958765280273649, 0.003510122567861676]
TUTORIAL_OUTPUT_3 = [0.00260572, 0.99672209, 0.99701711, 0.00386759]
TUTORIAL_OUTPUT_2 = [0.00966449, 0.00786506, 0.99358898, 0.99211957]


def hand_written_trask_3layer(steps):
    """The tutorial's own loop (nonlin, l2_delta, l1_delta), for a same-process comparison."""
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0], [1], [1], [0]])
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    errors = []
    for j in range(steps):
        l1 = 1 / (1 + np.exp(-np.dot(X, syn0)))
        l2 = 1 / (1 + np.exp(-np.dot(l1, syn1)))
        l2_error = y - l2
        if j % 10000 == 0:
            errors.append(np.mean(np.abs(l2_error)))
        l2_delta = l2_error * (l2 * (1 - l2))
        l1_delta = l2_delta.dot(syn1.T) * (l1 * (1 - l1))
        syn1 += l1.T.dot(l2_delta)
        syn0 += X.T.dot(l1_delta)
    return syn0, syn1, l2, errors


@pytest.fixture(scope="module")
def trask3():
    lines = []
    syn0, syn1, l2 = load("trask_3layer").train(log=lines.append)
    return lines, syn0, syn1, l2


def test_trask_3layer_error_lines_match_the_tutorial(trask3):
    lines = trask3[0]
    assert [line.split(":")[0] for line in lines] == ["Error"] * 6
    printed = [float(line.split(":")[1]) for line in lines]
    for ours, theirs in zip(printed, TUTORIAL_ERRORS):
        assert f"{ours:.12g}" == f"{theirs:.12g}"


def test_trask_3layer_outputs_match_the_tutorial(trask3):
    l2 = trask3[3]
    assert np.array2string(l2.data.ravel(), precision=8).split() == \
        np.array2string(np.array(TUTORIAL_OUTPUT_3), precision=8).split()
    np.testing.assert_allclose(l2.data.ravel(), TUTORIAL_OUTPUT_3, atol=5e-9)


def test_trask_3layer_equals_hand_written_numpy_bit_for_bit(trask3):
    lines, syn0, syn1, l2 = trask3
    ref0, ref1, ref_l2, ref_errors = hand_written_trask_3layer(60_000)
    assert [float(line.split(":")[1]) for line in lines] == ref_errors
    assert np.array_equal(syn0.data, ref0) and np.array_equal(syn1.data, ref1)
    assert np.array_equal(l2.data, ref_l2)


def test_trask_2layer_outputs_match_the_tutorial():
    _, l1 = load("trask_2layer").train()
    np.testing.assert_allclose(l1.data.ravel(), TUTORIAL_OUTPUT_2, atol=5e-9)


def test_trask_examples_print_what_the_tutorial_printed(capsys):
    load("trask_2layer").main()
    out = capsys.readouterr().out
    assert out.startswith("Output After Training:\n[[0.00966449]")

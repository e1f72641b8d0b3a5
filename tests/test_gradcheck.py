"""gradcheck, gradgradcheck and check_formula: they pass right gradients and catch wrong ones."""
import numpy as np
import pytest

import tinygrad_edu as tg


class SquareWithWrongBackward(tg.Function):
    """x^2 whose backward says 3x instead of 2x: the bug a learner might write."""

    name = "wrong_square"

    def forward(self, x):
        return x * x

    def backward(self, grad, x):
        return grad * x * 3.0


def test_gradcheck_passes_correct_gradients():
    report = tg.gradcheck(lambda a, b: (a @ b).tanh(), [np.ones((2, 3)) * 0.3, np.arange(6.0).reshape(3, 2) / 6])
    assert report and report.passed and "PASSED" in str(report)


def test_gradcheck_catches_a_wrong_backward_and_names_input_and_element():
    x = np.array([[0.1, 0.2], [0.3, 0.4]])
    y = np.array([1.0, -2.0])
    report = tg.gradcheck(lambda a, b: SquareWithWrongBackward.apply(a).sum() + (b * b).sum(), [x, y])
    assert not report
    assert [c.index for c in report.failures()] == [0]
    text = str(report)
    assert "FAILED" in text and "input 0 shape (2, 2): MISMATCH" in text and "input 1 shape (2,): ok" in text
    worst_line = next(line for line in text.splitlines() if "<- worst" in line and "1.2" in line)
    assert worst_line.split()[0:2] == ["(1,", "1)"]  # element (1, 1): 3*0.4 = 1.2 vs 0.8


def test_gradgradcheck_passes_and_fails():
    assert tg.gradgradcheck(lambda x: (x.sin() * x.exp()).sum(), [[0.2, -0.4]])

    class WrongSecondDerivative(tg.Function):
        name = "cube"

        def forward(self, x):
            return x**3

        def backward(self, grad, x):  # right first derivative, but built from a constant: d2 = 0
            return grad * (3 * np.asarray(x) ** 2)

    assert tg.gradcheck(lambda x: WrongSecondDerivative.apply(x).sum(), [[0.5, 1.0]])
    # the constant made with np.asarray is named, not reported as a mismatch
    with pytest.raises(tg.ConcretizationError, match=r"^tg\.gradgradcheck: np\.asarray\(x\)"):
        tg.gradgradcheck(lambda x: WrongSecondDerivative.apply(x).sum(), [[0.5, 1.0]])

    class SavedArraySecondDerivative(WrongSecondDerivative):
        def forward(self, x):
            self.save_for_backward(x)  # read back as the raw array below, not through saved_for
            return x**3

        def backward(self, grad, x):  # 3 x * x_saved: right first derivative, second 3 x instead of 6 x
            return grad * 3 * x * self.saved[0]

    assert tg.gradcheck(lambda x: SavedArraySecondDerivative.apply(x).sum(), [[0.5, 1.0]])
    assert not tg.gradgradcheck(lambda x: SavedArraySecondDerivative.apply(x).sum(), [[0.5, 1.0]])


def test_float32_inputs_warn():
    with pytest.warns(UserWarning, match="float32"):
        tg.gradcheck(lambda x: (x * x).sum(), [np.ones(2, dtype=np.float32)])


def test_check_formula_against_a_hand_derived_gradient():
    X = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])
    y = np.array([[0.0], [1.0], [1.0]])

    def loss(w):
        return 0.5 * (((tg.tensor(X) @ w).sigmoid() - y) ** 2).sum()

    def by_hand(w):
        out = 1 / (1 + np.exp(-X @ w))
        return X.T @ ((out - y) * out * (1 - out))

    w0 = np.array([[0.3], [-0.7]])
    assert tg.check_formula(loss, [w0], by_hand)
    wrong = tg.check_against(loss, [w0], lambda w: -by_hand(w))  # the classic sign slip
    assert not wrong and "by hand" in str(wrong)


def test_check_formula_errors():
    with pytest.raises(ValueError, match="single number"):
        tg.check_formula(lambda w: w * 2, [np.ones(2)], lambda w: w)
    with pytest.raises(ValueError, match=r"gradient for input 0 has shape \(3,\) but the input has shape \(2,\)"):
        tg.check_formula(lambda w: w.sum(), [np.ones(2)], lambda w: np.ones(3))

"""The tutorials' small data sets, as functions returning NumPy arrays (inputs, targets)."""
from dataclasses import dataclass

import numpy as np

from ..creation import checked_seed


def trask_xor():
    """Trask's 3-layer data: the third input is a constant 1 (a bias), the target is XOR of the first two."""
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    return X, y


def trask_first_column():
    """Trask's 2-layer data: the target is simply the first input column."""
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    y = np.array([[0, 0, 1, 1]], dtype=float).T
    return X, y


def _gate(rule, symmetric):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[rule(int(a), int(b))] for a, b in X], dtype=float)
    if symmetric:  # FANN's symmetric encoding: -1 for false, 1 for true
        return 2 * X - 1, 2 * y - 1
    return X, y


def and_gate(symmetric=False):
    """Truth table of AND; ``symmetric=True`` uses -1/1 as FANN's example does."""
    return _gate(lambda a, b: a & b, symmetric)


def or_gate(symmetric=False):
    """Truth table of OR; ``symmetric=True`` uses -1/1."""
    return _gate(lambda a, b: a | b, symmetric)


def nand_gate(symmetric=False):
    """Truth table of NAND; ``symmetric=True`` uses -1/1."""
    return _gate(lambda a, b: 1 - (a & b), symmetric)


def xor_gate(symmetric=False):
    """Truth table of XOR, which no single linear node can learn; ``symmetric=True`` uses -1/1."""
    return _gate(lambda a, b: a ^ b, symmetric)


# 4 x 5 bitmaps of the digits 0-3, row by row (from the tutorial "Predicting numbers from zero to three")
_DIGITS = {
    0: [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0],
    1: [0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0],
    2: [0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1],
    3: [1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1],
}
DRAWN_TWO = np.array([0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1], dtype=float)


def digits_4x5():
    """(X, y): four 20-pixel bitmaps and their digits scaled to [0, 1] (y / 3), as the tutorial trains."""
    X = np.array([_DIGITS[d] for d in range(4)], dtype=float)
    y = np.array([[0], [1], [2], [3]], dtype=float) / 3
    return X, y


def simplenn_function(x, y):
    """The SimpleNN tutorial's target surface: sin(x) + x cos(y) + y + 3^(x/3)."""
    return np.sin(x) + x * np.cos(y) + y + 3 ** (x / 3)


@dataclass
class Surface:
    """Normalised inputs (N, 2) and outputs (N,), with what is needed to undo the normalisation."""

    inputs: np.ndarray
    outputs: np.ndarray
    inputs_mean: np.ndarray
    inputs_std: np.ndarray
    outputs_mean: float
    outputs_std: float
    grid_shape: tuple = None  # (rows, cols) when the points form the tutorial's grid

    def denormalise(self, outputs):
        return np.asarray(outputs) * self.outputs_std + self.outputs_mean


def simplenn_surface(n=None, seed=None, low=-10.0, high=10.0):
    """The SimpleNN regression data, normalised to mean 0 and standard deviation 1 as the tutorial does.

    ``n=None`` gives the tutorial's training set: a 100 x 100 grid over [-10, 10]^2. An integer
    ``n`` gives that many random points (``np.random.uniform`` for x, then for y, under ``seed``).
    """
    if n is None:
        x = np.linspace(low, high, 100)
        X, Y = np.meshgrid(x, x)
        xs, ys, grid = X.ravel(), Y.ravel(), X.shape
    else:
        if seed is not None:
            np.random.seed(checked_seed(seed, "simplenn_surface"))
        xs = np.random.uniform(low, high, n)
        ys = np.random.uniform(low, high, n)
        grid = None
    inputs = np.column_stack((xs, ys))
    outputs = simplenn_function(xs, ys)
    in_mean, in_std = inputs.mean(axis=0), inputs.std(axis=0)
    out_mean, out_std = outputs.mean(), outputs.std()
    return Surface((inputs - in_mean) / in_std, (outputs - out_mean) / out_std, in_mean, in_std, out_mean, out_std, grid)

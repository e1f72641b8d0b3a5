"""Trask's 2-layer network ("A Neural Network in 11 lines of Python", part 1), on autodiff.

Hand-derived in the tutorial:  l1_delta = (y - l1) * l1 * (1 - l1);  syn0 += X.T.dot(l1_delta).
That is gradient descent with learning rate 1 on E = 0.5 * sum((y - l1)^2), whose gradient
dE/dsyn0 = -X.T.dot(l1_delta): so ``syn0 -= syn0.grad`` is the same update.

Run: python examples/trask_2layer.py
"""
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import checked_seed, parser

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
y = np.array([[0, 0, 1, 1]], dtype=float).T


def train(steps=10_000, seed=1):
    """Train the 3-1 sigmoid network; returns (syn0, final output l1)."""
    np.random.seed(checked_seed(seed, "trask_2layer.train"))
    syn0 = tg.tensor(2 * np.random.random((3, 1)) - 1, requires_grad=True, name="syn0")
    inputs, targets = tg.tensor(X, name="X"), tg.tensor(y, name="y")
    for _ in range(steps):
        l1 = (inputs @ syn0).sigmoid()
        loss = 0.5 * ((targets - l1) ** 2).sum()
        loss.backward()
        with tg.no_grad():
            syn0 -= syn0.grad
        syn0.grad = None
    return syn0, l1


def main(argv=()):
    parser(__doc__, "trask_2layer", writes=False).parse_args(argv)  # --help; no options
    _, l1 = train()
    print("Output After Training:")
    print(l1.data)


if __name__ == "__main__":
    main(sys.argv[1:])

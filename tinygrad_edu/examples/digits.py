"""Predicting the digits 0-3 from 4x5 bitmaps: a 20-20-1 sigmoid network (from "Understand how
a Neural Network works", section 4.5), trained with autodiff.

The tutorial's hand-derived backward pass (its ``backward``):

    o_delta  = (y - o) * o * (1 - o)
    z2_delta = o_delta.dot(W2.T) * z2 * (1 - z2)
    W1 += X.T.dot(z2_delta);  W2 += z2.T.dot(o_delta)

is gradient descent with learning rate 1 on E = 0.5 * sum((y - o)^2): dE/dW2 = -z2.T.dot(o_delta),
so ``W -= W.grad`` is the same update. Targets are the digits divided by 3 (so they fit the
sigmoid's range); predictions are multiplied by 3 and rounded. The tutorial draws its weights
with np.random.randn unseeded; we seed it so that the run is repeatable.

Run: python examples/digits.py
"""
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import checked_seed, parser

X, y = tg.data.digits_4x5()
PREDICT = tg.data.DRAWN_TWO


def train(steps=100, seed=0):
    np.random.seed(checked_seed(seed, "digits.train"))
    W1 = tg.tensor(np.random.randn(20, 20), requires_grad=True, name="W1")
    W2 = tg.tensor(np.random.randn(20, 1), requires_grad=True, name="W2")
    inputs = tg.tensor(X)
    losses = []
    for _ in range(steps):
        o = ((inputs @ W1).sigmoid() @ W2).sigmoid()
        losses.append(float(np.mean(np.square(y - o.data))))  # the tutorial's printed loss
        (0.5 * ((o - y) ** 2).sum()).backward()
        with tg.no_grad():
            W1 -= W1.grad
            W2 -= W2.grad
        W1.grad = W2.grad = None
    return W1, W2, losses


def predict(W1, W2, x=PREDICT):
    with tg.no_grad():
        return ((tg.tensor(x) @ W1).sigmoid() @ W2).sigmoid().item() * 3


def main(argv=()):
    parser(__doc__, "digits", writes=False).parse_args(argv)  # --help; no options
    W1, W2, losses = train()
    print(f"Loss: \n{losses[-1]}")
    print("Predicted data based on trained weights: ")
    print("Input (scaled): \n" + str(PREDICT))
    output = predict(W1, W2)
    print("Actual Output: \n" + str(output))
    print("Rounded Output: \n" + str(round(output)))


if __name__ == "__main__":
    main(sys.argv[1:])

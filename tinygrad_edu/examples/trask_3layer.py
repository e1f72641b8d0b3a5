"""Trask's 3-layer network ("A Neural Network in 11 lines of Python", part 2), on autodiff.

The tutorial derives the backward pass by hand:

    l2_delta = (y - l2) * l2 * (1 - l2)          # error times the sigmoid's slope
    l1_delta = l2_delta.dot(syn1.T) * l1 * (1 - l1)
    syn1 += l1.T.dot(l2_delta);  syn0 += X.T.dot(l1_delta)

Here we only write the forward pass and a loss, and let ``backward()`` derive the rest. The
loss whose gradient those updates follow is E = 0.5 * sum((y - l2)^2): its derivative is
dE/dl2 = -(y - l2), so ``syn -= 1.0 * syn.grad`` is exactly Trask's ``syn += ...`` (the sign is
folded into the "+=", the factor 2 of the square cancels the 0.5, and the learning rate is 1).

Run: python examples/trask_3layer.py
"""
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import checked_seed, parser

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
y = np.array([[0], [1], [1], [0]], dtype=float)


def train(steps=60_000, report_every=10_000, seed=1, log=print):
    """Train the 3-4-1 sigmoid network; returns (syn0, syn1, final output l2)."""
    np.random.seed(checked_seed(seed, "trask_3layer.train"))
    syn0 = tg.tensor(2 * np.random.random((3, 4)) - 1, requires_grad=True, name="syn0")
    syn1 = tg.tensor(2 * np.random.random((4, 1)) - 1, requires_grad=True, name="syn1")
    inputs, targets = tg.tensor(X, name="X"), tg.tensor(y, name="y")
    for j in range(steps):
        l1 = (inputs @ syn0).sigmoid()
        l2 = (l1 @ syn1).sigmoid()
        l2_error = targets - l2
        if j % report_every == 0:
            log("Error:" + str(np.mean(np.abs(l2_error.data))))
        loss = 0.5 * (l2_error**2).sum()
        loss.backward()
        with tg.no_grad():  # the update itself is not part of the model
            syn1 -= syn1.grad
            syn0 -= syn0.grad
        syn0.grad = syn1.grad = None
    return syn0, syn1, l2


def hand_derived_gradients(X, y, syn0, syn1):
    """Trask's backward pass, as gradients of E = 0.5 * sum((y - l2)^2) (minus his "+=" steps)."""
    l1 = 1 / (1 + np.exp(-np.dot(X, syn0)))
    l2 = 1 / (1 + np.exp(-np.dot(l1, syn1)))
    l2_delta = (y - l2) * (l2 * (1 - l2))
    l1_delta = l2_delta.dot(syn1.T) * (l1 * (1 - l1))
    return -X.T.dot(l1_delta), -l1.T.dot(l2_delta)


def loss_of(X, y, syn0, syn1):
    """The same E on Tensors, for autodiff."""
    l2 = ((tg.tensor(X, name="X") @ syn0).sigmoid() @ syn1).sigmoid()
    return 0.5 * ((tg.tensor(y, name="y") - l2) ** 2).sum()


def main(argv=()):
    parser(__doc__, "trask_3layer", writes=False).parse_args(argv)  # --help; no options
    _, _, l2 = train()
    print("Output after training")
    print(l2.data)


if __name__ == "__main__":
    main(sys.argv[1:])

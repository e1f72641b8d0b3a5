"""The first half of Tariq Rashid's "A Gentle Introduction to Neural Networks": models with
one adjustable parameter, refined by their error.

1. Kilometres to miles: miles = c * km. Start from a guess c = 0.5 and refine c from the error
   on the one example we know (100 km = 62.137 miles).
2. Classifying garden bugs with a line y = A x through the origin: widths and lengths of a
   ladybird (3.0, 1.0) and a caterpillar (1.0, 3.0). Rashid derives the update

       E = target - actual = (A + dA) x - A x   =>   dA = E / x

   and calms it with a learning rate L: dA = L (E / x). That is gradient descent, with rate
   L, on 0.5 * (E / x)^2 -- the error measured as a slope -- which we let autodiff compute.
   With A = 0.25, L = 0.5 and the targets 1.1 and 2.9 (just above and below the training
   points), the book finds A = 0.3083 and then A = 1.6042.
3. Boolean logic with one linear node: AND and OR are separable by a line, XOR is not --
   until we use two layers of nodes.

Run: python examples/rashid_basics.py
"""
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import checked_seed, parser


def km_to_miles(c=0.5, steps=20, learning_rate=0.5, km=100.0, miles=62.137, log=print):
    """Refine c by the error, the same dc = L (E / km) rule as the bug classifier."""
    c = tg.tensor(c, requires_grad=True, name="c")
    for step in range(steps):
        actual = c * km
        error = miles - actual
        log(f"c = {c.item():.6f}  ->  {actual.item():9.4f} miles, error {error.item():+.4f}")
        (0.5 * (error / km) ** 2).backward()
        with tg.no_grad():
            c -= learning_rate * c.grad
        c.grad = None
    return c.item()


TRAINING = [(3.0, 1.1), (1.0, 2.9)]  # (width, target length): ladybird just above, caterpillar below


def bug_classifier(A=0.25, learning_rate=0.5, examples=TRAINING, log=print):
    slope = tg.tensor(A, requires_grad=True, name="A")
    history = []
    for x, target in examples:
        actual = slope * x
        error = target - actual
        (0.5 * (error / x) ** 2).backward()  # d/dA = -(E / x)
        with tg.no_grad():
            slope -= learning_rate * slope.grad  # A += L (E / x)
        slope.grad = None
        history.append(slope.item())
        log(f"x = {x}, target {target}: y = {actual.item():.4f}, E = {error.item():.4f}, new A = {slope.item():.4f}")
    return history


def linear_node(gate, epochs=2000, seed=0):
    """One linear node y = w . x + b (no activation), trained on squared error, read with y > 0.5."""
    X, y = getattr(tg.data, f"{gate}_gate")()
    np.random.seed(checked_seed(seed, "rashid_basics.linear_node"))
    model = tg.nn.Linear(2, 1)
    tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model, lr=0.5), (X, y), epochs=epochs, verbose=False)
    return (model(X).data > 0.5).astype(int).ravel(), y.astype(int).ravel()


def two_layers(gate="xor", epochs=3000, seed=0):
    X, y = getattr(tg.data, f"{gate}_gate")()
    np.random.seed(checked_seed(seed, "rashid_basics.two_layers"))
    model = tg.nn.MLP([2, 3, 1], activation="sigmoid", output_activation="sigmoid")
    tg.fit(model, tg.nn.mse_loss, tg.optim.Adam(model, lr=0.1), (X, y), epochs=epochs, verbose=False)
    return (model(X).data > 0.5).astype(int).ravel(), y.astype(int).ravel()


def main(argv=()):
    parser(__doc__, "rashid_basics", writes=False).parse_args(argv)  # --help; no options
    print("Kilometres to miles")
    c = km_to_miles()
    print(f"learned c = {c:.5f} (the true constant is 0.62137)")
    print("\nClassifying bugs: the line y = A x")
    bug_classifier()
    print("\nBoolean logic with one linear node")
    for gate in ["and", "or", "xor"]:
        predicted, wanted = linear_node(gate)
        verdict = "learned" if np.array_equal(predicted, wanted) else "NOT learnable by one linear node"
        print(f"  {gate.upper():3s}: predicted {predicted.tolist()} wanted {wanted.tolist()}  {verdict}")
    predicted, wanted = two_layers("xor")
    print(f"  XOR with two layers (2-3-1 sigmoid): predicted {predicted.tolist()}  "
          f"{'learned' if np.array_equal(predicted, wanted) else 'not learned'}")


if __name__ == "__main__":
    main(sys.argv[1:])

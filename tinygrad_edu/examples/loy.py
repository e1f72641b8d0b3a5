"""James Loy's "How to build your own neural network from scratch in Python": a 3-4-1 sigmoid
network with weights from np.random.rand, trained 1,500 times on the sum of squared errors.

Loy derives the backward pass with the chain rule:

    d_weights2 = layer1.T . (2 (y - output) * sigmoid'(output))
    d_weights1 = input.T  . ((2 (y - output) * sigmoid'(output)) . weights2.T * sigmoid'(layer1))
    weights += d_weights

The "2" is the derivative of the square in E = sum((y - output)^2) -- no 1/2 in front -- and
d_weights is minus the gradient (he adds it), with learning rate 1. So ``w -= w.grad`` on
``sse_loss`` is exactly his update. His article does not seed the generator; we do.

Run: python examples/loy.py [--out FOLDER]   (writes loy_loss.png there)
"""

import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import checked_seed, output_folder, parser, plots

X, y = tg.data.trask_xor()


def train(iterations=1500, seed=3):
    np.random.seed(checked_seed(seed, "loy.train"))
    weights1 = tg.tensor(np.random.rand(X.shape[1], 4), requires_grad=True, name="weights1")
    weights2 = tg.tensor(np.random.rand(4, 1), requires_grad=True, name="weights2")
    inputs = tg.tensor(X, name="input")
    losses = []
    for _ in range(iterations):
        layer1 = (inputs @ weights1).sigmoid()
        output = (layer1 @ weights2).sigmoid()
        loss = tg.nn.sse_loss(output, y)
        losses.append(loss.item())
        loss.backward()
        with tg.no_grad():
            weights1 -= weights1.grad
            weights2 -= weights2.grad
        weights1.grad = weights2.grad = None
    with tg.no_grad():
        output = ((inputs @ weights1).sigmoid() @ weights2).sigmoid()
    return losses, output.data


def main(argv=()):
    args = parser(__doc__, "loy").parse_args(argv)
    losses, output = train()
    print("Final prediction (after 1500 iterations):")
    print(np.round(output, 4))
    print("Actual:")
    print(y)
    path = output_folder(args.out) / "loy_loss.png"
    with plots(path.name):
        tg.viz.plot_loss(losses, path, title="Loy's network: sum of squared errors per iteration", log_scale=False)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

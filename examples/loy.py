"""James Loy's "How to build your own neural network from scratch in Python": a 3-4-1 sigmoid
network with weights from np.random.rand, trained 1,500 times on the sum of squared errors.

Loy derives the backward pass with the chain rule:

    d_weights2 = layer1.T . (2 (y - output) * sigmoid'(output))
    d_weights1 = input.T  . ((2 (y - output) * sigmoid'(output)) . weights2.T * sigmoid'(layer1))
    weights += d_weights

The "2" is the derivative of the square in E = sum((y - output)^2) -- no 1/2 in front -- and
d_weights is minus the gradient (he adds it), with learning rate 1. So ``w -= w.grad`` on
``sse_loss`` is exactly his update. His article does not seed the generator; we do.

Run: python examples/loy.py [loss_curve.png]
"""
import sys

import numpy as np

import tinygrad_edu as tg

X, y = tg.data.trask_xor()


def train(iterations=1500, seed=3):
    np.random.seed(seed)
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


def plot_loss(losses, path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.5, 4), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot(1, 1, 1)
    ax.plot(np.arange(1, len(losses) + 1), losses, linewidth=2)
    ax.set_xlabel("iteration")
    ax.set_ylabel("sum of squared errors")
    ax.set_title("Loy's network: loss per iteration")
    ax.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)


def main(argv=()):
    losses, output = train()
    print("Final prediction (after 1500 iterations):")
    print(np.round(output, 4))
    print("Actual:")
    print(y)
    path = argv[0] if argv else "loy_loss.png"
    plot_loss(losses, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

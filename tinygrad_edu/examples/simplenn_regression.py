"""The SimpleNN regression tutorial ("understanding neural networks from scratch"): a
[2, 64, 64, 64, 1] ReLU network learning the surface sin(x) + x cos(y) + y + 3^(x/3).

The tutorial writes ``backward()`` by hand:

    dA = output - target                                  # at the output layer
    dZ = dA (output layer, linear)   or   dA * relu'(Z)   # hidden layers
    dW = inputs.T . dZ / m;   db = sum(dZ) / m;   dA = dZ . W.T

which is the gradient of E = 0.5 * mean((output - target)^2) over the m examples (the 0.5
cancels the 2 of the square, the mean gives the 1/m). Its update is W -= lr * dW with
lr = 0.001, weights from np.random.uniform(-1, 1) under seed 99, biases zero, and the data
normalised to mean 0 and standard deviation 1 -- all reproduced here with modules.

Run: python examples/simplenn_regression.py [--epochs 2000] [--out FOLDER]   (writes simplenn_surface.png there)
"""

import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import count, output_folder, parser, plots

STRUCTURE = [2, 64, 64, 64, 1]


def make_model():
    np.random.seed(99)
    return tg.nn.MLP(STRUCTURE, activation="relu", output_activation=None, init="uniform")


def train(epochs=2000, lr=0.001, surface=None, log=print):
    surface = surface or tg.data.simplenn_surface()
    model = make_model()
    optimizer = tg.optim.SGD(model, lr=lr)
    inputs, targets = tg.tensor(surface.inputs), surface.outputs.reshape(-1, 1)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        output = model(inputs)
        loss = 0.5 * tg.nn.mse_loss(output, targets)
        loss.backward()
        optimizer.step()
        mse = 2 * loss.item()  # the tutorial prints the plain mean squared error
        losses.append(mse)
        if epoch % 20 == 0 or epoch == epochs - 1:
            log(f"EPOCH {epoch}: Loss = {mse:.4f}")
    return model, losses, surface


def plot_surfaces(model, surface, path):
    """True and predicted surfaces side by side, on the tutorial's grid."""
    grid = surface if surface.grid_shape else tg.data.simplenn_surface()
    raw = grid.inputs * grid.inputs_std + grid.inputs_mean
    X, Y = raw[:, 0].reshape(grid.grid_shape), raw[:, 1].reshape(grid.grid_shape)
    with tg.no_grad():
        predicted = grid.denormalise(model(grid.inputs).data.ravel()).reshape(grid.grid_shape)
    tg.viz.plot_surfaces(X, Y, grid.denormalise(grid.outputs).reshape(grid.grid_shape), predicted, path)


def main(argv=()):
    command = parser(__doc__, "simplenn_regression")
    command.add_argument("--epochs", type=count, default=2000, help="passes over the data (the tutorial's 2000)")
    args = command.parse_args(argv)
    path = output_folder(args.out) / "simplenn_surface.png"
    model, losses, surface = train(args.epochs)
    with plots(path.name):
        plot_surfaces(model, surface, path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

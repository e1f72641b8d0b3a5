"""Tariq Rashid's MNIST network ("Make Your Own Neural Network"): 784 inputs, one sigmoid
hidden layer, 10 sigmoid outputs, no biases, trained one record at a time, with autodiff.

As in the book: inputs are pixel/255 * 0.99 + 0.01, targets 0.01 except 0.99 at the label,
weights normal(0, n_in^-0.5), no shuffling, and the update w -= lr * dE/dw for
E = 0.5 * sum((target - output)^2) per record. One difference, on purpose: autodiff takes the
true gradient, while the book's hidden-layer update leaves out the output sigmoid's slope
o(1 - o) (see docs/tutorials.md); the results table in docs/results.md shows what that costs.

    python examples/rashid_mnist.py                         # 784-100-10, lr 0.3, 1 epoch
    python examples/rashid_mnist.py --hidden 200 --lr 0.1 --epochs 5
    python examples/rashid_mnist.py --raw                   # the same, with raw Tensors
    python examples/rashid_mnist.py --backquery             # "what each label looks like": examples-output/rashid_mnist/
    python examples/rashid_mnist.py --limit 5000            # a quick run on 5,000 records
"""
import sys
import time

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.data import load_mnist, mnist_inputs, mnist_targets
from tinygrad_edu.examples import checked_seed, count, output_folder, parser, plots, seed
from tinygrad_edu.progress import progress
from tinygrad_edu.viz.figures import save_figure


class RashidModule:
    """The network on tg.nn: MLP([784, hidden, 10]) with sigmoids, no biases, Rashid's initialiser."""

    def __init__(self, hidden, lr):
        self.model = tg.nn.MLP([784, hidden, 10], activation="sigmoid", output_activation="sigmoid",
                               bias=False, init="rashid")
        self.optimizer = tg.optim.SGD(self.model, lr=lr)

    def train_record(self, x, target):
        self.optimizer.zero_grad()
        loss = 0.5 * tg.nn.sse_loss(self.model(x.reshape(1, -1)), target.reshape(1, -1))
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def query(self, X):
        with tg.no_grad():
            return self.model(X).data

    def weights(self):
        """(wih, who) in Rashid's layout: (hidden, 784) and (10, hidden)."""
        return self.model.layers[0].weight.data.T, self.model.layers[2].weight.data.T


class RashidRaw:
    """The same network with raw Tensors in the book's own layout: W @ column vector."""

    def __init__(self, hidden, lr):
        self.wih = tg.tensor(np.random.normal(0.0, pow(784, -0.5), (hidden, 784)), requires_grad=True)
        self.who = tg.tensor(np.random.normal(0.0, pow(hidden, -0.5), (10, hidden)), requires_grad=True)
        self.lr = lr

    def train_record(self, x, target):
        inputs = tg.tensor(x.reshape(-1, 1))
        final_outputs = (self.who @ (self.wih @ inputs).sigmoid()).sigmoid()
        loss = 0.5 * ((tg.tensor(target.reshape(-1, 1)) - final_outputs) ** 2).sum()
        loss.backward()
        with tg.no_grad():
            self.who -= self.lr * self.who.grad
            self.wih -= self.lr * self.wih.grad
        self.who.grad = self.wih.grad = None
        return loss.item()

    def query(self, X):
        with tg.no_grad():
            return (self.who @ (self.wih @ tg.tensor(X.T)).sigmoid()).sigmoid().data.T

    def weights(self):
        return self.wih.data, self.who.data


def train(hidden=100, lr=0.3, epochs=1, limit=None, raw=False, seed=None, data=None, verbose=True):
    """Train and return (network, test accuracy, seconds)."""
    seed = None if seed is None else checked_seed(seed, "rashid_mnist.train")  # before loading, not after
    X_train, y_train, X_test, y_test = data or load_mnist()
    if limit:
        X_train, y_train = X_train[:limit], y_train[:limit]
    if seed is not None:
        np.random.seed(seed)
    net = (RashidRaw if raw else RashidModule)(hidden, lr)
    inputs, targets = mnist_inputs(X_train), mnist_targets(y_train)
    started = time.perf_counter()
    with progress(total=epochs * len(inputs), desc="training", unit="record", enabled=verbose) as bar:
        for epoch in range(epochs):
            for i, (x, t) in enumerate(zip(inputs, targets)):
                loss = net.train_record(x, t)
                if i % 500 == 499 or i == len(inputs) - 1:  # every record ticks; the bar redraws now and then
                    bar.update(i % 500 + 1)
                    bar.set_postfix(epoch=f"{epoch + 1}/{epochs}", loss=f"{loss:.4g}", refresh=False)
    seconds = time.perf_counter() - started
    accuracy = float(np.mean(np.argmax(net.query(mnist_inputs(X_test)), axis=1) == y_test))
    return net, accuracy, seconds


def logit(y):
    return np.log(y / (1.0 - y))


def backquery(wih, who, label):
    """Rashid's "peek inside the mind": run the target for ``label`` backwards through the
    transposed weights, undoing each sigmoid with its inverse (the logit) and rescaling each
    layer's signal into 0.01..0.99 so the logit is defined."""

    def rescale(signal):
        signal = signal - signal.min()
        return signal / signal.max() * 0.98 + 0.01

    final_outputs = mnist_targets(np.array([label]))[0].reshape(-1, 1)
    hidden_outputs = rescale(who.T @ logit(final_outputs))
    inputs = rescale(wih.T @ logit(hidden_outputs))
    return inputs.reshape(28, 28)


def plot_backquery(wih, who, path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4.4), dpi=100)
    FigureCanvasAgg(figure)
    for label in range(10):
        ax = figure.add_subplot(2, 5, label + 1)
        ax.imshow(backquery(wih, who, label), cmap="Greys", interpolation="none")
        ax.set_title(str(label))
        ax.axis("off")
    figure.suptitle("What each label looks like to the network (Rashid's backquery)")
    figure.tight_layout()
    save_figure(figure, path)


def main(argv=()):
    command = parser(__doc__, "rashid_mnist")
    command.add_argument("--hidden", type=count, default=100, help="hidden nodes")
    command.add_argument("--lr", type=float, default=0.3, help="learning rate")
    command.add_argument("--epochs", type=count, default=1, help="passes over the training records")
    command.add_argument("--limit", type=count, help="train on the first N records only (all: 60,000)")
    command.add_argument("--raw", action="store_true", help="the raw-Tensor version in the book's layout")
    command.add_argument("--seed", type=seed, help="seed NumPy's generator (the book does not)")
    command.add_argument("--backquery", action="store_true", help="also write backquery.png into --out")
    args = command.parse_args(argv)
    net, accuracy, seconds = train(args.hidden, args.lr, args.epochs, args.limit, args.raw, args.seed)
    print(f"784-{args.hidden}-10, lr {args.lr}, {args.epochs} epoch(s){' (raw Tensors)' if args.raw else ''}: "
          f"trained in {seconds:.1f} s")
    print(f"performance = {accuracy:.4f}")
    if args.backquery:
        path = output_folder(args.out) / "backquery.png"
        with plots(path.name):
            plot_backquery(*net.weights(), path)
            print(f"wrote {path}")
    return accuracy


if __name__ == "__main__":
    main(sys.argv[1:])

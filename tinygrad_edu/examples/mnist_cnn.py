"""A LeNet-style convolutional network on MNIST with tinygrad_edu: past 98.5 % test accuracy in
three epochs, on NumPy, in float32.

The network (LeCun et al., 1998, with today's ReLU, max pooling and Adam):

    conv 5x5, 1 -> 6 channels, padding 2   (28 x 28)   relu, max pool 2x2   -> 6 x 14 x 14
    conv 5x5, 6 -> 16 channels             (10 x 10)   relu, max pool 2x2   -> 16 x 5 x 5
    flatten (400) -> linear 120 -> relu -> linear 84 -> relu -> linear 10 -> softmax cross-entropy

Inputs standardised with MNIST's mean and standard deviation; Adam at 2e-3, then 1e-3 and 5e-4
in the second and third epochs; mini-batches of 64, shuffled with the seed. The convolutions run as one matrix product each (im2col through a
sliding-window view); their gradients are convolutions too (tinygrad_edu/engine/ops/convolution.py).

Run: python examples/mnist_cnn.py [--epochs 3] [--seed 0] [--limit N]
"""
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import checked_seed, count, parser, seed

MEAN, STD = np.float32(0.1307), np.float32(0.3081)  # of MNIST's training pixels, scaled to [0, 1]


def images(pixels):
    """(n, 784) uint8 -> (n, 1, 28, 28) float32, standardised."""
    return ((pixels.reshape(-1, 1, 28, 28) / np.float32(255) - MEAN) / STD).astype(np.float32)


def lenet():
    return tg.nn.Sequential(
        tg.nn.Conv2d(1, 6, 5, padding=2, dtype=np.float32), tg.nn.ReLU(), tg.nn.MaxPool2d(2),
        tg.nn.Conv2d(6, 16, 5, dtype=np.float32), tg.nn.ReLU(), tg.nn.MaxPool2d(2),
        tg.nn.Flatten(),
        tg.nn.Linear(400, 120, init="he", dtype=np.float32), tg.nn.ReLU(),
        tg.nn.Linear(120, 84, init="he", dtype=np.float32), tg.nn.ReLU(),
        tg.nn.Linear(84, 10, dtype=np.float32),
    )


def accuracy(model, X, y, batch=1000):
    model.eval()
    with tg.no_grad():
        right = sum(int(np.sum(np.argmax(model(X[i : i + batch]).data, axis=1) == y[i : i + batch]))
                    for i in range(0, len(X), batch))
    model.train()
    return right / len(X)


def train(epochs=3, seed=0, limit=None, data=None, verbose=True, learning_rates=(2e-3, 1e-3, 5e-4)):
    """Train on the first ``limit`` training images (all by default); returns the model and its History."""
    seed = checked_seed(seed, "mnist_cnn.train")  # before minutes of loading, not after
    X_train, y_train, X_test, y_test = data or tg.data.load_mnist()
    X_train, y_train = X_train[:limit], y_train[:limit].astype(np.int64)
    X_train, X_test = images(X_train), images(X_test)
    tg.manual_seed(seed)
    model = lenet()
    optimizer = tg.optim.Adam(model, lr=learning_rates[0])

    def step_decay(epoch, history, model):  # after epoch k, the next (smaller) learning rate
        optimizer.lr = learning_rates[min(epoch, len(learning_rates) - 1)]

    history = tg.fit(model, tg.nn.cross_entropy, optimizer, (X_train, y_train), epochs=epochs, batch_size=64,
                     shuffle=True, seed=seed, verbose=verbose, callback=step_decay,
                     metrics={"test accuracy": lambda m: accuracy(m, X_test, y_test)})
    return model, history


def main(argv=()):
    command = parser(__doc__, "mnist_cnn", writes=False)
    command.add_argument("--epochs", type=count, default=3, help="passes over the training images")
    command.add_argument("--seed", type=seed, default=0, help="seed of the weights and of the shuffling")
    command.add_argument("--limit", type=count, default=None, help="train on the first N images only (all: 60,000)")
    args = command.parse_args(argv)
    model, history = train(args.epochs, args.seed, args.limit)
    for epoch, (loss, acc) in enumerate(zip(history.loss, history.metrics["test accuracy"]), start=1):
        print(f"epoch {epoch}: training loss {loss:.4f}, test accuracy {acc:.4f}")
    print(f"parameters: {tg.nn.count_parameters(model):,}; trained in {history.seconds:.1f} s")
    return history.metrics["test accuracy"][-1]


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)

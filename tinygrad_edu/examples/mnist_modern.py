"""A modern MNIST classifier on tinygrad_edu: 784-256-10 with ReLU, softmax cross-entropy on
the logits, Adam, shuffled mini-batches of 128, everything in float32 -- the way a network is
trained today, next to Rashid's 2016 one (examples/rashid_mnist.py).

The recipe: inputs standardised with MNIST's mean and standard deviation (0.1307, 0.3081),
He-initialised weights, Adam at a learning rate of 3e-3 for the first epoch and 5e-4 after.
With Adam's usual 1e-3 throughout and raw [0, 1] pixels, two epochs give about 97.2 %; the
step decay brings every seed we tried above 97.5 % (docs/results.md). A hand-written NumPy
version of the same recipe gives the same accuracies to the last digit.

Run: python examples/mnist_modern.py [--epochs 2] [--seed 0] [--limit N]
"""

import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import checked_seed, count, parser, seed


def accuracy(model, X, y):
    with tg.no_grad():
        return float(np.mean(np.argmax(model(X).data, axis=1) == y))


MEAN, STD = np.float32(0.1307), np.float32(0.3081)  # of MNIST's training pixels, scaled to [0, 1]


def standardise(pixels):
    return ((pixels / np.float32(255) - MEAN) / STD).astype(np.float32)


def train(epochs=2, seed=0, data=None, verbose=True, learning_rates=(3e-3, 5e-4), limit=None):
    seed = checked_seed(seed, "mnist_modern.train")  # before minutes of loading, not after
    X_train, y_train, X_test, y_test = data or tg.data.load_mnist()
    X_train, y_train = X_train[:limit], y_train[:limit]
    X_train, X_test = standardise(X_train), standardise(X_test)
    np.random.seed(seed)
    model = tg.nn.MLP([784, 256, 10], activation="relu", output_activation=None, init="he")
    for p in model.parameters():  # float32 throughout
        p.data = p.data.astype(np.float32)
    optimizer = tg.optim.Adam(model, lr=learning_rates[0])

    def step_decay(epoch, history, model):  # after epoch k, use the next learning rate
        optimizer.lr = learning_rates[min(epoch, len(learning_rates) - 1)]

    history = tg.fit(model, tg.nn.cross_entropy, optimizer, (X_train, y_train.astype(np.int64)),
                     epochs=epochs, batch_size=128, shuffle=True, seed=seed, verbose=verbose, callback=step_decay,
                     metrics={"test accuracy": lambda m: accuracy(m, X_test, y_test)})
    return model, history


def main(argv=()):
    command = parser(__doc__, "mnist_modern", writes=False)
    command.add_argument("--epochs", type=count, default=2, help="passes over the training images")
    command.add_argument("--seed", type=seed, default=0, help="seed of the weights and of the shuffling")
    command.add_argument("--limit", type=count, default=None, help="train on the first N images only (all: 60,000)")
    args = command.parse_args(argv)
    model, history = train(args.epochs, args.seed, limit=args.limit)
    for epoch, (loss, acc) in enumerate(zip(history.loss, history.metrics["test accuracy"]), start=1):
        print(f"epoch {epoch}: loss {loss:.4f}, test accuracy {acc:.4f}")
    print(f"trained in {history.seconds:.1f} s")
    return history.metrics["test accuracy"][-1]


if __name__ == "__main__":
    main(sys.argv[1:])

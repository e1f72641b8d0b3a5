"""A character-level language model of first names, trained on the 5,163 names of the 1990
US census lists (the model of Bengio and colleagues, 2003, as Karpathy's "makemore" builds it).

Three characters of context -> Embedding(27, 10) -> Linear(30, 200) -> BatchNorm1d -> tanh
-> Linear(200, 27) -> softmax cross-entropy over the next character ('.' ends a name).
The names are split 80 / 10 / 10 into training, validation and test sets with the seed; the
validation loss is printed beside two baselines computed here: guessing uniformly (ln 27) and a
bigram model of counts (the next character from the one before, add-one smoothed). The model
must beat both. Then it writes 20 names of its own, and three pictures into the output folder:
the loss curve, the characters' embedding (its first two principal components) and a histogram
of the tanh layer's outputs (how many sit saturated near +-1).

Run: python examples/names_mlp.py [--steps 20000] [--seed 42] [--out FOLDER]   (default: examples-output/names_mlp)
"""
import math
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.data import ALPHABET, char_dataset, load_names
from tinygrad_edu.examples import checked_seed, count, output_folder, parser, plots, seed
from tinygrad_edu.progress import progress
from tinygrad_edu.viz.figures import save_figure

CONTEXT, EMBEDDING, HIDDEN = 3, 10, 200


def split(words, seed):
    """80 % training, 10 % validation, 10 % test, shuffled with the seed."""
    words = list(words)
    np.random.default_rng(seed).shuffle(words)
    a, b = int(0.8 * len(words)), int(0.9 * len(words))
    return words[:a], words[a:b], words[b:]


class NamesMLP(tg.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = tg.nn.Embedding(len(ALPHABET), EMBEDDING)
        self.hidden = tg.nn.Linear(CONTEXT * EMBEDDING, HIDDEN, bias=False, init="xavier")  # BatchNorm has the bias
        self.norm = tg.nn.BatchNorm1d(HIDDEN)
        self.output = tg.nn.Linear(HIDDEN, len(ALPHABET), init="xavier")
        self.output.weight.data *= 0.1  # start near uniform: the first loss is about ln 27

    def forward(self, contexts, keep=None):
        e = self.embedding(contexts).reshape(len(contexts), -1)
        h = self.norm(self.hidden(e)).tanh()
        if keep is not None:
            keep["tanh"] = h
        return self.output(h)


def bigram_loss(train_words, words):
    """The mean negative log-likelihood of ``words`` under add-one smoothed bigram counts."""
    counts = np.ones((len(ALPHABET), len(ALPHABET)))
    for previous, following in _pairs(train_words):
        counts[previous, following] += 1
    log_p = np.log(counts / counts.sum(axis=1, keepdims=True))
    pairs = list(_pairs(words))
    return -sum(log_p[a, b] for a, b in pairs) / len(pairs)


def _pairs(words):
    for word in words:
        indices = [0] + [ALPHABET.index(c) for c in word] + [0]
        yield from zip(indices, indices[1:])


def evaluate(model, X, Y):
    model.eval()
    with tg.no_grad():
        loss = tg.nn.cross_entropy(model(X), Y).item()
    model.train()
    return loss


def train(steps=20000, seed=42, words=None, batch_size=32, verbose=True):
    """Returns (model, report): the losses of the training steps, of the sets, and of the baselines."""
    seed = checked_seed(seed, "names_mlp.train")  # before the names are read, not inside NumPy
    words = words if words is not None else load_names()
    train_words, valid_words, test_words = split(words, seed)
    (X, Y), (Xv, Yv), (Xt, Yt) = (char_dataset(w, CONTEXT) for w in (train_words, valid_words, test_words))
    tg.manual_seed(seed)
    model = NamesMLP()
    optimizer = tg.optim.SGD(model, lr=0.1)
    rng = np.random.default_rng(seed)
    losses = []
    for step in progress(range(steps), desc="training", unit="step", enabled=verbose):
        rows = rng.integers(0, len(X), batch_size)
        optimizer.lr = 0.1 if step < steps * 3 // 4 else 0.01  # a tenth for the last quarter
        optimizer.zero_grad()
        loss = tg.nn.cross_entropy(model(X[rows]), Y[rows])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    report = {
        "steps": losses,
        "train": evaluate(model, X, Y), "validation": evaluate(model, Xv, Yv), "test": evaluate(model, Xt, Yt),
        "uniform": math.log(len(ALPHABET)), "bigram": bigram_loss(train_words, valid_words),
        "sizes": (len(train_words), len(valid_words), len(test_words)),
        "validation contexts": Xv,
    }
    return model, report


def sample(model, count=20, seed=0):
    """Names drawn one character at a time from the model's softmax, until it writes '.'."""
    rng = np.random.default_rng(checked_seed(seed, "names_mlp.sample"))
    model.eval()
    names = []
    with tg.no_grad():
        for _ in range(count):
            context, letters = [0] * CONTEXT, []
            while len(letters) < 30:
                p = model(np.array([context])).softmax(axis=-1).data[0]
                index = int(rng.choice(len(ALPHABET), p=p / p.sum()))
                if index == 0:
                    break
                letters.append(ALPHABET[index])
                context = context[1:] + [index]
            names.append("".join(letters))
    model.train()
    return names


def pictures(model, report, out):
    """The loss curve, the embedding's first two principal components, the tanh histogram."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.array(report["steps"])
    window = max(len(steps) // 100, 1)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(np.convolve(steps, np.ones(window) / window, mode="valid"), label=f"training batches (mean of {window})")
    for name, style in (("validation", "-"), ("bigram", "--"), ("uniform", ":")):
        ax.axhline(report[name], linestyle=style, color="black" if name == "validation" else "grey",
                   label=f"{name} {report[name]:.3f}")
    ax.set(xlabel="step", ylabel="cross-entropy (nats)", title="Names MLP: loss")
    ax.legend(loc="center right")
    save_figure(fig, out / "loss.png", dpi=110, bbox_inches="tight")

    table = model.embedding.weight.data
    centred = table - table.mean(axis=0)
    _, _, directions = np.linalg.svd(centred, full_matrices=False)
    points = centred @ directions[:2].T
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.scatter(points[:, 0], points[:, 1], s=250, color="lightsteelblue")
    for (x, y), letter in zip(points, ALPHABET):
        ax.text(x, y, letter, ha="center", va="center", fontsize=12)
    ax.set(title="The characters' embedding (first two principal components)",
           xlabel="component 1", ylabel="component 2")
    save_figure(fig, out / "embedding.png", dpi=110, bbox_inches="tight")

    keep = {}
    model.eval()
    with tg.no_grad():
        model(report["validation contexts"], keep=keep)
    model.train()
    h = keep["tanh"].data.ravel()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(h, bins=50, color="steelblue")
    ax.set(title=f"tanh outputs on the validation names: {np.mean(np.abs(h) > 0.99):.1%} beyond ±0.99",
           xlabel="tanh(BatchNorm(x W))", ylabel="count")
    save_figure(fig, out / "tanh.png", dpi=110, bbox_inches="tight")
    plt.close("all")
    return [out / "loss.png", out / "embedding.png", out / "tanh.png"]


def main(argv=()):
    command = parser(__doc__, "names_mlp")
    command.add_argument("--steps", type=count, default=20000, help="training steps (mini-batches of 32)")
    command.add_argument("--seed", type=seed, default=42, help="seed of the split, the weights and the batches")
    args = command.parse_args(argv)
    model, report = train(args.steps, args.seed)
    train_n, valid_n, test_n = report["sizes"]
    print(f"names: {train_n} training, {valid_n} validation, {test_n} test")
    print(f"loss (nats per character): training {report['train']:.4f}, validation {report['validation']:.4f}, "
          f"test {report['test']:.4f}")
    print(f"baselines on the validation names: uniform {report['uniform']:.4f}, bigram counts {report['bigram']:.4f}")
    print("20 names the model wrote: " + ", ".join(sample(model)))
    with plots("loss.png, embedding.png, tanh.png"):
        for path in pictures(model, report, output_folder(args.out)):
            print(f"wrote {path}")
    return report["validation"] < min(report["uniform"], report["bigram"])


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)

"""Perceptron gates: AND, NAND and OR from one weighted sum and a threshold, and the
activation functions step, sigmoid and ReLU (drawn with their derivatives, by autodiff).

A perceptron outputs 1 when w1*x1 + w2*x2 > theta. Moving theta to the other side as a bias
b = -theta gives the form networks use: output 1 when w.x + b > 0.

The tutorial shows that the same weights (0.5, 0.5) make OR with theta = 0.4 and AND with
theta = 0.7; NAND is AND with every sign flipped.

Run: python examples/perceptron_gates.py [--out FOLDER]   (writes activations.png there)
"""

import sys

import tinygrad_edu as tg
from tinygrad_edu.examples import output_folder, parser, plots

GATES = {  # (w1, w2, theta): output 1 when w1*x1 + w2*x2 > theta
    "AND": (0.5, 0.5, 0.7),
    "NAND": (-0.5, -0.5, -0.7),
    "OR": (0.5, 0.5, 0.4),
}
INPUTS = [(0, 0), (1, 0), (0, 1), (1, 1)]


def gate_with_threshold(name, x1, x2):
    w1, w2, theta = GATES[name]
    return 1 if x1 * w1 + x2 * w2 > theta else 0


def gate_with_bias(name, x1, x2):
    """The same gate with a bias: step(w . x + b), b = -theta, on Tensors."""
    w1, w2, theta = GATES[name]
    weighted = tg.tensor([x1, x2]) @ tg.tensor([w1, w2]) + (-theta)
    return int((weighted > 0).item())


def step(x):
    return (x > 0) * 1.0


def main(argv=()):
    args = parser(__doc__, "perceptron_gates").parse_args(argv)
    for name in GATES:
        print(name)
        for x1, x2 in INPUTS:
            assert gate_with_threshold(name, x1, x2) == gate_with_bias(name, x1, x2)
            print(f"  {x1} {x2} -> {gate_with_threshold(name, x1, x2)}")
    path = output_folder(args.out) / "activations.png"
    # step, sigmoid and ReLU with the derivatives autodiff gives (step's is 0 almost everywhere)
    with plots(path.name):
        tg.viz.plot_activations({"step": lambda t: t * 0 + step(t), "sigmoid": tg.sigmoid, "ReLU": tg.relu}, path=path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""The fixed-weight 3-layer forward pass (a 2-3-2-2 sigmoid network), with an identity or a
softmax output, as in "I made my own 3-layer forward propagation neural network".

Nothing is learned here: the point is the shapes of the matrix products and the softmax,
computed stably by subtracting the largest score first (``Tensor.softmax`` does that).

Run: python examples/three_layer_forward.py
"""
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import parser


def init_network():
    return {
        "W1": tg.tensor([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": tg.tensor([0.1, 0.2, 0.3]),
        "W2": tg.tensor([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": tg.tensor([0.1, 0.2]),
        "W3": tg.tensor([[0.1, 0.3], [0.2, 0.4]]),
        "b3": tg.tensor([0.1, 0.2]),
    }


def forward(network, x, output="softmax"):
    a1 = tg.tensor(x) @ network["W1"] + network["b1"]
    z1 = a1.sigmoid()
    a2 = z1 @ network["W2"] + network["b2"]
    z2 = a2.sigmoid()
    a3 = z2 @ network["W3"] + network["b3"]
    return a3.softmax() if output == "softmax" else a3  # identity output for regression


def main(argv=()):
    parser(__doc__, "three_layer_forward", writes=False).parse_args(argv)  # --help; no options
    network = init_network()
    print("identity output for the input [1.0, 0.5]:")
    print(forward(network, np.array([1.0, 0.5]), output="identity").data)
    print("softmax output for the input [2, 1]:")
    print(forward(network, np.array([2, 1]), output="softmax").data)


if __name__ == "__main__":
    main(sys.argv[1:])

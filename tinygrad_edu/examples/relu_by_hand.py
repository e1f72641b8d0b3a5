"""A one-hidden-layer ReLU network with fixed weights (Sarkar, "ReLU: not a differentiable
function"), computed on Tensors so that backward() can tell us every weight's gradient.

    inputs a=2, b=3
    node_0 = relu(2*a + 4*b)  = relu(16) = 16
    node_1 = relu(4*a - 5*b)  = relu(-7) = 0
    output = 2*node_0 + 7*node_1 = 32

Which weights get a zero gradient, and why:

* ``node_1``'s weights [4, -5]: its input is -7 < 0, where relu is flat (relu' = 0), so no
  small change of these weights changes the output -- a "dead" unit for this input;
* the output weight of node_1 (7): it multiplies node_1's output, which is 0, so d output /
  d w = 0 too.

The other gradients are the chain rule: d output / d node_0's weights = 2 * relu'(16) * [a, b]
= [4, 6], and d output / d output weight 0 = node_0 = 16.

Run: python examples/relu_by_hand.py [a b]
"""

import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import parser


def network(a=2, b=3):
    """Returns (output, weights) with weights as Tensors that require grad."""
    weights = {
        "node_0": tg.tensor([2.0, 4.0], requires_grad=True, name="node_0"),
        "node_1": tg.tensor([[4.0, -5.0]], requires_grad=True, name="node_1"),
        "output_node": tg.tensor([2.0, 7.0], requires_grad=True, name="output_node"),
    }
    input_data = tg.tensor([a, b], name="input")
    node_0_output = (input_data * weights["node_0"]).sum().relu()
    node_1_output = (input_data * weights["node_1"]).sum().relu()
    hidden_layer_outputs = tg.stack([node_0_output, node_1_output])
    model_output = (hidden_layer_outputs * weights["output_node"]).sum()
    return model_output, weights


def main(argv=()):
    command = parser(__doc__, "relu_by_hand", writes=False)
    command.add_argument("a", type=int, nargs="?", default=2, help="the first input")
    command.add_argument("b", type=int, nargs="?", default=3, help="the second input")
    args = command.parse_args(argv)
    a, b = args.a, args.b
    print("Enter the two values for input layers")
    print(f"a = {a}")
    print(f"b = {b}")
    output, weights = network(a, b)
    print(int(output.item()) if output.item().is_integer() else output.item())
    output.backward()
    print("gradients of the output:")
    for name, w in weights.items():
        print(f"  d output / d {name} = {np.array2string(w.grad.data.ravel(), separator=', ')}")


if __name__ == "__main__":
    main(sys.argv[1:])

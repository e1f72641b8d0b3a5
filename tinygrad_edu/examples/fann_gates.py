"""FANN's getting-started example, on tinygrad_edu: learn a logic gate from a ``.data`` file,
save the network, load it back and run it.

FANN's steps, and ours:

* ``fann_create_standard(3, 2, 4, 1)``  ->  ``MLP([2, 4, 1])``
* activation ``FANN_SIGMOID_SYMMETRIC`` ->  tanh on both layers. FANN computes
  tanh(steepness * x) with steepness 0.5 by default, which is tanh with the incoming weights
  halved, so it learns the same functions. Its ``..._STEPWISE`` variant replaces tanh by a
  piecewise-linear approximation for speed on machines without fast floating point; we use
  exact tanh.
* ``fann_train_on_file("and.data", ann, 10000, 1000, 0.00001)`` -> ``tg.fit`` for at most
  10,000 epochs, a report every 1,000, stopping once the mean squared error <= 0.00001.
  FANN's default trainer is RPROP; we use plain batch gradient descent with FANN's learning
  rate 0.7.
* ``fann_save`` / ``fann_create_from_file`` -> ``tg.save`` / ``tg.load`` (.npz, no pickle).

Run: python examples/fann_gates.py [and|xor] [--out FOLDER]   (writes and_float.npz or xor_float.npz there)
"""
import sys
import os
import pathlib

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.examples import checked_seed, output_folder, parser

DATA = pathlib.Path(__file__).resolve().parent / "data"
BIT_FAIL_LIMIT = 0.35  # FANN counts an output as a failed bit when it is off by more than this


def make_network(seed=0):
    np.random.seed(checked_seed(seed, "fann_gates.make_network"))
    return tg.nn.MLP([2, 4, 1], activation="tanh", output_activation="tanh")


def report(epoch, history, model, inputs, targets, every):
    if epoch % every == 0 or epoch == 1:
        with tg.no_grad():  # error and bit fail of the same (current) weights
            errors = model(inputs).data - targets
        bit_fail = int(np.sum(np.abs(errors) > BIT_FAIL_LIMIT))
        print(f"Epochs {epoch:8d}. Current error: {np.mean(errors ** 2):.10f}. Bit fail {bit_fail}.")
    return False


def train_gate(gate="and", max_epochs=10_000, epochs_between_reports=1_000, desired_error=0.00001, seed=0):
    inputs, targets = tg.data.read_fann(DATA / f"{gate}.data")
    model = make_network(seed)
    print(f"Max epochs {max_epochs:8d}. Desired error: {desired_error:.10f}.")
    history = tg.fit(
        model, tg.nn.mse_loss, tg.optim.SGD(model, lr=0.7), (inputs, targets), epochs=max_epochs,
        desired_error=desired_error, verbose=False,
        callback=lambda e, h, m: report(e, h, m, inputs, targets, epochs_between_reports),
    )
    return model, history


def main(argv=()):
    command = parser(__doc__, "fann_gates")
    command.add_argument("gate", nargs="?", choices=["and", "xor"], default="and", help="the gate to learn")
    args = command.parse_args(argv)
    gate, folder = args.gate, output_folder(args.out)
    model, history = train_gate(gate)
    print(f"Stopped after {history.epochs} epochs with error {history.loss[-1]:.10f}.")
    path = folder / f"{gate}_float.npz"
    tg.save(model, path)
    loaded = tg.load(path, into=make_network(seed=1))  # different start weights, then overwritten
    for x1, x2 in [(-1, -1), (-1, 1), (1, -1), (1, 1)]:
        out = loaded(np.array([[x1, x2]], dtype=float)).item()
        print(f"{gate} test ({x1:f},{x2:f}) -> {out:f}")
    print(f"saved to {os.fspath(path)}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Regenerate the pictures the docs show: python scripts/make_doc_images.py"""
import pathlib

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.demo import load_example as example

ROOT = pathlib.Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"


def after_backward(loss):
    """The loss after backward(retain_graph=True): the drawings show the graph's state."""
    loss.backward(retain_graph=True)
    return loss


def neuron():
    """One sigmoid neuron and its squared error: small enough to read every number."""
    x = tg.tensor([1.0, -2.0], name="x")
    w = tg.tensor([0.5, -0.3], requires_grad=True, name="w")
    b = tg.tensor(0.1, requires_grad=True, name="b")
    y = (x @ w + b).sigmoid()
    return after_backward((y - 1.0) ** 2)


def trask():
    X, y = tg.data.trask_xor()
    np.random.seed(1)
    syn0 = tg.tensor(2 * np.random.random((3, 4)) - 1, requires_grad=True, name="syn0")
    syn1 = tg.tensor(2 * np.random.random((4, 1)) - 1, requires_grad=True, name="syn1")
    l2 = ((tg.tensor(X, name="X") @ syn0).sigmoid() @ syn1).sigmoid()
    return after_backward(0.5 * ((tg.tensor(y, name="y") - l2) ** 2).sum())


def xor_mlp(epochs=0):
    X, y = tg.data.xor_gate()
    np.random.seed(0)
    model = tg.nn.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid")
    recorder = tg.viz.GradientRecorder(model)
    history = tg.fit(model, tg.nn.mse_loss, tg.optim.Adam(model, lr=0.05), (X, y), epochs=epochs,
                     callback=recorder, verbose=False) if epochs else None
    return model, X, y, history, recorder


def reverse_mode_images():
    for step, name, graph in tg.viz.backward_steps(neuron()):
        if step in (0, 2, 4):
            graph.render(IMAGES / f"neuron_step_{step}", format="png", cleanup=True)
    a = tg.tensor(3.0, requires_grad=True, name="a")
    b = a + a
    tg.draw_graph(after_backward(b * b)).render(IMAGES / "reused_node", format="png", cleanup=True)


def visualization_images():
    tg.draw_graph(neuron()).render(IMAGES / "neuron_graph", format="png", cleanup=True)
    tg.draw_graph(trask()).render(IMAGES / "trask_graph", format="png", cleanup=True)
    model, X, y, _, _ = xor_mlp()
    loss = after_backward(tg.nn.mse_loss(model(X), y))
    tg.draw_graph(loss, params=model, collapse="module").render(IMAGES / "xor_modules", format="png", cleanup=True)
    steps = list(tg.viz.backward_steps(trask()))
    steps[3][2].render(IMAGES / "backward_step", format="png", cleanup=True)
    model, X, y, history, recorder = xor_mlp(epochs=1000)
    tg.viz.plot_loss(history, IMAGES / "xor_loss.png", title="MLP on XOR: loss per epoch")
    tg.viz.plot_decision_boundary(model, X, y, IMAGES / "xor_boundary.png", title="MLP on XOR: decision boundary")
    recorder.plot(IMAGES / "xor_grad_norms.png", title="MLP on XOR: gradient norms during training")
    fresh, X, y, _, _ = xor_mlp()
    tg.nn.mse_loss(fresh(X), y).backward()
    tg.viz.plot_grad_flow(fresh, IMAGES / "xor_grad_flow.png", title="MLP on XOR: gradient flow at the first step")


def main():
    IMAGES.mkdir(parents=True, exist_ok=True)
    visualization_images()
    reverse_mode_images()
    tg.viz.plot_derivatives(lambda x: x.sin() * x, (-4, 4), k=2, path=IMAGES / "derivatives.png", name="f")
    tg.viz.plot_tangent(lambda x: x**3 - 2 * x, 1.2, (-2.5, 2.5), path=IMAGES / "tangent.png")
    tg.viz.plot_taylor(tg.cos, 0.0, (2, 4, 6, 8), (-6, 6), path=IMAGES / "taylor.png", name="cos")
    example("loy").main([str(IMAGES / "loy_loss.png")])
    example("perceptron_gates").main([str(IMAGES / "activations.png")])
    example("simplenn_regression").main(["2000", str(IMAGES / "simplenn_surface.png")])  # about 40 s
    print(f"wrote the pictures to {IMAGES}")


if __name__ == "__main__":
    main()

"""The main job (``make demo``, ``tinygrad-edu demo``): what the library does, in half a minute.

It trains Trask's 3-layer network and an MLP on XOR, prints their outputs beside the
tutorial's, checks their gradients against the formulas derived by hand, and writes the
pictures: the graph of the loss with values and gradients, the interactive explorer,
backpropagation step by step, the text trace, the loss curves, a derivative plot, and an
index.html that links them.
"""
import html
import importlib.util
import pathlib
import shutil
import time

import numpy as np

from . import data, nn, optim
from .engine.grad_mode import no_grad
from .files import write_file
from .gradcheck import check_formula, gradcheck
from .engine.tensor import Tensor
from .training import fit
from .viz import draw_graph, explore, plot_decision_boundary, plot_derivatives, plot_loss, save_steps, trace
from .viz.figures import PLOTS_HINT

GRAPHVIZ_HELP = ("Graphviz's dot is not installed: sudo apt install graphviz (Debian/Ubuntu), brew install graphviz "
                 "(macOS) or conda install -c conda-forge graphviz, then run the demo again")
EXAMPLES = pathlib.Path(__file__).resolve().parent / "examples"  # inside the package: installed copies have them
TUTORIAL_ERRORS = [0.496410031903, 0.00858452565325, 0.00578945986251, 0.00462917677677,
                   0.00395876528027, 0.00351012256786]
TUTORIAL_OUTPUT = [0.00260572, 0.99672209, 0.99701711, 0.00386759]


def load_example(name):
    path = EXAMPLES / f"{name}.py"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_")))
        raise FileNotFoundError(f"no example named {name!r}; the examples are: {known}")
    spec = importlib.util.spec_from_file_location(f"tinygrad_edu_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def xor_hand_derived(X, y, W1, b1, W2, b2):
    """The chain rule written out for mean((sigmoid(tanh(X W1 + b1) W2 + b2) - y)^2)."""
    h = np.tanh(X @ W1 + b1)
    out = 1 / (1 + np.exp(-(h @ W2 + b2)))
    delta2 = 2 * (out - y) / y.size * out * (1 - out)  # through the mean, the square, the sigmoid
    delta1 = delta2 @ W2.T * (1 - h * h)  # back through W2 and tanh
    return X.T @ delta1, delta1.sum(axis=0), h.T @ delta2, delta2.sum(axis=0)


def _section(title, out):
    out(f"\n{title}\n{'-' * len(title)}")


def run(out_dir="demo-output", out=print):
    started = time.perf_counter()
    folder = pathlib.Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    out("tinygrad_edu demo: backpropagation derived automatically, checked against the tutorials")

    # 1. Trask's network ---------------------------------------------------------------------
    _section("1. Trask's 3-layer network (seed 1, 60,000 steps, written with Tensors and backward())", out)
    trask = load_example("trask_3layer")
    curve = []  # mean |error| every 100 steps; every 100th of those is one of the tutorial's lines
    syn0, syn1, l2 = trask.train(report_every=100, log=lambda line: curve.append(float(line.split(":")[1])))
    errors = curve[::100]
    out(f"   {'step':>6}  {'Error (ours)':>16}  {'Error (tutorial)':>16}")
    for step, (ours, theirs) in enumerate(zip(errors, TUTORIAL_ERRORS)):
        out(f"   {step * 10_000:>6}  {ours:>16.12g}  {theirs:>16.12g}  {'same' if f'{ours:.12g}' == f'{theirs:.12g}' else 'DIFFERENT'}")
    out(f"   output (ours):     {' '.join(f'{v:.8f}' for v in l2.data.ravel())}")
    out(f"   output (tutorial): {' '.join(f'{v:.8f}' for v in TUTORIAL_OUTPUT)}")
    X, y = data.trask_xor()
    np.random.seed(1)
    start0, start1 = 2 * np.random.random((3, 4)) - 1, 2 * np.random.random((4, 1)) - 1
    report = check_formula(lambda a, b: trask.loss_of(X, y, a, b), [start0, start1],
                           lambda a, b: trask.hand_derived_gradients(X, y, a, b))
    worst = max(float(np.max(c.error)) for c in report.checks)
    out(f"   autodiff vs Trask's l1_delta / l2_delta: {'AGREE' if report else 'DISAGREE'} (max |difference| {worst:.2g})")

    # 2. An MLP on XOR ---------------------------------------------------------------------------
    _section("2. An MLP on XOR with tg.nn (2-4-1, tanh then sigmoid, Adam)", out)
    Xx, yx = data.xor_gate()
    np.random.seed(0)
    model = nn.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid")
    initial = [p.data.copy() for p in model.parameters()]
    history = fit(model, nn.mse_loss, optim.Adam(model, lr=0.05), (Xx, yx), epochs=1000, verbose=False)
    with no_grad():
        predictions = model(Xx).data.ravel()
    for (a, b), p, t in zip(Xx.astype(int), predictions, yx.ravel()):
        out(f"   {a} XOR {b} = {int(t)}   network says {p:.4f}")
    out(f"   loss {history.loss[0]:.4f} -> {history.loss[-1]:.6f} in {history.epochs} epochs")

    def mlp_loss(W1, b1, W2, b2):
        return nn.mse_loss(((Tensor(Xx) @ W1 + b1).tanh() @ W2 + b2).sigmoid(), yx)

    report = check_formula(mlp_loss, initial, lambda *p: xor_hand_derived(Xx, yx, *p))
    worst = max(float(np.max(c.error)) for c in report.checks)
    out(f"   autodiff vs the chain rule written by hand: {'AGREE' if report else 'DISAGREE'} (max |difference| {worst:.2g})")
    numeric = gradcheck(mlp_loss, initial)
    out(f"   autodiff vs central differences (gradcheck): {'AGREE' if numeric else 'DISAGREE'}")

    # 3. Pictures --------------------------------------------------------------------------------
    _section(f"3. Pictures and text, in {folder}/", out)
    first_loss = trask.loss_of(X, y, Tensor(start0, requires_grad=True, name="syn0"),
                               Tensor(start1, requires_grad=True, name="syn1"))
    first_loss.backward(retain_graph=True)  # what the pictures show: the graph as backward left it
    files, missing = {}, []
    graph = draw_graph(first_loss)
    write_file(folder / "graph.dot", graph.source)  # the picture's source needs no Graphviz
    files["graph.dot"] = "the graph as Graphviz source (dot -Tsvg graph.dot > graph.svg draws it)"
    if shutil.which("dot"):
        write_file(folder / "graph.svg", graph.pipe(format="svg"))
        files["graph.svg"] = "the graph of Trask's loss at step 1, every value and gradient on it"
        explore(first_loss, folder / "explore.html", title="Trask's network at step 1, explored")
        files["explore.html"] = "that graph to click through: the chain rule at each tensor, a backward stepper"
        save_steps(first_loss, folder / "steps", title="Trask's network: backpropagation step by step")
        files["steps/index.html"] = "backpropagation one op at a time (Previous / Next)"
    else:
        missing.append(("graph.svg, explore.html, steps/", GRAPHVIZ_HELP))
    write_file(folder / "trace.txt", trace(first_loss, backward=True) + "\n")
    files["trace.txt"] = "the forward and backward computation, one op per line"
    if importlib.util.find_spec("matplotlib") is not None:
        plot_loss(curve, folder / "trask_loss.png", title="Trask's network: mean |error| (the tutorial's 'Error:')",
                  labels="Trask, 3-4-1 sigmoid", xlabel="step", every=100)
        files["trask_loss.png"] = "Trask's error falling over 60,000 steps"
        plot_loss(history, folder / "xor_loss.png", title="MLP on XOR: mean squared error", labels="MLP 2-4-1")
        files["xor_loss.png"] = "the MLP's loss falling over 1,000 epochs"
        plot_derivatives(lambda t: t.sigmoid(), (-6, 6), k=2, path=folder / "derivatives.png", name="sigmoid")
        files["derivatives.png"] = "sigmoid and its first two derivatives, by autodiff"
        plot_decision_boundary(model, Xx, yx, folder / "decision_boundary.png", title="The MLP's answer to XOR")
        files["decision_boundary.png"] = "how the MLP splits the plane"
    else:
        missing.append(("the four plots (*.png)", PLOTS_HINT))
    _write_index(folder, files)
    files["index.html"] = "this list, with the pictures"
    for name, what in files.items():
        out(f"   {name:<24} {what}")
    out(f"\nDone in {time.perf_counter() - started:.1f} s. Open {folder / 'index.html'} in a browser.")
    for what, how in missing:
        out(f"Not drawn: {what} -- {how}")
    return files


def _write_index(folder, files):
    items = []
    for name, what in files.items():
        link = f'<a href="{html.escape(name)}">{html.escape(name)}</a>'
        picture = f'<br><img src="{html.escape(name)}" alt="{html.escape(what)}">' if name.endswith((".png", ".svg")) else ""
        items.append(f"<li>{link}: {html.escape(what)}{picture}</li>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>tinygrad_edu demo</title>
<style>body {{ font-family: Helvetica, Arial, sans-serif; margin: 2em; max-width: 1100px; }}
img {{ max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0 1.5em; }} li {{ margin-bottom: 0.6em; }}</style>
</head><body><h1>tinygrad_edu demo</h1>
<p>Trask's network and an MLP on XOR, trained with automatic differentiation; their gradients agree
with the formulas derived by hand.</p>
<ul>{''.join(items)}</ul></body></html>
"""
    write_file(folder / "index.html", page)

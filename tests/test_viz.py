"""Graph drawings, step-by-step backward, gradient inspection and the training plots."""
import os
import pathlib
import re
import shutil
import sys
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import tinygrad_edu as tg

GOLDEN = pathlib.Path(__file__).with_name("golden_small_graph.dot")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def small_expression(backward=True):
    a = tg.tensor(2.0, requires_grad=True, name="a")
    b = tg.tensor(-3.0, requires_grad=True, name="b")
    c = a * b + b
    if backward:
        c.backward()
    return c


def test_golden_dot_text_with_values_grads_names_and_colours():
    """c = a*b + b at a=2, b=-3, after backward(): c = -9, dc/da = b = -3, dc/db = a + 1 = 3;
    parameters blue (deepest: the largest |grad|), the output orange, the intermediate grey at
    1/3 strength."""
    assert tg.draw_graph(small_expression()).source == GOLDEN.read_text()


def test_dot_text_is_deterministic_across_runs():
    assert tg.draw_graph(small_expression()).source == tg.draw_graph(small_expression()).source


def karpathy_expression():
    """L = (a*b + c) * f with a=2, b=-3, c=10, f=-2: the first example of Karpathy's lecture."""
    a, b, c, f = (tg.tensor(v, requires_grad=True, name=n) for v, n in ((2.0, "a"), (-3.0, "b"), (10.0, "c"),
                                                                       (-2.0, "f")))
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    L = d * f
    L.name = "L"
    return L


def karpathy_neuron():
    """The lecture's tanh neuron: o = tanh(x1 w1 + x2 w2 + b)."""
    x1, x2, w1, w2 = (tg.tensor(v, requires_grad=True, name=n) for v, n in ((2.0, "x1"), (0.0, "x2"), (-3.0, "w1"),
                                                                          (1.0, "w2")))
    b = tg.tensor(6.8813735870195432, requires_grad=True, name="b")
    n = x1 * w1 + x2 * w2 + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    return o


def boxes(source):
    """{box name: (data, grad)} from a drawing's DOT text."""
    found = {}
    for name, data, grad in re.findall(r"<b>([^<]+)</b></td></tr><tr><td>[^<]*</td></tr><tr><td>data ([^<]+)</td>"
                                       r"</tr><tr><td>grad ([^<]+)</td>", source):
        found[name] = (data, grad)
    return found


def test_the_lectures_workflow_draws_the_lectures_numbers_after_backward():
    L = karpathy_expression()
    L.backward()
    assert boxes(tg.draw_graph(L).source) == {"a": ("2", "6"), "b": ("-3", "-4"), "e": ("-6", "-2"),
                                              "c": ("10", "-2"), "d": ("4", "-2"), "f": ("-2", "4"), "L": ("-8", "1")}
    o = karpathy_neuron()
    o.backward()
    drawn = boxes(tg.draw_graph(o).source)
    assert drawn["o"] == ("0.7071", "1") and drawn["n"] == ("0.8814", "0.5") and drawn["b"][1] == "0.5"
    assert drawn["x1"] == ("2", "-1.5") and drawn["w1"] == ("-3", "1") and drawn["x2"] == ("0", "0.5")
    assert drawn["w2"] == ("1", "0")


def test_two_backward_calls_draw_the_accumulated_leaf_gradient():
    L = karpathy_expression()
    L.backward(retain_graph=True)
    L.backward()
    drawn = boxes(tg.draw_graph(L).source)
    assert drawn["a"][1] == "12" and drawn["f"][1] == "8"  # leaves: .grad accumulates
    assert drawn["e"][1] == "-2"  # intermediates: the gradient of the latest backward


def test_before_backward_values_only_and_the_caption_says_so():
    L = karpathy_expression()
    source = tg.draw_graph(L).source
    assert "grad <i>none yet</i>" in source and "No gradient has been computed yet" in source.replace("\\l", " ")
    preview = boxes(tg.draw_graph(L, grads="preview").source)
    assert preview["a"] == ("2", "6") and L.grad_fn.grad is None
    assert all(tg.autograd.latest_gradient(t) is None for t in tg.autograd.tensors_in_order([L]))  # nothing was touched


def test_constants_and_graphs_with_nothing_to_differentiate_say_why():
    x = tg.tensor([1.0, 2.0], name="x")
    w = tg.tensor([0.5, -0.5], requires_grad=True, name="w")
    with tg.no_grad():
        frozen = w * 2
    source = tg.draw_graph((x * w + frozen).sum()).source.replace("\\l", " ")  # the caption's line breaks
    assert "Dashed white boxes are constants" in source and "computed inside tg.no_grad()" in source
    assert "made with requires_grad=False" in source and "dashed" in source
    nothing = tg.draw_graph(x * 2).source.replace("\\l", " ")
    assert "Nothing in this graph requires grad" in nothing


def test_the_direction_follows_the_graphs_shape():
    x = tg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(12):
        y = y.sin()
    assert "rankdir=TB" in tg.draw_graph(y).source  # a deep chain reads top to bottom
    assert "rankdir=LR" in tg.draw_graph(karpathy_expression()).source  # a shallow graph left to right


def test_drawing_does_not_touch_grad_and_works_after_backward_with_retain_graph():
    a = tg.tensor(2.0, requires_grad=True, name="a")
    c = (a * a).exp()
    tg.draw_graph(c, grads="preview")
    assert a.grad is None
    c.backward(retain_graph=True)
    assert "grad 218.4" in tg.draw_graph(c).source  # 2a e^(a^2) = 4 e^4


def test_after_backward_the_whole_graph_draws_with_its_gradients():
    a = tg.tensor(2.0, requires_grad=True)
    c = (a * a).exp()
    c.backward()
    source = tg.draw_graph(c).source
    assert source.count("label=mul") == 1 and "label=exp" in source
    assert "grad 218.4" in source and "grad 54.6" in source  # dc/da = 2a e^(a^2), dc/d(a^2) = e^4


def test_parameter_names_from_a_module_and_module_clusters():
    np.random.seed(0)
    model = tg.nn.MLP([3, 4, 1], output_activation="sigmoid")
    loss = tg.nn.mse_loss(model(np.ones((2, 3))), np.zeros((2, 1)))
    source = tg.draw_graph(loss, params=model, collapse="module").source
    for name in ["layers.0.weight", "layers.0.bias", "layers.2.weight"]:
        assert f"<b>{name}</b>" in source
    assert "subgraph cluster_0" in source and 'label="layers.0"' in source and 'label="layers.3"' in source


def test_show_saved_and_nan_nodes_are_red():
    x = tg.tensor([-1.0, 4.0], requires_grad=True, name="x")
    with np.errstate(invalid="ignore"):  # NumPy warns about sqrt(-1); the drawing must show it
        y = x.sqrt().exp()
        source = tg.draw_graph(y.sum(), show_saved=True).source
    assert "fillcolor=\"#ff6b6b\"" in source  # sqrt(-1) is NaN
    assert "exp\\nsaved: (2,)" in source


def test_graph_of_a_gradient_draws_like_any_graph():
    x = tg.tensor(1.5, requires_grad=True, name="x")
    (dy,) = tg.autograd.grad(x.sin() * x, x, create_graph=True)
    source = tg.draw_graph(dy).source
    assert "label=cos" in source and "label=mul" in source
    assert 'label="pow(2)\\nwith' not in source


def test_five_thousand_node_chain_draws_within_max_nodes():
    x = tg.tensor(1.0, requires_grad=True, name="x")
    y = x
    for _ in range(5000):
        y = y * 1.0001
    graph = tg.draw_graph(y, max_nodes=50)
    tensors = re.findall(r"^\tt\d+ \[", graph.source, re.M)
    assert len(tensors) == 50
    # 5,001 tensors (the 1.0001s are numbers written on the ops), 50 drawn
    assert "... 4951 more tensors" in graph.source


@needs_dot
def test_svg_rendering_parses_and_contains_the_op_labels(tmp_path):
    path = tg.draw_graph(small_expression()).render(tmp_path / "graph", format="svg", cleanup=True)
    root = ET.parse(path).getroot()
    text = "".join(root.itertext())
    assert root.tag.endswith("svg") and "mul" in text and "add" in text and "grad 3" in text


# Graph.render renders into a temporary folder and moves the files into place; what it writes,
# returns and refuses must be what graphviz.Digraph.render itself does with the same arguments.
RENDER_CALLS = [
    {"filename": "g", "format": "svg"}, {"filename": "g", "format": "svg", "cleanup": True},
    {"filename": "sub/g.gv", "format": "png"}, {"outfile": "out.svg"}, {"outfile": "o/out.svg"},
    {"outfile": "out.svg", "directory": "d"}, {"filename": "g", "directory": "d", "format": "svg"},
    {"outfile": "out.svg", "filename": "src.dot"}, {"format": "svg"}, {"filename": "g"},
    {"outfile": "x.svg", "format": "png"}, {"outfile": "x.weird", "format": "svg"},
    {"filename": "g", "format": "svg", "engine": "neato"}, {"filename": "g", "format": "svg", "renderer": "cairo"},
    {"graph_directory": "gd", "outfile": "x.svg"}, {"graph_directory": "gd", "filename": "g", "format": "svg"},
]


def _render_in(folder, call, with_graphviz, monkeypatch):
    """(result, {file: bytes}, graph's filename and directory after, warning types) of one render in ``folder``."""
    import warnings

    import graphviz

    folder.mkdir()
    monkeypatch.chdir(folder)
    call = dict(call)
    graph = tg.draw_graph(small_expression())
    graph.directory = call.pop("graph_directory", "")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = graphviz.Digraph.render(graph, **call) if with_graphviz else graph.render(**call)
    written = {str(p.relative_to(folder)): p.read_bytes() if p.suffix != ".pdf" else b"(a pdf: dated)"
               for p in sorted(folder.rglob("*")) if p.is_file()}
    return result, written, (os.fspath(graph.filename), os.fspath(graph.directory)), [type(w.message) for w in caught]


@needs_dot
@pytest.mark.parametrize("call", RENDER_CALLS, ids=str)
def test_render_writes_returns_and_warns_as_graphviz_does(call, tmp_path, monkeypatch):
    ours = _render_in(tmp_path / "ours", call, False, monkeypatch)
    assert ours == _render_in(tmp_path / "graphviz", call, True, monkeypatch)
    assert not [name for name in ours[1] if ".render-" in name or ".tmp" in name]  # nothing of the staging left


@needs_dot
@pytest.mark.parametrize("call, error", [
    ({"outfile": "x.weird"}, "RequiredArgumentError"),  # graphviz named the temporary folder's file here
    ({"outfile": "x"}, "RequiredArgumentError"),
    ({"format": "nope"}, "ValueError"),
    ({"outfile": "g.gv"}, "ValueError"),
    ({"filename": "g", "format": "svg", "raise_if_result_exists": True}, "FileExistsError"),
], ids=str)
def test_render_refuses_what_graphviz_refuses_in_its_words_and_writes_nothing(call, error, tmp_path, monkeypatch):
    import graphviz

    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.svg").write_text("old")
    with pytest.raises(getattr(graphviz, error, None) or ValueError) as theirs:
        graphviz.Digraph.render(tg.draw_graph(small_expression()), **call)
    for p in tmp_path.iterdir():
        if p.name != "g.svg":
            p.unlink()  # graphviz wrote the source before refusing
    with pytest.raises(type(theirs.value), match=f"^{re.escape(str(theirs.value))}$"):
        tg.draw_graph(small_expression()).render(**call)
    assert [p.name for p in tmp_path.iterdir()] == ["g.svg"] and (tmp_path / "g.svg").read_text() == "old"


@needs_dot
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="graphviz opens files with xdg-open on Linux")
@pytest.mark.parametrize("option", ["view", "quiet_view"])
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # graphviz never waits for its viewer
def test_render_with_view_opens_the_file_in_place_through_graphviz(option, tmp_path, monkeypatch):
    """The viewer is graphviz's own (its public graphviz.view), given the final file, not the
    temporary one: a stand-in xdg-open writes down what it was asked to open."""
    tools = tmp_path / "bin"
    tools.mkdir()
    opened = tmp_path / "opened.txt"
    (tools / "xdg-open").write_text(f'#!/bin/sh\necho "$1" > "{opened}.part" && mv "{opened}.part" "{opened}"\n')
    (tools / "xdg-open").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    path = tg.draw_graph(small_expression()).render(tmp_path / "g", format="svg", **{option: True})
    for _ in range(600):  # the viewer runs in the background: wait for its note
        if opened.exists():
            break
        time.sleep(0.05)
    assert opened.read_text().strip() == path and os.path.exists(path)


def test_missing_dot_gives_install_hints(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder without dot
    graph = tg.draw_graph(small_expression())
    assert graph.source.startswith("digraph")  # the DOT text needs no dot
    with pytest.raises(tg.viz.GraphvizNotFound) as info:
        graph.render(tmp_path / "g", format="svg")
    message = str(info.value)
    assert "apt-get install graphviz" in message and "brew install graphviz" in message and "conda" in message
    with pytest.raises(tg.viz.GraphvizNotFound):
        graph.pipe(format="svg")


def trask_loss():
    X, y = tg.data.trask_xor()
    np.random.seed(1)
    model = tg.nn.MLP([3, 4, 1], activation="sigmoid", output_activation="sigmoid", bias=False, init="trask")
    return 0.5 * tg.nn.sse_loss(model(X), y), model


def test_backward_steps_one_frame_per_non_leaf_node_in_the_order_backward_runs():
    loss, model = trask_loss()
    non_leaf = [t for t in tg.viz.tensors_in_order([loss]) if t.grad_fn is not None]
    steps = list(tg.viz.backward_steps(loss, params=model))
    assert len(steps) == len(non_leaf) == 8
    assert [name for _, name, _ in steps] == ["mul", "sum", "mul", "sub", "sigmoid", "matmul", "sigmoid", "matmul"]
    marked = [graph.source.count('<font color="#c0392b">') for _, _, graph in steps]
    needs_grad = [t for t in tg.viz.tensors_in_order([loss]) if t.requires_grad and t is not loss]
    assert sum(marked) == len(needs_grad) and all(m >= 1 for m in marked)  # each gradient marked once
    assert all('id=active' in graph.source for _, _, graph in steps)


@needs_dot
def test_save_steps_writes_every_frame_and_a_self_contained_page(tmp_path):
    loss, model = trask_loss()
    page = tg.viz.save_steps(loss, tmp_path, params=model)
    svgs = sorted(tmp_path.glob("step_*.svg"))
    assert len(svgs) == 8
    text = page.read_text()
    assert text.count('<div class="frame"') == 8 and text.count("<svg") == 8
    assert "Previous" in text and "Next" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "the page must not load anything"
    assert "<link" not in text and "<script src" not in text
    sizes = {re.search(r'<svg width="([^"]+)" height="([^"]+)"', svg.read_text()).groups() for svg in svgs}
    assert len(sizes) == 1, f"the frames change size: {sizes}"  # nothing jumps between steps
    assert 'querySelector("#active")' in text  # the active op is scrolled into the middle of its frame


def test_grad_stats_reports_dead_relus_and_missing_grads():
    model = tg.nn.Sequential(tg.nn.Linear(3, 4, weight=np.ones((3, 4)), bias=np.full(4, -100.0)), tg.nn.ReLU(),
                             tg.nn.Linear(4, 1, bias=[1.0]))
    unused = tg.nn.Parameter([1.0, 2.0], name="unused")
    tg.nn.mse_loss(model(np.ones((5, 3))), np.zeros((5, 1))).backward()
    stats = tg.viz.grad_stats(model, lr=0.1)
    by_name = {s.name: s for s in stats}
    assert by_name["layers.0.weight"].zero_fraction == 1.0  # every ReLU is dead: nothing flows back
    assert by_name["layers.2.weight"].zero_fraction == 1.0  # its inputs are all zero
    assert by_name["layers.2.bias"].zero_fraction == 0.0
    table = str(tg.viz.grad_stats({"unused": unused, "bias": model.layers[2].bias}))
    assert "no grad" in table and "bias" in table


def test_training_plots_and_grad_flow_write_images(tmp_path):
    X, y = tg.data.xor_gate()
    np.random.seed(0)
    model = tg.nn.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid")
    recorder = tg.viz.GradientRecorder(model)
    history = tg.fit(model, tg.nn.mse_loss, tg.optim.Adam(model, lr=0.05), (X, y), epochs=300,
                     callback=recorder, verbose=False)
    files = {
        "loss.png": lambda p: tg.viz.plot_loss(history, p),
        "boundary.png": lambda p: tg.viz.plot_decision_boundary(model, X, y, p),
        "flow.png": lambda p: tg.viz.plot_grad_flow(model, p),
        "norms.png": lambda p: recorder.plot(p),
        "activations.png": lambda p: tg.viz.plot_activations({"sigmoid": tg.sigmoid, "tanh": tg.tanh}, path=p),
        "surfaces.svg": lambda p: tg.viz.plot_surfaces(*np.meshgrid([0, 1], [0, 1]), np.eye(2), np.eye(2) * 0.9, p),
    }
    for name, draw in files.items():
        draw(tmp_path / name)
        assert (tmp_path / name).stat().st_size > 5000, name
    assert len(recorder.history) == 300


def test_plots_show_inline_in_jupyter_and_from_a_script():
    import warnings

    import matplotlib

    figure = tg.viz.plot_tangent(lambda x: x.sin(), 0.5)
    assert figure._repr_png_().startswith(b"\x89PNG")  # what Jupyter displays, with no magic
    matplotlib.use("Agg")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*")  # Agg has no window to open
        figure.show()  # plain matplotlib figures raise "works only for figures managed by pyplot"
    assert figure.canvas.manager is not None
    import matplotlib.pyplot as plt

    plt.close("all")


def sectors(count):
    """A linear model of ``count`` logits whose class k owns the directions nearest the angle
    2 pi k / count: its regions are known exactly."""
    angles = 2 * np.pi * np.arange(count) / count
    weights = np.stack([np.cos(angles), np.sin(angles)])  # (2, count)
    points = np.column_stack([np.cos(angles), np.sin(angles)])  # one data point per class, on its own ray
    return (lambda t: t @ weights), angles, points


def region_at(figure, x, y):
    """The class number the region image holds at data point (x, y)."""
    ax = figure.axes[0]
    (image,) = ax.images
    left, right, bottom, top = image.get_extent()
    classes = image.get_array()
    rows, cols = classes.shape  # the extent runs over the pixels' outer edges
    return int(classes[int((y - bottom) / (top - bottom) * rows), int((x - left) / (right - left) * cols)])


def pixel_at(figure, x, y):
    figure.canvas.draw()
    rgba = np.asarray(figure.canvas.buffer_rgba())
    px, py = figure.axes[0].transData.transform((x, y))
    return rgba[rgba.shape[0] - 1 - int(round(py)), int(round(px)), :3] / 255


@pytest.mark.parametrize("count", [2, 3, 5, 12])
def test_decision_boundary_of_several_outputs_colours_the_argmax_class_regions(count):
    model, angles, X = sectors(count)
    figure = tg.viz.plot_decision_boundary(model, X, np.arange(count))
    for k, angle in enumerate(angles):
        assert region_at(figure, 1.5 * np.cos(angle), 1.5 * np.sin(angle)) == k  # deep inside sector k
    ax = figure.axes[0]
    tints = ax.images[0].get_cmap().colors
    assert len({tuple(np.round(c, 6)) for c in tints}) == count  # one colour per class
    points = [c for c in ax.collections if len(c.get_offsets()) and not hasattr(c, "levels")]
    assert len(points) == count  # one scatter per class, in that class's colour, at its points
    for k, collection in enumerate(points):
        np.testing.assert_allclose(collection.get_offsets(), X[k:k + 1])
        # its region's tint is its colour mixed with white: 1 - tint points the way 1 - colour does
        away = 1 - collection.get_facecolor()[0][:3]
        alike = [np.dot(1 - np.asarray(t), away) / np.linalg.norm(1 - np.asarray(t)) / np.linalg.norm(away)
                 for t in tints]
        assert np.argmax(alike) == k and alike[k] > 0.999
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [f"class {k}" for k in range(count)]


def test_decision_boundary_regions_show_in_the_picture_for_logits_probabilities_and_any_labels(tmp_path):
    model, angles, X = sectors(3)
    ints = np.arange(3)
    for output, labels in [(model, ints), (lambda t: model(t).softmax(), ints), (model, np.eye(3)),
                           (model, ints.reshape(3, 1).astype(float)), (model, tg.tensor(ints))]:
        figure = tg.viz.plot_decision_boundary(output, X, labels, tmp_path / "three.png")
        tints = figure.axes[0].images[0].get_cmap().colors
        for k in (1, 2):  # the two sectors below the legend
            seen = pixel_at(figure, 1.5 * np.cos(angles[k]), 1.5 * np.sin(angles[k]))
            np.testing.assert_allclose(seen, tints[k], atol=2 / 255)
    assert (tmp_path / "three.png").stat().st_size > 5000


def test_decision_boundary_of_one_output_keeps_its_threshold_line():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    for model in (lambda t: (t[:, 0] - 0.5).sigmoid(), lambda t: (t[:, :1] - 0.5).sigmoid()):  # (N,) and (N, 1)
        for threshold, labels in ((0.5, [0, 1, 0, 1]), (0.3, np.array([[0.0], [1.0], [0.0], [1.0]]))):
            figure = tg.viz.plot_decision_boundary(model, X, labels, threshold=threshold)
            ax = figure.axes[0]
            lines = [c for c in ax.collections if hasattr(c, "levels") and not c.filled]
            assert [list(c.levels) for c in lines] == [[threshold]]
            assert not ax.images  # shaded by the output itself, not by classes
            red, blue = [c for c in ax.collections if not hasattr(c, "levels")]
            np.testing.assert_allclose(red.get_offsets(), X[[1, 3]])  # the labels above the threshold


@pytest.mark.parametrize("output, message", [
    (lambda t: t.reshape(-1, 1, 2), r"the model gave an output of shape \(40000, 1, 2\) for a batch of shape "
                                    r"\(40000, 2\); expected one output per point, \(40000,\) or \(40000, 1\), or "
                                    r"one per class, \(40000, C\)"),
    (lambda t: t.reshape(-1), r"the model gave an output of shape \(80000,\) for a batch of shape \(40000, 2\)"),
    (lambda t: t.sum(), r"the model gave an output of shape \(\) for a batch"),
    (lambda t: t[:, :0], r"the model gave an output of shape \(40000, 0\)"),
    (lambda t: t.T, r"the model gave an output of shape \(2, 40000\)"),
])
def test_decision_boundary_refuses_a_model_output_that_is_not_one_per_point_or_per_class(output, message):
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="plot_decision_boundary: " + message):
        tg.viz.plot_decision_boundary(output, X, [0, 1])


def test_decision_boundary_refuses_inputs_and_labels_that_do_not_match():
    three, _, X = sectors(3)
    one = lambda t: t[:, 0].sigmoid()  # noqa: E731
    cases = [
        (three, X[:, :1], [0, 1, 2], r"X must hold points of two inputs, shape \(N, 2\); got shape \(3, 1\)"),
        (three, np.zeros((3, 3)), [0, 1, 2], r"got shape \(3, 3\)"),
        (three, X[0], [0], r"got shape \(2,\)"),
        (three, X, [0, 1], r"y has shape \(2,\) for X of shape \(3, 2\), and the model has 3 outputs: give class "
                           r"numbers, shape \(3,\), or one-hot rows, shape \(3, 3\)"),
        (three, X, np.eye(4)[:3], r"y has shape \(3, 4\) for X of shape \(3, 2\), and the model has 3 outputs"),
        (three, X, np.eye(3)[:2], r"y has shape \(2, 3\)"),
        (three, X, [0, 1, 3], r"y must hold class numbers 0 to 2 for a model with 3 outputs; got 3"),
        (three, X, [0, -1, 2], r"class numbers 0 to 2 .*; got -1"),
        (three, X, [0, 0.5, 2], r"class numbers 0 to 2 .*; got 0.5"),
        (three, X, [0, np.nan, 2], r"class numbers 0 to 2 .*; got nan"),
        (one, X, np.eye(3), r"y has shape \(3, 3\) for X of shape \(3, 2\), and the model has one output: give one "
                            r"label per point, shape \(3,\) or \(3, 1\)"),
        (one, X, [0, 1], r"y has shape \(2,\) for X of shape \(3, 2\), and the model has one output"),
    ]
    for model, inputs, labels, message in cases:
        with pytest.raises(ValueError, match="plot_decision_boundary: .*" + message):
            tg.viz.plot_decision_boundary(model, inputs, labels)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("outputs", [1, 3])
def test_decision_boundary_refuses_points_it_cannot_place_with_a_clear_message(bad, outputs):
    """NaN or infinite inputs (matplotlib said "Axis limits cannot be NaN or Inf", or drew an
    empty plot), no points at all, and points too far apart for a grid between them."""
    pytest.importorskip("matplotlib")
    model = (lambda t: t[:, 0].sigmoid()) if outputs == 1 else (lambda t: t @ np.ones((2, outputs)))
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    X[2, 1] = bad
    with pytest.raises(ValueError, match=r"plot_decision_boundary: X holds NaN or infinite values \(1 of 3 points, "
                                         rf"the first is row 2: \[2.0, {bad}\]\); .* drop those rows from X and y"):
        tg.viz.plot_decision_boundary(model, X, [0, 1, 0])
    with pytest.raises(ValueError, match=r"plot_decision_boundary: X holds no points \(shape \(0, 2\)\); .* give at least one"):
        tg.viz.plot_decision_boundary(model, np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match=r"plot_decision_boundary: X's values are too large to draw a grid .* scale"):
        tg.viz.plot_decision_boundary(model, np.array([[-1e308, 0.0], [1e308, 1.0]]), [0, 1])
    figure = tg.viz.plot_decision_boundary(model, np.array([[1e300, 0.0], [-1e300, 1.0]]), [0, 1])  # large but fine
    assert np.isfinite(figure.axes[0].get_xlim()).all()


def test_decision_boundary_of_one_output_refuses_a_nan_label():
    """NaN > threshold is False: the point would be coloured as class 0 without a word."""
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match=r"plot_decision_boundary: y holds NaN \(the first at point 1\)"):
        tg.viz.plot_decision_boundary(lambda t: t[:, 0].sigmoid(), np.eye(2), [0.0, np.nan])

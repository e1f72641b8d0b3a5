"""Hostile inputs that are not files (issue 18): each used to give a silent wrong answer or a
raw traceback; each now gives the right answer or an error that names the op and the fix."""
import html
import html.parser
import json
import re
import shutil

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import cli
from tinygrad_edu.viz.text import plot_text, printable

from .examples_loader import load
from .test_explorer import browser, click_node, open_page  # noqa: F401 - browser is a fixture


def test_a_parameter_listed_twice_is_refused():
    w = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="SGD: parameter 1 is the same tensor as parameter 0"):
        tg.optim.SGD([w, w], lr=0.1)


def test_grad_of_a_result_computed_outside_the_graph_warns():
    with pytest.raises(tg.ConcretizationError, match=r"^tg\.grad: x\.data turned the tensor"):
        tg.grad(lambda x: np.sum(x.data))(tg.tensor(1.0))  # the read itself is refused now
    with pytest.warns(UserWarning, match=r"grad: the function's result does not depend on its inputs through the "
                                         r"graph, so every derivative is 0\. If it should depend on them, it went "
                                         r"through \.detach\(\)"):
        g = tg.grad(lambda x: (x.detach() * 2).sum())(tg.tensor(1.0))
    assert g.item() == 0.0
    with pytest.warns(UserWarning, match="it was computed inside tg.no_grad"):
        tg.grad(lambda x: _under_no_grad(x))(1.0)


def _under_no_grad(x):
    with tg.no_grad():
        return x * 2


def test_derivatives_that_are_constant_do_not_warn(recwarn):
    assert float(tg.derivative(lambda x: x**3, 4)(2.0)) == 0.0  # the 4th derivative of x^3
    assert not [w for w in recwarn if "does not depend" in str(w.message)]


def test_flatten_with_axes_out_of_order_or_range():
    a = tg.ones(2, 3)
    with pytest.raises(ValueError, match=r"flatten: start_dim 1 comes after end_dim 0 for a tensor of shape \(2, 3\)"):
        a.flatten(1, 0)
    with pytest.raises(IndexError, match=r"flatten: axis 5 is out of range for a tensor of shape \(2, 3\)"):
        a.flatten(5)


def test_where_refuses_a_string_condition():
    with pytest.raises(TypeError, match="where: the condition must hold booleans"):
        tg.where("abc", tg.ones(2), 0.0)


def test_joins_and_axes_give_errors_that_name_the_op():
    with pytest.raises(IndexError, match=r"stack: axis 5 is out of range for a tensor of shape \(2,\) \(valid: -2 to 1; the result has 2 axes\)"):
        tg.stack([tg.ones(2), tg.ones(2)], axis=5)
    with pytest.raises(IndexError, match=r"concatenate: axis 5 is out of range for a tensor of shape \(2,\)"):
        tg.concatenate([tg.ones(2), tg.ones(2)], axis=5)
    with pytest.raises(ValueError, match="concatenate: cannot join 0-d tensors"):
        tg.concatenate([tg.tensor(1.0), tg.tensor(2.0)])
    with pytest.raises(ValueError, match=r"stack: cannot apply to inputs of shapes \(2,\), \(3,\)"):
        tg.stack([tg.ones(2), tg.ones(3)])
    with pytest.raises(IndexError, match="swapaxes: axis 5 is out of range"):
        tg.ones(2, 3).swapaxes(0, 5)
    with pytest.raises(ValueError, match="argmax: axis 5 is out of range"):
        tg.ones(2, 3).argmax(axis=5)
    with pytest.raises(ValueError, match=r"less: cannot apply to inputs of shapes \(2,\), \(3,\)"):
        tg.ones(2) < tg.ones(3)


def test_an_in_place_change_through_a_slice_view_is_caught():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    with tg.no_grad():
        view = w[0:1]
        view += 1
    with pytest.raises(RuntimeError, match="was modified in place after the op used it"):
        y.backward()


def test_a_refused_backward_can_be_retried_with_the_same_message():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    y = ((w * 3).exp() * w).sum()
    with tg.no_grad():
        w += 1
    messages = []
    for _ in range(2):
        with pytest.raises(RuntimeError) as error:
            y.backward()
        messages.append(str(error.value))
    assert messages[0] == messages[1] and "already freed" not in messages[1]


def test_anomaly_mode_with_higher_derivatives_names_the_op_without_a_raw_error():
    with tg.detect_anomaly(), pytest.raises(tg.AnomalyError) as error:
        tg.hessian(lambda x: (x**1.5).sum())(tg.tensor([0.0, 1.0]))
    message = str(error.value)
    assert "backward of 'pow(0.5)' produced Inf" in message and "created at None" not in message
    assert "by an earlier backward pass with create_graph=True" in message


def test_modules_that_contain_themselves_or_each_other():
    m = tg.nn.Module()
    m.w = tg.nn.Parameter([1.0])
    m.child = m
    assert m.parameters() == [m.w] and "a module that contains this one" in repr(m)
    a, b = tg.nn.Sequential(tg.nn.Linear(1, 1)), tg.nn.Sequential()
    a.other, b.other = b, a
    assert len(a.parameters()) == 2 and len(a.modules()) == 3 and "Sequential(...)" in repr(a)


def test_fit_on_empty_data_says_so():
    model = tg.nn.Linear(2, 1)
    with pytest.raises(ValueError, match="batches: the data is empty"):
        tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model.parameters(), lr=0.1), (np.zeros((0, 2)), np.zeros((0, 1))),
               verbose=False)


@pytest.mark.parametrize("options, message", [
    (dict(batch_size=2.5), r"fit: batch_size must be an int >= 1 \(or None for the whole set at once\), got 2.5"),
    (dict(batch_size=True), "fit: batch_size must be an int >= 1 .* got True"),
    (dict(batch_size=0), "fit: batch_size must be an int >= 1 .* got 0"),
    (dict(epochs=2.5), "fit: epochs must be an int >= 0, got 2.5"),
    (dict(epochs=None), "fit: epochs must be an int >= 0, got None"),
    (dict(data="xy"), "fit: data must be a pair \\(inputs, targets\\), got str"),
    (dict(data=(np.zeros((4, 2)),) * 3), "fit: data must be a pair \\(inputs, targets\\), got tuple of 3 items"),
    (dict(metrics={"accuracy": lambda model: None}), "fit: the metric 'accuracy' returned NoneType None; a metric"),
    (dict(metrics={"outputs": lambda model: np.ones(3)}), "fit: the metric 'outputs' returned ndarray"),
    (dict(metrics={"text": lambda model: "0.5"}), "fit: the metric 'text' returned str '0.5'"),
])
def test_fit_refuses_arguments_it_would_round_or_trip_over(options, message):
    model = tg.nn.Linear(2, 1)
    options = {"data": (np.zeros((4, 2)), np.zeros((4, 1))), "verbose": False, **options}
    with pytest.raises((ValueError, TypeError), match=message):
        tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model.parameters(), lr=0.1), **options)


def test_batches_checks_its_size_too():
    with pytest.raises(ValueError, match="batches: batch_size must be an int >= 1"):
        next(tg.data.batches(np.zeros(4), np.zeros(4), batch_size=1.5))


@pytest.mark.parametrize("setting, message", [
    (dict(lr="0.1"), "SGD: lr must be a number, got '0.1'"),
    (dict(lr=float("nan")), r"SGD: lr must lie in \(0, inf\), got nan"),
    (dict(lr=0.1, momentum="a"), "SGD: momentum must be a number"),
])
def test_optimizer_settings_are_checked(setting, message):
    with pytest.raises((TypeError, ValueError), match=message):
        tg.optim.SGD([tg.ones(1, requires_grad=True)], **setting)
    with pytest.raises(ValueError, match=r"Adam: betas\[0\] must lie in \[0, 1\), got 1.0"):
        tg.optim.Adam([tg.ones(1, requires_grad=True)], betas=(1.0, 0.999))
    with pytest.raises(ValueError, match="Adam: eps must lie in"):
        tg.optim.Adam([tg.ones(1, requires_grad=True)], eps=-1.0)


@pytest.mark.parametrize("formula, message", [
    ("+".join(["x"] * 990), "nested more than 200 levels deep"),
    ("-" * 990 + "x", "nested more than 200 levels deep"),
    ("9" * 400 + " * x", "is too large for a float"),
    ("1e999 * x", "the number inf is not finite"),
])
def test_cli_formulas_that_would_exhaust_python_are_refused(formula, message, capsys):
    assert cli.main(["diff", "--at", "x=1", "--", formula]) == 2
    assert message in capsys.readouterr().err


def test_cli_graph_into_a_missing_folder_is_refused_before_any_work(tmp_path, capsys):
    assert cli.main(["diff", "x^2", "--at", "x=1", "--graph", str(tmp_path / "missing" / "f.dot")]) == 2
    assert "--graph: the folder" in capsys.readouterr().err and not (tmp_path / "missing").exists()


# -- names that could be turned against the user: every output escapes them -----------------
# Each name is a class of attack: markup, the explorer's own template words, a comment that keeps
# the data script open, quotes and backslashes for DOT, control characters Graphviz refuses.
HOSTILE_NAMES = [
    "{data}<img src=x onerror=window.pwned=1>",
    "<!--<script>",
    "</script><img src=x onerror=window.pwned=1>",
    '"><img src=x onerror=window.pwned=1>',
    "{views}{title}",
    "a\x01b\x1b[31m",
    "line\nbreak\u2028",
    "lone \ud800 surrogate",
    'quote" and backslash\\',
    "<b>bold</b>",
    "\\l\\N\\G",
]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


class _Tags(html.parser.HTMLParser):
    """The elements of a page, as a browser's parser would meet them (script text is data)."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        if self.lasttag == "script":
            self.scripts.append(data)


def _named_graph(name):
    a = tg.tensor([2.0, 3.0], requires_grad=True, name=name)
    loss = (a * a).sum()
    loss.backward(retain_graph=True)  # the trace's backward goes through it again
    return a, loss


class _Named(tg.nn.Module):
    """A model whose sub-module's attribute name (so its path) is hostile too."""

    def __init__(self, name):
        super().__init__()
        setattr(self, name, tg.nn.Linear(2, 2))
        self.last = tg.nn.Linear(2, 1)
        self.name = name

    def forward(self, x):
        return self.last(getattr(self, self.name)(x).tanh())


@needs_dot
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_explore_escapes_every_name_in_the_page(name):
    a, loss = _named_graph(name)
    page = tg.explore(loss, title=name)
    parser = _Tags()
    parser.feed(page.html)
    assert "img" not in parser.tags  # no element made from a name
    assert parser.tags.count("script") == 2  # the data and the code, both closed
    assert not re.search(r"<!--|<script|</script", parser.scripts[0], re.IGNORECASE)  # nothing that ends it
    data = json.loads(parser.scripts[0])  # the data script holds the whole JSON, nothing else
    assert data["tensors"][page.key_of(a)]["name"] == printable(name)
    assert page.html.count('<div class="view"') == 1  # "{views}" in the title did not repeat the views
    assert f"<h1>{html.escape(printable(name))}</h1>" in page.html


@pytest.mark.parametrize("name", HOSTILE_NAMES[:3])
def test_in_a_browser_a_hostile_name_runs_nothing_and_the_page_still_works(browser, name, tmp_path):
    a, loss = _named_graph(name)
    explorer = tg.explore(loss, path=tmp_path / "page.html", title=name)
    page, problems, requests = open_page(browser, tmp_path / "page.html")
    assert page.evaluate("window.pwned") is None and page.locator("img").count() == 0
    assert page.title() == printable(name)
    click_node(page, explorer.key_of(a))  # the page's code runs: "<!--<script>" used to stop it
    assert page.inner_text("#panel h2").startswith(printable(name))
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#caption").startswith("step 1 of")
    assert problems == [] and [url for url in requests if not url.startswith("file:")] == []
    page.close()


@pytest.mark.parametrize("name", ["a\x01<b>{data}", '"><img src=x onerror=pwned=1>'])  # no dot: a dot nests paths
def test_in_a_browser_a_module_with_a_hostile_name_opens_on_a_click(browser, name, tmp_path):
    tg.manual_seed(0)
    model = _Named(name)
    loss = model(tg.randn(3, 2)).sum()
    loss.backward()
    explorer = tg.explore(loss, params=model, max_nodes=3, path=tmp_path / "page.html")
    (box,) = [box for box, view in explorer.data["boxes"].items() if view == printable(name)]
    page, problems, requests = open_page(browser, tmp_path / "page.html")
    click_node(page, box)
    assert page.locator("div.view:not([hidden])").get_attribute("data-view") == printable(name)
    assert page.evaluate("window.pwned") is None and page.locator("img").count() == 0 and problems == []
    page.close()


@needs_dot
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_explore_escapes_module_paths_in_boxes_and_views(name):
    tg.manual_seed(0)
    model = _Named(name)
    loss = model(tg.randn(3, 2)).sum()
    loss.backward()
    page = tg.explore(loss, params=model, max_nodes=3)
    assert printable(name.split(".")[0]) in page.data["views"]  # a box per module (a dot in a path nests it)
    parser = _Tags()
    parser.feed(page.html)
    assert "img" not in parser.tags and parser.tags.count("script") == 2
    assert json.loads(parser.scripts[0])["boxes"] == page.data["boxes"]


@needs_dot
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_draw_graph_trace_and_steps_take_any_name(name, tmp_path):
    a, loss = _named_graph(name)
    svg = tg.draw_graph(loss).pipe(format="svg").decode()  # control characters made Graphviz fail
    parser = _Tags()
    parser.feed(svg)
    assert "img" not in parser.tags and "b" not in parser.tags
    tg.draw_graph(loss, params=_Named(name), collapse="module").pipe(format="svg")
    listing = tg.trace(loss, backward=True)
    plain = tg.trace(_named_graph("a")[1], backward=True)
    assert len(listing.splitlines()) == len(plain.splitlines())  # a line break in a name makes no line
    assert printable(name) in listing
    page = tg.viz.save_steps(loss, tmp_path / "steps", title=name)
    parser = _Tags()
    parser.feed(page.read_text())
    assert "img" not in parser.tags and parser.tags.count("script") == 1


def test_a_graph_dot_cannot_draw_is_a_clear_error_not_a_called_process_error():
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    _, loss = _named_graph("x")
    graph = tg.draw_graph(loss)
    graph.body.append("broken [label=<<b>unclosed>]\n")  # what an unescaped name used to make
    with pytest.raises(RuntimeError, match="Graphviz's dot could not draw this graph: Error: .*graph.source"):
        graph.pipe(format="svg")


@pytest.mark.parametrize("name", ["w$\\frac{$", "cost $x$", "a\x01b"])
def test_parameter_names_in_gradient_plots_are_shown_as_written(name, tmp_path):
    pytest.importorskip("matplotlib")
    w = tg.tensor([1.0, 2.0], requires_grad=True, name=name)
    (w * w).sum().backward()
    figure = tg.viz.plot_grad_flow([w], path=tmp_path / "flow.png")  # TeX in a name made savefig fail
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == [plot_text(name)]


# -- generated source: nothing a user typed is pasted in, no name of ours is taken ---------------
def _codegen_loss():
    x = tg.tensor([[1.0, 2.0], [0.5, -1.0]], name="x")
    w = tg.tensor([[0.5, -1.0], [2.0, 1.0]], requires_grad=True, name="w")
    return tg.nn.cross_entropy(x @ w, [0, 1]), w  # cross_entropy reads row numbers: a module-level array


@pytest.mark.parametrize("name, message", [
    ("f():\n    import os\n    return 1\ndef g", "is not a Python identifier"),
    ("a b", "is not a Python identifier"),
    ("", "is not a Python identifier"),
    (5, "is not a Python identifier"),
    ("class", "is a Python keyword"),
    ("match", "is a Python keyword"),
    ("np", "is a name the generated code uses itself"),
    ("_result", "is a name the generated code uses itself"),
    ("_set_grad", "is a name the generated code uses itself"),
    ("slice", "is a Python builtin"),
    ("__import__", "is a Python builtin"),
    ("ｎｐ", "is read by Python as 'np'"),
])
def test_codegen_refuses_a_function_name_it_would_paste_into_source(name, message):
    loss, w = _codegen_loss()
    with pytest.raises(ValueError, match=f"codegen: name=.* {message}"):
        tg.codegen(loss, wrt=[w], name=name)


def test_a_function_named_like_one_of_the_programs_values_gets_them_renamed():
    loss, w = _codegen_loss()
    loss.backward(retain_graph=True)
    plain = tg.codegen(loss, wrt=[w])
    taken = {"x", "w"} | set(re.findall(r"^(\w+) = np", plain.source, re.MULTILINE))  # arguments, module-level arrays
    assert len(taken) > 2
    for name in sorted(taken):
        code = tg.codegen(loss, wrt=[w], name=name)
        value, (d_w,) = code.run()  # a module-level array named like the function was replaced by it
        assert value == pytest.approx(loss.item()) and np.allclose(d_w, w.grad.data), name


@pytest.mark.parametrize("name", ["_result", "_empty_grad", "_set_grad", "np", "_setting_2", "step_2"])
def test_compile_works_whatever_the_tensors_and_the_function_are_called(name):
    w = tg.tensor([0.5, -0.5], requires_grad=True, name=name)

    def step(x, y, setting):  # no zero_grad inside: the program checks .grad is empty (_empty_grad)
        loss = ((x @ w - y) ** 2).sum()
        loss.backward()
        return loss

    namespace = {"step": step}
    exec(f"def {name}(x, y, setting):\n    return step(x, y, setting)", namespace)  # the function's own name too
    for fn in (step, namespace[name]):
        compiled = tg.compile(fn)
        losses = []
        for _ in range(3):
            w.grad = None
            x = tg.tensor([[1.0, 2.0]], name=name)  # an argument with the name: a parameter of the program
            losses.append(compiled(x, np.array([1.0]), 3).item())
        assert losses == [pytest.approx(2.25)] * 3 and w.grad.tolist() == [-3.0, -6.0], fn.__name__


# -- seeds: one rule and one message everywhere, the one tg.manual_seed gives -----------------------
BAD_SEEDS = [-5, -1, 2**32, 1.5, True, "3", np.int64(-1), None]
SEED_MESSAGE = "the seed must be an int in 0..2**32-1 (NumPy's range), got "


def _seed_message(where, seed):
    return re.escape(f"{where}: {SEED_MESSAGE}{seed!r}")


@pytest.mark.parametrize("seed", BAD_SEEDS[:-1])
def test_bad_seeds_of_fit_and_batches_give_manual_seeds_message(seed):
    with pytest.raises(ValueError, match=_seed_message("manual_seed", seed)):
        tg.manual_seed(seed)
    model = tg.nn.Linear(2, 1)
    data = (np.zeros((4, 2)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=_seed_message("fit", seed)):  # -5 reached NumPy: "expected non-negative"
        tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model.parameters(), lr=0.1), data, shuffle=True, seed=seed,
               verbose=False)
    with pytest.raises(ValueError, match=_seed_message("batches", seed)):
        next(tg.data.batches(*data, batch_size=2, shuffle=True, seed=seed))
    with pytest.raises(ValueError, match=_seed_message("simplenn_surface", seed)):
        tg.data.simplenn_surface(n=5, seed=seed)
    with pytest.raises(ValueError, match=_seed_message("gradgradcheck", seed)):
        tg.gradgradcheck(lambda x: (x * x).sum(), [np.ones(2)], seed=seed)


def test_fit_keeps_seeds_up_to_the_top_of_the_range():
    model = tg.nn.Linear(2, 1)
    history = tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model.parameters(), lr=0.1),
                     (np.ones((4, 2)), np.ones((4, 1))), epochs=2, batch_size=2, shuffle=True, seed=2**32 - 1,
                     verbose=False)
    assert history.epochs == 2


EXAMPLE_SEEDS = [  # (script, the function that takes a seed, its other arguments)
    ("trask_2layer", "train", {}), ("trask_3layer", "train", {}), ("loy", "train", {}), ("digits", "train", {}),
    ("fann_gates", "make_network", {}), ("rashid_basics", "linear_node", {"gate": "and"}),
    ("rashid_basics", "two_layers", {}), ("names_mlp", "train", {"words": ["anna", "bob"]}),
    ("mnist_cnn", "train", {}), ("mnist_modern", "train", {}), ("rashid_mnist", "train", {}),
]


@pytest.mark.parametrize("script, function, options", EXAMPLE_SEEDS)
@pytest.mark.parametrize("seed", [-1, 1.5])
def test_every_examples_seed_is_checked_before_any_work(script, function, options, seed):
    module = load(script)
    with pytest.raises(ValueError, match=_seed_message(f"{script}.{function}", seed)):
        getattr(module, function)(seed=seed, **options)  # MNIST's are refused before the data is loaded


@pytest.mark.parametrize("script", ["names_mlp", "mnist_cnn", "mnist_modern", "rashid_mnist"])
@pytest.mark.parametrize("text", ["-1", "1.5", "4294967296", "one"])
def test_cli_seed_is_one_line_and_status_2(script, text, capsys):
    with pytest.raises(SystemExit) as done:  # it used to end in NumPy's traceback for -1
        cli.main(["examples", "run", script, "--seed", text])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"argument --seed: {SEED_MESSAGE}{text!r}" in err


# -- hooks: the gradient handed to a hook is read-only, and the message says to return a new one ---
HOOK_MESSAGE = r"register_hook: .*gradients handed to hooks are read-only .* Return a new tensor from the hook"


def _double_in_place(g):
    g *= 2


def _add_in_place(g):
    g += 1


def _assign(g):
    g[...] = 0


def _zero(g):
    g.zero_()


def _through_data(g):
    g.data *= 2


def _assign_through_data(g):
    g.data[...] = 0


@pytest.mark.parametrize("hook", [_double_in_place, _add_in_place, _assign, _zero, _through_data, _assign_through_data])
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("on", ["intermediate", "leaf"])
def test_a_hook_that_changes_its_gradient_in_place_is_told_to_return_one(hook, create_graph, on):
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    (y if on == "intermediate" else x).register_hook(hook)
    # g *= 2 raised "cannot update a tensor of shape (2,) in place with a value of shape (2,)"; under
    # create_graph it rebound g and changed nothing, and g[...] = 0 changed the shared gradient
    with pytest.raises(ValueError, match=HOOK_MESSAGE):
        (y + x).sum().backward(create_graph=create_graph)
    assert x.grad is None  # a refused backward changes nothing


@pytest.mark.parametrize("create_graph", [False, True])
def test_returning_the_new_gradient_works_and_stays_differentiable(create_graph):
    x = tg.tensor([1.0, 3.0], requires_grad=True)
    y = x ** 3
    y.register_hook(lambda g: g * 2)
    y.sum().backward(create_graph=create_graph)
    assert x.grad.tolist() == [6.0, 54.0]  # 2 * 3x^2
    if create_graph:
        (second,) = tg.autograd.grad(x.grad.sum(), x)
        assert second.tolist() == [12.0, 36.0]  # d/dx of 6x^2


def test_a_compiled_step_follows_what_a_hook_returns():
    w = tg.tensor([0.5, -0.5], requires_grad=True, name="w")

    def step(a):
        w.grad = None
        h = a @ w
        h.register_hook(lambda g: g * 3)
        (h ** 2).sum().backward()
        return w.grad * 1.0

    compiled = tg.compile(step)
    for values in ([1.0, 2.0], [2.0, 1.0], [3.0, 0.0]):  # the hook's view was a frozen constant of the program
        a = np.array([values])
        assert compiled(a).tolist() == step(a).tolist()


@pytest.mark.parametrize("name", HOSTILE_NAMES + ["__import__('os')", "np", "_result", "x.y", "ｍｕｌ", "d_w"])
def test_hostile_tensor_names_never_reach_generated_source(name):
    x = tg.tensor([[1.0, 2.0]], name=name)
    w = tg.tensor([0.5, -1.0], requires_grad=True, name=name)
    loss = ((x @ w) ** 2).sum()
    code = tg.codegen(loss, wrt=[w], names={name: w})
    value, (d_w,) = code.run()
    loss.backward()
    assert value == pytest.approx(loss.item()) and np.allclose(d_w, w.grad.data)
    assert all(line.isprintable() for line in code.source.splitlines()) and "import os" not in code.source

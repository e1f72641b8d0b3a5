"""tg.explore: the numbers on the page are the graph's, and the page works in a real browser
(Debian's Chromium driven by Playwright, with no browser download): clicking a tensor shows its
gradient and the chain rule, the stepper walks the whole backward pass, there are no console
errors and no network requests."""
import os
import random
import shutil

import numpy as np
import pytest

import tinygrad_edu as tg

from .test_viz import karpathy_expression

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def karpathy():
    """The first expression of Karpathy's micrograd lecture, L = (a*b + c) * f, and its tensors by name."""
    L = karpathy_expression()
    tensors = {t.name: t for t in tg.autograd.tensors_in_order([L])}
    return L, {name: tensors[name] for name in "abcfedL"}


class Neuron(tg.nn.Module):
    """micrograd's neuron, one scalar at a time: a graph of hundreds of small nodes."""

    def __init__(self, inputs):
        super().__init__()
        self.w = [tg.nn.Parameter(random.uniform(-1, 1)) for _ in range(inputs)]
        self.b = tg.nn.Parameter(0.0)

    def forward(self, x):
        act = self.b
        for wi, xi in zip(self.w, x):
            act = act + wi * xi
        return act.tanh()


class Layer(tg.nn.Module):
    def __init__(self, inputs, outputs):
        super().__init__()
        self.neurons = [Neuron(inputs) for _ in range(outputs)]

    def forward(self, x):
        return [n(x) for n in self.neurons]


class ScalarMLP(tg.nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = [Layer(a, b) for a, b in zip(sizes[:-1], sizes[1:])]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0]


def scalar_mlp_loss():
    random.seed(0)
    model = ScalarMLP([3, 4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    loss = tg.tensor(0.0)
    for x, y in zip(xs, [1.0, -1.0, -1.0, 1.0]):
        loss = loss + (model([tg.tensor(v) for v in x]) - y) ** 2
    return model, loss


# ----------------------------------------------------------------------------- the numbers
@needs_dot
def test_the_page_holds_the_lectures_numbers_and_the_chain_rule_at_each_tensor():
    L, t = karpathy()
    L.backward()
    page = tg.explore(L)
    tensors = page.data["tensors"]
    expected = dict(a=6, b=-4, c=-2, f=4, e=-2, d=-2, L=1)
    for name, grad in expected.items():
        assert float(tensors[page.key_of(t[name])]["grad"]) == grad, name
    (term,) = tensors[page.key_of(t["a"])]["terms"]  # dL/da = dL/de * de/da = -2 * b
    assert (term["op_name"], term["upstream"], term["local"], term["contribution"]) == ("mul", "-2", "-3", "6")
    assert [s["op"] for s in page.data["steps"]] == [tensors[page.key_of(t[n])]["op"] for n in ("L", "d", "e")]
    mul = page.data["ops"][tensors[page.key_of(t["e"])]["op"]]
    assert "∂(a·b)/∂a = b" in mul["formula"] and [x["sent"] for x in mul["inputs"]] == ["6", "-4"]
    assert "http://" not in page.html.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace("http://www.w3.org", "")


def test_unnamed_tensors_are_called_by_their_shape_and_what_made_them():
    x = tg.tensor([1.0, 2.0, 3.0])  # no names anywhere: the page must not fall back to internal ids
    w = tg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    loss = (x * w).sum()
    loss.backward()
    page = tg.explore(loss)
    titles = {key: tensor["title"] for key, tensor in page.data["tensors"].items()}
    assert titles[page.key_of(loss)] == "() from sum"
    assert titles[page.key_of(w)] == "(3,) parameter" and titles[page.key_of(x)] == "(3,) constant"
    (mul,) = [op for op in page.data["ops"].values() if op["inputs"][0]["name"] == "(3,) constant"]
    assert [x["name"] for x in mul["inputs"]] == ["(3,) constant", "(3,) parameter"]


@needs_dot
def test_before_backward_the_page_says_there_is_no_gradient_and_preview_computes_them():
    L, t = karpathy()
    page = tg.explore(L)
    assert not page.data["has_gradients"] and page.data["tensors"][page.key_of(t["a"])]["grad"] is None
    preview = tg.explore(L, grads="preview")
    assert float(preview.data["tensors"][preview.key_of(t["a"])]["grad"]) == 6.0
    assert t["a"].grad is None  # the preview changed nothing


@needs_dot
def test_after_two_backward_calls_the_leaves_show_what_accumulated(tmp_path):
    L, t = karpathy()
    L.backward(retain_graph=True)
    L.backward()
    page = tg.explore(L, path=tmp_path / "page.html")
    assert float(page.data["tensors"][page.key_of(t["a"])]["grad"]) == 12.0  # .grad accumulates
    assert float(page.data["tensors"][page.key_of(t["e"])]["grad"]) == -2.0  # the latest backward's
    assert (tmp_path / "page.html").read_text() == page.html
    assert "<iframe srcdoc=" in page._repr_html_()


@needs_dot
def test_a_big_graph_collapses_its_modules_into_boxes():
    model, loss = scalar_mlp_loss()
    loss.backward()
    page = tg.explore(loss)
    assert len(tg.autograd.tensors_in_order([loss])) > 300
    assert set(page.data["views"]) == {"top", "layers.0", "layers.1", "layers.2"}
    assert len(page.data["boxes"]) == 3 and len(page.data["steps"]) > 300


def linear_bias_into_a_scalar_product():
    """The reproducer: a Linear's bias of shape (1,) meets its user's gradient of shape (1, 1)."""
    tg.manual_seed(0)
    lin = tg.nn.Linear(2, 1)
    w = tg.tensor(2.0, requires_grad=True, name="w")
    return lin(tg.tensor([[1.0, 2.0]])).sum() * w, lin


ONE_ELEMENT_GRAPHS = {
    "a Linear's (1,) bias into a scalar product": lambda: linear_bias_into_a_scalar_product()[0],
    "(1, 1) reshaped to (1,)": lambda: (tg.tensor([[1.5]], requires_grad=True).reshape(1) * tg.tensor([3.0])).sum(),
    "(1,) times a () parameter": lambda: (tg.tensor([0.5], requires_grad=True).exp()
                                           * tg.tensor(-2.0, requires_grad=True)).mean(),
    "(1, 1) @ (1, 1)": lambda: (tg.tensor([[2.0]], requires_grad=True) @ tg.tensor([[-3.0]], requires_grad=True)).sum(),
}


@needs_dot
@pytest.mark.parametrize("name", ONE_ELEMENT_GRAPHS)
def test_the_local_derivative_of_one_number_tensors_of_any_shape(name):
    """A tensor of one number whose user's gradient is one number shows du/da itself, whatever
    their shapes ((), (1,), (1, 1)): float() of a (1,) array raised a TypeError under NumPy 2."""
    out = ONE_ELEMENT_GRAPHS[name]()
    out.backward(retain_graph=True)
    page = tg.explore(out)
    tensors = {page.key_of(t): t for t in tg.autograd.tensors_in_order([out])}
    checked = 0
    for key, t in tensors.items():
        for term in page.data["tensors"][key]["terms"]:
            user = tensors[term["output"]]
            if t.size != 1 or user.size != 1:
                continue
            (local,) = tg.autograd.grad(user.sum(), t, retain_graph=True)  # du/da, computed apart
            assert float(term["local"]) == pytest.approx(local.item(), rel=1e-3), (term["op_name"], t.shape)
            checked += 1
    assert checked >= 2


# ----------------------------------------------------------------------------- in a browser
@pytest.fixture(scope="module")
def browser():
    if BROWSER is None or shutil.which("dot") is None:
        if os.environ.get("TINYGRAD_EDU_REQUIRE_BROWSER"):
            pytest.fail("the explorer's browser tests need Chromium and Graphviz (make test installs them with apt)")
        pytest.skip("Chromium or Graphviz is not installed (make test installs both)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=BROWSER, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--disable-default-apps"])
        yield launched
        launched.close()


def open_page(browser, path):
    page = browser.new_page(viewport={"width": 1300, "height": 850})
    problems, requests = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    return page, problems, requests


def grad_shown(page, node_id):
    """Whether the box of ``node_id`` shows its gradient line (the stepper hides incomplete ones)."""
    return page.evaluate("""(id) => {
      const g = [...document.querySelectorAll("div.view:not([hidden]) g.node")].find(
        n => n.querySelector("title").textContent === id);
      const line = [...g.querySelectorAll("text")].find(t => t.textContent.trim().startsWith("grad"));
      return getComputedStyle(line).visibility !== "hidden";
    }""", node_id)


def click_node(page, node_id):
    page.locator("div.view:not([hidden]) g.node", has=page.locator(f"title:text-is('{node_id}')")).first.click()


def test_clicking_tensors_shows_their_gradients_and_the_stepper_walks_the_backward_pass(browser, tmp_path):
    L, t = karpathy()
    L.backward()
    explorer = tg.explore(L, path=tmp_path / "explore.html")
    page, problems, requests = open_page(browser, tmp_path / "explore.html")
    for name, tensor in t.items():
        click_node(page, explorer.key_of(tensor))
        assert float(page.inner_text("#panel-grad")) == pytest.approx(float(tensor.grad.item() if tensor.is_leaf
                                                                             else tg.autograd.latest_gradient(tensor)))
        assert page.inner_text("#panel h2").startswith(name)
    click_node(page, explorer.key_of(t["a"]))
    assert "∂L/∂a = Σ over users u" in page.inner_text("#panel")
    assert [c.strip() for c in page.locator("#panel td").all_inner_texts()][-4:] == ["mul → e", "-2", "-3", "6"]
    steps = explorer.data["steps"]
    assert all(grad_shown(page, explorer.key_of(tensor)) for tensor in t.values())  # before stepping: the final state
    # L = d * f, d = e + c, e = a * b: a box shows its gradient once its last user's backward has run
    complete_after = dict(L=0, d=0, f=0, e=1, c=1, a=2, b=2)
    for k, step in enumerate(steps):
        page.keyboard.press("ArrowRight")
        assert page.inner_text("#caption") == (f"step {k + 1} of {len(steps)}: backward of "
                                               f"{explorer.data['ops'][step['op']]['name']} (gradients not complete yet are hidden)")
        active = page.locator("g.node.active title").all_text_contents()
        assert active == [step["op"]]
        assert len(page.locator("g.edge.active").all()) == len(step["edges"])
        shown = {name for name, tensor in t.items() if grad_shown(page, explorer.key_of(tensor))}
        assert shown == {name for name, last in complete_after.items() if last <= k}, k
    page.locator("#previous").click()
    assert page.inner_text("#caption").startswith(f"step {len(steps) - 1} of")
    assert problems == []
    assert [url for url in requests if not url.startswith("file:")] == []
    page.close()


def test_a_collapsed_module_opens_on_a_click_and_steps_find_their_view(browser, tmp_path):
    model, loss = scalar_mlp_loss()
    loss.backward()
    explorer = tg.explore(loss, path=tmp_path / "big.html")
    page, problems, requests = open_page(browser, tmp_path / "big.html")
    w = model.layers[0].neurons[0].w[0]
    (box,) = [box for box, view in explorer.data["boxes"].items() if explorer.key_of(w) in explorer.data["views"][view]]
    click_node(page, box)
    shown = page.locator("div.view:not([hidden])").get_attribute("data-view")
    assert shown == explorer.data["boxes"][box] == "layers.0" and page.locator("#up").is_visible()
    click_node(page, explorer.key_of(w))
    assert float(page.inner_text("#panel-grad")) == pytest.approx(w.grad.item(), rel=1e-3)
    page.locator("#up").click()
    for _ in range(len(explorer.data["steps"])):
        page.keyboard.press("ArrowRight")
    assert page.inner_text("#caption").startswith(f"step {len(explorer.data['steps'])} of")
    assert problems == [] and [url for url in requests if not url.startswith("file:")] == []
    page.close()


def test_a_convolutional_layer_is_one_box_that_opens(browser, tmp_path):
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Conv2d(1, 2, 3, padding=1), tg.nn.ReLU(), tg.nn.MaxPool2d(2), tg.nn.Flatten(),
                             tg.nn.Linear(8, 3))
    loss = tg.nn.cross_entropy(model(tg.randn(2, 1, 4, 4)), [0, 2])
    loss.backward()
    explorer = tg.explore(loss, params=model, max_nodes=5, path=tmp_path / "cnn.html")
    (box,) = [box for box, view in explorer.data["boxes"].items() if view == "layers.0"]
    page, problems, requests = open_page(browser, tmp_path / "cnn.html")
    label = page.locator("div.view:not([hidden]) g.node", has=page.locator(f"title:text-is('{box}')")).text_content()
    assert "layers.0: Conv2d" in label
    click_node(page, box)
    assert page.locator("div.view:not([hidden])").get_attribute("data-view") == "layers.0"
    assert "conv2d" in page.locator("div.view:not([hidden])").text_content()
    click_node(page, explorer.key_of(model.layers[0].weight))
    assert page.inner_text("#panel h2").startswith("layers.0.weight")
    assert problems == [] and [url for url in requests if not url.startswith("file:")] == []
    page.close()


def test_a_linear_layers_bias_of_shape_1_shows_its_terms_in_the_browser(browser, tmp_path):
    out, lin = linear_bias_into_a_scalar_product()
    out.backward()
    explorer = tg.explore(out, params=lin, path=tmp_path / "bias.html")
    page, problems, requests = open_page(browser, tmp_path / "bias.html")
    click_node(page, explorer.key_of(lin.bias))
    assert page.inner_text("#panel h2").startswith("bias")
    assert float(page.inner_text("#panel-grad")) == pytest.approx(lin.bias.grad.item())
    cells = [c.strip() for c in page.locator("#panel td").all_inner_texts()]
    assert cells[-3:] == ["2", "1", "2"]  # upstream dL/d(add) = w, local d(add)/d(bias) = 1, contribution
    assert problems == [] and [url for url in requests if not url.startswith("file:")] == []
    page.close()


def test_explore_refuses_what_is_not_a_tensor():
    with pytest.raises(TypeError, match="explore: expected a Tensor, got list"):
        tg.explore([1.0])
    assert np.isclose(1.0, 1.0)

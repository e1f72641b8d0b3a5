"""`tg.explore`: the backward pass as one interactive page, to click through.

The page shows the graph (values and gradients on it, as `draw_graph` draws them). Click a
tensor: a panel shows its shape, value and gradient, and the chain rule at that tensor with
the real numbers -- dL/da is the sum, over the ops u that used a, of what u sent back,
dL/du times du/da. Click an op: its rule in words and as a formula, and what it sent to each
input. A stepper (buttons, or the arrow keys) walks the backward pass op by op, in the order
the engine ran them, highlighting the op and the edges its gradient flows back along.

Everything is in the one file -- the SVG, the script, the styles, the numbers -- and nothing
is fetched from the network, so the page works offline and can be mailed to a class. A big
graph is shown with each module's ops collapsed into one box that opens on a click. In
Jupyter the page shows inline.

>>> import tinygrad_edu as tg
>>> a = tg.tensor(2.0, requires_grad=True, name="a")
>>> loss = (a * a).sin()
>>> loss.backward()
>>> page = tg.explore(loss)
>>> page.data["tensors"][page.key_of(a)]["grad"]   # 2a cos(a^2)
'-2.615'
"""
import html
import json
import pathlib
import re

import numpy as np

from .. import files
from ..engine import autograd
from ..engine.tensor import Tensor
from .graph import (Graph, _key, _op_label, _op_style, _parameter_names, _role, _tensor_label, _walk,
                    draw_graph, format_array, preview_gradients, state_gradients, tensor_inputs)
from .text import dot_label, html_text, printable

FULL = 16  # tensors with at most this many elements are shown in full


def explore(output, path=None, params=None, grads="state", max_nodes=150, title=None):
    """The interactive page for the graph that computed ``output`` (an `Explorer`).

    ``grads`` is ``"state"`` (the gradients backward left, the default) or ``"preview"``
    (computed for the page, changing nothing). ``params`` names parameters (a Module or a dict).
    Graphs with more than ``max_nodes`` tensors collapse each module's ops into a box (modules
    are known when the model's forward ran). With ``path``, the page is also written there.
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"explore: expected a Tensor, got {type(output).__name__}")
    page = Explorer(output, params, grads, max_nodes, title or "Backpropagation, explored")
    if path is not None:
        page.save(path)
    return page


class Explorer:
    """The page: ``html`` (the text), ``data`` (the numbers it shows), ``save(path)``; it
    displays itself inline in Jupyter."""

    def __init__(self, output, params, grads, max_nodes, title):
        self.output = output
        order = _walk(output)
        self._ids = {_key(t): f"t{i}" for i, t in enumerate(order)}
        names = _parameter_names(params)
        shown = preview_gradients(output, order) if grads == "preview" else None
        if shown is None:
            shown = state_gradients(order)
        self.data = _collect(output, order, self._ids, names, shown)
        views = _views(output, order, self._ids, names, shown, params, max_nodes, grads)
        # a module's path is shown as the page shows every name (printable), here and in data-view
        self.data["views"] = {printable(name): view["members"] for name, view in views.items()}
        self.data["boxes"] = {view["box"]: printable(name) for name, view in views.items() if "box" in view}
        self.html = _page(title, views, self.data)

    def key_of(self, tensor):
        """The page's id for a tensor of the graph."""
        return self._ids[_key(tensor)]

    def save(self, path):
        """Write the page to ``path`` (its folder is made if missing). The page is written to a
        temporary file that then replaces the old one, so a failed write never leaves half a
        page; a path that is a symbolic link is written through."""
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        files.write_file(path, self.html)
        return path

    def _repr_html_(self):
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:640px;'
                'border:1px solid #ddd" sandbox="allow-scripts"></iframe>')


# ---------------------------------------------------------------------------- the numbers
def _text(array):
    """A tensor's numbers for the panel: all of them when few, else shape and min/mean/max."""
    array = np.asarray(array)
    if array.size == 1:
        return f"{array.item():.4g}"
    if array.size <= FULL:
        return np.array2string(array, precision=4, separator=", ", floatmode="maxprec")
    return f"{array.size} numbers: {format_array(array, limit=0)}"


def _collect(output, order, ids, names, shown):
    """Every tensor's and op's numbers, and the chain rule at each tensor."""
    tensors, ops, steps = {}, {}, []
    users = {}
    for t in order:
        if t.grad_fn is not None:
            for x in tensor_inputs(t.grad_fn):
                users.setdefault(_key(x), []).append(t)
    sent = {}  # (key of the user, key of the input) -> what the user's backward sent to that input
    for t in order:
        node = t.grad_fn
        if node is None or _key(t) not in shown:
            continue
        edges = autograd.edge_gradients(node, shown[_key(t)])
        for x, g in zip(autograd.graph_inputs(node), edges):
            if isinstance(x, Tensor) and g is not None:
                key = (_key(t), _key(x))
                sent[key] = g if key not in sent else sent[key] + g
    for t in order:
        key, role = _key(t), _role(t, output)
        g = shown.get(key)
        terms = []
        for user in users.get(key, []):
            contribution = sent.get((_key(user), key))
            if contribution is None:
                continue
            term = {"op": f"op{ids[_key(user)][1:]}", "op_name": user.grad_fn.describe(),
                    "output": ids[_key(user)], "output_name": _call(user, names),
                    "upstream": _text(shown[_key(user)]), "contribution": _text(contribution)}
            upstream = np.asarray(shown[_key(user)])
            if upstream.size == 1 and t.data.size == 1 and upstream.item() != 0:
                # du/da itself; .item(), not float(): NumPy 2 converts only 0-d arrays, and these
                # may be of shape (1,) or (1, 1) -- a Linear's output feeding a scalar op
                term["local"] = f"{np.asarray(contribution).item() / upstream.item():.4g}"
            terms.append(term)
        tensors[ids[key]] = {
            "name": printable(names.get(id(t)) or t.label or ""), "title": _call(t, names), "role": role,
            "shape": str(tuple(t.shape)),
            "dtype": str(t.dtype), "value": _text(t.data), "grad": None if g is None else _text(g),
            "op": None if t.grad_fn is None else f"op{ids[key][1:]}", "terms": terms,
            "why_none": _why_no_gradient(t, role, g),
        }
        if t.grad_fn is not None:
            node = t.grad_fn
            inputs = []
            for x in autograd.graph_inputs(node):
                if isinstance(x, Tensor):
                    contribution = sent.get((key, _key(x)))
                    inputs.append({"tensor": ids.get(_key(x)), "name": _call(x, names),
                                   "value": _text(x.data), "sent": None if contribution is None else _text(contribution)})
                else:
                    inputs.append({"tensor": None, "name": "constant", "value": _text(x), "sent": None})
            doc = (type(node).__doc__ or "").strip().split("\n")[0].replace("``", "").replace("`", "")
            ops[f"op{ids[key][1:]}"] = {"name": node.describe(), "rule": doc, "formula": node.formula,
                                        "output": ids[key], "upstream": None if g is None else _text(g),
                                        "inputs": inputs}
    for node in autograd.topological_order([output.grad_fn]) if output.grad_fn is not None else []:
        out_key = ("node", node)  # tensor_key of the node's output
        if out_key not in ids or out_key not in shown:
            continue
        op = f"op{ids[out_key][1:]}"
        steps.append({"op": op, "edges": [[ids[_key(x)], op] for x in tensor_inputs(node) if _key(x) in ids]})
    # the step after which each tensor's gradient is complete: its last user's backward (the
    # output's is the seed, known before the first step); the stepper hides the others
    if output.grad_fn is not None and _key(output) in ids and ids[_key(output)] in tensors:
        tensors[ids[_key(output)]]["complete_at"] = -1
    for k, step in enumerate(steps):
        for tensor_id, _ in step["edges"]:
            if tensor_id in tensors:
                tensors[tensor_id]["complete_at"] = k
    return {"tensors": tensors, "ops": ops, "steps": steps, "output": ids[_key(output)],
            "has_gradients": bool(shown)}


def _why_no_gradient(t, role, g):
    if g is not None:
        return None
    if role == "constant":
        return autograd.explain_grad(t)
    return "No backward has reached it yet: call backward() on the output, or explore with grads='preview'."


# ---------------------------------------------------------------------------- the pictures
def _views(output, order, ids, names, shown, params, max_nodes, grads):
    """{view name: {"svg": ..., "members": [ids]}}: one view of the whole graph, or, for a big
    graph whose ops were recorded inside modules, a top view with each module's ops collapsed
    into a box, plus one view per module."""
    groups = _groups(order, params) if len(order) > max_nodes else {}
    if not groups:
        graph = draw_graph(output, params=params, grads=grads if grads == "preview" else "state",
                           max_nodes=max(max_nodes, len(order)))
        return {"top": {"svg": _svg(graph), "members": list(ids.values())}}
    group_of = {key: name for name, keys in groups.items() for key in keys}
    boxes = {name: f"group{i}" for i, name in enumerate(groups)}  # Graphviz reads "a:b" as a port: no names
    views = {"top": _collapsed_view(output, order, ids, names, shown, groups, group_of, boxes)}
    for name, keys in groups.items():
        views[name] = _group_view(output, order, ids, names, shown, keys, name)
        views[name]["box"] = boxes[name]
    return views


def _groups(order, params):
    """Tensors by the module that made them (or that holds them), at the shallowest level of
    the model's tree that splits the graph into more than one box (``layers.0``, ``layers.1``)."""
    module_names = {id(m): n for n, m in params.named_modules() if n} if hasattr(params, "named_modules") else {}
    paths = {}
    for t in order:
        node = t.grad_fn
        if node is not None and node.module is not None:
            path = module_names.get(id(node.module)) or node.module._path
        else:
            path = t.path.rsplit(".", 1)[0] if node is None and t.path and "." in t.path else ""
        if path:
            paths[_key(t)] = path.split(".")
    deepest = max((len(p) for p in paths.values()), default=0)
    for depth in range(1, deepest + 1):
        groups = {}
        for key, parts in paths.items():
            groups.setdefault(".".join(parts[:depth]), set()).add(key)
        if len(groups) > 1:
            break
    else:
        groups = {".".join(parts): set() for parts in paths.values()}
        for key, parts in paths.items():
            groups[".".join(parts)].add(key)
    return groups


def _new_graph(rankdir="TB"):
    return Graph(graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "12", "nodesep": "0.25",
                             "ranksep": "0.3"},
                 node_attr={"fontname": "Helvetica", "fontsize": "12"}, edge_attr={"color": "#555555"})


def _add_tensor(graph, t, ids, names, shown, output):
    role = _role(t, output)
    style = {"style": "filled,rounded", "fillcolor": "#dbebff" if role == "parameter" else "#f2f2f2"}
    if role == "constant":
        style = {"style": "filled,rounded,dashed", "fillcolor": "#ffffff", "color": "#777777"}
    graph.node(ids[_key(t)], label=_tensor_label(t, names.get(id(t)) or t.label, shown.get(_key(t)), role, True,
                                                 True), shape="box", **style)


def _call(t, names):
    """What the page calls a tensor: its name, else what it is ("(4, 1) from sub", "(4, 3)
    constant", "(3, 1) parameter"), so that no panel shows an id the drawing does not."""
    name = names.get(id(t)) or t.label
    if name:
        return printable(name)
    shape = str(tuple(t.shape))
    return f"{shape} from {t.grad_fn.name}" if t.grad_fn is not None else f"{shape} {_role(t, None)}"


def _module_kinds(order):
    """{module path: its class name} for the modules that recorded the graph's ops ("Conv2d")."""
    kinds = {}
    for t in order:
        module = t.grad_fn.module if t.grad_fn is not None else None
        if module is not None and module._path:
            kinds[module._path] = type(module).__name__
    return kinds


def _collapsed_view(output, order, ids, names, shown, groups, group_of, boxes):
    graph = _new_graph()
    members = []
    kinds = _module_kinds(order)
    for name, keys in groups.items():
        title = f"{name}: {kinds[name]}" if name in kinds else name
        count = f"{len(keys)} tensor{'s' * (len(keys) != 1)}"
        graph.node(boxes[name], label=dot_label(title, f"{count}: click to open"), shape="folder",
                   style="filled", fillcolor="#fff4d6")
    edges = set()
    for t in order:
        key = _key(t)
        if key in group_of:
            continue
        _add_tensor(graph, t, ids, names, shown, output)
        members.append(ids[key])
    for t in order:
        key, node = _key(t), t.grad_fn
        if node is None:
            continue
        here = boxes[group_of[key]] if key in group_of else None
        if here is None:
            op = f"op{ids[key][1:]}"
            graph.node(op, label=_op_label(node, False), shape="ellipse", **_op_style(node, None))
            edges.add((op, ids[key]))
            members.append(op)
            here = op
        for x in tensor_inputs(node):
            there = boxes[group_of[_key(x)]] if _key(x) in group_of else ids.get(_key(x))
            if there is not None and there != here:
                edges.add((there, here))
    for a, b in sorted(edges):
        graph.edge(a, b)
    return {"svg": _svg(graph), "members": members}


def _group_view(output, order, ids, names, shown, keys, name):
    graph = _new_graph()
    graph.attr(label=dot_label(name), labelloc="t")
    members, drawn = [], set()
    for t in order:
        key = _key(t)
        if key not in keys:
            continue
        for x in ([t] + (tensor_inputs(t.grad_fn) if t.grad_fn is not None else [])):
            if _key(x) not in drawn and _key(x) in ids:
                drawn.add(_key(x))
                _add_tensor(graph, x, ids, names, shown, output)
                members.append(ids[_key(x)])
        if t.grad_fn is not None:
            op = f"op{ids[key][1:]}"
            graph.node(op, label=_op_label(t.grad_fn, False), shape="ellipse", **_op_style(t.grad_fn, None))
            members.append(op)
            for x in tensor_inputs(t.grad_fn):
                if _key(x) in ids:
                    graph.edge(ids[_key(x)], op)
            graph.edge(op, ids[key])
    return {"svg": _svg(graph), "members": members}


def _svg(graph):
    svg = graph.pipe(format="svg").decode("utf-8")
    return svg[svg.index("<svg"):]  # without the XML prolog and doctype, to inline it


# ---------------------------------------------------------------------------- the page
def _page(title, views, data):
    sections = "\n".join(
        f'<div class="view" data-view="{html_text(name)}"{"" if name == "top" else " hidden"}>{view["svg"]}</div>'
        for name, view in views.items())
    parts = {"title": html_text(title), "views": sections, "data": _script_json(data)}
    # one pass over the template: a name that reads "{data}" inside the SVG stays text
    return _PLACEHOLDER.sub(lambda match: parts[match.group(1)], _TEMPLATE)


_PLACEHOLDER = re.compile(r"\{(title|views|data)\}")


def _script_json(data):
    """``data`` as JSON that can sit inside a <script> element whatever its strings hold: "<",
    ">" and "&" are written as \\u escapes, so that no "</script>" ends the element early and no
    "<!--<script>" turns the rest of the page into script text (JSON.parse reads the escapes
    back as the characters)."""
    text = json.dumps(data)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; }
header { padding: 0.8em 1.2em; border-bottom: 1px solid #ddd; }
h1 { font-size: 1.3em; margin: 0 0 0.3em 0; }
header p { margin: 0.2em 0; font-size: 0.95em; }
button { font-size: 1em; padding: 0.25em 0.9em; margin-right: 0.4em; }
#caption { margin-left: 0.8em; font-weight: bold; }
main { display: flex; height: calc(100vh - 8.5em); }
#views { flex: 3; overflow: auto; padding: 0.5em; }
#panel { flex: 2; overflow: auto; padding: 0.8em 1.2em; border-left: 1px solid #ddd; font-size: 0.95em; }
#panel h2 { font-size: 1.1em; margin: 0.2em 0 0.5em 0; }
#panel table { border-collapse: collapse; margin: 0.4em 0; }
#panel td, #panel th { border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
.num { font-family: Menlo, Consolas, monospace; white-space: pre-wrap; }
.formula { font-family: Menlo, Consolas, monospace; background: #f6f6f6; padding: 0.3em 0.5em; }
#views svg { max-width: 100%; height: auto; }
g.node, g.edge { cursor: pointer; }
g.node.selected polygon, g.node.selected path, g.node.selected ellipse { stroke: #1f6feb; stroke-width: 3px; }
g.node.active polygon, g.node.active ellipse { stroke: #c45c00; stroke-width: 4px; fill: #ffe08a; }
g.edge.active path { stroke: #c45c00; stroke-width: 3px; }
g.edge.active polygon { stroke: #c45c00; fill: #c45c00; }
.muted { color: #777; }
</style></head><body>
<header>
<h1>{title}</h1>
<p>Click a tensor (box) for its value, its gradient and the chain rule that made it; click an op (ellipse) for
its rule. Step through the backward pass with the buttons or the arrow keys.</p>
<p><button id="previous">&larr; Back</button><button id="next">Step &rarr;</button><button id="up" hidden>&uarr; Whole graph</button><span id="caption"></span></p>
</header>
<main><div id="views">
{views}
</div><div id="panel"><p class="muted">Click a box or an op.</p></div></main>
<script id="data" type="application/json">{data}</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var panel = document.getElementById("panel");
  var current = -1;
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function title(g) { var t = g.querySelector("title"); return t ? t.textContent : ""; }
  function views() { return Array.prototype.slice.call(document.querySelectorAll(".view")); }
  function showView(name) {
    views().forEach(function (v) { v.hidden = v.getAttribute("data-view") !== name; });
    document.getElementById("up").hidden = name === "top";
  }
  function visibleNode(id) {
    var found = null;
    views().forEach(function (v) {
      v.querySelectorAll("g.node").forEach(function (g) { if (title(g) === id && !v.hidden) found = g; });
    });
    return found;
  }
  function viewOf(id) {
    var names = Object.keys(data.views);
    for (var i = 0; i < names.length; i++) { if (data.views[names[i]].indexOf(id) >= 0 && names[i] !== "top") return names[i]; }
    return "top";
  }
  function centre(g) {  // scroll the graph's pane (not the page) so that g is in the middle
    var pane = document.getElementById("views"), box = g.getBoundingClientRect(), outer = pane.getBoundingClientRect();
    pane.scrollTop += box.top + box.height / 2 - outer.top - pane.clientHeight / 2;
    pane.scrollLeft += box.left + box.width / 2 - outer.left - pane.clientWidth / 2;
  }
  function select(id) {
    document.querySelectorAll("g.node.selected").forEach(function (g) { g.classList.remove("selected"); });
    var g = visibleNode(id);
    if (g) g.classList.add("selected");
  }
  function tensorPanel(id) {
    var t = data.tensors[id];
    var rows = "<tr><th>shape</th><td>" + esc(t.shape) + " " + esc(t.dtype) + "</td></tr>" +
      "<tr><th>value</th><td class='num'>" + esc(t.value) + "</td></tr>" +
      "<tr><th>gradient</th><td class='num' id='panel-grad'>" + (t.grad === null ? "<span class='muted'>none</span>" : esc(t.grad)) + "</td></tr>";
    var role = (t.name || t.role === "output") ? " <span class='muted'>(" + esc(t.role) + ")</span>" : "";  // an unnamed title says what it is
    var html = "<h2>" + esc(t.title) + role + "</h2><table>" + rows + "</table>";
    if (t.why_none) html += "<p class='muted'>" + esc(t.why_none) + "</p>";
    if (t.terms.length) {
      html += "<p><b>Chain rule:</b> <span class='formula'>&part;L/&part;" + esc(t.name || "a") + " = &Sigma; over users u of &part;L/&part;u &middot; &part;u/&part;" + esc(t.name || "a") + "</span></p><table><tr><th>user u</th><th>&part;L/&part;u</th><th>&part;u/&part;a</th><th>term</th></tr>";
      t.terms.forEach(function (term) {
        html += "<tr><td>" + esc(term.op_name) + " &rarr; " + esc(term.output_name) + "</td><td class='num'>" + esc(term.upstream) +
          "</td><td class='num'>" + (term.local === undefined ? "<span class='muted'>(see the op's rule)</span>" : esc(term.local)) +
          "</td><td class='num term'>" + esc(term.contribution) + "</td></tr>";
      });
      html += "</table><p>Sum: <span class='num'>" + esc(t.grad === null ? "" : t.grad) + "</span></p>";
    } else if (t.role !== "constant" && id === data.output) {
      html += "<p>This is the output L: &part;L/&part;L = 1 starts the backward pass.</p>";
    }
    panel.innerHTML = html;
  }
  function opPanel(id) {
    var op = data.ops[id];
    var html = "<h2>" + esc(op.name) + "</h2><p>" + esc(op.rule) + "</p>";
    if (op.formula) html += "<p class='formula'>" + esc(op.formula) + "</p>";
    html += "<p>Gradient arriving at its output: <span class='num'>" + esc(op.upstream === null ? "none" : op.upstream) + "</span></p>";
    html += "<table><tr><th>input</th><th>value</th><th>sent back</th></tr>";
    op.inputs.forEach(function (x) {
      html += "<tr><td>" + esc(x.name) + "</td><td class='num'>" + esc(x.value) + "</td><td class='num sent'>" + esc(x.sent === null ? "-" : x.sent) + "</td></tr>";
    });
    panel.innerHTML = html + "</table>";
  }
  function show(id) {
    if (data.tensors[id]) tensorPanel(id); else if (data.ops[id]) opPanel(id); else return;
    select(id);
  }
  // At step k a box shows its gradient only once every user's backward has run.
  function gradientsKnownAt(k) {
    views().forEach(function (v) {
      v.querySelectorAll("g.node").forEach(function (g) {
        var t = data.tensors[title(g)];
        if (!t || t.complete_at === undefined) return;
        g.querySelectorAll("text").forEach(function (line) {
          if (line.textContent.trim().indexOf("grad ") === 0) line.style.visibility = t.complete_at <= k ? "" : "hidden";
        });
      });
    });
  }
  function step(k) {
    if (!data.steps.length) { document.getElementById("caption").textContent = "no backward pass to step through"; return; }
    if (k < 0 || k >= data.steps.length) return;
    current = k;
    var s = data.steps[k];
    document.querySelectorAll("g.active").forEach(function (g) { g.classList.remove("active"); });
    showView(viewOf(s.op));
    var g = visibleNode(s.op);
    if (g) { g.classList.add("active"); centre(g); }
    views().forEach(function (v) {
      if (v.hidden) return;
      v.querySelectorAll("g.edge").forEach(function (e) {
        s.edges.forEach(function (pair) { if (title(e) === pair[0] + "->" + pair[1]) e.classList.add("active"); });
      });
    });
    opPanel(s.op);
    gradientsKnownAt(k);
    document.getElementById("caption").textContent = "step " + (k + 1) + " of " + data.steps.length + ": backward of " +
      data.ops[s.op].name + " (gradients not complete yet are hidden)";
  }
  views().forEach(function (v) {
    v.querySelectorAll("g.node").forEach(function (g) {
      g.addEventListener("click", function () {
        var id = title(g);
        if (data.boxes[id]) { showView(data.boxes[id]); return; }
        show(id);
      });
    });
  });
  document.getElementById("next").addEventListener("click", function () { step(current + 1); });
  document.getElementById("previous").addEventListener("click", function () { step(current - 1); });
  document.getElementById("up").addEventListener("click", function () { showView("top"); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight") step(current + 1);
    if (e.key === "ArrowLeft") step(current - 1);
  });
  if (!data.has_gradients) document.getElementById("caption").textContent = "no gradient yet: call backward(), or explore with grads='preview'";
})();
</script>
</body></html>
"""

"""`draw_graph`: the computation graph as a Graphviz picture, with values and gradients.

Tensors are boxes (records) that show a name, the shape and dtype, the value and the
gradient; ops are ellipses labelled with what they do (``matmul``, ``sum(axis=1)``); edges run
in the direction data flows. The gradient shown on every tensor is d(root)/d(tensor),
computed for the drawing itself (without touching any ``.grad``), so intermediate results
show theirs too.

Colours: parameters blue, inputs green, intermediate results grey, the output orange; the
stronger the gradient (mean |grad|, relative to the largest in the graph), the deeper the
colour. Tensors holding NaN or Inf are red.

>>> import tinygrad_edu as tg
>>> a = tg.tensor(2.0, requires_grad=True, name="a")
>>> b = tg.tensor(-3.0, requires_grad=True, name="b")
>>> graph = tg.draw_graph(a * b + b)
>>> print(graph.source.splitlines()[0])
digraph {
"""
import html
import shutil

import graphviz
import numpy as np

from ..engine import autograd
from ..engine.tensor import Tensor
_key = autograd.tensor_key

ROLE_COLOURS = {  # (light, deep) end of each role's colour ramp
    "parameter": ((0.86, 0.92, 1.00), (0.35, 0.58, 0.93)),
    "input": ((0.88, 0.96, 0.88), (0.40, 0.74, 0.40)),
    "intermediate": ((0.95, 0.95, 0.95), (0.62, 0.62, 0.62)),
    "output": ((1.00, 0.92, 0.80), (0.98, 0.62, 0.20)),
}
BAD_COLOUR = "#ff6b6b"
INSTALL_HINT = (
    "Rendering a graph needs Graphviz's 'dot' program, which is not on PATH. Install it with "
    "'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) or "
    "'conda install -c conda-forge graphviz'. Without it, graph.source still gives the DOT text."
)


class GraphvizNotFound(RuntimeError):
    """The 'dot' program is missing; the message says how to install it."""


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering explains how to install Graphviz when it is missing.

    It shows inline in Jupyter; ``.render("loss", format="svg")`` writes a file, ``.source``
    is the DOT text.
    """

    def _check_dot(self):
        if shutil.which("dot") is None:
            raise GraphvizNotFound(INSTALL_HINT)

    def render(self, *args, **kwargs):
        self._check_dot()
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFound(INSTALL_HINT) from None

    def pipe(self, *args, **kwargs):
        self._check_dot()
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFound(INSTALL_HINT) from None


# ---------------------------------------------------------------------------- formatting
def format_array(array, limit=6):
    """A number for one element, the values for up to ``limit``, else min/mean/max."""
    array = np.asarray(array)
    if array.size == 1:
        return f"{array.item():.4g}"
    if array.size <= limit:
        return "[" + ", ".join(f"{v:.4g}" for v in array.ravel()) + "]"
    if array.dtype == bool:
        return f"{int(array.sum())} of {array.size} true"
    return f"min {array.min():.3g}  mean {array.mean():.3g}  max {array.max():.3g}"


def _escape(text):
    return html.escape(str(text), quote=True)


def _blend(light, deep, strength):
    rgb = [lo + (hi - lo) * strength for lo, hi in zip(light, deep)]
    return "#" + "".join(f"{int(round(255 * c)):02x}" for c in rgb)


def _parameter_names(params):
    """id(tensor) -> name, from a dict name -> tensor or from a Module's named_parameters()."""
    if params is None:
        return {}
    items = params.named_parameters() if hasattr(params, "named_parameters") else params.items()
    return {id(t): name for name, t in items}


def _module_names(params):
    if params is None or not hasattr(params, "named_modules"):
        return {}
    return {id(m): name for name, m in params.named_modules() if name}


# ---------------------------------------------------------------------------- graph walking
def _nearest(root, max_nodes):
    """The tensors nearest the output (breadth first), at most ``max_nodes``, and how many were cut."""
    seen = {_key(root): root}
    frontier = [root]
    cut = set()
    while frontier:
        next_frontier = []
        for t in frontier:
            if t.grad_fn is None:
                continue
            for p in _tensor_inputs(t.grad_fn):
                if _key(p) in seen:
                    continue
                if len(seen) >= max_nodes:
                    cut.add(_key(t))
                    continue
                seen[_key(p)] = p
                next_frontier.append(p)
        frontier = next_frontier
    return seen, cut


def _tensor_inputs(node):
    return [x for x in autograd.graph_inputs(node) if isinstance(x, Tensor)]


def _gradients(root, tensors):
    """d root / d tensor for every tensor that requires grad (None where it cannot be had)."""
    wanted = [t for t in tensors if t.requires_grad]
    if any(t.grad_fn is not None and t.grad_fn.released for t in tensors):  # after backward(): its gradients
        return {_key(t): g for t in tensors if (g := autograd.latest_gradient(t)) is not None}
    if not root.requires_grad or not wanted:
        return {}
    seed = None if root.data.size == 1 else Tensor(np.ones_like(root.data))
    grads = autograd.grad(root, wanted, grad_outputs=seed, retain_graph=True, allow_unused=True)
    return {_key(t): g.data for t, g in zip(wanted, grads) if g is not None}


# ---------------------------------------------------------------------------- drawing
def draw_graph(root, params=None, show_values=True, show_grads=True, show_saved=False,
               rankdir="LR", max_nodes=200, collapse=None, highlight=None, known_grads=None):
    """Draw the graph that computed ``root`` and return a `Graph` (a ``graphviz.Digraph``).

    ``params`` names the parameters: a dict name -> Tensor, or a Module (its
    ``named_parameters()``); otherwise tensors show their ``name=``. ``max_nodes`` keeps the
    part of the graph nearest the output and sums up the rest in one node.
    ``collapse="module"`` boxes the ops each Module recorded (pass the model as ``params``).
    The gradient of a gradient (made with ``create_graph=True``) draws like any other graph.
    (``highlight`` and ``known_grads`` are used by `backward_steps`.)
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"draw_graph: expected a Tensor, got {type(root).__name__}")
    if collapse not in (None, "module"):
        raise ValueError(f"draw_graph: collapse must be None or 'module', got {collapse!r}")
    names = _parameter_names(params)
    module_names = _module_names(params)
    kept, cut = _nearest(root, max_nodes)
    order = _walk(root, kept)
    grads = (known_grads if known_grads is not None else _gradients(root, order)) if show_grads else {}
    scale = max((float(np.mean(np.abs(g))) for g in grads.values() if np.all(np.isfinite(g))), default=0.0)

    graph = Graph(graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "11"},
                  node_attr={"fontname": "Helvetica", "fontsize": "10"}, edge_attr={"color": "#555555"})
    ids = {}
    clusters = {}
    for i, t in enumerate(order):
        ids[_key(t)] = f"t{i}"
    for i, t in enumerate(order):
        tid = ids[_key(t)]
        role = ("output" if t is root else "parameter" if t.grad_fn is None and t.requires_grad
                else "input" if t.grad_fn is None else "intermediate")
        name = names.get(id(t)) or t.name or ""
        lines = [f"<b>{_escape(name)}</b>"] if name else []
        lines.append(f"{_escape(tuple(t.shape))} {t.dtype}")
        if show_values:
            lines.append(f"data {_escape(format_array(t.data))}")
        g = grads.get(_key(t))
        if show_grads and (t.requires_grad or g is not None):
            lines.append(f"grad {_escape(format_array(g)) if g is not None else '?'}")
        bad = not np.all(np.isfinite(t.data)) or (g is not None and not np.all(np.isfinite(g)))
        strength = 0.0 if g is None or scale == 0 or bad else min(1.0, float(np.mean(np.abs(g))) / scale)
        fill = BAD_COLOUR if bad else _blend(*ROLE_COLOURS[role], strength)
        border = "#c45c00" if role == "output" else "#333333"
        label = "<" + '<table border="0" cellborder="0" cellspacing="0">' + "".join(
            f"<tr><td>{line}</td></tr>" for line in lines) + "</table>>"
        target = _cluster(graph, clusters, t.grad_fn, module_names) if collapse == "module" and t.grad_fn else graph
        if collapse == "module" and t.grad_fn is None and names.get(id(t)) and "." in names[id(t)]:
            target = _cluster_by_name(graph, clusters, names[id(t)].rsplit(".", 1)[0])
        target.node(tid, label=label, shape="box", style="filled,rounded", fillcolor=fill, color=border,
                    penwidth="2" if role == "output" else "1")
    for i, t in enumerate(order):
        if t.grad_fn is None:
            continue
        node = t.grad_fn
        oid = f"op{i}"
        label = node.describe()
        constants = [format_array(x) for x in autograd.graph_inputs(node) if not isinstance(x, Tensor)]
        if constants:
            label += "\\nwith " + ", ".join(constants)
        if show_saved and node.saved:
            label += "\\nsaved: " + ", ".join(f"{tuple(a.shape)}" for a in node.saved if hasattr(a, "shape"))
        style = {"style": "filled", "fillcolor": "#ffe08a", "penwidth": "2.5", "color": "#c45c00"} \
            if highlight is not None and node is highlight else {"style": "filled", "fillcolor": "#ffffff"}
        anomaly = node.__dict__.get("anomaly")  # set by detect_anomaly() on the op that made a NaN/Inf
        if anomaly:
            label += f"\\n{anomaly}"
            style = {"style": "filled", "fillcolor": BAD_COLOUR, "penwidth": "2.5", "color": "#8b0000"}
        target = _cluster(graph, clusters, node, module_names) if collapse == "module" else graph
        target.node(oid, label=label, shape="ellipse", **style)
        for p in _tensor_inputs(node):
            if _key(p) in ids:
                graph.edge(ids[_key(p)], oid)
        graph.edge(oid, ids[_key(t)])
    if cut:
        hidden = len(_walk(root)) - len(order)
        graph.node("more", label=f"... {hidden} more tensors", shape="note", style="dashed")
        for key in sorted(cut, key=lambda k: ids[k]):
            graph.edge("more", ids[key], style="dashed")
    for cluster in clusters.values():
        graph.subgraph(cluster)
    return graph


def _walk(root, kept=None):
    """Tensors reachable from root (within ``kept`` if given), inputs first; freed nodes end the walk."""
    return autograd.tensors_in_order([root], within=kept)


def _cluster(graph, clusters, node, module_names):
    name = module_names.get(id(node.module)) if node is not None and node.module is not None else None
    return graph if name is None else _cluster_by_name(graph, clusters, name)


def _cluster_by_name(graph, clusters, name):
    if name not in clusters:
        clusters[name] = graphviz.Digraph(name=f"cluster_{len(clusters)}",
                                          graph_attr={"label": name, "style": "rounded,dashed", "color": "#7a7a7a"})
    return clusters[name]

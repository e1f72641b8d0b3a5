"""`draw_graph`: the computation graph as a Graphviz picture, showing its state.

Tensors are boxes (name, shape and dtype, value, gradient); ops are ellipses labelled with what
they do (``matmul``, ``sum(axis=1)``), with the numbers they were given written on them; edges
run the way data flows. The gradient on each box is the graph's *state*: a leaf's accumulated
``.grad``, and for every other tensor the gradient that reached it in the latest ``backward()``.
Before any backward there are values only, and the caption says so; ``grads="preview"``
computes the gradients for the picture without touching anything.

Colours: parameters blue, intermediate results grey, the output orange, constants (tensors
that do not require grad, so have no gradient) white with a dashed border; the stronger the
gradient (mean |grad| relative to the largest in the graph), the deeper the colour. Tensors
holding NaN or Inf are red. The direction (left to right or top to bottom) follows the
graph's shape, so that the picture stays readable on a page.

>>> import tinygrad_edu as tg
>>> a = tg.tensor(2.0, requires_grad=True, name="a")
>>> b = tg.tensor(-3.0, requires_grad=True, name="b")
>>> c = a * b + b
>>> c.backward()
>>> "grad 3" in tg.draw_graph(c).source   # dc/db = a + 1
True
"""
import os
import pathlib
import shutil
import subprocess
import tempfile
import textwrap

import graphviz
import numpy as np

from .. import files
from ..engine import autograd
from ..engine.tensor import Tensor
from .text import dot_label, html_text

_key = autograd.tensor_key

ROLE_COLOURS = {  # (light, deep) end of each role's colour ramp
    "parameter": ((0.86, 0.92, 1.00), (0.35, 0.58, 0.93)),
    "intermediate": ((0.95, 0.95, 0.95), (0.62, 0.62, 0.62)),
    "output": ((1.00, 0.92, 0.80), (0.98, 0.62, 0.20)),
}
CONSTANT_FILL = "#ffffff"
BAD_COLOUR = "#ff6b6b"
PAGE_WIDTH = 9.0  # inches: wider pictures are scaled down to this (about 860 px at 96 dpi)
INSTALL_HINT = (
    "Rendering a graph needs Graphviz's 'dot' program, which is not on PATH. Install it with "
    "'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) or "
    "'conda install -c conda-forge graphviz'. Without it, graph.source still gives the DOT text."
)
WHY_CONSTANT = {  # explain_grad's cases, in a few words for the legend
    "no_grad": "computed inside tg.no_grad()",
    "detach": "cut out of the graph with .detach()",
    "constant": "computed from constants only",
    "compiled": "returned by a compiled function",
    "grad": "a gradient (no graph unless create_graph=True)",
}


class GraphvizNotFound(RuntimeError):
    """The 'dot' program is missing; the message says how to install it."""


class GraphvizFailed(RuntimeError):
    """Graphviz's 'dot' ran but could not draw the graph; the message gives its own words."""


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering explains how to install Graphviz when it is missing.

    It shows inline in Jupyter; ``.render("loss", format="svg")`` writes a file, ``.source``
    is the DOT text.
    """

    def _check_dot(self):
        if shutil.which("dot") is None:
            raise GraphvizNotFound(INSTALL_HINT)

    def render(self, filename=None, directory=None, view=False, cleanup=False, format=None, renderer=None,
               formatter=None, neato_no_op=None, quiet=False, quiet_view=False, *, outfile=None, engine=None,
               raise_if_result_exists=False, overwrite_source=False):
        """``graphviz.Digraph.render`` (same arguments, same files, same result, same errors),
        except that nothing is written over in place: graphviz renders a copy of the graph into
        a temporary folder, and each file replaces the old one only once it is complete (dot
        itself truncates its output file before it fails), so a refused or failed render
        writes nothing. A path that is a symbolic link is written through. Only graphviz's
        public API is used (``Digraph.render``, ``graphviz.view`` for ``view=True``)."""
        self._check_dot()
        folder = self.directory if directory is None else directory
        final_out = None
        if outfile is not None:  # graphviz's rules: outfile lies in the graph's directory unless one is given
            final_out = pathlib.Path(outfile) if directory is not None else pathlib.Path(self.directory, outfile)
            filename = filename if filename is not None else final_out.with_suffix(".gv")
        final_source = pathlib.Path(folder, filename if filename is not None else self.filename)
        for place in (final_source, final_out):
            if place is not None:
                os.makedirs(os.path.dirname(os.path.realpath(place)), exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".render-", dir=os.path.dirname(os.path.realpath(final_source)))
        staged_out = None if final_out is None else os.path.join(staging, final_out.name)
        try:
            drawn = graphviz.Digraph.render(  # on a copy: graphviz's save() changes the graph's paths
                self.copy(), final_source.name, directory=staging, format=format, renderer=renderer,
                formatter=formatter, neato_no_op=neato_no_op, quiet=quiet, outfile=staged_out, engine=engine,
                overwrite_source=overwrite_source)
            rendered = final_out if final_out is not None else final_source.with_name(os.path.basename(drawn))
            if raise_if_result_exists and os.path.exists(rendered):
                raise graphviz.FileExistsError(f"output file exists: {os.fspath(rendered)!r}")
            _move_into_place(drawn, rendered)
            if not cleanup:
                _move_into_place(os.path.join(staging, final_source.name), final_source)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFound(INSTALL_HINT) from None
        except subprocess.CalledProcessError as error:
            raise _failed(error) from None
        except (TypeError, ValueError) as error:  # graphviz's checks of its arguments (an outfile's suffix)
            if staged_out is None or staged_out not in str(error):
                raise
            # it names the outfile it was given, in the temporary folder: name the user's
            raise type(error)(str(error).replace(staged_out, os.fspath(final_out))) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.filename, self.directory = os.fspath(filename if filename is not None else self.filename), folder
        if view or quiet_view:  # graphviz's own viewer call, through its public function
            graphviz.view(rendered, quiet=quiet_view)
        return os.fspath(rendered)

    def pipe(self, *args, **kwargs):
        self._check_dot()
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise GraphvizNotFound(INSTALL_HINT) from None
        except subprocess.CalledProcessError as error:
            raise _failed(error) from None


def _move_into_place(drawn, path):
    """Put a finished file at ``path`` in one step (through a link, keeping the old file's mode)."""
    with files.replacing(path) as temporary:
        shutil.copyfile(drawn, temporary)  # a copy, not a rename: ``path`` may be on another disk


def _failed(error):
    """dot's complaint (its standard error, or its exit status) as one readable error."""
    said = error.stderr.decode("utf-8", "replace") if isinstance(error.stderr, bytes) else str(error.stderr or "")
    said = " ".join(said.split()) or f"exit status {error.returncode}"
    return GraphvizFailed(f"Graphviz's dot could not draw this graph: {said[:500]} (graph.source holds the DOT "
                          "text it was given)")


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
    return html_text(text)


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
def tensor_inputs(node):
    """The Tensor inputs of a node (its other inputs are numbers or arrays written on the op)."""
    return [x for x in autograd.graph_inputs(node) if isinstance(x, Tensor)]


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
            for p in tensor_inputs(t.grad_fn):
                if _key(p) in seen:
                    continue
                if len(seen) >= max_nodes:
                    cut.add(_key(t))
                    continue
                seen[_key(p)] = p
                next_frontier.append(p)
        frontier = next_frontier
    return seen, cut


def _walk(root, kept=None):
    """Tensors reachable from root (within ``kept`` if given), inputs first."""
    return autograd.tensors_in_order([root], within=kept)


def state_gradients(tensors):
    """The gradients the graph holds: each leaf's accumulated ``.grad``, and for every other
    tensor the gradient that reached it in the latest backward (absent where there is none)."""
    found = {}
    for t in tensors:
        if t.requires_grad:
            g = autograd.latest_gradient(t)
            if g is not None:
                found[_key(t)] = np.asarray(g)
    return found


def preview_gradients(root, tensors):
    """d root / d tensor for every tensor that requires grad, computed for a picture: no
    ``.grad`` and no node's kept gradient changes. None when the graph's saved arrays are gone."""
    wanted = [t for t in tensors if t.requires_grad]
    if not root.requires_grad or not wanted:
        return {}
    if any(t.grad_fn is not None and t.grad_fn.released for t in tensors):
        return None
    seed = None if root.data.size == 1 else Tensor(np.ones_like(root.data))
    grads = autograd.grad(root, wanted, grad_outputs=seed, retain_graph=True, allow_unused=True)
    return {_key(t): g.data for t, g in zip(wanted, grads) if g is not None}


def choose_direction(order):
    """"LR" for a shallow graph, "TB" for a deep one: the direction that keeps the picture
    narrower, so it stays readable on a page (a chain of 20 ops drawn left to right would be
    20 boxes wide)."""
    depth, per_rank = {}, {}
    for t in order:  # inputs come before the tensors made from them
        inputs = tensor_inputs(t.grad_fn) if t.grad_fn is not None else []
        depth[_key(t)] = 1 + max((depth.get(_key(p), 0) for p in inputs), default=0)
        per_rank[depth[_key(t)]] = per_rank.get(depth[_key(t)], 0) + 1
    ranks, breadth = max(depth.values(), default=1), max(per_rank.values(), default=1)
    # left to right, each rank is a box and an ellipse wide; top to bottom, a rank is its boxes
    return "TB" if 2 * ranks > 3 * breadth else "LR"


# ---------------------------------------------------------------------------- drawing
def draw_graph(root, params=None, grads="state", show_values=True, show_saved=False, rankdir=None,
               max_nodes=200, collapse=None, highlight=None, step=None, page_width=PAGE_WIDTH):
    """Draw the graph that computed ``root`` and return a `Graph` (a ``graphviz.Digraph``).

    ``grads`` says which gradients to show: ``"state"`` (what backward left: leaves' ``.grad``,
    every other tensor's gradient from the latest backward), ``"preview"`` (d root / d tensor
    computed for the picture, touching nothing), or None (values only). ``params`` names the
    parameters: a dict name -> Tensor, or a Module (its ``named_parameters()``); otherwise
    tensors show their ``name=`` or the path a Module gave them. ``rankdir`` ("LR" or "TB")
    defaults to the direction that suits the graph's shape; pictures wider than ``page_width``
    inches are scaled down. ``max_nodes`` keeps the part of the graph nearest the output and
    sums up the rest in one node. ``collapse="module"`` boxes the ops each Module recorded
    (pass the model as ``params``). The gradient of a gradient (made with ``create_graph=True``)
    draws like any other graph. (``highlight`` and ``step`` are for `backward_steps`: the op
    whose backward just ran, and a `Step` saying which gradients are known yet.)
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"draw_graph: expected a Tensor, got {type(root).__name__}")
    if collapse not in (None, "module"):
        raise ValueError(f"draw_graph: collapse must be None or 'module', got {collapse!r}")
    if grads not in ("state", "preview", None, False):
        raise ValueError(f"draw_graph: grads must be 'state', 'preview' or None, got {grads!r}")
    names = _parameter_names(params)
    module_names = _module_names(params)
    kept, cut = _nearest(root, max_nodes)
    order = _walk(root, kept)
    notes = []
    if step is not None:
        shown = step.grads
    elif grads == "preview":
        shown = preview_gradients(root, order)
        if shown is None:
            shown = state_gradients(order)
            notes.append("grads='preview' needs the arrays backward() frees: the gradients shown are the graph's state")
        else:
            notes.append("gradients previewed for this picture (d output / d tensor); no .grad was changed")
    elif grads == "state":
        shown = state_gradients(order)
    else:
        shown = {}
    notes += _legend(root, order, shown, grads)
    scale = max((float(np.mean(np.abs(g))) for g in shown.values() if g.size and np.all(np.isfinite(g))),
                default=0.0)

    graph = Graph(graph_attr={"rankdir": rankdir or choose_direction(order), "fontname": "Helvetica",
                              "fontsize": "12", "size": f"{page_width:g},1000", "nodesep": "0.25",
                              "ranksep": "0.3"},
                  node_attr={"fontname": "Helvetica", "fontsize": "12"}, edge_attr={"color": "#555555"})
    ids = {_key(t): f"t{i}" for i, t in enumerate(order)}
    clusters = {}
    for t in order:
        role = _role(t, root)
        g = shown.get(_key(t))
        known = step is None or _key(t) in step.known
        bad = not np.all(np.isfinite(t.data)) or (g is not None and known and not np.all(np.isfinite(g)))
        strength = 0.0 if g is None or not known or scale == 0 or bad else min(1.0, float(np.mean(np.abs(g))) / scale)
        style = {"style": "filled,rounded", "color": "#333333", "penwidth": "1"}
        if role == "constant":
            style = {"style": "filled,rounded,dashed", "color": "#777777", "penwidth": "1", "fontcolor": "#444444"}
            fill = CONSTANT_FILL
        else:
            fill = _blend(*ROLE_COLOURS[role], strength)
        fill = BAD_COLOUR if bad else fill
        mark = None if step is None else ("changed" if _key(t) in step.changed else "known" if known else "unknown", fill)
        label = _tensor_label(t, names.get(id(t)) or t.label, g, role, show_values, grads not in (None, False), mark)
        if role == "output":
            style.update(color="#c45c00", penwidth="2")
        target = _cluster(graph, clusters, t.grad_fn, module_names) if collapse == "module" and t.grad_fn else graph
        path = names.get(id(t)) or t.path
        if collapse == "module" and t.grad_fn is None and path and "." in path:
            target = _cluster_by_name(graph, clusters, path.rsplit(".", 1)[0])
        target.node(ids[_key(t)], label=label, shape="box", fillcolor=fill, **style)
    for i, t in enumerate(order):
        if t.grad_fn is None:
            continue
        node = t.grad_fn
        oid = f"op{i}"
        target = _cluster(graph, clusters, node, module_names) if collapse == "module" else graph
        target.node(oid, label=_op_label(node, show_saved), shape="ellipse", **_op_style(node, highlight))
        active = highlight is not None and node is highlight
        for p in tensor_inputs(node):
            if _key(p) in ids:  # the active op's input edges carry the gradient it sends back
                graph.edge(ids[_key(p)], oid, **({"color": "#c45c00", "penwidth": "2.5"} if active else {}))
        graph.edge(oid, ids[_key(t)])
    if cut:
        hidden = len(_walk(root)) - len(order)
        graph.node("more", label=f"... {hidden} more tensors", shape="note", style="dashed")
        for key in sorted(cut, key=lambda k: ids[k]):
            graph.edge("more", ids[key], style="dashed")
    for cluster in clusters.values():
        graph.subgraph(cluster)
    if notes:  # the caption, in short lines: a long one would widen (so shrink) the whole picture
        lines = [line for note in notes for line in textwrap.wrap(note, 70)]
        graph.attr(label="\\l".join(lines) + "\\l", labelloc="b", labeljust="l", fontsize="11")
    return graph


class Step:
    """One frame of `backward_steps`: every gradient (``grads``), the tensors whose gradient is
    complete after this step (``known``) and those it completed (``changed``)."""

    def __init__(self, grads, known, changed):
        self.grads, self.known, self.changed = grads, known, changed


def _role(t, root):
    if not t.requires_grad:
        return "constant"
    if t is root:
        return "output"
    return "parameter" if t.grad_fn is None else "intermediate"


def _tensor_label(t, name, g, role, show_values, show_grads, mark=None):
    """The box's lines. In a step-by-step frame (``mark`` given) the gradient line is always
    written, so that every frame has the same layout: a gradient not known yet is written in
    the box's own colour (``mark`` is then that colour), and one that became known at this step
    gets a visible marker."""
    lines = [f"<b>{_escape(name)}</b>"] if name else []
    lines.append(f"{_escape(tuple(t.shape))} {t.dtype}")
    if show_values:
        lines.append(f"data {_escape(format_array(t.data))}")
    if show_grads and role != "constant":
        text = f"grad {_escape(format_array(g))}" if g is not None else "grad <i>none yet</i>"
        if mark is not None:
            state, fill = mark
            if state == "changed":  # completed by this step's op: marked
                text = f'<font color="#c0392b"><b>&#9654;</b> {text}</font>'
            elif state == "known":  # the marker is there, in the box's colour, to keep the width
                text = f'<font color="{fill}"><b>&#9654;</b></font> {text}'
            else:  # not known yet: written in the box's colour, so every frame has the same layout
                text = f'<font color="{fill}"><b>&#9654;</b> {text}</font>'
        lines.append(text)
    return "<" + '<table border="0" cellborder="0" cellspacing="0">' + "".join(
        f"<tr><td>{line}</td></tr>" for line in lines) + "</table>>"


def _op_label(node, show_saved):
    lines = [node.describe()]  # joined by DOT's line break, \n
    constants = [format_array(x) for x in autograd.graph_inputs(node) if not isinstance(x, Tensor)]
    if constants:
        lines.append("with " + ", ".join(constants))
    if show_saved and node.saved:
        lines.append("saved: " + ", ".join(f"{tuple(a.shape)}" for a in node.saved if hasattr(a, "shape")))
    if node.anomaly:  # set by detect_anomaly() on the op that made a NaN/Inf
        lines.append(node.anomaly)
    return dot_label(*lines)


def _op_style(node, highlight):
    if node.anomaly:
        return {"style": "filled", "fillcolor": BAD_COLOUR, "penwidth": "2.5", "color": "#8b0000"}
    if highlight is not None and node is highlight:
        return {"style": "filled", "fillcolor": "#ffe08a", "penwidth": "3", "color": "#c45c00", "id": "active"}
    return {"style": "filled", "fillcolor": "#ffffff"}


def _legend(root, order, shown, grads):
    """The caption's sentences: what the picture shows and why something has no gradient."""
    notes = []
    if not root.requires_grad:
        notes.append("Nothing in this graph requires grad, so no gradient can flow: create the inputs you want "
                     "gradients for with requires_grad=True.")
        return notes
    if grads == "state" and not shown:
        notes.append("No gradient has been computed yet: values only. Call backward() on the output, or draw with "
                     "grads='preview' to see the gradients without changing .grad.")
    reasons = sorted({WHY_CONSTANT.get(t._origin, "made with requires_grad=False")
                      for t in order if not t.requires_grad})
    if reasons:
        notes.append("Dashed white boxes are constants: they do not require grad, so they have no gradient "
                     f"({'; '.join(reasons)}).")
    return notes


def _cluster(graph, clusters, node, module_names):
    name = module_names.get(id(node.module)) if node is not None and node.module is not None else None
    return graph if name is None else _cluster_by_name(graph, clusters, name)


def _cluster_by_name(graph, clusters, name):
    if name not in clusters:
        clusters[name] = graphviz.Digraph(name=f"cluster_{len(clusters)}",
                                          graph_attr={"label": dot_label(name), "style": "rounded,dashed", "color": "#7a7a7a"})
    return clusters[name]

"""Backward, one step at a time: a picture per node, in the order the engine visits them.

Frame k highlights the op whose backward has just run at step k; a tensor shows its gradient
once it is complete -- once every op that used it has sent its contribution back -- and
``grad ?`` before that. The last frame has every gradient. `save_steps` writes the frames as numbered SVG files plus one self-contained
``index.html`` (the SVGs inline, Previous/Next buttons, no network) for a classroom.
"""
import html
import pathlib

from ..engine import autograd
from .graph import _gradients, _key, _tensor_inputs, _walk, draw_graph


def backward_steps(loss, params=None, **draw_options):
    """Yield (step, op name, graph) for each op in backward order (one per non-leaf tensor)."""
    order = _walk(loss)
    all_grads = _gradients(loss, order)
    nodes = autograd.topological_order([loss.grad_fn]) if loss.grad_fn is not None else []
    users = {}  # tensor key -> how many recorded uses still have to send a gradient back
    for node in nodes:
        for p in _tensor_inputs(node):
            users[_key(p)] = users.get(_key(p), 0) + 1
    known = {_key(loss): all_grads[_key(loss)]} if _key(loss) in all_grads else {}
    for step, node in enumerate(nodes):
        for p in _tensor_inputs(node):  # this op's backward has sent each input its share
            users[_key(p)] -= 1
            if users[_key(p)] == 0 and _key(p) in all_grads:
                known[_key(p)] = all_grads[_key(p)]
        yield step, node.describe(), draw_graph(loss, params=params, highlight=node, known_grads=dict(known),
                                                **draw_options)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
.frame {{ display: none; }} .frame.shown {{ display: block; }}
.frame {{ overflow-x: auto; }} .frame svg {{ max-width: 100%; height: auto; }}
button {{ font-size: 1.1em; padding: 0.3em 1em; margin-right: 0.5em; }}
#caption {{ margin-left: 1em; font-weight: bold; }}
</style></head><body>
<h1>{title}</h1>
<p>Each step runs one op's backward (highlighted). A tensor shows its gradient once every op that
used it has passed its share back; until then it shows <code>grad ?</code>. Arrow keys work too.</p>
<p><button id="previous" onclick="show(current - 1)">&larr; Previous</button><button id="next" onclick="show(current + 1)">Next &rarr;</button><span id="caption"></span></p>
{frames}
<script>
var frames = document.getElementsByClassName("frame");
var current = 0;
function show(k) {{
  if (k < 0 || k >= frames.length) return;
  frames[current].className = "frame";
  current = k;
  frames[current].className = "frame shown";
  document.getElementById("caption").textContent = frames[current].getAttribute("data-caption");
}}
document.addEventListener("keydown", function (e) {{
  if (e.key === "ArrowRight") show(current + 1);
  if (e.key === "ArrowLeft") show(current - 1);
}});
show(0);
</script>
</body></html>
"""


def save_steps(loss, directory, params=None, title="Backpropagation, step by step", rankdir="TB", **draw_options):
    """Write step_000.svg, step_001.svg, ... and index.html into ``directory``; returns the page's path.

    The page lays the graph out top to bottom (``rankdir="TB"``), which fits a browser window
    and keeps the labels readable; pass ``rankdir="LR"`` for left to right.
    """
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    frames = []
    steps = list(backward_steps(loss, params=params, rankdir=rankdir, **draw_options))
    for step, name, graph in steps:
        svg = graph.pipe(format="svg").decode("utf-8")
        (directory / f"step_{step:03d}.svg").write_text(svg)
        body = svg[svg.index("<svg"):]  # drop the XML prolog and doctype to inline it
        caption = f"step {step + 1} of {len(steps)}: backward of {name}"
        frames.append(f'<div class="frame" data-caption="{html.escape(caption)}">{body}</div>')
    page = directory / "index.html"
    page.write_text(_PAGE.format(title=html.escape(title), frames="\n".join(frames)))
    return page

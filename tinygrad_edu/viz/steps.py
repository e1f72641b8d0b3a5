"""Backward, one step at a time: a picture per op, in the order the engine runs them.

Frame k highlights the op whose backward runs at step k and the edges along which it sends
gradients back; a tensor shows its gradient once it is complete -- once every op that used it
has sent its contribution -- and the gradients this step completed are marked. Every frame has
the same layout (a gradient not known yet is there, in the box's colour), so nothing moves
between steps. The gradients are the graph's state after ``backward()``, or computed for the
pictures when no backward has run (``grads="preview"``).

`save_steps` writes the frames as numbered SVG files plus one self-contained ``index.html``
(the SVGs inline, Previous/Next buttons and arrow keys, the active op scrolled into view, no
network) for a classroom.
"""
import pathlib

from .. import files
from ..engine import autograd
from .graph import Step, _key, _walk, draw_graph, preview_gradients, state_gradients, tensor_inputs
from .text import html_text


def backward_steps(loss, params=None, **draw_options):
    """Yield (step, op name, graph) for each op in backward order (one per non-leaf tensor)."""
    order = _walk(loss)
    grads = state_gradients(order)
    if not grads:  # no backward has run: compute them for the pictures
        grads = preview_gradients(loss, order) or {}
    nodes = autograd.topological_order([loss.grad_fn])
    users = {}  # tensor key -> how many recorded uses still have to send a gradient back
    for node in nodes:
        for p in tensor_inputs(node):
            users[_key(p)] = users.get(_key(p), 0) + 1
    known = {_key(loss)} if _key(loss) in grads else set()
    for step, node in enumerate(nodes):
        changed = set()
        for p in tensor_inputs(node):  # this op's backward has sent each input its share
            users[_key(p)] -= 1
            if users[_key(p)] == 0 and _key(p) in grads:
                changed.add(_key(p))
        known |= changed
        frame = Step(grads, set(known), changed)
        yield step, node.describe(), draw_graph(loss, params=params, highlight=node, step=frame, **draw_options)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
.frame {{ display: none; max-height: 78vh; overflow: auto; border: 1px solid #ddd; }}
.frame.shown {{ display: block; }}
#active polygon, #active ellipse {{ stroke-width: 4px; }}
button {{ font-size: 1.1em; padding: 0.3em 1em; margin-right: 0.5em; }}
#caption {{ margin-left: 1em; font-weight: bold; }}
.legend {{ color: #c0392b; }}
</style></head><body>
<h1>{title}</h1>
<p>Each step runs one op's backward (highlighted, with the edges its gradient flows back along).
A tensor shows its gradient once every op that used it has passed its share back;
<span class="legend">&#9654; marks</span> the gradients the step completed. Arrow keys work too.</p>
<p><button id="previous" onclick="show(current - 1)">&larr; Previous</button><button id="next" onclick="show(current + 1)">Next &rarr;</button><span id="caption"></span></p>
{frames}
<script>
var frames = document.getElementsByClassName("frame");
var current = 0;
function show(k) {{
  if (k < 0 || k >= frames.length) return;
  frames[current].className = "frame";
  current = k;
  var frame = frames[current];
  frame.className = "frame shown";
  document.getElementById("caption").textContent = frame.getAttribute("data-caption");
  var active = frame.querySelector("#active");  // the op whose backward runs now: centre it in the frame
  if (active) {{
    var box = active.getBoundingClientRect(), outer = frame.getBoundingClientRect();
    frame.scrollTop += box.top + box.height / 2 - outer.top - frame.clientHeight / 2;
    frame.scrollLeft += box.left + box.width / 2 - outer.left - frame.clientWidth / 2;
  }}
}}
document.addEventListener("keydown", function (e) {{
  if (e.key === "ArrowRight") show(current + 1);
  if (e.key === "ArrowLeft") show(current - 1);
}});
show(0);
</script>
</body></html>
"""


def save_steps(loss, directory, params=None, title="Backpropagation, step by step", **draw_options):
    """Write step_000.svg, step_001.svg, ... and index.html into ``directory``; returns the page's path."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    frames = []
    steps = list(backward_steps(loss, params=params, **draw_options))
    for step, name, graph in steps:
        svg = graph.pipe(format="svg").decode("utf-8")
        files.write_file(directory / f"step_{step:03d}.svg", svg)  # never half a file over the old one
        body = svg[svg.index("<svg"):]  # drop the XML prolog and doctype to inline it
        caption = f"step {step + 1} of {len(steps)}: backward of {name}"
        frames.append(f'<div class="frame" data-caption="{html_text(caption)}">{body}</div>')
    page = directory / "index.html"
    files.write_file(page, _PAGE.format(title=html_text(title), frames="\n".join(frames)))
    return page

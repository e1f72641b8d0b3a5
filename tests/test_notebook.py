"""docs/notebooks/tour.ipynb runs from top to bottom in a Jupyter kernel, and what it shows
displays inline: the graph as SVG, the explorer as HTML, the plots as PNG -- with no
%matplotlib magic. A figure shows once wherever it is made in a cell, as pyplot's do, and a
trace reads as text; a script or the terminal's IPython shows nothing it did not ask for."""
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOUR = ROOT / "docs" / "notebooks" / "tour.ipynb"


@pytest.mark.skipif(shutil.which("dot") is None, reason="the tour draws graphs: Graphviz's dot is needed")
def test_the_tour_notebook_runs_and_shows_svg_html_and_png(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(TOUR, as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = {kind for o in outputs if o.output_type in ("display_data", "execute_result") for kind in o.get("data", {})}
    assert {"image/svg+xml", "text/html", "image/png"} <= kinds
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "Tensor(1.)" in printed  # dL/dw1 of the lecture's neuron (x1 = 2, w1 = -3: 2 * 0.5)


def run_cells(sources, tmp_path):
    """Execute the cells in a fresh Jupyter kernel, as a notebook does; each cell's outputs."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    return [cell.outputs for cell in notebook.cells]


def images(outputs):
    return [o for o in outputs if o.output_type in ("display_data", "execute_result") and "image/png" in o.get("data", {})]


PLOT = "tg.viz.plot_loss([3.0, 2.0, 1.5])"


def test_a_figure_shows_once_wherever_it_is_made_in_a_cell_as_with_pyplot(tmp_path):
    cells = run_cells([
        "import tinygrad_edu as tg",
        f"figure = {PLOT}\nprint('made')",                                   # mid-cell: shown at the end
        PLOT,                                                                # the last line
        f"figure = {PLOT}\nfigure",                                          # a name as the last line
        f"{PLOT};",                                                          # the text hidden by ';'
        f"from IPython.display import display\nfigure = {PLOT}\ndisplay(figure)\nprint('shown')",  # by hand
        f"for lr in (0.1, 0.2):\n    {PLOT}",                                # one per call
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\n" + PLOT,        # next to pyplot's own
        f"{PLOT}\n1 + 1",                                                    # followed by a value
        f"figure = {PLOT}\nfigure.show()",                                   # shown by hand, as from a script
        "x = 2",                                                             # the figures do not come back
    ], tmp_path)
    assert not [o for outputs in cells for o in outputs if o.output_type == "error"]
    assert [len(images(outputs)) for outputs in cells] == [0, 1, 1, 1, 1, 1, 2, 2, 1, 1, 0]
    assert [o.text for o in cells[1] if o.output_type == "stream"] == ["made\n"]
    assert images(cells[2])[0].output_type == "execute_result"  # the cell's value, in its Out[] slot
    assert {o.output_type for o in images(cells[4])} == {"display_data"}


def test_a_trace_or_a_gradient_table_as_the_last_line_shows_as_text(tmp_path):
    cells = run_cells([
        "import tinygrad_edu as tg\nx = tg.tensor(2.0, requires_grad=True, name='x')",
        "tg.trace((x * x).sin(), backward=True)",
        "text = tg.trace(x * 3)\nprint(text)\ntext == str(text), text.splitlines()[0], type(text.splitlines()[0]).__name__",
        "model = tg.nn.Linear(2, 1)\n(model(tg.ones(1, 2)) ** 2).sum().backward()\ntg.viz.grad_stats(model)",
    ], tmp_path)
    import tinygrad_edu as tg

    x = tg.tensor(2.0, requires_grad=True, name="x")
    expected = str(tg.trace((x * x).sin(), backward=True))
    (result,) = [o for o in cells[1] if o.output_type == "execute_result"]
    assert result.data["text/plain"] == expected  # the lines themselves: no quotes, no \n
    assert expected.startswith("forward\n  %0 = x") and "backward: d %2 / d x" in expected
    printed = "".join(o.text for o in cells[2] if o.output_type == "stream")
    assert printed == str(tg.trace(x * 3)) + "\n"
    (value,) = [o for o in cells[2] if o.output_type == "execute_result"]
    assert value.data["text/plain"] == "(True, 'forward', 'str')"
    (table,) = [o for o in cells[3] if o.output_type == "execute_result"]  # the other text view: a table
    assert table.data["text/plain"].startswith("parameter") and "\nweight" in table.data["text/plain"]


SCRIPT = """
import sys
import tinygrad_edu as tg
figure = tg.viz.plot_loss([3.0, 2.0, 1.5])
print("pyplot" if "matplotlib.pyplot" in sys.modules else "no pyplot", "IPython" in sys.modules)
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()  # the terminal's IPython: no kernel, no inline pictures
shell.run_cell("import tinygrad_edu as tg\\nfigure = tg.viz.plot_loss([3.0, 2.0, 1.5])")
from tinygrad_edu.viz.figures import _notebook
print(len(_notebook.pending), _notebook.shell)
"""


def test_a_script_and_the_terminal_ipython_get_no_window_no_pyplot_and_nothing_kept():
    pytest.importorskip("IPython")
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["no", "pyplot", "False", "0", "None"]

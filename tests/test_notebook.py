"""docs/notebooks/tour.ipynb runs from top to bottom in a Jupyter kernel, and what it shows
displays inline: the graph as SVG, the explorer as HTML, the plots as PNG -- with no
%matplotlib magic."""
import pathlib
import shutil

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

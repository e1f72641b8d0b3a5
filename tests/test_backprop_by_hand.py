"""docs/backprop_by_hand.md (issue 19): with the right formulas every hand-written gradient
agrees with autograd (exactly, or within 1e-10); with one wrong line the check names the
tensor; the notebook is the page, and it runs in a Jupyter kernel."""
import contextlib
import io
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_edu as tg

from .test_docs import blocks

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "backprop_by_hand.md"
TANH_LINE = "dhpreact = (1.0 - h.data ** 2) * dh"


def run_page(replace=None):
    """Run the page's Python blocks in one namespace (``replace``: (old line, new line)); return
    the namespace and everything printed."""
    namespace, printed = {"__name__": "backprop_by_hand"}, io.StringIO()
    for kind, body in blocks(PAGE):
        if kind != "python":
            continue
        if replace:
            body = body.replace(*replace)
        with contextlib.redirect_stdout(printed):
            exec(compile(body, str(PAGE), "exec"), namespace)
    return namespace, printed.getvalue()


def checks(printed):
    return [line for line in printed.splitlines() if "| exact:" in line]


def test_every_hand_written_gradient_agrees_within_1e_10():
    namespace, printed = run_page()
    lines = [line for line in checks(printed) if "(fast)" not in line]
    assert len(lines) == 27  # 26 intermediates and parameters, and the deliberate mistake
    wrong = [line for line in lines if "WRONG" in line]
    assert [line.split()[0] for line in wrong] == ["hpreact"]  # the page's own deliberate mistake
    for line in lines:
        if "WRONG" not in line:  # a number, or "< 1e-15" when the difference is rounding
            assert float(line.rsplit("max difference:", 1)[1].replace("<", "")) <= 1e-10, line
    # and the verdict object agrees with the printed line
    assert tg.comparison("C", namespace["dC"], namespace["C"])


def test_a_wrong_line_is_caught_and_named():
    _, printed = run_page(replace=(TANH_LINE, "dhpreact = (1.0 - h.data) * dh  # a mistake"))
    first_wrong = next(line for line in checks(printed) if "WRONG" in line)
    assert first_wrong.startswith("hpreact ") and "not the gradient of hpreact" in first_wrong


def test_the_page_keeps_its_tanh_line():
    assert TANH_LINE in PAGE.read_text()  # the test above breaks exactly this line


def test_comparison_refuses_a_shape_mismatch_and_a_missing_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.raises(ValueError, match="compare: 'y' has no gradient from autograd to compare with"):
        tg.comparison("y", np.ones(2), y)
    y.sum().backward()
    verdict = tg.comparison("y", np.ones(3), y)
    assert not verdict and "shape (3,), but y's gradient has shape (2,)" in str(verdict)
    with pytest.raises(TypeError, match="compare: the third argument must be the Tensor"):
        tg.comparison("y", np.ones(2), np.ones(2))


def test_comparison_refuses_what_is_not_a_gradient_array_and_a_missing_name():
    x = tg.tensor(2.0, requires_grad=True)
    loss = x * x
    loss.backward()
    for bad in (None, "dx", [[1.0], [1.0, 2.0]]):
        with pytest.raises(TypeError, match="compare: 'x': the hand-written gradient must be an array of numbers"):
            tg.comparison("x", bad, x)
    with pytest.raises(TypeError, match="compare: the first argument is the name to print"):
        tg.comparison(np.ones(()), 4.0, x)


def test_an_infinite_or_nan_gradient_must_be_matched_exactly():
    a = tg.tensor([0.0, 1.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        a.sqrt().sum().backward()  # d sqrt(a)/da = [inf, 0.5]
    assert tg.comparison("a", [np.inf, 0.5], a).exact
    for wrong in ([-5.0, 0.5], [-np.inf, 0.5], [np.nan, 0.5], [1e308, 0.5]):
        verdict = tg.comparison("a", wrong, a)
        assert not verdict and verdict.max_difference == np.inf and "WRONG" in str(verdict), wrong
    b = tg.tensor([-1.0, 4.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        b.sqrt().sum().backward()  # [nan, 0.25]
    assert tg.comparison("b", [np.nan, 0.25], b).exact and not tg.comparison("b", [0.0, 0.25], b)


def test_the_tolerance_follows_the_dtype():
    logits = tg.tensor(np.random.default_rng(1).standard_normal((32, 27)).astype(np.float32) * 3, requires_grad=True)
    labels = np.random.default_rng(2).integers(0, 27, 32)
    tg.nn.functional.cross_entropy(logits, labels).backward()
    z = logits.data.astype(np.float64)
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(32), labels] -= 1
    verdict = tg.comparison("logits", p / 32, logits)  # float64 by hand vs float32 rounding: right
    assert verdict and not verdict.exact and verdict.max_difference < 1e-7
    assert not tg.comparison("logits", p / 32 + 1e-4, logits)  # a real error in float32 still fails
    assert not tg.comparison("logits", p / 32, logits, rtol=0, atol=1e-12)


def ulps_away(array, k):
    """``array`` moved k units in the last place up (its own dtype)."""
    for _ in range(k):
        array = np.nextafter(array, np.array(np.inf, array.dtype))
    return array


@pytest.mark.parametrize("values, float64_bound, float32_bound", [
    ([0.01, -0.3, 0.49], "1e-15", "1e-6"),   # gradients up to about 1
    ([0.3, 1.0, 2.0], "1e-14", "1e-5"),      # up to 4: the last bits are larger
    ([-150.0, 3.0], "1e-12", "1e-3"),        # up to 300
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_difference_in_the_last_bits_prints_as_a_bound_not_as_machine_noise(dtype, values, float64_bound,
                                                                               float32_bound):
    x = tg.tensor(np.array(values, dtype), requires_grad=True)
    (x * x).sum().backward()
    right = 2 * x.data
    bound = float64_bound if dtype == np.float64 else float32_bound
    for k in (1, 2, 4):  # units in the last place of every entry
        verdict = tg.comparison("x", ulps_away(right, k), x)
        assert verdict and not verdict.exact and 0 < verdict.max_difference, (dtype, k)
        assert str(verdict).endswith(f"max difference: < {bound}"), str(verdict)
    assert str(tg.comparison("x", right, x)).endswith("max difference: 0")
    bigger = tg.comparison("x", right + 20 * float(bound), x, atol=1.0)  # approximate, but more than rounding
    assert bigger and str(bigger).endswith(f"max difference: {bigger.max_difference:.3g}")


def test_a_wrong_verdict_shows_its_number_and_small_differences_show_theirs():
    # above the last bits the number itself is printed
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert str(tg.comparison("x", 2 * x.data + 1e-13, x)).endswith("max difference: 1e-13")
    # and a wrong verdict always shows its number, however small, for the learner to see
    wrong = tg.comparison("x", ulps_away(2 * x.data, 1), x, rtol=0, atol=0)
    assert not wrong and f"max difference: {wrong.max_difference:.3g}  WRONG" in str(wrong)


def test_the_notebook_is_the_page_and_runs(tmp_path):
    script = ROOT / "scripts" / "make_notebooks.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(ROOT / "docs" / "notebooks" / "backprop_by_hand.ipynb", as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "C               | exact:" in printed and "WRONG: these are not the gradient of hpreact" in printed

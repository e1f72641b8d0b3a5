"""Every Python code block in README.md and docs/*.md runs, in order, one namespace per file.

A block whose first line is ``# no-test`` is skipped (for shell sessions shown as Python).
When a block is followed by an ``output`` block, what the code prints must equal it.
"""
import contextlib
import io
import pathlib
import re

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
BLOCK = re.compile(r"```(python|output)\n(.*?)```", re.S)


def blocks(path):
    return [(kind, body) for kind, body in BLOCK.findall(path.read_text())]


def run_and_compare(path):
    """Run the file's blocks in one namespace; each output block must equal what its code printed."""
    namespace = {"__name__": f"docs_{path.stem}"}
    found = blocks(path)
    for i, (kind, body) in enumerate(found):
        if kind != "python" or body.startswith("# no-test"):
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(body, f"{path.name}[block {i}]", "exec"), namespace)
        if i + 1 < len(found) and found[i + 1][0] == "output":
            assert printed.getvalue().strip() == found[i + 1][1].strip(), f"{path.name} block {i}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_code_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files the docs write land in a scratch folder
    run_and_compare(path)


def nudged(draw):
    """``draw`` (a NumPy random function) with each float it returns moved by one unit in the
    last place, up, down or not at all -- chosen from the number's own bits, so reseeding gives
    the same numbers again."""
    def draw_nudged(*args, **kwargs):
        out = draw(*args, **kwargs)
        array = np.asarray(out)
        if array.dtype != np.float64:
            return out
        bits = np.ascontiguousarray(array).view(np.uint64)
        step = (bits * np.uint64(0x9E3779B97F4A7C15) >> np.uint64(61)).astype(np.int64) % 3 - 1
        moved = np.where(step > 0, np.nextafter(array, np.inf), np.where(step < 0, np.nextafter(array, -np.inf), array))
        return moved if isinstance(out, np.ndarray) else float(moved)
    return draw_nudged


RANDOM_FLOATS = ["randn", "rand", "random", "random_sample", "uniform", "normal", "standard_normal"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_printed_outputs_do_not_depend_on_the_last_bits_of_a_float(path, tmp_path, monkeypatch):
    """Another machine's BLAS or CPU rounds the last bits differently; what the docs print must
    not change with them. Moving every random number (weights, data) by one unit in the last
    place stands in for that machine: the printed outputs must stay the same."""
    monkeypatch.chdir(tmp_path)
    for name in RANDOM_FLOATS:
        monkeypatch.setattr(np.random, name, nudged(getattr(np.random, name)))
    run_and_compare(path)


def test_docstring_examples_do_not_depend_on_the_last_bits_of_a_float(tmp_path, monkeypatch):
    """The same for every example in the package's docstrings (pytest runs them as doctests)."""
    import doctest
    import importlib
    import pkgutil

    import tinygrad_edu

    monkeypatch.chdir(tmp_path)
    for name in RANDOM_FLOATS:
        monkeypatch.setattr(np.random, name, nudged(getattr(np.random, name)))
    runner, finder, failed = doctest.DocTestRunner(verbose=False), doctest.DocTestFinder(), []
    for module in pkgutil.walk_packages(tinygrad_edu.__path__, "tinygrad_edu."):
        if module.name.endswith("__main__"):  # runs the command line on import
            continue
        for test in finder.find(importlib.import_module(module.name)):
            printed = io.StringIO()
            if runner.run(test, out=printed.write).failed:
                failed.append(printed.getvalue())
    assert runner.tries > 100 and not failed, "\n".join(failed)


def test_the_nudge_moves_most_numbers_by_one_unit_in_the_last_place():
    def draw(size):
        return np.random.default_rng(0).standard_normal(size)

    original, moved = draw(1000), nudged(draw)(1000)
    steps = np.round((moved - original) / np.spacing(np.abs(original)))
    assert set(np.unique(steps)) == {-1.0, 0.0, 1.0} and np.mean(steps != 0) > 0.5
    assert np.array_equal(nudged(draw)(1000), moved)  # the same draw, the same nudge


def test_api_reference_is_current_and_complete():
    """docs/api.md is what scripts/make_api_docs.py writes, and every public name is described."""
    import subprocess
    import sys

    script = ROOT / "scripts" / "make_api_docs.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = (ROOT / "docs" / "api.md").read_text()
    assert "*(no description)*" not in text
    import tinygrad_edu as tg

    import inspect

    for name in tg.__all__:
        is_module = inspect.ismodule(getattr(tg, name))
        assert (f"## `tg.{name}`" if is_module else f"`tg.{name}") in text, name


def test_derivatives_table_is_current():
    """docs/derivatives.md is what scripts/make_api_docs.py writes from the ops, row for row."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_api_docs", ROOT / "scripts" / "make_api_docs.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert (ROOT / "docs" / "derivatives.md").read_text() == script.render_derivatives()
    import tinygrad_edu as tg

    text = (ROOT / "docs" / "derivatives.md").read_text()
    for class_name, op in tg.ops.OPS.items():
        assert f"| `{class_name}` (`{op.name}`) |" in text, class_name
    assert "(derivatives.md)" in (ROOT / "docs" / "index.md").read_text()
    assert "(derivatives.md)" in (ROOT / "docs" / "autograd.md").read_text()


LINK = re.compile(r"\]\(([^)#\s]+)")


def test_links_stay_inside_the_repository_and_resolve():
    """Relative links of README.md and docs/ point at files of this repository, never outside it."""
    for path in [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md")):
        for target in LINK.findall(path.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            resolved = (path.parent / target).resolve()
            assert resolved.is_relative_to(ROOT.resolve()), f"{path.name} links outside the repository: {target}"
            assert resolved.exists(), f"{path.name} links to a missing file: {target}"
        assert "shared/seeds" not in path.read_text(), path.name

"""Every Python code block in README.md and docs/*.md runs, in order, one namespace per file.

A block whose first line is ``# no-test`` is skipped (for shell sessions shown as Python).
When a block is followed by an ``output`` block, what the code prints must equal it.
"""
import contextlib
import io
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
BLOCK = re.compile(r"```(python|output)\n(.*?)```", re.S)


def blocks(path):
    return [(kind, body) for kind, body in BLOCK.findall(path.read_text())]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_code_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files the docs write land in a scratch folder
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

"""Write docs/notebooks/backprop_by_hand.ipynb from docs/backprop_by_hand.md: the page is the
one source; the notebook has its prose as Markdown cells and its Python blocks as code cells
(the ``output`` blocks are what the cells print, so they are left for the kernel to produce).

    python scripts/make_notebooks.py          # rewrite the notebook
    python scripts/make_notebooks.py --check  # exit 1 if it is out of date (the tests do this)
"""
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = {ROOT / "docs" / "backprop_by_hand.md": ROOT / "docs" / "notebooks" / "backprop_by_hand.ipynb"}
PIECE = re.compile(r"```(python|output)\n(.*?)```\n?", re.S)


def notebook(page):
    text = page.read_text().replace("(notebooks/backprop_by_hand.ipynb)", "(backprop_by_hand.ipynb)")
    text = text.replace("](../examples/", "](../../examples/")
    cells, position = [], 0
    for match in PIECE.finditer(text):
        prose = text[position : match.start()].strip()
        if prose:
            cells.append(nbformat.v4.new_markdown_cell(prose))
        if match.group(1) == "python":
            cells.append(nbformat.v4.new_code_cell(match.group(2).rstrip()))
        position = match.end()
    if text[position:].strip():
        cells.append(nbformat.v4.new_markdown_cell(text[position:].strip()))
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, cell in enumerate(book.cells):  # stable ids, so the file only changes when the page does
        cell["id"] = f"cell-{i}"
    return nbformat.writes(book) + "\n"


def main(argv):
    stale = []
    for page, target in PAGES.items():
        content = notebook(page)
        if "--check" in argv:
            if not target.exists() or target.read_text() != content:
                stale.append(target)
        else:
            target.write_text(content)
            print(f"wrote {target}")
    if stale:
        print(f"out of date: {', '.join(map(str, stale))}: run python scripts/make_notebooks.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

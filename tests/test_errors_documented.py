"""docs/errors.md covers every error the package raises: each raise's message (its literal
text, up to the first value filled in at run time) must appear on the page."""
import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "errors.md").read_text()
# raises that are not messages for users: re-raised errors and abstract methods; and helpers
# that build a message around a fragment (hook_change_refused("'g *= 2'")), whose full message is
# on the page from the helper's own text
EXEMPT = {"NotImplementedError", "hook_change_refused"}


def literal_start(node):
    """The message's first literal words: a string, or an f-string up to its first {...}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += part.value
            else:
                break
        return text
    if isinstance(node, ast.BinOp):  # "..." + something
        return literal_start(node.left)
    return ""


def messages():
    found = []
    for path in sorted((ROOT / "tinygrad_edu").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            name = getattr(node.exc.func, "id", getattr(node.exc.func, "attr", ""))
            if name in EXEMPT:
                continue
            text = literal_start(node.exc.args[0]).strip()
            words = re.sub(r"\s+", " ", text)
            if len(words) >= 12:  # long enough to recognise
                found.append((path.relative_to(ROOT), node.lineno, words[:40].rstrip()))
    return found


def normalise(text):
    return re.sub(r"\s+", " ", text.replace("`", "").replace("\\|", "|"))


def test_every_raise_is_on_the_errors_page():
    page = normalise(PAGE)
    missing = [f"{path}:{line}: {text!r}" for path, line, text in messages() if normalise(text) not in page]
    assert not missing, "docs/errors.md lacks:\n" + "\n".join(missing)

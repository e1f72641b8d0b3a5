r"""User-given text (tensor names, module paths, titles) as the pictures and pages show it.

A name is any string the user typed: it may hold markup (``<img onerror=...>``), quotes,
backslashes, template-looking words (``{data}``) or control characters. Each output escapes it
for its own syntax -- HTML, a Graphviz label, JSON inside a script -- and first makes it
*printable*: a control character cannot be written in an HTML label (Graphviz refuses the
whole graph) and would break a trace's lines, so it is shown the way ``repr`` writes it.

>>> print(printable("loss\n"), printable("a\x01b"))
loss\n a\x01b
>>> print(dot_text('a "quoted" name ending in \\'))
a \"quoted\" name ending in \\
"""
import html

import graphviz


def printable(text) -> str:
    """``text`` (any object: ``str()`` of it) with every character that does not print --
    control characters, line breaks, unpaired surrogates, separators other than the space --
    written as its escape (``\\n``, ``\\x01``, ``\\u2028``)."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def html_text(text) -> str:
    """``text`` as HTML (or XML) character data or an attribute value: printable, then escaped."""
    return html.escape(printable(text), quote=True)


def dot_text(text) -> str:
    """``text`` inside a Graphviz label in double quotes: printable, with backslashes and quotes
    escaped (a trailing backslash would otherwise swallow the closing quote, and ``\\l`` or
    ``\\N`` would be read as Graphviz's own escapes). Join lines with ``"\\\\n"`` *after* this."""
    return printable(text).replace("\\", "\\\\").replace('"', '\\"')


def dot_label(*lines) -> str:
    """A plain (not HTML) Graphviz label of ``lines``, each escaped, one per line. Marked so
    that the graphviz package quotes it even when it looks like markup (``<b>x</b>``)."""
    return graphviz.nohtml("\\n".join(dot_text(line) for line in lines))


def plot_text(text) -> str:
    """``text`` as a matplotlib label that is shown as written: printable, with ``$`` escaped
    (matplotlib reads the text between two dollars as TeX math, and fails on bad math)."""
    return printable(text).replace("$", "\\$")

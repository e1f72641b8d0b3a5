"""FANN's plain-text training-data format (``.data``), read and written.

The first line holds three integers: the number of pairs, of inputs and of outputs. Then come
the pairs, each as one line of inputs followed by one line of outputs::

    4 2 1
    -1 -1
    -1
    -1 1
    -1

Whitespace is free (FANN itself reads numbers with ``fscanf``), so numbers may be spread over
lines in any way as long as their count is right; we keep the line structure when writing.
"""
import numpy as np


class FannFormatError(ValueError):
    """A malformed .data file; the message gives the file and line."""


def read_fann(path):
    """Return (inputs, outputs) as float arrays of shapes (pairs, n_in) and (pairs, n_out)."""
    with open(path) as f:
        text = f.read()
    tokens = []  # (value text, line number)
    for number, line in enumerate(text.splitlines(), start=1):
        tokens.extend((word, number) for word in line.split())
    if len(tokens) < 3:
        raise FannFormatError(f"{path}: line 1: expected a header 'pairs inputs outputs' (three integers)")
    header = []
    for word, line in tokens[:3]:
        try:
            header.append(int(word))
        except ValueError:
            raise FannFormatError(f"{path}: line {line}: header value {word!r} is not an integer") from None
    pairs, n_in, n_out = header
    if pairs < 0 or n_in <= 0 or n_out <= 0:
        raise FannFormatError(f"{path}: line 1: header {pairs} {n_in} {n_out} must be a pair count and positive input/output counts")
    body = tokens[3:]
    expected = pairs * (n_in + n_out)
    if len(body) != expected:
        where = body[-1][1] if body else tokens[2][1]
        raise FannFormatError(
            f"{path}: line {where}: the header promises {pairs} pairs of {n_in} inputs and {n_out} "
            f"outputs ({expected} numbers), but the file has {len(body)}"
        )
    values = np.empty(expected)
    for i, (word, line) in enumerate(body):
        try:
            values[i] = float(word)
        except ValueError:
            raise FannFormatError(f"{path}: line {line}: {word!r} is not a number") from None
    rows = values.reshape(pairs, n_in + n_out)
    return rows[:, :n_in].copy(), rows[:, n_in:].copy()


def write_fann(path, inputs, outputs):
    """Write pairs in FANN's format (numbers with repr precision, so a round trip is exact)."""
    inputs, outputs = np.atleast_2d(np.asarray(inputs, float)), np.atleast_2d(np.asarray(outputs, float))
    if inputs.shape[0] != outputs.shape[0]:
        raise ValueError(f"write_fann: {inputs.shape[0]} input rows but {outputs.shape[0]} output rows")
    lines = [f"{inputs.shape[0]} {inputs.shape[1]} {outputs.shape[1]}"]
    for x, y in zip(inputs, outputs):
        lines.append(" ".join(_number(v) for v in x))
        lines.append(" ".join(_number(v) for v in y))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def _number(v):
    return str(int(v)) if float(v).is_integer() else repr(float(v))

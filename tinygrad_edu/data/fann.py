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
import io
import itertools
import os

import numpy as np

from .. import files

MAX_COUNT = 2**32 - 1  # FANN keeps its counts in unsigned ints


class FannFormatError(ValueError):
    """A malformed .data file; the message gives the file and line."""


def read_fann(path):
    """Return (inputs, outputs) as float arrays of shapes (pairs, n_in) and (pairs, n_out).

    The file is read a line at a time into one array of the size the header promises, after
    checking that the file is long enough to hold that many numbers (each needs at least a
    character and a separator): memory stays near 8 bytes per number, whatever the file says.
    """
    try:
        with io.TextIOWrapper(files.open_regular(path, "read_fann"), encoding="utf-8") as f:
            size = os.fstat(f.fileno()).st_size
            tokens = _tokens(f)
            header = []
            for word, line in itertools.islice(tokens, 3):
                try:
                    header.append(int(word))
                except ValueError:
                    raise FannFormatError(f"{path}: line {line}: header value {word!r} is not an integer") from None
            if len(header) < 3:
                raise FannFormatError(f"{path}: line 1: expected a header 'pairs inputs outputs' (three integers)")
            pairs, n_in, n_out = header
            if pairs < 0 or n_in <= 0 or n_out <= 0:
                raise FannFormatError(f"{path}: line 1: header {pairs} {n_in} {n_out} must be a pair count and positive input/output counts")
            if max(header) > MAX_COUNT:
                raise FannFormatError(f"{path}: line 1: header value {max(header)} is larger than FANN's counts can be "
                                      f"({MAX_COUNT})")
            expected = pairs * (n_in + n_out)
            if expected > size // 2 + 1:
                raise FannFormatError(
                    f"{path}: line 1: the header promises {pairs} pairs of {n_in} inputs and {n_out} outputs "
                    f"({expected} numbers), more than a file of {size} bytes can hold"
                )
            # filled in place, one number at a time: no list of words, no second copy
            inputs, outputs, width, count = np.empty((pairs, n_in)), np.empty((pairs, n_out)), n_in + n_out, 0
            for word, line in tokens:
                if count < expected:
                    row, column = divmod(count, width)
                    try:
                        value = float(word)
                    except ValueError:
                        raise FannFormatError(f"{path}: line {line}: {word!r} is not a number") from None
                    if column < n_in:
                        inputs[row, column] = value
                    else:
                        outputs[row, column - n_in] = value
                count += 1
    except UnicodeDecodeError:
        raise FannFormatError(f"{path}: not a text file (FANN's .data format is plain text)") from None
    if count != expected:
        raise FannFormatError(
            f"{path}: line {line}: the header promises {pairs} pairs of {n_in} inputs and {n_out} "
            f"outputs ({expected} numbers), but the file has {count}"
        )
    return inputs, outputs


def _tokens(lines):
    """(word, line number) for every whitespace-separated word, one line in memory at a time."""
    for number, line in enumerate(lines, start=1):
        for word in line.split():
            yield word, number


def write_fann(path, inputs, outputs):
    """Write pairs in FANN's format (numbers with repr precision, so a round trip is exact)."""
    inputs, outputs = np.atleast_2d(np.asarray(inputs, float)), np.atleast_2d(np.asarray(outputs, float))
    if inputs.shape[0] != outputs.shape[0]:
        raise ValueError(f"write_fann: {inputs.shape[0]} input rows but {outputs.shape[0]} output rows")
    lines = [f"{inputs.shape[0]} {inputs.shape[1]} {outputs.shape[1]}"]
    for x, y in zip(inputs, outputs):
        lines.append(" ".join(_number(v) for v in x))
        lines.append(" ".join(_number(v) for v in y))
    files.write_file(path, "\n".join(lines) + "\n")


def _number(v):
    return str(int(v)) if float(v).is_integer() else repr(float(v))

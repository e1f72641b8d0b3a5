"""Formulas typed by a person (``sin(x)**2 + x*y``, ``exp(-x^2)``), built on Tensors.

The text is parsed with Python's ``ast`` and walked node by node against a whitelist of
operators, functions and constants; anything else -- attribute access, subscripts, calls
of unknown names, keywords, lambdas -- is refused with a one-line `FormulaError`. Nothing is
ever evaluated by Python itself. ``^`` means a power, as people write it.

>>> import tinygrad_edu as tg
>>> f = tg.expr.Formula("x^2 + sin(y)")
>>> f.variables
('x', 'y')
>>> f(x=tg.tensor(3.0), y=tg.tensor(0.0)).item()
9.0
"""
import ast
import math
import re

import numpy as np

from .engine import ops
from .engine.tensor import Tensor, as_tensor

__all__ = ["Formula", "FormulaError", "constant"]


class FormulaError(ValueError):
    """The formula is not one we can build: the message says what and where."""


def _op_functions(count):
    """The formula names the ops declare (``formula_functions = ("log", "ln")``), for the ops
    of ``count`` inputs: name -> a function of Tensors that applies the op."""
    return {name: op.apply for name, op in ops.declared("formula_functions").items() if ops.arity(op) == count}


FUNCTIONS = {**_op_functions(1), "sqrt": lambda t: t.sqrt()}  # sqrt is x ** 0.5, no op of its own
TWO_ARGUMENT_FUNCTIONS = _op_functions(2)  # max(a, b), atan2(y, x): the angle of (x, y)
CONSTANTS = {"pi": math.pi, "π": math.pi, "e": math.e}
BINARY = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a**b,
}
UNARY = {ast.USub: lambda a: -a, ast.UAdd: lambda a: a}


MAX_DEPTH = 200  # the checks and the building below recurse once per level


def _check_depth(tree):
    """Refuse formulas nested deeper than MAX_DEPTH, measured without recursion (a sum of n
    terms, or n unary minuses, is n levels deep), so no formula can exhaust Python's stack."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FormulaError(
                f"the formula is nested more than {MAX_DEPTH} levels deep (each operator and call adds a "
                "level, so a sum of many terms counts one level per term); split it into parts"
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _where(node):
    return f" (at column {node.col_offset + 1})" if hasattr(node, "col_offset") else ""


class Formula:
    """A parsed formula: ``.variables`` lists its free names; calling it builds it on Tensors."""

    def __init__(self, text):
        if not isinstance(text, str) or not text.strip():
            raise FormulaError("the formula is empty")
        if len(text) > 2000:
            raise FormulaError("the formula is longer than 2,000 characters")
        self.text = text
        try:
            # '^' is a power, as people write it. It must become '**' before parsing: Python's own
            # '^' (xor) binds more loosely than '-' and '+', so '-x^2' would mean (-x)^2.
            tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
        except SyntaxError as error:
            hint = ""
            implicit = re.search(r"(\d)\s*([A-Za-z_]\w*|\()", text)  # 2x, 2pi, 2(x+1)
            if implicit and not re.search(r"\d[eE][+-]?\d", implicit.group(0) + text[implicit.end():implicit.end() + 2]):
                hint = f"; multiplication needs *: write {implicit.group(1)}*{implicit.group(2)}, not {implicit.group(0)}"
            where = _column(text.strip(), error.offset)
            raise FormulaError(f"syntax error in {text.strip()!r}{where}: {error.msg}{hint}") from None
        self.tree = tree.body
        _check_depth(self.tree)
        names = []
        self._check(self.tree, names)
        self.variables = tuple(sorted(set(names)))

    def _check(self, node, names):
        """Refuse everything outside the whitelist before anything is built."""
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise FormulaError(f"only numbers may appear as constants, not {node.value!r}{_where(node)}")
            try:
                finite = math.isfinite(float(node.value))
            except OverflowError:  # an integer literal of hundreds of digits
                finite = False
            if not finite:
                raise FormulaError(f"the number {str(node.value)[:20]}... is too large for a float{_where(node)}"
                                   if isinstance(node.value, int) else f"the number {node.value} is not finite{_where(node)}")
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS or node.id in TWO_ARGUMENT_FUNCTIONS:
                raise FormulaError(f"'{node.id}' is a function: call it, as in {node.id}(x){_where(node)}")
            if node.id not in CONSTANTS:
                if node.id.startswith("_"):
                    raise FormulaError(f"names may not start with an underscore: '{node.id}'{_where(node)}")
                names.append(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in BINARY:
                raise FormulaError(f"the operator {type(node.op).__name__} is not allowed{_where(node)}; use + - * / ** ^")
            self._check(node.left, names)
            self._check(node.right, names)
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in UNARY:
                raise FormulaError(f"the operator {type(node.op).__name__} is not allowed{_where(node)}")
            self._check(node.operand, names)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise FormulaError(f"only plain function names can be called, like sin(x){_where(node)}")
            name = node.func.id
            if node.keywords:
                raise FormulaError(f"{name}() takes no keyword arguments{_where(node)}")
            if name in FUNCTIONS:
                expected = 1
            elif name in TWO_ARGUMENT_FUNCTIONS:
                expected = 2
            else:
                known = ", ".join(sorted(FUNCTIONS) + sorted(TWO_ARGUMENT_FUNCTIONS))
                raise FormulaError(f"unknown function '{name}'{_where(node)}; the functions are {known}")
            if len(node.args) != expected:
                raise FormulaError(f"{name}() takes {expected} argument{'s' * (expected > 1)}, got {len(node.args)}{_where(node)}")
            for arg in node.args:
                self._check(arg, names)
        elif isinstance(node, ast.Attribute):
            raise FormulaError(f"attribute access ('.{node.attr}') is not allowed{_where(node)}")
        else:
            raise FormulaError(f"{type(node).__name__} is not allowed in a formula{_where(node)}")

    def __call__(self, **values):
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise FormulaError(f"no value given for {', '.join(missing)}; pass --at {missing[0]}=...")
        return self._build(self.tree, {k: as_tensor(v) for k, v in values.items()})

    def _build(self, node, values):
        if isinstance(node, ast.Constant):
            return Tensor(float(node.value))
        if isinstance(node, ast.Name):
            return Tensor(CONSTANTS[node.id]) if node.id in CONSTANTS else values[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and number_literal(node.right) is not None:
            # x^3: a power by a number is one op whose backward reads 3·x^2 in a trace (a Tensor
            # exponent would also differentiate by the exponent, with guards for 0^0 and a < 0)
            return self._build(node.left, values) ** number_literal(node.right)
        if isinstance(node, ast.BinOp):
            return BINARY[type(node.op)](self._build(node.left, values), self._build(node.right, values))
        if isinstance(node, ast.UnaryOp):
            return UNARY[type(node.op)](self._build(node.operand, values))
        args = [self._build(a, values) for a in node.args]  # a whitelisted call (checked above)
        table = FUNCTIONS if node.func.id in FUNCTIONS else TWO_ARGUMENT_FUNCTIONS
        return table[node.func.id](*args)

    def __repr__(self):
        return f"Formula({self.text!r})"


def constant(text):
    """The value of a formula without variables -- ``pi/4``, ``2*pi``, ``-e``, ``sqrt(2)`` -- as a
    float, read with the same whitelist as any formula (nothing is evaluated by Python).

    >>> constant("pi/4") == math.pi / 4, constant("-2*e") == -2 * math.e
    (True, True)
    """
    formula = Formula(text)
    if formula.variables:
        raise FormulaError(f"a number may use only numbers, pi, e, the operators and the functions; "
                           f"{', '.join(formula.variables)} is not one of them")
    with np.errstate(all="ignore"):  # 1/0 is inf, as float("inf") would be: the caller decides
        return float(formula().data)


def number_literal(node):
    """The value of a number literal (``3``, ``-0.5``) in the tree, else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = number_literal(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    return float(node.value) if isinstance(node, ast.Constant) else None


def _column(text, offset):
    """Where Python's parser stopped, as a column of what the user typed: the parser read '^' as
    '**' (one column more each) and reports 0 when the formula ended too soon."""
    if offset is None:  # no position: the message says what is wrong (e.g. a null byte)
        return ""
    translated = 0
    for column, char in enumerate(text, start=1):
        translated += 2 if char == "^" else 1
        if offset and translated >= offset:
            return f" at column {column}"
    return " at the end (something is missing)"

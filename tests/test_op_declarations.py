"""One declaration per op: every table that makes an op reachable is generated from the op
classes, and an op that is missing from any of them -- or from the op table's rows -- fails here.

The generated tables: ``ops.__all__`` / ``ops.OPS``, NumPy's dispatch (numpy_protocol.UFUNCS),
the ``tg.*`` free functions (numpy_api), the formula grammar (expr.FUNCTIONS and
TWO_ARGUMENT_FUNCTIONS) and docs/derivatives.md (tests/test_docs.py).
"""
import collections
import inspect
import pathlib
import re
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu import expr, numpy_api, ops
from tinygrad_edu.engine import numpy_protocol
from tinygrad_edu.engine.function import Function
from tinygrad_edu.engine.tensor_math import TensorMath

from .op_table import OPS as ROWS

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIFFERENTIABLE = [op for op in ops.OPS.values() if op.differentiable]


def ops_in_graph(*outputs):
    """The op classes of every node that computed ``outputs``."""
    found = set()
    for out in outputs:
        if isinstance(out, tg.Tensor) and out.grad_fn is not None:
            found.update(type(node) for node in tg.autograd.topological_order([out.grad_fn]))
    return found


# -- ops.__all__ ------------------------------------------------------------------------------
def test_every_op_class_of_the_ops_modules_is_in_ops_all():
    for module in ops.MODULES:
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Function) and value.__module__ == module.__name__:
                if not name.startswith("_"):
                    assert name in ops.__all__ and getattr(ops, name) is value, name
    assert ops.__all__ == list(ops.OPS)
    assert set(ops.__all__) <= set(dir(tg.ops))


def test_every_module_of_the_ops_package_is_read():
    files = {p.stem for p in (ROOT / "tinygrad_edu" / "engine" / "ops").glob("*.py")} - {"__init__", "adjoint_helpers"}
    assert files == {m.__name__.rsplit(".", 1)[1] for m in ops.MODULES}


def test_no_name_is_declared_by_two_ops():
    for attribute in ("numpy_ufuncs", "tg_functions", "formula_functions"):
        names = collections.Counter(n for op in ops.OPS.values() for n in vars(op).get(attribute, ()))
        assert [n for n, count in names.items() if count > 1] == [], attribute


# -- NumPy's dispatch -------------------------------------------------------------------------
UFUNC_CASES = [(name, op) for name, op in ops.declared("numpy_ufuncs").items()]


@pytest.mark.parametrize("name, op", UFUNC_CASES, ids=[n for n, _ in UFUNC_CASES])
def test_every_declared_ufunc_records_its_op(name, op):
    ufunc = getattr(np, name)
    assert isinstance(ufunc, np.ufunc) and ufunc in numpy_protocol.UFUNCS
    x = tg.tensor([0.25, 0.5], requires_grad=True)
    args = [x] * ufunc.nin if ops.arity(op) != 2 else [x, tg.tensor([1.5, 0.75], requires_grad=True)]
    out = ufunc(*args)
    assert type(out.grad_fn) is op, f"np.{name} recorded {type(out.grad_fn).__name__}, not {op.__name__}"


def test_every_ufunc_the_dispatch_answers_is_an_op_or_listed_as_a_composition():
    declared = {getattr(np, n) for n in ops.declared("numpy_ufuncs")}
    compositions = {np.power, np.positive, np.sqrt, np.square, np.logaddexp}
    assert set(numpy_protocol.UFUNCS) == declared | compositions


# -- the tg.* free functions ------------------------------------------------------------------
EXTRA_ARGUMENTS = {  # what the free functions that need more than the tensor get here
    "clip": (0.0, 0.4), "reshape": ((-1,),), "broadcast_to": ((3, 2),),
    "matmul": (np.ones((2, 2)),), "maximum": (0.3,), "minimum": (0.3,), "arctan2": (1.5,), "atan2": (1.5,),
}
FUNCTION_CASES = list(ops.declared("tg_functions").items())


@pytest.mark.parametrize("name, op", FUNCTION_CASES, ids=[n for n, _ in FUNCTION_CASES])
def test_every_declared_free_function_exists_and_records_its_op(name, op):
    assert name in numpy_api.__all__ and name in tg.__all__
    assert hasattr(TensorMath, name) or hasattr(tg.Tensor, name), f"tg.{name} needs the Tensor method {name}"
    x = tg.tensor([0.25, 0.5], requires_grad=True)
    out = getattr(tg, name)(x, *EXTRA_ARGUMENTS.get(name, ()))
    assert type(out.grad_fn) is op, f"tg.{name} recorded {type(out.grad_fn).__name__}, not {op.__name__}"


# -- the formula grammar ----------------------------------------------------------------------
GRAMMAR = [(name, 1) for name in expr.FUNCTIONS] + [(name, 2) for name in expr.TWO_ARGUMENT_FUNCTIONS]


@pytest.mark.parametrize("name, count", GRAMMAR, ids=[n for n, _ in GRAMMAR])
def test_every_formula_function_resolves_to_an_op(name, count):
    formula = expr.Formula(f"{name}(x)" if count == 1 else f"{name}(x, y)")
    out = formula(x=tg.tensor(0.5, requires_grad=True), y=tg.tensor(0.25, requires_grad=True))
    assert type(out.grad_fn) in ops.OPS.values()
    declared = ops.declared("formula_functions")
    if name in declared:
        assert type(out.grad_fn) is declared[name]
    else:  # the compositions, written in expr.py itself
        assert name == "sqrt" and type(out.grad_fn) is ops.PowConst


def test_every_elementwise_function_of_one_input_is_in_the_formula_grammar():
    """An op that NumPy and tg.* know by a name (sin, log1p, sigmoid) is also a formula function."""
    for name, op in ops.declared("tg_functions").items():
        elementwise = vars(op).get("numpy_ufuncs") or name in ("sigmoid", "softplus", "relu")
        if elementwise and ops.arity(op) == 1 and op not in (ops.Neg, ops.Matmul):
            assert op in ops.declared("formula_functions").values(), op.__name__


# -- the op table: one row per op, each verified ----------------------------------------------
def test_every_differentiable_op_has_an_op_table_row():
    named = {row.op for row in ROWS} | {op for row in ROWS for op in row.backward_ops}
    missing = [op.__name__ for op in DIFFERENTIABLE if op not in named]
    assert missing == [], f"ops without a row in tests/op_table.py: {missing}"


def test_every_row_names_an_op_and_a_reference():
    for row in ROWS:
        assert row.op is None or row.op in ops.OPS.values(), row.name
        assert callable(row.reference), row.name


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_each_row_records_the_op_it_names(row, data):
    """The row's op is in the graph it builds (in float32, so that the astype row casts), and the
    ops only its backward uses are in the graphs of its first or second derivative."""
    arrays, options = data.draw(row.inputs)
    tensors = [tg.tensor(a.astype(np.float32), requires_grad=True) for a in arrays]
    out = row.fn(*tensors, **options)
    if any(out is t for t in tensors):
        return  # a call that changes nothing returns its input (squeeze of no axis of 1, a swap of one axis)
    if row.op is not None:
        assert row.op in ops_in_graph(out), f"{row.name} does not record {row.op.__name__}"
    if row.backward_ops:
        tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
        out = row.fn(*tensors, **options)
        firsts = tg.autograd.grad((out * out).sum(), tensors, create_graph=True, allow_unused=True)
        found = ops_in_graph(*firsts)
        live = [g for g in firsts if isinstance(g, tg.Tensor) and g.requires_grad]
        if live:
            found |= ops_in_graph(*tg.autograd.grad(sum((g * g).sum() for g in live), tensors,
                                                    create_graph=True, allow_unused=True))
        for op in row.backward_ops:
            assert op in found, f"{row.name}: its derivatives do not use {op.__name__}"


# -- the derivatives, stated once -------------------------------------------------------------
@pytest.mark.parametrize("op", DIFFERENTIABLE, ids=[op.__name__ for op in DIFFERENTIABLE])
def test_every_op_states_its_derivative_once_with_one_partial_per_input(op):
    assert "formula" in vars(op), f"{op.__name__} inherits its formula: state its own derivative"
    partials = op.formula.split(",  ")
    assert len(partials) == (ops.arity(op) or 1), op.formula
    doc = inspect.getdoc(op) or ""
    assert doc and op.formula not in doc
    assert not any(p.strip() in doc for p in partials), f"{op.__name__}'s docstring restates its formula"


def test_tensor_method_docstrings_do_not_restate_derivatives():
    for name in ops.declared("tg_functions"):
        doc = inspect.getdoc(getattr(tg.Tensor, name)) or ""
        assert not re.search(r"\bderivative\b", doc), f"Tensor.{name}'s docstring states a derivative"


# -- docs/autograd.md shows a real op, as the code has it -------------------------------------
def test_autograd_md_adds_the_real_sinh():
    text = (ROOT / "docs" / "autograd.md").read_text()
    section = text[text.index("### Adding an op to the library"):]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert inspect.getsource(ops.Sinh) in blocks[0]
    assert inspect.getsource(TensorMath.sinh) in blocks[1]
    row = re.search(r'    OpCase\("sinh".*?\n.*?\),\n', (ROOT / "tests" / "op_table.py").read_text()).group(0)
    assert row in blocks[2]
    assert "sinh" in ops.declared("numpy_ufuncs") and "sinh" in ops.declared("tg_functions")
    assert "sinh" in expr.FUNCTIONS

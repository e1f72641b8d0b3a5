"""Every op the gradient tests cover, with the inputs that suit it.

Each row: a name, a function of Tensors, a hypothesis strategy drawing the input arrays (and
keyword options), the op it checks (None for a composition of ops), its independent reference
(the same function in HIPS autograd's ``autograd.numpy``, tests/test_oracle_autograd.py), and
whether the op is smooth (so its second derivative is checked too).
Domains keep clear of poles (log at 0, 1/x at 0, tan at pi/2), edges of a domain (arcsin at
±1) and kinks (relu and abs at 0, ties in max,
the ends of clip) so that central differences are a fair oracle.
"""
from dataclasses import dataclass, field
from typing import Callable

import autograd.numpy as anp  # a test dependency (the dev extra): the oracle must run, never be skipped
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from tinygrad_edu import ops

SMALL_SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


def values(low, high):
    """Floats in [low, high] on a 1/64 grid: distinct enough for central differences."""
    return st.integers(int(low * 64), int(high * 64)).map(lambda i: i / 64.0)


def away_from_zero(low, high):
    """Floats with low <= |x| <= high and either sign."""
    return st.one_of(values(low, high), values(-high, -low))


def array(shape, elements, unique=False):
    return hnp.arrays(np.float64, shape, elements=elements, unique=unique)


@st.composite
def unary(draw, elements=values(-2, 2), shapes=SMALL_SHAPES, unique=False):
    return [draw(array(draw(shapes), elements, unique))], {}


@st.composite
def broadcast_pair(draw, first=values(-2, 2), second=values(-2, 2)):
    """Two arrays whose shapes broadcast together, 0-d and size-1 axes included."""
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
    a, b = shapes.input_shapes
    return [draw(array(a, first)), draw(array(b, second))], {}


@st.composite
def matmul_pair(draw):
    """Operands for @: matrices, vectors on either side, and broadcast batch dimensions."""
    n, k, m = draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3))
    a_vector, b_vector = draw(st.booleans()), draw(st.booleans())
    a_shape = (k,) if a_vector else batch.input_shapes[0] + (n, k)
    b_shape = (k,) if b_vector else batch.input_shapes[1] + (k, m)
    return [draw(array(a_shape, values(-2, 2))), draw(array(b_shape, values(-2, 2)))], {}


@st.composite
def reduction(draw, unique=False):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1),
                          st.sets(st.integers(0, len(shape) - 1), min_size=1).map(tuple)))
    keepdims = draw(st.booleans())
    x = draw(array(shape, values(-4, 4), unique=unique))
    return [x], {"axis": axis, "keepdims": keepdims}


@st.composite
def reshape_case(draw):
    shape = draw(SMALL_SHAPES)
    size = int(np.prod(shape))
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    first = draw(st.sampled_from(divisors))
    target = draw(st.sampled_from([(size,), (first, -1), (first, size // first, 1), ()] if size == 1 else
                                  [(size,), (first, -1), (first, size // first, 1)]))
    return [draw(array(shape, values(-2, 2)))], {"shape": target}


@st.composite
def transpose_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, max_side=3))
    axes = draw(st.none() | st.permutations(range(len(shape))).map(tuple))
    return [draw(array(shape, values(-2, 2)))], {"axes": axes}


@st.composite
def swap_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, max_side=3))
    axes = draw(st.tuples(*[st.integers(-len(shape), len(shape) - 1)] * 2))
    return [draw(array(shape, values(-2, 2)))], {"d0": axes[0], "d1": axes[1]}


@st.composite
def squeeze_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=2))
    ones = [i for i, n in enumerate(shape) if n == 1]
    axis = draw(st.none() | (st.sampled_from(ones) if ones else st.none()))
    return [draw(array(shape, values(-2, 2)))], {"axis": axis}


@st.composite
def unsqueeze_case(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
    return [draw(array(shape, values(-2, 2)))], {"dim": draw(st.integers(-len(shape) - 1, len(shape)))}


@st.composite
def conv_case(draw):
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, padding = draw(st.integers(1, 2)), draw(st.integers(0, 1))
    h, w = draw(st.integers(max(kh - 2 * padding, 1), 5)), draw(st.integers(max(kw - 2 * padding, 1), 5))
    x = draw(array((n, c, h, w), values(-2, 2)))
    weight = draw(array((o, c, kh, kw), values(-2, 2)))
    return [x, weight], {"stride": stride, "padding": padding}


@st.composite
def pool_case(draw, unique=False):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.none() | st.integers(1, 2))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(kh, 5)), draw(st.integers(kw, 5)))
    return [draw(array(shape, values(-4, 4), unique=unique))], {"kernel_size": (kh, kw), "stride": stride}


@st.composite
def broadcast_case(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=1, min_dims=0, max_dims=3, max_side=3))
    return [draw(array(shapes.input_shapes[0], values(-2, 2)))], {"shape": shapes.result_shape}


@st.composite
def index_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    kind = draw(st.sampled_from(["basic", "integer", "mask"]))
    if kind == "basic":
        index = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    elif kind == "integer":  # may repeat elements: their gradients must add up
        index = draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)))
    else:
        index = draw(hnp.arrays(bool, shape))
    return [draw(array(shape, values(-2, 2)))], {"index": index}


@st.composite
def join_case(draw, stack=False):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    count = draw(st.integers(1, 3))
    axis = draw(st.integers(-len(shape) - stack, len(shape) - 1 + stack))
    arrays = []
    for _ in range(count):
        s = list(shape)
        if not stack:
            s[axis] = draw(st.integers(1, 3))
        arrays.append(draw(array(tuple(s), values(-2, 2))))
    return arrays, {"axis": axis}


@st.composite
def where_case(draw):
    (a, b), _ = draw(broadcast_pair())
    condition = draw(hnp.arrays(bool, np.broadcast_shapes(a.shape, b.shape)))
    return [a, b], {"condition": condition}


@st.composite
def clip_case(draw):
    # keep every value at least 1/64 away from the ends -0.5 and 0.75, where clip has kinks
    elements = values(-2, 2).filter(lambda v: abs(v + 0.5) > 0.01 and abs(v - 0.75) > 0.01)
    return [draw(array(draw(SMALL_SHAPES), elements))], {}


@st.composite
def pow_const_case(draw):
    exponent = draw(st.sampled_from([2, 3, -1, 0.5, 1.5, -2.5, 0]))
    return [draw(array(draw(SMALL_SHAPES), values(0.25, 2)))], {"exponent": exponent}


# -- the references' own helpers, written for autograd.numpy ------------------------------------
def sigmoid(a):
    return 1.0 / (1.0 + anp.exp(-a))


def log_softmax(a, axis=-1):
    shifted = a - anp.max(a, axis=axis, keepdims=True)
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=axis, keepdims=True))


def windows(x, kernel, stride, padding=0):
    """Each output pixel's patch, by slicing: a plain loop, the reference for our windows."""
    if padding:
        x = anp.concatenate([anp.zeros(x.shape[:2] + (padding, x.shape[3])), x, anp.zeros(x.shape[:2] + (padding, x.shape[3]))], axis=2)
        x = anp.concatenate([anp.zeros(x.shape[:3] + (padding,)), x, anp.zeros(x.shape[:3] + (padding,))], axis=3)
    (kh, kw), s = kernel, stride
    rows = []
    for i in range((x.shape[2] - kh) // s[0] + 1):
        rows.append([x[:, :, i * s[0] : i * s[0] + kh, j * s[1] : j * s[1] + kw]
                     for j in range((x.shape[3] - kw) // s[1] + 1)])
    return rows  # rows[i][j]: (N, C, kh, kw)


def conv2d(x, w, stride, padding):
    rows = windows(x, w.shape[2:], (stride, stride), padding)
    return anp.stack([anp.stack([anp.einsum("ncuv,ocuv->no", patch, w) for patch in row], axis=-1) for row in rows], axis=-2)


def pool(reduce, x, kernel_size, stride):
    rows = windows(x, kernel_size, kernel_size if stride is None else (stride, stride))
    return anp.stack([anp.stack([reduce(patch, axis=(2, 3)) for patch in row], axis=-1) for row in rows], axis=-2)



@st.composite
def probabilities_and_targets(draw):
    """Predictions in [0.05, 0.95] (away from the guards at 0 and 1) and targets in [0, 1]."""
    shape = draw(SMALL_SHAPES)
    return [draw(array(shape, values(0.05, 0.95))), draw(array(shape, values(0, 1)))], {}


@dataclass
class OpCase:
    name: str
    fn: Callable
    inputs: st.SearchStrategy
    op: type | None  # the op class the row checks; None for a composition of ops (sqrt, mean, ...)
    reference: Callable  # the same function in autograd.numpy: the independent oracle
    smooth: bool = True
    backward_ops: tuple = ()  # ops that only this op's backward uses (conv's gradients, indexing's scatter)
    tolerance: dict = field(default_factory=dict)


OPS = [
    OpCase("add", lambda a, b: a + b, broadcast_pair(),
           op=ops.Add, reference=lambda a, b: a + b),
    OpCase("sub", lambda a, b: a - b, broadcast_pair(),
           op=ops.Sub, reference=lambda a, b: a - b),
    OpCase("mul", lambda a, b: a * b, broadcast_pair(),
           op=ops.Mul, reference=lambda a, b: a * b),
    OpCase("div", lambda a, b: a / b, broadcast_pair(second=away_from_zero(0.5, 2)),
           op=ops.Div, reference=lambda a, b: a / b),
    OpCase("neg", lambda a: -a, unary(),
           op=ops.Neg, reference=lambda a: -a),
    OpCase("pow_tensor", lambda a, b: a**b, broadcast_pair(first=values(0.25, 2), second=values(-2, 2)),
           op=ops.Pow, reference=lambda a, b: a**b),
    OpCase("pow_const", lambda a, exponent: a**exponent, pow_const_case(),
           op=ops.PowConst, reference=lambda a, exponent: a**exponent),
    OpCase("rpow", lambda a: 2.0**a, unary(),
           op=ops.Pow, reference=lambda a: 2.0**a),
    OpCase("matmul", lambda a, b: a @ b, matmul_pair(),
           op=ops.Matmul, reference=lambda a, b: anp.matmul(a, b)),
    OpCase("exp", lambda a: a.exp(), unary(),
           op=ops.Exp, reference=anp.exp),
    OpCase("log", lambda a: a.log(), unary(values(0.1, 3)),
           op=ops.Log, reference=anp.log),
    OpCase("sqrt", lambda a: a.sqrt(), unary(values(0.1, 3)),
           op=None, reference=anp.sqrt),
    OpCase("sin", lambda a: a.sin(), unary(),
           op=ops.Sin, reference=anp.sin),
    OpCase("cos", lambda a: a.cos(), unary(),
           op=ops.Cos, reference=anp.cos),
    OpCase("tanh", lambda a: a.tanh(), unary(),
           op=ops.Tanh, reference=anp.tanh),
    OpCase("sigmoid", lambda a: a.sigmoid(), unary(values(-6, 6)),
           op=ops.Sigmoid, reference=sigmoid),
    OpCase("softplus", lambda a: a.softplus(), unary(values(-6, 6)),
           op=ops.Softplus, reference=lambda a: anp.logaddexp(0.0, a)),
    OpCase("tan", lambda a: a.tan(), unary(values(-1.25, 1.25)),
           op=ops.Tan, reference=anp.tan),  # the poles are at ±pi/2 = ±1.57
    OpCase("arctan", lambda a: a.arctan(), unary(values(-3, 3)),
           op=ops.Arctan, reference=anp.arctan),
    OpCase("arcsin", lambda a: a.arcsin(), unary(values(-0.9, 0.9)),
           op=ops.Arcsin, reference=anp.arcsin),  # the slope is vertical at ±1
    OpCase("arccos", lambda a: a.arccos(), unary(values(-0.9, 0.9)),
           op=ops.Arccos, reference=anp.arccos),
    OpCase("sinh", lambda a: a.sinh(), unary(),
           op=ops.Sinh, reference=anp.sinh),
    OpCase("cosh", lambda a: a.cosh(), unary(),
           op=ops.Cosh, reference=anp.cosh),
    OpCase("log10", lambda a: a.log10(), unary(values(0.1, 3)),
           op=ops.Log10, reference=anp.log10),
    OpCase("log2", lambda a: a.log2(), unary(values(0.1, 3)),
           op=ops.Log2, reference=anp.log2),
    OpCase("log1p", lambda a: a.log1p(), unary(values(-0.75, 3)),
           op=ops.Log1p, reference=anp.log1p),  # defined above -1
    OpCase("expm1", lambda a: a.expm1(), unary(),
           op=ops.Expm1, reference=anp.expm1),
    # y away from 0 (arctan2 jumps by 2 pi across the negative x axis), so x^2 + y^2 >= 1/16 too
    OpCase("arctan2", lambda y, x: y.arctan2(x), broadcast_pair(first=away_from_zero(0.25, 2), second=values(-2, 2)),
           op=ops.Arctan2, reference=anp.arctan2),
    OpCase("relu", lambda a: a.relu(), unary(away_from_zero(0.05, 2)), smooth=False,
           op=ops.Relu, reference=lambda a: anp.maximum(a, 0.0)),
    OpCase("abs", lambda a: a.abs(), unary(away_from_zero(0.05, 2)), smooth=False,
           op=ops.Abs, reference=anp.abs),
    OpCase("maximum", lambda a, b: a.maximum(b), broadcast_pair(away_from_zero(1, 2), values(-0.5, 0.5)), smooth=False,
           op=ops.Maximum, reference=anp.maximum),
    OpCase("minimum", lambda a, b: a.minimum(b), broadcast_pair(away_from_zero(1, 2), values(-0.5, 0.5)), smooth=False,
           op=ops.Minimum, reference=anp.minimum),
    OpCase("where", lambda a, b, condition: tg.where(condition, a, b), where_case(), smooth=False,
           op=ops.Where, reference=lambda a, b, condition: anp.where(condition, a, b)),
    OpCase("clip", lambda a: a.clip(-0.5, 0.75), clip_case(), smooth=False,
           op=ops.Clip, reference=lambda a: anp.clip(a, -0.5, 0.75)),
    OpCase("sum", lambda a, axis, keepdims: a.sum(axis=axis, keepdims=keepdims), reduction(),
           op=ops.Sum, reference=lambda a, axis, keepdims: anp.sum(a, axis=axis, keepdims=keepdims)),
    OpCase("mean", lambda a, axis, keepdims: a.mean(axis=axis, keepdims=keepdims), reduction(),
           op=None, reference=lambda a, axis, keepdims: anp.mean(a, axis=axis, keepdims=keepdims)),
    OpCase("var", lambda a, axis, keepdims: a.var(axis=axis, keepdims=keepdims), reduction(),
           op=None, reference=lambda a, axis, keepdims: anp.var(a, axis=axis, keepdims=keepdims)),
    OpCase("max", lambda a, axis, keepdims: a.max(axis=axis, keepdims=keepdims), reduction(unique=True), smooth=False,
           op=ops.Max, reference=lambda a, axis, keepdims: anp.max(a, axis=axis, keepdims=keepdims)),
    OpCase("min", lambda a, axis, keepdims: a.min(axis=axis, keepdims=keepdims), reduction(unique=True), smooth=False,
           op=ops.Min, reference=lambda a, axis, keepdims: anp.min(a, axis=axis, keepdims=keepdims)),
    OpCase("softmax", lambda a: a.softmax(axis=-1), unary(shapes=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)),
           op=ops.Softmax, reference=lambda a: anp.exp(log_softmax(a))),
    OpCase("log_softmax", lambda a: a.log_softmax(axis=-1), unary(shapes=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)),
           op=ops.LogSoftmax, reference=log_softmax),
    OpCase("reshape", lambda a, shape: a.reshape(shape), reshape_case(),
           op=ops.Reshape, reference=lambda a, shape: anp.reshape(a, shape)),
    OpCase("flatten", lambda a: a.flatten(), unary(),
           op=None, reference=anp.ravel),
    OpCase("transpose", lambda a, axes: a.transpose(axes) if axes else a.transpose(), transpose_case(),
           op=ops.Transpose, reference=lambda a, axes: anp.transpose(a, axes)),
    OpCase("T", lambda a: a.T, unary(),
           op=ops.Transpose, reference=anp.transpose),
    OpCase("permute", lambda a, axes: a.permute(*(axes or reversed(range(a.ndim)))), transpose_case(),
           op=ops.Transpose, reference=lambda a, axes: anp.transpose(a, axes)),
    OpCase("transpose_swap", lambda a, d0, d1: a.transpose(d0, d1), swap_case(),
           op=ops.Transpose, reference=lambda a, d0, d1: anp.swapaxes(a, d0, d1)),
    OpCase("squeeze", lambda a, axis: a.squeeze(axis), squeeze_case(),
           op=ops.Reshape, reference=lambda a, axis: anp.squeeze(a, axis)),
    OpCase("unsqueeze", lambda a, dim: a.unsqueeze(dim), unsqueeze_case(),
           op=ops.Reshape, reference=lambda a, dim: anp.expand_dims(a, dim)),
    OpCase("broadcast_to", lambda a, shape: a.broadcast_to(shape), broadcast_case(),
           op=ops.BroadcastTo, reference=lambda a, shape: anp.broadcast_to(a, shape)),
    OpCase("getitem", lambda a, index: a[index], index_case(),
           op=ops.GetItem, reference=lambda a, index: a[index], backward_ops=(ops.ScatterAdd,)),
    OpCase("concatenate", lambda *xs, axis: tg.concatenate(xs, axis=axis), join_case(),
           op=ops.Concatenate, reference=lambda *xs, axis: anp.concatenate(xs, axis=axis)),
    OpCase("stack", lambda *xs, axis: tg.stack(xs, axis=axis), join_case(stack=True),
           op=ops.Stack, reference=lambda *xs, axis: anp.stack(xs, axis=axis)),
    OpCase("dot", lambda a, b: a.dot(b), matmul_pair(),
           op=None, reference=lambda a, b: anp.dot(a, b)),
    OpCase("conv2d", lambda x, w, stride, padding: tg.nn.functional.conv2d(x, w, stride=stride, padding=padding),
           conv_case(), op=ops.Conv2d, reference=conv2d, backward_ops=(ops.ConvInputGrad, ops.ConvWeightGrad)),
    OpCase("max_pool2d", lambda x, kernel_size, stride: tg.nn.functional.max_pool2d(x, kernel_size, stride),
           pool_case(unique=True), smooth=False,
           op=ops.MaxPool2d, reference=lambda x, kernel_size, stride: pool(anp.max, x, kernel_size, stride),
           backward_ops=(ops.Fold,)),
    OpCase("avg_pool2d", lambda x, kernel_size, stride: tg.nn.functional.avg_pool2d(x, kernel_size, stride),
           pool_case(),
           op=ops.AvgPool2d, reference=lambda x, kernel_size, stride: pool(anp.mean, x, kernel_size, stride),
           backward_ops=(ops.Fold, ops.Unfold)),
    OpCase("binary_cross_entropy", lambda p, t: tg.nn.binary_cross_entropy(p, t, reduction="none"),
           probabilities_and_targets(),
           op=ops.BinaryCrossEntropy, reference=lambda p, t: -(t * anp.log(p) + (1 - t) * anp.log(1 - p))),
    OpCase("astype", lambda a: a.astype(np.float64).astype(a.dtype), unary(),  # Cast when a is float32
           op=ops.Cast, reference=lambda a: a),
    OpCase("clone", lambda a: a.clone(), unary(),
           op=ops.Clone, reference=lambda a: a),
]

OPS_BY_NAME = {case.name: case for case in OPS}
SMOOTH_OPS = [case for case in OPS if case.smooth]

"""NumPy's own functions on Tensors: ``np.sin(t)``, ``np.sum(t, axis=0)``, ``array + t``.

NumPy hands a call that involves a Tensor to ``Tensor.__array_ufunc__`` (for ufuncs such as
``np.sin`` and the operators of an ndarray) or ``Tensor.__array_function__`` (for functions
such as ``np.sum``). Both land here and become the Tensor op of the same meaning, which records
like ``t.sin()``. This is what lets the engine run one array-generic backward formula on plain
arrays or on Tensors.

A NumPy function with no Tensor op raises a TypeError that says what to use instead; the
functions that only read values (``np.allclose``, ``np.shape``) run on the arrays.
``ndarray += tensor`` updates the array, as ``ndarray += ndarray`` does.

>>> import numpy as np, tinygrad_edu as tg
>>> x = tg.tensor([0.0, 1.0], requires_grad=True)
>>> y = np.sin(x) * np.exp(x)
>>> y.grad_fn
<Mul mul>
"""
import numpy as np

from . import ops
from .grad_mode import grad_mode
from .tensor import Tensor, _operand, as_tensor, concatenate, stack, where
from .tensor_shape import memory_order


def _values(args):
    return [a.data if isinstance(a, Tensor) else a for a in args]


def _power(a, b):
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        return a**b  # a fixed exponent: the PowConst op
    return ops.Pow.apply(_operand(a), _operand(b))  # a number base stays a number: float32 stays float32


def _logaddexp(a, b):
    if isinstance(a, (int, float)) and a == 0:
        return as_tensor(b).softplus()
    raise TypeError("np.logaddexp on Tensors is supported as np.logaddexp(0, x), which is x.softplus()")


def _recording(op):
    """``np.<ufunc>(...)`` on Tensors as the op: numbers and arrays among the inputs are its
    constants, as for the operators (a number keeps a float32 tensor float32)."""
    def call(*inputs):
        return op.apply(*[_operand(x) for x in inputs])
    call.__name__ = call.__qualname__ = op.__name__
    return call


# ufunc -> the Tensor op it is, for ``np.<ufunc>(...)`` on Tensors: generated from the ops'
# declarations (``numpy_ufuncs = ("sin",)``), then the ufuncs that are not one op
UFUNCS = {getattr(np, name): _recording(op) for name, op in ops.declared("numpy_ufuncs").items()}
UFUNCS.update({
    np.power: _power,  # Pow or PowConst, by the exponent
    np.positive: lambda a: a,
    np.sqrt: lambda a: a.sqrt(),
    np.square: lambda a: a * a,
    np.logaddexp: _logaddexp,  # only as softplus
})

# ufuncs whose results have no gradient: computed, and recorded in programs, without a graph
NO_GRADIENT_UFUNCS = {
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor, np.invert,
    np.isnan, np.isinf, np.isfinite, np.sign, np.signbit, np.floor, np.ceil, np.trunc, np.rint,
}


def array_ufunc(ufunc, method, inputs, kwargs):
    """``Tensor.__array_ufunc__``: a ufunc called with a Tensor among its inputs."""
    out = kwargs.pop("out", None)
    if out is not None:
        return _into(ufunc, method, inputs, kwargs, out)
    if method == "__call__" and not kwargs:
        if ufunc in UFUNCS:
            return UFUNCS[ufunc](*inputs)
        if ufunc in NO_GRADIENT_UFUNCS:
            return ops.NoGradient.apply(*[_operand(x) for x in inputs], function=ufunc)
    what = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    options = f" with {', '.join(kwargs)}=" if kwargs else ""
    raise TypeError(
        f"{what}{options} is not supported on Tensors. Use the Tensor method (t.exp(), t.sum(axis=0), "
        f"t.astype(...)), or {what}(t.data) to compute on the values without a gradient."
    )


def _into(ufunc, method, inputs, kwargs, out):
    """``ufunc(..., out=array)``: what ``array += tensor`` becomes. The array is updated with the
    tensor's values, as with any array; a Tensor as ``out`` is refused (use ``t += ...``)."""
    outs = out if isinstance(out, tuple) else (out,)
    if any(isinstance(o, Tensor) for o in outs):
        raise TypeError(
            f"np.{ufunc.__name__}(..., out=tensor) is not supported: write t += x (or t -= x, ...) inside "
            "tg.no_grad() to update a tensor in place, or t.data for its array."
        )
    getattr(ufunc, method)(*_values(inputs), out=outs, **kwargs)
    return outs[0] if len(outs) == 1 else outs  # NumPy hands `out` over as a tuple, even for one array


def _reject(name, extra):
    extra = {k: v for k, v in extra.items() if v is not None and v is not np._NoValue}
    if extra:
        raise TypeError(f"np.{name}: the options {', '.join(sorted(extra))} are not supported on Tensors")


def _reduction(method):
    def call(a, axis=None, dtype=None, out=None, keepdims=False, **extra):
        _reject(method, {"dtype": dtype, "out": out, **extra})
        return getattr(as_tensor(a), method)(axis=axis, keepdims=bool(keepdims) if keepdims is not np._NoValue else False)
    return call


def _argument_reduction(method):
    def call(a, axis=None, out=None, keepdims=False, **extra):
        _reject(method, {"out": out, **extra})
        return getattr(as_tensor(a), method)(axis=axis, keepdims=bool(keepdims) if keepdims is not np._NoValue else False)
    return call


def _var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **extra):
    _reject("var", {"dtype": dtype, "out": out, **extra})
    return as_tensor(a).var(axis=axis, keepdims=bool(keepdims) if keepdims is not np._NoValue else False, ddof=ddof)


def _reshape(a, shape=None, order="C", **extra):
    shape = extra.pop("newshape", shape)
    _reject("reshape", extra)
    return as_tensor(a).reshape(shape, order=memory_order("np.reshape", order))


def _where(condition, x=None, y=None):
    if x is None or y is None:
        raise TypeError("np.where(condition) with one argument is not supported on Tensors; "
                        "use np.nonzero(t.data)")
    return where(condition, x, y)


def _clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None, **extra):  # noqa: A002 - NumPy 2's names
    _reject("clip", {"out": out, **extra})
    low, high = (None if v is np._NoValue else v for v in (a_min if min is None else min, a_max if max is None else max))
    return as_tensor(a).clip(low, high)


def _made(make):
    """``np.ones(shape, like=t)`` and friends: a constant Tensor (which a program being written
    makes with the same call)."""
    def call(shape, dtype=None, order="C", *, like=None, **extra):
        _reject(make.__name__, extra)
        array = make(shape, dtype)
        if grad_mode.recorder is not None:
            grad_mode.recorder.made(array, f"np.{make.__name__}", (shape, array.dtype), make.__name__)
        return Tensor._make(array, False, None, "constant")
    return call


# function -> what it does on Tensors (the arguments are NumPy's)
FUNCTIONS = {
    np.ones: _made(np.ones),
    np.zeros: _made(np.zeros),
    np.sum: _reduction("sum"),
    np.mean: _reduction("mean"),
    # np.max(t, 1) is NumPy's function, so NumPy's meaning: the values (t.max(axis=1)), never the pair
    # t.max(1) gives; its signature is argmax's, (a, axis, out, keepdims), not sum's
    np.max: _argument_reduction("max"),
    np.min: _argument_reduction("min"),
    np.amax: _argument_reduction("max"),
    np.amin: _argument_reduction("min"),
    np.var: _var,
    np.any: _argument_reduction("any"),
    np.all: _argument_reduction("all"),
    np.argmax: _argument_reduction("argmax"),
    np.argmin: _argument_reduction("argmin"),
    np.reshape: _reshape,
    np.transpose: lambda a, axes=None: as_tensor(a).transpose(axes),
    np.swapaxes: lambda a, axis1, axis2: as_tensor(a).swapaxes(axis1, axis2),
    np.broadcast_to: lambda array, shape, subok=False: as_tensor(array).broadcast_to(shape),
    np.squeeze: lambda a, axis=None: as_tensor(a).squeeze(axis),
    np.expand_dims: lambda a, axis: as_tensor(a).unsqueeze(axis),
    np.ravel: lambda a, order="C": as_tensor(a).reshape(-1, order=memory_order("np.ravel", order)),
    np.concatenate: lambda arrays, axis=0, **extra: _reject("concatenate", extra) or concatenate(arrays, axis),
    np.stack: lambda arrays, axis=0, **extra: _reject("stack", extra) or stack(arrays, axis),
    np.where: _where,
    np.clip: _clip,
    np.dot: lambda a, b, out=None: _reject("dot", {"out": out}) or as_tensor(a).dot(b),
}

# functions that only read values: they run on the arrays (no gradient is involved)
# Functions that only look at the values (shapes, comparisons, indices, files): computed on them.
READ_ONLY = {
    np.shape, np.ndim, np.size, np.result_type, np.can_cast, np.allclose, np.isclose, np.array_equal,
    np.array_equiv, np.array2string, np.array_repr, np.array_str, np.count_nonzero, np.nonzero,
    np.argwhere, np.flatnonzero, np.iscomplexobj, np.isrealobj, np.save, np.savez, np.savez_compressed,
    np.savetxt, np.argsort,
}
# Functions whose results are values a gradient would have to flow through, which the engine has
# no op for: fine on tensors that need no gradient, refused on ones that do (never a silent 0).
VALUES_WITHOUT_GRADIENT = {np.sort, np.median, np.percentile, np.quantile, np.unique, np.histogram}


def array_function(func, types, args, kwargs):
    """``Tensor.__array_function__``: a NumPy function called with a Tensor among its arguments."""
    if not all(issubclass(t, (Tensor, np.ndarray)) for t in types):
        return NotImplemented
    if func in FUNCTIONS:
        return FUNCTIONS[func](*args, **kwargs)
    name = getattr(func, "__name__", str(func))
    if func is np.copyto and isinstance(args[0] if args else kwargs.get("dst"), Tensor):
        raise TypeError("np.copyto into a Tensor is not supported: write t[...] = value (inside tg.no_grad() "
                        "when t is part of a graph), or np.copyto(t.data, value) to bypass autograd")
    if func in VALUES_WITHOUT_GRADIENT and _requires_grad(args, kwargs):
        raise TypeError(
            f"np.{name} on a Tensor that requires grad would lose the gradient (the engine has no op for "
            f"it). Use np.{name}(t.data) for the values without a gradient, or t.detach()."
        )
    if func in READ_ONLY or func in VALUES_WITHOUT_GRADIENT or func is np.copyto:
        return func(*_plain(args), **{k: _plain_one(v) for k, v in kwargs.items()})
    raise TypeError(
        f"np.{name} is not supported on Tensors: a NumPy function the engine does not know would lose "
        f"the gradient. Use the Tensor methods (t.sum(), t.reshape(), tg.concatenate(...), ...), or "
        f"np.{name}(t.data) to compute on the values without a gradient."
    )


def _requires_grad(args, kwargs):
    values = list(args) + list(kwargs.values())
    for value in values:
        if isinstance(value, (list, tuple)):
            values.extend(value)
        elif isinstance(value, Tensor) and value.requires_grad:
            return True
    return False


def _plain_one(value):
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_one(v) for v in value)
    return value


def _plain(args):
    return [_plain_one(a) for a in args]

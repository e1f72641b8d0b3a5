"""JAX-style function transforms: `grad`, `value_and_grad`, `jacobian`, `hessian`.

They take a function and return a function. Arguments may be Python numbers, NumPy arrays or
Tensors; results are Tensors. Transforms nest: ``grad(grad(f))`` is the second derivative,
because an inner transform that receives a tensor which requires grad (the outer transform's
input) records its own backward pass (``create_graph=True``), so the outer one can
differentiate through it.

>>> import tinygrad_edu as tg
>>> f = lambda x: x ** 3
>>> tg.grad(f)(2.0).item(), tg.grad(tg.grad(f))(2.0).item(), tg.grad(tg.grad(tg.grad(f)))(2.0).item()
(12.0, 12.0, 6.0)
"""
import warnings

import numpy as np

from .engine import autograd, concrete
from .engine.anomaly import user_stacklevel
from .engine.function import shape_str
from .engine.tensor import Tensor, _to_array, stack


def _prepare(args, argnums, who):
    """Make numbers Tensors, and the differentiated arguments Tensors that require grad.

    Returns the new argument list, the differentiated tensors, and whether the caller is itself
    being differentiated (then the result must keep its graph).
    """
    args = [Tensor(a) if _is_numeric(a) else a for a in args]  # so x.exp() works on every number
    nested = False
    for i in argnums:
        if i >= len(args) or i < -len(args):
            raise ValueError(f"{who}: argnums={i} but the function was called with {len(args)} arguments")
        x = args[i]
        if isinstance(x, Tensor) and x.requires_grad:
            nested = True  # already tracked by an outer transform (or by the user): keep it
        else:
            array = _to_array(x)
            if array.dtype.kind != "f":
                raise TypeError(f"{who}: argument {i} must hold floats to be differentiated, got {array.dtype}")
            args[i] = Tensor(array, requires_grad=True)
    return args, [args[i] for i in argnums], nested


def _is_numeric(value):
    return (isinstance(value, (int, float, np.ndarray, np.number)) and not isinstance(value, bool)
            and np.asarray(value).dtype.kind in "iuf")


def _argnums(argnums):
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def _as_output(value):
    return value if isinstance(value, Tensor) else Tensor(value)


def _reaches_outer_inputs(output):
    """True when ``output`` depends on the input of an enclosing transform call -- captured by a
    closure, as ``x`` in ``grad(lambda x: grad(lambda y: x * y)(1.0))``: then the gradients must
    keep their graph, so that the outer transform can differentiate through them (as JAX does)."""
    outer = concrete.watched_keys()  # the enclosing calls' inputs (this call's are off the list again)
    return bool(outer) and concrete.depends_on(output, outer)


def _calling(f, inputs, args, kwargs, who):
    """``f(*args, **kwargs)``, with ``inputs`` watched while it runs: turning one of them (or a
    result computed from them) into a Python number inside ``f`` is refused (concrete.py)."""
    with concrete.watching(who, inputs):
        return f(*args, **kwargs)


def _gradients(output, inputs, nested, grad_output=None, who="grad"):
    """d output / d inputs, with zeros (not None) for inputs the output does not depend on."""
    if not output.requires_grad:  # a constant: every derivative is zero
        if not nested and output._origin != "grad":  # (a derivative of a derivative may be constant)
            _warn_outside_the_graph(output, who)
        return [Tensor._make(np.zeros_like(x.data), False, None, "constant") for x in inputs]
    grads = autograd.grad(output, inputs, grad_outputs=grad_output, retain_graph=True,
                          create_graph=nested, allow_unused=True)
    return [g if g is not None else Tensor._make(np.zeros_like(x.data), False, None, "constant")
            for g, x in zip(grads, inputs)]


def _warn_outside_the_graph(output, who):
    """The function's result has no graph back to its inputs: say so, as ``backward()`` would
    refuse, instead of returning zeros without a word."""
    reason = {
        "no_grad": "it was computed inside tg.no_grad()",
        "detach": "it went through .detach()",
        "compiled": "it came from a tg.compile'd function",
    }.get(output._origin, "part of it was computed outside the graph -- with NumPy on plain arrays, or from a "
                          "tensor the function made itself -- where autodiff cannot follow")
    warnings.warn(
        f"{who}: the function's result does not depend on its inputs through the graph, so every "
        f"derivative is 0. If it should depend on them, {reason}. (For a function that really is "
        "constant, the zeros are right: silence this with warnings.filterwarnings.)",
        stacklevel=user_stacklevel(),
    )


def value_and_grad(f, argnums=0):
    """``value_and_grad(f)(*args)`` returns ``(f(*args), df/dargs)``; f must return one number.

    >>> import tinygrad_edu as tg
    >>> value, slope = tg.value_and_grad(lambda x: x.sin())(0.0)
    >>> value.item(), slope.item()
    (0.0, 1.0)
    """
    return _value_and_grad(f, argnums, "tg.value_and_grad")


def _value_and_grad(f, argnums, who):
    """`value_and_grad`, speaking as ``who`` (the transform the user called) in its errors."""
    numbers = _argnums(argnums)

    def value_and_grad_f(*args, **kwargs):
        args, inputs, nested = _prepare(args, numbers, "grad")
        output = _as_output(_calling(f, inputs, args, kwargs, who))
        nested = nested or _reaches_outer_inputs(output)
        if output.data.size != 1:
            raise ValueError(
                f"grad: the function must return a single number, but it returned shape "
                f"{shape_str(output.shape)}. Reduce it (.sum(), .mean()) or use tg.jacobian."
            )
        grads = _gradients(output, inputs, nested)
        if not nested:
            output = output.detach()
        return output, (grads[0] if isinstance(argnums, int) else tuple(grads))

    value_and_grad_f.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return value_and_grad_f


def grad(f, argnums=0):
    """``grad(f)`` is the function x -> df/dx; with a tuple ``argnums``, a tuple of gradients.

    >>> import tinygrad_edu as tg
    >>> tg.grad(lambda x, y: x * y, argnums=(0, 1))(3.0, 4.0)
    (Tensor(4.), Tensor(3.))
    """
    return _grad(f, argnums, "tg.grad")


def _grad(f, argnums, who):
    both = _value_and_grad(f, argnums, who)

    def grad_f(*args, **kwargs):
        return both(*args, **kwargs)[1]

    grad_f.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return grad_f


def jacobian(f, argnums=0):
    """``jacobian(f)(x)`` has shape ``f(x).shape + x.shape``: entry [i, j] is d f_i / d x_j.

    Built one output element at a time with reverse mode. With a tuple ``argnums`` the result is
    a tuple (one Jacobian per argument); when ``f`` returns a tuple, a tuple per output.

    >>> import tinygrad_edu as tg
    >>> tg.jacobian(lambda x: x * x)([1.0, 2.0]).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    return _jacobian(f, argnums, "tg.jacobian")


def _jacobian(f, argnums, who):
    numbers = _argnums(argnums)

    def jacobian_f(*args, **kwargs):
        args, inputs, nested = _prepare(args, numbers, "jacobian")
        result = _calling(f, inputs, args, kwargs, who)
        outputs = [_as_output(r) for r in result] if isinstance(result, (tuple, list)) else [_as_output(result)]
        nested = nested or any(_reaches_outer_inputs(out) for out in outputs)
        blocks = [_jacobians(out, inputs, nested) for out in outputs]
        blocks = [b[0] if isinstance(argnums, int) else tuple(b) for b in blocks]
        return tuple(blocks) if isinstance(result, (tuple, list)) else blocks[0]

    jacobian_f.__name__ = f"jacobian({getattr(f, '__name__', 'f')})"
    return jacobian_f


def _jacobians(output, inputs, nested):
    """d output / d x for each input, shaped ``output.shape + x.shape``."""
    per_input = [[] for _ in inputs]
    for index in np.ndindex(output.shape):
        selector = np.zeros(output.shape, dtype=output.dtype)
        selector[index] = 1.0
        for rows, g in zip(per_input, _gradients(output, inputs, nested, Tensor(selector), "jacobian")):
            rows.append(g)
    results = []
    for rows, x in zip(per_input, inputs):
        if not rows:  # an output with no elements: so is its Jacobian
            results.append(Tensor._make(np.zeros(output.shape + x.shape, x.dtype), False, None, "constant"))
            continue
        jac = stack(rows, axis=0).reshape(output.shape + x.shape)
        results.append(jac if nested else jac.detach())
    return results


def hessian(f, argnums=0):
    """``hessian(f)(x)`` is the matrix of second derivatives, ``jacobian(grad(f))``. With a tuple
    ``argnums`` it is the block matrix: ``hessian(f, (0, 1))(x, y)[i][j]`` is d2f / dxi dxj.

    >>> import numpy as np, tinygrad_edu as tg
    >>> A = np.array([[1.0, 2.0], [0.0, 3.0]])
    >>> tg.hessian(lambda x: x @ tg.tensor(A) @ x)([1.0, 1.0]).tolist()   # A + A^T
    [[2.0, 2.0], [2.0, 6.0]]
    """
    return _jacobian(_grad(f, argnums, "tg.hessian"), argnums, "tg.hessian")

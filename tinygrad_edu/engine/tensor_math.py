"""The arithmetic of `Tensor`: operators, elementwise functions, comparisons and reductions.

Each method is one call into a primitive op (tinygrad_edu/engine/ops) or a short composition
of them (``mean`` is ``sum / n``). `Tensor` inherits them from `TensorMath`; tensor.py holds
what makes a tensor a tensor (its array, its gradient, in-place updates).

Reductions take NumPy's names and PyTorch's alike: ``t.sum(axis=1, keepdims=True)`` is
``t.sum(dim=1, keepdim=True)``.

>>> import tinygrad_edu as tg
>>> x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> x.sum(dim=1, keepdim=True)
Tensor([[3.],
        [7.]], requires_grad=True, grad_fn=<sum(axis=1, keepdims=True)>)
"""
from __future__ import annotations

import numbers

import typing

import numpy as np

from . import ops
from .function import shape_str

if typing.TYPE_CHECKING:  # for the annotations: Tensor inherits these methods
    from .tensor import Tensor


class MaxResult(tuple):
    """What ``t.max(1)``, ``t.max(dim=1)`` and ``tg.max(t, 1)`` return, as ``torch.max`` does:
    the pair ``(values, indices)``, by name (``.values``, ``.indices``) or unpacked in two.

    Only that: arithmetic, comparisons, ``np.asarray``, truth tests and indexing with anything
    but 0 or 1 are refused with a TypeError, so that NumPy's reading of the call (``np.max(a,
    1)`` is the values) never meets a tuple's meaning silently (``pair * 2`` repeats a tuple).

    >>> import tinygrad_edu as tg
    >>> logits = tg.tensor([[0.1, 2.0, 0.3], [1.5, 0.2, 0.1]])
    >>> _, predicted = tg.max(logits, 1)
    >>> predicted
    Tensor([1, 0], dtype=int64)
    >>> logits.max(1).values
    Tensor([2. , 1.5])
    """

    def __new__(cls, values, indices=None, name="max", dim="dim", keepdim=False):
        if indices is None:  # MaxResult([values, indices]), as a tuple is made (tg.compile rebuilds results so)
            values, indices = values
        pair = tuple.__new__(cls, (values, indices))
        pair._call = (name, dim, keepdim)  # how it was asked for, for the messages
        return pair

    def __getnewargs__(self):  # copy and pickle: make it again from its parts
        return (self[0], self[1], *self._call)

    values = property(lambda self: tuple.__getitem__(self, 0), doc="The largest (smallest) values.")
    indices = property(lambda self: tuple.__getitem__(self, 1), doc="Where they are along the axis.")

    def __repr__(self):
        return f"{type(self).__name__}(values={self[0]!r}, indices={self[1]!r})"

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)) and not isinstance(index, bool):  # pair[1], PyTorch's idiom
            return tuple.__getitem__(self, index)
        use = f"indexing it with {index!r}"
        raise self._refusal(use)

    def _refusal(self, what):
        name, dim, keepdim = self._call
        kept = (", keepdim=True", ", keepdims=True") if keepdim else ("", "")
        return TypeError(
            f"{name}({dim}{kept[0]}) followed PyTorch and returned the pair (values, indices), not a tensor, so "
            f"{what} is refused: take .values (or .indices, the positions), or write {name}(axis={dim}{kept[1]}) "
            f"for NumPy's values (for the elementwise {name} of x and the number {dim}, write "
            f"tg.{name}imum(x, {dim}))."
        )

    def __getattr__(self, name):  # called only for names a tuple lacks: say so for a Tensor's
        if not name.startswith("_") and hasattr(tensor.Tensor, name):
            raise AttributeError(str(self._refusal(f".{name}")))
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __array__(self, dtype=None, copy=None):
        use = "making an array of it"
        raise self._refusal(use)

    def _refuse(what):
        def refused(self, *other):
            raise self._refusal(what)
        return refused

    __add__ = __radd__ = _refuse("arithmetic (+)")
    __sub__ = __rsub__ = _refuse("arithmetic (-)")
    __mul__ = __rmul__ = _refuse("arithmetic (*)")
    __truediv__ = __rtruediv__ = _refuse("arithmetic (/)")
    __floordiv__ = __rfloordiv__ = _refuse("arithmetic (//)")
    __mod__ = __rmod__ = _refuse("arithmetic (%)")
    __pow__ = __rpow__ = _refuse("arithmetic (**)")
    __matmul__ = __rmatmul__ = _refuse("arithmetic (@)")
    __neg__, __pos__, __abs__ = _refuse("arithmetic (-)"), _refuse("arithmetic (+)"), _refuse("abs()")
    __lt__, __le__ = _refuse("comparing it (<)"), _refuse("comparing it (<=)")
    __gt__, __ge__ = _refuse("comparing it (>)"), _refuse("comparing it (>=)")
    __bool__, __float__, __int__ = _refuse("its truth value"), _refuse("float()"), _refuse("int()")

    def _refuse_numbers(what):  # == with numbers and arrays; other objects (None, strings) are just unequal
        def compared(self, other):
            if isinstance(other, (numbers.Number, np.ndarray, np.generic, TensorMath)):
                raise self._refusal(what)
            return NotImplemented
        return compared

    __eq__, __ne__ = _refuse_numbers("comparing it (==)"), _refuse_numbers("comparing it (!=)")
    __hash__ = tuple.__hash__
    del _refuse, _refuse_numbers


class TensorMath:
    """Operators, elementwise functions, comparisons and reductions of `Tensor`."""

    __slots__ = ()

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other):
        return ops.Add.apply(self, _operand(other))

    def __radd__(self, other):
        return ops.Add.apply(_operand(other), self)

    def __sub__(self, other):
        return ops.Sub.apply(self, _operand(other))

    def __rsub__(self, other):
        return ops.Sub.apply(_operand(other), self)

    def __mul__(self, other):
        return ops.Mul.apply(self, _operand(other))

    def __rmul__(self, other):
        return ops.Mul.apply(_operand(other), self)

    def __truediv__(self, other):
        return ops.Div.apply(self, _operand(other))

    def __rtruediv__(self, other):
        return ops.Div.apply(_operand(other), self)

    def __neg__(self):
        return ops.Neg.apply(self)

    def __pos__(self):
        return self

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float, np.integer, np.floating)) and not isinstance(exponent, bool):
            return ops.PowConst.apply(self, exponent=exponent)
        return ops.Pow.apply(self, _operand(exponent))

    def __rpow__(self, base):
        return ops.Pow.apply(_operand(base), self)

    def pow(self, exponent) -> Tensor:
        """``self ** exponent`` (PyTorch's name)."""
        return self**exponent

    def __matmul__(self, other):
        return ops.Matmul.apply(self, tensor.as_tensor(other))

    def __rmatmul__(self, other):
        return ops.Matmul.apply(tensor.as_tensor(other), self)

    def matmul(self, other) -> Tensor:
        """Matrix product, with NumPy's rules for 1-D and batched operands (same as ``@``)."""
        return self @ other

    def dot(self, other) -> Tensor:
        """NumPy's ``dot``: a product for 0-d, ``@`` for 1-D and 2-D, and for N-D a sum over
        the last axis of ``self`` and the second-to-last of ``other``."""
        other = tensor.as_tensor(other, self)
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if other.ndim <= 2:
            return self @ other
        # move other's contracted axis to the front, flatten the rest, then restore the shape
        axes = (other.ndim - 2,) + tuple(i for i in range(other.ndim) if i != other.ndim - 2)
        flat = other.transpose(axes).reshape(other.shape[-2], -1)
        return (self @ flat).reshape(self.shape[:-1] + other.shape[:-2] + other.shape[-1:])

    # ------------------------------------------------------------------ comparisons (no gradient)
    def _compare(self, other, comparison):
        if not isinstance(other, (TensorMath, numbers.Number, np.ndarray, list, tuple)):
            return NotImplemented  # t == None is False, as for any object
        return ops.NoGradient.apply(self, _operand(other), function=comparison)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    __hash__ = object.__hash__  # identity hash, although == is elementwise (as in PyTorch)

    def any(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """True where any element is non-zero (no gradient), as NumPy's ``any``."""
        return self._no_gradient(np.any, "any", axis, keepdims, dim, keepdim)

    def all(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """True where every element is non-zero (no gradient), as NumPy's ``all``."""
        return self._no_gradient(np.all, "all", axis, keepdims, dim, keepdim)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """Index of the largest element (no gradient), as NumPy's ``argmax``."""
        return self._no_gradient(np.argmax, "argmax", axis, keepdims, dim, keepdim)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """Index of the smallest element (no gradient), as NumPy's ``argmin``."""
        return self._no_gradient(np.argmin, "argmin", axis, keepdims, dim, keepdim)

    def _no_gradient(self, function, name, axis, keepdims, dim, keepdim):
        axis, keepdims = reduction_axis(name, self.data.shape, axis, keepdims, dim, keepdim)
        if isinstance(axis, tuple) and function in (np.argmax, np.argmin):
            raise TypeError(f"{name}: takes one axis (an int) or None, not the tuple {axis}")
        return ops.NoGradient.apply(self, function=function, axis=axis, keepdims=keepdims)

    # ------------------------------------------------------------------ elementwise functions
    def exp(self) -> Tensor:
        """e^x, elementwise.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1.0]).exp()
        Tensor([1.        , 2.71828183])
        """
        return ops.Exp.apply(self)

    def log(self) -> Tensor:
        """Natural logarithm, elementwise. ``log(0) = -inf`` and below 0 the value is NaN, as in NumPy
        (with its warning).

        >>> import tinygrad_edu as tg
        >>> tg.tensor([1.0, 100.0]).log()
        Tensor([0.        , 4.60517019])
        """
        return ops.Log.apply(self)

    def sqrt(self) -> Tensor:
        """Square root, elementwise: ``x ** 0.5`` (so its gradient at 0 is ``inf``).

        >>> import tinygrad_edu as tg
        >>> tg.tensor([4.0, 2.0]).sqrt()
        Tensor([2.        , 1.41421356])
        """
        return self**0.5

    def sin(self) -> Tensor:
        """sin x (radians), elementwise.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 3.14159265 / 2]).sin()
        Tensor([0., 1.])
        """
        return ops.Sin.apply(self)

    def cos(self) -> Tensor:
        """cos x (radians), elementwise.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 3.14159265]).cos()
        Tensor([ 1., -1.])
        """
        return ops.Cos.apply(self)

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, elementwise, in (-1, 1).

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1.0]).tanh()
        Tensor([0.        , 0.76159416])
        """
        return ops.Tanh.apply(self)

    def tan(self) -> Tensor:
        """tan x (radians), elementwise. Poles at odd multiples of pi/2.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 0.7853981633974483]).tan()
        Tensor([0., 1.])
        """
        return ops.Tan.apply(self)

    def arctan(self) -> Tensor:
        """Inverse tangent, elementwise, in (-pi/2, pi/2). PyTorch's name: ``atan``.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1.0]).arctan()
        Tensor([0.        , 0.78539816])
        """
        return ops.Arctan.apply(self)

    def arcsin(self) -> Tensor:
        """Inverse sine of x in [-1, 1], in [-pi/2, pi/2]; NaN outside [-1, 1], as in NumPy.
        PyTorch's name: ``asin``.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1.0]).arcsin()
        Tensor([0.        , 1.57079633])
        """
        return ops.Arcsin.apply(self)

    def arccos(self) -> Tensor:
        """Inverse cosine of x in [-1, 1], in [0, pi]; NaN outside. PyTorch's name: ``acos``.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([1.0, 0.0]).arccos()
        Tensor([0.        , 1.57079633])
        """
        return ops.Arccos.apply(self)

    def arctan2(self, other) -> Tensor:
        """The angle of the point (x, y) for ``y.arctan2(x)``, in (-pi, pi]: NumPy's
        ``np.arctan2(y, x)``, PyTorch's ``y.atan2(x)``.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([1.0, 1.0]).arctan2(tg.tensor([1.0, -1.0]))
        Tensor([0.78539816, 2.35619449])
        """
        return ops.Arctan2.apply(self, _operand(other))

    def sinh(self) -> Tensor:
        """Hyperbolic sine, elementwise.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1.0]).sinh()
        Tensor([0.        , 1.17520119])
        """
        return ops.Sinh.apply(self)

    def cosh(self) -> Tensor:
        """Hyperbolic cosine, elementwise.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1.0]).cosh()
        Tensor([1.        , 1.54308063])
        """
        return ops.Cosh.apply(self)

    def log10(self) -> Tensor:
        """Base-10 logarithm, elementwise. ``log10(0) = -inf``, NaN below 0, as `log`.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([1.0, 1000.0]).log10()
        Tensor([0., 3.])
        """
        return ops.Log10.apply(self)

    def log2(self) -> Tensor:
        """Base-2 logarithm, elementwise. ``log2(0) = -inf``, NaN below 0, as `log`.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([1.0, 8.0]).log2()
        Tensor([0., 3.])
        """
        return ops.Log2.apply(self)

    def log1p(self) -> Tensor:
        """ln(1 + x), elementwise, accurate where x is tiny. -inf at -1, NaN below.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1e-20]).log1p()
        Tensor([0.e+00, 1.e-20])
        """
        return ops.Log1p.apply(self)

    def expm1(self) -> Tensor:
        """e^x - 1, elementwise, accurate where x is tiny.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1e-20]).expm1()
        Tensor([0.e+00, 1.e-20])
        """
        return ops.Expm1.apply(self)

    # PyTorch's names for the inverse functions
    atan, asin, acos, atan2 = arctan, arcsin, arccos, arctan2

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-x), elementwise, finite and warning-free for any x.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 2.0]).sigmoid()
        Tensor([0.5       , 0.88079708])
        """
        return ops.Sigmoid.apply(self)

    def softplus(self) -> Tensor:
        """log(1 + e^x), elementwise: a smooth relu, finite for any x.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([-1000.0, 1000.0]).softplus().tolist()
        [0.0, 1000.0]
        """
        return ops.Softplus.apply(self)

    def relu(self) -> Tensor:
        """max(x, 0), elementwise.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([-1.0, 0.0, 2.0]).relu()
        Tensor([0., 0., 2.])
        """
        return ops.Relu.apply(self)

    def abs(self) -> Tensor:
        """|x|, elementwise.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([-1.5, 2.0]).abs()
        Tensor([1.5, 2. ])
        """
        return ops.Abs.apply(self)

    __abs__ = abs

    def maximum(self, other) -> Tensor:
        """The elementwise larger of ``self`` and ``other`` (broadcast).

        >>> import tinygrad_edu as tg
        >>> tg.tensor([1.0, 5.0]).maximum(tg.tensor([3.0, 2.0]))
        Tensor([3., 5.])
        """
        return ops.Maximum.apply(self, _operand(other))

    def minimum(self, other) -> Tensor:
        """The elementwise smaller of ``self`` and ``other`` (broadcast).

        >>> import tinygrad_edu as tg
        >>> tg.tensor([1.0, 5.0]).minimum(tg.tensor([3.0, 2.0]))
        Tensor([1., 2.])
        """
        return ops.Minimum.apply(self, _operand(other))

    def clip(self, min=None, max=None) -> Tensor:  # noqa: A002 - NumPy's and PyTorch's names
        """Clamp into [min, max] (either may be None).

        The bounds are numbers, or tensors (arrays) that broadcast against ``self``; a bound
        that requires grad gets the gradient where it is the result, as in PyTorch.
        """
        if min is None and max is None:
            raise ValueError("clip: give min=, max= or both")
        if isinstance(min, (numbers.Number, type(None))) and isinstance(max, (numbers.Number, type(None))):
            return ops.Clip.apply(self, low=min, high=max)
        out = self  # bounds given per element: pick with where, so each side gets its own gradient
        if min is not None:
            out = tensor.where(out < min, min, out)
        if max is not None:
            out = tensor.where(out > max, max, out)
        return out

    clamp = clip  # PyTorch's name

    # ------------------------------------------------------------------ reductions
    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """Sum over ``axis`` (an int, a tuple, or None for all), as NumPy's ``sum``."""
        axis, keepdims = reduction_axis("sum", self.data.shape, axis, keepdims, dim, keepdim)
        return ops.Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """Mean over ``axis``, written as ``sum / n``."""
        axis, keepdims = reduction_axis("mean", self.data.shape, axis, keepdims, dim, keepdim)
        total = self.sum(axis, keepdims)
        return total / (self.data.size // max(total.data.size, 1))

    def var(self, axis=None, *, keepdims=False, ddof=None, dim=None, keepdim=None, correction=None,
            unbiased=None) -> Tensor:
        """Variance: the mean squared deviation, divided by n - ddof.

        NumPy's call, ``t.var(axis=0)``, divides by n (``ddof=0``); PyTorch's, ``t.var(dim=0)``,
        by n - 1, as ``torch.var`` does -- the keyword you use says which you mean.
        ``ddof=``, ``correction=`` and ``unbiased=`` set it explicitly. With n - ddof <= 0 the
        result is inf, as in NumPy (with its warning).

        >>> import tinygrad_edu as tg
        >>> t = tg.tensor([1.0, 2.0, 3.0, 4.0])
        >>> t.var(axis=0).item(), t.var(dim=0).item(), t.var(ddof=1).item()
        (1.25, 1.6666666666666667, 1.6666666666666667)
        """
        ddof = _degrees_of_freedom(ddof, correction, unbiased, pytorch_style=dim is not None)
        axis, keepdims = reduction_axis("var", self.data.shape, axis, keepdims, dim, keepdim)
        centered = self - self.mean(axis, keepdims=True)
        total = (centered * centered).sum(axis, keepdims)
        count = self.data.size // max(total.data.size, 1)
        return total / max(count - ddof, 0)

    def std(self, axis=None, *, keepdims=False, ddof=None, dim=None, keepdim=None, correction=None,
            unbiased=None) -> Tensor:
        """Standard deviation, ``sqrt(var)``, with the same ``ddof`` rule as `var`. Where it is
        0 its gradient is NaN (the slope of sqrt at 0 times 0; PyTorch gives 0 there)."""
        reduction_axis("std", self.data.shape, axis, keepdims, dim, keepdim)  # errors name std, not var
        return self.var(axis, keepdims=keepdims, ddof=ddof, dim=dim, keepdim=keepdim, correction=correction,
                        unbiased=unbiased).sqrt()

    def max(self, dim=None, keepdim=None, *, axis=None, keepdims=False):
        """Largest element(s) (`ops.Max`: tied elements share the gradient). What comes back
        follows the form of the call:

        * NumPy's keyword ``axis=`` (``t.max(axis=1)``), or no axis (``t.max()``): the values,
          as ``np.max``; ``np.max(t, 1)`` is NumPy's function, so the values too;
        * an axis given positionally or as PyTorch's ``dim=`` (``t.max(1)``, ``t.max(dim=1)``,
          ``tg.max(t, 1)``, ``t.max(1, True)`` with keepdim): PyTorch's pair ``(values,
          indices)``, so ``_, predicted = tg.max(logits, 1)`` works as in PyTorch. The pair
          refuses arithmetic (`MaxResult`): ``t.max(1) * 2`` is an error that says to take
          ``.values`` or write ``axis=1``;
        * another tensor, ``tg.max(a, b)``: the elementwise `maximum`, as ``torch.max(a, b)``.

        >>> import tinygrad_edu as tg
        >>> t = tg.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> t.max(axis=1)
        Tensor([5., 7.])
        >>> values, indices = t.max(1)
        >>> indices
        Tensor([1, 0], dtype=int64)
        >>> t.max(dim=1).values
        Tensor([5., 7.])
        """
        return self._extreme(ops.Max, np.argmax, "max", dim, keepdim, axis, keepdims)

    def min(self, dim=None, keepdim=None, *, axis=None, keepdims=False):
        """Smallest element(s) (`ops.Min`). The same rule as `max`:
        ``axis=`` or no axis give the values (NumPy), a positional axis or ``dim=`` the pair
        ``(values, indices)`` (PyTorch), another tensor the elementwise `minimum`."""
        return self._extreme(ops.Min, np.argmin, "min", dim, keepdim, axis, keepdims)

    def _extreme(self, op, position, name, dim, keepdim, axis, keepdims):
        if isinstance(dim, (TensorMath, np.ndarray)):  # torch.max(a, b): the elementwise maximum
            if keepdim is not None or axis is not None or keepdims:
                raise TypeError(f"{name}(other): the elementwise {name} of two tensors takes no axis or keepdim")
            return self.maximum(dim) if name == "max" else self.minimum(dim)
        pytorch_style = dim is not None
        if pytorch_style and isinstance(dim, (tuple, list)):
            raise TypeError(
                f"{name}({dim!r}): an axis given positionally or as dim= follows PyTorch's {name}, which takes one "
                f"dim (an int) and returns (values, indices); write {name}(axis={tuple(dim)!r}) for NumPy's values"
            )
        axis, keepdims = reduction_axis(name, self.data.shape, axis, keepdims, dim, keepdim)
        values = op.apply(self, axis=axis, keepdims=keepdims)
        if not pytorch_style:
            return values
        indices = ops.NoGradient.apply(self, function=position, axis=axis, keepdims=keepdims)
        return MaxResult(values, indices, name, dim, keepdims)

    def softmax(self, axis=-1, *, dim=None) -> Tensor:
        """e^x / sum(e^x) along ``axis``; shifted by the max first so e^x cannot overflow.

        >>> import tinygrad_edu as tg
        >>> tg.tensor([0.0, 1000.0]).softmax().tolist()
        [0.0, 1.0]
        """
        axis, _ = reduction_axis("softmax", self.data.shape, axis, False, dim, default=-1)
        if self.data.size == 0:  # nothing to normalise (NumPy's max has no answer for an empty axis)
            return self * 1.0
        return ops.Softmax.apply(self, axis=axis)

    def log_softmax(self, axis=-1, *, dim=None) -> Tensor:
        """x - log(sum(e^x)) along ``axis``, computed with the log-sum-exp trick (no overflow)."""
        axis, _ = reduction_axis("log_softmax", self.data.shape, axis, False, dim, default=-1)
        if self.data.size == 0:
            return self * 1.0
        return ops.LogSoftmax.apply(self, axis=axis)


def _degrees_of_freedom(ddof, correction, unbiased, pytorch_style):
    given = [(name, value) for name, value in (("ddof", ddof), ("correction", correction), ("unbiased", unbiased))
             if value is not None]
    if len(given) > 1:
        raise TypeError(f"var: got {' and '.join(n + '=' for n, _ in given)}; give one (they mean the same)")
    if not given:
        return 1 if pytorch_style else 0
    name, value = given[0]
    if name == "unbiased":
        return int(bool(value))
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise TypeError(f"var: {name} must be an int >= 0, got {value!r}")
    return int(value)


def reduction_axis(op, shape, axis, keepdims, dim=None, keepdim=None, default=None):
    """``(axis, keepdims)`` from NumPy's names or PyTorch's (``dim``, ``keepdim``), never both
    (``default`` is the op's own default axis, which ``dim`` may replace).

    NumPy accepts an int, a tuple, or None for ``axis``; lists become tuples. An axis out of
    range is refused here, naming the op, the shape and the valid range.
    """
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim, axis = None, default if axis is None else axis  # PyTorch: dim=[] means every axis
    axis = numpy_or_pytorch_axis(op, axis, dim, default)
    if len(shape) == 0 and axis in (0, -1):
        axis = None  # a 0-d tensor's one "axis", as NumPy and PyTorch accept it
    if keepdim is not None:
        if keepdims:
            raise TypeError(f"{op}: got both keepdims= and keepdim=; give one (they mean the same)")
        keepdims = keepdim
    return check_axis(axis, shape, op), bool(keepdims)


def numpy_or_pytorch_axis(op, axis, dim, default=None):
    """The axis given as NumPy's ``axis=`` or PyTorch's ``dim=`` (both given: an error)."""
    if dim is None:
        return axis
    if axis != default:
        raise TypeError(f"{op}: got both axis={axis!r} and dim={dim!r}; give one (they mean the same)")
    return dim


def check_axis(axis, shape, op):
    """``axis`` as NumPy takes it -- an int, a tuple of ints (a list becomes one) or None --
    each checked against ``shape`` by `adjoint_helpers.normalize_axis`, the one rule for every op."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    if axis is not None:
        for a in axis if isinstance(axis, tuple) else (axis,):
            ops.adjoint_helpers.normalize_axis(a, shape, op)
    return axis


def _operand(value):
    """The other operand of an operator: Tensors and numbers as they are (a number needs no
    Tensor of its own, and NumPy keeps a float32 tensor float32 next to it), a NumPy array of
    numbers as it is (a constant, not copied, as NumPy would use it), anything else (lists, and
    ndarray subclasses, which `tensor.plain_array` checks) as a constant Tensor."""
    if isinstance(value, (TensorMath, int, float, np.number)):
        return value
    if type(value) is np.ndarray and value.dtype.kind in "biuf":  # not a subclass: np.matrix's * is @
        return value
    return tensor.as_tensor(value)


from . import tensor  # noqa: E402 - tensor.py builds Tensor on this class; as_tensor lives there

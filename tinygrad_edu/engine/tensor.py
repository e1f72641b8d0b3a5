"""`Tensor`: a NumPy array that remembers how it was computed.

This file holds what makes a tensor a tensor: its array, its gradient and ``backward()``,
in-place updates and their version counter. The math (operators, functions, reductions) is in
tensor_math.py and the shape methods (reshape, transpose, indexing, casts) in tensor_shape.py;
`Tensor` inherits both. Each of those methods is a thin call into a primitive op
(`tinygrad_edu.engine.ops`), which records a node in the graph when some input requires grad
and recording is on; ``backward()`` then walks that graph (`tinygrad_edu.autograd`). NumPy's
own functions work on Tensors too (``np.sin(t)``): see numpy_protocol.py.

>>> import tinygrad_edu as tg
>>> x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> y = (x * x).sum()          # y = x1^2 + x2^2 + x3^2
>>> y.backward()
>>> x.grad                     # dy/dx = 2x
Tensor([2., 4., 6.])
"""
from __future__ import annotations

import collections
import sys
import warnings
import weakref

import numpy as np

from . import concrete, function, ops
from .function import shape_str
from .grad_mode import clock, grad_mode
from .tensor_math import TensorMath, _operand, numpy_or_pytorch_axis
from .why_no_grad import explain_grad
from .tensor_shape import TensorShape, shape_arg as _shape_arg  # noqa: F401 - _shape_arg for creation.py

_DEFAULT_DTYPE = np.float64


def plain_array(array) -> np.ndarray:
    """An instance of an ndarray subclass as a plain ndarray (the same memory), or a TypeError
    for the subclasses whose arithmetic means something else: a Tensor follows NumPy's plain
    arrays, and would silently drop what makes those special.

    * ``np.matrix``: ``*`` is its matrix product and it stays 2-D;
    * ``np.ma.MaskedArray``: the mask would be lost, the hidden values used.

    Others (``np.memmap``, ...) hold plain values and are used as arrays.
    """
    if isinstance(array, np.matrix):
        raise TypeError(
            f"{_type_name(array)} is not supported as tensor data or operand: its * is a matrix product and it "
            "stays 2-D, where a Tensor follows NumPy's arrays. Give np.asarray(m) (and write @ for the matrix "
            "product)."
        )
    if isinstance(array, np.ma.MaskedArray):
        raise TypeError(
            f"{_type_name(array)} is not supported as tensor data or operand: the mask would be lost and the "
            "hidden values used. Give m.filled(value) to fill the masked places, or m.compressed() for the "
            "unmasked values alone."
        )
    return array.view(np.ndarray)


def _called_from_the_library() -> bool:
    """True when the code reading ``t.data`` (two frames up) is tinygrad_edu's own: ops and helpers
    read values to compute with them. Only your code's reads are checked inside a transform."""
    return sys._getframe(2).f_globals.get("__name__", "").startswith("tinygrad_edu.")


def _type_name(value) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _to_array(data, dtype=None) -> np.ndarray:
    """Convert user data to an array we own: float64 unless floats of another width were given."""
    if isinstance(data, Tensor):
        data = data._array
    elif isinstance(data, np.ndarray) and type(data) is not np.ndarray:
        data = plain_array(data)
    elif isinstance(data, (list, tuple)) and len(data) and isinstance(data[0], np.ndarray):  # a list of arrays
        for item in data:
            if type(item) is not np.ndarray and isinstance(item, np.ndarray):
                plain_array(item)  # refuses np.matrix and masked arrays here too
    elif isinstance(data, float) and type(data) is not float:
        data = float(data)  # a float subclass hands over its value through float() (see programs/compile.py)
    try:
        array = np.array(data, dtype=dtype)  # always a copy: a Tensor never aliases the caller's array
    except ValueError as error:
        raise ValueError(
            f"Tensor: cannot make an array from {type(data).__name__} data ({error}). Nested "
            "lists must be rectangular: every row the same length."
        ) from None
    except concrete.ConcretizationError:
        raise  # tg.tensor([x, y]) of differentiated tensors inside a transform: its own message
    except TypeError as error:
        raise TypeError(f"Tensor: cannot make an array from {type(data).__name__} data: {error}") from None
    kind = array.dtype.kind
    if kind in "iu" and dtype is None:
        return array.astype(_DEFAULT_DTYPE)
    if kind in "fbiu":
        return array
    what = {"c": "complex numbers", "U": "strings", "S": "bytes", "O": "Python objects"}.get(kind, str(array.dtype))
    raise TypeError(
        f"Tensor: data of {what} (dtype {array.dtype}) is not supported; give real numbers "
        "(a list, a NumPy array of floats or ints, or a Python number)."
    )


def _check_can_require_grad(array, flag):
    if flag and array.dtype.kind != "f":
        raise TypeError(
            f"Tensor: only floating-point tensors can require grad, but this one has dtype "
            f"{array.dtype}. Drop dtype= or use dtype=np.float64."
        )


class Tensor(TensorMath, TensorShape):
    """An n-dimensional array with automatic differentiation.

    ``Tensor(data, requires_grad=False, dtype=None, name=None)``: ``data`` is a number, a
    (nested) list or an array; it is copied. The dtype is float64 unless the data is a floating
    array of another width (float32 stays float32), booleans, or ``dtype=`` says otherwise.

    >>> import tinygrad_edu as tg
    >>> w = tg.Tensor([[1, 2], [3, 4]], requires_grad=True, name="w")
    >>> w.shape, w.dtype
    ((2, 2), dtype('float64'))

    Attributes: ``data`` (the NumPy array, always an ndarray), ``requires_grad``, ``grad`` (a
    Tensor or None), ``grad_fn`` (the op node that made it, None for a leaf), ``name`` (a label
    for drawings, traces and generated code), ``path`` (where a Module keeps it, such as
    ``"layers.0.weight"``, given the first time the model runs).
    """

    __slots__ = ("_array", "requires_grad", "grad_fn", "_grad", "_origin", "__dict__", "__weakref__")
    # Rarely set, so class-level defaults: a tensor stores them only when they change.
    name = None
    path = None  # where a Module keeps it ("layers.0.weight"), set the first time the model runs
    _versions = None  # the version counter of its memory (`Versions`), made at the first need
    _hooks = None  # gradient hooks of a leaf
    _borrowed = False  # True when the array is the caller's own (as_tensor): a recorded op copies it

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        if grad_mode.watched and isinstance(data, Tensor):  # tg.tensor(x) inside a transform: x's graph would end
            concrete.check_conversion(data, "tensor")
        array = _to_array(data, dtype)
        _check_can_require_grad(array, requires_grad)
        if grad_mode.recorder is not None and isinstance(data, (np.ndarray, Tensor)):
            # a program is being written: the copy is made from the array at every call, never
            # frozen at the traced call's values (tg.tensor(x) of an argument x)
            source = data._array if isinstance(data, Tensor) else data
            grad_mode.recorder.made(array, "np.array", (source, array.dtype), "tensor")
        self._array = array
        self.requires_grad = bool(requires_grad)
        self.grad_fn = None
        self._grad = None
        self._origin = None
        if name is not None:
            self.name = name

    @staticmethod
    def _make(data, requires_grad=False, grad_fn=None, origin=None):
        """Fast internal constructor for arrays the engine made itself: no checks, no copy."""
        t = _new(Tensor)
        t._array = data
        t.requires_grad = requires_grad
        t.grad_fn = grad_fn
        t._grad = None
        t._origin = origin
        return t

    # ------------------------------------------------------------------ array attributes
    @property
    def data(self) -> np.ndarray:
        """The values, a NumPy array (always an ndarray, 0-d included).

        Assigning replaces the values without autograd noticing -- PyTorch's escape hatch,
        ``w.data = w.data - lr * w.grad`` -- so the new value is checked and made an array of
        numbers first: a Tensor gives its array, a list or number becomes an array.

        Inside a transform, your code reading ``x.data`` of the tensor being differentiated (or
        of a result computed from it) is refused, as ``float(x)`` is (see `item`): its values
        would carry no derivative. The same under `tg.compile`, for the tensors the program
        computes or reads afresh.
        """
        if grad_mode.watched or grad_mode.recorder is not None:
            if not _called_from_the_library():
                concrete.check_conversion(self, "data")
        return self._array

    @data.setter
    def data(self, value):
        if self._origin == "hook":
            raise hook_change_refused("'g.data = ...'")
        if isinstance(value, Tensor):
            value = value._array
        elif type(value) is not np.ndarray or value.dtype.kind not in "fiub":  # subclasses: see plain_array
            value = _to_array(value, self._array.dtype if self._array.dtype.kind == "f" else None)
        _check_can_require_grad(value, self.requires_grad)
        self._array = value

    @property
    def shape(self) -> tuple:
        """The array's shape, a tuple (``()`` for a single number)."""
        return self._array.shape

    @property
    def ndim(self) -> int:
        """The number of axes."""
        return self._array.ndim

    @property
    def size(self) -> int:
        """Number of elements (NumPy's ``size``)."""
        return self._array.size

    @property
    def dtype(self):
        """The NumPy dtype (float64 unless float32 or another dtype was asked for)."""
        return self._array.dtype

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied: writing to it changes the tensor).

        Inside a transform (``tg.grad``, ``tg.derivative``, ...) a tensor being differentiated
        has no array to hand out: see `item`."""
        if grad_mode.watched or grad_mode.recorder is not None:
            concrete.check_conversion(self, "numpy")
        return self._array

    def __array__(self, dtype=None, copy=None):
        if sys._getframe(1).f_globals.get("__name__") == "numpy.ma.core":  # np.ma.array(...) * t, m + t
            plain_array(np.ma.masked_array(()))  # refused as any masked operand is, with its message
        if grad_mode.watched or grad_mode.recorder is not None:
            concrete.check_conversion(self, "array")
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return numpy_protocol.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return numpy_protocol.array_function(func, types, args, kwargs)

    def item(self):
        """The single number in a one-element tensor, as a Python float (or bool/int).

        Inside a transform (``tg.grad``, ``tg.derivative``, ``tg.compile``, ...) the tensor being
        differentiated cannot become a number -- its derivative would silently be lost -- so
        this, ``float()``, ``int()``, ``tolist()`` and ``np.asarray()`` raise
        `tg.ConcretizationError` there (engine/concrete.py). Outside them, ``loss.item()`` is the
        way to log a loss.
        """
        if grad_mode.watched or grad_mode.recorder is not None:
            concrete.check_conversion(self, "item")
        return self._one_number()

    def _one_number(self):
        if self.data.size != 1:
            raise ValueError(
                f"item(): the tensor has shape {shape_str(self.shape)} ({self.data.size} "
                "elements); item() needs exactly one. Index it or reduce it first (t.sum())."
            )
        return self.data.item()

    def tolist(self):
        """The values as (nested) Python lists."""
        if grad_mode.watched or grad_mode.recorder is not None:
            concrete.check_conversion(self, "tolist")
        return self.data.tolist()

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor (a single number) is undefined")
        return self.data.shape[0]

    def __iter__(self):
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor (a single number)")
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(
                f"The truth value of a tensor with {self.data.size} elements is ambiguous; "
                "use t.any() or t.all()."
            )
        if grad_mode.recorder is not None:
            concrete.check_conversion(self, "bool")
        return bool(self.data)

    def __float__(self):
        if grad_mode.watched or grad_mode.recorder is not None:
            concrete.check_conversion(self, "float")
        return float(self._one_number())

    def __int__(self):
        if grad_mode.watched or grad_mode.recorder is not None:
            concrete.check_conversion(self, "int")
        return int(self._one_number())

    def __round__(self, ndigits=None):
        if grad_mode.watched or grad_mode.recorder is not None:
            concrete.check_conversion(self, "round")
        return round(self._one_number(), ndigits)

    def __format__(self, spec):
        if spec and self.data.size == 1:  # printing hands no number to the computation: always allowed
            return format(self._one_number(), spec)
        return format(str(self), spec)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extras = []
        if self.dtype != _DEFAULT_DTYPE:
            extras.append(f"dtype={self.dtype}")
        if self.requires_grad:
            extras.append("requires_grad=True")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{self.grad_fn.describe()}>")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    @property
    def label(self):
        """What drawings, traces and generated code call this tensor: its ``name``, else where
        a Module keeps it (``layers.0.weight``), else None."""
        return self.name or self.path

    # ------------------------------------------------------------------ autograd
    @property
    def grad(self):
        """The gradient accumulated by ``backward()`` (a Tensor), or None.

        None has a reason; ``tg.explain_grad(t)`` says which one. As in PyTorch, backward keeps
        ``.grad`` for leaves only: reading it on an intermediate result (micrograd keeps it
        there) warns and names the calls that give it -- ``t.retain_grad()`` before backward,
        or ``tg.autograd.latest_gradient(t)``, the gradient the latest backward sent to ``t``
        (what drawings show).
        """
        g = self._grad
        if g is None and self.grad_fn is not None and self.grad_fn.retained is None:
            _warn_intermediate_grad(self)
        return g

    @grad.setter
    def grad(self, value):
        if value is not None:  # a Tensor is kept as it is; other data is copied, in this tensor's dtype
            value = value if isinstance(value, Tensor) else Tensor._make(_to_array(value, self.data.dtype))
            if value.shape != self.shape:
                raise ValueError(
                    f"grad: assigned a gradient of shape {shape_str(value.shape)} to a tensor "
                    f"of shape {shape_str(self.shape)}; the shapes must be equal."
                )
            if value.dtype != self.dtype:  # every gradient has its tensor's dtype
                value = value.astype(self.dtype)
        self._grad = value
        if grad_mode.recorder is not None:
            grad_mode.recorder.set_grad(self, value)

    def zero_grad(self):
        """Forget the accumulated gradient (sets ``.grad`` to None)."""
        self.grad = None

    @property
    def is_leaf(self) -> bool:
        """True for tensors not made by a recorded op (the ones whose ``.grad`` gets filled)."""
        return self.grad_fn is None

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Accumulate the gradient of this tensor into the ``.grad`` of every leaf it depends on.

        ``gradient`` is required when the tensor holds more than one number (it is the
        vector in the vector-Jacobian product). The arrays ops saved are freed afterwards
        unless ``retain_graph=True`` (the graph itself stays, with its values and gradients, for
        drawings); ``create_graph=True`` records the backward computation itself so that the
        gradients can be differentiated again.
        """
        autograd.backward(self, gradient, retain_graph, create_graph)

    def detach(self) -> Tensor:
        """The same values (shared memory, and so one version counter), cut out of the graph: no
        gradient flows through."""
        detached = Tensor._make(self.data, False, None, "detach")
        detached._versions = self.versions()
        if self._borrowed:
            detached._borrowed = True
        return detached

    def requires_grad_(self, requires_grad=True) -> Tensor:
        """Turn gradient tracking on (or off) for a leaf, in place; returns the tensor."""
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(
                "requires_grad_(False) on a tensor computed by an op: use .detach() to get a "
                "copy outside the graph."
            )
        _check_can_require_grad(self.data, requires_grad)
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> Tensor:
        """Keep this intermediate tensor's gradient in ``.grad`` during backward (leaves always do)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad. " + _explain(self))
        if self.grad_fn is not None:
            self.grad_fn.retained = weakref.ref(self)
        return self

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor replaces it.

        Returns a handle whose ``remove()`` unregisters the hook.

        >>> import tinygrad_edu as tg
        >>> x = tg.tensor(2.0, requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 10)
        >>> (x * 3).backward()
        >>> x.grad.item()
        30.0
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook() on a tensor that does not require grad. " + _explain(self))
        owner = self.grad_fn if self.grad_fn is not None else self
        attribute = "hooks" if self.grad_fn is not None else "_hooks"
        hooks = getattr(owner, attribute)
        if hooks is None:
            hooks = []
            setattr(owner, attribute, hooks)
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    # in-place updates: see _update_in_place for the rules
    def __iadd__(self, other):
        return self._update_in_place("+=", other, np.add, Tensor.__add__)

    def __isub__(self, other):
        return self._update_in_place("-=", other, np.subtract, Tensor.__sub__)

    def __imul__(self, other):
        return self._update_in_place("*=", other, np.multiply, Tensor.__mul__)

    def __itruediv__(self, other):
        return self._update_in_place("/=", other, np.true_divide, Tensor.__truediv__)

    def _update_in_place(self, symbol, other, ufunc, out_of_place):
        """``a += b`` and friends.

        * recording, and ``a`` is a leaf that requires grad: refused -- changing a parameter's
          values behind autograd's back would make its gradients wrong; update it under
          ``tg.no_grad()`` (the ``w -= lr * w.grad`` idiom);
        * recording, and the update involves the graph: ``a = a + b``, a new node, so loops in
          micrograd's style (``total += w * x``) keep their gradients;
        * otherwise: the array is updated in place and the tensor's version is bumped.
        """
        if self._origin == "hook":  # checked first: under create_graph 'g *= 2' would rebind g, changing nothing
            raise hook_change_refused(f"'{symbol}'")
        other = _operand(other)
        if grad_mode.recorder is not None:  # a program is being written: it may take numbers as arguments
            (other,) = grad_mode.recorder.unwrap((other,))
        other_requires_grad = isinstance(other, Tensor) and other.requires_grad
        if grad_mode.enabled and (self.requires_grad or other_requires_grad):
            if self.grad_fn is None and self.requires_grad:
                raise RuntimeError(
                    f"'{symbol}' would change a leaf tensor that requires grad (shape "
                    f"{shape_str(self.shape)}) while autograd is recording. Update parameters "
                    f"inside 'with tg.no_grad():', e.g. w -= lr * w.grad, or write w = w {symbol[0]} ... "
                    "to make a new tensor."
                )
            return out_of_place(self, other)
        value = other.data if isinstance(other, Tensor) else other
        try:
            ufunc(self.data, value, out=self.data, casting="same_kind")
        except ValueError:
            raise ValueError(
                f"'{symbol}': cannot update a tensor of shape {shape_str(self.shape)} in place "
                f"with a value of shape {shape_str(np.shape(value))}; the result must keep the "
                "shape of the left side. Write a = a + b for a broadcast result."
            ) from None
        except TypeError:
            raise TypeError(
                f"'{symbol}': cannot update a {self.dtype} tensor in place with {np.result_type(value)} "
                "values; convert one of them first."
            ) from None
        if grad_mode.recorder is not None:
            grad_mode.recorder.in_place(self, symbol, other)
        self._note_in_place()
        return self

    def _note_in_place(self):
        """Record that the values changed in place: bump the version and remember when.

        Backward compares these ticks with the tick of each op that used the tensor, so an op
        whose saved input changed after the forward pass is caught instead of giving a wrong
        gradient. Views (reshape, transpose, slices, ``detach()``) share the counter of the
        memory they read, so a change through any of them is seen by all.
        """
        self.versions().bump()

    def versions(self):
        """The version counter of this tensor's memory (made on first use)."""
        if self._versions is None:
            self._versions = _new(Versions)
        return self._versions

    @property
    def _version(self) -> int:
        return 0 if self._versions is None else self._versions.version

    @property
    def _changed_at(self) -> int:
        return 0 if self._versions is None else self._versions.changed_at

    @property
    def _history(self):
        return None if self._versions is None else self._versions.history

    def version_at(self, tick) -> int:
        """The version this tensor had at the clock's ``tick`` (for error messages)."""
        return 0 if self._versions is None else self._versions.at(tick)

    def __setitem__(self, index, value):
        """``t[index] = value`` changes the values in place (and bumps the version).

        Allowed when no graph is being recorded through ``t`` (inside ``tg.no_grad()``, or when
        neither side requires grad); otherwise use ``tg.where(mask, value, t)`` for a new tensor.
        """
        self._assign(index, value, "t[...] = value")

    def fill_(self, value) -> Tensor:
        """Set every element to ``value`` in place, as PyTorch's ``fill_`` (rules of ``t[...] = value``)."""
        self._assign(Ellipsis, value, f"fill_({value!r})")
        return self

    def zero_(self) -> Tensor:
        """Set every element to 0 in place, as PyTorch's ``zero_`` (``w.grad.zero_()``)."""
        self._assign(Ellipsis, 0.0, "zero_()")
        return self

    def _assign(self, index, value, what):
        if self._origin == "hook":
            raise hook_change_refused(what)
        value = value if isinstance(value, Tensor) else as_tensor(value, self)
        if grad_mode.enabled and (self.requires_grad or value.requires_grad):
            raise RuntimeError(
                f"{what} would change a tensor of shape {shape_str(self.shape)} that autograd "
                "is tracking. Do it inside 'with tg.no_grad():', or build a new tensor with "
                "tg.where(mask, value, t)."
            )
        index = ops.movement.plain_index(index)
        try:
            self.data[index] = value.data
        except (IndexError, ValueError) as error:
            raise ValueError(f"{what}: {error} (tensor of shape {shape_str(self.shape)}, value of shape "
                             f"{shape_str(value.shape)})") from None
        if grad_mode.recorder is not None:
            grad_mode.recorder.set_item(self, index, value)
        self._note_in_place()


def hook_change_refused(what) -> ValueError:
    """A hook changed the gradient it was handed (``g *= 2``, ``g[...] = 0``, ``g.data = ...``, or
    NumPy's own write into ``g.data``): refused, since the same array may flow on to other
    tensors; the hook returns a new gradient instead. The one message for all of them."""
    return ValueError(f"register_hook: {what} would change the gradient the hook received, but gradients handed to "
                     "hooks are read-only (the same array may flow on to other tensors). Return a new tensor "
                     "from the hook instead, e.g. return g * 2")


class Versions:
    """How many times the values in one block of memory were changed in place, and when (by the
    clock in grad_mode.py). Every Tensor over that memory -- a tensor and its views -- shares
    one. Only the last few changes are kept, so memory stays bounded over training."""

    # class-level starting values: a counter costs one small object until its memory changes
    version = 0
    changed_at = 0
    history = ()  # (tick, version before) of the last changes, newest last

    def bump(self):
        tick = clock.in_place()
        self.history = (self.history + ((tick, self.version),))[-8:]
        self.changed_at = tick
        self.version += 1

    def at(self, tick) -> int:
        """The version at the clock's ``tick``."""
        for changed, before in self.history:
            if changed > tick:
                return before
        return self.version


_new = object.__new__
function.Tensor, function._tensor = Tensor, Tensor._make  # ops build their outputs with these


class _HookHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _warn_intermediate_grad(t):
    warnings.warn(
        f"Reading .grad of an intermediate result (made by '{t.grad_fn.describe()}') gives None: backward() "
        "keeps .grad for leaves only, as PyTorch does. Call t.retain_grad() before backward() to keep it "
        "in .grad, or read the gradient the latest backward sent here with tg.autograd.latest_gradient(t) "
        "(the one tg.draw_graph shows).", UserWarning, stacklevel=3)


def _explain(t):
    return explain_grad(t)


def as_tensor(value, like=None) -> Tensor:
    """``value`` as a Tensor that needs no gradient. A float or bool array is used as it is, not
    copied (as ``torch.as_tensor`` does: changing the array changes the tensor); an integer array
    becomes float64 through the cast op (so that a compiled program casts it afresh at every
    call); other data is converted as ``tg.tensor`` does; Python numbers take ``like``'s float
    dtype.

    >>> import numpy as np, tinygrad_edu as tg
    >>> x = np.ones(3)
    >>> np.shares_memory(tg.as_tensor(x).data, x), np.shares_memory(tg.tensor(x).data, x)
    (True, False)
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray) and type(value) is not np.ndarray:
        value = plain_array(value)  # np.matrix and masked arrays are refused, others used as arrays
    if isinstance(value, np.ndarray) and value.dtype.kind in "fb":
        return borrowed(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return borrowed(value).astype(_DEFAULT_DTYPE)
    if like is not None and isinstance(value, (int, float)) and like.data.dtype.kind == "f":
        return Tensor._make(np.array(value, dtype=like.data.dtype), False, None, "constant")
    return Tensor._make(_to_array(value), False, None, "constant")


def borrowed(array) -> Tensor:
    """A constant Tensor over the caller's own ``array``, not copied (as_tensor). The caller may
    refill the array, so an op recorded on it keeps a copy, and a compiled program reads it where
    the function found it, at every call. Library code that casts the caller's labels or indices
    goes through it (``borrowed(labels).astype(np.int64)``), so that the cast is an op too."""
    t = Tensor._make(array, False, None, "constant")
    t._borrowed = True
    return t


def where(condition, a, b) -> Tensor:
    """``a`` where ``condition`` is true, else ``b`` (NumPy broadcasting). Gradients flow to a and b.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([-1.0, 2.0], requires_grad=True)
    >>> tg.where(x > 0, x, 0.0)
    Tensor([0., 2.], requires_grad=True, grad_fn=<where>)
    """
    given = condition.data if isinstance(condition, Tensor) else condition
    if isinstance(given, np.ndarray) and type(given) is not np.ndarray:
        given = plain_array(given)  # a masked condition would pick by its hidden values
    condition = np.asarray(given)
    if condition.dtype != bool:
        if condition.dtype.kind not in "biuf":
            raise TypeError(f"where: the condition must hold booleans (or numbers), got dtype {condition.dtype}")
        condition = ops.Cast.apply(borrowed(condition), dtype=bool).data
    return ops.Where.apply(_operand(a), _operand(b), condition=condition)


def concatenate(tensors, axis=0, *, dim=None) -> Tensor:
    """Join tensors along an existing axis (``np.concatenate``; ``tg.cat(ts, dim=1)`` as PyTorch).

    >>> import tinygrad_edu as tg
    >>> tg.cat([tg.zeros(2, 1), tg.ones(2, 2)], dim=1).shape
    (2, 3)
    """
    axis = numpy_or_pytorch_axis("concatenate", axis, dim, 0)
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate: needs at least one tensor")
    if tensors[0].ndim == 0:
        raise ValueError("concatenate: cannot join 0-d tensors (single numbers) along an axis; use tg.stack")
    ops.adjoint_helpers.normalize_axis(axis, tensors[0].shape, "concatenate")
    return ops.Concatenate.apply(*tensors, axis=axis)


def stack(tensors, axis=0, *, dim=None) -> Tensor:
    """Join same-shaped tensors along a new axis (``np.stack``; ``dim=`` as PyTorch)."""
    axis = numpy_or_pytorch_axis("stack", axis, dim, 0)
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: needs at least one tensor")
    ops.adjoint_helpers.normalize_axis(axis, tensors[0].shape, "stack", tensors[0].ndim + 1)  # the new axis may also come last
    return ops.Stack.apply(*tensors, axis=axis)


cat = concatenate  # PyTorch's name


from . import autograd, numpy_protocol  # noqa: E402 - they build on Tensor

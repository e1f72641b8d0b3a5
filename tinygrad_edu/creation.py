"""Ways to make tensors: from data, filled with a constant, random, ranges, identity.

Random helpers draw from NumPy's global generator, so ``np.random.seed(1)`` before them
reproduces the tutorials' draws exactly.
"""
import numpy as np

from .engine.tensor import Tensor, _check_can_require_grad, _shape_arg

_DEFAULT = np.float64


def _from_array(array, requires_grad, name=None):
    _check_can_require_grad(array, requires_grad)
    t = Tensor._make(array, bool(requires_grad))
    t.name = name
    return t


def tensor(data, requires_grad=False, dtype=None, name=None) -> Tensor:
    """Same as ``Tensor(...)``: ``tg.tensor([1.0, 2.0], requires_grad=True)``."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, name=name)


def zeros(*shape, dtype=_DEFAULT, requires_grad=False) -> Tensor:
    """``tg.zeros(2, 3)`` or ``tg.zeros((2, 3))``."""
    return _from_array(np.zeros(_shape_arg(shape), dtype=dtype), requires_grad)


def ones(*shape, dtype=_DEFAULT, requires_grad=False) -> Tensor:
    """Ones: ``tg.ones(2, 3)``."""
    return _from_array(np.ones(_shape_arg(shape), dtype=dtype), requires_grad)


def full(shape, fill_value, dtype=_DEFAULT, requires_grad=False) -> Tensor:
    """``shape`` filled with ``fill_value``."""
    return _from_array(np.full(_shape_arg((shape,)), fill_value, dtype=dtype), requires_grad)


def zeros_like(t, dtype=None, requires_grad=False) -> Tensor:
    """Zeros with the shape (and dtype) of ``t``."""
    return _from_array(np.zeros(np.shape(t), dtype=_like_dtype(t) if dtype is None else dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False) -> Tensor:
    """Ones with the shape (and dtype) of ``t``."""
    return _from_array(np.ones(np.shape(t), dtype=_like_dtype(t) if dtype is None else dtype), requires_grad)


def _like_dtype(t):
    """The dtype of ``t`` (a Tensor, an array, a list), read without its values: inside a transform
    zeros_like(x) of the differentiated x needs only its shape and dtype."""
    return t.dtype if isinstance(t, (Tensor, np.ndarray)) else np.asarray(t).dtype


def randn(*shape, dtype=_DEFAULT, requires_grad=False) -> Tensor:
    """Standard normal draws from NumPy's global generator (``np.random.randn``)."""
    return _from_array(np.asarray(np.random.randn(*_shape_arg(shape)), dtype=dtype), requires_grad)


def rand(*shape, dtype=_DEFAULT, requires_grad=False) -> Tensor:
    """Uniform draws in [0, 1) from NumPy's global generator (``np.random.rand``)."""
    return _from_array(np.asarray(np.random.rand(*_shape_arg(shape)), dtype=dtype), requires_grad)


def arange(start, stop=None, step=1, dtype=_DEFAULT, requires_grad=False) -> Tensor:
    """``np.arange`` as a float64 tensor by default: ``tg.arange(5)``, ``tg.arange(0, 1, 0.25)``."""
    return _from_array(np.arange(start, stop, step, dtype=dtype), requires_grad)


def linspace(start, stop, num=50, dtype=_DEFAULT, requires_grad=False) -> Tensor:
    """``num`` evenly spaced numbers from ``start`` to ``stop`` (NumPy's ``linspace``)."""
    return _from_array(np.linspace(start, stop, num, dtype=dtype), requires_grad)


def eye(n, m=None, dtype=_DEFAULT, requires_grad=False) -> Tensor:
    """The identity matrix (``n`` x ``m``, ones on the diagonal)."""
    return _from_array(np.eye(n, m, dtype=dtype), requires_grad)


def manual_seed(seed: int) -> None:
    """Seed every random draw of tinygrad_edu, as ``torch.manual_seed`` does.

    ``tg.randn``, ``tg.rand``, the layer initialisers (nn/init.py) and ``Dropout`` all draw from
    NumPy's global generator -- so that ``np.random.seed(1)`` reproduces the tutorials' draws --
    and this seeds it with ``np.random.seed(seed)``; it also seeds the generator that shuffles
    batches (``tg.fit(..., shuffle=True)``, ``tg.data.batches``).

    >>> import tinygrad_edu as tg
    >>> tg.manual_seed(0); a = tg.randn(3)
    >>> tg.manual_seed(0); bool((tg.randn(3) == a).all())
    True
    """
    seed = checked_seed(seed, "manual_seed")
    np.random.seed(seed)
    from .data.batches import seed_shuffling  # (tg.data builds on this module)

    seed_shuffling(seed)


def checked_seed(seed, where):
    """``seed`` as an int if it is one NumPy takes everywhere (0 to 2**32-1: ``np.random.seed``'s
    range), else the ValueError every seed argument of the library gives, naming ``where``.
    A bool or a float is refused, not rounded: ``seed=1.5`` would silently be another run.

    >>> checked_seed(-1, "fit")
    Traceback (most recent call last):
    ValueError: fit: the seed must be an int in 0..2**32-1 (NumPy's range), got -1
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"{where}: the seed must be an int in 0..2**32-1 (NumPy's range), got {seed!r}")
    return int(seed)

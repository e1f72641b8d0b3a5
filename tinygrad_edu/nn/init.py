"""Weight initialisers. Each takes (fan_in, fan_out) and returns an array of shape
(fan_in, fan_out), the layout `Linear` uses (``y = x @ W + b``, as in the tutorials).

The tutorial ones reproduce the tutorials' NumPy draws bit for bit under the same
``np.random.seed``, because they make the very same call on NumPy's global generator:

============== ======================================================= =================
name           the tutorial's call                                     used by
============== ======================================================= =================
``trask``      ``2*np.random.random((n_in, n_out)) - 1``               Trask, 11 lines
``rand``       ``np.random.rand(n_in, n_out)``                         Loy
``uniform``    ``np.random.uniform(-1, 1, (n_in, n_out))``             SimpleNN (seed 99)
``randn``      ``np.random.randn(n_in, n_out)``                        digits 0-3
``rashid``     ``np.random.normal(0, n_in**-0.5, (n_out, n_in))``, T   Rashid (MNIST)
``xavier``     uniform(+-sqrt(6/(n_in+n_out)))  (Glorot)               modern, sigmoid/tanh
``he``         normal(0, sqrt(2/n_in))  (Kaiming)                      modern, ReLU
``zeros``      all zeros                                               biases
============== ======================================================= =================

Rashid's code draws an (outputs, inputs) matrix (he multiplies ``W @ x``); we draw the same
numbers in the same order and transpose. His EuroPython slides scale by the *output* count
(``pow(self.hnodes, -0.5)``) where the book and its notebooks use the input count; pass
``rashid_normal(..., scale_by="fan_out")`` for the slides' draw.
"""
import numpy as np

__all__ = ["trask", "rand", "uniform", "randn", "rashid_normal", "xavier_uniform", "he_normal", "zeros", "get"]


def trask(fan_in, fan_out):
    """Trask: ``2*np.random.random((fan_in, fan_out)) - 1``, uniform in [-1, 1)."""
    return 2 * np.random.random((fan_in, fan_out)) - 1


def rand(fan_in, fan_out):
    """Loy: ``np.random.rand(fan_in, fan_out)``, uniform in [0, 1)."""
    return np.random.rand(fan_in, fan_out)


def uniform(fan_in, fan_out, low=-1.0, high=1.0):
    """SimpleNN: ``np.random.uniform(low, high, (fan_in, fan_out))``."""
    return np.random.uniform(low, high, (fan_in, fan_out))


def randn(fan_in, fan_out):
    """The digits tutorial: ``np.random.randn(fan_in, fan_out)``, standard normal."""
    return np.random.randn(fan_in, fan_out)


def rashid_normal(fan_in, fan_out, scale_by="fan_in"):
    """Rashid: ``np.random.normal(0, fan_in**-0.5, (fan_out, fan_in))``, transposed to our layout."""
    count = {"fan_in": fan_in, "fan_out": fan_out}[scale_by]
    return np.random.normal(0.0, pow(count, -0.5), (fan_out, fan_in)).T.copy()


def xavier_uniform(fan_in, fan_out):
    """Glorot/Xavier: uniform in +-sqrt(6 / (fan_in + fan_out)); keeps sigmoid/tanh layers' variance."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-limit, limit, (fan_in, fan_out))


def he_normal(fan_in, fan_out):
    """He/Kaiming: normal(0, sqrt(2 / fan_in)); keeps ReLU layers' variance."""
    return np.random.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))


def zeros(fan_in, fan_out):
    """All zeros (biases; never for weights, which would all learn the same thing)."""
    return np.zeros((fan_in, fan_out))


INITIALISERS = {
    "trask": trask,
    "rand": rand,
    "uniform": uniform,
    "randn": randn,
    "rashid": rashid_normal,
    "xavier": xavier_uniform,
    "he": he_normal,
    "zeros": zeros,
}


def get(init):
    """An initialiser from its name or a callable (fan_in, fan_out) -> array."""
    if callable(init):
        return init
    try:
        return INITIALISERS[init]
    except KeyError:
        raise ValueError(f"init: unknown initialiser {init!r}; choose one of {sorted(INITIALISERS)} or pass a function") from None

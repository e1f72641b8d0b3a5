"""Layers: `Linear`, `Sequential`, `MLP`, `Dropout`, `Flatten`, and activation modules.

`Linear` keeps the tutorials' weight layout, (in_features, out_features), so that
``y = x @ W + b`` reads as they write it; PyTorch stores the transpose, (out, in), and computes
``x @ W.T + b``. docs/nn.md shows how to move weights between the two.
"""
import numbers

import numpy as np

from ..engine.arguments import whole_number
from ..engine.function import shape_str
from ..engine.tensor import Tensor
from . import init as initialisers
from .module import Module, Parameter


class Linear(Module):
    """``y = x @ weight + bias`` with ``weight`` of shape (in_features, out_features).

    ``init`` names an initialiser from `tinygrad_edu.nn.init` (``"trask"``, ``"rashid"``, ...)
    or is a function (fan_in, fan_out) -> array; ``weight=``/``bias=`` give explicit values
    (``bias=False`` leaves the bias out). Biases start at zero unless given. ``dtype=np.float32``
    makes a float32 layer (the draws are the same numbers, rounded), which keeps float32 inputs
    float32 end to end.

    >>> import numpy as np, tinygrad_edu as tg
    >>> layer = tg.nn.Linear(2, 1, weight=[[2.0], [3.0]], bias=[1.0])
    >>> layer(tg.tensor([[1.0, 1.0]])).tolist()
    [[6.0]]
    """

    def __init__(self, in_features, out_features, bias=True, init="xavier", weight=None, dtype=None):
        super().__init__()
        self.in_features = whole_number(in_features, "in_features", "Linear")
        self.out_features = whole_number(out_features, "out_features", "Linear")
        if weight is None:
            weight = initialisers.get(init)(in_features, out_features)
        weight = Parameter(weight, dtype=dtype)
        if weight.shape != (in_features, out_features):
            raise ValueError(
                f"Linear: weight has shape {shape_str(weight.shape)}, expected "
                f"({in_features}, {out_features}) = (in_features, out_features)"
            )
        self.weight = weight
        if bias is True:
            self.bias = Parameter(np.zeros(out_features, dtype=weight.dtype))
        elif bias is False or bias is None:
            self.bias = None
        else:
            self.bias = Parameter(bias, dtype=weight.dtype)
            if self.bias.shape != (out_features,):
                raise ValueError(f"Linear: bias has shape {shape_str(self.bias.shape)}, expected ({out_features},)")

    def forward(self, x):
        x = x if isinstance(x, Tensor) else Tensor(x)
        out = x @ self.weight
        return out if self.bias is None else out + self.bias

    def extra_repr(self):
        dtype = "" if self.weight.dtype == np.float64 else f", dtype={self.weight.dtype}"
        return f"{self.in_features}, {self.out_features}, bias={self.bias is not None}{dtype}"


class Sigmoid(Module):
    """1 / (1 + e^-x), elementwise."""

    def forward(self, x):
        return x.sigmoid()


class ReLU(Module):
    """max(x, 0), elementwise."""

    def forward(self, x):
        return x.relu()


class Tanh(Module):
    """tanh x, elementwise (the symmetric sigmoid)."""

    def forward(self, x):
        return x.tanh()


class Softmax(Module):
    """Softmax along ``axis`` (the last by default; ``dim=`` as PyTorch): positive values that sum to 1."""

    def __init__(self, axis=-1, *, dim=None):
        super().__init__()
        self.axis = axis if dim is None else dim

    def forward(self, x):
        return x.softmax(axis=self.axis)

    def extra_repr(self):
        return f"axis={self.axis}"


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the others by 1/(1-p)
    (inverted dropout, as PyTorch), so the expected value is unchanged; in ``eval()`` mode,
    pass everything. The mask is drawn from NumPy's global generator (`tg.manual_seed`).

    >>> import tinygrad_edu as tg
    >>> drop = tg.nn.Dropout(0.5)
    >>> tg.manual_seed(0); drop(tg.ones(6)).tolist()
    [2.0, 2.0, 2.0, 2.0, 0.0, 2.0]
    >>> drop.eval()(tg.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(self, p=0.5):
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p is the probability of dropping an element, in [0, 1]; got {p!r}")
        self.p = float(p)

    def forward(self, x):
        x = x if isinstance(x, Tensor) else Tensor(x)
        if not self.training or self.p == 0.0:
            return x
        if self.p == 1.0:
            return x * 0.0
        kept = np.random.random_sample(x.shape) >= self.p
        return x * (kept * (1.0 / (1.0 - self.p))).astype(x.dtype)  # the mask is a constant of the graph

    def extra_repr(self):
        return f"p={self.p}"


class Flatten(Module):
    """Merge axes ``start_dim..end_dim`` into one; by default all but the batch axis (as PyTorch)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """Returns its input unchanged."""

    def forward(self, x):
        return x


ACTIVATIONS = {"sigmoid": Sigmoid, "relu": ReLU, "tanh": Tanh, "softmax": Softmax, None: None, "identity": None, "linear": None}


def activation(name):
    """An activation module from its name (``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"softmax"``),
    None for none, or a Module given as is."""
    if isinstance(name, Module):
        return name
    try:
        cls = ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of sigmoid, relu, tanh, softmax, or None") from None
    return cls() if cls is not None else None


class Sequential(Module):
    """Apply modules one after another: ``Sequential(Linear(2, 4), Tanh(), Linear(4, 1))``."""

    def __init__(self, *layers):
        super().__init__()
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)


class MLP(Sequential):
    """A multilayer perceptron: ``MLP([3, 4, 1])`` is Linear(3,4), sigmoid, Linear(4,1).

    ``activation`` follows every hidden layer, ``output_activation`` (default None) the last
    one. ``init``, ``bias`` and ``dtype`` are passed to every `Linear`; layers are built (and
    their weights drawn) in order, first layer first, as the tutorials draw them.

    >>> import numpy as np, tinygrad_edu as tg
    >>> np.random.seed(1)
    >>> net = tg.nn.MLP([3, 4, 1], activation="sigmoid", output_activation="sigmoid", bias=False, init="trask")
    >>> net(tg.ones(2, 3)).shape
    (2, 1)
    """

    def __init__(self, sizes, activation="sigmoid", output_activation=None, bias=True, init="xavier", dtype=None):
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs at least an input and an output size, got {list(sizes)}")
        _activation(activation), _activation(output_activation)  # reject unknown names up front
        sizes = [whole_number(n, f"sizes[{i}]", "MLP") for i, n in enumerate(sizes)]
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(n_in, n_out, bias=bias, init=init, dtype=dtype))
            last = i == len(sizes) - 2
            act = _activation(output_activation if last else activation)
            if act is not None:
                layers.append(act)
        super().__init__(*layers)
        self.sizes = list(sizes)

    def extra_repr(self):
        return f"sizes={self.sizes}"


_activation = activation

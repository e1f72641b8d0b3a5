"""`Embedding`: a table of learned vectors, looked up by integer index."""
import numpy as np

from ..engine.arguments import whole_number
from ..engine.function import shape_str
from ..engine.tensor import Tensor, borrowed
from .module import Module, Parameter


class Embedding(Module):
    """Row ``i`` of ``weight`` (shape (num_embeddings, embedding_dim)) for each index ``i``.

    ``forward(indices)`` takes integers of any shape (a list, an array or an integer Tensor)
    and returns shape ``indices.shape + (embedding_dim,)``. The gradient of a row is the sum
    over every place its index occurs (an index used twice gets both gradients). Rows start as
    standard normal draws, as in PyTorch (from NumPy's generator: `tg.manual_seed`).

    >>> import tinygrad_edu as tg
    >>> emb = tg.nn.Embedding(3, 2, weight=[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> out = emb([[1, 1], [2, 0]])
    >>> out.shape
    (2, 2, 2)
    >>> out.sum().backward(); emb.weight.grad.tolist()
    [[1.0, 1.0], [2.0, 2.0], [1.0, 1.0]]
    """

    def __init__(self, num_embeddings, embedding_dim, weight=None, dtype=None):
        super().__init__()
        self.num_embeddings = whole_number(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = whole_number(embedding_dim, "embedding_dim", "Embedding")
        if weight is None:
            weight = np.random.randn(num_embeddings, embedding_dim)
        self.weight = Parameter(weight, dtype=dtype)
        if self.weight.shape != (num_embeddings, embedding_dim):
            raise ValueError(
                f"Embedding: weight has shape {shape_str(self.weight.shape)}, expected "
                f"({num_embeddings}, {embedding_dim}) = (num_embeddings, embedding_dim)"
            )

    def forward(self, indices):
        array = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
        if array.dtype.kind not in "iu" and not (array.size == 0 and array.dtype.kind == "f"):
            raise TypeError(
                f"Embedding: indices must be integers, got dtype {array.dtype}; "
                "make them with dtype=np.int64 (or tg.tensor(..., dtype=np.int64))"
            )
        if array.size and (array.min() < 0 or array.max() >= self.num_embeddings):
            raise IndexError(
                f"Embedding: indices must lie in 0..{self.num_embeddings - 1}, got {array.min()}..{array.max()}"
            )
        # through the Cast op (not ndarray.astype), so that inside tg.compile the indices stay an input
        return self.weight[borrowed(array).astype(np.int64, copy=False).data]

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"

"""Mini-batches: split (inputs, targets) into batches, shuffled with a seed if asked."""
import numpy as np

from ..creation import checked_seed
from ..engine.arguments import whole_number


_shuffling = np.random.default_rng()  # for shuffle=True without a seed; tg.manual_seed seeds it


def seed_shuffling(seed):
    """Restart the shuffling generator from ``seed`` (called by ``tg.manual_seed``)."""
    global _shuffling
    _shuffling = np.random.default_rng(seed)


def checked_batch_size(batch_size, op):
    """``batch_size`` if it is a whole number of rows >= 1: 2.5 rows or True rows is a mistake
    (as PyTorch's DataLoader says), not something to round."""
    return whole_number(batch_size, "batch_size", op, minimum=1, hint=" (or None for the whole set at once)")


def batches(inputs, targets, batch_size=None, shuffle=False, seed=None):
    """Yield (inputs, targets) batches of ``batch_size`` rows (the last may be smaller).

    ``batch_size=None`` yields the whole set once. ``shuffle=True`` permutes the rows with
    ``np.random.default_rng(seed)``, or without a seed with the library's shuffling generator
    (which ``tg.manual_seed`` seeds) -- never NumPy's global one, so shuffling does not disturb
    the draws the tutorials' initialisers make.

    >>> import numpy as np
    >>> [x.tolist() for x, _ in batches(np.arange(5), np.arange(5), batch_size=2)]
    [[0, 1], [2, 3], [4]]
    """
    inputs, targets = np.asarray(inputs), np.asarray(targets)
    if len(inputs) != len(targets):
        raise ValueError(f"batches: {len(inputs)} inputs but {len(targets)} targets")
    n = len(inputs)
    if n == 0:
        raise ValueError("batches: the data is empty (0 rows of inputs and targets); there is nothing to train on")
    size = n if batch_size is None else checked_batch_size(batch_size, "batches")
    generator = _shuffling if seed is None else np.random.default_rng(checked_seed(seed, "batches"))
    order = generator.permutation(n) if shuffle else None
    for start in range(0, n, size):
        if order is None:
            yield inputs[start : start + size], targets[start : start + size]
        else:
            rows = order[start : start + size]
            yield inputs[rows], targets[rows]

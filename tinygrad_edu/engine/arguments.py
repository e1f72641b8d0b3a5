"""The one rule for counts users pass (sizes, channels, batch sizes, epochs, kernel sizes,
strides): a whole number -- a Python or NumPy int, not a bool, not a float that happens to be
whole -- at least some minimum. NumPy's own errors for these ("negative dimensions are not
allowed", "'float' object cannot be interpreted as an integer") do not say which argument was
wrong, and rounding 2.5 rows down to 2 would be a silent wrong answer.

>>> from tinygrad_edu.engine.arguments import whole_number
>>> whole_number(3, "in_features", "Linear")
3
>>> whole_number(2.5, "batch_size", "fit", minimum=1)
Traceback (most recent call last):
ValueError: fit: batch_size must be an int >= 1, got 2.5
"""
import numpy as np


def is_whole_number(value, minimum=0):
    return not isinstance(value, bool) and isinstance(value, (int, np.integer)) and value >= minimum


def whole_number(value, name, where, minimum=0, hint=""):
    """``value`` as an int if it is a whole number >= ``minimum``; otherwise a ValueError naming
    ``where`` (the layer or function) and ``name`` (the argument), with an optional ``hint``."""
    if not is_whole_number(value, minimum):
        raise ValueError(f"{where}: {name} must be an int >= {minimum}{hint}, got {value!r}")
    return int(value)

"""NumPy functions whose results have no gradient: comparisons, masks, argmax and friends."""
from ..function import Function


class NoGradient(Function):
    """``function(*inputs, **options)`` for a NumPy function whose result is not differentiable
    (``np.less``, ``np.isnan``, ``np.argmax``...): computed and written into programs like any
    op, but never recorded in the graph, so nothing flows back through it."""

    __slots__ = ("function", "keywords")
    name = "no_gradient"
    differentiable = False

    def forward(self, *inputs, function, **options):
        self.function, self.keywords = function, options
        return function(*inputs, **options)

    def describe(self):
        options = ", ".join(f"{key}={value}" for key, value in self.keywords.items() if value is not None)
        return f"{self.function.__name__}({options})" if options else self.function.__name__

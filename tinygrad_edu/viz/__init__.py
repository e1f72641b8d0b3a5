"""Pictures and text views of the graph: the trace, and the calculus plots."""
from .plots import plot_derivatives, plot_tangent, plot_taylor
from .trace import tensors_in_order, trace

__all__ = ["trace", "tensors_in_order", "plot_derivatives", "plot_tangent", "plot_taylor"]

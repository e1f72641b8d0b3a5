"""Pictures and text views: graph drawings, step-by-step backward, gradient inspection, the
trace, and plots for calculus and training."""
from .explorer import Explorer, explore
from .graph import Graph, GraphvizNotFound, draw_graph, format_array
from .inspect import GradientRecorder, GradStats, grad_stats, plot_grad_flow
from .plots import plot_derivatives, plot_tangent, plot_taylor
from .steps import backward_steps, save_steps
from .trace import tensors_in_order, trace
from .training_plots import plot_activations, plot_decision_boundary, plot_loss, plot_surfaces

__all__ = [
    "draw_graph", "Graph", "GraphvizNotFound", "format_array", "backward_steps", "save_steps", "explore", "Explorer",
    "grad_stats", "GradStats", "plot_grad_flow", "GradientRecorder", "trace", "tensors_in_order",
    "plot_derivatives", "plot_tangent", "plot_taylor", "plot_loss", "plot_decision_boundary",
    "plot_surfaces", "plot_activations",
]

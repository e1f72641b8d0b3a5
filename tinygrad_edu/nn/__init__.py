"""Neural-network building blocks: modules, layers, losses, initialisers."""
from . import init
from .layers import MLP, Identity, Linear, ReLU, Sequential, Sigmoid, Softmax, Tanh
from .losses import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, mse_loss, sse_loss
from .module import Module, Parameter, count_parameters

__all__ = [
    "Module", "Parameter", "Linear", "Sequential", "MLP", "Sigmoid", "ReLU", "Tanh", "Softmax",
    "Identity", "mse_loss", "sse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "init", "count_parameters",
]

"""Neural-network building blocks: modules, layers, losses, initialisers.

``tg.nn.functional`` has the same layers and losses as plain functions (PyTorch's ``F``).
"""
from . import init
from .conv import AvgPool2d, Conv2d, MaxPool2d
from .embedding import Embedding
from .layers import MLP, Dropout, Flatten, Identity, Linear, ReLU, Sequential, Sigmoid, Softmax, Tanh
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    MSELoss,
    NLLLoss,
    SSELoss,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
    sse_loss,
)
from .module import Module, Parameter, count_parameters
from .normalization import BatchNorm1d, LayerNorm
from . import functional  # noqa: E402 - builds on the layers and losses

__all__ = [
    "Module", "Parameter", "Linear", "Sequential", "MLP", "Sigmoid", "ReLU", "Tanh", "Softmax",
    "Identity", "Dropout", "Flatten", "BatchNorm1d", "LayerNorm", "Embedding", "Conv2d", "MaxPool2d", "AvgPool2d",
    "mse_loss", "sse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
    "nll_loss", "MSELoss", "SSELoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "functional", "init", "count_parameters",
]

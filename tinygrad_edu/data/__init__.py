"""Data: the tutorials' toy sets, FANN's .data format, MNIST, first names, and mini-batches."""
from .batches import batches
from .fann import FannFormatError, read_fann, write_fann
from .mnist import MnistError, load_mnist, mnist_inputs, mnist_targets, read_idx
from .names import ALPHABET, NamesError, char_dataset, load_names
from .toy import (
    DRAWN_TWO, Surface, and_gate, digits_4x5, nand_gate, or_gate, simplenn_function, simplenn_surface,
    trask_first_column, trask_xor, xor_gate,
)

__all__ = [
    "batches", "read_fann", "write_fann", "FannFormatError", "trask_xor", "trask_first_column",
    "and_gate", "or_gate", "nand_gate", "xor_gate", "digits_4x5", "DRAWN_TWO", "simplenn_surface",
    "simplenn_function", "Surface", "load_mnist", "mnist_inputs", "mnist_targets", "read_idx", "MnistError",
    "load_names", "char_dataset", "ALPHABET", "NamesError",
]

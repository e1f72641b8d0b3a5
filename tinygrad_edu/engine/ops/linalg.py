"""Matrix multiplication, with NumPy's rules for 1-D operands and batched (N-D) stacks."""
import numpy as np

from ..function import Function, shape_str


class Matmul(Function):
    """a @ b, with NumPy's rules: a 1-D operand is a row (left) or a column (right), and leading
    axes are batches that broadcast."""

    __slots__ = ()
    name = "matmul"
    numpy_ufuncs = ("matmul",)
    tg_functions = ("matmul",)
    formula = "∂L/∂A = ∂L/∂C · Bᵀ,  ∂L/∂B = Aᵀ · ∂L/∂C   (C = A @ B)"

    def forward(self, a, b):
        if getattr(a, "ndim", 0) == 0 or getattr(b, "ndim", 0) == 0:  # a number too: np.matmul(t, 2)
            raise ValueError("matmul needs at least 1-D operands; use * to multiply by a scalar")
        inner_a, inner_b = a.shape[-1], b.shape[0] if b.ndim == 1 else b.shape[-2]
        if inner_a != inner_b:
            raise ValueError(
                f"inner dimensions differ ({inner_a} vs {inner_b}): the last axis of the left "
                f"operand must match the {'only' if b.ndim == 1 else 'second-to-last'} axis of "
                f"the right one"
            )
        if a.ndim <= 2 and b.ndim <= 2:
            # the same product as np.matmul, faster on outer products (docs/performance.md)
            return np.dot(a, b)
        return np.matmul(a, b)

    def failure(self, inputs, error):
        a, b = (np.shape(getattr(x, "data", x)) for x in inputs)
        hint = ""
        if len(a) >= 1 and len(b) == 2 and a[-1] == b[-1]:
            hint = " Did you mean a @ b.T?"
        elif len(a) == 2 and len(b) >= 1 and a[-2] == (b[0] if len(b) == 1 else b[-2]):
            hint = " Did you mean a.T @ b?"
        return ValueError(f"matmul: shapes {shape_str(a)} @ {shape_str(b)} do not align: {error}.{hint}")

    def backward(self, grad, a, b):
        needs_a, needs_b = self.needs_input_grad
        if a.ndim == 2 and b.ndim == 2:  # the common case
            return (np.dot(grad, b.T) if needs_a else None, np.dot(a.T, grad) if needs_b else None)
        # Otherwise treat 1-D operands as a row (left) or a column (right) matrix, as NumPy does,
        # so the same pair of formulas covers every case, batches included.
        a2 = a if a.ndim > 1 else a.reshape((1, a.shape[0]))
        b2 = b if b.ndim > 1 else b.reshape((b.shape[0], 1))
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g2 = grad.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        grad_a = grad_b = None
        if needs_a:
            grad_a = np.matmul(g2, b2.swapaxes(-1, -2))
            if a.ndim == 1:
                grad_a = grad_a.reshape(grad_a.shape[:-2] + grad_a.shape[-1:])
        if needs_b:
            grad_b = np.matmul(a2.swapaxes(-1, -2), g2)
            if b.ndim == 1:
                grad_b = grad_b.reshape(grad_b.shape[:-1])
        return grad_a, grad_b  # batch dimensions are summed away by the engine's unbroadcast

"""Optimizers: `SGD` (with momentum and weight decay) and `Adam`, with PyTorch's update rules.

They change each parameter's array in place (and bump its version) without recording any
graph. Parameters whose ``.grad`` is None are skipped.

>>> import tinygrad_edu as tg
>>> w = tg.tensor([1.0, -2.0], requires_grad=True)
>>> opt = tg.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w.tolist()
[0.8, -1.6]
"""
import numpy as np

from .function import grad_mode
from .tensor import Tensor

__all__ = ["SGD", "Adam", "Optimizer"]


class Optimizer:
    """Base class: holds the parameters and per-parameter state; ``step()`` calls ``update``."""

    def __init__(self, params, lr):
        if hasattr(params, "parameters"):
            params = params.parameters()
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty list of parameters")
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise TypeError(
                    f"{type(self).__name__}: parameter {i} is not a Tensor that requires grad "
                    f"({type(p).__name__}); pass model.parameters() or tensors made with requires_grad=True"
                )
        if lr <= 0:
            raise ValueError(f"{type(self).__name__}: lr must be positive, got {lr}")
        self.lr = lr
        self.state = [{} for _ in self.params]

    def zero_grad(self):
        """Set every parameter's ``.grad`` to None before the next backward()."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Update every parameter that has a gradient, in place (no graph is recorded)."""
        if grad_mode.recorder is not None:  # inside tg.compile: the program calls step() itself
            return grad_mode.recorder.call(self.step)
        for p, state in zip(self.params, self.state):
            if p.grad is not None:
                self.update(p.data, p.grad.data, state)
                p._note_in_place()

    def update(self, value, grad, state):  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def scratch(state, value, grad):
        """A work array kept between steps. Fresh temporaries of a large parameter's size, freed
        at once every step, make glibc hand the memory back to the system and fault it in again
        on the next step (it doubled a per-sample MNIST epoch); one reused buffer avoids that."""
        buffer = state.get("scratch")
        dtype = np.result_type(value, grad)
        if buffer is None or buffer.shape != grad.shape or buffer.dtype != dtype:
            buffer = state["scratch"] = np.empty(grad.shape, dtype)
        return buffer


class SGD(Optimizer):
    """p -= lr * v, where v = momentum * v + (grad + weight_decay * p) (v = the gradient when momentum=0)."""

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum, self.weight_decay = momentum, weight_decay

    def update(self, value, grad, state):
        if self.weight_decay:
            grad = grad + self.weight_decay * value
        if self.momentum:
            velocity = state.get("velocity")
            velocity = grad.copy() if velocity is None else self.momentum * velocity + grad
            state["velocity"] = grad = velocity
        step = np.multiply(grad, self.lr, out=self.scratch(state, value, grad))
        value -= step


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected running means of the gradient and its square."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay

    def update(self, value, grad, state):
        if self.weight_decay:
            grad = grad + self.weight_decay * value
        if not state:
            state.update(step=0, m=np.zeros_like(value), v=np.zeros_like(value))
        state["step"] += 1
        t = state["step"]
        m, v = state["m"], state["v"]
        work = self.scratch(state, value, grad)
        m *= self.beta1  # m = beta1 m + (1 - beta1) g
        m += np.multiply(grad, 1 - self.beta1, out=work)
        v *= self.beta2  # v = beta2 v + (1 - beta2) g^2
        np.multiply(grad, grad, out=work)
        work *= 1 - self.beta2
        v += work
        # value -= lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1^t) and
        # v_hat = v / (1 - beta2^t), computed in the work array
        np.divide(v, 1 - self.beta2**t, out=work)
        np.sqrt(work, out=work)
        work += self.eps
        np.divide(m, work, out=work)
        work *= self.lr / (1 - self.beta1**t)
        value -= work

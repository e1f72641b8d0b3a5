"""Optimizers: `SGD` (with momentum and weight decay) and `Adam`, with PyTorch's update rules.

They change each parameter's array in place (and bump its version) without recording any
graph. Parameters whose ``.grad`` is None are skipped. Each update is written in array-generic
NumPy, in place, on state arrays kept between steps, so that inside `tg.compile` it becomes
lines of the program like everything else (the learning rate is read afresh at every call).

>>> import tinygrad_edu as tg
>>> w = tg.tensor([1.0, -2.0], requires_grad=True)
>>> opt = tg.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w.tolist()
[0.8, -1.6]
>>> opt
SGD(1 parameter, lr=0.1, momentum=0.0, weight_decay=0.0)
"""
import math
import numbers

import numpy as np

from .engine.grad_mode import grad_mode
from .engine.tensor import Tensor

__all__ = ["SGD", "Adam", "Optimizer"]


def _number(owner, name, value, low=0.0, high=math.inf, low_open=False, high_open=True):
    """A setting checked at construction: a real number in its range, or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if math.isnan(value) or below or above:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(f"{owner}: {name} must lie in {left}{low:g}, {high:g}{right}, got {value!r}")
    return value


class Optimizer:
    """Base class: holds the parameters and per-parameter state arrays; ``step()`` calls ``update``.

    A subclass lists in ``settings`` the numbers its ``update`` takes as keywords (read from the
    optimizer's attributes at every step) and in ``fixed_settings`` the attributes its ``update``
    reads itself (a compiled step is traced again when one of them changes), and writes
    ``init_state`` and ``update``.
    """

    settings = ("lr",)
    fixed_settings = ()

    def __init__(self, params, lr):
        name = type(self).__name__
        if hasattr(params, "parameters"):
            params = params.parameters()
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{name}: got an empty list of parameters")
        seen = {}
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise TypeError(
                    f"{name}: parameter {i} is not a Tensor that requires grad "
                    f"({type(p).__name__}); pass model.parameters() or tensors made with requires_grad=True"
                )
            if id(p) in seen:
                raise ValueError(f"{name}: parameter {i} is the same tensor as parameter {seen[id(p)]}; "
                                 "each parameter may be listed once (it would be updated twice per step)")
            seen[id(p)] = i
        self.lr = _number(name, "lr", lr, low_open=True)
        self.state = [{} for _ in self.params]

    def zero_grad(self):
        """Set every parameter's ``.grad`` to None before the next backward()."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Update every parameter that has a gradient, in place (no graph is recorded)."""
        if grad_mode.recorder is not None:  # inside tg.compile: the update becomes program lines
            return self._write_step(grad_mode.recorder)
        settings = {name: getattr(self, name) for name in self.settings}
        for p, state in zip(self.params, self.state):
            grad = p._grad
            if grad is None:
                continue
            if not state:
                self.init_state(state, p._array, grad._array)
            self.update(p._array, grad._array, *state.values(), **settings)
            p._note_in_place()

    def _write_step(self, recorder):
        """`step` while a program is written: each update is handed to the recorder, which
        writes its lines and reads the settings afresh at every call of the program."""
        for p, state in zip(self.params, self.state):
            if p._grad is None:
                continue
            if not state:
                self.init_state(state, p._array, p._grad._array)
            recorder.update(self.update, (p._array, p._grad._array, *state.values()),
                            {name: (self, name) for name in self.settings},
                            fixed=[(self, name) for name in self.fixed_settings],
                            names=[None, None] + [f"{type(self).__name__.lower()}_{key}" for key in state])
            p._note_in_place()

    def init_state(self, state, value, grad):  # pragma: no cover - abstract
        """Fill ``state`` with the arrays ``update`` works in (they are passed after value and grad)."""
        raise NotImplementedError

    def update(self, value, grad, *state, **settings):  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def work_array(value, grad):
        """A work array kept between steps. Fresh temporaries of a large parameter's size, freed
        at once every step, make glibc hand the memory back to the system and fault it in again
        on the next step (it doubled a per-sample MNIST epoch); one reused buffer avoids that."""
        return np.empty(grad.shape, np.result_type(value, grad))

    def __repr__(self):
        count = f"{len(self.params)} parameter{'s' if len(self.params) != 1 else ''}"
        options = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({count}, {options})"

    def options(self):
        return {"lr": self.lr}


class SGD(Optimizer):
    """p -= lr * v, where v = momentum * v + (grad + weight_decay * p) (v = the gradient when momentum=0)."""

    fixed_settings = ("momentum", "weight_decay")

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum = _number("SGD", "momentum", momentum)
        self.weight_decay = _number("SGD", "weight_decay", weight_decay)

    def options(self):
        return {"lr": self.lr, "momentum": self.momentum, "weight_decay": self.weight_decay}

    def init_state(self, state, value, grad):
        state["step"] = self.work_array(value, grad)
        if self.momentum:
            state["velocity"] = np.zeros(grad.shape, state["step"].dtype)  # first step: v = 0 * m + g = g

    def update(self, value, grad, step, velocity=None, *, lr):
        if self.weight_decay:
            grad = grad + self.weight_decay * value
        if velocity is not None:
            velocity *= self.momentum
            velocity += grad
            grad = velocity
        np.multiply(grad, lr, out=step)
        value -= step


class Adam(Optimizer):
    """Adam (Kingma & Ba): bias-corrected running means of the gradient and its square."""

    fixed_settings = ("beta1", "beta2", "eps", "weight_decay")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"Adam: betas must be a pair of numbers, got {betas!r}")
        self.beta1 = _number("Adam", "betas[0]", betas[0], high=1.0)
        self.beta2 = _number("Adam", "betas[1]", betas[1], high=1.0)
        self.eps = _number("Adam", "eps", eps, low_open=True)
        self.weight_decay = _number("Adam", "weight_decay", weight_decay)

    def options(self):
        return {"lr": self.lr, "betas": (self.beta1, self.beta2), "eps": self.eps, "weight_decay": self.weight_decay}

    def init_state(self, state, value, grad):
        work = self.work_array(value, grad)
        state.update(m=np.zeros_like(work), v=np.zeros_like(work), t=np.zeros((), np.int64), work=work)

    def update(self, value, grad, m, v, t, work, *, lr):
        if self.weight_decay:
            grad = grad + self.weight_decay * value
        t += 1
        m *= self.beta1  # m = beta1 m + (1 - beta1) g
        m += np.multiply(grad, 1 - self.beta1, out=work)
        v *= self.beta2  # v = beta2 v + (1 - beta2) g^2
        np.multiply(grad, grad, out=work)
        work *= 1 - self.beta2
        v += work
        # value -= lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - beta1^t) and
        # v_hat = v / (1 - beta2^t), computed in the work array
        np.divide(v, 1 - self.beta2 ** t, out=work)
        np.sqrt(work, out=work)
        work += self.eps
        np.divide(m, work, out=work)
        work *= lr / (1 - self.beta1 ** t)
        value -= work

"""`Module` (a container of parameters and sub-modules) and `Parameter` (a Tensor to learn).

Parameters are found by walking a module's attributes in the order they were assigned, so
``named_parameters()`` gives stable dotted names (``"layers.0.weight"``) that the graph
drawings use as labels and that ``state_dict()`` uses as keys.
"""
from collections import OrderedDict

import numpy as np

from ..engine.function import shape_str
from ..engine.grad_mode import grad_mode
from ..engine.tensor import Tensor, _to_array
from ..engine.tensor_shape import target_dtype


class Parameter(Tensor):
    """A Tensor that requires grad and that a `Module` lists in ``parameters()``.

    >>> import tinygrad_edu as tg
    >>> w = tg.nn.Parameter([[1.0, 2.0]])
    >>> w.requires_grad, w.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True, dtype=None, name=None):
        super().__init__(data, requires_grad=requires_grad, dtype=dtype, name=name)

    def __repr__(self):
        return "Parameter" + super().__repr__()[len("Tensor"):]


class Module:
    """Base class of layers and models: subclass it, assign Parameters and Modules as attributes,
    and write ``forward``. Calling the module calls ``forward``.

    >>> import tinygrad_edu as tg
    >>> class Affine(tg.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = tg.nn.Parameter([2.0])
    ...         self.b = tg.nn.Parameter([1.0])
    ...     def forward(self, x):
    ...         return x * self.w + self.b
    >>> model = Affine()
    >>> model(tg.tensor([3.0])).tolist(), [name for name, _ in model.named_parameters()]
    ([7.0], ['w', 'b'])
    """

    training = True  # a class default, so a subclass that forgets super().__init__() still works
    _path = ""  # where the model keeps this module ("layers.0"), set when the model first runs

    def __init__(self):
        self.training = True

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        # remember which module is running, so the graph drawing can box each module's ops
        outer = grad_mode.module
        if outer is None and not self.__dict__.get("_paths_given"):
            self._give_paths()
        grad_mode.module = self
        try:
            return self.forward(*args, **kwargs)
        finally:
            grad_mode.module = outer

    # -- the tree of modules and parameters ----------------------------------------------
    def named_children(self):
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def named_modules(self, prefix="", _seen=None):
        """(dotted name, module) for this module and every module inside it, each once (a
        module kept in two places, or inside itself, is listed where it is first met)."""
        seen = set() if _seen is None else _seen
        if id(self) in seen:
            return
        seen.add(id(self))
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name, seen)

    def named_parameters(self, prefix=""):
        """(dotted name, Parameter) pairs, in the order the attributes were assigned."""
        seen = set()
        for module_name, module in self.named_modules(prefix):
            for name, value in vars(module).items():
                items = [(name, value)]
                if isinstance(value, (list, tuple)):
                    items = [(f"{name}.{i}", v) for i, v in enumerate(value)]
                for item_name, item in items:
                    if isinstance(item, Parameter) and id(item) not in seen:
                        seen.add(id(item))
                        yield (f"{module_name}.{item_name}" if module_name else item_name), item

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def register_buffer(self, name, value):
        """Keep a Tensor that is state but not learned (BatchNorm's running mean): it is saved
        and loaded with the parameters and cast by ``to()``, but no optimizer sees it."""
        if isinstance(value, Tensor):
            buffer = value
        else:  # an array keeps its dtype (a counter stays an integer)
            buffer = Tensor(value, dtype=value.dtype if isinstance(value, np.ndarray) else None)
        setattr(self, name, buffer)
        self.__dict__.setdefault("_buffer_names", []).append(name)
        return buffer

    def named_buffers(self, prefix=""):
        """(dotted name, Tensor) pairs of every buffer (see `register_buffer`)."""
        for module_name, module in self.named_modules(prefix):
            for name in module.__dict__.get("_buffer_names", ()):
                yield (f"{module_name}.{name}" if module_name else name), getattr(module, name)

    def _state(self):
        return list(self.named_parameters()) + list(self.named_buffers())

    def _give_paths(self):
        """Tell each parameter where it lives (``p.path = "layers.0.weight"``) the first time the
        model runs, so that drawings, traces and generated code can call it by that name."""
        for name, p in self.named_parameters():
            if p.path is None:
                p.path = name
        for name, module in self.named_modules():
            if name and "_path" not in module.__dict__:
                module._path = name  # the explorer groups a big graph's ops by it
        self._paths_given = True

    def modules(self):
        return [m for _, m in self.named_modules()]

    def zero_grad(self):
        """Clear every parameter's ``.grad`` (sets it to None, as PyTorch does by default)."""
        for p in self.parameters():
            p.grad = None

    def train(self, mode=True):
        """Training mode (the default): `Dropout` drops, `BatchNorm1d` uses the batch's statistics."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self):
        """Evaluation mode: `Dropout` passes everything, `BatchNorm1d` uses its running statistics."""
        return self.train(False)

    def to(self, *args, dtype=None, device=None):
        """Cast every parameter and floating buffer to ``dtype``, in place (``model.to(np.float32)``);
        their gradients are dropped. Cast before making the optimizer, as in PyTorch. The device
        is always the CPU: ``model.to("cpu")`` changes nothing."""
        dtype = target_dtype("Module.to", args, dtype, device)
        if dtype is None:
            return self
        if dtype.kind != "f":
            raise TypeError(f"Module.to: parameters must stay floating point, got {dtype}")
        for _, tensor in self._state():
            if tensor.dtype.kind == "f" and tensor.dtype != dtype:
                tensor.data = tensor.data.astype(dtype)
                tensor._grad = None
                tensor._note_in_place()
        return self

    def float(self):
        """``to(np.float32)``."""
        return self.to(np.float32)

    def double(self):
        """``to(np.float64)``."""
        return self.to(np.float64)

    # -- saving and loading --------------------------------------------------------------
    def state_dict(self):
        """Parameter (and buffer) name -> a copy of its array."""
        return OrderedDict((name, p.data.copy()) for name, p in self._state())

    def load_state_dict(self, state, strict=True):
        """Copy arrays into the parameters. Every key and shape is checked before anything
        changes, so on an error the module is left exactly as it was."""
        own = dict(self._state())
        arrays = {}
        for name, value in state.items():
            if name not in own:
                if strict:
                    raise KeyError(f"load_state_dict: unexpected key '{name}'; this model has {sorted(own)}")
                continue
            array = _to_array(value.data if isinstance(value, Tensor) else value)
            if array.shape != own[name].shape:
                raise ValueError(
                    f"load_state_dict: '{name}' has shape {shape_str(array.shape)} in the state "
                    f"but {shape_str(own[name].shape)} in the model"
                )
            arrays[name] = array
        missing = [name for name in own if name not in arrays]
        if strict and missing:
            raise KeyError(f"load_state_dict: missing keys {missing}")
        for name, array in arrays.items():
            param = own[name]
            param.data = array.astype(param.dtype, copy=False)
            param._note_in_place()
        return self

    # -- display -------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self):
        return self._repr(set())

    def _repr(self, enclosing):
        children = list(self.named_children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        enclosing = enclosing | {id(self)}
        for name, child in children:
            if id(child) in enclosing:  # a module inside itself: say so instead of recursing forever
                body = f"{type(child).__name__}(...)  # a module that contains this one"
            else:
                body = child._repr(enclosing).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"


def count_parameters(module) -> int:
    """How many numbers the module learns."""
    return int(sum(np.prod(p.shape) for p in module.parameters()))

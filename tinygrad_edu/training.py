"""`fit`: the training loop, for when the loop itself is not what you are teaching."""
import sys
import time
from dataclasses import dataclass, field

from .creation import checked_seed
from .data.batches import batches, checked_batch_size
from .engine.arguments import whole_number
from .engine.tensor import Tensor
from .progress import progress


@dataclass
class History:
    """What `fit` returns: the mean loss of each epoch, any metrics, and why it stopped."""

    loss: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    stopped_early: bool = False
    seconds: float = 0.0

    @property
    def epochs(self) -> int:
        return len(self.loss)

    def __repr__(self):
        """A short summary: ``print(history)`` does not dump every epoch's loss."""
        if not self.loss:
            return "History(no epochs)"
        parts = [f"{self.epochs} epoch{'s' * (self.epochs != 1)}", f"loss {self.loss[0]:.4g} -> {self.loss[-1]:.4g}"]
        parts += [f"{name} {values[-1]:.4g}" for name, values in self.metrics.items() if values]
        if self.stopped_early:
            parts.append("stopped early")
        return f"History({', '.join(parts)}, {self.seconds:.1f} s)"


def _batch_count(inputs, batch_size):
    """How many batches `batches` makes of ``inputs`` per epoch (the progress bar's total)."""
    if batch_size is None or len(inputs) == 0:
        return 1
    return -(-len(inputs) // checked_batch_size(batch_size, "fit"))  # rounded up: the last batch may be smaller


def _metric_value(name, value):
    """A metric's value as a float, or an error naming the metric (the bar and History print numbers)."""
    try:
        if isinstance(value, (str, bytes)):  # float("0.5") would read it; a metric computes its number
            raise TypeError
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"fit: the metric {name!r} returned {type(value).__name__} {value!r:.60}; "
                        "a metric is a function of the model that returns one number") from None


def fit(model, loss_fn, optimizer, data, epochs=1, batch_size=None, shuffle=False, seed=None,
        desired_error=None, callback=None, metrics=None, report_every=None, verbose=True):
    """Train ``model`` on ``data = (inputs, targets)`` and return a `History`.

    Each step: ``optimizer.zero_grad()``, ``loss = loss_fn(model(x), y)``, ``loss.backward()``,
    ``optimizer.step()``. An epoch's loss is the mean of its batches' losses, weighted by batch
    size. Training stops early when that loss falls to ``desired_error`` (as FANN's
    ``train_on_data`` does), or when ``callback(epoch, history, model)`` returns True.
    ``metrics`` maps names to functions of the model, evaluated after each epoch.
    ``report_every=N`` prints a line every N epochs; a progress bar (tqdm: a widget in Jupyter,
    a text bar with elapsed time and ETA elsewhere) counts the batches and shows the epoch, the
    running loss and the metrics (``verbose=False`` silences both).

    >>> import numpy as np, tinygrad_edu as tg
    >>> X, y = tg.data.and_gate()
    >>> np.random.seed(0)
    >>> model = tg.nn.MLP([2, 1], output_activation="sigmoid")
    >>> history = tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model.parameters(), lr=2.0), (X, y), epochs=500, verbose=False)
    >>> history.loss[-1] < 0.05
    True
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise ValueError(f"fit: data must be a pair (inputs, targets), got {type(data).__name__}"
                         + (f" of {len(data)} items" if isinstance(data, (tuple, list)) else ""))
    epochs = whole_number(epochs, "epochs", "fit")
    seed = None if seed is None else checked_seed(seed, "fit")
    inputs, targets = data
    metrics = metrics or {}
    history = History(metrics={name: [] for name in metrics})
    per_epoch = _batch_count(inputs, batch_size)
    started = time.perf_counter()
    with progress(total=epochs * per_epoch, desc="training", unit="batch", enabled=verbose) as bar:
        for epoch in range(1, epochs + 1):
            total, count = 0.0, 0
            epoch_seed = None if seed is None else (seed + epoch) % 2**32  # another order each epoch
            for x, y in batches(inputs, targets, batch_size, shuffle=shuffle, seed=epoch_seed):
                optimizer.zero_grad()
                loss = loss_fn(model(Tensor(x)), y)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(x)
                count += len(x)
                bar.update(1)
                bar.set_postfix(epoch=f"{epoch}/{epochs}", loss=f"{total / count:.4g}", refresh=False)
            epoch_loss = total / count
            history.loss.append(epoch_loss)
            for name, metric in metrics.items():
                history.metrics[name].append(_metric_value(name, metric(model)))
            if metrics:
                bar.set_postfix(epoch=f"{epoch}/{epochs}", loss=f"{epoch_loss:.4g}",
                                **{name: f"{values[-1]:.4g}" for name, values in history.metrics.items()})
            if verbose and report_every and (epoch % report_every == 0 or epoch == 1):
                bar.write(f"Epoch {epoch:8d}. Current error: {epoch_loss:.10f}.", file=sys.stdout)
            if desired_error is not None and epoch_loss <= desired_error:
                history.stopped_early = True
                break
            if callback is not None and callback(epoch, history, model):
                history.stopped_early = True
                break
    history.seconds = time.perf_counter() - started
    return history

"""`fit`: the training loop, for when the loop itself is not what you are teaching."""
import sys
import time
from dataclasses import dataclass, field

from .data.batches import batches
from .engine.tensor import Tensor


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


class ProgressBar:
    """One line rewritten in place on a terminal; silent elsewhere (logs, CI, pytest)."""

    def __init__(self, total, enabled, stream=None, unit="epoch"):
        self.stream = stream or sys.stderr
        self.total, self.unit = total, unit
        self.enabled = enabled and getattr(self.stream, "isatty", lambda: False)()

    def update(self, done_count, loss):
        if self.enabled:
            width = 30
            done = int(width * done_count / self.total)
            self.stream.write(f"\r{self.unit} {done_count}/{self.total} [{'#' * done}{'.' * (width - done)}] loss {loss:.6g}")
            self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")


def fit(model, loss_fn, optimizer, data, epochs=1, batch_size=None, shuffle=False, seed=None,
        desired_error=None, callback=None, metrics=None, report_every=None, verbose=True):
    """Train ``model`` on ``data = (inputs, targets)`` and return a `History`.

    Each step: ``optimizer.zero_grad()``, ``loss = loss_fn(model(x), y)``, ``loss.backward()``,
    ``optimizer.step()``. An epoch's loss is the mean of its batches' losses, weighted by batch
    size. Training stops early when that loss falls to ``desired_error`` (as FANN's
    ``train_on_data`` does), or when ``callback(epoch, history, model)`` returns True.
    ``metrics`` maps names to functions of the model, evaluated after each epoch.
    ``report_every=N`` prints a line every N epochs; a progress bar shows on a terminal
    (``verbose=False`` silences both).

    >>> import numpy as np, tinygrad_edu as tg
    >>> X, y = tg.data.and_gate()
    >>> np.random.seed(0)
    >>> model = tg.nn.MLP([2, 1], output_activation="sigmoid")
    >>> history = tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model.parameters(), lr=2.0), (X, y), epochs=500, verbose=False)
    >>> history.loss[-1] < 0.05
    True
    """
    inputs, targets = data
    metrics = metrics or {}
    history = History(metrics={name: [] for name in metrics})
    bar = ProgressBar(epochs, verbose)
    started = time.perf_counter()
    try:
        for epoch in range(1, epochs + 1):
            total, count = 0.0, 0
            epoch_seed = None if seed is None else seed + epoch
            for x, y in batches(inputs, targets, batch_size, shuffle=shuffle, seed=epoch_seed):
                optimizer.zero_grad()
                loss = loss_fn(model(Tensor(x)), y)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(x)
                count += len(x)
            epoch_loss = total / count
            history.loss.append(epoch_loss)
            for name, metric in metrics.items():
                history.metrics[name].append(metric(model))
            bar.update(epoch, epoch_loss)
            if verbose and report_every and (epoch % report_every == 0 or epoch == 1):
                print(f"Epoch {epoch:8d}. Current error: {epoch_loss:.10f}.")
            if desired_error is not None and epoch_loss <= desired_error:
                history.stopped_early = True
                break
            if callback is not None and callback(epoch, history, model):
                history.stopped_early = True
                break
    finally:
        bar.close()
        history.seconds = time.perf_counter() - started
    return history

"""Peak memory of one training step, next to hand-written NumPy's, measured with tracemalloc
(NumPy reports its array allocations to it).

The step is the 784-256-10 ReLU network on a batch of 128 float32 images (workloads.py). Each
implementation first runs a few steps to reach its steady state (gradients and optimizer
buffers exist, the previous step's graph is still referenced by the loop's variables, as in a
real loop); then the peak above the memory in use at the start of a step is recorded over
several steps. The parameters and the data set are allocated before, so they do not count.
"""
import tracemalloc

import tinygrad_edu as tg
from workloads import batch_data, batch_model, batch_numpy_step


def _peak(run_step, warmup=3, steps=5):
    """The largest growth of traced memory over a step, in steady state."""
    for i in range(warmup):
        run_step(i)
    tracemalloc.start()
    peak = 0
    for i in range(warmup, warmup + steps):
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        run_step(i)
        peak = max(peak, tracemalloc.get_traced_memory()[1] - start)
    tracemalloc.stop()
    return peak


def step_peaks():
    """{"numpy": bytes, "eager": bytes, "compiled": bytes} for one batch-128 step."""
    X, labels, *params = batch_data(8)
    numpy_params = [p.copy() for p in params]
    peaks = {"numpy": _peak(lambda i: batch_numpy_step(numpy_params, X[i], labels[i]))}

    step, _ = batch_model([p.copy() for p in params])
    kept = {}

    def eager_step(i):
        kept["loss"] = step(tg.as_tensor(X[i]), labels[i])  # the loop's variable keeps the last graph

    peaks["eager"] = _peak(eager_step)
    compiled, _ = batch_model([p.copy() for p in params])
    compiled = tg.compile(compiled)
    peaks["compiled"] = _peak(lambda i: kept.update(loss=compiled(X[i], labels[i])))
    return peaks


if __name__ == "__main__":
    for name, peak in step_peaks().items():
        print(f"{name:10s} {peak / 1e6:8.2f} MB")

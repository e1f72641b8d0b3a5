"""The benchmark script runs (quick mode); correctness only, never a time."""
import importlib.util
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_benchmark_prints_every_workload():
    bench = load()
    lines = []
    rows = bench.run(quick=True, repeats=1, out=lines.append)
    names = {row[0] for row in rows}
    assert names == {w[0] for w in bench.WORKLOADS}
    assert all(row[5] > 0 for row in rows)
    assert lines[0].startswith("machine:")


def test_eager_and_numpy_trask_compute_the_same_weights():
    """The two implementations in the table do the same work (else the ratio means nothing)."""
    bench = load()
    import tinygrad_edu as tg

    X, y, s0, s1 = bench.trask_data()
    syn0, syn1 = s0.copy(), s1.copy()
    for _ in range(20):
        l1 = 1 / (1 + np.exp(-X.dot(syn0)))
        l2 = 1 / (1 + np.exp(-l1.dot(syn1)))
        d2 = (y - l2) * (l2 * (1 - l2))
        d1 = d2.dot(syn1.T) * (l1 * (1 - l1))
        syn1 += l1.T.dot(d2)
        syn0 += X.T.dot(d1)
    t0, t1 = tg.tensor(s0, requires_grad=True), tg.tensor(s1, requires_grad=True)
    for _ in range(20):
        l2 = ((tg.tensor(X) @ t0).sigmoid() @ t1).sigmoid()
        (0.5 * ((tg.tensor(y) - l2) ** 2).sum()).backward()
        with tg.no_grad():
            t1 -= t1.grad
            t0 -= t0.grad
        t0.grad = t1.grad = None
    assert np.array_equal(t0.data, syn0) and np.array_equal(t1.data, syn1)

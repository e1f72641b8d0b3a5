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


def test_quick_benchmark_prints_every_workload_and_the_memory_line():
    bench = load()
    lines = []
    rows = bench.run(quick=True, repeats=1, out=lines.append)
    names = {row[0] for row in rows}
    assert names == {w[0] for w in bench.WORKLOADS}
    assert all(row[5] > 0 for row in rows)
    assert lines[0].startswith("machine:") and lines[1].startswith("BLAS")
    assert {row[3] for row in rows} >= {"numpy", "tape", "eager", "compiled"}
    peaks = bench.memory(out=lines.append)
    assert set(peaks) == {"numpy", "eager", "compiled"} and all(v > 0 for v in peaks.values())


def test_every_implementation_of_a_workload_computes_the_same_thing():
    """The columns of the table do the same work (else the ratios mean nothing)."""
    load()
    import workloads

    for name, _, _, implementations, _ in workloads.WORKLOADS:
        results = {impl: fn(3) for impl, fn in implementations.items() if impl != "torch"}
        expected = results.pop("numpy")
        for impl, got in results.items():
            for a, b in zip(np.atleast_1d(np.asarray(expected, dtype=object)), np.atleast_1d(np.asarray(got, dtype=object))):
                np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-4,
                                           atol=1e-6, err_msg=f"{name}: {impl} differs from numpy")


def test_trask_in_every_column_is_trasks_update_bit_for_bit():
    """0.5 * SSE with SGD at lr 1 is Trask's own update, to the last bit, eager and compiled."""
    load()
    import workloads

    expected = workloads.trask_numpy(50)
    for impl in (workloads.trask_eager, workloads.trask_compiled):
        for got, want in zip(impl(50), expected):
            np.testing.assert_array_equal(got, want, err_msg=impl.__name__)
    for got, want in zip(workloads.trask_tape(50), expected):  # the tape multiplies in another order
        np.testing.assert_allclose(got, want, rtol=1e-12)

"""Speed of tinygrad_edu next to hand-written NumPy, a bare tape and PyTorch (when installed).

    python benchmarks/run.py           # the full table (a few minutes): make bench
    python benchmarks/run.py --quick   # small sizes, for the test suite (seconds)

One table: for each workload, each cell is the median of several runs per unit (step, record,
op) and its ratio to hand-written NumPy run in the same process (the columns take turns, run by
run, so that drift falls on all of them alike). "tape" is the floor for a Python eager engine
(bare_tape.py); "compiled" is the same step under tg.compile;
"torch" is PyTorch eager on one thread, timed in a child process of this run: importing
PyTorch puts some 140,000 Python objects on the heap, which every full collection of Python's
garbage collector would then walk while a pure-Python engine builds a graph. BLAS runs on one
thread (threadpoolctl), so the numbers do not swing with what else the machine does; the
kernel is printed. Then the peak memory of one batch-128 step (memory.py). Nothing here
asserts a time.
"""
import argparse
import importlib.util
import json
import pathlib
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import workloads  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # pragma: no cover - the dev extra installs it
    threadpool_info = threadpool_limits = None

COLUMNS = ["numpy", "tape", "eager", "compiled", "torch"]


def pin_threads():
    """One BLAS thread; returns a line describing the kernels."""
    if threadpool_limits is None:
        return "BLAS threads: not pinned (pip install threadpoolctl)"
    threadpool_limits(1)
    kernels = [f"{p.get('internal_api')} {p.get('version') or ''} {p.get('architecture') or ''}, "
               f"{p.get('num_threads')} thread(s)".replace("  ", " ")
               for p in threadpool_info() if p.get("user_api") == "blas"]
    return "BLAS: " + ("; ".join(kernels) or "none found")


def median_seconds(fn, size, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn(size)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def interleaved_medians(implementations, size, repeats):
    """{implementation: median seconds}, the implementations taking turns run by run, so that
    the machine's drift (caches, frequency, other processes) falls on every column alike."""
    times = {impl: [] for impl in implementations}
    for _ in range(repeats):
        for impl, fn in implementations.items():
            started = time.perf_counter()
            fn(size)
            times[impl].append(time.perf_counter() - started)
    return {impl: statistics.median(values) for impl, values in times.items()}


def time_torch(quick, repeats, only):
    """Seconds per workload for the torch column, measured by a child process (see above)."""
    if importlib.util.find_spec("torch") is None:
        return None, None
    command = [sys.executable, __file__, "--torch-child", "--repeats", str(repeats)]
    command += ["--quick"] if quick else []
    command += ["--only", only] if only else []
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    answer = json.loads(done.stdout.splitlines()[-1])
    return answer["version"], answer["seconds"]


def torch_child(quick, repeats, only):
    torch = workloads.load_torch()
    pin_threads()
    seconds = {name: median_seconds(impls["torch"], sizes[1] if quick else sizes[0], repeats)
               for name, sizes, _, impls, _ in WORKLOADS
               if "torch" in impls and (not only or only.lower() in name.lower())}
    print(json.dumps({"version": torch.__version__, "seconds": seconds}))


def run(quick=False, repeats=None, out=print, only=None):
    """Time every workload; returns rows (name, size, unit, implementation, us per unit, ratio)."""
    repeats = repeats or (1 if quick else 5)
    torch_version, torch_seconds = time_torch(quick, repeats, only)
    out(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"NumPy {np.__version__}, " + (f"PyTorch {torch_version} (one thread, in a child process)"
                                       if torch_version else "PyTorch not installed"))
    out(pin_threads())
    out("each cell: median time per unit (ratio to hand-written NumPy in the same run)")
    out(f"{'workload':<34}{'size':>16}" + "".join(f"{c:>21}" for c in COLUMNS))
    rows = []
    for name, sizes, unit, implementations, _target in WORKLOADS:
        if only and only.lower() not in name.lower():
            continue
        size = sizes[1] if quick else sizes[0]
        cells, baseline = {}, None
        measured = interleaved_medians({impl: implementations[impl] for impl in COLUMNS
                                        if impl != "torch" and impl in implementations}, size, repeats)
        for impl in COLUMNS:
            seconds = (torch_seconds or {}).get(name) if impl == "torch" else measured.get(impl)
            if seconds is None:
                continue
            baseline = seconds if impl == "numpy" else baseline
            per_unit, ratio = seconds / size * 1e6, seconds / baseline
            rows.append((name, size, unit, impl, per_unit, ratio))
            cells[impl] = f"{per_unit:.2f} us ({ratio:.2f}x)"
        out(f"{name:<34}{f'{size:,} {unit}':>16}" + "".join(f"{cells.get(c, '-'):>21}" for c in COLUMNS))
    return rows


def memory(out=print):
    """Peak memory of one batch-128 step; returns {implementation: bytes}."""
    from memory import step_peaks

    peaks = step_peaks()
    out("peak memory of one 784-256-10 batch-128 float32 step (tracemalloc, steady state):")
    out("  " + ", ".join(f"{k} {v / 1e6:.2f} MB ({v / peaks['numpy']:.2f}x)" for k, v in peaks.items()))
    return peaks


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (for the test suite)")
    parser.add_argument("--repeats", type=int, help="runs per cell, the median is kept (default 5, quick 1)")
    parser.add_argument("--only", help="only the workloads whose name contains this text")
    parser.add_argument("--torch-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_child:
        torch_child(args.quick, args.repeats or (1 if args.quick else 5), args.only)
        sys.exit(0)
    run(args.quick, args.repeats, only=args.only)
    if not args.only:
        memory()

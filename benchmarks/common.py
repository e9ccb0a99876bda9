"""Shared benchmark plumbing: the data, the initial weights, fair timing, tables, machine info.

Every workload script imports this module so that all engines see the same moons points and
the same initial weights, and are timed the same way, as a user's loop runs them: engines are
interleaved round by round, and in each round an engine runs one untimed lead-in step (so the
timed steps meet the state its own previous step left, garbage included) and then a block of
consecutive timed steps. ``gc.collect()`` is never called: collecting before a step would hide
the cost of the previous step's cyclic garbage, which a real loop pays. Results are medians
over rounds of the time per step; ratios are only ever taken between engines of the same run.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# numpy's BLAS on one thread, as torch is (import_torch): the replay's matrix products and
# torch's are then compared like for like, and a busy machine does not stall BLAS threads.
# Set before numpy is first imported, which is what reads it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

MLP_SIZES = (2, 16, 16, 1)  # MLP(2, [16, 16, 1]): micrograd's demo model
N_MOONS = 100
ALPHA = 1e-4  # micrograd demo's L2 penalty


def moons(n: int = N_MOONS, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """microgradx.data's two moons with labels in {-1, +1}, as micrograd's hinge loss wants."""
    from microgradx import data

    X, y = data.make_moons(n, noise=noise, seed=seed)
    return X, data.signed_labels(y)


Layer = list[tuple[list[float], float]]  # one (weights, bias) pair per neuron


def initial_weights(sizes: Sequence[int] = MLP_SIZES, seed: int = 0) -> list[Layer]:
    """micrograd's initialisation (w ~ U(-1, 1), b = 0), drawn once from a seeded generator."""
    rng = np.random.default_rng(seed)
    return [
        [([float(w) for w in rng.uniform(-1.0, 1.0, nin)], 0.0) for _ in range(nout)]
        for nin, nout in itertools.pairwise(sizes)
    ]


def mlp_forward(layers: list[list[tuple[list[Any], Any]]], x: Sequence[Any]) -> Any:
    """micrograd's MLP on any scalar type with ``*``, ``+`` and ``.relu()``: ReLU except last."""
    for depth, layer in enumerate(layers):
        last = depth == len(layers) - 1
        acts = [sum((wi * xi for wi, xi in zip(w, x, strict=True)), b) for w, b in layer]
        x = acts if last else [a.relu() for a in acts]
    return x[0]


# -- timing ---------------------------------------------------------------------------------


ENGINES = (
    "micrograd 0.1.0",
    "microgradx eager",
    "microgradx replay",
    "torch 0-d tensors",
    "torch batched",
)
"""Every table lists its engines in this order (rows an engine cannot run say why)."""


@dataclass
class Report:
    """A workload's full markdown (for RESULTS.md) and its short form (for the README)."""

    full: str
    summary: str = ""


@dataclass
class Row:
    """One engine's line in a table."""

    engine: str
    times: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        """Median of the timed rounds (NaN when the engine was skipped)."""
        return statistics.median(self.times) if self.times else float("nan")


Step = Callable[[], object]

TINY = False
"""True for the test suite's smoke run (``run_all.py --tiny``): the smallest sizes that still
run every line of every workload. Set by run_all.py (and passed on to child processes)."""


def sized(quick: bool, full: Any, fast: Any, tiny: Any) -> Any:
    """The setting for this run: ``tiny`` (TINY), ``fast`` (``--quick``) or ``full``."""
    return tiny if TINY else fast if quick else full


def interleave(
    steps: dict[str, Step],
    rounds: int,
    tick: Callable[[], None] = lambda: None,
    block: int | dict[str, int] = 2,
    lead_in: int = 1,
) -> dict[str, list[float]]:
    """Seconds per step, one entry per round: engines in turn, each a lead-in then a block.

    ``block`` is the number of timed steps in a row (one number, or one per engine); the
    lead-in steps are untimed. There is no ``gc.collect()`` anywhere: each step pays for the
    collections its own allocations trigger, as in a user's loop.
    """
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            n = block if isinstance(block, int) else block[name]
            for _ in range(lead_in):
                step()
            start = time.perf_counter()
            for _ in range(n):
                step()
            times[name].append((time.perf_counter() - start) / n)
            tick()
    return times


def load() -> str:
    """The machine's load average (1, 5, 15 min) and core count, for the record."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min) on {os.cpu_count()} cores"


def load_now() -> float:
    """The 1-minute load average right now."""
    return os.getloadavg()[0]


def run_child(module: str, function: str, **kwargs: Any) -> Any:
    """``module.function(**kwargs)`` in a fresh Python process; its JSON result, decoded.

    A fresh process gives each heap its own interpreter: a "bare" process has imported
    neither torch nor anything else the parent has, and no other engine's garbage is around.
    """
    here = str(Path(__file__).resolve().parent)
    code = (
        f"import sys, json; sys.path[:0] = [{here!r}]; import common; common.TINY = {TINY!r}; "
        f"import {module} as m; print(json.dumps(m.{function}(**json.loads(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(kwargs)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module}.{function}({kwargs}) failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# A Jupyter kernel holds ~150,000 GC-tracked objects right after importing numpy, matplotlib,
# IPython and scikit-learn (measured with len(gc.get_objects())); a notebook's own data adds
# more. micrograd's time depends on that heap: its closures make every node cyclic garbage
# work, and the collector's generations grow with what is alive.
NOTEBOOK_OBJECTS = 500_000


def notebook_heap() -> list[Any]:
    """Live container objects standing in for a notebook session's heap (keep the list alive)."""
    return [[i] for i in range(NOTEBOOK_OBJECTS)]


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """Temporarily raise the recursion limit (micrograd's recursive topo sort needs it)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def fmt_time(seconds: float) -> str:
    """Seconds in the most readable unit."""
    if seconds != seconds:
        return "—"
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def ratio(slow: float, fast: float) -> str:
    """How many times faster ``fast`` is than ``slow``, e.g. ``12.7×``."""
    return f"{slow / fast:.1f}×" if fast == fast and slow == slow else "—"


def table(title: str, rows: list[Row], baseline: str = "micrograd 0.1.0", extra: str = "") -> str:
    """A markdown table: engine, median time, speed-up vs the baseline row, notes."""
    base = next((r.median for r in rows if r.engine == baseline and r.times), None)
    lines = [f"### {title}", ""]
    if extra:
        lines += [extra, ""]
    lines += ["| engine | median | vs micrograd | rounds | note |", "|---|---:|---:|---:|---|"]
    for r in rows:
        if not r.times:
            lines.append(f"| {r.engine} | — | — | 0 | {r.note} |")
            continue
        ratio = "—" if base is None else f"{base / r.median:.1f}× faster"
        if base is not None and r.median > base:
            ratio = f"{r.median / base:.1f}× slower"
        if r.engine == baseline:
            ratio = "1.0×"
        lines.append(f"| {r.engine} | {fmt_time(r.median)} | {ratio} | {len(r.times)} | {r.note} |")
    return "\n".join(lines) + "\n"


def summary_table(what: str, rows: dict[str, list[Row]]) -> str:
    """One line per size: each engine's median and its speed-up over micrograd in that run."""
    engines = [r.engine for r in next(iter(rows.values())) if r.times or "skipped" in r.note]
    lines = [f"| {what} | {' | '.join(engines)} |", "|---|" + "---:|" * len(engines)]
    for label, size_rows in rows.items():
        by = {r.engine: r for r in size_rows}
        base = by["micrograd 0.1.0"].median if "micrograd 0.1.0" in by else float("nan")
        cells = []
        for name in engines:
            t = by[name].median
            if t != t:
                cells.append("—")
            elif name == "micrograd 0.1.0" or base != base:
                cells.append(fmt_time(t))
            else:
                cells.append(f"{fmt_time(t)} ({ratio(base, t)})")
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


# -- peers ----------------------------------------------------------------------------------


def import_micrograd() -> tuple[Any, str]:
    """(micrograd.engine module or None, note why not)."""
    try:
        import micrograd.engine as mg
    except ImportError:
        return None, "not installed (pip install -e '.[bench]')"
    return mg, ""


def import_torch() -> tuple[Any, str]:
    """(torch configured for 1 thread, or None, note why not)."""
    try:
        import torch
    except ImportError:
        return None, "not installed"
    torch.set_num_threads(1)
    return torch, ""


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def machine_info() -> str:
    """CPU, cores, OS, Python, numpy and torch versions as a markdown list."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    torch, _ = import_torch()
    mg, _ = import_micrograd()
    versions = [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
        f"- numpy {np.__version__} (BLAS threads: {os.environ.get('OPENBLAS_NUM_THREADS')})",
        f"- torch {torch.__version__ + ' (1 thread, float64)' if torch else 'not installed'}",
        f"- micrograd {_version('micrograd') if mg else 'not installed'}",
    ]
    return "\n".join(versions) + "\n"

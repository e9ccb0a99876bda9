"""W3 — memory per node: leaves and binary-op nodes, by tracemalloc and by RSS.

Each measurement runs in a fresh subprocess, so one engine's freed memory (which Python keeps
in its arenas) never hides another's, and tracemalloc's own bookkeeping never inflates RSS.
tracemalloc sees only Python allocations, so torch (C++ tensors and autograd nodes) is
measured by RSS alone.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENGINES = ("micrograd 0.1.0", "microgradx eager", "torch 0-d tensors")
KINDS = ("leaf", "binary")


def count(quick: bool) -> int:
    """Nodes per measurement: enough for RSS to resolve a few bytes per node."""
    from common import sized

    return sized(quick, 100_000, 20_000, 2_000)


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _maker(engine: str) -> Callable[[float], Any]:
    if engine == "micrograd 0.1.0":
        import micrograd.engine as mg

        return mg.Value  # type: ignore[no-any-return]
    if engine == "microgradx eager":
        import microgradx as mx

        return mx.Value
    import torch

    torch.set_num_threads(1)
    return lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True)


def measure(engine: str, kind: str, method: str, n: int) -> float:
    """Bytes per node for one (engine, kind, method), measured in this process."""
    make = _maker(engine)
    if kind == "binary":  # the operands exist before the measurement starts
        a = [make(float(i)) for i in range(n)]
        b = [make(0.5) for _ in range(n)]

        def build() -> list[Any]:
            return [x * y for x, y in zip(a, b, strict=True)]
    else:

        def build() -> list[Any]:
            return [make(i + 0.5) for i in range(n)]

    gc.collect()
    if method == "tracemalloc":
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        nodes = build()
        used = tracemalloc.get_traced_memory()[0] - before - sys.getsizeof(nodes)
        tracemalloc.stop()
    else:
        before = _rss()
        nodes = build()
        used = _rss() - before - sys.getsizeof(nodes)
    return used / n


def _child(engine: str, kind: str, method: str, n: int) -> float | None:
    here = str(Path(__file__).parent)
    code = (
        f"import sys, json; sys.path[:0] = [{here!r}]; import w3_memory as w; "
        f"print(json.dumps(w.measure({engine!r}, {kind!r}, {method!r}, {n})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return float(json.loads(done.stdout.strip().splitlines()[-1]))


def _available(engine: str) -> bool:
    module = {"micrograd 0.1.0": "micrograd", "torch 0-d tensors": "torch"}.get(engine)
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports."""
    return len(ENGINES) * len(KINDS) * 2


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> Any:
    """Measure every engine in subprocesses and return the markdown table."""
    n = count(quick)
    results: dict[tuple[str, str, str], float | None] = {}
    for engine in ENGINES:
        for kind in KINDS:
            for method in ("tracemalloc", "rss"):
                skip = not _available(engine) or (
                    engine.startswith("torch") and method == "tracemalloc"
                )
                results[engine, kind, method] = None if skip else _child(engine, kind, method, n)
                tick()

    def cell(engine: str, kind: str, method: str) -> str:
        v = results[engine, kind, method]
        return "—" if v is None else f"{v:.0f} B"

    base = results.get(("micrograd 0.1.0", "binary", "tracemalloc"))
    lines = [
        "### W3 — memory per node",
        "",
        f"{n:,} nodes per measurement, each in a fresh process. A binary-op node is `a * b` of "
        "two existing leaves (the node, its data, its links to the operands). "
        "tracemalloc cannot see torch's C++ allocations (—).",
        "",
        "| W3: engine | leaf (tracemalloc) | leaf (RSS) | binary-op node (tracemalloc) "
        "| binary-op node (RSS) | vs micrograd (binary, tracemalloc) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for engine in ENGINES:
        if not _available(engine):
            lines.append(f"| {engine} | — | — | — | — | skipped: not installed |")
            continue
        mine = results[engine, "binary", "tracemalloc"]
        ratio = "—" if base is None or mine is None else f"{base / mine:.1f}× smaller"
        if engine == "micrograd 0.1.0":
            ratio = "1.0×"
        cells = " | ".join(cell(engine, k, m) for k in KINDS for m in ("tracemalloc", "rss"))
        lines.append(f"| {engine} | {cells} | {ratio} |")
    from common import Report

    return Report("\n".join(lines) + "\n", "\n".join(lines[4:]) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer nodes (smoke run)")
    print(run(parser.parse_args().quick).full)

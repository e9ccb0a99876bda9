"""W4 — a wide sum Σ aᵢ·bᵢ of 10⁵ products of leaves: build + backward.

Leaves are created once per engine (untimed); each timed step builds the products and the
sum (Python's ``sum``, a 10⁵-long chain of additions) and runs backward.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
from common import (
    ENGINES,
    Report,
    Row,
    import_micrograd,
    import_torch,
    interleave,
    load,
    recursion_limit,
    sized,
    summary_table,
    table,
)

TITLE = "W4 — wide sum Σ aᵢ·bᵢ of 10⁵ products: build + backward"
N = 10**5


def rounds(quick: bool) -> int:
    """Timed rounds per engine."""
    return sized(quick, 2, 1, 1)


def size() -> int:
    """Products in the sum (a hundred in the tiny smoke run)."""
    return sized(False, N, N, 100)


def _scalar(make: Callable[[float], Any], a: np.ndarray, b: np.ndarray) -> Callable[[], float]:
    A = [make(float(v)) for v in a]
    B = [make(float(v)) for v in b]

    def step() -> float:
        s = sum(x * y for x, y in zip(A, B, strict=True))
        s.backward()
        return float(s.data if hasattr(s, "data") else s)

    return step


def _torch_batched(torch: Any, a: np.ndarray, b: np.ndarray) -> Callable[[], float]:
    A = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    B = torch.tensor(b, dtype=torch.float64, requires_grad=True)

    def step() -> float:
        s = (A * B).sum()
        s.backward()
        return float(s.detach())

    return step


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports."""
    return rounds(quick) * 4


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> Report:
    """Time every engine on W4 and return the markdown table."""
    import microgradx as mx

    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, size()), rng.uniform(-1, 1, size())
    mg, mg_note = import_micrograd()
    torch, torch_note = import_torch()
    steps: dict[str, Callable[[], float]] = {}
    rows: dict[str, Row] = {}
    limit = N + 1000  # micrograd's recursive sort walks the 10⁵-long chain of additions
    notes = {
        "micrograd 0.1.0": f"recursion limit raised to {limit:,}",
        "microgradx eager": "default recursion limit",
        "torch 0-d tensors": "1 thread, float64",
        "torch batched": "1 thread, float64, (A * B).sum()",
    }
    if mg is not None:
        steps["micrograd 0.1.0"] = _scalar(mg.Value, a, b)
    else:
        rows["micrograd 0.1.0"] = Row("micrograd 0.1.0", note=f"skipped: {mg_note}")
    steps["microgradx eager"] = _scalar(mx.Value, a, b)
    if torch is not None:
        steps["torch 0-d tensors"] = _scalar(
            lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True), a, b
        )
        steps["torch batched"] = _torch_batched(torch, a, b)
    else:
        for name in ("torch 0-d tensors", "torch batched"):
            rows[name] = Row(name, note=f"skipped: torch {torch_note}")
    with recursion_limit(limit):
        sums = {name: step() for name, step in steps.items()}  # warm-up + sanity check
        times = interleave(steps, rounds(quick), tick, block=1)
    spread = max(sums.values()) - min(sums.values())
    for name, ts in times.items():
        rows[name] = Row(name, ts, notes.get(name, ""))
    rows["microgradx replay"] = Row("microgradx replay", note="n/a: one sample, nothing to batch")
    extra = (
        f"One untimed lead-in step, then one timed step per round; {size():,} products. "
        f"The sums agree across engines to {spread:.1e}. Load at the end: {load()}."
    )
    ordered = [rows[k] for k in ENGINES if k in rows]
    summary = summary_table("W4: Σ aᵢ·bᵢ, build + backward", {f"{size():,} products": ordered})
    return Report(table(TITLE, ordered, extra=extra), summary)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    print(run(parser.parse_args().quick).full)

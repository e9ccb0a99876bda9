"""W2 — a chain of depth N (c ← c·1.0001 + 0.001, N times), build + backward, N = 10⁴, 10⁵.

micrograd's recursive topological sort needs the recursion limit raised to ~2N; microgradx
runs under the default limit (its sort is iterative), which this script checks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

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

TITLE = "W2 — chain c ← c·1.0001 + 0.001 of depth N: build + backward"
DEFAULT_LIMIT = sys.getrecursionlimit()


def sizes(quick: bool) -> list[tuple[int, int]]:
    """(N, rounds) pairs (10⁶ would take micrograd and torch minutes per round here)."""
    return sized(quick, [(10**4, 3), (10**5, 2)], [(10**4, 2), (10**5, 1)], [(100, 1)])


def _chain(make: Callable[[float], Any], n: int) -> Callable[[], float]:
    def step() -> float:
        x = make(1.0)
        c = x
        for _ in range(n):
            c = c * 1.0001 + 0.001
        c.backward()
        return float(x.grad)

    return step


def run_one(n: int, rounds: int, tick: Callable[[], None] = lambda: None) -> tuple[str, list[Row]]:
    """Time every engine on one chain length; the markdown table and its rows."""
    import microgradx as mx

    mg, mg_note = import_micrograd()
    torch, torch_note = import_torch()
    steps: dict[str, Callable[[], float]] = {}
    rows: dict[str, Row] = {}
    notes = {"microgradx eager": f"default recursion limit ({DEFAULT_LIMIT})"}
    limit = 2 * n + 1000  # micrograd recurses once per node on the longest path (2N ops)
    if mg is not None:
        steps["micrograd 0.1.0"] = _chain(mg.Value, n)
        notes["micrograd 0.1.0"] = f"recursion limit raised to {limit:,}"
    else:
        rows["micrograd 0.1.0"] = Row("micrograd 0.1.0", note=f"skipped: {mg_note}")
    steps["microgradx eager"] = _chain(mx.Value, n)
    if torch is not None:
        steps["torch 0-d tensors"] = _chain(
            lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True), n
        )
        notes["torch 0-d tensors"] = "1 thread, float64; no recursion limit needed"
    else:
        rows["torch 0-d tensors"] = Row("torch 0-d tensors", note=f"skipped: {torch_note}")

    def guarded(name: str, step: Callable[[], float]) -> Callable[[], float]:
        def checked() -> float:
            if name == "micrograd 0.1.0":
                with recursion_limit(limit):
                    return step()
            assert sys.getrecursionlimit() == DEFAULT_LIMIT  # the others need no raise
            return step()

        return checked

    timed = {name: guarded(name, step) for name, step in steps.items()}
    times = interleave(timed, rounds, tick, block=1)
    grads = {name: step() for name, step in timed.items()} if n <= 10**4 else {}
    for name, ts in times.items():
        rows[name] = Row(name, ts, notes.get(name, ""))
    rows["microgradx replay"] = Row("microgradx replay", note="n/a: one sample, nothing to batch")
    rows["torch batched"] = Row("torch batched", note="n/a: a chain is sequential")
    extra = f"One untimed lead-in step, then one timed step per round; load at the end: {load()}."
    if grads:
        spread = max(grads.values()) - min(grads.values())
        extra += f" dc/dx = 1.0001^N agrees across engines to {spread:.1e}."
    ordered = [rows[k] for k in ENGINES if k in rows]
    return table(f"{TITLE} (N = {n:,})", ordered, extra=extra), ordered


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports (one per timed step)."""
    return sum(r * 3 for _, r in sizes(quick))


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> Report:
    """All chain lengths, one table each."""
    done = {f"N = {n:,}": run_one(n, r, tick) for n, r in sizes(quick)}
    summary = summary_table(
        "W2: chain of N nodes, build + backward", {k: rows for k, (_, rows) in done.items()}
    )
    return Report("\n".join(text for text, _ in done.values()), summary)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short chains only (smoke run)")
    print(run(parser.parse_args().quick).full)

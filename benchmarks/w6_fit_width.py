"""W6 — the eager engine as the model widens: a plain loop against ``gc_paused``, per op node.

A user's training step (W1's demo loop on a batch of 32 moons points) with MLP(2, [w, w, 1]),
w = 8 to 64, once as a plain loop and once with each step in ``with gc_paused():``, in a bare
process and in a notebook-like heap (each its own fresh process). The time per step divided by
the op nodes one step builds gives the cost per node; a flat column means the cost grows with
the graph and nothing else, and plain ÷ paused is what the cyclic collector still costs a
loop that does not pause it.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from typing import Any

from common import Report, interleave, load_now, notebook_heap, run_child, sized
from w1_mlp import ENVS, user_loop

TITLE = "W6 — the eager engine as the MLP widens: plain loop vs `gc_paused`"
BATCH = 32
HEAPS = ("bare", "notebook")


def widths(quick: bool) -> list[int]:
    """MLP widths to measure."""
    return sized(quick, [8, 16, 32, 64], [8, 16], [4])


def rounds(quick: bool) -> int:
    """Timed rounds per width and mode."""
    return sized(quick, 4, 2, 1)


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports (one per heap, each in its own process)."""
    return len(HEAPS)


def _op_nodes(width: int) -> int:
    """Op nodes in one step's graph: the batch's hinge loss plus the L2 term."""
    import microgradx as mx

    loss = user_loop(mx.nn, mx.Value, BATCH, width, keep=True)()
    return sum(1 for v in mx.topological_order(loss) if not v.is_leaf())


def measure(env: str, quick: bool) -> dict[str, Any]:
    """Seconds per step for every (width, mode) in one heap (run in a fresh process)."""
    import microgradx as mx

    heap = notebook_heap() if env == "notebook" else []  # alive while the loops are timed
    steps: dict[str, Callable[[], object]] = {}
    for w in widths(quick):
        steps[f"{w} plain"] = user_loop(mx.nn, mx.Value, BATCH, w)
        paused = user_loop(mx.nn, mx.Value, BATCH, w)

        def paused_step(step: Callable[[], object] = paused) -> object:
            with mx.gc_paused():
                return step()

        steps[f"{w} paused"] = paused_step
    before = load_now()
    times = interleave(steps, rounds(quick), block=sized(quick, 2, 2, 1))
    del heap
    return {
        "times": {k: statistics.median(v) for k, v in times.items()},
        "load": [before, load_now()],
    }


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> Report:
    """Time the plain and the paused loop per width, per heap; return the table."""
    results = {}
    for env in HEAPS:
        results[env] = run_child("w6_fit_width", "measure", env=env, quick=quick)
        tick()
    rows = [
        "| W6: heap | MLP | op nodes per step | plain loop | in `gc_paused` | plain ÷ paused "
        "| ns per op node (plain) | vs narrowest |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for env, result in results.items():
        base = None
        for w in widths(quick):
            nodes = _op_nodes(w)
            plain, paused = result["times"][f"{w} plain"], result["times"][f"{w} paused"]
            ns = plain / nodes * 1e9
            base = base or ns
            rows.append(
                f"| {ENVS[env]} | MLP(2, [{w}, {w}, 1]) | {nodes:,} | {plain * 1e3:.1f} ms "
                f"| {paused * 1e3:.1f} ms | {plain / paused:.2f}× | {ns:,.0f} | {ns / base:.2f}× |"
            )
    loads = "; ".join(
        f"{ENVS[e]} {r['load'][0]:.1f} → {r['load'][1]:.1f}" for e, r in results.items()
    )
    about = (
        f"W1's demo loop on {BATCH} points per step, median of {rounds(quick)} interleaved "
        "rounds (each: one untimed lead-in step, then a block of timed steps; no "
        f"`gc.collect()`). Load (1 min) before → after: {loads}."
    )
    table = "\n".join(rows) + "\n"
    return Report(f"### {TITLE}\n\n{about}\n\n{table}", table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two small widths (smoke run)")
    print(run(parser.parse_args().quick).full)

"""W5 — the replay against torch batched as the batch grows: one training step of W1's model.

MLP(2, [16, 16, 1]), hinge + 1e-4·Σp², forward + backward + SGD update on n moons points,
n = 100, 1,000, 10,000; both engines on one thread, float64, interleaved round by round, each
round an untimed lead-in step then a block of timed steps (steady state: no ``gc.collect()``).
The replay's one-off ``trace()`` is timed separately (median of a few traces). This runs in
run_all's process, after the other workloads imported torch.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

from common import Report, fmt_time, import_torch, interleave, load, sized
from w1_mlp import _replay, _torch_batched

TITLE = "W5 — replay vs torch batched, one W1 training step as the batch grows"


def sizes(quick: bool) -> list[tuple[int, int, int]]:
    """(batch size, rounds, timed steps per block) triples."""
    full = [(100, 7, 20), (1_000, 7, 5), (10_000, 5, 2)]
    return sized(quick, full, [(100, 3, 5), (1_000, 3, 3)], [(100, 1, 1)])


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports (one per timed step of either engine)."""
    return sum(2 * r for _, r, _ in sizes(quick))


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> Report:
    """Time the replay and torch batched at each batch size; return the markdown table."""
    import microgradx as mx

    torch, torch_note = import_torch()
    lines = [
        f"### {TITLE}",
        "",
        "Time per step, median of interleaved rounds (each: one untimed lead-in step, then a "
        "block of timed steps); the replay's gradients equal the eager engine's to 1e-12 "
        f"(tests/test_compile.py). `trace once` is the one-off cost of recording the tape. "
        f"Load at the start: {load()}.",
        "",
    ]
    rows = [
        "| W5: batch | microgradx replay | torch batched | replay ÷ torch | trace once |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n, rounds, block in sizes(quick):
        traces = []
        for _ in range(3):
            replay_step, trace_time, tape_nodes = _replay(mx, n)
            traces.append(trace_time)
        steps = {"replay": replay_step}
        if torch is not None:
            steps["torch"] = _torch_batched(torch, n)
        for step in steps.values():
            step()  # warm-up: first-call allocations and imports
        times = interleave(steps, rounds, tick, block=block)
        replay = statistics.median(times["replay"])
        trace = fmt_time(statistics.median(traces))
        if torch is None:
            rows.append(f"| {n:,} | {fmt_time(replay)} | skipped: {torch_note} | — | {trace} |")
            continue
        theirs = statistics.median(times["torch"])
        ratio = f"{replay / theirs:.2f}×"
        rows.append(f"| {n:,} | {fmt_time(replay)} | {fmt_time(theirs)} | {ratio} | {trace} |")
    lines += [
        *rows,
        "",
        f"The tape has {tape_nodes:,} nodes (the model's 337 parameters, the loss, the L2 term). "
        f"Load at the end: {load()}.",
        "",
    ]
    return Report("\n".join(lines), "\n".join(rows) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batches only (smoke run)")
    print(run(parser.parse_args().quick).full)

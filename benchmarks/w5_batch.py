"""W5 — the replay against torch batched as the batch grows: one training step of W1's model.

MLP(2, [16, 16, 1]), hinge + 1e-4·Σp², forward + backward + SGD update on n moons points,
n = 100, 1,000, 10,000; both engines on one thread, float64, interleaved round by round.
The replay's one-off ``trace()`` is timed separately (median of a few traces).
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

from common import fmt_time, import_torch, interleave
from w1_mlp import _replay, _torch_batched

TITLE = "W5 — replay vs torch batched, one W1 training step as the batch grows"


def sizes(quick: bool) -> list[tuple[int, int]]:
    """(batch size, rounds) pairs."""
    return [(100, 3), (1_000, 3)] if quick else [(100, 31), (1_000, 21), (10_000, 11)]


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports (one per timed step of either engine)."""
    return sum(2 * r for _, r in sizes(quick))


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> str:
    """Time the replay and torch batched at each batch size; return the markdown table."""
    import microgradx as mx

    torch, torch_note = import_torch()
    lines = [
        f"### {TITLE}",
        "",
        "Median of interleaved rounds; the replay's gradients equal the eager engine's to 1e-12 "
        "(tests/test_compile.py). `trace once` is the one-off cost of recording the tape.",
        "",
        "| batch | microgradx replay | torch batched | replay / torch | trace once |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n, rounds in sizes(quick):
        traces = []
        for _ in range(3):
            replay_step, trace_time, tape_nodes = _replay(mx, n)
            traces.append(trace_time)
        steps = {"replay": replay_step}
        if torch is not None:
            steps["torch"] = _torch_batched(torch, n)
        for step in steps.values():
            step()  # warm-up: first-call allocations and imports
        times = interleave(steps, rounds, tick)
        replay = statistics.median(times["replay"])
        trace = fmt_time(statistics.median(traces))
        if torch is None:
            lines.append(f"| {n:,} | {fmt_time(replay)} | skipped: {torch_note} | — | {trace} |")
            continue
        theirs = statistics.median(times["torch"])
        ratio = f"{replay / theirs:.2f}×"
        lines.append(f"| {n:,} | {fmt_time(replay)} | {fmt_time(theirs)} | {ratio} | {trace} |")
    lines += [
        "",
        f"The tape has {tape_nodes:,} nodes (the model's 337 parameters, the loss, the L2 term).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batches only (smoke run)")
    print(run(parser.parse_args().quick))

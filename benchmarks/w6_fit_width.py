"""W6 — the eager engine inside ``fit`` as the model grows: nanoseconds per op node.

``fit`` trains MLP(2, [w, w, 1]) (hinge + 1e-4·Σp², SGD, batches of 32) for one epoch of 64
moons points (two iterations) at widths 8 to 64. The time per iteration divided by the op nodes
one iteration builds gives the cost per node; a flat line means the cost grows with the graph
and nothing else (before the per-step GC pause the cyclic collector made it grow ~2.3×).
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

from common import ALPHA, interleave, moons

TITLE = "W6 — eager `fit`: cost per op node as the MLP widens"
BATCH = 32
N_POINTS = 64


def widths(quick: bool) -> list[int]:
    """MLP widths to measure."""
    return [8, 16] if quick else [8, 16, 32, 64]


def rounds(quick: bool) -> int:
    """Timed rounds per width."""
    return 1 if quick else 5


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports (one per timed fit)."""
    return rounds(quick) * len(widths(quick))


def _op_nodes(width: int) -> int:
    """Op nodes in one iteration's graph: a batch's hinge loss plus the L2 term."""
    import microgradx as mx

    X, y = moons(BATCH)
    model = mx.MLP(2, [width, width, 1], seed=0)
    preds = [model(row) for row in X.tolist()]
    loss = mx.losses.hinge(preds, y.tolist()) + mx.losses.l2_penalty(model.parameters(), ALPHA)
    return sum(1 for v in mx.topological_order(loss) if not v.is_leaf())


def _fit(width: int) -> Callable[[], object]:
    import microgradx as mx

    X, y = moons(N_POINTS)

    def step() -> object:
        model = mx.MLP(2, [width, width, 1], seed=0)
        return mx.fit(
            model,
            X,
            y,
            loss="hinge",
            optimizer="sgd",
            epochs=1,
            batch_size=BATCH,
            l2=ALPHA,
            progress=False,
        )

    return step


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> str:
    """Time one epoch of fit per width; return the markdown table."""
    steps = {w: _fit(w) for w in widths(quick)}
    times = interleave({str(w): s for w, s in steps.items()}, rounds(quick), tick)
    iterations = N_POINTS // BATCH
    lines = [
        f"### {TITLE}",
        "",
        f"One epoch of {N_POINTS} points in batches of {BATCH} ({iterations} iterations), "
        "median of interleaved rounds; the time includes building the model, forward, backward "
        "and update.",
        "",
        "| MLP | op nodes per iteration | time per iteration | ns per op node | vs width 8 |",
        "|---|---:|---:|---:|---:|",
    ]
    base = None
    for w in steps:
        nodes = _op_nodes(w)
        per_iteration = statistics.median(times[str(w)]) / iterations
        ns = per_iteration / nodes * 1e9
        base = base or ns
        lines.append(
            f"| MLP(2, [{w}, {w}, 1]) | {nodes:,} | {per_iteration * 1e3:.1f} ms | {ns:,.0f} | "
            f"{ns / base:.2f}× |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two small widths (smoke run)")
    print(run(parser.parse_args().quick))

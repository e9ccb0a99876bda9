"""A/B: the same workloads on two checkouts' engines, interleaved step by step in one process.

    python benchmarks/ab.py /work/main .            # A = main, B = this checkout
    python benchmarks/ab.py /work/main . --rounds 41 --only w1_step w2_chain

Both checkouts' ``microgradx`` packages are copied under two names into a temporary
directory and imported side by side, and every round times one step of each (alternating
which goes first). On a shared, loaded machine this is far steadier than separate processes:
a burst of load hits both engines alike; and by default the clock is the process's CPU time
(``--clock wall`` for wall time), which other processes' load does not inflate. Steps are
timed as a user's loop runs them (no ``gc.collect()`` before a step). Printed: medians and
minima over the rounds, and B / A.
Memory per node (w3) is measured with tracemalloc, once per engine.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from common import initial_weights, mlp_forward, moons

WORKLOADS = ("w1_step", "w1_plain", "w1_fit", "w2_chain", "w3_bytes")


def load(checkout: Path, name: str, into: Path) -> ModuleType:
    """Import ``checkout``'s microgradx package under ``name`` (a copy in ``into``)."""
    shutil.copytree(checkout / "microgradx", into / name)
    return importlib.import_module(name)


def w1(mx: Any, paused: bool) -> Callable[[], None]:
    """W1: MLP(2, [16, 16, 1]) on 100 moons, hinge + L2, forward + backward + SGD."""
    X, y = moons()
    layers = [
        [([mx.Value(w) for w in ws], mx.Value(b)) for ws, b in layer] for layer in initial_weights()
    ]
    params = [p for layer in layers for ws, b in layer for p in [*ws, b]]

    def step() -> None:
        inputs = [[mx.Value(float(v)) for v in row] for row in X]
        scores = [mlp_forward(layers, x) for x in inputs]
        losses = [(1 + -float(yi) * si).relu() for yi, si in zip(y, scores, strict=True)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)
        for p in params:
            p.grad = 0.0
        total.backward()
        for p in params:
            p.data -= 0.05 * p.grad

    def paused_step() -> None:
        with mx.gc_paused():
            step()

    return paused_step if paused else step


def w1_fit(mx: Any) -> Callable[[], None]:
    """W1 inside ``fit``: one full-batch epoch per step."""
    X, y = moons()
    model = mx.MLP(2, [16, 16, 1], seed=0)

    def step() -> None:
        mx.fit(
            model, X, y, loss="hinge", optimizer="sgd", epochs=1, batch_size=None, progress=False
        )

    return step


def w2(mx: Any, n: int = 30_000) -> Callable[[], None]:
    """W2: the chain c ← c·1.0001 + 0.001, build + backward."""

    def step() -> None:
        x = mx.Value(1.0)
        c = x
        for _ in range(n):
            c = c * 1.0001 + 0.001
        c.backward()

    return step


def w3(mx: Any, n: int = 100_000) -> float:
    """W3: bytes per binary-op node, by tracemalloc."""
    a = [mx.Value(float(i)) for i in range(n)]
    b = [mx.Value(0.5) for _ in range(n)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    out = [x * y for x, y in zip(a, b, strict=True)]
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del out
    return used / n


CLOCK = time.process_time


def timed(step: Callable[[], None]) -> float:
    start = CLOCK()
    step()
    return CLOCK() - start


def main() -> None:
    """Parse arguments, run the rounds, print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS))
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    tmp = Path(tempfile.mkdtemp(prefix="mgx-ab-"))
    sys.path.insert(0, str(tmp))
    engines = {"A": load(args.a.resolve(), "mgx_a", tmp), "B": load(args.b.resolve(), "mgx_b", tmp)}
    print(f"A = {args.a.resolve()}\nB = {args.b.resolve()}\n")
    print("| workload | A median | B median | B / A | A min | B min | B / A (min) |")
    print("|---|---|---|---|---|---|---|")
    makers: dict[str, Callable[[Any], Callable[[], None]]] = {
        "w1_step": lambda mx: w1(mx, True),
        "w1_plain": lambda mx: w1(mx, False),
        "w1_fit": w1_fit,
        "w2_chain": w2,
    }
    for workload in args.only:
        if workload == "w3_bytes":
            a, b = (w3(engines[k]) for k in "AB")
            print(f"| w3_bytes | {a:.1f} B | {b:.1f} B | {b / a:.3f} | | | |", flush=True)
            continue
        steps = {k: makers[workload](mx) for k, mx in engines.items()}
        for step in steps.values():
            step()  # warm-up
        times: dict[str, list[float]] = {"A": [], "B": []}
        for r in range(args.rounds):
            for k in "AB" if r % 2 == 0 else "BA":
                times[k].append(timed(steps[k]))
        ma, mb = (statistics.median(times[k]) * 1e3 for k in "AB")
        la, lb = (min(times[k]) * 1e3 for k in "AB")
        print(
            f"| {workload} | {ma:.2f} ms | {mb:.2f} ms | {mb / ma:.3f} "
            f"| {la:.2f} ms | {lb:.2f} ms | {lb / la:.3f} |",
            flush=True,
        )
    shutil.rmtree(tmp)
    print(
        f"\n{time.strftime('%H:%M:%S')} UTC, {args.rounds} rounds per workload, interleaved, "
        f"{args.clock} time"
    )


if __name__ == "__main__":
    main()

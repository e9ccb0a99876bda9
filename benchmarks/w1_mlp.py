"""W1 — one training step of MLP(2, [16, 16, 1]) on 100 moons points, micrograd's demo loss.

Loss: mean hinge max(0, 1 − y·score) + 1e-4·Σp², then forward + backward + SGD update.
Every engine starts from the same weights and takes one step per round, so all of them walk
the same optimisation path; the first step's losses are compared as a sanity check.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from common import (
    ALPHA,
    ENGINES,
    N_MOONS,
    NOTEBOOK_OBJECTS,
    Row,
    fmt_time,
    import_micrograd,
    import_torch,
    initial_weights,
    interleave,
    mlp_forward,
    moons,
    notebook_heap,
    table,
)

TITLE = "W1 — MLP(2, [16, 16, 1]) training step on 100 moons points"


def rounds(quick: bool) -> int:
    """Timed rounds per engine."""
    return 2 if quick else 9


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports (one per timed step, plus the warm-up)."""
    return rounds(quick) * 7 + 1  # five engines, then micrograd and eager in a notebook heap


def _lr(k: int) -> float:
    return 1.0 - 0.9 * k / 100  # micrograd demo's schedule


def _scalar_engine(
    make: Callable[[float], Any], update: Callable[[Any, float], None], no_grad: Any = 0.0
) -> Callable[[], float]:
    """A step for a scalar engine (micrograd, microgradx, torch 0-d): same code for all."""
    X, y = moons()
    layers = [[([make(w) for w in ws], make(b)) for ws, b in layer] for layer in initial_weights()]
    params = [p for layer in layers for ws, b in layer for p in [*ws, b]]
    k = 0

    def step() -> float:
        nonlocal k
        inputs = [[make(float(v)) for v in row] for row in X]
        scores = [mlp_forward(layers, x) for x in inputs]
        losses = [(1 + -float(yi) * si).relu() for yi, si in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in params)
        total = data_loss + reg_loss
        for p in params:
            p.grad = no_grad  # zero_grad: 0 for Values, None for torch
        total.backward()
        update(params, _lr(k))
        k += 1
        return float(total.data if hasattr(total, "data") else total)

    return step


def _sgd(params: list[Any], lr: float) -> None:
    for p in params:
        p.data -= lr * p.grad


def _torch_batched(torch: Any, n: int = N_MOONS) -> Callable[[], float]:
    """torch on whole tensors: three matrix products, the reference for the replay."""
    X, y = moons(n)
    Xt = torch.tensor(X, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)
    params = []
    for layer in initial_weights():
        W = torch.tensor([ws for ws, _ in layer], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([b for _, b in layer], dtype=torch.float64, requires_grad=True)
        params += [W, b]
    k = 0

    def step() -> float:
        nonlocal k
        h = Xt
        for i in range(0, len(params), 2):
            h = h @ params[i].T + params[i + 1]
            if i + 2 < len(params):
                h = torch.relu(h)
        data_loss = torch.relu(1 - yt * h[:, 0]).mean()
        total = data_loss + ALPHA * sum((p * p).sum() for p in params)
        for p in params:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in params:
                p -= _lr(k) * p.grad
        k += 1
        return float(total.detach())

    return step


def _replay(mx: Any, n: int = N_MOONS) -> tuple[Callable[[], float], float, int]:
    """microgradx replay: trace the per-sample loss once, then run whole batches with numpy."""
    X, y = moons(n)
    layers = [
        [([mx.Value(w) for w in ws], mx.Value(b)) for ws, b in layer] for layer in initial_weights()
    ]
    params = [p for layer in layers for ws, b in layer for p in [*ws, b]]

    def sample_loss(x0: Any, x1: Any, yi: Any) -> Any:
        # mean over the batch of (hinge_i + reg) == mean hinge + reg: the demo's loss exactly
        score = mlp_forward(layers, [x0, x1])
        return (1 + -yi * score).relu() + ALPHA * sum(p * p for p in params)

    start = time.perf_counter()
    traced = mx.trace(sample_loss, 0.0, 0.0, 1.0)
    trace_time = time.perf_counter() - start
    columns = (X[:, 0].copy(), X[:, 1].copy(), y.copy())
    k = 0

    def step() -> float:
        nonlocal k
        for p in params:
            p.grad = 0.0
        losses = traced.backward(*columns, reduction="mean")
        _sgd(params, _lr(k))
        k += 1
        return float(losses.mean())

    return step, trace_time, len(traced)


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> str:
    """Time every engine on W1 and return the markdown table."""
    import microgradx as mx

    mg, mg_note = import_micrograd()
    torch, torch_note = import_torch()
    steps: dict[str, Callable[[], float]] = {}
    rows: dict[str, Row] = {}
    if mg is not None:
        steps["micrograd 0.1.0"] = _scalar_engine(mg.Value, _sgd)
    else:
        rows["micrograd 0.1.0"] = Row("micrograd 0.1.0", note=f"skipped: {mg_note}")
    eager = _scalar_engine(mx.Value, _sgd)

    def eager_paused() -> float:
        with mx.gc_paused():  # what fit does, and what the README tells a user loop to do
            return eager()

    steps["microgradx eager"] = eager_paused
    replay_step, trace_time, tape_len = _replay(mx)
    steps["microgradx replay"] = replay_step
    if torch is not None:

        def make_t(x: float) -> Any:
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)

        def update_t(params: list[Any], lr: float) -> None:
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad

        steps["torch 0-d tensors"] = _scalar_engine(make_t, update_t, None)
        steps["torch batched"] = _torch_batched(torch)
    else:
        for name in ("torch 0-d tensors", "torch batched"):
            rows[name] = Row(name, note=f"skipped: torch {torch_note}")

    # Sanity: the first step of every engine computes the same loss on the same weights.
    first = {name: step() for name, step in steps.items()}
    ref = first["microgradx eager"]
    spread = max(abs(v - ref) for v in first.values())
    tick()
    times = interleave(steps, rounds(quick), tick)
    notes = {
        "microgradx eager": "step in `with gc_paused():`",
        "microgradx replay": f"trace once: {fmt_time(trace_time)}, {tape_len} tape nodes",
        "torch 0-d tensors": "1 thread, float64",
        "torch batched": "1 thread, float64, (100, 2) @ W",
    }
    for name, ts in times.items():
        rows[name] = Row(name, ts, notes.get(name, ""))
    extra = (
        f"Forward + backward + SGD update; first-step losses agree across engines to "
        f"{spread:.1e} (loss {ref:.6f}). The table is a bare process."
    )
    if "micrograd 0.1.0" in steps:
        pair = {name: steps[name] for name in ("micrograd 0.1.0", "microgradx eager")}
        heap = notebook_heap()  # alive for the timing: the collector has it to scan
        heavy = {name: Row(name, ts) for name, ts in interleave(pair, rounds(quick), tick).items()}
        del heap
        mg_t, mx_t = heavy["micrograd 0.1.0"].median, heavy["microgradx eager"].median
        extra += (
            f" In a notebook-like heap ({NOTEBOOK_OBJECTS:,} more live objects): micrograd "
            f"{fmt_time(mg_t)}, microgradx eager {fmt_time(mx_t)} ({mg_t / mx_t:.1f}× faster)."
        )
    return table(TITLE, [rows[k] for k in ENGINES if k in rows], extra=extra)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    print(run(parser.parse_args().quick))

"""W1 — one training step of MLP(2, [16, 16, 1]) on 100 moons points, micrograd's demo loss.

Loss: mean hinge max(0, 1 − y·score) + 1e-4·Σp², then forward + backward + SGD update.
micrograd and the eager engine run the very code micrograd's demo notebook has its users write
(``MLP``, ``list(map(model, inputs))``, ``model.zero_grad()``, ``p.data -= lr * p.grad``),
once as a plain loop and once with each step in ``with gc_paused():``. Each heap runs in its
own fresh process: a bare one (numpy, microgradx, micrograd), a notebook-like one (500,000 more
live objects) and one with torch imported (where the replay and torch also run). Every engine
starts from the same weights and takes one step per call, so all walk the same optimisation
path; the first step's losses are compared as a sanity check.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from common import (
    ALPHA,
    N_MOONS,
    NOTEBOOK_OBJECTS,
    Report,
    fmt_time,
    import_micrograd,
    import_torch,
    initial_weights,
    interleave,
    load_now,
    mlp_forward,
    moons,
    notebook_heap,
    ratio,
    run_child,
    sized,
)

TITLE = "W1 — MLP(2, [16, 16, 1]) training step on 100 moons points"
ENVS = {
    "bare": "bare process",
    "notebook": f"notebook-like heap (+{NOTEBOOK_OBJECTS:,} objects)",
    "torch": "torch imported",
}
MICROGRAD, PLAIN, PAUSED = "micrograd 0.1.0", "eager, plain loop", "eager in `gc_paused`"
REPLAY, TORCH_0D, TORCH_BATCHED = "microgradx replay", "torch 0-d tensors", "torch batched"
BLOCK = {MICROGRAD: 1, PLAIN: 3, PAUSED: 3, REPLAY: 10, TORCH_0D: 1, TORCH_BATCHED: 10}
"""Timed steps in a row per round (after one untimed lead-in step): more for faster engines."""


def rounds(quick: bool) -> int:
    """Timed rounds per engine."""
    return sized(quick, 5, 2, 1)


def points(quick: bool) -> int:
    """Moons points per step (the tiny smoke run uses a handful)."""
    return sized(quick, N_MOONS, N_MOONS, 8)


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports (one per heap, each in its own process)."""
    return len(ENVS)


def _lr(k: int) -> float:
    return 1.0 - 0.9 * k / 100  # micrograd demo's schedule


def user_loop(
    nn: Any, value: Any, n: int = N_MOONS, width: int = 16, keep: bool = False
) -> Callable[[], Any]:
    """One step of micrograd's demo training loop, written as its users write it.

    ``nn`` is ``micrograd.nn`` or ``microgradx.nn`` and ``value`` their ``Value``: the same
    code runs on both. The model MLP(2, [width, width, 1]) starts from the shared initial
    weights. The step returns the loss as a float, or the loss Value itself when ``keep``.
    """
    X, y = moons(n)
    Xb, yb = X.tolist(), y.tolist()
    model = nn.MLP(2, [width, width, 1])
    flat = [
        w for layer in initial_weights((2, width, width, 1)) for ws, b in layer for w in [*ws, b]
    ]
    for p, w in zip(model.parameters(), flat, strict=True):
        p.data = w
    k, acc = 0, 0.0

    def step() -> Any:
        nonlocal k, acc
        inputs = [list(map(value, xrow)) for xrow in Xb]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores, strict=True)]
        model.zero_grad()
        total_loss.backward()
        learning_rate = _lr(k)
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        k += 1
        acc = sum(accuracy) / len(accuracy)  # the demo reports it; computed as it does
        return total_loss if keep else float(total_loss.data)

    return step


def _scalar_engine(
    make: Callable[[float], Any],
    update: Callable[[Any, float], None],
    no_grad: Any = 0.0,
    n: int = N_MOONS,
) -> Callable[[], float]:
    """A step for any scalar type with ``*``, ``+`` and ``.relu()`` (torch 0-d tensors)."""
    X, y = moons(n)
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
            p.grad = no_grad  # zero_grad: None for torch
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


def measure(env: str, quick: bool) -> dict[str, Any]:
    """Time every engine available in one heap (run in a fresh process by ``run``)."""
    import microgradx as mx

    heap = notebook_heap() if env == "notebook" else []  # alive while the engines are timed
    n = points(quick)
    mg, mg_note = import_micrograd()
    torch, torch_note = import_torch() if env == "torch" else (None, "")
    steps: dict[str, Callable[[], float]] = {}
    skipped: dict[str, str] = {}
    if mg is not None:
        import micrograd.nn

        steps[MICROGRAD] = user_loop(micrograd.nn, mg.Value, n)
    else:
        skipped[MICROGRAD] = f"skipped: {mg_note}"
    steps[PLAIN] = user_loop(mx.nn, mx.Value, n)
    paused = user_loop(mx.nn, mx.Value, n)

    def paused_step() -> float:
        with mx.gc_paused():  # what the README told users to write around each step
            return paused()

    steps[PAUSED] = paused_step
    notes = {}
    if env == "torch":
        replay_step, trace_time, tape_len = _replay(mx, n)
        steps[REPLAY] = replay_step
        notes[REPLAY] = f"trace once: {fmt_time(trace_time)}, {tape_len:,} tape nodes"
        if torch is not None:

            def make_t(x: float) -> Any:
                return torch.tensor(x, dtype=torch.float64, requires_grad=True)

            def update_t(params: list[Any], lr: float) -> None:
                with torch.no_grad():
                    for p in params:
                        p -= lr * p.grad

            steps[TORCH_0D] = _scalar_engine(make_t, update_t, None, n)
            steps[TORCH_BATCHED] = _torch_batched(torch, n)
            notes[TORCH_0D] = "1 thread, float64, the generic MLP code"
            notes[TORCH_BATCHED] = f"1 thread, float64, ({n}, 2) @ W"
        else:
            skipped[TORCH_0D] = skipped[TORCH_BATCHED] = f"skipped: torch {torch_note}"
    # Sanity: the first step of every engine computes the same loss on the same weights.
    first = {name: step() for name, step in steps.items()}
    ref = first[PLAIN]
    before = load_now()
    block = {name: sized(quick, BLOCK[name], BLOCK[name], 1) for name in steps}
    times = interleave(steps, rounds(quick), block=block)
    del heap
    return {
        "times": times,
        "skipped": skipped,
        "notes": notes,
        "loss": ref,
        "spread": max(abs(v - ref) for v in first.values()),
        "load": [before, load_now()],
        "block": block,
    }


def _median(result: dict[str, Any], name: str) -> float:
    ts = result["times"].get(name)
    return sorted(ts)[len(ts) // 2] if ts else float("nan")


def _cell(result: dict[str, Any], name: str, base: float) -> str:
    t = _median(result, name)
    if t != t:
        return result["skipped"].get(name, "—")
    return fmt_time(t) if name == MICROGRAD else f"{fmt_time(t)} ({ratio(base, t)})"


def heap_table(results: dict[str, dict[str, Any]]) -> str:
    """micrograd against the eager engine, plain and paused, one row per heap."""
    lines = [
        f"| W1 step | {MICROGRAD} | {PLAIN} | {PAUSED} | plain ÷ paused | load (1 min) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for env, result in results.items():
        base = _median(result, MICROGRAD)
        plain, paused = _median(result, PLAIN), _median(result, PAUSED)
        cells = " | ".join(_cell(result, name, base) for name in (MICROGRAD, PLAIN, PAUSED))
        before, after = result["load"]
        lines.append(
            f"| {ENVS[env]} | {cells} | {plain / paused:.2f}× | {before:.1f} → {after:.1f} |"
        )
    return "\n".join(lines) + "\n"


def peers_table(result: dict[str, Any]) -> str:
    """Every engine in the torch-imported process, against micrograd in that process."""
    base = _median(result, MICROGRAD)
    lines = [
        "| engine (torch imported) | time per step | vs micrograd | steps per block | note |",
        "|---|---:|---:|---:|---|",
    ]
    for name in (MICROGRAD, PLAIN, PAUSED, REPLAY, TORCH_0D, TORCH_BATCHED):
        t = _median(result, name)
        if t != t:
            lines.append(f"| {name} | — | — | — | {result['skipped'].get(name, '')} |")
            continue
        speed = "1.0×" if name == MICROGRAD else f"{ratio(base, t)} faster"
        if t > base:
            speed = f"{t / base:.1f}× slower"
        note = result["notes"].get(name, "")
        lines.append(f"| {name} | {fmt_time(t)} | {speed} | {result['block'][name]} | {note} |")
    return "\n".join(lines) + "\n"


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> Report:
    """Time W1 in each heap, each in a fresh process; return the tables."""
    results: dict[str, dict[str, Any]] = {}
    for env in ENVS:
        results[env] = run_child("w1_mlp", "measure", env=env, quick=quick)
        tick()
    spread = max(r["spread"] for r in results.values())
    loss = results["bare"]["loss"]
    n_rounds = rounds(quick)
    about = (
        f"Time per step, median of {n_rounds} interleaved rounds (each: one untimed lead-in step, "
        f"then a block of timed steps; no `gc.collect()`); {points(quick)} points. "
        f"micrograd and the eager engine run micrograd's demo loop as its users write it. Each "
        "row is one fresh process; ratios are against micrograd in that row. First-step losses "
        f"agree across engines to {spread:.1e} (loss {loss:.6f})."
    )
    heaps = heap_table(results)
    peers = peers_table(results["torch"])
    full = f"### {TITLE}\n\n{about}\n\n{heaps}\n{peers}"
    summary = f"{heaps}\n{peers}"
    return Report(full, summary)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    print(run(parser.parse_args().quick).full)

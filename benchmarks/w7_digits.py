"""W7 — compiled training on a real dataset: scikit-learn's digits against torch batched.

scikit-learn's bundled 8×8 digits (1,797 images, no download; pixels scaled to [0, 1]), 80%
for training and 20% for the test; MLP(64, [32, 10]) with ReLU, softmax cross-entropy, Adam
(lr 0.01). ``fit(compiled=True)`` against the same model in torch (float64, one thread, the
same initial weights, the same batches), at batch 64 and full batch. An epoch is timed in
steady state: a block of several epochs after a warm-up, no collection inside a block, so
each engine pays for its own garbage as a user's loop does. The trace is timed apart (it is
paid once per ``fit``); memory is the peak numpy/Python allocation of one compiled epoch
(tracemalloc); accuracy is on the held-out 20% after the timed epochs' training run.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from common import fmt_time, import_torch

TITLE = "W7 — digits: `fit(compiled=True)` vs torch batched, per epoch"
HIDDEN = 32
LR = 0.01


def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_test, y_test): the digits scaled to [0, 1], split 80/20 by seed 0."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(X))
    X, y = X[order] / 16.0, y[order]
    cut = int(0.8 * len(X))
    return X[:cut], y[:cut], X[cut:], y[cut:]


def configs(quick: bool) -> list[tuple[str, int | None]]:
    """(name, batch size) of each measured configuration."""
    return [("batch 64", 64), ("full batch", None)]


def rounds(quick: bool) -> int:
    """Timed blocks per engine and configuration."""
    return 2 if quick else 7


def block(batch_size: int | None, quick: bool) -> int:
    """Epochs per timed block: enough for a block to last tens of milliseconds."""
    return (2 if batch_size else 10) if quick else (5 if batch_size else 40)


def ticks(quick: bool) -> int:
    """Progress ticks this workload reports (one per timed block of either engine)."""
    return 2 * rounds(quick) * len(configs(quick))


def _model() -> Any:
    import microgradx as mx

    return mx.MLP(64, [HIDDEN, 10], seed=0)


class _Ours:
    """microgradx: one compiled ``fit`` per block; its epochs, timed by ``History.seconds``."""

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int | None) -> None:
        import microgradx as mx

        self.mx, self.X, self.y, self.batch_size = mx, X, y, batch_size
        self.model = _model()
        self.opt = mx.optim.Adam(self.model.parameters(), lr=LR)

    def epochs(self, n: int) -> float:
        """Train n more epochs; return their seconds (fit's epochs, without the trace)."""
        history = self.mx.fit(
            self.model, self.X, self.y, loss="cross_entropy", optimizer=self.opt, epochs=n,
            batch_size=self.batch_size, seed=None, progress=False, compiled=True,
        )  # fmt: skip
        return float(history.seconds)

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean(self.mx.predict(self.model, X) == y))


class _Torch:
    """torch float64 on one thread: the same weights, Adam and mini-batches."""

    def __init__(self, torch: Any, X: np.ndarray, y: np.ndarray, batch_size: int | None) -> None:
        self.torch = torch
        model = _model()
        w1 = [[w.data for w in n.w] for n in model.layers[0].neurons]
        w2 = [[w.data for w in n.w] for n in model.layers[1].neurons]
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10)
        ).double()
        with torch.no_grad():
            for layer, w in ((self.net[0], w1), (self.net[2], w2)):
                layer.weight.copy_(torch.tensor(w, dtype=torch.float64))
                layer.bias.zero_()
        self.opt = torch.optim.Adam(self.net.parameters(), lr=LR)
        self.X = torch.tensor(X, dtype=torch.float64)
        self.y = torch.tensor(y, dtype=torch.int64)
        self.batch_size = batch_size or len(X)
        self.rng = np.random.default_rng(0)

    def epochs(self, n: int) -> float:
        torch, F = self.torch, self.torch.nn.functional
        start = time.perf_counter()
        for _ in range(n):
            order = torch.from_numpy(self.rng.permutation(len(self.X)))
            for i in range(0, len(self.X), self.batch_size):
                idx = order[i : i + self.batch_size]
                self.opt.zero_grad()
                F.cross_entropy(self.net(self.X[idx]), self.y[idx]).backward()
                self.opt.step()
        return time.perf_counter() - start

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        with self.torch.no_grad():
            out = self.net(self.torch.tensor(X, dtype=self.torch.float64))
        return float(np.mean(out.argmax(dim=1).numpy() == y))


def _trace_time(X: np.ndarray, y: np.ndarray) -> float:
    """Median seconds of building the compiled step (tracing the tape) for a fresh model."""
    import microgradx as mx
    from microgradx.fitstep import CompiledStep

    times = []
    for _ in range(3):
        model = _model()
        opt = mx.optim.Adam(model.parameters(), lr=LR)
        start = time.perf_counter()
        CompiledStep(model, X, "cross_entropy", y.tolist(), 0.0, opt)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _peak_memory(X: np.ndarray, y: np.ndarray, batch_size: int | None) -> int:
    """Peak bytes allocated (tracemalloc) by a compiled fit of one epoch, trace included."""
    ours = _Ours(X, y, batch_size)
    tracemalloc.start()
    try:
        ours.epochs(1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _time(
    engines: dict[str, Any], n: int, rounds: int, tick: Callable[[], None]
) -> dict[str, list[float]]:
    """Seconds per epoch of each engine: interleaved blocks of n epochs after a warm-up."""
    for engine in engines.values():
        engine.epochs(1)
    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for name, engine in engines.items():
            times[name].append(engine.epochs(n) / n)
            tick()
    return times


def run(quick: bool = False, tick: Callable[[], None] = lambda: None) -> str:
    """Time both engines per epoch at each batch size; return the markdown table."""
    torch, torch_note = import_torch()
    X, y, X_test, y_test = digits()
    trace = _trace_time(X, y)
    lines = [
        f"### {TITLE}",
        "",
        f"{len(X):,} training and {len(X_test)} test digits, MLP(64, [{HIDDEN}, 10]), "
        f"cross-entropy, Adam lr {LR}. Per epoch: median of interleaved blocks of epochs "
        f"(steady state; `fit`'s `History.seconds`, which leaves out the one trace per `fit`: "
        f"{fmt_time(trace)}). Test accuracy after all the timed epochs' training.",
        "",
        "| batch | microgradx compiled | torch batched | compiled / torch | peak memory "
        "| test accuracy (ours / torch) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, batch_size in configs(quick):
        n = block(batch_size, quick)
        engines: dict[str, Any] = {"ours": _Ours(X, y, batch_size)}
        if torch is not None:
            engines["torch"] = _Torch(torch, X, y, batch_size)
        times = _time(engines, n, rounds(quick), tick)
        ours = statistics.median(times["ours"])
        memory = f"{_peak_memory(X, y, batch_size) / 2**20:.1f} MiB"
        acc_ours = engines["ours"].accuracy(X_test, y_test)
        if torch is None:
            lines.append(
                f"| {name} | {fmt_time(ours)} | skipped: {torch_note} | — | {memory} "
                f"| {acc_ours:.3f} / — |"
            )
            continue
        theirs = statistics.median(times["torch"])
        acc_torch = engines["torch"].accuracy(X_test, y_test)
        lines.append(
            f"| {name} | {fmt_time(ours)} | {fmt_time(theirs)} | {ours / theirs:.2f}× "
            f"| {memory} | {acc_ours:.3f} / {acc_torch:.3f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter blocks")
    print(run(parser.parse_args().quick))

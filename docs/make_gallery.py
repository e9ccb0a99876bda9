"""Render the README's example images into docs/ (run by ``make docs``).

Each image is one function taking the output directory and returning the files it wrote;
``GALLERY`` lists them all. To add an image, write a function and append it to ``GALLERY``.
Run ``python docs/make_gallery.py [NAME ...]`` to render all images or only the named ones.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from microgradx import MLP, Value
from microgradx._files import atomic_write_bytes
from microgradx.cli import main as microgradx_cli
from microgradx.data import make_moons, train_val_test_split
from microgradx.functional import hessian, value_and_grad
from microgradx.train import DEFAULT_LR, OPTIMIZERS, fit
from microgradx.viz import (
    draw_dot,
    plot_activations,
    plot_fd_error,
    plot_loss_curves,
    plot_paths,
    render_backward_steps,
    render_graph,
    save_figure,
)

DOCS = Path(__file__).resolve().parent


def tanh_neuron() -> tuple[Value, list[Value]]:
    """o = tanh(x·w + b) with x=2, w=−3, b=6.8814 (so x·w + b ≈ 0.8814 and o ≈ 0.7071)."""
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    b = Value(6.8814, label="b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, [w, b]


def graph_neuron(out: Path) -> list[Path]:
    """The tanh neuron after backward(): data, grads and local derivatives on every edge."""
    o, params = tanh_neuron()
    o.backward()
    dot = draw_dot(o, params=params, title="o = tanh(x·w + b) after o.backward()")
    return [render_graph(dot, out / "graph_neuron.svg")]


def backward_steps(out: Path) -> list[Path]:
    """Backprop through the neuron, one SVG frame per node."""
    o, params = tanh_neuron()
    frames = out / "backward_steps"
    if frames.exists():
        shutil.rmtree(frames)  # a smaller graph must not leave stale frames behind
    return render_backward_steps(o, frames, params=params)


def activations(out: Path) -> list[Path]:
    """sigmoid, tanh, relu and leaky_relu with their derivatives (from backward())."""
    return [save_figure(plot_activations(), out / "activations.png", dpi=90)]


def fd_error(out: Path) -> list[Path]:
    """Finite-difference error against h for f(x) = sin(x)·eˣ at x = 0.7."""
    fig = plot_fd_error(lambda v: v.sin() * v.exp(), 0.7)
    return [save_figure(fig, out / "fd_error.png", dpi=90)]


def moons_train() -> tuple[np.ndarray, np.ndarray]:
    """Notebook 04's training split of its 150 moons points."""
    X, y = make_moons(150, noise=0.15, seed=0)
    (X_train, y_train), _, _ = train_val_test_split(X, y, seed=0)
    return X_train, y_train


def demo(out: Path) -> list[Path]:
    """The pictures `make demo` writes (default settings), copied for the README."""
    with tempfile.TemporaryDirectory() as tmp:
        if microgradx_cli(["demo", "--out", tmp, "--quiet"]) != 0:
            raise RuntimeError("microgradx demo failed; run it directly to see why")
        pairs = [("decision_boundary.png", "demo_decision_boundary.png")]
        pairs.append(("loss.png", "demo_history.png"))
        return [atomic_write_bytes(out / dst, (Path(tmp) / src).read_bytes()) for src, dst in pairs]


def optimizers(out: Path) -> list[Path]:
    """SGD, Momentum, AdaGrad, RMSProp and Adam training one MLP on two moons (notebook 04)."""
    X_train, y_train = moons_train()
    curves = {}
    for name in ("sgd", "momentum", "adagrad", "rmsprop", "adam"):
        settings = dict(loss="bce", optimizer=name, epochs=25, batch_size=10, progress=False)
        history = fit(MLP(2, [8, 8, 1], seed=0), X_train, y_train, **settings)
        curves[f"{OPTIMIZERS[name].__name__} (α = {DEFAULT_LR[name]:g})"] = history.train_loss
    fig = plot_loss_curves(curves, title="training loss, MLP 2-8-8-1, batch 10", xlabel="epoch")
    return [save_figure(fig, out / "optimizers.png", dpi=90)]


def valley(x: Value, y: Value) -> Value:
    """Notebook 05's curved valley (a Rosenbrock function), minimum at (1, 1)."""
    return (1 - x) ** 2 + 5 * (y - x * x) ** 2


def newton_vs_gd(out: Path) -> list[Path]:
    """Gradient descent (α = 0.03) and Newton's method from (−1, 1.5) to (1, 1) (notebook 05)."""
    valley_and_grad, valley_hessian = value_and_grad(valley, argnum=(0, 1)), hessian(valley)

    def descend(step: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> list[np.ndarray]:
        path = [np.array([-1.0, 1.5])]
        for _ in range(5000):
            _, g = valley_and_grad(*path[-1])
            if np.linalg.norm(g) < 1e-6:
                break
            path.append(path[-1] - step(path[-1], np.array(g)))
        return path

    paths = {
        "gradient descent (α = 0.03)": descend(lambda theta, g: 0.03 * g),
        "Newton": descend(lambda theta, g: np.linalg.solve(valley_hessian(*theta), g)),
    }
    fig = plot_paths(valley, paths, xlim=(-1.6, 1.6), ylim=(-0.7, 2.8))
    return [save_figure(fig, out / "newton_vs_gd.png", dpi=90)]


GALLERY: list[Callable[[Path], list[Path]]] = [
    graph_neuron,
    backward_steps,
    activations,
    fd_error,
    demo,
    optimizers,
    newton_vs_gd,
]


def main(argv: list[str]) -> int:
    """Render every gallery image (or those named in argv) into docs/."""
    wanted = [f for f in GALLERY if not argv or f.__name__ in argv]
    unknown = set(argv) - {f.__name__ for f in GALLERY}
    if unknown:
        print(f"unknown image(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for make in wanted:
        for path in make(DOCS):
            print(f"wrote {path.relative_to(DOCS.parent)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

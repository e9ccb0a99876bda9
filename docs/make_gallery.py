"""Render the README's example images into docs/ (run by ``make docs``).

Each image is one function taking the output directory and returning the files it wrote;
``GALLERY`` lists them all. To add an image, write a function and append it to ``GALLERY``.
Run ``python docs/make_gallery.py [NAME ...]`` to render all images or only the named ones.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from microgradx import MLP, Value
from microgradx.data import make_moons, train_val_test_split
from microgradx.train import fit
from microgradx.viz import (
    draw_dot,
    plot_activations,
    plot_decision_boundary,
    plot_fd_error,
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


def decision_boundary(out: Path) -> list[Path]:
    """A 2-16-16-1 ReLU MLP trained with Adam on two moons, as in notebook 04."""
    X, y = make_moons(150, noise=0.15, seed=0)
    (X_train, y_train), _, _ = train_val_test_split(X, y, seed=0)
    model = MLP(2, [16, 16, 1], seed=1)
    fit(
        model,
        X_train,
        y_train,
        loss="bce",
        optimizer="adam",
        lr=0.02,
        epochs=30,
        batch_size=10,
        progress=False,
    )
    fig = plot_decision_boundary(model, X, y)
    return [save_figure(fig, out / "decision_boundary.png", dpi=90)]


GALLERY: list[Callable[[Path], list[Path]]] = [
    graph_neuron,
    backward_steps,
    activations,
    fd_error,
    decision_boundary,
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

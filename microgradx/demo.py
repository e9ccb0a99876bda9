"""``microgradx demo``: train an MLP on a toy dataset, report accuracy, save the model and pictures.

With no arguments: generated two-moons (300 points, noise 0.1) split 60/20/20 into training,
validation and test data, an MLP trained with Adam on mini-batches, and four files in
``./microgradx-demo/``:

- ``model.json``             the trained model (``microgradx.io.load`` reads it back);
- ``decision_boundary.png``  the plane shaded by the model's prediction, with the data points;
- ``loss.png``               training and validation loss and accuracy per epoch;
- ``graph.svg``              the computation graph of one neuron's output for one sample.

Rendering ``graph.svg`` needs the Graphviz ``dot`` program; without it the demo says how to
install it and still writes the other three files.

The arguments and the output directory are checked before training (a mistake exits with
code 2 and one line). The files are written together at the end: an interrupted run leaves
the previous run's files as they were, never a mix of both.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from . import data
from ._files import atomic_write_all, unwind_on_termination, writable_target
from .engine import Value
from .nn import MLP

DEFAULT_OUT = "microgradx-demo"
OPTIMIZER_NAMES = ("adam", "sgd", "momentum", "rmsprop", "adagrad")
OUTPUTS = ("model.json", "decision_boundary.png", "loss.png", "graph.svg")
MAX_EPOCHS = 100_000
MAX_BATCH_SIZE = 1_000_000  # anything >= the training set (180 samples) is full batch
MAX_LR = 10.0  # larger steps only diverge

_T = TypeVar("_T")


@dataclass(frozen=True)
class Recipe:
    """How the demo generates one dataset and the model and settings that learn it."""

    make: Any  # a microgradx.data generator: (n, noise, seed) → (X, y)
    n: int
    noise: float
    nouts: tuple[int, ...]
    loss: str
    epochs: int
    batch_size: int


RECIPES: dict[str, Recipe] = {
    # Tuned with the eager engine on 2 cores (seeds 0-5): moons 98-100 % test accuracy in ~5 s
    # of training; circles and xor ~100 % in ~6 s; spirals 98-100 % in ~18 s.
    "moons": Recipe(data.make_moons, 300, 0.1, (16, 16, 1), "hinge", 30, 16),
    "circles": Recipe(data.make_circles, 300, 0.05, (16, 16, 1), "hinge", 30, 16),
    "xor": Recipe(data.make_xor, 300, 0.25, (16, 16, 1), "hinge", 30, 16),
    "spirals": Recipe(data.make_spirals, 300, 0.05, (24, 24, 3), "cross_entropy", 50, 16),
}


def _arg_type(
    convert: Callable[[str], _T], wanted: str, ok: Callable[[_T], bool]
) -> Callable[[str], _T]:
    """An argparse type: ``convert(text)`` if ``ok`` accepts it, else a usage error (exit 2)."""

    def parse(text: str) -> _T:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text}")
        return value

    return parse


_epochs = _arg_type(int, f"an integer from 1 to {MAX_EPOCHS}", lambda v: 1 <= v <= MAX_EPOCHS)
_batch_size = _arg_type(
    int, f"an integer from 1 to {MAX_BATCH_SIZE}", lambda v: 1 <= v <= MAX_BATCH_SIZE
)
_seed = _arg_type(int, "an integer >= 0", lambda v: v >= 0)
_learning_rate = _arg_type(
    float, f"a number > 0 and <= {MAX_LR:g}", lambda v: 0.0 < v <= MAX_LR and math.isfinite(v)
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``demo`` subcommand on the CLI's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="train an MLP on a toy dataset and write the model and pictures",
        description=(
            "Train an MLP on a generated 2-D dataset (split into training, validation and "
            "test data), print the accuracy on each, and write model.json, "
            "decision_boundary.png, loss.png and graph.svg to --out."
        ),
    )
    parser.add_argument("--dataset", choices=sorted(RECIPES), default="moons")
    parser.add_argument("--optimizer", choices=OPTIMIZER_NAMES, default="adam")
    parser.add_argument(
        "--epochs", type=_epochs, help="passes over the training data (default per dataset)"
    )
    parser.add_argument(
        "--batch-size",
        type=_batch_size,
        help="samples per iteration: 1 = SGD, >= the training set = full batch (default 16)",
    )
    parser.add_argument("--lr", type=_learning_rate, help="learning rate (default per optimizer)")
    parser.add_argument("--seed", type=_seed, default=0, help="seeds data, model and batches")
    parser.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), help="output directory")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, one summary line")
    parser.set_defaults(run=run)
    return parser


def _neuron_graph(model: MLP, X: Any) -> Any:
    """One first-layer neuron's output for one sample, backpropagated, drawn by viz.draw_dot.

    The first (neuron, sample) pair where the neuron is active is chosen: an inactive ReLU
    passes no gradient back, and a picture of zeros teaches nothing.
    """
    from .engine import no_grad
    from .viz import draw_dot

    neurons = model.layers[0].neurons
    rows = X.tolist()
    neuron, x = neurons[0], rows[0]
    with no_grad():
        active = ((n, r) for n in neurons for r in rows if n(r).data > 0)
        neuron, x = next(active, (neuron, x))
    inputs = [Value(xi, label=f"x{i}") for i, xi in enumerate(x)]  # named leaves: x0, x1
    out = neuron(inputs)
    out.label = f"{neuron.name}.out"
    model.zero_grad()  # fit() leaves the last batch's grads, and backward() accumulates
    out.backward()
    title = f"{neuron.name}: {neuron.activation}(w · x + b) for one training sample"
    graph = draw_dot(out, title=title, params=neuron.parameters())
    model.zero_grad()  # the drawing's backward must not leak into anything after it
    return graph


def _fail(message: str, code: int) -> int:
    print(f"microgradx demo: error: {message}", file=sys.stderr)
    return code


def _check_out_dir(out_dir: Path) -> str | None:
    """Why the demo could not write its files to ``out_dir`` (None if it can), before training."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in OUTPUTS:
            writable_target(out_dir / name)  # not a directory, device or read-only file
        with tempfile.TemporaryFile(dir=out_dir):  # the directory itself takes new files
            pass
    except OSError as e:
        where = "" if e.filename in (None, str(out_dir)) else f"{e.filename}: "
        return f"cannot write to --out {out_dir}: {where}{e.strerror or e}"
    return None


def run(args: argparse.Namespace) -> int:
    """Train, evaluate and write the demo's files; returns the exit code."""
    out_dir: Path = args.out
    problem = _check_out_dir(out_dir)
    if problem:
        return _fail(problem, 2)
    # SIGTERM/SIGHUP unwind like Ctrl-C: the staging directory is removed, nothing half-written.
    with unwind_on_termination(), tempfile.TemporaryDirectory(prefix="microgradx-demo-") as stage:
        return _run(args, out_dir, Path(stage))


def _run(args: argparse.Namespace, out_dir: Path, stage: Path) -> int:
    # Heavy imports here, not at module level: `microgradx --help` stays fast.
    from . import io, viz
    from .train import evaluate, fit

    recipe = RECIPES[args.dataset]
    epochs = args.epochs or recipe.epochs
    batch_size = args.batch_size or recipe.batch_size
    say = (lambda *a: None) if args.quiet else print

    started = time.perf_counter()
    X, y = recipe.make(recipe.n, noise=recipe.noise, seed=args.seed)
    (X_train, y_train), val, (X_test, y_test) = data.train_val_test_split(X, y, seed=args.seed)
    model = MLP(2, list(recipe.nouts), activation="relu", seed=args.seed)
    iterations = data.iterations_per_epoch(len(X_train), batch_size)
    say(
        f"dataset  {args.dataset}: {recipe.n} points (noise {recipe.noise}) → "
        f"{len(X_train)} train / {len(val[0])} validation / {len(X_test)} test"
    )
    say(f"model    MLP(2, {list(recipe.nouts)}), {model.num_parameters()} parameters, relu")
    say(
        f"training {recipe.loss} loss, {args.optimizer}, {epochs} epochs × {iterations} "
        f"iterations (batch size {batch_size})"
    )
    try:
        history = fit(
            model,
            X_train,
            y_train,
            loss=recipe.loss,
            optimizer=args.optimizer,
            lr=args.lr,
            epochs=epochs,
            batch_size=batch_size,
            val=val,
            seed=args.seed,
            progress=not args.quiet,
        )
    except FloatingPointError as e:  # the loss diverged: say so in one line, write nothing
        return _fail(str(e).removeprefix("fit: "), 1)
    _, train_acc = evaluate(model, X_train, y_train, loss=recipe.loss)
    _, val_acc = evaluate(model, *val, loss=recipe.loss)
    _, test_acc = evaluate(model, X_test, y_test, loss=recipe.loss)

    # Everything is drawn into the staging directory first and copied over only when complete.
    io.save(model, stage / "model.json")
    boundary = viz.plot_decision_boundary(model, X, y, points="train + val + test")
    viz.save_figure(boundary, stage / "decision_boundary.png")
    viz.save_figure(viz.plot_history(history), stage / "loss.png")
    note = ""
    try:
        viz.render_graph(_neuron_graph(model, X_train), stage / "graph.svg")
    except viz.GraphvizNotFoundError:
        note = (
            "note: graph.svg not written: Graphviz's `dot` program is missing; install it with "
            "apt-get install graphviz, brew install graphviz or conda install graphviz"
        )
    made = [name for name in OUTPUTS if (stage / name).exists()]
    stale = [out_dir / name for name in OUTPUTS if name not in made]  # e.g. an old graph.svg
    try:
        written = atomic_write_all({out_dir / n: (stage / n).read_bytes() for n in made}, stale)
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        return _fail(f"cannot write to --out {out_dir}: {where}{e.strerror or e}", 1)
    seconds = time.perf_counter() - started

    summary = (
        f"accuracy train {train_acc:.1%} · validation {val_acc:.1%} · test {test_acc:.1%} "
        f"({history.iterations} iterations, training {history.seconds:.1f} s, "
        f"total {seconds:.1f} s)"
    )
    if args.quiet:
        print(f"{args.dataset}: {summary}; files in {out_dir}")
    else:
        print(summary)
        print(f"wrote    {', '.join(str(p) for p in written)}")
    if note:
        print(note, file=sys.stderr)
    return 0

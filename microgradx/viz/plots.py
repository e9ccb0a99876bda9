"""Matplotlib figures: activations, finite-difference error, training curves, paths, boundaries.

Figures are built on the Agg canvas directly, so they work headless and never change the
pyplot backend of the caller (a notebook keeps its own).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import numeric
from .._checks import is_int
from .._files import atomic_open
from ..engine import Value, no_grad
from .style import _DERIV_COLOR, _grad_float

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _new_figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (6.0, 4.0)) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)  # headless: renders with Agg whatever backend pyplot uses
    fig.subplots(nrows, ncols, squeeze=False)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 120) -> Path:
    """Save a figure atomically; the format comes from the suffix (png, svg, pdf)."""
    out = Path(path)
    fmt = out.suffix.lstrip(".").lower() or "png"
    with atomic_open(out, "wb") as f:
        fig.savefig(f, format=fmt, dpi=dpi)
    return out


def _style_axes(ax: Axes) -> None:
    ax.grid(True, color="#e5e7eb", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus")


def _activation(name: str, slope: float) -> Callable[[Value], Value]:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    if name == "leaky_relu":
        return lambda v: v.leaky_relu(slope)
    method: Callable[[Value], Value] = getattr(Value, name)
    return method


def _activation_curves(
    name: str, xs: Sequence[float], slope: float
) -> tuple[list[float], list[float]]:
    """f(x) and f'(x) at each x; the derivative comes from backward(), not a formula."""
    f = _activation(name, slope)
    ys, dys = [], []
    for x in xs:
        v = Value(x)
        out = f(v)
        out.backward()
        ys.append(out.data)
        dys.append(_grad_float(v.grad))
    return ys, dys


def _plot_activation_on(ax: Axes, name: str, x_range: tuple[float, float], slope: float) -> None:
    lo, hi = x_range
    # An even count never samples exactly 0, where relu's derivative jumps.
    xs = [lo + (hi - lo) * k / 400 for k in range(401)]
    ys, dys = _activation_curves(name, xs, slope)
    ax.plot(xs, ys, color="#1d4ed8", linewidth=2.2, label=f"{name}(x)")
    ax.plot(xs, dys, color=_DERIV_COLOR, linewidth=1.8, linestyle="--", label="derivative")
    ax.axhline(0, color="#94a3b8", linewidth=0.8)
    ax.axvline(0, color="#94a3b8", linewidth=0.8)
    title = f"{name}(x, slope={slope:g})" if name == "leaky_relu" else f"{name}(x)"
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    _style_axes(ax)


def plot_activation(
    name: str, x_range: tuple[float, float] = (-4.0, 4.0), *, slope: float = 0.1
) -> Figure:
    """Plot an activation and its derivative (computed by backward) for sigmoid, tanh, …

    ``slope`` is the negative-side slope used for ``leaky_relu`` (0.1 so it is visible).
    """
    fig = _new_figure(size=(5.0, 3.6))
    _plot_activation_on(fig.axes[0], name, x_range, slope)
    return fig


def plot_activations(
    names: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu"),
    x_range: tuple[float, float] = (-4.0, 4.0),
    *,
    slope: float = 0.1,
) -> Figure:
    """Several activations side by side, each with its derivative."""
    fig = _new_figure(1, len(names), size=(3.3 * len(names), 3.3))
    for ax, name in zip(fig.axes, names, strict=True):
        _plot_activation_on(ax, name, x_range, slope)
    return fig


def plot_fd_error(
    f: Callable[[Value], Value],
    x: float,
    hs: Sequence[float] | None = None,
    df: float | None = None,
) -> Figure:
    """Log-log error of forward, backward and central differences against step size h.

    ``f`` maps a Value to a Value; the exact derivative is ``df`` or, by default, the one
    ``backward()`` computes. Reference lines show the truncation slopes 1 and 2 and the
    round-off growth ε/h that wins for tiny h.
    """
    # Default: 65 step sizes, four per decade from 1e-16 to 1, covering both error regimes.
    steps = [10.0 ** (k / 4) for k in range(-64, 1)] if hs is None else [float(h) for h in hs]
    if df is None:
        v = Value(x)
        f(v).backward()
        df = _grad_float(v.grad)

    def f_float(t: float) -> float:
        with no_grad():
            return f(Value(t)).data

    errors = numeric.fd_errors(f_float, df, x, steps)
    fig = _new_figure(size=(6.4, 4.4))
    ax = fig.axes[0]
    schemes = (  # forward and backward errors are often equal in size: dash one so both show
        ("forward", "#2563eb", "o", "-"),
        ("backward", "#16a34a", "s", "--"),
        ("central", _DERIV_COLOR, "^", "-"),
    )
    for name, color, marker, line in schemes:
        # An exact hit (error 0) has no place on a log axis; NaN leaves a gap instead.
        shown = [e if e > 0 else math.nan for e in errors[name]]
        ax.loglog(
            steps,
            shown,
            marker=marker,
            markersize=3,
            linewidth=1.4,
            linestyle=line,
            color=color,
            label=name,
            alpha=0.9,
        )

    h_max = max(steps)
    # Guides parallel to each curve over its truncation range, drawn a little below it.
    for name, order, style, decades in (("forward", 1, ":", 6), ("central", 2, "-.", 4)):
        ref = [h for h in steps if h >= h_max * 10.0**-decades]
        anchor = 0.2 * errors[name][steps.index(h_max)]
        if math.isfinite(anchor) and anchor > 0:
            ax.loglog(
                ref,
                [anchor * (h / h_max) ** order for h in ref],
                linestyle=style,
                color="#334155",
                linewidth=1,
                label=f"slope {order}: O(h{'²' if order == 2 else ''})",
            )
    eps = 2.0**-52
    scale = max(abs(f_float(x)), 1e-300)
    small = [h for h in steps if eps * scale / h >= 1e-18]
    ax.loglog(
        small,
        [eps * scale / h for h in small],
        linestyle=(0, (6, 3)),
        color="#94a3b8",
        linewidth=1,
        label="round-off ≈ ε·|f|/h",
    )
    ax.set_xlabel("step size h")
    ax.set_ylabel("|finite difference − exact derivative|")
    ax.set_title(f"finite-difference error at x = {x:g}  (exact f′ = {df:.6g})")
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    _style_axes(ax)
    return fig


def plot_history(history: Any) -> Figure:
    """Loss (and accuracy, when recorded) per epoch for the train and validation sets."""
    panels = [("loss", history.train_loss, getattr(history, "val_loss", []))]
    train_acc = getattr(history, "train_accuracy", []) or []
    val_acc = getattr(history, "val_accuracy", []) or []
    # Regression runs record accuracy as NaN: an empty panel would only confuse.
    if any(math.isfinite(a) for a in [*train_acc, *val_acc]):
        panels.append(("accuracy", train_acc, val_acc))
    fig = _new_figure(1, len(panels), size=(5.2 * len(panels), 3.8))
    for ax, (what, train, val) in zip(fig.axes, panels, strict=True):
        for series, name, color in ((train, "train", "#1d4ed8"), (val, "validation", "#ea580c")):
            if series:
                epochs = range(1, len(series) + 1)
                ax.plot(epochs, list(series), color=color, linewidth=2, label=name)
        positive = [y for y in list(train) + list(val) if y is not None]
        if what == "loss" and positive and min(positive) > 0 and max(positive) / min(positive) > 50:
            ax.set_yscale("log")  # losses often fall by decades: a log axis keeps the tail visible
        if what == "accuracy":
            ax.set_ylim(0, 1.02)
        ax.set_xlabel("epoch")
        ax.set_title(what)
        ax.legend(frameon=False)
        _style_axes(ax)
    parts = []
    for attr, unit in (("epochs", "epochs"), ("iterations", "iterations")):
        value = getattr(history, attr, None)
        if value:
            parts.append(f"{value:,} {unit}")
    seconds = getattr(history, "seconds", None)
    if seconds:
        parts.append(f"{seconds:.1f} s")
    if parts:
        fig.suptitle("training history · " + " · ".join(parts))
    return fig


def _finite_series(values: Any, where: str, what: str) -> list[float]:
    """A non-empty series of finite floats, or a ValueError naming the function and series."""
    try:
        series = [float(v) for v in values]
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where}: {what} must be a sequence of numbers ({err})") from None
    if not series:
        raise ValueError(f"{where}: {what} is empty")
    bad = next((i for i, v in enumerate(series) if not math.isfinite(v)), None)
    if bad is not None:
        raise ValueError(f"{where}: {what} has a non-finite value {series[bad]} at index {bad}")
    return series


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    title: str = "training loss",
    xlabel: str = "iteration",
    logy: bool = True,
) -> Figure:
    """Several loss curves on one axis, ``{name: losses}``, e.g. one per optimizer."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    where = "plot_loss_curves"
    if not curves:
        raise ValueError(f"{where}: no curves to plot")
    series = {
        name: _finite_series(values, where, f"curve {name!r}") for name, values in curves.items()
    }
    if logy and any(v <= 0 for values in series.values() for v in values):
        raise ValueError(f"{where}: a log axis needs positive losses; pass logy=False")
    fig = _new_figure(size=(6.4, 4.2))
    ax = fig.axes[0]
    for name, values in series.items():
        ax.plot(range(1, len(values) + 1), values, linewidth=1.8, label=name)
    if logy:
        ax.set_yscale("log")
        low, high = min(map(min, series.values())), max(map(max, series.values()))
        if high < 10 * low:  # within a decade: label the 2, 3, 4… ticks as plain numbers
            plain = FuncFormatter(lambda v, _: f"{v:g}")
            ax.yaxis.set_major_formatter(plain)
            ax.yaxis.set_minor_formatter(plain)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend(frameon=False)
    _style_axes(ax)
    return fig


def _check_limits(lim: Any, where: str, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {name} must be a pair (low, high), got {lim!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{where}: {name} must be finite with low < high, got {lim!r}")
    return lo, hi


def _check_path(path: Any, where: str, name: str) -> list[tuple[float, float]]:
    points = list(path) if isinstance(path, Iterable) else []
    if not points:
        raise ValueError(f"{where}: path {name!r} has no points")
    checked = []
    for i, point in enumerate(points):
        what = f"point {i} of path {name!r}"
        is_sequence = isinstance(point, Iterable) and not isinstance(point, (str, bytes))
        xy = _finite_series(point, where, what) if is_sequence else []
        if len(xy) != 2:
            raise ValueError(f"{where}: {what} is not an (x, y) pair: {point!r}")
        checked.append((xy[0], xy[1]))
    return checked


def plot_paths(
    f: Callable[..., Any],
    paths: Mapping[str, Sequence[tuple[float, float]]],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    levels: int = 25,
    resolution: int = 120,
) -> Figure:
    """Contours of f(x, y) with optimisation paths on top, ``{name: [(x0, y0), (x1, y1), …]}``.

    ``f`` is evaluated on a ``resolution`` × ``resolution`` grid with floats or, if it needs
    them (``x.tanh()``), with Values under ``no_grad``; it returns a number or a Value.
    Contours are evenly spaced in log(1 + f − min f), so a flat valley floor shows as well as
    steep walls; where f is NaN or infinite the plot is left blank. Each path is a polyline with
    its steps as markers, the start a black square, and its step count in the legend.
    """
    import numpy as np

    where = "plot_paths"
    if not callable(f):
        raise ValueError(f"{where}: expected a function f(x, y), got {type(f).__name__}")
    if not paths:
        raise ValueError(f"{where}: no paths to plot")
    checked = {name: _check_path(path, where, name) for name, path in paths.items()}
    (x0, x1), (y0, y1) = _check_limits(xlim, where, "xlim"), _check_limits(ylim, where, "ylim")
    if not is_int(levels) or levels < 2:
        raise ValueError(f"{where}: levels must be an int >= 2, got {levels!r}")
    if not is_int(resolution) or resolution < 2:
        raise ValueError(f"{where}: resolution must be an int >= 2, got {resolution!r}")

    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    f_xy = numeric._float_function(f, (float(xs[0]), float(ys[0])), where)
    zs = np.ma.masked_invalid([[f_xy(float(a), float(b)) for a in xs] for b in ys])
    if zs.count() == 0:
        raise ValueError(f"{where}: f is not finite anywhere on the grid {xlim} × {ylim}")
    fig = _new_figure(size=(6.0, 4.8))
    ax = fig.axes[0]
    ax.contour(xs, ys, np.log1p(zs - zs.min()), levels=levels, cmap="Greys", linewidths=0.7)
    for name, points in checked.items():
        px, py = zip(*points, strict=True)
        steps = len(points) - 1
        label = f"{name}: {steps:,} step{'' if steps == 1 else 's'}"
        ax.plot(px, py, marker="o", markersize=2.5, linewidth=1.4, label=label)
    start_x, start_y = zip(*(points[0] for points in checked.values()), strict=True)
    ax.scatter(start_x, start_y, marker="s", s=30, color="#0f172a", zorder=3)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="best", framealpha=0.9, edgecolor="none")
    _style_axes(ax)
    return fig


def _predict(model: Callable[[list[float]], Any], point: list[float]) -> tuple[int, float]:
    """Class and score of one point: sign of a single output, argmax of several."""
    out = model(point)
    if isinstance(out, Value):
        return int(out.data > 0), out.data
    scores = [o.data if isinstance(o, Value) else float(o) for o in out]
    if len(scores) == 1:
        return int(scores[0] > 0), scores[0]
    best = max(range(len(scores)), key=scores.__getitem__)
    return best, scores[best]


def plot_decision_boundary(
    model: Callable[[list[float]], Any],
    X: Any,
    y: Any,
    *,
    resolution: int = 60,
    margin: float = 0.5,
    points: str = "",
) -> Figure:
    """Shade the plane by the model's prediction and overlay the labelled 2-D points.

    A single output is a binary score (> 0 means class 1; labels may be 0/1 or −1/+1), its
    zero line drawn and the shading cut exactly there; several outputs are class scores
    (argmax). The title gives the accuracy on the points drawn, named by ``points``
    ("test" → "on these 100 test points"). The grid is evaluated under ``no_grad``.
    """
    import numpy as np

    if not isinstance(points, str):
        raise TypeError(f"plot_decision_boundary: points must be a str, got {points!r}")
    data = np.asarray(X, dtype=float)
    labels = np.asarray(y).reshape(-1)
    if data.ndim != 2 or data.shape[1] != 2 or len(data) != len(labels):
        raise ValueError(f"X must be (n, 2) with one label per row, got {data.shape}")
    (x0, y0), (x1, y1) = data.min(axis=0) - margin, data.max(axis=0) + margin
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    with no_grad():
        grid = [[_predict(model, [float(a), float(b)]) for a in xs] for b in ys]
        predicted = [_predict(model, [float(a), float(b)])[0] for a, b in data]
    classes = np.array([[c for c, _ in row] for row in grid])
    multi = bool(classes.max() > 1 or labels.max() > 1)
    truth = labels.astype(int) if multi else (labels > 0).astype(int)
    accuracy = float(np.mean(np.array(predicted) == truth))

    from matplotlib.colors import ListedColormap

    palette = ["#3b82f6", "#f97316", "#22c55e", "#a855f7", "#ef4444", "#14b8a6"]
    n_classes = int(max(classes.max(), truth.max())) + 1
    cmap = ListedColormap(palette[: max(n_classes, 2)])
    # Equal axes: the figure takes the data's shape, so no empty band opens above the title.
    width = 4.6
    height = min(max(width * (y1 - y0) / (x1 - x0), 2.0), 6.0)
    fig = _new_figure(size=(width + 0.8, height + 1.1))
    ax = fig.axes[0]
    if multi:
        ax.contourf(xs, ys, classes, levels=np.arange(-0.5, n_classes), cmap=cmap, alpha=0.25)
    else:
        # Shade by the score itself, split at 0: the fill ends exactly on the drawn line
        # (shading the 0/1 classes would interpolate its own, blockier, boundary).
        scores = np.array([[s for _, s in row] for row in grid])
        bound = float(np.abs(scores).max()) + 1.0
        ax.contourf(xs, ys, scores, levels=[-bound, 0.0, bound], colors=palette[:2], alpha=0.25)
        ax.contour(xs, ys, scores, levels=[0.0], colors="#1e293b", linewidths=1.5)
    ax.scatter(
        data[:, 0],
        data[:, 1],
        c=truth,
        cmap=cmap,
        vmin=-0.5,
        vmax=max(n_classes, 2) - 0.5,
        edgecolors="#1e293b",
        linewidths=0.6,
        s=28,
    )
    which = f"{points} " if points else ""
    ax.set_title(f"decision boundary\naccuracy {accuracy:.1%} on these {len(data):,} {which}points")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    return fig

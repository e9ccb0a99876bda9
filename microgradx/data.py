"""Toy datasets, the train / validation / test split, and mini-batches.

Every generator is seeded, so the same call returns the same points on every machine, and
returns ``(X, y)``: ``X`` a float64 array of shape ``(n, n_features)``, ``y`` an array of
``n`` labels (int64 class indices for classification, float64 targets for regression).

The training vocabulary follows the lecture notes:

- **training data** fits the parameters, **validation data** chooses settings (epochs,
  learning rate) while training, **test data** is looked at once, at the end, to estimate how
  well the model generalises;
- a **batch** is the set of samples one gradient is computed from; its **batch size** is the
  number of samples in it: the whole training set (*batch* / full-batch gradient descent),
  one sample (*stochastic* gradient descent), or anything between (a **mini-batch**);
- an **iteration** is one parameter update from one batch, and an **epoch** is one pass over
  the whole training set, so an epoch has ``ceil(n / batch_size)`` iterations.

>>> X, y = make_moons(100, noise=0.1, seed=0)
>>> X.shape, sorted(set(y.tolist()))
((100, 2), [0, 1])
>>> (Xtr, ytr), (Xv, yv), (Xte, yte) = train_val_test_split(X, y, seed=0)
>>> len(Xtr), len(Xv), len(Xte)
(60, 20, 20)
>>> [len(xb) for xb, yb in batches(Xtr, ytr, batch_size=25, shuffle=False)]
[25, 25, 10]
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._checks import finite_real, is_int, non_negative, positive

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Dataset = tuple[FloatArray, Any]  # (X, y); y holds int64 labels or float64 targets

__all__ = [
    "batches",
    "iterations_per_epoch",
    "make_circles",
    "make_moons",
    "make_regression",
    "make_spirals",
    "make_xor",
    "signed_labels",
    "train_val_test_split",
]


# -- argument checks: every message names the function and the offending value -------------


def _check_count(where: str, name: str, value: Any, minimum: int = 1) -> int:
    if not is_int(value):
        raise TypeError(f"{where}: {name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be >= {minimum}, got {value!r}")
    return int(value)


def _rng(where: str, seed: Any) -> np.random.Generator:
    """A Generator from an int seed (reproducible), a Generator (shared), or None (fresh)."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if not is_int(seed):
        raise TypeError(
            f"{where}: seed must be an int, a numpy Generator or None, got {type(seed).__name__}"
        )
    if seed < 0:
        raise ValueError(f"{where}: seed must be >= 0, got {seed!r}")
    return np.random.default_rng(int(seed))


def _check_xy(where: str, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{where}: X and y must be arrays of samples, got scalars")
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}; they must match")
    return X, y


def _shuffled(rng: np.random.Generator, X: FloatArray, y: np.ndarray) -> tuple[FloatArray, Any]:
    # Generators build points class by class; shuffling means any slice holds every class.
    order = rng.permutation(len(X))
    return X[order], y[order]


# -- generators -----------------------------------------------------------------------------


def make_moons(n: int = 100, noise: float = 0.1, seed: Any = 0) -> Dataset:
    """Two interleaving half circles; labels 0 (upper moon) and 1 (lower moon).

    ``n // 2`` points go to the upper moon and the rest to the lower one; ``noise`` is the
    standard deviation of Gaussian noise added to every coordinate. Use ``signed_labels(y)``
    for the −1/+1 labels the hinge loss expects.
    """
    n = _check_count("make_moons", "n", n)
    noise = non_negative(noise, "make_moons", "noise")
    rng = _rng("make_moons", seed)
    n_upper = n // 2
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n - n_upper)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n - n_upper, np.int64)])
    return _shuffled(rng, X, y)


def make_circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Any = 0) -> Dataset:
    """Two concentric circles; labels 0 (outer, radius 1) and 1 (inner, radius ``factor``).

    ``factor`` must lie strictly between 0 and 1; ``noise`` is the Gaussian standard deviation.
    """
    n = _check_count("make_circles", "n", n)
    noise = non_negative(noise, "make_circles", "noise")
    factor = finite_real(factor, "make_circles", "factor")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor!r}")
    rng = _rng("make_circles", seed)
    n_outer = n // 2
    # endpoint=False: angle 2π would repeat the point at angle 0.
    t_outer = np.linspace(0.0, 2.0 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2.0 * np.pi, n - n_outer, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    X = np.vstack([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n - n_outer, np.int64)])
    return _shuffled(rng, X, y)


def make_spirals(
    n: int = 150, n_classes: int = 3, noise: float = 0.1, turns: float = 1.0, seed: Any = 0
) -> Dataset:
    """``n_classes`` interleaved spiral arms; labels 0 … n_classes − 1 (one per arm).

    Points run from the centre out to radius 1 over ``turns`` full turns; the arms are
    rotated evenly, and arm ``k`` gets ``n // n_classes`` points (plus one for the first
    ``n % n_classes`` arms). ``noise`` is the Gaussian standard deviation of the angle.
    """
    n = _check_count("make_spirals", "n", n)
    n_classes = _check_count("make_spirals", "n_classes", n_classes, minimum=2)
    noise = non_negative(noise, "make_spirals", "noise")
    turns = positive(turns, "make_spirals", "turns")
    rng = _rng("make_spirals", seed)
    sizes = [n // n_classes + (1 if k < n % n_classes else 0) for k in range(n_classes)]
    arms, labels = [], []
    for k, size in enumerate(sizes):
        r = np.linspace(0.05, 1.0, size)
        angle = 2.0 * np.pi * (turns * r + k / n_classes) + rng.normal(0.0, noise, size)
        arms.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
        labels.append(np.full(size, k, np.int64))
    return _shuffled(rng, np.vstack(arms), np.concatenate(labels))


def make_xor(n: int = 200, noise: float = 0.2, seed: Any = 0) -> Dataset:
    """Points around the four corners (±1, ±1); label 1 where the signs differ, else 0.

    This is the XOR truth table with 0 written as −1: sample ``i`` sits at corner ``i % 4``
    (in the order (−1,−1), (−1,1), (1,−1), (1,1), labels 0, 1, 1, 0) plus Gaussian noise of
    standard deviation ``noise``, so ``make_xor(4, noise=0)`` is exactly the truth table.
    """
    n = _check_count("make_xor", "n", n)
    noise = non_negative(noise, "make_xor", "noise")
    rng = _rng("make_xor", seed)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    which = np.arange(n) % 4
    X = corners[which] + rng.normal(0.0, noise, size=(n, 2))
    y = np.array([0, 1, 1, 0], np.int64)[which]
    return X, y


def make_regression(
    n: int = 100, n_features: int = 1, noise: float = 0.1, seed: Any = 0
) -> Dataset:
    """A noisy linear target y = X·w + b + ε with X uniform in [−1, 1]; y is float64.

    The weights ``w`` and bias ``b`` are drawn from the seed (standard normal); ``ε`` is
    Gaussian with standard deviation ``noise``.
    """
    n = _check_count("make_regression", "n", n)
    n_features = _check_count("make_regression", "n_features", n_features)
    noise = non_negative(noise, "make_regression", "noise")
    rng = _rng("make_regression", seed)
    w = rng.normal(size=n_features)
    b = rng.normal()
    X = rng.uniform(-1.0, 1.0, size=(n, n_features))
    y = X @ w + b + rng.normal(0.0, noise, size=n)
    return X, y


def signed_labels(y: Any) -> FloatArray:
    """Map binary labels {0, 1} to {−1.0, +1.0} (the form the hinge loss expects).

    >>> signed_labels([0, 1, 1]).tolist()
    [-1.0, 1.0, 1.0]
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"signed_labels: expected a 1-D array of labels, got shape {y.shape}")
    bad = set(np.unique(y).tolist()) - {0, 1}
    if bad:
        raise ValueError(f"signed_labels: labels must be 0 or 1, got {sorted(bad)[:5]!r}")
    return np.where(y == 1, 1.0, -1.0)


# -- splitting and batching ---------------------------------------------------------------


def train_val_test_split(
    X: Any,
    y: Any,
    fractions: Sequence[float] = (0.6, 0.2, 0.2),
    seed: Any = 0,
) -> tuple[Dataset, Dataset, Dataset]:
    """Shuffle and split into ``((X_train, y_train), (X_val, y_val), (X_test, y_test))``.

    ``fractions`` are the shares of training, validation and test data: three non-negative
    numbers summing to 1. Sizes are rounded so that they add up to ``len(X)`` exactly (the
    leftover samples go to the parts with the largest rounded-off remainders).
    """
    where = "train_val_test_split"
    X, y = _check_xy(where, X, y)
    try:
        parts = [float(f) for f in fractions]
    except (TypeError, ValueError):
        raise TypeError(f"{where}: fractions must be three numbers, got {fractions!r}") from None
    if len(parts) != 3:
        raise ValueError(f"{where}: fractions must be three numbers, got {fractions!r}")
    if any(not math.isfinite(f) or f < 0 for f in parts):
        raise ValueError(f"{where}: fractions must be finite and >= 0, got {fractions!r}")
    if not math.isclose(sum(parts), 1.0, abs_tol=1e-9):
        raise ValueError(f"{where}: fractions must sum to 1, got {fractions!r} (sum {sum(parts)})")
    n = len(X)
    exact = [f * n for f in parts]
    sizes = [math.floor(e) for e in exact]
    for i in sorted(range(3), key=lambda i: sizes[i] - exact[i])[: n - sum(sizes)]:
        sizes[i] += 1
    order = _rng(where, seed).permutation(n)
    cut1, cut2 = sizes[0], sizes[0] + sizes[1]
    chunks = order[:cut1], order[cut1:cut2], order[cut2:]
    train, val, test = ((X[idx], y[idx]) for idx in chunks)
    return train, val, test


def iterations_per_epoch(n: int, batch_size: int | None) -> int:
    """Iterations (parameter updates) in one epoch over ``n`` samples: ceil(n / batch_size)."""
    n = _check_count("iterations_per_epoch", "n", n, minimum=0)
    if batch_size is None:
        return 1 if n else 0
    batch_size = _check_count("iterations_per_epoch", "batch_size", batch_size)
    return -(-n // batch_size)


def batches(
    X: Any,
    y: Any,
    batch_size: int | None = None,
    shuffle: bool = True,
    rng: Any = None,
) -> Iterator[Dataset]:
    """Yield the ``(X_batch, y_batch)`` pairs of one epoch; every sample appears exactly once.

    ``batch_size=None`` (or ``len(X)``) gives one full batch, ``1`` stochastic gradient
    descent, anything between mini-batches; the last, smaller mini-batch is kept rather than
    dropped. With ``shuffle`` the order is drawn from ``rng`` (a numpy Generator, an int
    seed, or None for a fresh random order); pass the same Generator every epoch for a
    reproducible run with a new order each epoch.
    """
    X, y = _check_xy("batches", X, y)
    n = len(X)
    size = n if batch_size is None else _check_count("batches", "batch_size", batch_size)
    if not isinstance(shuffle, bool):
        raise TypeError(f"batches: shuffle must be a bool, got {type(shuffle).__name__}")
    order = _rng("batches", rng).permutation(n) if shuffle else np.arange(n)
    # Checked above, iterated below: bad arguments raise at the call, not at the first next().
    return ((X[order[i : i + size]], y[order[i : i + size]]) for i in range(0, n, max(size, 1)))

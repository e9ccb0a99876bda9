"""The training loop: ``fit`` a model over epochs of mini-batches, ``evaluate`` and ``predict``.

In the words of the lecture notes, one **iteration** takes one batch of training data,
computes the loss and its gradient by backpropagation, and lets the optimizer update every
parameter; one **epoch** is one pass over all training data, ``ceil(n / batch_size)``
iterations. ``batch_size=None`` trains full-batch, ``1`` is stochastic gradient descent,
anything between trains on mini-batches (reshuffled every epoch).

Losses and the labels they expect (``y`` as produced by ``microgradx.data``):

============================  ===============  ==================================================
``loss``                      model output     ``y``
============================  ===============  ==================================================
``"hinge"``                   1 score          {0, 1} or {−1, +1}; 0 is mapped to −1
``"bce"`` (with logits)       1 logit          {0, 1} or {−1, +1}; −1 is mapped to 0
``"cross_entropy"``           k logits         class indices 0 … k−1
``"mse"``                     1 or k values    numbers (regression) or labels used as targets
a callable ``f(preds, ys)``   anything         passed through unchanged
============================  ===============  ==================================================

Accuracy is reported whenever ``y`` holds class labels: a single output predicts class 1
when it exceeds the threshold (0, or 0.5 for ``mse`` on {0, 1} labels) and is compared with
binary labels ({0, 1} or {−1, +1}); several outputs predict the index of the largest. It is
NaN for regression targets.

>>> from microgradx.nn import MLP
>>> from microgradx.data import make_xor
>>> X, y = make_xor(40, noise=0.1, seed=0)
>>> history = fit(MLP(2, [8, 1], seed=1), X, y, epochs=30, batch_size=10, progress=False)
>>> history.epochs, history.iterations, history.train_accuracy[-1]
(30, 120, 1.0)
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm  # the text bar: tqdm.auto warns in Jupyter without ipywidgets

from . import losses, optim
from ._checks import finite_real, is_int, is_real
from .data import _rng, batches, iterations_per_epoch
from .engine import gc_paused, no_grad
from .fitstep import CompiledStep, EagerStep, LossFn
from .fitstep import as_outputs as _as_outputs
from .nn import MLP

OPTIMIZERS: dict[str, type[optim.Optimizer]] = {
    "adam": optim.Adam,
    "sgd": optim.SGD,
    "momentum": optim.Momentum,
    "rmsprop": optim.RMSProp,
    "adagrad": optim.AdaGrad,
}
"""Optimizer names accepted by ``fit``."""

DEFAULT_LR: dict[str, float] = {
    "adam": 0.01,
    "sgd": 0.1,
    "momentum": 0.05,
    "rmsprop": 0.01,
    "adagrad": 0.1,
}
"""Learning rates that work for the toy datasets when ``fit(..., lr=None)``."""

LOSSES = ("hinge", "bce", "cross_entropy", "mse")
"""Loss names accepted by ``fit`` and ``evaluate``."""

__all__ = [
    "DEFAULT_LR",
    "LOSSES",
    "OPTIMIZERS",
    "History",
    "evaluate",
    "fit",
    "predict",
    "predict_scores",
]


@dataclass
class History:
    """What ``fit`` measured: per-epoch loss and accuracy, and how long training took.

    ``train_loss`` / ``train_accuracy`` are averaged over the epoch's batches as they were
    trained (no extra pass, as Keras reports them; the L2 penalty is not included, so the
    curves compare with validation); ``val_loss`` / ``val_accuracy`` are measured on the
    validation data at the end of each epoch and stay empty without ``val``. Accuracy is NaN
    for regression targets.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    iterations: int = 0
    epochs: int = 0
    seconds: float = 0.0


# -- the loss, its targets and how outputs become class labels -------------------------------


@dataclass(frozen=True)
class _Objective:
    name: str
    fn: LossFn
    targets: list[Any]  # y converted to what fn expects, as plain Python numbers
    labels: np.ndarray | None  # y as class indices for accuracy; None for regression
    threshold: float  # a single output above this predicts class 1


def _is_labels(y: np.ndarray) -> bool:
    return y.ndim == 1 and len(y) > 0 and bool(np.all(np.isfinite(y) & (y == np.round(y))))


def _objective(loss: Any, y: Any, who: str) -> _Objective:
    """Resolve ``loss`` and check ``y`` against it; bad labels raise naming the loss."""
    y = np.asarray(y)
    if y.dtype == object or not np.issubdtype(y.dtype, np.number) or y.dtype == bool:
        raise TypeError(f"{who}: y must hold numbers, got dtype {y.dtype}")
    multi_output_mse = loss == "mse" and y.ndim == 2 and y.shape[1] > 1
    if not callable(loss) and y.ndim != 1 and not multi_output_mse:
        hint = "; use y.ravel()" if y.ndim == 2 and y.shape[1] == 1 else ""
        raise ValueError(
            f"{who}: y must hold one label per sample (shape (n,)), got shape {y.shape}{hint}"
        )
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{who}: y contains NaN or infinity")
    labels = y.astype(np.int64) if _is_labels(y) else None
    if labels is not None and set(labels.tolist()) <= {-1, 1}:
        labels = (labels > 0).astype(np.int64)  # ±1 labels are classes 0 and 1
    if callable(loss):
        return _Objective(getattr(loss, "__name__", "loss"), loss, y.tolist(), labels, 0.0)
    if loss not in LOSSES:
        raise ValueError(f"{who}: unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if loss in ("hinge", "bce"):
        found = set(np.unique(y).tolist())
        if labels is None or not found <= {-1, 0, 1} or {-1, 0} <= found:
            shown = sorted(found)[:5]
            raise ValueError(
                f"{who}: loss {loss!r} needs labels {{0, 1}} or {{-1, +1}}, got {shown}"
            )
        positive = y > 0
        if loss == "hinge":
            targets = np.where(positive, 1.0, -1.0).tolist()
            return _Objective(loss, losses.hinge, targets, positive.astype(np.int64), 0.0)
        bce = losses.binary_cross_entropy_with_logits
        return _Objective(
            loss, bce, positive.astype(float).tolist(), positive.astype(np.int64), 0.0
        )
    if loss == "cross_entropy":
        if labels is None or labels.min() < 0:
            raise ValueError(f"{who}: loss 'cross_entropy' needs class indices 0, 1, 2, ...")
        return _Objective(loss, losses.cross_entropy, labels.tolist(), labels, 0.0)
    # mse: regression, or labels used as numeric targets (0.5 separates {0, 1}, 0 separates ±1).
    threshold = 0.5 if set(np.unique(y).tolist()) <= {0, 1} else 0.0
    return _Objective(loss, losses.mse, y.tolist(), labels, threshold)


def _classes(outputs: np.ndarray, threshold: float) -> np.ndarray:
    if outputs.ndim == 1:
        return (outputs > threshold).astype(np.int64)
    return np.argmax(outputs, axis=1).astype(np.int64)


def _accuracy(outputs: np.ndarray, labels: np.ndarray | None, threshold: float) -> float:
    if labels is None or len(labels) == 0:
        return math.nan
    if outputs.ndim == 1 and not set(np.unique(labels).tolist()) <= {0, 1}:
        return math.nan  # one output only separates two classes: integer targets are regression
    return float(np.mean(_classes(outputs, threshold) == labels))


def _check_X(X: Any, model: MLP, who: str) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype == object or not np.issubdtype(X.dtype, np.number) or X.dtype == bool:
        raise TypeError(f"{who}: X must hold numbers, got dtype {X.dtype}")
    if X.ndim != 2 or X.shape[1] != model.nin:
        raise ValueError(f"{who}: X must have shape (n, {model.nin}), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{who}: X contains NaN or infinity")
    return X.astype(float)


def _check_model(model: Any, who: str) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(f"{who}: expected an MLP, got {type(model).__name__}")
    return model


def _check_width(model: MLP, objective: _Objective, who: str) -> None:
    """Binary losses need one output, cross-entropy one logit per class (at least two)."""
    width = model.nouts[-1]
    if objective.name in ("hinge", "bce") and width != 1:
        raise ValueError(f"{who}: loss {objective.name!r} needs a model with 1 output, not {width}")
    if objective.name == "cross_entropy":
        top = 0 if objective.labels is None else int(objective.labels.max())
        if width < 2 or top >= width:
            raise ValueError(
                f"{who}: loss 'cross_entropy' needs one output per class: the model has {width}"
                f" outputs, the labels go up to {top}"
            )


def _make_optimizer(model: MLP, optimizer: Any, lr: Any, who: str) -> optim.Optimizer:
    if isinstance(optimizer, optim.Optimizer):
        if lr is not None:
            raise ValueError(f"{who}: lr={lr!r} only applies when optimizer is a name")
        return optimizer
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"{who}: unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)} "
            "or pass an Optimizer instance"
        )
    return OPTIMIZERS[optimizer](model.parameters(), lr=DEFAULT_LR[optimizer] if lr is None else lr)


def fit(
    model: MLP,
    X: Any,
    y: Any,
    loss: str | LossFn = "hinge",
    optimizer: str | optim.Optimizer = "adam",
    lr: float | optim.Schedule | None = None,
    epochs: int = 100,
    batch_size: int | None = 32,
    val: tuple[Any, Any] | None = None,
    l2: float = 0.0,
    seed: int | None = 0,
    progress: bool = True,
    compiled: bool = False,
) -> History:
    """Train ``model`` on ``(X, y)`` for ``epochs`` epochs of mini-batches; return a ``History``.

    ``optimizer`` is a name (``adam``, ``sgd``, ``momentum``, ``rmsprop``, ``adagrad``; ``lr``
    defaults to ``DEFAULT_LR``) or a ready ``Optimizer`` over ``model.parameters()``. ``l2``
    adds ``l2 · Σ w²`` to the training loss. ``seed`` fixes the order of the mini-batches;
    ``val=(X_val, y_val)`` measures validation data every epoch. ``progress`` shows a tqdm
    bar (one step per epoch, with the latest loss and accuracy). ``compiled=True`` traces
    one sample's loss once, with the targets as inputs (any number of classes, regression),
    and replays every batch with numpy, the optimizer vectorised (``microgradx.trace``,
    ``Optimizer.step_vector``; docs/training.md): the parameters eager training gives, to
    rounding, tens to hundreds of times faster; needs a named loss.

    The cyclic garbage collector is paused during each step and restored after it
    (``microgradx.gc_paused``, safe across threads); in your own training loop the engine
    pauses it from the first recorded node until ``backward()`` ends (``microgradx.gradmode``).
    """
    who = "fit"
    model = _check_model(model, who)
    if _no_samples(X) or _no_samples(y):
        raise ValueError(f"{who}: no training data: X and y must hold at least one sample")
    X = _check_X(X, model, who)
    objective = _objective(loss, y, who)
    _check_width(model, objective, who)
    if len(objective.targets) != len(X):
        raise ValueError(f"{who}: X has {len(X)} samples but y has {len(objective.targets)}")
    if len(X) == 0:
        raise ValueError(f"{who}: no training data (X is empty)")
    if not is_int(epochs) or epochs < 1:
        raise ValueError(f"{who}: epochs must be an integer >= 1, got {epochs!r}")
    iterations_per_epoch(len(X), batch_size)  # validates batch_size
    if not is_real(l2) or not 0 <= l2 < math.inf:
        raise ValueError(f"{who}: l2 must be a finite number >= 0, got {l2!r}")
    for flag, value in (("progress", progress), ("compiled", compiled)):
        if not isinstance(value, bool):
            raise TypeError(f"{who}: {flag} must be a bool, got {type(value).__name__}")
    rng = _rng(who, seed)
    validation = None
    if val is not None:
        if not isinstance(val, (tuple, list)) or len(val) != 2:
            raise ValueError(f"{who}: val must be a pair (X_val, y_val), got {type(val).__name__}")
        Xv = _check_X(val[0], model, who + " (val)")
        val_objective = _objective(objective.fn if callable(loss) else loss, val[1], who + " (val)")
        if len(Xv) != len(val_objective.targets):
            raise ValueError(
                f"{who}: val has {len(Xv)} samples but {len(val_objective.targets)} labels"
            )
        validation = (Xv, val_objective)
    if compiled and callable(loss):
        raise ValueError(f"{who}: compiled=True needs a named loss ({', '.join(LOSSES)})")
    opt = _make_optimizer(model, optimizer, lr, who)
    step: CompiledStep | EagerStep
    if compiled:  # traced before the first update: a bad target shape changes nothing
        step = CompiledStep(model, X, objective.name, objective.targets, float(l2), opt)
    else:
        step = EagerStep(model, objective.fn, objective.targets, float(l2), opt)
    try:
        return _train(model, X, step, objective, int(epochs), batch_size, validation, rng, progress)
    finally:
        step.sync()  # the Values hold the last good step's parameters, also after an error


def _train(
    model: MLP,
    X: np.ndarray,
    step: CompiledStep | EagerStep,
    objective: _Objective,
    epochs: int,
    batch_size: int | None,
    validation: tuple[np.ndarray, _Objective] | None,
    rng: np.random.Generator,
    progress: bool,
) -> History:
    """fit's epochs: the batches, the history and the bar."""
    who = "fit"
    n = len(X)
    history = History()
    start = time.perf_counter()
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress, file=sys.stderr)
    for _ in bar:
        loss_sum, outputs, seen = 0.0, [], []
        # Batches of sample indices: X rows, targets and labels stay aligned after shuffling.
        for Xb, idx in batches(X, np.arange(n), batch_size, shuffle=True, rng=rng):
            try:
                # A step's garbage is acyclic (reference counting frees it), yet the cyclic
                # collector would rescan the growing graph many times: paused for the step.
                with gc_paused():
                    batch_loss, out = step(Xb, idx)
            except ArithmeticError as e:  # overflow, division by zero, NaN/inf: nothing updated
                bar.close()
                raise _diverged(who, history, e) from e
            loss_sum += batch_loss * len(idx)  # a batch loss is a mean: weight it by its size
            outputs.append(out)
            seen.append(idx)
            history.iterations += 1
        order = np.concatenate(seen)
        labels = None if objective.labels is None else objective.labels[order]
        history.train_loss.append(loss_sum / n)
        history.train_accuracy.append(
            _accuracy(np.concatenate(outputs), labels, objective.threshold)
        )
        shown = {"loss": f"{history.train_loss[-1]:.4f}"}
        if objective.labels is not None:
            shown["acc"] = f"{history.train_accuracy[-1]:.3f}"
        if validation is not None:
            step.sync()
            v_loss, v_acc = _evaluate(model, *validation)
            history.val_loss.append(v_loss)
            history.val_accuracy.append(v_acc)
            shown["val_loss"] = f"{v_loss:.4f}"
            if not math.isnan(v_acc):
                shown["val_acc"] = f"{v_acc:.3f}"
        history.epochs += 1
        bar.set_postfix(shown, refresh=False)
    bar.close()
    history.seconds = time.perf_counter() - start
    return history


def _no_samples(data: Any) -> bool:
    return hasattr(data, "__len__") and len(data) == 0


def _diverged(who: str, history: History, cause: ArithmeticError) -> FloatingPointError:
    """The error for a step that failed: parameters are still those from before the step."""
    where = f"epoch {history.epochs + 1} (iteration {history.iterations + 1})"
    if history.iterations == 0:
        return FloatingPointError(f"{who}: the first step failed at {where}: {cause}")
    return FloatingPointError(
        f"{who}: loss diverged at {where} — lower the learning rate ({cause}); "
        "the parameters are those from before this step"
    )


def _evaluate(model: MLP, X: np.ndarray, objective: _Objective) -> tuple[float, float]:
    with no_grad():  # inference only: build no graph, keep memory flat
        preds = [model(row) for row in X.tolist()]
        value = objective.fn(preds, objective.targets).data
    return value, _accuracy(_as_outputs(preds), objective.labels, objective.threshold)


def evaluate(model: MLP, X: Any, y: Any, loss: str | LossFn = "hinge") -> tuple[float, float]:
    """(mean loss, accuracy) of ``model`` on ``(X, y)``; accuracy is NaN for regression."""
    model = _check_model(model, "evaluate")
    X = _check_X(X, model, "evaluate")
    objective = _objective(loss, y, "evaluate")
    _check_width(model, objective, "evaluate")
    if len(X) != len(objective.targets) or len(X) == 0:
        raise ValueError(
            f"evaluate: X has {len(X)} samples and y {len(objective.targets)}; "
            "they must match and not be empty"
        )
    return _evaluate(model, X, objective)


def predict_scores(model: MLP, X: Any) -> np.ndarray:
    """Raw model outputs: shape (n,) for a single output, (n, k) for k outputs."""
    model = _check_model(model, "predict_scores")
    X = _check_X(X, model, "predict_scores")
    with no_grad():
        return _as_outputs([model(row) for row in X.tolist()])


def predict(model: MLP, X: Any, threshold: float = 0.0) -> np.ndarray:
    """Class labels for each row of X: 1/0 by ``threshold`` for one output, else the argmax."""
    threshold = finite_real(threshold, "predict", "threshold")
    return _classes(predict_scores(model, X), threshold)

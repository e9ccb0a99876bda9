"""Tests for microgradx.fitstep: compiled training gives eager training's numbers.

The oracle is the eager engine itself (``fit(compiled=False)``), whose gradients are checked
against PyTorch and finite differences elsewhere; the compiled run must reproduce its
parameters, losses, accuracies and optimizer state to rounding (sums are added in another
order, so 1e-12 relative, not bit for bit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from microgradx import losses
from microgradx.data import make_moons, make_regression, make_spirals
from microgradx.engine import Value
from microgradx.fitstep import SAMPLE_LOSSES, target_columns
from microgradx.nn import MLP
from microgradx.optim import SGD, Adam, Optimizer, RMSProp
from microgradx.train import History, fit

RTOL = 1e-12


def _blobs(n_classes: int, n: int, dim: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points around n_classes random centres: labels 0 … n_classes − 1, every one present."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 2.0, size=(n_classes, dim))
    y = np.arange(n) % n_classes
    return centres[y] + rng.normal(0.0, 0.5, size=(n, dim)), y


def _both(make_model: Callable[[], MLP], X: Any, y: Any, **kwargs: Any) -> list[Any]:
    """Train two identical models, eager and compiled; return [(model, history, opt), ...]."""
    runs = []
    for compiled in (False, True):
        model = make_model()
        opt = kwargs.pop("make_opt", None)
        extra = dict(kwargs)
        if opt is not None:
            extra["optimizer"] = opt(model.parameters())
            kwargs["make_opt"] = opt
        history = fit(model, X, y, progress=False, compiled=compiled, **extra)
        runs.append((model, history, extra.get("optimizer")))
    return runs


def _assert_same_run(eager: tuple[MLP, History, Any], compiled: tuple[MLP, History, Any]) -> None:
    (m_e, h_e, _), (m_c, h_c, _) = eager, compiled
    np.testing.assert_allclose(
        m_c.parameter_values(), m_e.parameter_values(), rtol=RTOL, atol=1e-14
    )
    np.testing.assert_allclose(h_c.train_loss, h_e.train_loss, rtol=RTOL)
    np.testing.assert_allclose(h_c.val_loss, h_e.val_loss, rtol=RTOL)
    assert h_c.train_accuracy == h_e.train_accuracy or np.isnan(h_e.train_accuracy).all()
    assert h_c.val_accuracy == h_e.val_accuracy or np.isnan(h_e.val_accuracy).all()
    assert (h_c.iterations, h_c.epochs) == (h_e.iterations, h_e.epochs)


CASES: dict[str, dict[str, Any]] = {
    "hinge_sgd_l2": {"loss": "hinge", "optimizer": "sgd", "l2": 1e-3},
    "bce_adam": {"loss": "bce", "optimizer": "adam"},
    "mse_labels_momentum": {"loss": "mse", "optimizer": "momentum"},
    "hinge_rmsprop": {"loss": "hinge", "optimizer": "rmsprop", "l2": 1e-4},
    "bce_adagrad": {"loss": "bce", "optimizer": "adagrad"},
    "hinge_nesterov": {
        "loss": "hinge",
        "make_opt": lambda ps: SGD(ps, 0.05, momentum=0.9, nesterov=True, weight_decay=1e-3),
    },
    "bce_centered_rmsprop": {
        "loss": "bce",
        "make_opt": lambda ps: RMSProp(ps, 0.01, momentum=0.5, centered=True),
    },
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_compiled_fit_gives_the_eager_parameters_and_history_on_moons(name: str) -> None:
    X, y = make_moons(70, noise=0.1, seed=1)
    runs = _both(
        lambda: MLP(2, [8, 8, 1], seed=3),
        X,
        y,
        epochs=6,
        batch_size=16,  # 70 = 4·16 + 6: a smaller last batch too
        val=(X[:20], y[:20]),
        **CASES[name],
    )
    _assert_same_run(*runs)


def test_compiled_fit_leaves_the_optimizer_in_the_eager_state() -> None:
    X, y = make_spirals(60, n_classes=3, seed=0)
    runs = _both(
        lambda: MLP(2, [12, 3], seed=0),
        X,
        y,
        loss="cross_entropy",
        epochs=5,
        batch_size=20,
        make_opt=lambda ps: Adam(ps, 0.02, weight_decay=1e-3),
    )
    _assert_same_run(*runs)
    eager_opt, compiled_opt = runs[0][2], runs[1][2]
    assert isinstance(eager_opt, Optimizer) and isinstance(compiled_opt, Optimizer)
    assert compiled_opt.steps == eager_opt.steps == 15
    for b, buffer in eager_opt.state.items():
        np.testing.assert_allclose(compiled_opt.state[b], buffer, rtol=1e-10, atol=1e-18)


@pytest.mark.parametrize("n_classes", [17, 40])
def test_compiled_cross_entropy_trains_more_than_sixteen_classes_as_eager_does(
    n_classes: int,
) -> None:
    X, y = _blobs(n_classes, 3 * n_classes)
    runs = _both(
        lambda: MLP(4, [16, n_classes], seed=1),
        X,
        y,
        loss="cross_entropy",
        epochs=4,
        batch_size=32,
        l2=1e-4,
    )
    _assert_same_run(*runs)
    assert runs[1][1].train_loss[-1] < runs[1][1].train_loss[0]


def test_compiled_mse_fits_real_valued_regression_targets_as_eager_does() -> None:
    X, y = make_regression(80, n_features=3, noise=0.05, seed=2)
    runs = _both(lambda: MLP(3, [6, 1], seed=0), X, y, loss="mse", epochs=8, batch_size=10)
    _assert_same_run(*runs)
    assert np.isnan(runs[1][1].train_accuracy).all()
    assert runs[1][1].train_loss[-1] < 0.5 * runs[1][1].train_loss[0]


def test_compiled_mse_with_several_outputs_uses_one_target_column_per_output() -> None:
    X, _ = make_regression(40, n_features=2, seed=0)
    Y = np.stack([np.sin(X[:, 0]), X[:, 0] * X[:, 1]], axis=1)  # two regression targets
    runs = _both(lambda: MLP(2, [5, 2], seed=0), X, Y, loss="mse", epochs=5, batch_size=8)
    _assert_same_run(*runs)


def test_compiled_mse_refuses_targets_that_do_not_match_the_outputs_before_any_update() -> None:
    X, y = make_regression(12, n_features=2, seed=0)
    model = MLP(2, [4, 3], seed=0)  # 3 outputs, but one target per sample
    before = model.parameter_values()
    with pytest.raises(ValueError, match=r"model's 3 outputs .* y has 1 value\(s\) per sample"):
        fit(model, X, y, loss="mse", compiled=True, progress=False)
    assert model.parameter_values() == before


def test_compiled_fit_trains_only_the_optimizers_parameters_like_eager() -> None:
    X, y = make_moons(30, seed=0)
    runs = []
    for compiled in (False, True):
        model = MLP(2, [4, 1], seed=0)
        first_layer = model.layers[0].parameters()
        frozen = model.layers[1].parameter_values()
        fit(
            model,
            X,
            y,
            optimizer=SGD(first_layer, 0.1),
            epochs=3,
            compiled=compiled,
            progress=False,
        )
        assert model.layers[1].parameter_values() == frozen
        runs.append(model.parameter_values())
    np.testing.assert_allclose(runs[1], runs[0], rtol=RTOL)


@pytest.mark.parametrize("name", sorted(SAMPLE_LOSSES))
def test_each_sample_loss_equals_the_named_loss_on_one_sample(name: str) -> None:
    rng = np.random.default_rng(4)
    width = 1 if name in ("hinge", "bce") else 3
    z = [Value(float(v)) for v in rng.normal(size=width)]
    target = {"hinge": [-1.0], "bce": [1.0], "mse": rng.normal(size=3).tolist(), "cross_entropy": 2}
    named = {
        "hinge": losses.hinge,
        "bce": losses.binary_cross_entropy_with_logits,
        "mse": losses.mse,
        "cross_entropy": losses.cross_entropy,
    }[name]
    t = target[name]
    columns = target_columns(name, [t], width)[0]
    ours = SAMPLE_LOSSES[name](z, [Value(float(c)) for c in columns])
    reference = named(z if width > 1 else z[0], t if width > 1 or name == "cross_entropy" else t[0])
    assert ours.data == pytest.approx(reference.data, rel=1e-15)
    ours.backward()
    ours_grads = [v.grad for v in z]
    for v in z:
        v.grad = 0.0
    reference.backward()
    np.testing.assert_allclose(ours_grads, [v.grad for v in z], rtol=1e-14, atol=1e-16)


def test_compiled_cross_entropy_stays_finite_for_large_logits() -> None:
    z = [Value(900.0), Value(905.0), Value(880.0)]  # e^900 overflows without a shift
    loss = SAMPLE_LOSSES["cross_entropy"](z, [Value(0.0), Value(1.0), Value(0.0)])
    assert loss.data == pytest.approx(losses.cross_entropy(z, 1).data, rel=1e-12)

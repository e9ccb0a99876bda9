"""Tests for microgradx.train: fit, History, evaluate, predict."""

from __future__ import annotations

import dataclasses
import gc
import math
from typing import Any

import numpy as np
import pytest

from microgradx import losses
from microgradx.data import (
    make_moons,
    make_regression,
    make_spirals,
    make_xor,
    signed_labels,
    train_val_test_split,
)
from microgradx.engine import Value, is_grad_enabled
from microgradx.nn import MLP
from microgradx.optim import SGD
from microgradx.train import History, evaluate, fit, predict, predict_scores


def _quiet_fit(model, X, y, **kwargs) -> History:
    return fit(model, X, y, progress=False, **kwargs)


@pytest.fixture
def moons():
    X, y = make_moons(60, noise=0.1, seed=0)
    return X, y


def test_xor_truth_table_is_learned_by_a_small_mlp():
    X, y = make_xor(4, noise=0.0)
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    history = _quiet_fit(model, X, y, epochs=150, batch_size=None, lr=0.05)
    assert predict(model, X).tolist() == [0, 1, 1, 0]
    assert history.train_accuracy[-1] == 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_moons_reach_95_percent_test_accuracy_in_a_fast_config(seed):
    X, y = make_moons(200, noise=0.1, seed=seed)
    train, val, (X_test, y_test) = train_val_test_split(X, y, seed=seed)
    model = MLP(2, [8, 8, 1], seed=seed)
    _quiet_fit(model, *train, val=val, epochs=40, batch_size=16, seed=seed)
    _, accuracy = evaluate(model, X_test, y_test)
    assert accuracy >= 0.95


def test_history_has_the_field_names_plotting_relies_on():
    names = [f.name for f in dataclasses.fields(History)]
    assert names == [
        "train_loss",
        "val_loss",
        "train_accuracy",
        "val_accuracy",
        "iterations",
        "epochs",
        "seconds",
    ]


def test_history_has_one_entry_per_epoch_and_counts_iterations(moons):
    X, y = moons
    history = _quiet_fit(MLP(2, [4, 1]), X, y, val=(X[:10], y[:10]), epochs=3, batch_size=25)
    assert history.epochs == 3
    assert history.iterations == 3 * 3  # 60 samples in batches of 25: 25, 25, 10
    for series in (history.train_loss, history.val_loss):
        assert len(series) == 3
        assert all(isinstance(v, float) and v >= 0 for v in series)
    for series in (history.train_accuracy, history.val_accuracy):
        assert len(series) == 3
        assert all(0.0 <= v <= 1.0 for v in series)
    assert history.seconds > 0


def test_without_validation_data_the_val_lists_stay_empty(moons):
    history = _quiet_fit(MLP(2, [4, 1]), *moons, epochs=2)
    assert history.val_loss == []
    assert history.val_accuracy == []
    assert len(history.train_loss) == 2


@pytest.mark.parametrize(("batch_size", "per_epoch"), [(None, 1), (60, 1), (1, 60), (16, 4)])
def test_iterations_follow_batch_size(moons, batch_size, per_epoch):
    history = _quiet_fit(MLP(2, [2, 1]), *moons, epochs=2, batch_size=batch_size)
    assert history.iterations == 2 * per_epoch


def test_training_lowers_the_loss(moons):
    history = _quiet_fit(MLP(2, [8, 1], seed=1), *moons, epochs=15, batch_size=10)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]


def test_validation_metrics_match_evaluate_after_the_last_epoch(moons):
    X, y = moons
    model = MLP(2, [6, 1], seed=2)
    history = _quiet_fit(model, X[:40], y[:40], val=(X[40:], y[40:]), epochs=3)
    assert (history.val_loss[-1], history.val_accuracy[-1]) == evaluate(model, X[40:], y[40:])


def test_progress_false_prints_nothing(moons, capsys):
    _quiet_fit(MLP(2, [4, 1]), *moons, val=moons, epochs=2)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_progress_true_shows_a_bar_with_loss_and_accuracy(moons, capsys):
    fit(MLP(2, [4, 1]), *moons, epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err
    assert "loss=" in err
    assert "acc=" in err


def test_same_seed_gives_the_same_run_and_another_seed_a_different_one(moons):
    runs = [
        _quiet_fit(MLP(2, [4, 1], seed=0), *moons, epochs=3, seed=s).train_loss for s in (5, 5, 6)
    ]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_signed_and_zero_one_labels_train_identically_with_hinge(moons):
    X, y = moons
    a = _quiet_fit(MLP(2, [4, 1], seed=0), X, y, epochs=2).train_loss
    b = _quiet_fit(MLP(2, [4, 1], seed=0), X, signed_labels(y), epochs=2).train_loss
    assert a == b


def test_bce_loss_trains_on_zero_one_labels(moons):
    model = MLP(2, [8, 1], seed=0)
    history = _quiet_fit(model, *moons, loss="bce", epochs=20, batch_size=10)
    assert history.train_loss[-1] < history.train_loss[0]
    assert evaluate(model, *moons, loss="bce")[1] >= 0.8


def test_cross_entropy_trains_a_three_class_model():
    X, y = make_spirals(60, n_classes=3, noise=0.0, seed=0)
    model = MLP(2, [12, 3], seed=0)
    history = _quiet_fit(model, X, y, loss="cross_entropy", epochs=15, batch_size=10)
    assert history.train_loss[-1] < history.train_loss[0]
    assert set(predict(model, X).tolist()) <= {0, 1, 2}
    assert predict_scores(model, X).shape == (60, 3)


def test_mse_regression_reports_nan_accuracy_and_fits_a_line():
    X, y = make_regression(40, n_features=1, noise=0.0, seed=0)
    model = MLP(1, [1], seed=0)  # one linear neuron: exactly the right model
    history = _quiet_fit(model, X, y, loss="mse", optimizer="sgd", lr=0.3, epochs=60)
    assert all(math.isnan(a) for a in history.train_accuracy)
    loss, accuracy = evaluate(model, X, y, loss="mse")
    assert loss < 1e-6
    assert math.isnan(accuracy)


def test_mse_on_zero_one_labels_thresholds_at_one_half():
    X = np.array([[0.0], [1.0]])
    model = MLP(1, [1], seed=0)
    model.load_parameters([1.0, 0.0])  # output = x: 0.0 and 1.0, exactly the labels
    assert evaluate(model, X, np.array([0, 1]), loss="mse") == (0.0, 1.0)


def test_accuracy_with_a_callable_loss_understands_signed_labels(moons):
    X, y = moons
    model = MLP(2, [8, 1], seed=0)
    _quiet_fit(model, X, signed_labels(y), loss=losses.hinge, epochs=10)
    assert evaluate(model, X, signed_labels(y), loss=losses.hinge)[1] == evaluate(model, X, y)[1]
    assert evaluate(model, X, y)[1] > 0.8


def test_integer_regression_targets_on_one_output_report_nan_accuracy():
    X = np.arange(6.0)[:, None]
    _, accuracy = evaluate(MLP(1, [1]), X, np.arange(6), loss="mse")
    assert math.isnan(accuracy)


def test_a_callable_loss_is_used_as_given(moons):
    calls = []

    def loss(preds, targets):
        calls.append(len(preds))
        return losses.hinge(preds, [2 * t - 1 for t in targets])

    history = _quiet_fit(MLP(2, [4, 1]), *moons, loss=loss, epochs=1, batch_size=20)
    assert calls == [20, 20, 20]
    assert len(history.train_loss) == 1


def test_an_optimizer_instance_is_used_and_stepped_once_per_iteration(moons):
    model = MLP(2, [4, 1])
    opt = SGD(model.parameters(), lr=0.05, momentum=0.9)
    history = _quiet_fit(model, *moons, optimizer=opt, epochs=2, batch_size=30)
    assert opt.steps == history.iterations == 4


def test_l2_penalty_keeps_weights_smaller(moons):
    plain, decayed = MLP(2, [8, 1], seed=3), MLP(2, [8, 1], seed=3)
    _quiet_fit(plain, *moons, epochs=10)
    _quiet_fit(decayed, *moons, epochs=10, l2=0.05)
    norm = [sum(p.data**2 for p in m.parameters()) for m in (plain, decayed)]
    assert norm[1] < norm[0]


def test_evaluate_runs_under_no_grad_and_builds_no_graph(moons):
    seen = []

    def loss(preds, targets):
        seen.append((is_grad_enabled(), all(p.is_leaf() for p in preds)))
        return losses.hinge(preds, [2 * t - 1 for t in targets])

    model = MLP(2, [4, 1])
    evaluate(model, *moons, loss=loss)
    assert seen == [(False, True)]  # outputs carry no parents: no graph was recorded
    assert is_grad_enabled()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_predict_thresholds_a_single_output_at_zero():
    model = MLP(1, [1], seed=0)
    model.load_parameters([1.0, 0.0])
    assert predict(model, np.array([[-2.0], [0.0], [3.0]])).tolist() == [0, 0, 1]
    assert predict(model, np.array([[1.0], [3.0]]), threshold=2.0).tolist() == [0, 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"loss": "l1"}, ValueError, r"fit: unknown loss 'l1'"),
        ({"optimizer": "lbfgs"}, ValueError, r"fit: unknown optimizer 'lbfgs'"),
        ({"epochs": 0}, ValueError, r"fit: epochs must be an integer >= 1, got 0"),
        ({"batch_size": 0}, ValueError, r"batch_size must be >= 1, got 0"),
        ({"l2": -1.0}, ValueError, r"fit: l2 must be a finite number >= 0, got -1.0"),
        ({"progress": "yes"}, TypeError, r"fit: progress must be a bool"),
        ({"compiled": "yes"}, TypeError, r"fit: compiled must be a bool"),
        ({"seed": "a"}, TypeError, r"fit: seed must be an int"),
        ({"epochs": 2.0}, ValueError, r"fit: epochs must be an integer >= 1, got 2.0"),
        ({"val": ([[0.0, 0.0]],)}, ValueError, r"fit: val must be a pair"),
        ({"lr": -0.1}, ValueError, r"lr"),
    ],
)
def test_fit_rejects_bad_arguments(moons, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        fit(MLP(2, [4, 1]), *moons, **{"progress": False, **kwargs})


def test_fit_rejects_lr_together_with_an_optimizer_instance(moons):
    model = MLP(2, [4, 1])
    with pytest.raises(ValueError, match=r"fit: lr=0.1 only applies when optimizer is a name"):
        fit(model, *moons, optimizer=SGD(model.parameters(), lr=0.1), lr=0.1, progress=False)


def test_fit_rejects_labels_the_loss_cannot_use(moons):
    X, y = moons
    with pytest.raises(ValueError, match=r"fit: loss 'hinge' needs labels \{0, 1\} or"):
        fit(MLP(2, [4, 1]), X, y + 1, progress=False)
    with pytest.raises(ValueError, match=r"fit: loss 'bce' needs labels"):
        fit(MLP(2, [4, 1]), X, y * 0.5, loss="bce", progress=False)


def test_fit_rejects_a_model_whose_width_does_not_fit_the_loss(moons):
    with pytest.raises(ValueError, match=r"fit: loss 'hinge' needs a model with 1 output, not 2"):
        fit(MLP(2, [4, 2]), *moons, progress=False)
    with pytest.raises(ValueError, match=r"fit: loss 'cross_entropy' needs one output per class"):
        fit(MLP(2, [4, 1]), *moons, loss="cross_entropy", progress=False)


def test_fit_rejects_mismatched_or_malformed_data(moons):
    X, y = moons
    with pytest.raises(ValueError, match=r"fit: X has 60 samples but y has 59"):
        fit(MLP(2, [4, 1]), X, y[:-1], progress=False)
    with pytest.raises(ValueError, match=r"fit: X must have shape \(n, 3\), got \(60, 2\)"):
        fit(MLP(3, [4, 1]), X, y, progress=False)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"fit: X contains NaN"):
        fit(MLP(2, [4, 1]), bad, y, progress=False)
    with pytest.raises(TypeError, match=r"fit: expected an MLP, got str"):
        fit("model", X, y, progress=False)


def test_evaluate_and_predict_validate_their_input():
    model = MLP(2, [4, 1])
    with pytest.raises(ValueError, match=r"evaluate: X has 3 samples and y 2"):
        evaluate(model, np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match=r"predict_scores: X must have shape \(n, 2\)"):
        predict(model, np.zeros(2))
    with pytest.raises(TypeError, match=r"predict: threshold must be a number"):
        predict(model, np.zeros((1, 2)), threshold="0")


def test_module_docstring_example_runs():
    import doctest

    from microgradx import train

    result = doctest.testmod(train)
    assert result.attempted > 0
    assert result.failed == 0


# -- fit fails early and clearly, and leaves the model as it was before the failing step -------


def _parameters(model: MLP) -> list[float]:
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize(
    ("X", "y"), [([], []), (np.zeros((0, 2)), np.zeros(0)), (np.zeros((3, 2)), [])]
)
def test_fit_on_empty_data_says_there_is_no_training_data(X, y):
    with pytest.raises(ValueError, match="fit: no training data: X and y must hold at least one"):
        fit(MLP(2, [4, 1]), X, y, progress=False)


@pytest.mark.parametrize("loss", ["hinge", "bce", "cross_entropy", "mse"])
def test_fit_names_a_column_vector_of_labels_and_the_fix(moons, loss):
    X, y = moons
    with pytest.raises(ValueError, match=r"y must hold one label per sample \(shape \(n,\)\), got"):
        fit(MLP(2, [4, 2]), X, y.reshape(-1, 1), loss=loss, progress=False)
    with pytest.raises(ValueError, match=r"got shape \(60, 1\); use y.ravel\(\)"):
        fit(MLP(2, [4, 1]), X, y.reshape(-1, 1), loss=loss, progress=False)


def test_a_loss_returning_a_float_is_a_clear_type_error_and_changes_nothing(moons):
    model = MLP(2, [4, 1], seed=0)
    before = _parameters(model)
    with pytest.raises(TypeError, match=r"the loss function must return a Value .*got float"):
        fit(model, *moons, loss=lambda preds, ys: 0.5, progress=False)
    assert _parameters(model) == before


def _blows_up_on_call(n: int):
    """A mean-squared loss whose n-th call overflows, like a loss diverging at epoch n."""
    calls = []

    def loss(preds, ys):
        calls.append(1)
        scale = 1e300 if len(calls) == n else 1.0
        return losses.mse([p * scale * scale for p in preds], ys)

    return loss


@pytest.mark.parametrize("epoch", [2, 4])
def test_a_loss_that_overflows_at_epoch_k_says_so_and_keeps_the_previous_parameters(moons, epoch):
    reference = MLP(2, [4, 1], seed=0)
    _quiet_fit(reference, *moons, loss="mse", batch_size=None, epochs=epoch - 1, optimizer="sgd")
    model = MLP(2, [4, 1], seed=0)
    pattern = rf"fit: loss diverged at epoch {epoch} \(iteration {epoch}\) — lower the learning"
    with pytest.raises(FloatingPointError, match=pattern):
        _quiet_fit(
            model, *moons, loss=_blows_up_on_call(epoch), batch_size=None, epochs=9, optimizer="sgd"
        )
    assert _parameters(model) == _parameters(reference)


@pytest.mark.parametrize("compiled", [False, True])
def test_a_too_large_learning_rate_reports_divergence_not_an_overflow_traceback(moons, compiled):
    model = MLP(2, [8, 1], seed=0)
    with pytest.raises(FloatingPointError, match="loss diverged at epoch") as excinfo:
        _quiet_fit(model, *moons, optimizer="sgd", lr=1e6, epochs=50, compiled=compiled)
    assert isinstance(excinfo.value.__cause__, ArithmeticError)
    assert all(math.isfinite(v) for v in _parameters(model))


def test_a_failing_first_step_is_not_called_divergence(moons):
    model = MLP(2, [4, 1], seed=0)
    before = _parameters(model)
    with pytest.raises(FloatingPointError, match="fit: the first step failed at epoch 1"):
        _quiet_fit(model, *moons, loss=_blows_up_on_call(1), epochs=3)
    assert _parameters(model) == before


@pytest.mark.parametrize("enabled", [True, False])
def test_fit_pauses_the_cyclic_gc_during_each_step_and_restores_the_callers_setting(
    enabled: bool,
) -> None:
    seen: list[bool] = []

    def loss(preds: list[Any], targets: list[Any]) -> Value:
        seen.append(gc.isenabled())
        return losses.mse(preds, targets)

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        fit(
            MLP(2, [3, 1], seed=0),
            [[0.0, 1.0], [1.0, 0.0]],
            [0.5, -0.5],
            loss=loss,
            epochs=2,
            batch_size=1,
            progress=False,
        )
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False] * 4  # 2 epochs × 2 batches, every one with gc paused

"""Tests for microgradx.data: generators, the train/val/test split and mini-batches."""

from __future__ import annotations

import numpy as np
import pytest

from microgradx import data
from microgradx.data import (
    batches,
    iterations_per_epoch,
    make_circles,
    make_moons,
    make_regression,
    make_spirals,
    make_xor,
    signed_labels,
    train_val_test_split,
)

BINARY = [make_moons, make_circles, make_xor]
GENERATORS = [make_moons, make_circles, make_spirals, make_xor, make_regression]


@pytest.mark.parametrize("make", BINARY)
def test_binary_generators_give_n_points_in_2d_with_labels_0_and_1(make):
    X, y = make(101, seed=3)
    assert X.shape == (101, 2)
    assert X.dtype == np.float64
    assert y.shape == (101,)
    assert y.dtype == np.int64
    assert set(y.tolist()) == {0, 1}


@pytest.mark.parametrize("make", [make_moons, make_circles])
def test_two_class_generators_split_points_evenly_between_classes(make):
    _, y = make(101, seed=0)
    assert np.bincount(y).tolist() == [50, 51]


def test_spirals_have_one_label_per_arm_and_balanced_sizes():
    X, y = make_spirals(100, n_classes=4, seed=1)
    assert X.shape == (100, 2)
    assert np.bincount(y).tolist() == [25, 25, 25, 25]
    assert np.abs(X).max() < 2.0


def test_xor_without_noise_is_the_truth_table():
    X, y = make_xor(4, noise=0.0)
    assert X.tolist() == [[-1, -1], [-1, 1], [1, -1], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]


def test_xor_label_is_one_exactly_where_corner_signs_differ():
    X, y = make_xor(400, noise=0.1, seed=2)
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(np.int64))


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = make_moons(50, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)


def test_circles_without_noise_have_radius_one_and_factor():
    X, y = make_circles(40, noise=0.0, factor=0.3)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(radius[y == 0], 1.0)
    assert np.allclose(radius[y == 1], 0.3)


def test_regression_is_linear_in_x_up_to_noise():
    X, y = make_regression(200, n_features=3, noise=0.0, seed=4)
    design = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    assert X.shape == (200, 3)
    assert y.dtype == np.float64
    assert np.allclose(design @ coef, y)


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_gives_same_data(make):
    X1, y1 = make(60, seed=7)
    X2, y2 = make(60, seed=7)
    assert np.array_equal(X1, X2)
    assert np.array_equal(y1, y2)


@pytest.mark.parametrize("make", GENERATORS)
def test_different_seeds_give_different_data(make):
    X1, _ = make(60, seed=7)
    X2, _ = make(60, seed=8)
    assert not np.array_equal(X1, X2)


def test_generators_shuffle_classes_so_any_slice_has_both():
    _, y = make_moons(100, seed=0)
    assert set(y[:10].tolist()) == {0, 1}


def test_signed_labels_maps_zero_one_to_minus_plus_one():
    assert signed_labels(np.array([0, 1, 0])).tolist() == [-1.0, 1.0, -1.0]


def test_signed_labels_rejects_other_labels():
    with pytest.raises(ValueError, match=r"signed_labels.*\[2\]"):
        signed_labels([0, 1, 2])


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: make_moons(0), r"make_moons: n must be >= 1, got 0"),
        (lambda: make_moons(10, noise=-0.1), r"make_moons: noise .* -0.1"),
        (lambda: make_moons(10, noise=float("nan")), r"make_moons: noise .* nan"),
        (lambda: make_circles(10, factor=1.5), r"make_circles: factor .* 1.5"),
        (lambda: make_spirals(10, n_classes=1), r"make_spirals: n_classes .* 1"),
        (lambda: make_spirals(10, turns=0), r"make_spirals: turns"),
        (lambda: make_xor(-3), r"make_xor: n must be >= 1, got -3"),
        (lambda: make_regression(10, n_features=0), r"make_regression: n_features"),
        (lambda: make_moons(10, seed=-1), r"make_moons: seed must be >= 0, got -1"),
    ],
)
def test_generators_reject_bad_values_naming_function_and_value(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


@pytest.mark.parametrize(
    "call",
    [lambda: make_moons(10.0), lambda: make_moons(True), lambda: make_xor(10, seed="a")],
)
def test_generators_reject_wrong_types(call):
    with pytest.raises(TypeError, match="make_"):
        call()


def test_split_has_requested_sizes_and_partitions_every_sample():
    X = np.arange(100.0).reshape(50, 2)
    y = np.arange(50)
    parts = train_val_test_split(X, y, (0.7, 0.1, 0.2), seed=1)
    assert [len(yp) for _, yp in parts] == [35, 5, 10]
    assert sorted(np.concatenate([yp for _, yp in parts]).tolist()) == list(range(50))
    for Xp, yp in parts:  # rows stay paired with their labels
        assert np.array_equal(Xp[:, 0], 2.0 * yp)


def test_split_sizes_always_add_up_with_awkward_fractions():
    sizes = [len(part[1]) for part in train_val_test_split(np.zeros((7, 1)), np.zeros(7))]
    assert sum(sizes) == 7
    assert sizes == [4, 2, 1]


def test_split_allows_an_empty_validation_part():
    _, (Xv, yv), _ = train_val_test_split(np.zeros((10, 2)), np.zeros(10), (0.8, 0.0, 0.2))
    assert Xv.shape == (0, 2)
    assert len(yv) == 0


def test_split_is_reproducible_by_seed_and_differs_across_seeds():
    X, y = make_moons(50, seed=0)
    a = train_val_test_split(X, y, seed=5)[0][1]
    b = train_val_test_split(X, y, seed=5)[0][1]
    c = train_val_test_split(X, y, seed=6)[0][1]
    assert np.array_equal(a, b)
    X_a = train_val_test_split(X, y, seed=5)[0][0]
    X_c = train_val_test_split(X, y, seed=6)[0][0]
    assert not np.array_equal(X_a, X_c)
    assert len(a) == len(c)


@pytest.mark.parametrize(
    ("fractions", "pattern"),
    [
        ((0.5, 0.2, 0.2), r"train_val_test_split: fractions must sum to 1"),
        ((1.2, -0.1, -0.1), r"train_val_test_split: fractions must be finite and >= 0"),
        ((0.5, 0.5), r"train_val_test_split: fractions must be three numbers"),
        ((float("nan"), 0.5, 0.5), r"finite"),
    ],
)
def test_split_rejects_bad_fractions(fractions, pattern):
    with pytest.raises(ValueError, match=pattern):
        train_val_test_split(np.zeros((10, 2)), np.zeros(10), fractions)


def test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match=r"train_val_test_split: X has 10 samples but y has 9"):
        train_val_test_split(np.zeros((10, 2)), np.zeros(9))


@pytest.mark.parametrize("batch_size", [None, 1, 7, 10, 25, 50, 1000])
def test_batches_cover_every_sample_exactly_once_per_epoch(batch_size):
    X = np.arange(50.0)[:, None]
    y = np.arange(50)
    rng = np.random.default_rng(0)
    for _ in range(2):  # two epochs, each a permutation of the data
        seen = [yb for _, yb in batches(X, y, batch_size, shuffle=True, rng=rng)]
        assert sorted(np.concatenate(seen).tolist()) == list(range(50))
        for xb, yb in batches(X, y, batch_size, rng=rng):
            assert np.array_equal(xb[:, 0], yb)


def test_batch_sizes_full_batch_sgd_and_mini_batch_keep_last_partial_batch():
    X, y = np.zeros((10, 2)), np.zeros(10)
    assert [len(b) for b, _ in batches(X, y, None)] == [10]
    assert [len(b) for b, _ in batches(X, y, 10)] == [10]
    assert [len(b) for b, _ in batches(X, y, 1)] == [1] * 10
    assert [len(b) for b, _ in batches(X, y, 4)] == [4, 4, 2]


def test_iterations_per_epoch_counts_batches():
    X, y = np.zeros((10, 2)), np.zeros(10)
    for size in (None, 1, 3, 4, 10, 11):
        assert iterations_per_epoch(10, size) == len(list(batches(X, y, size)))


def test_batches_without_shuffle_keep_order():
    y = np.arange(6)
    got = [yb.tolist() for _, yb in batches(y[:, None], y, 4, shuffle=False)]
    assert got == [[0, 1, 2, 3], [4, 5]]


def test_batches_order_is_reproducible_with_an_int_seed_and_changes_across_epochs():
    y = np.arange(20)
    first = [yb.tolist() for _, yb in batches(y, y, 5, rng=3)]
    again = [yb.tolist() for _, yb in batches(y, y, 5, rng=3)]
    assert first == again
    rng = np.random.default_rng(3)
    epoch1 = [yb.tolist() for _, yb in batches(y, y, 5, rng=rng)]
    epoch2 = [yb.tolist() for _, yb in batches(y, y, 5, rng=rng)]
    assert epoch1 != epoch2


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"batch_size": 0}, ValueError, r"batches: batch_size must be >= 1, got 0"),
        ({"batch_size": -2}, ValueError, r"batches: batch_size must be >= 1, got -2"),
        ({"batch_size": 2.5}, TypeError, r"batches: batch_size must be an int"),
        ({"shuffle": "yes"}, TypeError, r"batches: shuffle must be a bool"),
    ],
)
def test_batches_reject_bad_arguments_when_called(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        batches(np.zeros((4, 2)), np.zeros(4), **kwargs)  # raises before any iteration


def test_batches_reject_mismatched_lengths():
    with pytest.raises(ValueError, match=r"batches: X has 4 samples but y has 3"):
        batches(np.zeros((4, 2)), np.zeros(3))


def test_module_docstring_examples_run():
    import doctest

    result = doctest.testmod(data)
    assert result.attempted > 0
    assert result.failed == 0

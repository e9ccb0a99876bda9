"""Tests for microgradx.losses: formulas, gradients, torch parity, stability, validation."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microgradx import Value
from microgradx.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    entropy,
    half_sse,
    hinge,
    l2_penalty,
    log_softmax,
    mae,
    mse,
    self_information,
    softmax,
)

LossOfValues = Callable[[list[Value]], Value]


def values(xs: list[float]) -> list[Value]:
    return [Value(x) for x in xs]


def central_difference(f: LossOfValues, xs: list[float], h: float = 1e-6) -> list[float]:
    """∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h, evaluated on fresh Values."""
    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        grads.append((f(values(up)).data - f(values(down)).data) / (2 * h))
    return grads


def backprop(f: LossOfValues, xs: list[float]) -> tuple[float, list[float]]:
    vs = values(xs)
    out = f(vs)
    out.backward()
    return out.data, [v.grad for v in vs]


# -- each loss against its formula (math / numpy) ----------------------------------------

PRED = [0.3, -1.2, 2.5, 0.0]
TARGET = [1.0, -1.0, 2.0, 0.5]


def test_mse_is_the_mean_of_squared_errors() -> None:
    expected = np.mean((np.array(PRED) - np.array(TARGET)) ** 2)
    assert mse(values(PRED), TARGET).data == pytest.approx(expected, rel=1e-15)


def test_half_sse_is_half_the_sum_and_its_gradient_is_the_residual() -> None:
    expected = 0.5 * np.sum((np.array(PRED) - np.array(TARGET)) ** 2)
    loss, grads = backprop(lambda v: half_sse(v, TARGET), PRED)
    assert loss == pytest.approx(expected, rel=1e-15)
    assert grads == pytest.approx([p - t for p, t in zip(PRED, TARGET, strict=True)], rel=1e-15)


def test_mae_is_the_mean_of_absolute_errors() -> None:
    expected = np.mean(np.abs(np.array(PRED) - np.array(TARGET)))
    assert mae(values(PRED), TARGET).data == pytest.approx(expected, rel=1e-15)


def test_scalar_prediction_and_target_are_one_sample() -> None:
    assert mse(Value(3.0), 1.0).data == 4.0
    assert mae(Value(-3.0), 1).data == 4.0
    assert half_sse(Value(3.0), 1.0).data == 2.0


def test_nested_lists_are_flattened_for_multi_output_batches() -> None:
    pred = [values([1.0, 2.0]), values([3.0, 4.0])]
    assert mse(pred, [[0.0, 0.0], [0.0, 0.0]]).data == pytest.approx((1 + 4 + 9 + 16) / 4)


def test_numpy_targets_are_accepted() -> None:
    assert mse(values([1.0, 2.0]), np.array([1.0, 0.0])).data == 2.0


def test_binary_cross_entropy_matches_formula() -> None:
    ps, ys = [0.9, 0.2, 0.6], [1.0, 0.0, 0.3]
    expected = -np.mean(
        [y * math.log(p) + (1 - y) * math.log(1 - p) for p, y in zip(ps, ys, strict=True)]
    )
    assert binary_cross_entropy(values(ps), ys).data == pytest.approx(expected, rel=1e-14)


def test_binary_cross_entropy_clamps_the_log_at_minus_100_for_exact_zero_and_one() -> None:
    p = Value(0.0)
    loss = binary_cross_entropy(p, 1)
    assert loss.data == 100.0  # PyTorch's value: log 0 counts as −100
    loss.backward()
    assert p.grad == 0.0  # a clamped log is a constant, as with torch.clamp
    assert binary_cross_entropy(Value(1.0), 0).data == 100.0
    assert binary_cross_entropy(Value(1.0), 1).data == 0.0
    assert binary_cross_entropy(Value(0.0), 0).data == 0.0


def test_binary_cross_entropy_is_exact_close_to_zero() -> None:
    # Clipping p to [1e-12, 1 − 1e-12] gave 27.63 and a zero gradient here.
    p = Value(1e-15)
    loss = binary_cross_entropy(p, 1)
    assert loss.data == pytest.approx(-math.log(1e-15), rel=1e-15)
    assert round(loss.data, 2) == 34.54
    loss.backward()
    assert p.grad == pytest.approx(-1e15, rel=1e-15)  # d/dp −log p = −1/p
    numeric = central_difference(lambda v: binary_cross_entropy(v, [1.0]), [1e-15], h=1e-18)[0]
    assert p.grad == pytest.approx(numeric, rel=1e-6)


def test_binary_cross_entropy_is_exact_close_to_one() -> None:
    # log(1 − p) is taken as log1p(−p): p = 1e-10, y = 0 gives p + p²/2, not 1.000000083e-10.
    p = Value(1e-10)
    loss = binary_cross_entropy(p, 0)
    assert loss.data == pytest.approx(1e-10 + 0.5e-20, rel=1e-15)
    q = Value(1.0 - 2.0**-40)
    binary_cross_entropy(q, 0).backward()
    assert q.grad == pytest.approx(2.0**40, rel=1e-12)  # d/dp −log(1 − p) = 1/(1 − p)


def test_bce_with_logits_equals_bce_of_sigmoid() -> None:
    zs, ys = [2.0, -0.5, 0.1], [1.0, 0.0, 1.0]
    probs = [1.0 / (1.0 + math.exp(-z)) for z in zs]
    expected = -np.mean(
        [y * math.log(p) + (1 - y) * math.log(1 - p) for p, y in zip(probs, ys, strict=True)]
    )
    assert binary_cross_entropy_with_logits(values(zs), ys).data == pytest.approx(expected)


def test_bce_with_logits_gradient_is_sigmoid_minus_target() -> None:
    z = Value(0.7)
    binary_cross_entropy_with_logits(z, 0.0).backward()
    assert z.grad == pytest.approx(1.0 / (1.0 + math.exp(-0.7)), rel=1e-14)


def test_hinge_is_mean_of_max_zero_one_minus_margin() -> None:
    scores, ys = [2.0, 0.3, -0.5, -3.0], [1, 1, 1, -1]
    expected = np.mean([max(0.0, 1 - y * s) for s, y in zip(scores, ys, strict=True)])
    assert hinge(values(scores), ys).data == pytest.approx(expected, rel=1e-15)


def test_softmax_matches_numpy_and_sums_to_one() -> None:
    z = [1.0, 2.0, -0.5, 0.0]
    e = np.exp(np.array(z))
    out = [v.data for v in softmax(values(z))]
    np.testing.assert_allclose(out, e / e.sum(), rtol=1e-14)
    assert math.fsum(out) == pytest.approx(1.0, abs=1e-15)


def test_log_softmax_matches_numpy() -> None:
    z = np.array([1.0, 2.0, -0.5, 0.0])
    expected = z - np.log(np.exp(z).sum())
    np.testing.assert_allclose([v.data for v in log_softmax(values(list(z)))], expected, rtol=1e-14)


def test_cross_entropy_is_minus_log_softmax_of_target() -> None:
    z = [1.0, 2.0, -0.5]
    for t in range(3):
        expected = -(z[t] - math.log(sum(math.exp(v) for v in z)))
        assert cross_entropy(values(z), t).data == pytest.approx(expected, rel=1e-14)


def test_cross_entropy_of_a_batch_is_the_mean() -> None:
    rows, targets = [[1.0, 2.0, -0.5], [0.0, 0.0, 3.0]], [0, 2]
    single = [cross_entropy(values(r), t).data for r, t in zip(rows, targets, strict=True)]
    batch = cross_entropy([values(r) for r in rows], targets).data
    assert batch == pytest.approx(sum(single) / 2, rel=1e-15)


def test_l2_penalty_is_alpha_times_sum_of_squares() -> None:
    ps = values([0.5, -2.0, 3.0])
    loss = l2_penalty(ps, 0.01)
    assert loss.data == pytest.approx(0.01 * (0.25 + 4 + 9), rel=1e-15)
    loss.backward()
    assert [p.grad for p in ps] == pytest.approx([2 * 0.01 * p.data for p in ps], rel=1e-15)


def test_self_information_in_nats_and_bits() -> None:
    assert self_information(0.25).data == pytest.approx(math.log(4), rel=1e-15)
    assert self_information(0.25, base=2).data == pytest.approx(2.0, rel=1e-15)
    assert self_information(1.0).data == 0.0  # a certain event carries no information


def test_entropy_of_distributions_in_bits() -> None:
    assert entropy([0.25] * 4, base=2).data == pytest.approx(2.0, rel=1e-15)
    assert entropy([1.0, 0.0], base=2).data == 0.0  # 0·log 0 is taken as 0
    p = [0.5, 0.3, 0.2]
    assert entropy(p).data == pytest.approx(-sum(q * math.log(q) for q in p), rel=1e-15)


def test_entropy_of_a_coin_peaks_at_one_bit_for_a_fair_coin() -> None:
    assert entropy(0.5, base=2).data == pytest.approx(1.0, rel=1e-15)
    h = [entropy(p, base=2).data for p in (0.1, 0.3, 0.5, 0.7, 0.9)]
    assert h[2] == max(h)
    assert h[0] == pytest.approx(h[4], rel=1e-14)  # symmetric in p ↔ 1 − p


def test_entropy_is_expected_self_information() -> None:
    p = [0.6, 0.3, 0.1]
    expected = sum(q * self_information(q).data for q in p)
    assert entropy(p).data == pytest.approx(expected, rel=1e-15)


def test_entropy_gradient_is_minus_log_p_minus_one() -> None:
    ps = values([0.6, 0.3, 0.1])
    entropy(ps, base=2).backward()
    expected = [-(math.log(p.data) + 1) / math.log(2) for p in ps]
    assert [p.grad for p in ps] == pytest.approx(expected, rel=1e-14)


# -- gradients against central differences -----------------------------------------------

GRADIENT_CASES: dict[str, tuple[LossOfValues, list[float]]] = {
    "mse": (lambda v: mse(v, TARGET), PRED[:3] + [0.1]),
    "mae": (lambda v: mae(v, TARGET), PRED[:3] + [0.1]),  # away from the kink at ŷ = y
    "half_sse": (lambda v: half_sse(v, TARGET), PRED),
    "bce": (lambda v: binary_cross_entropy(v, [1.0, 0.0, 0.4]), [0.7, 0.2, 0.55]),
    "bce_logits": (lambda v: binary_cross_entropy_with_logits(v, [1, 0, 1]), [0.3, 2.0, -1.5]),
    "hinge": (lambda v: hinge(v, [1, -1, 1]), [0.2, 0.4, 1.7]),
    "cross_entropy": (lambda v: cross_entropy(v, 1), [0.5, -1.0, 2.0]),
    "log_softmax_0": (lambda v: log_softmax(v)[0], [0.5, -1.0, 2.0]),
    "softmax_2": (lambda v: softmax(v)[2], [0.5, -1.0, 2.0]),
    "l2": (lambda v: l2_penalty(v, 0.3), [0.5, -1.0, 2.0]),
    "self_information": (lambda v: self_information(v[0], base=2), [0.3]),
    "coin_entropy": (lambda v: entropy(v[0]), [0.3]),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradient_matches_central_difference(name: str) -> None:
    f, xs = GRADIENT_CASES[name]
    _, grads = backprop(f, xs)
    np.testing.assert_allclose(grads, central_difference(f, xs), rtol=1e-6, atol=1e-8)


# -- stability at ±1000 --------------------------------------------------------------------


def test_log_softmax_and_softmax_are_finite_at_plus_minus_1000() -> None:
    z = [1000.0, -1000.0, 0.0]
    assert [v.data for v in log_softmax(values(z))] == [0.0, -2000.0, -1000.0]
    assert [v.data for v in softmax(values(z))] == [1.0, 0.0, 0.0]


def test_cross_entropy_at_plus_minus_1000_has_exact_value_and_gradient() -> None:
    zs = values([1000.0, -1000.0])
    loss = cross_entropy(zs, 1)
    assert loss.data == 2000.0
    loss.backward()
    assert [z.grad for z in zs] == [1.0, -1.0]  # softmax − one-hot


@pytest.mark.parametrize(
    ("z", "y", "loss", "grad"),
    [(1000.0, 1, 0.0, 0.0), (1000.0, 0, 1000.0, 1.0), (-1000.0, 1, 1000.0, -1.0)],
)
def test_bce_with_logits_is_stable_at_plus_minus_1000(
    z: float, y: int, loss: float, grad: float
) -> None:
    v = Value(z)
    out = binary_cross_entropy_with_logits(v, y)
    out.backward()
    assert out.data == loss
    assert v.grad == grad


# -- torch parity ---------------------------------------------------------------------------


# Each case: our loss of a list of Values, the same loss in torch of a float64 tensor, inputs.
TorchLoss = Callable[[Any, Any], Any]  # (torch module, input tensor) -> scalar tensor
TORCH_CASES: dict[str, tuple[LossOfValues, TorchLoss, list[float]]] = {
    "mse": (
        lambda v: mse(v, TARGET),
        lambda torch, t: torch.nn.functional.mse_loss(t, f64(torch, TARGET)),
        PRED,
    ),
    "l1": (
        lambda v: mae(v, TARGET),
        lambda torch, t: torch.nn.functional.l1_loss(t, f64(torch, TARGET)),
        [*PRED[:3], 0.1],
    ),
    "bce": (
        lambda v: binary_cross_entropy(v, [1.0, 0.0, 0.4]),
        lambda torch, t: torch.nn.functional.binary_cross_entropy(t, f64(torch, [1, 0, 0.4])),
        [0.7, 0.2, 0.55],
    ),
    "bce_logits": (
        lambda v: binary_cross_entropy_with_logits(v, [1.0, 0.0, 0.4]),
        lambda torch, t: torch.nn.functional.binary_cross_entropy_with_logits(
            t, f64(torch, [1, 0, 0.4])
        ),
        [0.3, 2.0, -1.5],
    ),
    "bce_logits_at_1000": (
        lambda v: binary_cross_entropy_with_logits(v, [1.0, 0.0, 0.4]),
        lambda torch, t: torch.nn.functional.binary_cross_entropy_with_logits(
            t, f64(torch, [1, 0, 0.4])
        ),
        [1000.0, -1000.0, 30.0],
    ),
    "cross_entropy": (
        lambda v: cross_entropy(v, 2),
        lambda torch, t: torch.nn.functional.cross_entropy(t[None], torch.tensor([2])),
        [0.5, -1.0, 2.0],
    ),
    "cross_entropy_at_1000": (
        lambda v: cross_entropy(v, 2),
        lambda torch, t: torch.nn.functional.cross_entropy(t[None], torch.tensor([2])),
        [1000.0, -1000.0, 0.0],
    ),
    "log_softmax": (
        lambda v: log_softmax(v)[0] + 2.0 * log_softmax(v)[2],
        lambda torch, t: torch.nn.functional.log_softmax(t, dim=0) @ f64(torch, [1, 0, 2]),
        [0.5, -1.0, 2.0],
    ),
    "log_softmax_at_1000": (
        lambda v: log_softmax(v)[1] + 2.0 * log_softmax(v)[2],
        lambda torch, t: torch.nn.functional.log_softmax(t, dim=0) @ f64(torch, [0, 1, 2]),
        [1000.0, -1000.0, 999.0],
    ),
    "softmax": (
        lambda v: softmax(v)[0] - 3.0 * softmax(v)[1],
        lambda torch, t: torch.nn.functional.softmax(t, dim=0) @ f64(torch, [1, -3, 0]),
        [0.5, -1.0, 2.0],
    ),
    "hinge": (
        lambda v: hinge(v, [1, -1, 1]),
        lambda torch, t: torch.clamp(1 - f64(torch, [1, -1, 1]) * t, min=0).mean(),
        [0.2, 0.4, 1.7],
    ),
    "entropy": (
        entropy,
        lambda torch, t: torch.special.entr(t).sum(),
        [0.5, 0.3, 0.2],
    ),
}


def f64(torch: Any, xs: list[float]) -> Any:
    return torch.tensor(xs, dtype=torch.float64)


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_loss_value_and_gradient_match_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs, xs = TORCH_CASES[name]
    loss, grads = backprop(ours, xs)
    t = f64(torch, xs).requires_grad_(True)
    tl = theirs(torch, t)
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(grads, t.grad.tolist(), rtol=1e-12, atol=1e-12)


def test_batched_cross_entropy_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    rows = [[1.0, 2.0, -0.5], [0.0, 0.0, 3.0], [-2.0, 1.0, 0.5]]
    targets = [0, 2, 1]
    vs = [values(r) for r in rows]
    loss = cross_entropy(vs, targets)
    loss.backward()
    t = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    tl = torch.nn.functional.cross_entropy(t, torch.tensor(targets))
    tl.backward()
    assert loss.data == pytest.approx(tl.item(), rel=1e-14)
    np.testing.assert_allclose([[v.grad for v in r] for r in vs], t.grad.numpy(), rtol=1e-12)


# -- exactly as PyTorch across whole classes of inputs -----------------------------------------

torch_cases = settings(max_examples=60, deadline=None, derandomize=True)
# Probabilities from every region: exact 0 and 1, where the −100 clamp acts (p < 3.7e-44),
# tiny and near-1 values where clipping used to change the result, and the bulk.
probabilities = st.one_of(
    st.sampled_from([0.0, 1.0, 1e-300, 3e-44, 4e-44, 1e-15, 0.5, 1.0 - 2.0**-53]),
    st.floats(1e-320, 1e-10),
    st.floats(0.0, 1.0).map(lambda q: 1.0 - q * 1e-10),
    st.floats(0.0, 1.0),
)
bce_batches = st.lists(st.tuples(probabilities, st.floats(0.0, 1.0)), min_size=1, max_size=6)


def _torch_bce(pairs: list[tuple[float, float]]) -> tuple[float, list[float]]:
    torch = pytest.importorskip("torch")
    t = torch.tensor([p for p, _ in pairs], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([y for _, y in pairs], dtype=torch.float64)
    loss = torch.nn.functional.binary_cross_entropy(t, y)
    loss.backward()
    return loss.item(), t.grad.tolist()


@torch_cases
@given(pairs=bce_batches)
def test_binary_cross_entropy_value_equals_torchs_for_any_probabilities(
    pairs: list[tuple[float, float]],
) -> None:
    theirs, _ = _torch_bce(pairs)
    ours = binary_cross_entropy(values([p for p, _ in pairs]), [y for _, y in pairs])
    assert ours.data == pytest.approx(theirs, rel=1e-13, abs=1e-300)


@torch_cases
@given(pairs=bce_batches)
def test_binary_cross_entropy_gradient_equals_torchs_where_torch_is_exact(
    pairs: list[tuple[float, float]],
) -> None:
    # PyTorch's backward divides by max(p(1 − p), 1e-12): only where that clamp is idle is its
    # gradient the derivative of its loss. There ours must agree; elsewhere ours stays exact.
    pairs = [(p, y) for p, y in pairs if p * (1.0 - p) >= 1e-12] or [(0.5, 0.25)]
    _, theirs = _torch_bce(pairs)
    ps, ys = [p for p, _ in pairs], [y for _, y in pairs]
    vs = values(ps)
    binary_cross_entropy(vs, ys).backward()
    for v, t, p, y in zip(vs, theirs, ps, ys, strict=True):
        scale = (y / p + (1.0 - y) / (1.0 - p)) / len(ps)  # the size of the terms that cancel
        assert abs(v.grad - t) <= 1e-12 * scale


@pytest.mark.parametrize("p", [1e-15, 1e-20, 1.0 - 2.0**-45])
def test_binary_cross_entropy_gradient_is_exact_where_torchs_backward_clamps(p: float) -> None:
    for y in (0.0, 0.3, 1.0):
        v = Value(p)
        binary_cross_entropy(v, y).backward()
        assert v.grad == pytest.approx(-y / p + (1.0 - y) / (1.0 - p), rel=1e-12)


logit_rows = st.integers(1, 6).flatmap(
    lambda k: st.tuples(
        st.lists(
            st.one_of(st.floats(-1e15, 1e15), st.sampled_from([1e15, -1e15, 0.0, 1000.0])),
            min_size=k,
            max_size=k,
        ),
        st.integers(0, k - 1),
    )
)


@torch_cases
@given(row=logit_rows)
def test_cross_entropy_equals_torchs_for_any_logits(row: tuple[list[float], int]) -> None:
    torch = pytest.importorskip("torch")
    logits, target = row
    vs = values(logits)
    ours = cross_entropy(vs, target)
    ours.backward()
    t = torch.tensor([logits], dtype=torch.float64, requires_grad=True)
    theirs = torch.nn.functional.cross_entropy(t, torch.tensor([target]))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose([v.grad for v in vs], t.grad[0].tolist(), rtol=1e-12, atol=1e-12)


@torch_cases
@given(row=logit_rows, weights=st.lists(st.floats(-2.0, 2.0), min_size=6, max_size=6))
def test_log_softmax_equals_torchs_for_any_logits(
    row: tuple[list[float], int], weights: list[float]
) -> None:
    torch = pytest.importorskip("torch")
    logits, _ = row
    w = weights[: len(logits)]
    vs = values(logits)
    ours = log_softmax(vs)
    sum((wi * o for wi, o in zip(w, ours, strict=True)), Value(0.0)).backward()
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    theirs = torch.nn.functional.log_softmax(t, dim=0)
    (theirs @ torch.tensor(w, dtype=torch.float64)).backward()
    np.testing.assert_allclose([o.data for o in ours], theirs.tolist(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose([v.grad for v in vs], t.grad.tolist(), rtol=1e-12, atol=1e-12)


def test_cross_entropy_of_equal_huge_logits_is_ln_2() -> None:
    # (log Σ e^(z − m) + m) − z gave 0.75 here; (z − m) − log Σ e^(z − m) is exact.
    zs = values([1e15, 1e15])
    loss = cross_entropy(zs, 0)
    assert loss.data == math.log(2.0)
    loss.backward()
    assert [z.grad for z in zs] == [-0.5, 0.5]
    assert [v.data for v in log_softmax(values([1e15, 1e15]))] == [-math.log(2.0)] * 2


# -- validation ------------------------------------------------------------------------------


def test_mismatched_lengths_name_the_loss_and_both_lengths() -> None:
    with pytest.raises(ValueError, match="mse: 2 predictions but 3 targets"):
        mse(values([1.0, 2.0]), [1.0, 2.0, 3.0])


def test_list_of_predictions_with_a_single_target_is_rejected() -> None:
    with pytest.raises(ValueError, match="mae: got a list of predictions but a single target"):
        mae(values([1.0, 2.0]), 1.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: mse([], []),
        lambda: hinge([], []),
        lambda: softmax([]),
        lambda: log_softmax([]),
        lambda: cross_entropy([], 0),
        lambda: l2_penalty([], 0.1),
        lambda: entropy([]),
    ],
)
def test_empty_input_is_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="empty input"):
        call()


def test_target_class_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"cross_entropy: target class 3 is out of range .*0\.\.2"):
        cross_entropy(values([1.0, 2.0, 3.0]), 3)
    with pytest.raises(ValueError, match="target class -1"):
        cross_entropy(values([1.0, 2.0, 3.0]), -1)
    with pytest.raises(ValueError, match="int class index"):
        cross_entropy(values([1.0, 2.0, 3.0]), 0.5)


def test_a_huge_target_class_is_out_of_range_not_an_overflow() -> None:
    with pytest.raises(ValueError, match=r"cross_entropy: target class .* is out of range"):
        cross_entropy(values([1.0, 2.0, 3.0]), 10**400)


def test_hinge_labels_must_be_plus_or_minus_one_or_zero_one() -> None:
    with pytest.raises(ValueError, match=r"hinge: label must be -1 or \+1 \(or 0 or 1\), got 2.0"):
        hinge(values([0.5, 0.1]), [1, 2])
    with pytest.raises(ValueError, match=r"hinge: label must be .* got 0.5"):
        hinge(values([0.5, 0.1]), [1, 0.5])


def test_hinge_refuses_a_batch_mixing_zero_and_minus_one() -> None:
    with pytest.raises(ValueError, match="hinge: labels mix 0 and -1"):
        hinge(values([0.5, 0.1, 0.3]), [1, 0, -1])


@pytest.mark.parametrize("positive", [1, 1.0, np.int64(1)])
def test_hinge_reads_zero_one_labels_as_minus_one_plus_one(positive: Any) -> None:
    scores = [2.0, 0.3, -0.5, -3.0, 0.2]
    zero_one = [positive, 0, positive, 0, 0]
    plus_minus = [1, -1, 1, -1, -1]
    ours, ours_grads = backprop(lambda v: hinge(v, zero_one), scores)
    theirs, theirs_grads = backprop(lambda v: hinge(v, plus_minus), scores)
    assert ours == theirs
    assert ours_grads == theirs_grads
    assert ours == pytest.approx(np.mean([0.0, 1.3, 1.5, 0.0, 1.2]), rel=1e-15)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_probabilities_outside_unit_interval_are_rejected(p: float) -> None:
    with pytest.raises(ValueError, match=f"binary_cross_entropy: probability {p!r}"):
        binary_cross_entropy(Value(p), 1)
    with pytest.raises(ValueError, match="entropy: probability"):
        entropy([p, 1 - p])
    with pytest.raises(ValueError, match="self_information: probability"):
        self_information(p)


def test_bce_targets_outside_unit_interval_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: target 2\.0"):
        binary_cross_entropy_with_logits(Value(0.0), 2)


def test_entropy_requires_a_normalised_distribution() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        entropy([0.5, 0.4])


def test_self_information_of_impossible_event_is_rejected() -> None:
    with pytest.raises(ValueError, match="infinite information"):
        self_information(0.0)


@pytest.mark.parametrize("base", [1, 0, -2])
def test_bad_log_base_is_rejected(base: float) -> None:
    with pytest.raises(ValueError, match="base must be"):
        entropy([0.5, 0.5], base=base)


def test_value_targets_are_rejected_with_a_hint() -> None:
    with pytest.raises(TypeError, match=r"pass y\.data"):
        mse(Value(1.0), Value(2.0))


def test_negative_l2_alpha_is_rejected() -> None:
    with pytest.raises(ValueError, match="l2_penalty: alpha"):
        l2_penalty(values([1.0]), -0.1)

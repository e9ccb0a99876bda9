"""Tests for microgradx.optim: hand-computed updates, torch.optim parity, schedules, state."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from microgradx import Value
from microgradx.optim import (
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Optimizer,
    RMSProp,
    cosine_decay,
    step_decay,
)


def quadratic_steps(opt: Optimizer, x: Value, n: int) -> list[float]:
    """Minimise f(x) = x² (gradient 2x) for n steps; return x after each step."""
    trajectory = []
    for _ in range(n):
        opt.zero_grad()
        (x * x).backward()
        opt.step()
        trajectory.append(x.data)
    return trajectory


# -- hand-computed updates on f(x) = x², x₀ = 3 ------------------------------------------


def test_sgd_first_steps_by_hand() -> None:
    x = Value(3.0)
    # x ← x − 0.1 · 2x = 0.8 x
    assert quadratic_steps(SGD([x], lr=0.1), x, 5) == pytest.approx(
        [2.4, 1.92, 1.536, 1.2288, 0.98304], rel=1e-14
    )


def test_momentum_first_steps_by_hand() -> None:
    x = Value(3.0)
    # v₁ = 6, x₁ = 3 − 0.6 = 2.4;  g₁ = 4.8, v₂ = 0.9·6 + 4.8 = 10.2, x₂ = 2.4 − 1.02 = 1.38
    # g₂ = 2.76, v₃ = 0.9·10.2 + 2.76 = 11.94, x₃ = 1.38 − 1.194 = 0.186
    assert quadratic_steps(SGD([x], lr=0.1, momentum=0.9), x, 3) == pytest.approx(
        [2.4, 1.38, 0.186], rel=1e-13
    )


def test_nesterov_first_steps_by_hand() -> None:
    x = Value(3.0)
    # v₁ = 6, step g + μv = 6 + 5.4 = 11.4, x₁ = 3 − 1.14 = 1.86
    # g₁ = 3.72, v₂ = 5.4 + 3.72 = 9.12, step 3.72 + 8.208 = 11.928, x₂ = 1.86 − 1.1928 = 0.6672
    assert quadratic_steps(SGD([x], lr=0.1, momentum=0.9, nesterov=True), x, 2) == pytest.approx(
        [1.86, 0.6672], rel=1e-13
    )


def test_weight_decay_adds_lambda_x_to_the_gradient() -> None:
    x = Value(3.0)
    # g = 2x + 0.5x = 7.5, x₁ = 3 − 0.1 · 7.5 = 2.25
    assert quadratic_steps(SGD([x], lr=0.1, weight_decay=0.5), x, 1) == pytest.approx([2.25])


def test_adagrad_first_steps_by_hand() -> None:
    x = Value(3.0)
    # h₁ = 36, x₁ = 3 − 0.1·6/6 = 2.9;  g₁ = 5.8, h₂ = 36 + 33.64, x₂ = 2.9 − 0.1·5.8/√69.64
    expected = [3.0 - 0.1 * 6.0 / (6.0 + 1e-10)]
    expected.append(expected[0] - 0.1 * 5.8 / (math.sqrt(69.64) + 1e-10))
    assert quadratic_steps(AdaGrad([x], lr=0.1), x, 2) == pytest.approx(expected, rel=1e-13)


def test_rmsprop_first_steps_by_hand() -> None:
    x = Value(3.0)
    # h₁ = 0.1·36 = 3.6, x₁ = 3 − 0.01·6/(√3.6 + 1e-8)
    x1 = 3.0 - 0.01 * 6.0 / (math.sqrt(3.6) + 1e-8)
    h2 = 0.9 * 3.6 + 0.1 * (2 * x1) ** 2
    x2 = x1 - 0.01 * 2 * x1 / (math.sqrt(h2) + 1e-8)
    assert quadratic_steps(RMSProp([x], lr=0.01, alpha=0.9), x, 2) == pytest.approx(
        [x1, x2], rel=1e-13
    )


def test_adam_first_step_moves_by_lr() -> None:
    x = Value(3.0)
    # m̂ = g, v̂ = g² after bias correction, so the first step is lr · g/|g| (up to eps).
    (step,) = quadratic_steps(Adam([x], lr=0.05), x, 1)
    assert step == pytest.approx(3.0 - 0.05 * 6.0 / (6.0 + 1e-8), rel=1e-15)


def test_adam_matches_lecture_formulas_for_several_steps() -> None:
    x = Value(3.0)
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    xr, m, v, expected = 3.0, 0.0, 0.0, []
    for t in range(1, 7):  # the textbook form: bias-corrected m̂ and v̂
        g = 2 * xr
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        xr -= lr * m_hat / (math.sqrt(v_hat) + eps)
        expected.append(xr)
    assert quadratic_steps(Adam([x], lr=lr), x, 6) == pytest.approx(expected, rel=1e-12)


def test_every_optimizer_converges_on_the_quadratic() -> None:
    makers: list[Callable[[list[Value]], Optimizer]] = [
        lambda p: SGD(p, lr=0.1),
        lambda p: Momentum(p, lr=0.05),
        lambda p: AdaGrad(p, lr=0.5),
        lambda p: RMSProp(p, lr=0.05),
        lambda p: Adam(p, lr=0.1),
    ]
    for make in makers:
        x = Value(3.0)
        assert abs(quadratic_steps(make([x]), x, 300)[-1]) < 1e-2


# -- parity with torch.optim ----------------------------------------------------------------

INIT = [0.7, -1.3, 2.1, 0.05]

# name → (our optimizer, the torch one, with the same hyper-parameters)
PARITY: dict[str, tuple[Callable[[list[Value]], Optimizer], Callable[[Any, list[Any]], Any]]] = {
    "sgd": (lambda p: SGD(p, 0.1), lambda torch, p: torch.optim.SGD(p, 0.1)),
    "sgd_momentum_wd": (
        lambda p: SGD(p, 0.05, momentum=0.9, weight_decay=0.1),
        lambda torch, p: torch.optim.SGD(p, 0.05, momentum=0.9, weight_decay=0.1),
    ),
    "momentum_alias": (
        lambda p: Momentum(p, 0.05),
        lambda torch, p: torch.optim.SGD(p, 0.05, momentum=0.9),
    ),
    "nesterov_wd": (
        lambda p: SGD(p, 0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
        lambda torch, p: torch.optim.SGD(p, 0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    ),
    "adagrad": (lambda p: AdaGrad(p, 0.3), lambda torch, p: torch.optim.Adagrad(p, 0.3)),
    "adagrad_wd": (
        lambda p: AdaGrad(p, 0.3, eps=1e-6, weight_decay=0.2),
        lambda torch, p: torch.optim.Adagrad(p, 0.3, eps=1e-6, weight_decay=0.2),
    ),
    "rmsprop": (lambda p: RMSProp(p, 0.01), lambda torch, p: torch.optim.RMSprop(p, 0.01)),
    "rmsprop_all_options": (
        lambda p: RMSProp(p, 0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1),
        lambda torch, p: torch.optim.RMSprop(
            p, 0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1
        ),
    ),
    "adam": (lambda p: Adam(p, 0.1), lambda torch, p: torch.optim.Adam(p, 0.1)),
    "adam_wd": (
        lambda p: Adam(p, 0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
        lambda torch, p: torch.optim.Adam(p, 0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
    ),
}


def objective(xs: list[Any], sin: Callable[[Any], Any]) -> Any:
    """A non-quadratic test function whose gradients differ in size per parameter."""
    total = 0.0
    for i, x in enumerate(xs):
        total = total + 0.3 * x * x * x + (i + 1) * sin(x) + x * xs[0]
    return total


@pytest.mark.parametrize("name", sorted(PARITY))
def test_matches_torch_optim_step_for_step(name: str) -> None:
    torch = pytest.importorskip("torch")
    ours_factory, theirs_factory = PARITY[name]
    ours = [Value(v) for v in INIT]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in INIT]
    opt, topt = ours_factory(ours), theirs_factory(torch, theirs)
    for _ in range(8):
        opt.zero_grad()
        objective(ours, Value.sin).backward()
        opt.step()
        topt.zero_grad()
        objective(theirs, torch.sin).backward()
        topt.step()
        np.testing.assert_allclose(
            [p.data for p in ours], [t.item() for t in theirs], rtol=1e-12, atol=1e-14
        )


# -- the vectorised step (fit(compiled=True)) against the scalar step -------------------------

VECTOR_CASES: dict[str, Callable[[list[Value]], Optimizer]] = {
    name: ours for name, (ours, _) in PARITY.items()
} | {
    "nesterov": lambda p: SGD(p, 0.05, momentum=0.7, nesterov=True),
    "rmsprop_centered": lambda p: RMSProp(p, 0.02, centered=True),
    "rmsprop_momentum_wd": lambda p: RMSProp(p, 0.02, momentum=0.9, weight_decay=0.01),
    "adam_cosine_schedule": lambda p: Adam(p, cosine_decay(0.1, 30, 1e-3)),
    "sgd_step_schedule": lambda p: SGD(p, step_decay(0.1, 0.5, 7), momentum=0.5),
}


def _wavy_bowl(xs: list[Value]) -> Value:
    """A bounded-gradient test function (so 60 plain SGD steps stay finite), not separable."""
    total = Value(0.0)
    for i, x in enumerate(xs):
        total = total + 0.5 * x * x + (i + 1) * x.sin() + 0.1 * x * xs[0]
    return total


def _wavy_bowl_grads(values: list[float]) -> list[float]:
    """∇ of ``_wavy_bowl`` at ``values``, by the eager engine (a fresh graph)."""
    xs = [Value(v) for v in values]
    _wavy_bowl(xs).backward()
    return [x.grad for x in xs]


@pytest.mark.parametrize("name", sorted(VECTOR_CASES))
def test_step_vector_equals_the_scalar_step_bit_for_bit_over_many_steps(name: str) -> None:
    make = VECTOR_CASES[name]
    init = [0.7, -1.3, 2.1, 0.05, -0.4, 1.6, 0.0, -2.2]
    eager = [Value(v) for v in init]
    opt_eager, opt_vector = make(eager), make([Value(v) for v in init])
    theta = np.array(init)
    for _ in range(60):
        opt_eager.zero_grad()
        _wavy_bowl(eager).backward()
        opt_eager.step()
        theta = opt_vector.step_vector(theta, np.array(_wavy_bowl_grads(theta.tolist())))
        assert theta.tolist() == [p.data for p in eager]  # == on floats: bit for bit
        for b, buffer in opt_eager.state.items():
            assert opt_vector.state[b].tolist() == buffer.tolist()
    assert opt_vector.steps == opt_eager.steps == 60
    assert opt_vector.state_dict() == opt_eager.state_dict()


def test_step_vector_leaves_the_values_alone_and_accepts_zero_gradients() -> None:
    ps = [Value(1.0), Value(-2.0)]
    opt = Adam(ps, lr=0.1)
    new = opt.step_vector(np.array([1.0, -2.0]), np.array([0.5, 0.0]))
    assert [p.data for p in ps] == [1.0, -2.0]
    assert new[0] == pytest.approx(1.0 - 0.1, abs=1e-7)  # Adam's first step moves by ~lr
    assert new[1] == -2.0  # a zero gradient leaves it where it is


def test_step_vector_is_all_or_nothing_and_names_the_parameter() -> None:
    opt = Adam([Value(1.0, label="w"), Value(2.0, label="b")], lr=0.1)
    opt.step_vector(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    before = opt.state_dict()
    with pytest.raises(FloatingPointError, match=r"Adam\.step: b would become nan"):
        opt.step_vector(np.array([1.0, 2.0]), np.array([1.0, math.nan]))
    assert opt.state_dict() == before


@pytest.mark.parametrize(
    ("values", "grads"),
    [([1.0], [1.0, 2.0]), ([1.0, 2.0], [1, 2]), ([[1.0, 2.0]], [1.0, 2.0])],
)
def test_step_vector_rejects_arrays_of_the_wrong_shape_or_type(values: Any, grads: Any) -> None:
    opt = SGD([Value(1.0), Value(2.0)], lr=0.1)
    with pytest.raises(ValueError, match=r"SGD\.step_vector: .* float64 array of shape \(2,\)"):
        opt.step_vector(np.array(values), np.array(grads))
    assert opt.steps == 0


def test_schedule_matches_torch_lambda_lr() -> None:
    torch = pytest.importorskip("torch")
    schedule = cosine_decay(0.1, total_steps=5, lr_min=0.01)
    ours = [Value(v) for v in INIT]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in INIT]
    opt = SGD(ours, lr=schedule, momentum=0.9)
    topt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.LambdaLR(topt, lambda t: schedule(t) / 0.1)
    for _ in range(7):
        opt.zero_grad()
        objective(ours, Value.sin).backward()
        opt.step()
        topt.zero_grad()
        objective(theirs, torch.sin).backward()
        topt.step()
        sched.step()
        np.testing.assert_allclose(
            [p.data for p in ours], [t.item() for t in theirs], rtol=1e-12, atol=1e-14
        )


# -- learning-rate schedules ----------------------------------------------------------------


def test_step_decay_drops_every_n_steps() -> None:
    f = step_decay(0.1, drop=0.5, every=3)
    assert [f(t) for t in range(7)] == pytest.approx(
        [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], rel=1e-15
    )


def test_cosine_decay_goes_from_lr0_to_lr_min_and_stays() -> None:
    f = cosine_decay(0.1, total_steps=10, lr_min=0.02)
    assert f(0) == pytest.approx(0.1, rel=1e-15)
    assert f(5) == pytest.approx(0.06, rel=1e-14)  # halfway: the mean of the two
    assert f(10) == pytest.approx(0.02, rel=1e-15)
    assert f(50) == pytest.approx(0.02, rel=1e-15)
    values = [f(t) for t in range(11)]
    assert values == sorted(values, reverse=True)


def test_optimizer_evaluates_schedule_at_steps_taken() -> None:
    x = Value(0.0)
    seen: list[int] = []

    def schedule(t: int) -> float:
        seen.append(t)
        return 0.1 * (t + 1)

    opt = SGD([x], lr=schedule)
    for _ in range(3):
        opt.zero_grad()
        x.backward()  # f(x) = x: gradient 1, so each step moves x by exactly −lr
        opt.step()
    assert seen == [0, 1, 2]
    assert x.data == pytest.approx(-(0.1 + 0.2 + 0.3), rel=1e-15)
    assert opt.current_lr() == pytest.approx(0.4)


def test_negative_schedule_value_is_rejected_before_updating() -> None:
    x = Value(1.0)
    opt = SGD([x], lr=lambda t: -0.1)
    x.backward()
    with pytest.raises(ValueError, match=r"SGD: lr schedule gave -0\.1 at step 0"):
        opt.step()
    assert x.data == 1.0


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: step_decay(0.0, 0.5, 2), "lr0 must be > 0"),
        (lambda: step_decay(0.1, 1.5, 2), r"drop must be in \(0, 1\]"),
        (lambda: step_decay(0.1, 0.5, 0), "every must be an int >= 1"),
        (lambda: cosine_decay(0.1, 0), "total_steps must be an int >= 1"),
        (lambda: cosine_decay(0.1, 10, lr_min=0.2), "must not exceed lr0"),
    ],
)
def test_bad_schedule_arguments_are_rejected(make: Callable[[], object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make()


# -- state_dict ------------------------------------------------------------------------------

ALL: dict[str, Callable[[list[Value]], Optimizer]] = {
    "sgd": lambda p: SGD(p, 0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adagrad": lambda p: AdaGrad(p, 0.2, weight_decay=0.1),
    "rmsprop": lambda p: RMSProp(p, 0.01, momentum=0.3, centered=True),
    "adam": lambda p: Adam(p, 0.05, betas=(0.8, 0.9)),
}


def run(opt: Optimizer, params: list[Value], n: int) -> None:
    for _ in range(n):
        opt.zero_grad()
        objective(params, Value.sin).backward()
        opt.step()


@pytest.mark.parametrize("name", sorted(ALL))
def test_state_dict_survives_json_and_resumes_identically(name: str) -> None:
    a = [Value(v) for v in INIT]
    opt_a = ALL[name](a)
    run(opt_a, a, 3)
    saved = json.loads(json.dumps(opt_a.state_dict()))

    b = [Value(p.data) for p in a]
    opt_b = ALL[name](b)
    opt_b.load_state_dict(saved)
    assert opt_b.state_dict() == opt_a.state_dict()
    run(opt_a, a, 3)
    run(opt_b, b, 3)
    assert [p.data for p in b] == [p.data for p in a]


def test_state_dict_restores_hyperparameters_and_lr() -> None:
    x = Value(1.0)
    source = Adam([x], lr=0.02, betas=(0.5, 0.6), eps=1e-5, weight_decay=0.1)
    target = Adam([Value(1.0)])
    target.load_state_dict(source.state_dict())
    assert (target.lr, target.betas, target.eps, target.weight_decay) == (
        0.02,
        (0.5, 0.6),
        1e-5,
        0.1,
    )


def test_state_dict_of_a_schedule_keeps_the_schedule_and_resumes_its_step() -> None:
    schedule = step_decay(0.1, 0.5, 2)
    opt = SGD([Value(1.0)], lr=schedule)
    opt.steps = 3
    state = opt.state_dict()
    assert state["lr"] is None
    resumed = SGD([Value(1.0)], lr=schedule)
    resumed.load_state_dict(state)
    assert resumed.current_lr() == pytest.approx(0.05)


def test_momentum_state_loads_into_sgd() -> None:
    opt = Momentum([Value(1.0)], lr=0.1)
    plain = SGD([Value(1.0)], lr=0.1)
    plain.load_state_dict(opt.state_dict())
    assert plain.momentum == 0.9


def good_state() -> dict[str, Any]:
    return Adam([Value(1.0), Value(2.0)], lr=0.1).state_dict()


@pytest.mark.parametrize(
    ("corrupt", "match"),
    [
        (lambda s: s.update(optimizer="SGD"), "state is for 'SGD', not 'Adam'"),
        (lambda s: s.update(extra=1), r"unknown \['extra'\]"),
        (lambda s: s.pop("steps"), r"missing \['steps'\]"),
        (lambda s: s.update(steps=-1), "steps must be an int >= 0"),
        (lambda s: s.update(lr=0.0), "lr must be > 0"),
        (lambda s: s["state"]["exp_avg"].pop(), "must be a list of 2 numbers"),
        (lambda s: s["state"]["exp_avg"].__setitem__(0, math.nan), "must be finite"),
        (lambda s: s["state"]["exp_avg"].__setitem__(0, "1"), "must be a number"),
        (lambda s: s["state"].pop("exp_avg_sq"), "buffers"),
        (lambda s: s["hyperparameters"].update(betas=[0.9, 1.0]), r"betas\[1\] must be in"),
        (lambda s: s["hyperparameters"].pop("eps"), "hyperparameters must have the keys"),
    ],
)
def test_load_state_dict_rejects_corrupt_state_and_changes_nothing(
    corrupt: Callable[[dict[str, Any]], object], match: str
) -> None:
    x, y = Value(1.0), Value(2.0)
    opt = Adam([x, y], lr=0.3)
    run(opt, [x, y], 2)
    before = json.dumps(opt.state_dict())
    state = good_state()
    corrupt(state)
    with pytest.raises(ValueError, match=match):
        opt.load_state_dict(state)
    assert json.dumps(opt.state_dict()) == before


# -- gradients, atomicity, bookkeeping -----------------------------------------------------


def test_step_uses_data_of_a_value_gradient_after_create_graph() -> None:
    x = Value(2.0)
    (x * x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value)
    SGD([x], lr=0.01).step()
    assert x.data == pytest.approx(2.0 - 0.01 * 12.0, rel=1e-15)
    assert isinstance(x.data, float)


def test_step_builds_no_graph() -> None:
    x = Value(1.5)
    opt = Adam([x], lr=0.1)
    (x * x).backward()
    opt.step()
    assert x.is_leaf()
    assert type(x.data) is float


def test_non_finite_update_raises_and_changes_nothing() -> None:
    x, y = Value(1.0), Value(2.0)
    opt = Adam([x, y], lr=0.1)
    x.grad, y.grad = 1.0, math.nan
    with pytest.raises(FloatingPointError, match="parameter 1 would become nan"):
        opt.step()
    assert (x.data, y.data, opt.steps) == (1.0, 2.0, 0)
    assert opt.state["exp_avg"].tolist() == [0.0, 0.0]


def test_zero_grad_resets_all_parameters() -> None:
    ps = [Value(1.0), Value(2.0)]
    (ps[0] * ps[1]).backward()
    opt = SGD(ps, lr=0.1)
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_momentum_is_sgd_with_momentum_point_nine() -> None:
    opt = Momentum([Value(1.0)], lr=0.1)
    assert isinstance(opt, SGD)
    assert opt.momentum == 0.9


def test_repr_shows_hyperparameters() -> None:
    text = repr(Adam([Value(1.0)], lr=0.01))
    assert (
        text
        == "Adam(lr=0.01, betas=[0.9, 0.999], eps=1e-08, weight_decay=0.0; 1 parameters, 0 steps)"
    )


# -- bad hyper-parameters ------------------------------------------------------------------


def one() -> list[Value]:
    return [Value(1.0)]


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: SGD(one(), lr=0.0), ValueError, "SGD: lr must be > 0, got 0.0"),
        (lambda: SGD(one(), lr=-1), ValueError, "SGD: lr must be > 0, got -1"),
        (lambda: Adam(one(), lr=math.inf), ValueError, "Adam: lr must be finite"),
        (lambda: SGD(one(), lr="0.1"), TypeError, "SGD: lr must be a number"),
        (lambda: SGD(one(), 0.1, momentum=-0.5), ValueError, "SGD: momentum must be >= 0"),
        (lambda: SGD(one(), 0.1, nesterov=True), ValueError, "SGD: nesterov=True requires"),
        (lambda: SGD(one(), 0.1, weight_decay=-1), ValueError, "SGD: weight_decay must be >= 0"),
        (
            lambda: Adam(one(), betas=(1.0, 0.9)),
            ValueError,
            r"Adam: betas\[0\] must be in \[0, 1\)",
        ),
        (lambda: Adam(one(), betas=(0.9, -0.1)), ValueError, r"Adam: betas\[1\] must be in"),
        (lambda: Adam(one(), betas=(0.9,)), ValueError, "Adam: betas must be a pair"),
        (lambda: Adam(one(), eps=0.0), ValueError, "Adam: eps must be > 0"),
        (lambda: AdaGrad(one(), eps=-1e-10), ValueError, "AdaGrad: eps must be > 0"),
        (lambda: RMSProp(one(), alpha=1.0), ValueError, r"RMSProp: alpha must be in \[0, 1\)"),
        (lambda: RMSProp(one(), momentum=-0.1), ValueError, "RMSProp: momentum must be >= 0"),
        (lambda: RMSProp(one(), centered=1), TypeError, "RMSProp: centered must be True or"),
        (lambda: Adam([], lr=0.1), ValueError, "Adam: got an empty parameter list"),
        (lambda: Adam(iter([]), lr=0.1), ValueError, "Adam: got an empty parameter list"),
        (lambda: SGD([Value(1.0), 2.0], lr=0.1), TypeError, "SGD: parameter 1 is a float"),
        (lambda: SGD(Value(1.0), lr=0.1), TypeError, "SGD: params must be an iterable"),
        (lambda: SGD(5, lr=0.1), TypeError, "SGD: params must be an iterable of Values, got int"),
    ],
)
def test_bad_hyperparameters_are_rejected(
    make: Callable[[], object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        make()


def test_duplicate_parameters_are_rejected() -> None:
    x = Value(1.0)
    with pytest.raises(ValueError, match="appears more than once"):
        SGD([x, x], lr=0.1)

"""The replay path (microgradx/compile/): same numbers as the eager engine, per sample."""

from __future__ import annotations

import doctest
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microgradx as mx
from microgradx import compile as compile_module
from microgradx.compile.steps import _Sum
from microgradx.engine import Value

TOL = 1e-12


def eager_grads(
    fn: Callable[..., Value],
    params: Sequence[Value],
    columns: Sequence[np.ndarray],
    reduction: str = "mean",
) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample outputs and d(mean or sum)/d(params), computed by the eager engine."""
    for p in params:
        p.grad = 0.0
    outs = [fn(*(Value(float(c[s])) for c in columns)) for s in range(len(columns[0]))]
    total = sum(outs, Value(0.0))
    if reduction == "mean":
        total = total / len(outs)
    total.backward()
    grads = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    return np.array([o.data for o in outs]), grads


def replay_grads(
    replay: mx.Replay, params: Sequence[Value], columns: Sequence[np.ndarray], **kw: Any
) -> tuple[np.ndarray, np.ndarray]:
    for p in params:
        p.grad = 0.0
    outs = replay.backward(*columns, **kw)
    grads = np.array([p.grad for p in params])
    for p in params:
        p.grad = 0.0
    return outs, grads


def assert_close(actual: np.ndarray, expected: np.ndarray) -> None:
    np.testing.assert_allclose(actual, expected, rtol=TOL, atol=TOL)


# -- same gradients as eager ------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    activation=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu"]),
    seed=st.integers(0, 2**16),
    n=st.integers(1, 12),
)
def test_replay_matches_eager_on_random_mlps(
    hidden: list[int], activation: str, seed: int, n: int
) -> None:
    rng = np.random.default_rng(seed)
    model = mx.MLP(3, [*hidden, 1], activation=activation, seed=seed)
    params = model.parameters()
    X = rng.normal(size=(n, 3))
    y = rng.choice([-1.0, 1.0], size=n)

    def loss(x0: Value, x1: Value, x2: Value, yi: Value) -> Value:
        return (1 - yi * model([x0, x1, x2])).relu() + 1e-3 * sum(p * p for p in params)

    columns = [*X.T, y]
    replay = mx.trace(loss, 0.1, -0.2, 0.3, 1.0)
    want_out, want_grads = eager_grads(loss, params, columns)
    got_out, got_grads = replay_grads(replay, params, columns)
    assert_close(got_out, want_out)
    assert_close(got_grads, want_grads)


# Total ops only (no domain errors for any input): (name, arity, how to apply it).
SAFE_OPS: list[tuple[str, int, Callable[..., Value]]] = [
    ("add", 2, lambda a, b: a + b),
    ("sub", 2, lambda a, b: a - b),
    ("mul", 2, lambda a, b: a * b),
    ("div", 2, lambda a, b: a / (1 + b * b)),
    ("pow", 2, lambda a, b: (1 + a * a) ** b.tanh()),
    ("square", 1, lambda a: a**2),
    ("cube", 1, lambda a: a**3),
    ("neg", 1, lambda a: -a),
    ("abs", 1, lambda a: abs(a)),
    ("tanh", 1, lambda a: a.tanh()),
    ("sigmoid", 1, lambda a: a.sigmoid()),
    ("relu", 1, lambda a: a.relu()),
    ("leaky_relu", 1, lambda a: a.leaky_relu(0.1)),
    ("softplus", 1, lambda a: a.softplus()),
    ("exp", 1, lambda a: a.tanh().exp()),
    ("log", 1, lambda a: (1 + a * a).log()),
    ("sqrt", 1, lambda a: (1 + a * a).sqrt()),
    ("sin", 1, lambda a: a.sin()),
    ("cos", 1, lambda a: a.cos()),
    ("tan", 1, lambda a: a.tanh().tan()),
    ("sinh", 1, lambda a: a.tanh().sinh()),
    ("cosh", 1, lambda a: a.tanh().cosh()),
    ("asin", 1, lambda a: (0.9 * a.tanh()).asin()),
    ("acos", 1, lambda a: (0.9 * a.tanh()).acos()),
    ("atan", 1, lambda a: a.atan()),
    ("log1p", 1, lambda a: (a * a).log1p()),
    ("expm1", 1, lambda a: a.tanh().expm1()),
    ("asinh", 1, lambda a: a.asinh()),
    ("acosh", 1, lambda a: (1.5 + a * a).acosh()),  # ≥ 1.5: acosh′ is infinite at 1
    ("atanh", 1, lambda a: (0.9 * a.tanh()).atanh()),
    ("sign", 1, lambda a: a.sign()),
    ("mod", 2, lambda a, b: a % (1 + b * b)),
]

program_steps = st.lists(
    st.tuples(st.integers(0, len(SAFE_OPS) - 1), st.integers(0, 99), st.integers(0, 99)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(steps=program_steps, seed=st.integers(0, 2**16), n=st.integers(1, 9))
def test_replay_matches_eager_on_random_expression_graphs(
    steps: list[tuple[int, int, int]], seed: int, n: int
) -> None:
    rng = np.random.default_rng(seed)
    params = [Value(float(v), label=f"p{i}") for i, v in enumerate(rng.normal(size=3))]

    def f(x: Value, y: Value) -> Value:
        pool = [x, y, *params]  # each step combines two earlier values (inputs, params, results)
        for op, i, j in steps:
            _, arity, apply = SAFE_OPS[op]
            a, b = pool[i % len(pool)], pool[j % len(pool)]
            pool.append(apply(a, b) if arity == 2 else apply(a))
        return pool[-1] + 0 * x  # + 0·x: an output may not depend on the inputs at all

    columns = [rng.normal(size=n), rng.normal(size=n)]
    replay = mx.trace(f, 0.5, -0.5)
    want_out, want_grads = eager_grads(f, params, columns, reduction="sum")
    got_out, got_grads = replay_grads(replay, params, columns, reduction="sum")
    assert_close(got_out, want_out)
    assert_close(got_grads, want_grads)


@settings(max_examples=40, deadline=None)
@given(steps=program_steps, seed=st.integers(0, 2**16), n=st.integers(1, 9))
def test_elementwise_grad_matches_eager_input_gradients_on_random_graphs(
    steps: list[tuple[int, int, int]], seed: int, n: int
) -> None:
    rng = np.random.default_rng(seed)
    params = [Value(float(v), label=f"p{i}") for i, v in enumerate(rng.normal(size=3))]

    def f(x: Value, y: Value) -> Value:
        pool = [x, y, *params]
        for op, i, j in steps:
            _, arity, apply = SAFE_OPS[op]
            a, b = pool[i % len(pool)], pool[j % len(pool)]
            pool.append(apply(a, b) if arity == 2 else apply(a))
        return pool[-1] + 0 * x

    xs, ys = rng.normal(size=n), rng.normal(size=n)
    want_x, want_y = [], []
    for s in range(n):
        x, y = Value(float(xs[s])), Value(float(ys[s]))
        f(x, y).backward()
        want_x.append(x.grad)
        want_y.append(y.grad)
    for p in params:
        p.grad = 0.0
    assert_close(mx.elementwise_grad(f, 0)(xs, ys), np.array(want_x))
    assert_close(mx.elementwise_grad(f, 1)(xs, ys), np.array(want_y))
    assert all(p.grad == 0.0 for p in params)  # input gradients leave .grad alone


def test_elementwise_grad_is_zero_for_an_unused_argument_and_per_sample_for_a_used_one() -> None:
    dx = mx.elementwise_grad(lambda x, y: x * x, 0)
    dy = mx.elementwise_grad(lambda x, y: x * x, 1)
    xs = np.array([-1.0, 0.5, 3.0])
    assert dx(xs, 0.0).tolist() == [-2.0, 1.0, 6.0]
    assert dy(xs, 0.0).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("argnum", "error", "match"),
    [(2, ValueError, "argnum 2 but the function was given 2"), (-1, ValueError, ">= 0")],
)
def test_elementwise_grad_rejects_a_bad_argnum(argnum: int, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        mx.elementwise_grad(lambda x, y: x * y, argnum)([1.0], [2.0])


# Terms a sum can be built from: (how, uses a parameter). Sums of these are what the replay
# turns into matrix products; the cases cover both operand orders, subtraction, shared terms
# (a bias, a constant), a bare per-sample term and the same term twice.
SUM_TERMS: list[Callable[[Value, Value], Value]] = [
    lambda w, x: w * x,
    lambda w, x: x * w,
    lambda w, x: x,
    lambda w, x: w,
    lambda w, x: 0.5 + 0 * w,
    lambda w, x: (w * x).tanh(),
]

sum_programs = st.lists(  # layers of sums: (terms as (kind, param, input, sign))
    st.lists(
        st.lists(
            st.tuples(
                st.integers(0, len(SUM_TERMS) - 1),
                st.integers(0, 99),
                st.integers(0, 99),
                st.booleans(),
            ),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=5,
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None)
@given(layers=sum_programs, seed=st.integers(0, 2**16), n=st.integers(1, 7))
def test_replay_matches_eager_on_random_layers_of_sums(
    layers: list[list[list[tuple[int, int, int, bool]]]], seed: int, n: int
) -> None:
    rng = np.random.default_rng(seed)
    params = [Value(float(v), label=f"w{i}") for i, v in enumerate(rng.normal(size=5))]

    def f(x0: Value, x1: Value) -> Value:
        xs = [x0, x1]
        for layer in layers:
            sums = []
            for terms in layer:
                total: Any = 0.0
                for kind, p, i, negative in terms:
                    term = SUM_TERMS[kind](params[p % len(params)], xs[i % len(xs)])
                    total = total - term if negative else total + term
                sums.append(total.sigmoid() if isinstance(total, Value) else Value(total))
            xs = sums
        return sum(xs, 0 * x0)

    columns = [rng.normal(size=n), rng.normal(size=n)]
    replay = mx.trace(f, 0.3, -0.7)
    want_out, want_grads = eager_grads(f, params, columns, reduction="sum")
    got_out, got_grads = replay_grads(replay, params, columns, reduction="sum")
    assert_close(got_out, want_out)
    assert_close(got_grads, want_grads)


def test_an_mlp_layer_replays_as_one_step_whatever_its_width() -> None:
    def steps(width: int) -> int:
        model = mx.MLP(3, [width, width, 1], seed=0)
        return len(mx.trace(lambda *x: model(list(x)), 0.1, 0.2, 0.3)._plan.steps)

    assert steps(2) == steps(16) == 5  # three sums (C @ X) and two relus


@pytest.mark.parametrize("width", [3, 90])  # 90 short sums over 90 rows: the sparse path
def test_many_short_sums_over_different_rows_match_eager(width: int) -> None:
    rng = np.random.default_rng(width)
    ws = [Value(float(v), label=f"w{i}") for i, v in enumerate(rng.normal(size=width))]
    vs = [Value(float(v), label=f"v{i}") for i, v in enumerate(rng.normal(size=width))]

    def f(x: Value, y: Value) -> Value:
        hidden = [(x * v - y).tanh() for v in vs]  # one row per unit
        sums = [w * h + 0.5 - h * h for w, h in zip(ws, hidden, strict=True)]  # 3 terms each
        return sum((z.sigmoid() for z in sums), Value(0.0))

    columns = [rng.normal(size=5), rng.normal(size=5)]
    replay = mx.trace(f, 0.1, 0.2)
    dense = [step.dense for step in replay._plan.steps if isinstance(step, _Sum)]
    assert (False in dense) == (width == 90)
    want_out, want_grads = eager_grads(f, [*ws, *vs], columns)
    got_out, got_grads = replay_grads(replay, [*ws, *vs], columns)
    assert_close(got_out, want_out)
    assert_close(got_grads, want_grads)


def test_a_sum_of_more_terms_than_the_recursion_limit_replays() -> None:
    ws = [Value(1.0 + i / 5000) for i in range(5000)]
    replay = mx.trace(lambda x: sum((w * x for w in ws), Value(0.0)), 1.0)
    out = replay.backward([1.0, 2.0], reduction="sum")
    assert_close(out, np.array([1.0, 2.0]) * sum(w.data for w in ws))
    assert all(w.grad == 3.0 for w in ws)


# -- data-dependent choices inside primitives: every sample takes its own branch ------------


def test_relu_branch_is_chosen_per_sample_not_at_trace_time() -> None:
    w = Value(2.0)
    replay = mx.trace(lambda x: (w * x).relu(), 1.0)  # traced on the active side only
    xs = np.array([-3.0, -1.0, 0.5, 2.0])
    out = replay.backward(xs, reduction="sum")
    assert out.tolist() == [0.0, 0.0, 1.0, 4.0]
    assert w.grad == pytest.approx(0.5 + 2.0)  # only the active samples contribute x


@pytest.mark.parametrize(
    "unit",
    [
        lambda v: abs(v),
        lambda v: v.leaky_relu(0.2),
        lambda v: v.relu(),
        lambda v: v**2.0,
    ],
    ids=["abs", "leaky_relu", "relu", "pow2"],
)
def test_value_dependent_rules_match_eager_on_both_sides(unit: Callable[[Value], Value]) -> None:
    w = Value(1.5)
    fn = lambda x: unit(w * x - 1.0)  # noqa: E731
    xs = np.array([-2.0, -0.5, 0.0, 0.5, 2.0, 2 / 3])  # 2/3: exactly at the kink for abs/relu
    replay = mx.trace(fn, -1.0)
    assert_close(replay_grads(replay, [w], [xs])[1], eager_grads(fn, [w], [xs])[1])


def test_pow_special_cases_match_eager_per_sample_including_nan() -> None:
    b = Value(2.0)
    fn = lambda x, e: (x * 1.0) ** (b * e)  # noqa: E731
    xs, es = np.array([0.0, 0.0, -2.0, 3.0]), np.array([0.0, 1.0, 1.0, 0.5])
    replay = mx.trace(fn, 1.0, 1.0)
    want = eager_grads(fn, [b], [xs, es])
    got = replay_grads(replay, [b], [xs, es])
    assert np.isnan(want[1][0]) and np.isnan(got[1][0])  # d/db at a base < 0 is NaN, as eager
    assert_close(got[0], want[0])


# -- a local derivative only where a gradient is needed (issue 10) ---------------------------


@pytest.mark.parametrize(
    ("fn", "x"),
    [
        (lambda x: 10.0**x, 307.5),  # d/d(base) = x·10^(x−1) overflows
        (lambda x: 0.0 ** (x * x + 1.0), 0.5),  # d/d(base) at base 0 divides by zero
        (lambda x: x + mx.Constant(0.0).sqrt() * x, 2.0),  # slope of sqrt at a constant 0
        (lambda x: mx.Value(0.0).detach().sqrt() + x, 2.0),
        (lambda x: x ** mx.Constant(2.0), -3.0),  # d/d(exponent) = 9·ln(−3) is NaN
    ],
    ids=["10**x", "0**f(x)", "sqrt(constant 0)", "sqrt(detached 0)", "constant exponent"],
)
def test_replay_computes_no_derivative_for_a_constant(fn: Callable[..., Value], x: float) -> None:
    replay = mx.trace(fn, x)
    outs = replay.backward([x, x], reduction="sum")  # issue 10: 10.0 ** x raised here
    want = Value(x)
    out = fn(want)
    out.backward()  # the eager engine: the same output and d/dx, and finite
    assert_close(outs, np.array([out.data, out.data]))
    assert math.isfinite(want.grad)
    assert_close(mx.elementwise_grad(fn)([x, x]), np.array([want.grad, want.grad]))


# -- Python control flow is fixed at trace time, and guarded ---------------------------------


def test_python_branch_on_a_traced_value_raises_for_samples_on_the_other_side() -> None:
    def fn(x: Value) -> Value:
        return x * 2 if x > 0 else x * 3

    replay = mx.trace(fn, 1.0)
    assert replay([1.0, 2.0]).tolist() == [2.0, 4.0]  # same branch for all: fine
    with pytest.raises(mx.BranchError, match=r"sample\(s\) 1, 3"):
        replay([1.0, -2.0, 3.0, -4.0])


def test_guard_catches_max_of_two_inputs() -> None:
    replay = mx.trace(lambda x, y: max(x, y) * 1.0, 1.0, 2.0)
    with pytest.raises(mx.BranchError, match="fixed at trace time"):
        replay.backward([1.0, 5.0], [2.0, 3.0])


def test_guard_on_a_parameter_fires_when_the_parameter_changes_sign() -> None:
    w = Value(1.0)
    replay = mx.trace(lambda x: x * w if w > 0 else -x * w, 1.0)
    replay([1.0, 2.0])
    w.data = -1.0
    with pytest.raises(mx.BranchError):
        replay([1.0, 2.0])


# -- batch shapes and semantics -----------------------------------------------------------


def test_scalar_batches_broadcast_against_arrays() -> None:
    replay = mx.trace(lambda x, c: x * c, 1.0, 1.0)
    out = replay(np.array([1.0, 2.0, 3.0]), 10)
    assert out.shape == (3,)
    assert out.tolist() == [10.0, 20.0, 30.0]
    assert replay(2, 3).tolist() == [6.0]


def test_output_independent_of_inputs_gives_one_row_per_sample() -> None:
    w = Value(3.0)
    replay = mx.trace(lambda x: w * w, 0.0)
    assert replay.backward([1.0, 2.0], reduction="sum").tolist() == [9.0, 9.0]
    assert w.grad == pytest.approx(2 * 6.0)


def test_gradients_accumulate_across_calls_like_eager() -> None:
    w = Value(2.0)
    replay = mx.trace(lambda x: w * x, 1.0)
    replay.backward([1.0, 3.0])
    replay.backward([1.0, 3.0])
    assert w.grad == pytest.approx(4.0)  # 2 × mean(x)


def test_replay_reads_parameters_afresh_on_each_call() -> None:
    w = Value(2.0)
    replay = mx.trace(lambda x: w * x, 1.0)
    w.data = 5.0
    assert replay([1.0, 2.0]).tolist() == [5.0, 10.0]


def test_trace_works_inside_no_grad() -> None:
    w = Value(2.0)
    with mx.no_grad():
        replay = mx.trace(lambda x: w * x, 1.0)
    replay.backward([4.0])
    assert w.grad == 4.0


def test_len_and_repr_describe_the_tape() -> None:
    replay = mx.trace(lambda x: (x * 2.0).tanh(), 0.0)
    assert len(replay) == 4  # x, the constant 2, mul, tanh
    assert "1 inputs" in repr(replay) and "2 batched ops" in repr(replay)


# -- clear errors ---------------------------------------------------------------------------


def test_wrong_number_of_inputs_is_a_type_error() -> None:
    replay = mx.trace(lambda x, y: x * y, 1.0, 1.0)
    with pytest.raises(TypeError, match=r"takes 2 inputs.*got 1"):
        replay([1.0, 2.0])


def test_mismatched_batch_lengths_are_reported() -> None:
    replay = mx.trace(lambda x, y: x * y, 1.0, 1.0)
    with pytest.raises(ValueError, match="input 0 has 3 samples, input 1 has 2"):
        replay.backward([1.0, 2.0, 3.0], [1.0, 2.0])


@pytest.mark.parametrize(
    ("batch", "error", "match"),
    [
        (np.ones((2, 2)), ValueError, "must be 1-D"),
        ([1.0, math.nan], ValueError, "NaN or inf"),
        (["a", "b"], TypeError, "real numbers"),
        ([], ValueError, "empty batch"),
    ],
)
def test_bad_batches_are_rejected(batch: Any, error: type[Exception], match: str) -> None:
    replay = mx.trace(lambda x: x * 2.0, 1.0)
    with pytest.raises(error, match=match):
        replay(batch)


def test_domain_error_names_the_op_and_the_sample() -> None:
    replay = mx.trace(lambda x: x.log(), 1.0)
    with pytest.raises(ValueError, match=r"sample 2: log: input must be > 0, got -1.0"):
        replay([1.0, 2.0, -1.0])


def test_backward_domain_error_names_the_op_and_the_sample() -> None:
    replay = mx.trace(lambda x: x.sqrt(), 1.0)
    w = Value(1.0)
    replay = mx.trace(lambda x: (x * w).sqrt(), 1.0)
    with pytest.raises(ZeroDivisionError, match=r"backward through 'sqrt': sample 1"):
        replay.backward([4.0, 0.0])


def test_trace_rejects_a_function_that_returns_no_value() -> None:
    with pytest.raises(TypeError, match="must return a Value"):
        mx.trace(lambda x: 3.0, 1.0)


def test_trace_needs_an_example() -> None:
    with pytest.raises(TypeError, match="one example number per argument"):
        mx.trace(lambda: Value(1.0))


@pytest.mark.parametrize(("example", "error"), [("1.0", TypeError), (math.nan, ValueError)])
def test_trace_rejects_a_bad_example_naming_trace(example: object, error: type) -> None:
    with pytest.raises(error, match=r"trace: example 0 must be"):
        mx.trace(lambda x: x * 2, example)  # type: ignore[arg-type]


def test_bad_reduction_is_rejected() -> None:
    replay = mx.trace(lambda x: x * 2.0, 1.0)
    with pytest.raises(ValueError, match="reduction"):
        replay.backward([1.0], reduction="max")  # type: ignore[arg-type]


def test_module_doctests_pass() -> None:
    assert doctest.testmod(compile_module).failed == 0


# -- fit(compiled=True) ---------------------------------------------------------------------


@pytest.mark.parametrize(("loss", "width"), [("hinge", 1), ("bce", 1), ("cross_entropy", 3)])
def test_fit_compiled_matches_eager_training(loss: str, width: int) -> None:
    from microgradx.train import fit

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 1).astype(int) if width > 1 else X[:, 0] > 0
    runs = []
    for compiled in (False, True):
        model = mx.MLP(2, [6, width], seed=3)
        history = fit(
            model,
            X,
            y.astype(int),
            loss=loss,
            epochs=3,
            batch_size=16,
            l2=1e-3,
            progress=False,
            compiled=compiled,
        )
        runs.append((history, [p.data for p in model.parameters()]))
    (eager, eager_params), (fast, fast_params) = runs
    assert_close(np.array(fast.train_loss), np.array(eager.train_loss))
    assert fast.train_accuracy == eager.train_accuracy
    assert_close(np.array(fast_params), np.array(eager_params))


def test_fit_compiled_refuses_a_callable_loss() -> None:
    from microgradx.train import fit

    with pytest.raises(ValueError, match="compiled=True needs a named loss"):
        fit(mx.MLP(1, [1]), [[0.0]], [0.0], loss=lambda p, t: p[0], compiled=True, progress=False)


# -- value_and_grad: a training step that touches no Value (fit(compiled=True)) ---------------


def _aux_model() -> tuple[mx.MLP, Callable[..., Any]]:
    model = mx.MLP(2, [4, 3], activation="tanh", seed=5)

    def loss(x0: Value, x1: Value, t: Value) -> tuple[Value, list[Value]]:
        z = model([x0, x1])
        return (z[0] * t - z[1]).softplus() + z[2] * z[2], z

    return model, loss


def test_value_and_grad_returns_the_eager_outputs_aux_and_summed_gradients() -> None:
    model, loss = _aux_model()
    params = model.parameters()
    rng = np.random.default_rng(0)
    columns = [rng.normal(size=7), rng.normal(size=7), rng.choice([-1.0, 1.0], size=7)]
    replay = mx.trace(loss, 0.0, 0.0, 1.0, has_aux=True)
    want_out, want_grads = eager_grads(lambda *a: loss(*a)[0], params, columns, "sum")
    want_aux = [
        [v.data for v in model([a, b])] for a, b in zip(columns[0], columns[1], strict=True)
    ]
    out, aux, grads = replay.value_and_grad(np.array(columns), scale=0.5)
    assert_close(out, want_out)
    assert_close(aux.T, np.array(want_aux))
    by_leaf = dict(zip(map(id, replay.leaf_values), grads, strict=True))
    assert_close(np.array([by_leaf[id(p)] for p in params]), 0.5 * want_grads)
    assert all(p.grad == 0.0 for p in params)  # no .grad touched


def test_value_and_grad_uses_the_given_leaf_values_instead_of_data() -> None:
    model, loss = _aux_model()
    params = model.parameters()
    columns = np.array([[0.3, -1.2], [0.8, 0.1], [1.0, -1.0]])
    replay = mx.trace(loss, 0.0, 0.0, 1.0, has_aux=True)
    shifted = np.array([v.data + 0.25 for v in replay.leaf_values])
    out, _, grads = replay.value_and_grad(columns, shifted)
    for v, new in zip(replay.leaf_values, shifted.tolist(), strict=True):
        v.data = new  # the eager engine at those values is the oracle
    want_out, want_grads = eager_grads(lambda *a: loss(*a)[0], params, list(columns), "sum")
    assert_close(out, want_out)
    by_leaf = dict(zip(map(id, replay.leaf_values), grads, strict=True))
    assert_close(np.array([by_leaf[id(p)] for p in params]), want_grads)


@pytest.mark.parametrize(
    ("inputs", "leaves", "error", "match"),
    [
        ([[1.0], [2.0], [1.0]], None, TypeError, r"2-D float64 array"),
        (np.ones((2, 4)), None, ValueError, r"shape \(3, n ≥ 1\), got \(2, 4\)"),
        (np.ones((3, 0)), None, ValueError, r"shape \(3, n ≥ 1\)"),
        (np.full((3, 2), np.nan), None, ValueError, r"inputs contain NaN"),
        (np.ones((3, 2)), np.ones(2), ValueError, r"leaves must be an array of shape"),
        (np.ones((3, 2)), "nan", ValueError, r"leaves contain NaN or inf"),
    ],
)
def test_value_and_grad_rejects_bad_blocks_and_leaves(
    inputs: Any, leaves: Any, error: type[Exception], match: str
) -> None:
    _, loss = _aux_model()
    replay = mx.trace(loss, 0.0, 0.0, 1.0, has_aux=True)
    if isinstance(leaves, str):
        leaves = np.full(len(replay.leaf_values), np.nan)
    with pytest.raises(error, match=match):
        replay.value_and_grad(inputs, leaves)


def test_trace_with_has_aux_needs_an_output_and_a_list_of_values() -> None:
    with pytest.raises(TypeError, match=r"has_aux=True, .* must return \(output, \[aux Values\]\)"):
        mx.trace(lambda x: x * 2, 1.0, has_aux=True)
    with pytest.raises(TypeError, match=r"the aux of .* must be Values"):
        mx.trace(lambda x: (x * 2, [1.0]), 1.0, has_aux=True)

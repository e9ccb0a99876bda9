"""Every rule in the table against its analytic derivative and against central differences."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

import pytest

from microgradx import Value, central_difference, gradgradcheck, ops

Unary = Callable[[Value], Value]
Binary = Callable[[Value, Value], Value]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# name -> (build the op on a Value, reference forward on floats, analytic derivative, points)
# Points stay away from kinks and domain edges, where a central difference is not a derivative.
UNARY: dict[str, tuple[Unary, Callable[[float], float], Callable[[float], float], list[float]]] = {
    "neg": (operator.neg, lambda x: -x, lambda x: -1.0, [-2.0, 0.5, 3.0]),
    "abs": (abs, abs, lambda x: math.copysign(1.0, x), [-2.5, -0.3, 0.7, 4.0]),
    "exp": (Value.exp, math.exp, math.exp, [-3.0, 0.0, 0.5, 2.0]),
    "log": (Value.log, math.log, lambda x: 1.0 / x, [0.1, 1.0, 2.5, 40.0]),
    "sqrt": (Value.sqrt, math.sqrt, lambda x: 0.5 / math.sqrt(x), [0.04, 1.0, 9.0]),
    "tanh": (Value.tanh, math.tanh, lambda x: 1.0 - math.tanh(x) ** 2, [-3.0, -0.5, 0.0, 1.2]),
    "sigmoid": (
        Value.sigmoid,
        _sigmoid,
        lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)),
        [-4.0, -0.5, 0.0, 2.0],
    ),
    "relu": (Value.relu, lambda x: max(x, 0.0), lambda x: float(x > 0), [-2.0, -0.1, 0.3, 5.0]),
    "softplus": (
        Value.softplus,
        lambda x: math.log1p(math.exp(x)),
        _sigmoid,
        [-5.0, -0.5, 0.0, 3.0],
    ),
    "sin": (Value.sin, math.sin, math.cos, [-2.0, 0.0, 0.7, 3.0]),
    "cos": (Value.cos, math.cos, lambda x: -math.sin(x), [-2.0, 0.0, 0.7, 3.0]),
    "tan": (Value.tan, math.tan, lambda x: 1.0 / math.cos(x) ** 2, [-1.2, 0.0, 0.5, 1.4]),
    "sinh": (Value.sinh, math.sinh, math.cosh, [-3.0, 0.0, 0.5, 2.0]),
    "cosh": (Value.cosh, math.cosh, math.sinh, [-3.0, 0.0, 0.5, 2.0]),
    "asin": (Value.asin, math.asin, lambda x: (1.0 - x * x) ** -0.5, [-0.9, 0.0, 0.5, 0.99]),
    "acos": (Value.acos, math.acos, lambda x: -((1.0 - x * x) ** -0.5), [-0.9, 0.0, 0.5, 0.99]),
    "atan": (Value.atan, math.atan, lambda x: 1.0 / (1.0 + x * x), [-5.0, 0.0, 0.7, 30.0]),
    "asinh": (Value.asinh, math.asinh, lambda x: (1.0 + x * x) ** -0.5, [-3.0, 0.0, 0.5, 40.0]),
    "acosh": (Value.acosh, math.acosh, lambda x: (x * x - 1.0) ** -0.5, [1.01, 1.5, 3.0, 40.0]),
    "atanh": (Value.atanh, math.atanh, lambda x: 1.0 / (1.0 - x * x), [-0.9, 0.0, 0.5, 0.99]),
    "sign": (Value.sign, lambda x: math.copysign(1.0, x), lambda x: 0.0, [-2.0, -0.1, 0.3, 5.0]),
    "log1p": (Value.log1p, math.log1p, lambda x: 1.0 / (1.0 + x), [-0.9, 0.0, 1e-10, 3.0]),
    "expm1": (Value.expm1, math.expm1, math.exp, [-40.0, -1.0, 0.0, 1e-10, 2.0]),
}

# name -> (build, reference forward, analytic (d/da, d/db), points (a, b))
BINARY: dict[
    str,
    tuple[
        Binary,
        Callable[[float, float], float],
        Callable[[float, float], tuple[float, float]],
        list[tuple[float, float]],
    ],
] = {
    "add": (operator.add, operator.add, lambda a, b: (1.0, 1.0), [(1.5, -2.0), (0.0, 3.0)]),
    "sub": (operator.sub, operator.sub, lambda a, b: (1.0, -1.0), [(1.5, -2.0), (-0.5, 0.25)]),
    "mul": (operator.mul, operator.mul, lambda a, b: (b, a), [(1.5, -2.0), (0.0, 3.0)]),
    "div": (
        operator.truediv,
        operator.truediv,
        lambda a, b: (1.0 / b, -a / b**2),
        [(1.5, -2.0), (0.3, 0.7), (-4.0, 5.0)],
    ),
    "mod": (
        operator.mod,
        operator.mod,
        lambda a, b: (1.0, -math.floor(a / b)),
        [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (0.3, 0.7)],
    ),
    "pow": (
        operator.pow,
        operator.pow,
        lambda a, b: (b * a ** (b - 1.0), a**b * math.log(a)),
        [(1.5, 2.0), (0.5, -1.3), (2.0, 0.5), (3.0, 0.0)],
    ),
}


def _unary_cases() -> list[tuple[str, float]]:
    return [(name, x) for name, case in UNARY.items() for x in case[3]]


def _binary_cases() -> list[tuple[str, float, float]]:
    return [(name, a, b) for name, case in BINARY.items() for a, b in case[3]]


def _close(actual: float, expected: float, rel: float = 1e-12, abs_: float = 1e-15) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=abs_)


def test_every_rule_in_the_table_has_a_test_case() -> None:
    # Adding an op to ops.RULES without a case here fails this test.
    assert set(ops.RULES) == set(UNARY) | set(BINARY)
    for name, op in ops.RULES.items():
        assert op.name == name
        assert op.arity == (1 if name in UNARY else 2)


@pytest.mark.parametrize(("name", "x"), _unary_cases())
def test_unary_rule_builds_its_own_op_and_computes_the_reference_value(name: str, x: float) -> None:
    build, reference, _, _ = UNARY[name]
    out = build(Value(x))
    assert out.op == name
    assert _close(out.data, reference(x))


@pytest.mark.parametrize(("name", "x"), _unary_cases())
def test_unary_rule_matches_analytic_derivative(name: str, x: float) -> None:
    build, _, derivative, _ = UNARY[name]
    v = Value(x)
    build(v).backward()
    assert _close(v.grad, derivative(x))


@pytest.mark.parametrize(("name", "x"), _unary_cases())
def test_unary_rule_matches_central_difference(name: str, x: float) -> None:
    build, _, _, _ = UNARY[name]
    v = Value(x)
    build(v).backward()
    numeric = central_difference(lambda t: build(Value(t)), x, h=1e-6)
    assert math.isclose(v.grad, numeric, rel_tol=1e-6, abs_tol=1e-8)


@pytest.mark.parametrize(("name", "x"), _unary_cases())
def test_unary_rule_records_a_differentiable_backward_pass(name: str, x: float) -> None:
    # The same rule on Values (create_graph) must give correct second derivatives.
    build = UNARY[name][0]
    assert gradgradcheck(build, [x])


@pytest.mark.parametrize(("name", "a", "b"), _binary_cases())
def test_binary_rule_builds_its_own_op_and_computes_the_reference_value(
    name: str, a: float, b: float
) -> None:
    build, reference, _, _ = BINARY[name]
    out = build(Value(a), Value(b))
    assert out.op == name
    assert out.parents[0].data == a and out.parents[1].data == b
    assert _close(out.data, reference(a, b))


@pytest.mark.parametrize(("name", "a", "b"), _binary_cases())
def test_binary_rule_matches_analytic_derivative(name: str, a: float, b: float) -> None:
    build, _, derivative, _ = BINARY[name]
    va, vb = Value(a), Value(b)
    build(va, vb).backward()
    da, db = derivative(a, b)
    assert _close(va.grad, da)
    assert _close(vb.grad, db)


@pytest.mark.parametrize(("name", "a", "b"), _binary_cases())
def test_binary_rule_matches_central_difference(name: str, a: float, b: float) -> None:
    build = BINARY[name][0]
    va, vb = Value(a), Value(b)
    build(va, vb).backward()
    num_a = central_difference(lambda t: build(Value(t), Value(b)), a, h=1e-6)
    num_b = central_difference(lambda t: build(Value(a), Value(t)), b, h=1e-6)
    assert math.isclose(va.grad, num_a, rel_tol=1e-6, abs_tol=1e-8)
    assert math.isclose(vb.grad, num_b, rel_tol=1e-6, abs_tol=1e-8)


@pytest.mark.parametrize(("name", "a", "b"), _binary_cases())
def test_binary_rule_records_a_differentiable_backward_pass(name: str, a: float, b: float) -> None:
    assert gradgradcheck(BINARY[name][0], [a, b])


POWER_CASES = [
    (2.0, [-1.5, 0.5, 3.0]),
    (3.0, [-2.0, 0.7, 1.5]),
    (0.5, [0.25, 4.0]),
    (-1.0, [-2.0, 0.5, 3.0]),
    (-2.5, [0.5, 2.0]),
    (1.0, [-1.0, 2.0]),
    (0.0, [-1.0, 0.0, 2.0]),
]


@pytest.mark.parametrize(("k", "x"), [(k, x) for k, xs in POWER_CASES for x in xs])
def test_power_rule_matches_analytic_derivative_and_central_difference(k: float, x: float) -> None:
    v = Value(x)
    out = v**k
    assert out.op == ops.power(k).name
    assert _close(out.data, x**k)
    out.backward()
    analytic = k * x ** (k - 1.0) if k != 0.0 else 0.0
    assert _close(v.grad, analytic)
    numeric = central_difference(lambda t: Value(t) ** k, x, h=1e-6)
    assert math.isclose(v.grad, numeric, rel_tol=1e-6, abs_tol=1e-8)


@pytest.mark.parametrize(("k", "x"), [(k, x) for k, xs in POWER_CASES for x in xs if x != 0.0])
def test_power_rule_records_a_differentiable_backward_pass(k: float, x: float) -> None:
    assert gradgradcheck(lambda v: v**k, [x])


def test_power_ops_are_cached_per_exponent() -> None:
    assert ops.power(2.0) is ops.power(2.0)
    assert ops.power(2.0) is not ops.power(3.0)


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.5])
@pytest.mark.parametrize("x", [-3.0, -0.2, 0.4, 2.0])
def test_leaky_relu_rule_matches_analytic_derivative_and_central_difference(
    slope: float, x: float
) -> None:
    v = Value(x)
    out = v.leaky_relu(slope)
    assert out.op == "leaky_relu"
    assert _close(out.data, x if x > 0 else slope * x)
    out.backward()
    assert _close(v.grad, 1.0 if x > 0 else slope)
    numeric = central_difference(lambda t: Value(t).leaky_relu(slope), x, h=1e-6)
    assert math.isclose(v.grad, numeric, rel_tol=1e-6)


def test_leaky_relu_default_slope_is_one_hundredth() -> None:
    v = Value(-2.0)
    v.leaky_relu().backward()
    assert v.grad == 0.01


# Value and derivative at x = ±1000, where each function sits on its asymptote.
SATURATED: dict[str, tuple[Callable[[float], float], Callable[[float], float]]] = {
    "tanh": (lambda x: math.copysign(1.0, x), lambda x: 0.0),
    "sigmoid": (lambda x: float(x > 0), lambda x: 0.0),
    "softplus": (lambda x: max(x, 0.0), lambda x: float(x > 0)),
}


@pytest.mark.parametrize("x", [-1000.0, 1000.0])
@pytest.mark.parametrize("name", list(SATURATED))
def test_saturating_ops_are_stable_at_plus_minus_1000(name: str, x: float) -> None:
    value, derivative = SATURATED[name]
    v = Value(x)
    out = UNARY[name][0](v)
    out.backward(create_graph=True)
    first = v.grad
    assert out.data == value(x)
    assert first.data == derivative(x)
    v.grad = 0.0
    first.backward()  # the second derivative must be finite too (no overflow, no NaN)
    assert v.grad == 0.0


# -- the op's parameter and micrograd symbol; lookup by name ----------------------------------


@pytest.mark.parametrize("k", [2.0, 3.0, -1.0, 0.5, 0.0, 1e-7, 0.1234567])
def test_power_op_carries_its_exponent_as_param(k: float) -> None:
    op = (Value(2.0) ** k)._fn
    assert op is not None and op.param == k


@pytest.mark.parametrize("slope", [0.01, 0.2, 1.5])
def test_leaky_relu_op_carries_its_slope_as_param(slope: float) -> None:
    op = Value(-1.0).leaky_relu(slope)._fn
    assert op is not None and op.param == slope


def test_fixed_ops_have_no_param() -> None:
    assert all(op.param is None for op in ops.RULES.values())


def test_every_fixed_op_is_found_by_lookup_of_its_name() -> None:
    for name, op in ops.RULES.items():
        assert ops.lookup(name) is op


@pytest.mark.parametrize("op", [ops.power(3.0), ops.power(-0.5), ops.leaky_relu(0.2)])
def test_parameterised_ops_are_found_by_lookup_of_name_and_param(op: ops.Op) -> None:
    assert ops.lookup(op.name, op.param) is op


def test_lookup_tells_apart_exponents_that_print_alike() -> None:
    # pow0.123457 names both; the parameter decides, the name only has to agree.
    first, second = ops.power(0.1234567), ops.power(0.1234568)
    assert first.name == second.name
    assert ops.lookup(first.name, 0.1234568) is second


@pytest.mark.parametrize(
    ("name", "param", "error"),
    [
        ("eval", None, ValueError),
        ("pow3", None, ValueError),
        ("leaky_relu", float("nan"), ValueError),
        ("pow2", 3.0, ValueError),
        ("add", "1", ValueError),
        (print, None, TypeError),
    ],
    ids=["unknown", "power-without-param", "nan-param", "name-param-mismatch", "str-param",
         "not-a-name"],
)  # fmt: skip
def test_lookup_refuses_what_is_not_in_the_table(name: object, param: object, error: type) -> None:
    with pytest.raises(error, match="lookup"):
        ops.lookup(name, param)  # type: ignore[arg-type]


def test_ops_pickle_by_name_and_come_back_as_the_table_entry() -> None:
    import pickle

    for op in [*ops.RULES.values(), ops.power(2.0), ops.leaky_relu(0.2)]:
        data = pickle.dumps(op)
        assert b"lambda" not in data and b"forward" not in data
        assert pickle.loads(data) is op


# -- domain errors and the batched replay ---------------------------------------------------


@pytest.mark.parametrize(
    ("build", "x", "error", "message"),
    [
        (Value.asin, 2.0, ValueError, r"asin: .*\[-1, 1\].* 2\.0"),
        (Value.asin, -1.5, ValueError, r"asin: .*-1\.5"),
        (Value.acos, 1.0000001, ValueError, r"acos: .*1\.0000001"),
        (Value.log1p, -1.0, ValueError, r"log1p: .*> -1.*-1\.0"),
        (Value.log1p, -3.0, ValueError, r"log1p: .*-3\.0"),
        (Value.sinh, 800.0, OverflowError, r"sinh: .*800\.0"),
        (Value.cosh, -800.0, OverflowError, r"cosh: .*-800\.0"),
        (Value.expm1, 710.0, OverflowError, r"expm1: .*710\.0"),
    ],
    ids=["asin-2", "asin-neg", "acos", "log1p-edge", "log1p-neg", "sinh", "cosh", "expm1"],
)
def test_new_ops_outside_their_domain_raise_naming_the_op_and_the_value(
    build: Unary, x: float, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        build(Value(x))


@pytest.mark.parametrize("x", [-1.0, 1.0])
def test_asin_at_the_domain_edge_is_fine_forward_but_its_slope_is_infinite(x: float) -> None:
    out = Value(x).asin()
    assert out.data == math.copysign(math.pi / 2, x)
    with pytest.raises(ZeroDivisionError, match="asin"):
        out.backward()


@pytest.mark.parametrize("name", sorted(UNARY))
def test_every_unary_rule_replays_over_a_batch_as_the_eager_engine(name: str) -> None:
    # trace() runs each op's batched forward and its rule on arrays of samples.
    import numpy as np

    from microgradx import trace

    build, _, _, xs = UNARY[name]
    w = Value(1.0)
    replay = trace(lambda x: build(w * x), xs[0])
    got = replay.backward(xs, reduction="sum")
    eager_grad = 0.0
    for i, x in enumerate(xs):
        v = Value(1.0)
        out = build(v * x)
        out.backward()
        assert _close(float(got[i]), out.data)
        eager_grad += v.grad
    assert isinstance(got, np.ndarray)
    assert math.isclose(w.grad, eager_grad, rel_tol=1e-12, abs_tol=1e-15)


def test_replay_of_asin_names_the_op_and_the_sample_outside_its_domain() -> None:
    from microgradx import trace

    replay = trace(lambda x: x.asin(), 0.5)
    with pytest.raises(ValueError, match=r"sample 1: asin: .*2\.0"):
        replay([0.5, 2.0])


# -- one overflow policy for every rule ----------------------------------------------------
# A finite derivative too large for a float: ±inf on the float backward pass, whatever the rule
# is built on (``**``, ``/``, ``*``, exp); the recorded pass (whose Values hold finite floats)
# and the replay raise, naming the op.

OVERFLOWING: dict[str, tuple[Unary, float]] = {
    "power": (lambda x: x**-1.0, 1e-200),  # −x⁻² = −1e400, a rule built on **
    "pow": (lambda x: x ** Value(-1.0), 1e-200),  # the same through Value ** Value
    "div": (lambda x: 1.0 / x, 1e-200),  # −out/x, built on /
    "mul": (lambda x: (x * 1e-300) * 1e300 + x**-1.0, 1e-200),  # summed into −inf
    "sinh": (lambda x: (x * 1e-300).sinh(), 1e-200),  # finite: a control, nothing overflows
}


@pytest.mark.parametrize("name", sorted(OVERFLOWING))
def test_an_overflowing_derivative_is_inf_on_the_float_pass_for_every_kind_of_rule(
    name: str,
) -> None:
    build, x = OVERFLOWING[name]
    v = Value(x)
    build(v).backward()
    if name == "sinh":  # the control: 1e−300·cosh(1e−500) = 1e−300
        assert v.grad == 1e-300
    else:
        assert v.grad == -math.inf


@pytest.mark.parametrize("name", ["power", "pow", "div"])
def test_an_overflowing_derivative_raises_naming_the_op_when_recorded_or_replayed(
    name: str,
) -> None:
    from microgradx import elementwise_grad, hessian

    build, x = OVERFLOWING[name]
    op = build(Value(x)).op
    with pytest.raises(OverflowError, match=r"overflows|not a finite float") as raised:
        hessian(build)(x)
    told = [str(raised.value), *getattr(raised.value, "__notes__", ())]  # 3.10: in the message
    assert any(f"'{op}'" in line for line in told)
    with pytest.raises(FloatingPointError, match=f"backward through '{op}'"):
        elementwise_grad(build)([x])


@pytest.mark.parametrize(
    ("rule", "args", "expected"),
    [
        (ops.power(-1.0).vjps[0], (1.0, 1e200, 1e-200), -math.inf),
        (ops.POW.vjps[0], (1.0, 1e200, 1e-200, -1.0), -math.inf),
        (ops.EXPM1.vjps[0], (1.0, 0.0, 710.0), math.inf),
        (ops.SINH.vjps[0], (1.0, 0.0, 711.0), math.inf),
        (ops.COSH.vjps[0], (1.0, 0.0, -711.0), -math.inf),
    ],
    ids=["power", "pow", "expm1-exp", "sinh-cosh", "cosh-sinh"],
)
def test_rules_built_on_pow_and_math_functions_give_inf_not_overflow_error(
    rule: Callable[..., float], args: tuple[float, ...], expected: float
) -> None:
    # Called on floats: before, ** and math.exp/sinh/cosh raised a bare OverflowError here.
    assert rule(*args) == expected


# -- sign and % ----------------------------------------------------------------------------


@pytest.mark.parametrize("x", [-2.5, -1e-300, 0.0, 1e-300, 3.0])
def test_sign_is_flat_with_derivative_zero_everywhere_as_pytorch(x: float) -> None:
    v = Value(x)
    out = v.sign()
    out.backward()
    assert out.data == (x > 0) - (x < 0)
    assert v.grad == 0.0


@pytest.mark.parametrize(("a", "b"), [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-7.5, -2.0)])
def test_mod_follows_pythons_sign_convention_and_its_derivatives_are_one_and_minus_floor(
    a: float, b: float
) -> None:
    va, vb = Value(a), Value(b)
    out = va % vb
    out.backward()
    assert out.data == a % b
    assert (va.grad, vb.grad) == (1.0, -math.floor(a / b))
    assert (3.5 % Value(b)).data == 3.5 % b and (Value(a) % 3.0).data == a % 3.0


def test_mod_by_zero_raises_naming_the_op() -> None:
    with pytest.raises(ZeroDivisionError, match=r"mod: .*7\.5 % 0\.0"):
        Value(7.5) % 0.0

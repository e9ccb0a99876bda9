"""check_rules: every deliberately wrong rule of the table is found and named, alone; correct
rules raise no false alarm at random points, near kinks and at large values.

The oracle for "wrong" is the test's own construction (a rule altered on purpose); the
checker compares against central differences of each op's forward, computed independently.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from microgradx import (
    GradcheckError,
    Value,
    check_rules,
    draw_dot,
    explore,
    gradcheck,
    ops,
    topological_order,
)
from microgradx.engine import _apply1, _apply2
from microgradx.rulecheck import RuleReport, node_name

Sampler = Callable[[random.Random], list[float]]


def _any(r: random.Random) -> float:
    return r.choice([-1.0, 1.0]) * r.uniform(0.3, 2.5)


def _mod_point(r: random.Random) -> list[float]:
    b = _any(r)
    return [b * (r.randint(1, 3) + r.uniform(0.2, 0.8)), b]  # a/b away from an integer


# Each op with points where every input's derivative exists (and is not zero, but sign's).
DOMAINS: dict[str, Sampler] = {
    "add": lambda r: [_any(r), _any(r)],
    "sub": lambda r: [_any(r), _any(r)],
    "mul": lambda r: [_any(r), _any(r)],
    "div": lambda r: [_any(r), _any(r)],
    "pow": lambda r: [r.uniform(1.3, 3.0), r.uniform(0.5, 2.5)],
    "neg": lambda r: [_any(r)],
    "abs": lambda r: [_any(r)],
    "exp": lambda r: [_any(r)],
    "log": lambda r: [r.uniform(0.2, 5.0)],
    "sqrt": lambda r: [r.uniform(0.2, 5.0)],
    "tanh": lambda r: [_any(r)],
    "sigmoid": lambda r: [_any(r)],
    "relu": lambda r: [r.uniform(0.2, 3.0)],
    "softplus": lambda r: [_any(r)],
    "sin": lambda r: [r.uniform(0.2, 1.3)],
    "cos": lambda r: [r.uniform(0.2, 1.3)],
    "tan": lambda r: [r.uniform(-1.2, 1.2)],
    "sinh": lambda r: [_any(r)],
    "cosh": lambda r: [_any(r)],
    "asin": lambda r: [r.uniform(-0.9, 0.9)],
    "acos": lambda r: [r.uniform(-0.9, 0.9)],
    "atan": lambda r: [_any(r)],
    "log1p": lambda r: [r.uniform(-0.8, 3.0)],
    "expm1": lambda r: [_any(r)],
    "asinh": lambda r: [_any(r)],
    "acosh": lambda r: [r.uniform(1.2, 4.0)],
    "atanh": lambda r: [r.uniform(-0.9, 0.9)],
    "sign": lambda r: [_any(r)],
    "mod": lambda r: _mod_point(r),
}
TABLE: list[ops.Op] = [
    *ops.RULES.values(),
    ops.power(3.0),
    ops.power(-1.0),
    ops.power(0.5),
    ops.leaky_relu(0.1),
]


def _domain(op: ops.Op) -> Sampler:
    if op.name.startswith("pow") and op.param is not None:
        return lambda r: [r.uniform(0.3, 3.0)]
    if op.name == "leaky_relu":
        return lambda r: [_any(r)]
    return DOMAINS[op.name]


def test_every_op_of_the_table_has_a_domain_here() -> None:
    assert set(ops.RULES) <= set(DOMAINS)


def _node(op: ops.Op, args: list[Value]) -> Value:
    if op.arity == 1:
        return _apply1(op, args[0])
    return _apply2(op, args[0], args[1])


def _surrounded(node: Value, extra: Value) -> Value:
    """The node inside a graph of correct ops, so anything else reported is a false alarm."""
    return ((node * extra).tanh() + extra.exp() * 0.5 - node.sigmoid()) ** 2


def _offset(rule: Callable[..., Any]) -> Callable[..., Any]:
    # Off by at least 0.1 and 25%, whatever the right value: no point where it is right.
    return lambda g, out, *a: rule(g, out, *a) + 0.25 * abs(rule(g, out, *a)) + 0.1 * g


def _missing_g(rule: Callable[..., Any]) -> Callable[..., Any]:
    return lambda g, out, *a: rule(1.0, out, *a)


def _with_rule(op: ops.Op, j: int, wrong: Callable[..., Any]) -> ops.Op:
    vjps = list(op.vjps)
    vjps[j] = wrong
    return op._replace(vjps=tuple(vjps))


CASES = [
    (op, j, kind)
    for op in TABLE
    for j in range(op.arity)
    for kind in ("offset", "missing g")
    if not (kind == "missing g" and op.name in ("pow0", "sign"))  # derivative 0: g unseen
]


@pytest.mark.parametrize(("op", "j", "kind"), CASES, ids=lambda c: getattr(c, "name", str(c)))
def test_a_wrong_rule_of_every_op_is_found_named_and_alone(op: ops.Op, j: int, kind: str) -> None:
    r = random.Random(f"{op.name}{j}{kind}")
    for _ in range(5):
        point = _domain(op)(r)
        xs = [Value(p, label=f"x{i}") for i, p in enumerate(point)]
        alter = _offset if kind == "offset" else _missing_g
        bad = _node(_with_rule(op, j, alter(op.vjps[j])), xs)
        report = check_rules(_surrounded(bad, Value(0.7, label="e")))
        assert [(m.op, m.input, m.value) for m in report] == [(op.name, j, bad)], str(report)
        m = report[0]
        assert m.input_name == f"x{j}"
        assert m.node == node_name(bad)
        if kind == "missing g":
            assert "`g *` missing" in m.why
        else:
            exact = float(op.vjps[j](1.0, bad.data, *point))
            assert m.analytic == pytest.approx(exact + 0.25 * abs(exact) + 0.1, rel=1e-12)
            assert m.numeric == pytest.approx(exact, rel=1e-5, abs=1e-7)
            assert m.rel_error > 0.05


def test_the_classic_mistakes_are_found() -> None:
    x, w = Value(0.8, label="x"), Value(-1.7, label="w")
    tanh_out = _with_rule(ops.TANH, 0, lambda g, out, a: g * out)
    mul_swapped = _with_rule(ops.MUL, 0, lambda g, out, a, b: g * a)
    for bad in (_apply1(tanh_out, x), _apply2(mul_swapped, x, w)):
        report = check_rules(bad)
        assert len(report) == 1 and report[0].value is bad
    named = check_rules(_apply2(mul_swapped, x, w))[0]
    assert (named.node, named.input_name, named.analytic) == ("x·w", "x", 0.8)
    assert named.numeric == pytest.approx(-1.7, rel=1e-7)


def _correct_points(op: ops.Op, r: random.Random) -> list[list[float]]:
    """Random points, points next to kinks and large values, all inside op's domain."""
    points = [_domain(op)(r) for _ in range(20)]
    kinked = {"abs", "relu", "leaky_relu", "sign"}
    if op.name in kinked:
        points += [[s * 10.0**-k] for s in (1.0, -1.0) for k in (3, 6, 9, 12, 15)] + [[0.0]]
    large = {
        "exp": [[700.0], [-700.0], [709.7]],
        "expm1": [[700.0], [-700.0]],
        "sigmoid": [[700.0], [-700.0], [36.0]],
        "tanh": [[20.0], [-300.0]],
        "softplus": [[500.0], [-500.0]],
        "log": [[1e300], [1e-300]],
        "sqrt": [[1e300], [1e-300]],
        "mul": [[1e150, -3e150], [1e-150, 7.0]],
        "add": [[1e300, -1e300], [1e16, 1.0]],
        "div": [[1e200, 3e-50], [5.0, 1e150]],
        "sin": [[1e6], [123456.789]],
        "cos": [[1e6]],
        "atan": [[1e100], [-1e8]],
        "sinh": [[700.0]],
        "cosh": [[-700.0]],
        "pow": [[10.0, 300.0], [1e100, 2.5], [-2.0, 3.0]],
        "log1p": [[1e300], [-0.999999]],
        "asinh": [[1e300], [-1e8]],
        "acosh": [[1e300], [1.000001]],
        "atanh": [[0.999999], [-1e-300]],
        "mod": [[1e10, 3.0], [-7.5, 2.0], [3.0 + 1e-12, 1.5], [6.0, 3.0]],
        "asin": [[0.999999]],
        "acos": [[-0.999999]],
    }
    return points + large.get(op.name, [])


@pytest.mark.parametrize("op", TABLE, ids=lambda op: op.name)
def test_correct_rules_raise_no_false_alarm(op: ops.Op) -> None:
    r = random.Random(op.name)
    for point in _correct_points(op, r):
        node = _node(op, [Value(p, label=f"x{i}") for i, p in enumerate(point)])
        report = check_rules(node)
        assert report.ok, f"{op.name} at {point}: {report}"
        assert report.checked + len(report.skipped) == op.arity


def test_kinks_are_skipped_and_said() -> None:
    for op in (ops.RELU, ops.leaky_relu(0.2)):
        report = check_rules(_apply1(op, Value(0.0, label="z")))
        assert report.ok and report.checked == 0
        assert "kink at x = 0" in report.skipped[0].why
        assert "skipped" in str(report)


def test_a_wrong_rule_at_a_kink_is_still_found_next_to_it() -> None:
    wrong = _with_rule(ops.RELU, 0, lambda g, out, a: g * (1.0 if a < 0 else 0.0))
    assert len(check_rules(_apply1(wrong, Value(1e-9, label="z")))) == 1


def test_a_jump_is_skipped_and_said() -> None:
    report = check_rules(_apply1(ops.SIGN, Value(0.0, label="z")))
    assert report.ok and "a jump at x = 0" in report.skipped[0].why


def test_an_undefined_forward_next_to_the_point_is_skipped() -> None:
    report = check_rules(Value(0.0, label="z").sqrt())
    assert report.ok and "undefined" in report.skipped[0].why


def test_the_step_suits_the_scale_and_is_reported() -> None:
    wrong = _with_rule(ops.EXP, 0, lambda g, out, a: g * out * 2.0)
    m = check_rules(_apply1(wrong, Value(50.0, label="z")))[0]
    assert m.step == pytest.approx(6.055e-6 * 50.0 * 1e-3, rel=1e-3)
    given = check_rules(_apply1(wrong, Value(50.0, label="z")), h=1e-4)
    assert given.step == "h = 0.0001 (given)" and given[0].step == pytest.approx(1e-7)
    assert "max(1, |x|)" in str(check_rules(Value(1.0, label="z").exp()))


def test_constants_are_counted_not_checked() -> None:
    report = check_rules(2.0 * Value(3.0, label="x"))
    assert (report.checked, report.constants) == (1, 1)


def test_a_rule_that_raises_is_a_mismatch_saying_so() -> None:
    def broken(g: float, out: float, a: float) -> float:
        raise KeyError("oops")

    m = check_rules(_apply1(_with_rule(ops.SIN, 0, broken), Value(0.5, label="z")))[0]
    assert "raised KeyError" in m.why and m.numeric == pytest.approx(math.cos(0.5))


def test_the_report_prints_as_a_table() -> None:
    wrong = _with_rule(ops.MUL, 1, lambda g, out, a, b: g * b)
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    text = str(check_rules(_apply2(wrong, x, w).tanh()))
    lines = text.splitlines()
    assert lines[0].startswith("check_rules: 1 wrong local derivative(s) in 3 edge(s)")
    assert lines[1].split() == ["node", "op", "input", "analytic", "numeric", "rel", "err", "h"]
    assert lines[2].split()[:5] == ["x·w", "mul", "1:", "w", "-3"]


def test_bad_arguments_are_refused_naming_the_value() -> None:
    with pytest.raises(TypeError, match="check_rules: expected a Value, got float"):
        check_rules(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="h must be > 0"):
        check_rules(Value(1.0), h=-1.0)


def test_names_read_as_expressions() -> None:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    assert node_name(x * w + 1.0) == "x·w + 1"
    assert node_name((x + 1.0) * w) == "(x + 1)·w"
    assert node_name(x - (w - 1.0)) == "x − (w − 1)"
    assert node_name((x**2).tanh()) == "tanh(x**2)"
    assert node_name(-(x + w)) == "−(x + w)"
    assert isinstance(check_rules(x * w), RuleReport)


def _wrong_mul() -> ops.Op:
    return _with_rule(ops.MUL, 1, lambda g, out, a, b: g * b)  # d(a·b)/db written as b


def test_the_module_doctest_runs() -> None:
    import doctest

    from microgradx import rulecheck

    assert doctest.testmod(rulecheck).failed == 0


def test_gradcheck_names_the_first_wrong_edge() -> None:
    wrong = _wrong_mul()
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, w: _apply2(wrong, x, w).tanh(), [2.0, -3.0])
    assert "first wrong edge: mul rule for input 1 (x1) of x0·x1" in str(info.value)
    assert info.value.edge is not None and info.value.edge.input == 1


def test_gradcheck_says_when_every_rule_is_right() -> None:
    with pytest.raises(GradcheckError, match="finds every local derivative of the graph right"):
        gradcheck(lambda x: x.relu(), [0.0])  # a kink: central differences give 1/2


def test_draw_dot_check_colours_the_wrong_edge_red_with_why() -> None:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = _apply2(_wrong_mul(), x, w).tanh()
    y.backward()
    source = draw_dot(y, check=True).source
    red = [line for line in source.splitlines() if "#dc2626" in line and "->" in line]
    assert len(red) == 1 and "tooltip=" in red[0] and "mul rule for input 1 (w)" in red[0]
    assert "1 wrong local derivative(s), drawn red" in source
    assert "#dc2626" not in draw_dot(y).source.split("->", 1)[1]
    assert "all 2 local derivatives agree" in draw_dot(x * w, check=True).source


def test_the_explorer_page_marks_the_wrong_edge() -> None:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    order = topological_order(_apply2(_wrong_mul(), x, w))
    page = explore(order[-1]).html
    assert '"wrong":{"1":"mul rule for input 1 (w) of x·w' in page
    assert page.count('stroke="#dc2626"') >= 1
    assert '"wrong":{' not in explore(x * w).html


def test_a_user_primitive_with_a_wrong_rule_is_found_and_drawn_red() -> None:
    from microgradx import primitive

    cube = primitive("cube_wrong", forward=lambda a: a**3, vjps=[lambda g, out, a: g * 3 * a])
    x = Value(1.7, label="x")
    y = cube(x * 2.0).tanh()
    report = check_rules(y)
    assert [(m.op, m.input, m.node) for m in report] == [("cube_wrong", 0, "cube_wrong(x·2)")]
    assert report[0].numeric == pytest.approx(3 * 3.4**2, rel=1e-7)
    right = primitive("cube_right", forward=lambda a: a**3, vjps=[lambda g, out, a: g * 3 * a**2])
    assert check_rules(right(x * 2.0).tanh()).ok
    assert "✗ ∂=" in draw_dot(y, check=True).source

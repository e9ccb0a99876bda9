"""Checks of exercise 3: the VJP rules of mul, tanh, sigmoid, relu and pow, as primitives.

Each rule the learner writes becomes a user-defined primitive; ``check_rules`` compares it
with central differences of the primitive's forward on a small graph and names the wrong
edge. A catalogue of the classic mistakes (``out`` for ``1 − out²``, a missing ``g *``, the
other input of mul, …) then says which one it is.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from ..course import tr
from ..engine import Value
from ..primitive import primitive
from ..rulecheck import check_rules
from ._core import Mistake, check, close

Rule = Callable[..., Any]


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


# For each op: its forward, the right rules, and the mistakes learners make, by input.
FORWARDS: dict[str, Callable[..., float]] = {
    "mul": lambda a, b: a * b,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda a: a if a > 0 else 0.0,
    "pow": lambda a, b: a**b,
}
MISTAKES: dict[tuple[str, int], dict[str, Rule]] = {
    ("mul", 0): {
        tr(
            "it multiplies g by a, the input itself: ∂(a·b)/∂a is the *other* input, b",
            "g에 입력 a 자신을 곱합니다: ∂(a·b)/∂a는 *다른* 입력 b입니다",
        ): (lambda g, out, a, b: g * a),
        tr(
            "it returns b without g: the chain rule multiplies the upstream g by ∂out/∂a = b",
            "g 없이 b를 돌려줍니다: 연쇄 법칙은 위에서 온 g에 ∂out/∂a = b를 곱합니다",
        ): (lambda g, out, a, b: b),
    },
    ("mul", 1): {
        tr(
            "it multiplies g by b, the input itself: ∂(a·b)/∂b is the *other* input, a",
            "g에 입력 b 자신을 곱합니다: ∂(a·b)/∂b는 *다른* 입력 a입니다",
        ): (lambda g, out, a, b: g * b),
        tr(
            "it returns a without g: the chain rule multiplies the upstream g by ∂out/∂b = a",
            "g 없이 a를 돌려줍니다: 연쇄 법칙은 위에서 온 g에 ∂out/∂b = a를 곱합니다",
        ): (lambda g, out, a, b: a),
    },
    ("tanh", 0): {
        tr(
            "it uses out where the derivative is 1 − out² (tanh′ = 1 − tanh²)",
            "미분이 1 − out²인 자리에 out을 썼습니다 (tanh′ = 1 − tanh²)",
        ): (lambda g, out, a: g * out),
        tr(
            "it uses 1 − out: the derivative squares it, 1 − out²",
            "1 − out을 썼습니다: 미분은 제곱한 1 − out²입니다",
        ): lambda g, out, a: g * (1 - out),
        tr(
            "it uses 1 − a², the input squared: the derivative is 1 − tanh(a)² = 1 − out²",
            "입력을 제곱한 1 − a²을 썼습니다: 미분은 1 − tanh(a)² = 1 − out²입니다",
        ): (lambda g, out, a: g * (1 - a * a)),
        tr(
            "it returns 1 − out² without g: multiply by the upstream gradient g",
            "g 없이 1 − out²을 돌려줍니다: 위에서 온 기울기 g를 곱하세요",
        ): (lambda g, out, a: 1 - out * out),
    },
    ("sigmoid", 0): {
        tr(
            "it uses out alone: σ′ = σ·(1 − σ) = out·(1 − out)",
            "out만 썼습니다: σ′ = σ·(1 − σ) = out·(1 − out)",
        ): lambda g, out, a: g * out,
        tr(
            "it uses 1 − out alone: σ′ = out·(1 − out)",
            "1 − out만 썼습니다: σ′ = out·(1 − out)",
        ): lambda g, out, a: g * (1 - out),
        tr(
            "it uses the input a for out: σ′ = out·(1 − out), with out = σ(a)",
            "out 대신 입력 a를 썼습니다: σ′ = out·(1 − out), out = σ(a)",
        ): (lambda g, out, a: g * a * (1 - a)),
        tr(
            "it returns out·(1 − out) without g: multiply by the upstream gradient g",
            "g 없이 out·(1 − out)을 돌려줍니다: 위에서 온 기울기 g를 곱하세요",
        ): (lambda g, out, a: out * (1 - out)),
    },
    ("relu", 0): {
        tr(
            "it returns g everywhere: relu′ is 0 where a < 0 (the unit is off)",
            "어디서나 g를 돌려줍니다: a < 0에서 relu′ = 0 (유닛이 꺼져 있음)",
        ): (lambda g, out, a: g),
        tr(
            "it multiplies g by a: relu′ is a step, 1 where a > 0 and 0 elsewhere",
            "g에 a를 곱합니다: relu′는 계단 함수, a > 0이면 1, 아니면 0",
        ): (lambda g, out, a: g * a),
        tr(
            "it multiplies g by out = relu(a): relu′ is 1 where a > 0, not the output",
            "g에 out = relu(a)를 곱합니다: relu′는 출력이 아니라 a > 0에서 1입니다",
        ): (lambda g, out, a: g * out),
        tr(
            "the step is the wrong way round: relu′ is 1 where a > 0, 0 where a < 0",
            "계단이 거꾸로입니다: relu′는 a > 0에서 1, a < 0에서 0",
        ): (lambda g, out, a: g * (1.0 if a < 0 else 0.0)),
        tr(
            "it returns the step without g: multiply by the upstream gradient g",
            "g 없이 계단 값을 돌려줍니다: 위에서 온 기울기 g를 곱하세요",
        ): (lambda g, out, a: 1.0 if a > 0 else 0.0),
    },
    ("pow", 0): {
        tr(
            "it keeps the exponent b: d(aᵇ)/da = b·a^(b − 1), the power drops by one",
            "지수 b를 그대로 두었습니다: d(aᵇ)/da = b·a^(b − 1), 지수가 하나 줄어듭니다",
        ): (lambda g, out, a, b: g * b * a**b),
        tr(
            "it forgets the factor b: d(aᵇ)/da = b·a^(b − 1)",
            "계수 b가 빠졌습니다: d(aᵇ)/da = b·a^(b − 1)",
        ): lambda g, out, a, b: g * a ** (b - 1),
        tr(
            "it returns b·a^(b − 1) without g: multiply by the upstream gradient g",
            "g 없이 b·a^(b − 1)을 돌려줍니다: 위에서 온 기울기 g를 곱하세요",
        ): (lambda g, out, a, b: b * a ** (b - 1)),
    },
    ("pow", 1): {
        tr(
            "it forgets ln a: d(aᵇ)/db = aᵇ·ln a = out·ln a",
            "ln a가 빠졌습니다: d(aᵇ)/db = aᵇ·ln a = out·ln a",
        ): lambda g, out, a, b: g * out,
        tr(
            "it forgets out: d(aᵇ)/db = out·ln a",
            "out이 빠졌습니다: d(aᵇ)/db = out·ln a",
        ): lambda g, out, a, b: g * math.log(a),
        tr(
            "it differentiates as if b were the base, b·a^(b−1): for the exponent it is out·ln a",
            "b를 밑처럼 미분했습니다(b·a^(b−1)): 지수에 대한 미분은 out·ln a입니다",
        ): (lambda g, out, a, b: g * b * a ** (b - 1)),
        tr(
            "it returns out·ln a without g: multiply by the upstream gradient g",
            "g 없이 out·ln a를 돌려줍니다: 위에서 온 기울기 g를 곱하세요",
        ): (lambda g, out, a, b: out * math.log(a)),
    },
}
POINTS: dict[str, list[tuple[float, ...]]] = {
    "mul": [(1.5, -0.7), (-2.0, 0.4), (0.3, 2.2)],
    "tanh": [(0.4,), (-1.1,), (2.0,)],
    "sigmoid": [(0.4,), (-1.3,), (2.5,)],
    "relu": [(0.8,), (-0.6,), (1.9,), (-2.2,)],
    "pow": [(1.7, 2.5), (0.6, 3.0), (2.2, -1.5)],
}


def _primitive(name: str, rules: list[Rule]) -> Callable[..., Value]:
    """The learner's rules on the op's forward, as a user-defined primitive ``my_<name>``."""
    try:
        return primitive(f"my_{name}", forward=FORWARDS[name], vjps=rules)
    except (TypeError, ValueError) as e:  # a rule with the wrong signature, say
        raise Mistake(str(e)) from None


def _diagnose(name: str, j: int, rule: Rule) -> str | None:
    """The catalogued mistake that rule makes at every point, if any."""
    for why, wrong in MISTAKES[name, j].items():
        same = True
        for point in POINTS[name]:
            out = FORWARDS[name](*point)
            for g in (1.0, 0.5):
                try:
                    mine, theirs = float(rule(g, out, *point)), float(wrong(g, out, *point))
                except Exception:  # a rule that fails is not this mistake
                    same = False
                    break
                same = same and close(mine, theirs, rel=1e-9)
        if same:
            return why
    return None


def _check_op(name: str, rules: list[Any]) -> str:
    for j, rule in enumerate(rules):
        if rule is Ellipsis or not callable(rule):
            raise Mistake(
                tr(
                    f"input {j}'s rule should be a function (g, out, *inputs) -> number",
                    f"입력 {j}의 규칙은 함수 (g, out, *inputs) -> 숫자여야 합니다",
                )
            )
    probe = POINTS[name][0]
    for j, rule in enumerate(rules):  # a rule still to write says so, not "rule raised"
        try:
            rule(1.0, FORWARDS[name](*probe), *probe)
        except NotImplementedError:
            raise
        except Exception as e:
            raised = f"{type(e).__name__}: {e}"
            shape = ", ".join(["g", "out", *"ab"[: len(probe)]])
            raise Mistake(
                tr(
                    f"input {j}'s rule raised {raised} (a rule takes ({shape}), i.e. "
                    "(g, out, *inputs))",
                    f"입력 {j}의 규칙에서 오류: {raised} (규칙은 ({shape}), 즉 "
                    "(g, out, *inputs)를 받습니다)",
                )
            ) from None
    prim = _primitive(name, rules)
    r = random.Random(name)
    for point in POINTS[name]:
        xs = [Value(p, label=chr(ord("a") + i)) for i, p in enumerate(point)]
        out = prim(*xs)
        y = out * Value(r.uniform(0.5, 1.5), label="w")  # upstream g ≠ 1 at the node
        report = check_rules(y)
        mine = [m for m in report if m.op == f"my_{name}"]
        if not mine:
            continue
        first = mine[0]
        why = _diagnose(name, first.input, rules[first.input])
        at = ", ".join(f"{chr(ord('a') + i)} = {p:g}" for i, p in enumerate(point))
        said = f"; {why}" if why else ""
        which = f"{first.input} ({first.input_name})"
        raise Mistake(
            tr(
                f"check_rules names the rule for input {which} at {at}: it gives "
                f"{first.analytic:.6g}, central differences {first.numeric:.6g}{said}",
                f"check_rules가 {at}에서 입력 {which}의 규칙을 지목합니다: 규칙은 "
                f"{first.analytic:.6g}, 중심 차분은 {first.numeric:.6g}{said}",
            )
        )
    n = len(POINTS[name])
    return tr(
        f"check_rules finds every rule of my_{name} right at {n} points",
        f"check_rules: {n}개 점에서 my_{name}의 규칙이 모두 맞습니다",
    )


@check("3.1", tr("the two VJP rules of mul", "mul의 VJP 규칙 두 개"))
def mul(rule_a: Any, rule_b: Any) -> str:
    """mul's rules: g·b for a, g·a for b."""
    return _check_op("mul", [rule_a, rule_b])


@check("3.2", tr("the VJP rule of tanh", "tanh의 VJP 규칙"))
def tanh(rule: Any) -> str:
    """tanh's rule: g·(1 − out²)."""
    return _check_op("tanh", [rule])


@check("3.3", tr("the VJP rule of sigmoid", "sigmoid의 VJP 규칙"))
def sigmoid(rule: Any) -> str:
    """sigmoid's rule: g·out·(1 − out)."""
    return _check_op("sigmoid", [rule])


@check("3.4", tr("the VJP rule of relu", "relu의 VJP 규칙"))
def relu(rule: Any) -> str:
    """relu's rule: g where a > 0, else 0."""
    return _check_op("relu", [rule])


@check("3.5", tr("the two VJP rules of pow (a ** b)", "pow (a ** b)의 VJP 규칙 두 개"))
def pow(rule_a: Any, rule_b: Any) -> str:
    """pow's rules: g·b·a^(b−1) for a, g·out·ln a for b."""
    return _check_op("pow", [rule_a, rule_b])

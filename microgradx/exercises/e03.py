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

from .. import ops
from ..engine import Value, _apply1, _apply2
from ..rulecheck import check_rules
from ._core import Mistake, check, close

Rule = Callable[..., Any]


def _sigmoid(a: float) -> float:
    return ops.sigmoid_forward(a)


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
        "it multiplies g by a, the input itself: ∂(a·b)/∂a is the *other* input, b": (
            lambda g, out, a, b: g * a
        ),
        "it returns b without g: the chain rule multiplies the upstream g by ∂out/∂a = b": (
            lambda g, out, a, b: b
        ),
    },
    ("mul", 1): {
        "it multiplies g by b, the input itself: ∂(a·b)/∂b is the *other* input, a": (
            lambda g, out, a, b: g * b
        ),
        "it returns a without g: the chain rule multiplies the upstream g by ∂out/∂b = a": (
            lambda g, out, a, b: a
        ),
    },
    ("tanh", 0): {
        "it uses out where the derivative is 1 − out² (tanh′ = 1 − tanh²)": (
            lambda g, out, a: g * out
        ),
        "it uses 1 − out: the derivative squares it, 1 − out²": lambda g, out, a: g * (1 - out),
        "it uses 1 − a², the input squared: the derivative is 1 − tanh(a)² = 1 − out²": (
            lambda g, out, a: g * (1 - a * a)
        ),
        "it returns 1 − out² without g: multiply by the upstream gradient g": (
            lambda g, out, a: 1 - out * out
        ),
    },
    ("sigmoid", 0): {
        "it uses out alone: σ′ = σ·(1 − σ) = out·(1 − out)": lambda g, out, a: g * out,
        "it uses 1 − out alone: σ′ = out·(1 − out)": lambda g, out, a: g * (1 - out),
        "it uses the input a for out: σ′ = out·(1 − out), with out = σ(a)": (
            lambda g, out, a: g * a * (1 - a)
        ),
        "it returns out·(1 − out) without g: multiply by the upstream gradient g": (
            lambda g, out, a: out * (1 - out)
        ),
    },
    ("relu", 0): {
        "it returns g everywhere: relu′ is 0 where a < 0 (the unit is off)": (lambda g, out, a: g),
        "it multiplies g by a: relu′ is a step, 1 where a > 0 and 0 elsewhere": (
            lambda g, out, a: g * a
        ),
        "it multiplies g by out = relu(a): relu′ is 1 where a > 0, not the output": (
            lambda g, out, a: g * out
        ),
        "the step is the wrong way round: relu′ is 1 where a > 0, 0 where a < 0": (
            lambda g, out, a: g * (1.0 if a < 0 else 0.0)
        ),
        "it returns the step without g: multiply by the upstream gradient g": (
            lambda g, out, a: 1.0 if a > 0 else 0.0
        ),
    },
    ("pow", 0): {
        "it keeps the exponent b: d(aᵇ)/da = b·a^(b − 1), the power drops by one": (
            lambda g, out, a, b: g * b * a**b
        ),
        "it forgets the factor b: d(aᵇ)/da = b·a^(b − 1)": lambda g, out, a, b: g * a ** (b - 1),
        "it returns b·a^(b − 1) without g: multiply by the upstream gradient g": (
            lambda g, out, a, b: b * a ** (b - 1)
        ),
    },
    ("pow", 1): {
        "it forgets ln a: d(aᵇ)/db = aᵇ·ln a = out·ln a": lambda g, out, a, b: g * out,
        "it forgets out: d(aᵇ)/db = out·ln a": lambda g, out, a, b: g * math.log(a),
        "it differentiates as if b were the base, b·a^(b−1): for the exponent it is out·ln a": (
            lambda g, out, a, b: g * b * a ** (b - 1)
        ),
        "it returns out·ln a without g: multiply by the upstream gradient g": (
            lambda g, out, a, b: out * math.log(a)
        ),
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
    """The learner's rules on the op's forward, as a user-defined primitive."""
    forward = FORWARDS[name]
    op = ops.Op(f"my_{name}", len(rules), forward, tuple(rules), f"my_{name}")
    if op.arity == 1:
        return lambda a: _apply1(op, a)
    return lambda a, b: _apply2(op, a, b)


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
            raise Mistake(f"input {j}'s rule should be a function (g, out, *inputs) -> number")
    probe = POINTS[name][0]
    for j, rule in enumerate(rules):  # a rule still to write says so, not "rule raised"
        try:
            rule(1.0, FORWARDS[name](*probe), *probe)
        except NotImplementedError:
            raise
        except Exception as e:
            raise Mistake(f"input {j}'s rule raised {type(e).__name__}: {e}") from None
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
        raise Mistake(
            f"check_rules names the rule for input {first.input} ({first.input_name}) at {at}: "
            f"it gives {first.analytic:.6g}, central differences {first.numeric:.6g}{said}"
        )
    return f"check_rules finds every rule of my_{name} right at {len(POINTS[name])} points"


@check("3.1", "the two VJP rules of mul")
def mul(rule_a: Any, rule_b: Any) -> str:
    """mul's rules: g·b for a, g·a for b."""
    return _check_op("mul", [rule_a, rule_b])


@check("3.2", "the VJP rule of tanh")
def tanh(rule: Any) -> str:
    """tanh's rule: g·(1 − out²)."""
    return _check_op("tanh", [rule])


@check("3.3", "the VJP rule of sigmoid")
def sigmoid(rule: Any) -> str:
    """sigmoid's rule: g·out·(1 − out)."""
    return _check_op("sigmoid", [rule])


@check("3.4", "the VJP rule of relu")
def relu(rule: Any) -> str:
    """relu's rule: g where a > 0, else 0."""
    return _check_op("relu", [rule])


@check("3.5", "the two VJP rules of pow (a ** b)")
def pow(rule_a: Any, rule_b: Any) -> str:
    """pow's rules: g·b·a^(b−1) for a, g·out·ln a for b."""
    return _check_op("pow", [rule_a, rule_b])

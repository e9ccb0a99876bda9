"""Checks of exercise 2: forward, backward and central differences, and their error's order.

Each difference is compared with the formula at points and steps where the formulas differ;
a wrong one is named by what it computes instead (the other formula, a flipped sign, a
missing 2). The order check fits the slope of log error against log h itself and compares it
with the learner's fit: 1 for the one-sided formulas, 2 for the central one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..course import tr
from ._core import Mistake, call, check, close, number

Diff = Callable[[Callable[[float], float], float, float], float]


def _forward(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x)) / h


def _backward(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x) - f(x - h)) / h


def _central(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


FORMULAS: dict[str, Diff] = {"forward": _forward, "backward": _backward, "central": _central}
_KO = {"forward": "전진 차분", "backward": "후진 차분", "central": "중심 차분"}
_TEXT = {
    "forward": "(f(x + h) − f(x)) / h",
    "backward": "(f(x) − f(x − h)) / h",
    "central": "(f(x + h) − f(x − h)) / 2h",
}


def _variants(kind: str) -> dict[str, Diff]:
    """What a wrong difference often computes instead, by the mistake's description."""
    right = FORMULAS[kind]
    found: dict[str, Diff] = {
        tr(f"the {other} difference {_TEXT[other]}", f"{_KO[other]} {_TEXT[other]}"): FORMULAS[
            other
        ]
        for other in FORMULAS
        if other != kind
    }
    flipped = tr("the right formula with its sign flipped", "부호가 뒤집힌 공식")
    found[flipped] = lambda f, x, h: -right(f, x, h)
    if kind == "central":
        two = tr(
            "(f(x + h) − f(x − h)) / h: the two points are 2h apart, divide by 2h",
            "(f(x + h) − f(x − h)) / h: 두 점은 2h 떨어져 있으니 2h로 나누세요",
        )
        found[two] = lambda f, x, h: 2 * right(f, x, h)
    else:
        half = tr("the right difference divided by 2h instead of h", "h가 아니라 2h로 나눈 차분")
        found[half] = lambda f, x, h: right(f, x, h) / 2
    return found


def _check_difference(diff: Any, kind: str) -> str:
    cases = [(math.exp, 0.3, 0.1), (math.sin, 1.0, 0.05), (lambda t: t**3, -0.7, 0.2)]
    names = ["exp", "sin", "t³"]
    for (f, x, h), fname in zip(cases, names, strict=True):
        got = number(call(diff, f"{kind}_difference", f, x, h), f"{kind}_difference({fname}, …)")
        want = FORMULAS[kind](f, x, h)
        if close(got, want, rel=1e-9):
            continue
        at = f"f = {fname}, x = {x}, h = {h}"
        for why, variant in _variants(kind).items():
            if close(got, variant(f, x, h), rel=1e-9):
                raise Mistake(
                    tr(f"for {at} it computes {why}", f"{at}에서 계산한 것은 {why}입니다")
                )
        raise Mistake(
            tr(
                f"for {at} it gives {got:.10g}; {_TEXT[kind]} is {want:.10g}",
                f"{at}에서 {got:.10g}이지만 {_TEXT[kind]} = {want:.10g}입니다",
            )
        )
    return tr(f"{kind}_difference computes {_TEXT[kind]}", f"{kind}_difference = {_TEXT[kind]}")


@check("2.1", "forward_difference(f, x, h)")
def forward(forward_difference: Any) -> str:
    """The learner's forward difference against (f(x + h) − f(x)) / h."""
    return _check_difference(forward_difference, "forward")


@check("2.2", "backward_difference(f, x, h)")
def backward(backward_difference: Any) -> str:
    """The learner's backward difference against (f(x) − f(x − h)) / h."""
    return _check_difference(backward_difference, "backward")


@check("2.3", "central_difference(f, x, h)")
def central(central_difference: Any) -> str:
    """The learner's central difference against (f(x + h) − f(x − h)) / 2h."""
    return _check_difference(central_difference, "central")


HS = [10.0**-k for k in np.arange(1.0, 4.01, 0.5)]
"""Steps in the truncation regime for exp at 1: round-off is still far below."""


def slope(hs: list[float], errors: list[float]) -> float:
    """The least-squares slope of log(error) against log(h)."""
    fit = np.polyfit(np.log(hs), np.log(errors), 1)
    return float(fit[0])


@check(
    "2.4",
    tr(
        "error_order: the slope of log error against log h",
        "error_order: log h에 대한 log 오차의 기울기",
    ),
)
def order(error_order: Any) -> str:
    """The learner's fit, given the check's differences: about 1 (forward) and 2 (central)."""
    for kind, expected in (("forward", 1.0), ("central", 2.0)):
        diff = FORMULAS[kind]
        args = (diff, math.exp, math.exp, 1.0, list(HS))
        got = number(call(error_order, "error_order", *args), f"error_order({kind}, …)")
        errors = [abs(diff(math.exp, 1.0, h) - math.e) for h in HS]
        ours = slope(HS, errors)
        if close(got, ours, rel=0.02):
            continue
        name = tr(f"the {kind} difference", _KO[kind])
        if close(got, 1.0 / ours, rel=0.02):
            raise Mistake(
                tr(
                    f"for {name} you get {got:.3g} = 1/{ours:.3g}: you fitted log h against log "
                    "error; fit log error (y) against log h (x)",
                    f"{name}에서 {got:.3g} = 1/{ours:.3g}: log 오차에 대해 log h를 맞췄습니다. "
                    "log h(x)에 대해 log 오차(y)를 맞추세요",
                )
            )
        if close(got, -ours, rel=0.02):
            raise Mistake(
                tr(
                    f"for {name} you get {got:.3g}: the sign is flipped (the error shrinks as h "
                    "shrinks, so the slope is positive); fit log error against log h",
                    f"{name}에서 {got:.3g}: 부호가 뒤집혔습니다 (h가 줄면 오차도 줄어드니 "
                    "기울기는 양수입니다)",
                )
            )
        raw = float(np.polyfit(HS, errors, 1)[0])
        if close(got, raw, rel=0.02):
            raise Mistake(
                tr(
                    f"for {name} you get {got:.3g}, the slope of the raw errors; fit log error "
                    "against log h, where a power law is a straight line",
                    f"{name}에서 {got:.3g}: 로그를 취하지 않은 오차의 기울기입니다. 거듭제곱 "
                    "법칙이 직선이 되는 log h와 log 오차로 맞추세요",
                )
            )
        raise Mistake(
            tr(
                f"for {name} of exp at x = 1, h from 1e-1 to 1e-4, you get {got:.3g}; the slope "
                f"of log error against log h is {ours:.3g} (about {expected:g})",
                f"x = 1에서 exp의 {name}, h = 1e-1 … 1e-4: {got:.3g}이지만 log 오차의 기울기는 "
                f"{ours:.3g} (약 {expected:g})입니다",
            )
        )
    return tr(
        "forward differences have error order 1, central differences order 2",
        "전진 차분의 오차는 1차, 중심 차분은 2차입니다",
    )

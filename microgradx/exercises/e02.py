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

from ._core import Mistake, call, check, close, number

Diff = Callable[[Callable[[float], float], float, float], float]


def _forward(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x)) / h


def _backward(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x) - f(x - h)) / h


def _central(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


FORMULAS: dict[str, Diff] = {"forward": _forward, "backward": _backward, "central": _central}
_TEXT = {
    "forward": "(f(x + h) − f(x)) / h",
    "backward": "(f(x) − f(x − h)) / h",
    "central": "(f(x + h) − f(x − h)) / 2h",
}


def _variants(kind: str) -> dict[str, Diff]:
    """What a wrong difference often computes instead, by the mistake's description."""
    right = FORMULAS[kind]
    found: dict[str, Diff] = {
        f"the {other} difference {_TEXT[other]}": FORMULAS[other]
        for other in FORMULAS
        if other != kind
    }
    found["the right formula with its sign flipped"] = lambda f, x, h: -right(f, x, h)
    if kind == "central":
        found["(f(x + h) − f(x − h)) / h: the two points are 2h apart, divide by 2h"] = (
            lambda f, x, h: 2 * right(f, x, h)
        )
    else:
        found["the right difference divided by 2h instead of h"] = lambda f, x, h: (
            right(f, x, h) / 2
        )
    return found


def _check_difference(diff: Any, kind: str) -> str:
    cases = [(math.exp, 0.3, 0.1), (math.sin, 1.0, 0.05), (lambda t: t**3, -0.7, 0.2)]
    names = ["exp", "sin", "t³"]
    for (f, x, h), fname in zip(cases, names, strict=True):
        got = number(call(diff, f"{kind}_difference", f, x, h), f"{kind}_difference({fname}, …)")
        want = FORMULAS[kind](f, x, h)
        if close(got, want, rel=1e-9):
            continue
        for why, variant in _variants(kind).items():
            if close(got, variant(f, x, h), rel=1e-9):
                raise Mistake(f"for f = {fname}, x = {x}, h = {h} it computes {why}")
        raise Mistake(
            f"for f = {fname}, x = {x}, h = {h} it gives {got:.10g}; {_TEXT[kind]} is {want:.10g}"
        )
    return f"{kind}_difference computes {_TEXT[kind]}"


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


@check("2.4", "error_order(difference, f, df, x, hs): the slope of log error against log h")
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
        if close(got, 1.0 / ours, rel=0.02):
            raise Mistake(
                f"for the {kind} difference you get {got:.3g} = 1/{ours:.3g}: you fitted log h "
                "against log error; fit log error (y) against log h (x)"
            )
        if close(got, -ours, rel=0.02):
            raise Mistake(
                f"for the {kind} difference you get {got:.3g}: the sign is flipped (error "
                "shrinks as h shrinks, so the slope is positive); fit log error against log h"
            )
        raw = float(np.polyfit(HS, errors, 1)[0])
        if close(got, raw, rel=0.02):
            raise Mistake(
                f"for the {kind} difference you get {got:.3g}, the slope of the raw errors; "
                "fit log error against log h, where a power law is a straight line"
            )
        raise Mistake(
            f"for the {kind} difference of exp at x = 1, h from 1e-1 to 1e-4, you get "
            f"{got:.3g}; the slope of log error against log h is {ours:.3g} (about {expected:g})"
        )
    return "forward differences have error order 1, central differences order 2"

"""Checks of exercise 1, derivatives by hand: predict a number, then let ``backward()`` check it.

The notes' two chain-rule examples: z = t², t = 2x + y (∂z/∂x = 8x + 4y) and z = t², t = x + y
(∂z/∂x = 2(x + y)). Each check computes the true value with the library and, when the answer
is wrong, names the quantity the answer actually is (z, t, ∂z/∂t, …).
"""

from __future__ import annotations

import random
from typing import Any

from ..course import tr
from ..engine import Value
from ._core import Mistake, call, check, close, number

X, Y = 1.0, 1.0
"""The point of the first example: t = 2x + y = 3, z = 9."""

X2, Y2 = 2.0, -0.5
"""The point of the second example: t = x + y = 1.5, z = 2.25."""


def _first(x: float, y: float) -> tuple[Value, Value, Value, Value]:
    vx, vy = Value(x, label="x"), Value(y, label="y")
    t = 2 * vx + vy
    z = t * t
    z.backward()
    return vx, vy, t, z


def _name_it(answer: float, known: dict[str, float], what: str) -> str:
    """Say which other quantity the answer equals, or that it is none of them."""
    for name, value in known.items():
        if close(answer, value):
            return tr(
                f"{answer:g} is {name}, not {what}",
                f"{answer:g}은(는) {name}이지 {what}가 아닙니다",
            )
    return tr(
        f"{answer:g} is not {what}; work it out step by step",
        f"{answer:g}은(는) {what}가 아닙니다. 한 단계씩 다시 계산해 보세요",
    )


@check("1.1", tr("∂z/∂t and ∂t/∂x of z = t², t = 2x + y at (1, 1)", "(1, 1)에서 ∂z/∂t와 ∂t/∂x"))
def local_derivatives(dz_dt: Any, dt_dx: Any) -> str:
    """Predicted ∂z/∂t (= 2t) and ∂t/∂x (= 2) at x = y = 1."""
    a, b = number(dz_dt, "dz_dt"), number(dt_dx, "dt_dx")
    t = 2 * X + Y
    if not close(a, 2 * t):
        names = {t: tr("t itself", "t 자체"), t * t: "z = t²", 2.0: "∂t/∂x"}
        said = f" ({names[a]})" if a in names else ""
        raise Mistake(
            tr(
                f"dz_dt = {a:g}{said}: the derivative of t² is 2t, and t = 2·1 + 1 = {t:g}",
                f"dz_dt = {a:g}{said}: t²의 미분은 2t이고, t = 2·1 + 1 = {t:g}입니다",
            )
        )
    if not close(b, 2.0):
        raise Mistake(
            tr(
                f"dt_dx = {b:g}: t = 2x + y grows by 2 when x grows by 1 (y fixed)",
                f"dt_dx = {b:g}: t = 2x + y는 x가 1 늘면 2만큼 늘어납니다 (y는 고정)",
            )
        )
    return tr(f"∂z/∂t = 2t = {a:g} and ∂t/∂x = {b:g}", f"∂z/∂t = 2t = {a:g}, ∂t/∂x = {b:g}")


def _agrees(a: float, v: Value, name: str) -> str:
    return tr(
        f"{name} = {a:g}; backward() agrees: {v.label}.grad = {v.grad:g}",
        f"{name} = {a:g}: backward()도 같습니다 ({v.label}.grad = {v.grad:g})",
    )


@check(
    "1.2", tr("∂z/∂x of z = (2x + y)² at (1, 1), by the chain rule", "(1, 1)에서 ∂z/∂x (연쇄 법칙)")
)
def dz_dx_number(dz_dx: Any) -> str:
    """Predicted ∂z/∂x = ∂z/∂t · ∂t/∂x at x = y = 1."""
    a = number(dz_dx, "dz_dx")
    x, _, t, z = _first(X, Y)
    if not close(a, x.grad):
        known = {
            tr("∂z/∂t (multiply by ∂t/∂x = 2)", "∂z/∂t (∂t/∂x = 2를 곱하세요)"): 2 * t.data,
            "z": z.data,
            "t": t.data,
            tr("∂t/∂x alone", "∂t/∂x만"): 2.0,
        }
        raise Mistake(_name_it(a, known, "∂z/∂x = ∂z/∂t · ∂t/∂x"))
    return _agrees(a, x, "∂z/∂x")


@check("1.3", tr("∂z/∂y of z = (2x + y)² at (1, 1)", "(1, 1)에서 ∂z/∂y"))
def dz_dy_number(dz_dy: Any) -> str:
    """Predicted ∂z/∂y = ∂z/∂t · ∂t/∂y at x = y = 1."""
    a = number(dz_dy, "dz_dy")
    x, y, t, z = _first(X, Y)
    if not close(a, y.grad):
        known = {
            tr("∂z/∂x (but ∂t/∂y = 1, not 2)", "∂z/∂x (그런데 ∂t/∂y = 1, 2가 아닙니다)"): x.grad,
            "z": z.data,
            "t": t.data,
        }
        raise Mistake(_name_it(a, known, "∂z/∂y = ∂z/∂t · ∂t/∂y"))
    return _agrees(a, y, "∂z/∂y")


@check("1.4", tr("∂z/∂x of z = (2x + y)² as a formula in x and y", "∂z/∂x를 x, y의 식으로"))
def dz_dx_formula(dz_dx: Any) -> str:
    """The learner's function dz_dx(x, y) at random points against backward()."""
    r = random.Random(14)
    for _ in range(10):
        px, py = r.uniform(-3, 3), r.uniform(-3, 3)
        got = number(call(dz_dx, "dz_dx", px, py), f"dz_dx({px:.3g}, {py:.3g})")
        x, _, t, _ = _first(px, py)
        if close(got, x.grad):
            continue
        t_ = t.data
        named = {
            2 * t_: tr(
                "2t = 2(2x + y) = 4x + 2y: the chain rule's ∂t/∂x = 2 is missing",
                "2t = 2(2x + y) = 4x + 2y: 연쇄 법칙의 ∂t/∂x = 2가 빠졌습니다",
            ),
            t_: tr(
                "t = 2x + y itself: differentiate t² (2t) and multiply by ∂t/∂x = 2",
                "t = 2x + y 자체: t²을 미분하고(2t) ∂t/∂x = 2를 곱하세요",
            ),
            8 * t_: tr(
                "twice too large: 2t · 2 = 8x + 4y, no more factors",
                "두 배 큽니다: 2t · 2 = 8x + 4y, 더 곱할 것은 없습니다",
            ),
        }
        at = f"x = {px:.3g}, y = {py:.3g}"
        for value, why in named.items():
            if close(got, value):
                raise Mistake(
                    tr(f"at {at} it gives {got:.6g}, which is {why}", f"{at}에서 {got:.6g}: {why}")
                )
        raise Mistake(
            tr(
                f"at {at} it gives {got:.6g}; backward() says {x.grad:.6g}",
                f"{at}에서 {got:.6g}이지만 backward()는 {x.grad:.6g}입니다",
            )
        )
    return tr(
        "dz_dx(x, y) matches backward() at 10 random points",
        "무작위 10개 점에서 backward()와 같습니다",
    )


@check(
    "1.5", tr("∂z/∂x of z = t², t = x + y at (2, −0.5)", "z = t², t = x + y의 (2, −0.5)에서 ∂z/∂x")
)
def second_example(dz_dx: Any) -> str:
    """Predicted ∂z/∂x = 2(x + y) at x = 2, y = −0.5."""
    a = number(dz_dx, "dz_dx")
    x, y = Value(X2, label="x"), Value(Y2, label="y")
    t = x + y
    z = t * t
    z.backward()
    if not close(a, x.grad):
        known = {
            tr(
                "2x: y is part of t, so the derivative is 2t = 2(x + y)",
                "2x: y도 t의 일부이므로 미분은 2t = 2(x + y)",
            ): 2 * X2,
            tr("z itself", "z 자체"): z.data,
            tr("t: differentiate t² to 2t", "t: t²을 미분하면 2t"): t.data,
            tr("∂t/∂x alone: multiply by ∂z/∂t = 2t", "∂t/∂x만: ∂z/∂t = 2t를 곱하세요"): 1.0,
        }
        raise Mistake(_name_it(a, known, "∂z/∂x = 2(x + y)"))
    return _agrees(a, x, "∂z/∂x")

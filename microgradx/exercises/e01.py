"""Checks of exercise 1, derivatives by hand: predict a number, then let ``backward()`` check it.

The notes' two chain-rule examples: z = t², t = 2x + y (∂z/∂x = 8x + 4y) and z = t², t = x + y
(∂z/∂x = 2(x + y)). Each check computes the true value with the library and, when the answer
is wrong, names the quantity the answer actually is (z, t, ∂z/∂t, …).
"""

from __future__ import annotations

import random
from typing import Any

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


def _name_it(answer: float, true: float, known: dict[str, float], what: str) -> str:
    """Say which other quantity the answer equals, or how far it is."""
    for name, value in known.items():
        if close(answer, value):
            return f"{answer:g} is {name}, not {what}"
    return (
        f"{answer:g} is not {what}; work it out step by step (the check knows it is not {true:g})"
    )


@check("1.1", "the local derivatives ∂z/∂t and ∂t/∂x of z = t², t = 2x + y at (1, 1)")
def local_derivatives(dz_dt: Any, dt_dx: Any) -> str:
    """Predicted ∂z/∂t (= 2t) and ∂t/∂x (= 2) at x = y = 1."""
    a, b = number(dz_dt, "dz_dt"), number(dt_dx, "dt_dx")
    t = 2 * X + Y
    if not close(a, 2 * t):
        hint = {t: "t itself", t * t: "z = t²", 2.0: "∂t/∂x"}.get(a, "")
        said = f" ({hint})" if hint else ""
        raise Mistake(f"dz_dt = {a:g}{said}: the derivative of t² is 2t, and t = 2·1 + 1 = {t:g}")
    if not close(b, 2.0):
        raise Mistake(f"dt_dx = {b:g}: t = 2x + y grows by 2 when x grows by 1 (y fixed)")
    return f"∂z/∂t = 2t = {a:g} and ∂t/∂x = {b:g}"


@check("1.2", "∂z/∂x of z = (2x + y)² at (1, 1) by the chain rule")
def dz_dx_number(dz_dx: Any) -> str:
    """Predicted ∂z/∂x = ∂z/∂t · ∂t/∂x at x = y = 1."""
    a = number(dz_dx, "dz_dx")
    x, _, t, z = _first(X, Y)
    if not close(a, x.grad):
        known = {"∂z/∂t (multiply by ∂t/∂x = 2)": 2 * t.data, "z": z.data, "t": t.data}
        known["∂t/∂x alone"] = 2.0
        raise Mistake(_name_it(a, x.grad, known, "∂z/∂x = ∂z/∂t · ∂t/∂x"))
    return f"∂z/∂x = {a:g}; backward() agrees: x.grad = {x.grad:g}"


@check("1.3", "∂z/∂y of z = (2x + y)² at (1, 1)")
def dz_dy_number(dz_dy: Any) -> str:
    """Predicted ∂z/∂y = ∂z/∂t · ∂t/∂y at x = y = 1."""
    a = number(dz_dy, "dz_dy")
    x, y, t, z = _first(X, Y)
    if not close(a, y.grad):
        known = {"∂z/∂x (but ∂t/∂y = 1, not 2)": x.grad, "z": z.data, "t": t.data}
        raise Mistake(_name_it(a, y.grad, known, "∂z/∂y = ∂z/∂t · ∂t/∂y"))
    return f"∂z/∂y = {a:g}; backward() agrees: y.grad = {y.grad:g}"


@check("1.4", "∂z/∂x of z = (2x + y)² as a formula in x and y (8x + 4y)")
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
        named = {2 * t_: "2t = 2(2x + y) = 4x + 2y: the chain rule's ∂t/∂x = 2 is missing"}
        named[t_] = "t = 2x + y itself: differentiate t² (2t) and multiply by ∂t/∂x = 2"
        named[4 * t_ * 2] = "twice too large: 2t · 2 = 8x + 4y, no more factors"
        for value, why in named.items():
            if close(got, value):
                raise Mistake(f"at x = {px:.3g}, y = {py:.3g} it gives {got:.6g}, which is {why}")
        raise Mistake(
            f"at x = {px:.3g}, y = {py:.3g} it gives {got:.6g}; backward() says {x.grad:.6g}"
        )
    return "dz_dx(x, y) matches backward() at 10 random points"


@check("1.5", "∂z/∂x of z = t², t = x + y at (2, −0.5) (the other note's example)")
def second_example(dz_dx: Any) -> str:
    """Predicted ∂z/∂x = 2(x + y) at x = 2, y = −0.5."""
    a = number(dz_dx, "dz_dx")
    x, y = Value(X2, label="x"), Value(Y2, label="y")
    t = x + y
    z = t * t
    z.backward()
    if not close(a, x.grad):
        known = {
            "2x: y is part of t, so the derivative is 2t = 2(x + y)": 2 * X2,
            "z itself": z.data,
            "t: differentiate t² to 2t": t.data,
            "∂t/∂x alone: multiply by ∂z/∂t = 2t": 1.0,
        }
        raise Mistake(_name_it(a, x.grad, known, "∂z/∂x = 2(x + y)"))
    return f"∂z/∂x = 2(x + y) = {a:g}; backward() agrees: x.grad = {x.grad:g}"

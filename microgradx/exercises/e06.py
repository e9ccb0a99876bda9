"""Checks of exercise 6: SGD with momentum and Adam, written by the learner, step by step.

The learner's optimizer and ``microgradx.optim``'s run side by side on one small problem; the
parameters are compared after every step. When they part, the learner's trajectory is
compared with optimizers that have the classic mistakes built in (no velocity kept, a damped
average, a missing bias correction, t counted from 0 or never advanced, eps under the root),
and the first that matches is named.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..course import tr
from ..engine import Value
from ..optim import Adam, Momentum
from ._core import Mistake, check, close

STEPS = 6
Update = Callable[[float, float, dict[str, float], int], float]  # (p, g, state, t) -> new p


def _loss(p: list[Value]) -> Value:
    """A small curved problem with coupled parameters (a valley, not a bowl)."""
    return (p[0] - 3.0) ** 2 + (p[1] * p[2] - 1.0) ** 2 + 0.1 * p[2] ** 4


def trajectory(make: Callable[[list[Value]], Any], steps: int = STEPS) -> list[list[float]]:
    """The parameters after each step of the optimizer ``make(params)`` on the problem."""
    params = [Value(1.0, label="p0"), Value(-2.0, label="p1"), Value(0.5, label="p2")]
    opt = make(params)
    path = []
    for _ in range(steps):
        loss = _loss(params)
        for p in params:
            p.grad = 0.0
        loss.backward()
        opt.step()
        path.append([float(p.data) for p in params])
    return path


class _Variant:
    """An optimizer from one update function of (p, g, state, t): the mistakes' catalogue."""

    def __init__(self, params: list[Value], update: Update) -> None:
        self.params, self.update = params, update
        self.state: list[dict[str, float]] = [{} for _ in params]
        self.t = 0

    def step(self) -> None:
        self.t += 1
        for p, s in zip(self.params, self.state, strict=True):
            p.data = self.update(p.data, float(p.grad), s, self.t)


def _momentum(lr: float, mu: float, kind: str) -> Update:
    def update(p: float, g: float, s: dict[str, float], t: int) -> float:
        v = s.get("v", 0.0)
        if kind == "no velocity":
            v = g
        elif kind == "damped":
            v = mu * v + (1 - mu) * g
        else:
            v = mu * v + g
        s["v"] = v
        return p + lr * v if kind == "wrong sign" else p - lr * v

    return update


def _adam(lr: float, b1: float, b2: float, eps: float, kind: str) -> Update:
    def update(p: float, g: float, s: dict[str, float], t: int) -> float:
        m = b1 * s.get("m", 0.0) + (1 - b1) * g
        v = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        s["m"], s["v"] = m, v
        if kind == "t stays 1":
            t = 1
        m_hat = m if kind in ("no correction", "no m correction") else m / (1 - b1**t)
        v_hat = v if kind in ("no correction", "no v correction") else v / (1 - b2**t)
        if kind == "eps under the root":
            return p - lr * m_hat / math.sqrt(v_hat + eps)
        return p - lr * m_hat / (math.sqrt(v_hat) + eps)

    return update


def _variant_paths(updates: dict[str, Update]) -> dict[str, list[list[float]]]:
    """The trajectory of each mistaken optimizer, by the sentence that names its mistake."""
    paths = {}
    for why, update in updates.items():

        def make(ps: list[Value], update: Update = update) -> _Variant:
            return _Variant(ps, update)

        paths[why] = trajectory(make)
    return paths


def _first_difference(a: list[list[float]], b: list[list[float]]) -> int | None:
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        if not all(close(u, w, rel=1e-8, abs_=1e-12) for u, w in zip(x, y, strict=True)):
            return k
    return None


def _run_theirs(make: Callable[[list[Value]], Any], name: str) -> list[list[float]]:
    try:
        return trajectory(make)
    except NotImplementedError:
        raise
    except ZeroDivisionError as e:
        raise Mistake(
            tr(
                f"{name} raised ZeroDivisionError ({e}): is t counted from 0? The first step "
                "is t = 1, where 1 − βᵗ is not 0",
                f"{name}에서 ZeroDivisionError ({e}): t를 0부터 세나요? 첫 단계는 t = 1이고, "
                "그때 1 − βᵗ은 0이 아닙니다",
            )
        ) from None
    except Exception as e:
        raised = f"{type(e).__name__}: {e}"
        raise Mistake(tr(f"{name} raised {raised}", f"{name}에서 오류: {raised}")) from None


def _verdict(
    theirs: list[list[float]], ours: list[list[float]], variants: dict[str, list[list[float]]]
) -> None:
    k = _first_difference(theirs, ours)
    if k is None:
        return
    for why, path in variants.items():
        if _first_difference(theirs, path) is None:
            raise Mistake(why)
    shown = ", ".join(f"{x:.6g}" for x in theirs[k])
    right = ", ".join(f"{x:.6g}" for x in ours[k])
    raise Mistake(
        tr(
            f"after step {k + 1} the parameters are [{shown}]; they should be [{right}]",
            f"{k + 1}단계 후 매개변수가 [{shown}]입니다. [{right}]이어야 합니다",
        )
    )


@check("6.1", tr("SGD with momentum against optim.Momentum", "모멘텀 SGD (optim.Momentum과 비교)"))
def momentum(MyMomentum: Any) -> str:
    """The learner's Momentum(params, lr, momentum) equals the library's for every step."""
    lr, mu = 0.05, 0.9
    theirs = _run_theirs(lambda ps: MyMomentum(ps, lr=lr, momentum=mu), "MyMomentum")
    ours = trajectory(lambda ps: Momentum(ps, lr=lr, momentum=mu))
    why = {
        "no velocity": tr(
            "it moves as plain SGD: the velocity v is not kept from one step to the next "
            "(store it per parameter: v ← μ·v + g)",
            "그냥 SGD처럼 움직입니다: 속도 v가 다음 단계로 이어지지 않습니다 "
            "(매개변수마다 저장하세요: v ← μ·v + g)",
        ),
        "damped": tr(
            "it averages, v ← μ·v + (1 − μ)·g: the notes' (and torch's) momentum adds the "
            "whole gradient, v ← μ·v + g",
            "v ← μ·v + (1 − μ)·g로 평균을 냅니다: 노트의(그리고 torch의) 모멘텀은 기울기 "
            "전체를 더합니다, v ← μ·v + g",
        ),
        "wrong sign": tr(
            "it climbs: the step is p ← p − lr·v (minus)", "올라갑니다: 갱신은 p ← p − lr·v (빼기)"
        ),
    }
    variants = _variant_paths({text: _momentum(lr, mu, k) for k, text in why.items()})
    _verdict(theirs, ours, variants)
    return tr(
        f"{STEPS} steps of momentum match microgradx.optim.Momentum",
        f"모멘텀 {STEPS}단계가 microgradx.optim.Momentum과 같습니다",
    )


@check("6.2", tr("Adam against optim.Adam", "Adam (optim.Adam과 비교)"))
def adam(MyAdam: Any) -> str:
    """The learner's Adam(params, lr, betas, eps) equals the library's for every step."""
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    theirs = _run_theirs(lambda ps: MyAdam(ps, lr=lr, betas=(b1, b2), eps=eps), "MyAdam")
    ours = trajectory(lambda ps: Adam(ps, lr=lr, betas=(b1, b2), eps=eps))
    why = {
        "no correction": tr(
            "the bias correction is missing: m and v start at 0, so early steps are too small; "
            "divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ",
            "편향 보정이 빠졌습니다: m과 v가 0에서 시작해 처음 단계들이 너무 작습니다. m은 "
            "1 − β₁ᵗ로, v는 1 − β₂ᵗ로 나누세요",
        ),
        "no m correction": tr(
            "the bias correction of m is missing: divide m by 1 − β₁ᵗ",
            "m의 편향 보정이 빠졌습니다: m을 1 − β₁ᵗ로 나누세요",
        ),
        "no v correction": tr(
            "the bias correction of v is missing: divide v by 1 − β₂ᵗ",
            "v의 편향 보정이 빠졌습니다: v를 1 − β₂ᵗ로 나누세요",
        ),
        "t stays 1": tr(
            "t never advances: the bias corrections use the step count t = 1, 2, 3, …",
            "t가 늘지 않습니다: 편향 보정은 단계 수 t = 1, 2, 3, …을 씁니다",
        ),
        "eps under the root": tr(
            "eps is inside the square root: Adam divides by √v̂ + eps",
            "eps가 제곱근 안에 있습니다: Adam은 √v̂ + eps로 나눕니다",
        ),
    }
    variants = _variant_paths({text: _adam(lr, b1, b2, eps, k) for k, text in why.items()})
    _verdict(theirs, ours, variants)
    return tr(
        f"{STEPS} steps of Adam match microgradx.optim.Adam",
        f"Adam {STEPS}단계가 microgradx.optim.Adam과 같습니다",
    )

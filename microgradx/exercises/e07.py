"""Checks of exercise 7: the notes' 2-layer ReLU network with MSE, every ∂J/∂w by hand.

The network of the notes (no biases): n_m = Σ_n w¹_nm·x_n, h_m = ReLU(n_m),
y = n = Σ_m w²_m·h_m, J = (1/N) Σ_i (y_i − t_i)². The learner returns ∂J/∂w¹ (the shape of
W1: inputs × hidden) and ∂J/∂w²; autodiff on the same network is the oracle, entry by entry.
Wrong entries are listed, and the pattern is named when it is a classic one (a missing 1/N
or 2, a ReLU′ that is never 0, the sign of y − t, W1's indices swapped).
"""

from __future__ import annotations

from typing import Any

from ..course import tr
from ..engine import Value
from ._core import Mistake, call, check, close

W1 = [[0.5, -0.4], [-0.2, 0.6], [0.8, 0.1]]
"""w¹_nm: row n = input, column m = hidden unit (3 inputs, 2 hidden units)."""
W2 = [0.9, -1.2]
"""w²_m, one per hidden unit."""
X = [[1.0, 0.5, -1.0], [-0.5, 1.5, 0.5], [2.0, -1.0, 0.3], [0.2, 0.4, 1.1]]
"""N = 4 samples of 3 inputs; some hidden units are off (n_m < 0) for some samples."""
T = [0.5, -1.0, 1.5, 0.2]


def autodiff(
    W1: list[list[float]], W2: list[float], X: list[list[float]], T: list[float]
) -> tuple[list[list[float]], list[float]]:
    """∂J/∂w¹ and ∂J/∂w² by backward(): the oracle."""
    w1 = [[Value(w, label=f"w1_{n}{m}") for m, w in enumerate(row)] for n, row in enumerate(W1)]
    w2 = [Value(w, label=f"w2_{m}") for m, w in enumerate(W2)]
    total: Value | float = 0.0
    for x, t in zip(X, T, strict=True):
        hidden = [sum((w1[n][m] * x[n] for n in range(len(x))), Value(0.0)) for m in range(len(w2))]
        y = sum((w2[m] * h.relu() for m, h in enumerate(hidden)), Value(0.0))
        total = total + (y - t) ** 2
    J = total / len(X)
    assert isinstance(J, Value)
    J.backward()
    return [[float(w.grad) for w in row] for row in w1], [float(w.grad) for w in w2]


def by_formula(
    W1: list[list[float]],
    W2: list[float],
    X: list[list[float]],
    T: list[float],
    *,
    mean: bool = True,
    two: bool = True,
    relu_prime: bool = True,
    sign: float = 1.0,
) -> tuple[list[list[float]], list[float]]:
    """The notes' chain rule, with switches that build in the classic mistakes."""
    ni, nh = len(W1), len(W2)
    d1 = [[0.0] * nh for _ in range(ni)]
    d2 = [0.0] * nh
    for x, t in zip(X, T, strict=True):
        pre = [sum(W1[n][m] * x[n] for n in range(ni)) for m in range(nh)]
        h = [max(p, 0.0) for p in pre]
        y = sum(W2[m] * h[m] for m in range(nh))
        dy = (2.0 if two else 1.0) * sign * (y - t) / (len(X) if mean else 1.0)
        for m in range(nh):
            d2[m] += dy * h[m]
            common = dy * W2[m] * (1.0 if (pre[m] > 0 or not relu_prime) else 0.0)
            for n in range(ni):
                d1[n][m] += common * x[n]
    return d1, d2


def _flat(d1: list[list[float]], d2: list[float]) -> list[float]:
    return [v for row in d1 for v in row] + list(d2)


def _shape_ok(d1: Any, d2: Any) -> bool:
    rows = isinstance(d1, (list, tuple)) and len(d1) == len(W1)
    rows = rows and all(isinstance(r, (list, tuple)) and len(r) == len(W2) for r in d1)
    return rows and isinstance(d2, (list, tuple)) and len(d2) == len(W2)


@check(
    "7.1", tr("every ∂J/∂w of the 2-layer ReLU network, by hand", "2층 ReLU 신경망의 모든 ∂J/∂w")
)
def gradients(gradients_by_hand: Any) -> str:
    """The learner's (dW1, dw2) against autodiff, entry by entry."""
    got = call(gradients_by_hand, "gradients_by_hand", W1, W2, X, T)
    if not (isinstance(got, (tuple, list)) and len(got) == 2):
        raise Mistake(
            tr(
                "gradients_by_hand should return a pair (dW1, dw2)",
                "gradients_by_hand는 (dW1, dw2) 쌍을 돌려줘야 합니다",
            )
        )
    d1, d2 = got
    if not _shape_ok(d1, d2):
        transposed = isinstance(d1, (list, tuple)) and len(d1) == len(W2)
        if transposed and all(isinstance(r, (list, tuple)) and len(r) == len(W1) for r in d1):
            swapped = [[d1[m][n] for m in range(len(W2))] for n in range(len(W1))]
            right = _flat(*autodiff(W1, W2, X, T))
            if all(close(a, b) for a, b in zip(_flat(swapped, list(d2)), right, strict=False)):
                raise Mistake(
                    tr(
                        "dW1 has W1's indices swapped: dW1[n][m] is ∂J/∂w¹_nm (n = input)",
                        "dW1의 첨자가 W1과 뒤바뀌었습니다: dW1[n][m]이 ∂J/∂w¹_nm (n = 입력)",
                    )
                )
        rows, cols = len(W1), len(W2)
        raise Mistake(
            tr(
                f"dW1 should be {rows} lists of {cols} numbers (like W1), dw2 {cols} numbers",
                f"dW1은 W1처럼 숫자 {cols}개짜리 목록 {rows}개, dw2는 숫자 {cols}개여야 합니다",
            )
        )
    a1, a2 = autodiff(W1, W2, X, T)
    mine = [float(v) for v in _flat(d1, d2)]
    right = _flat(a1, a2)
    names = [f"dW1[{n}][{m}]" for n in range(len(W1)) for m in range(len(W2))]
    names += [f"dw2[{m}]" for m in range(len(W2))]
    wrong = [k for k, (a, b) in enumerate(zip(mine, right, strict=True)) if not close(a, b)]
    if not wrong:
        return tr(
            f"all {len(right)} partial derivatives match backward()",
            f"편미분 {len(right)}개가 모두 backward()와 같습니다",
        )
    patterns = {
        tr(
            f"every entry is N = {len(X)} times too large: J is a mean, keep its 1/N",
            f"모든 성분이 N = {len(X)}배 큽니다: J는 평균이니 1/N을 빼먹지 마세요",
        ): {"mean": False},
        tr(
            "every entry is half: d(y − t)²/dy = 2(y − t), keep the 2",
            "모든 성분이 절반입니다: d(y − t)²/dy = 2(y − t), 2를 빼먹지 마세요",
        ): {"two": False},
        tr(
            "the sign is flipped: ∂J/∂y = (2/N)(y − t), not (t − y)",
            "부호가 뒤집혔습니다: ∂J/∂y = (2/N)(y − t), (t − y)가 아닙니다",
        ): {"sign": -1.0},
        tr(
            "ReLU′ is taken as 1 everywhere: for a sample where n_m ≤ 0 the unit is off and "
            "ReLU′(n_m) = 0, so it adds nothing to ∂J/∂w¹_nm",
            "ReLU′를 어디서나 1로 두었습니다: n_m ≤ 0인 샘플에서는 유닛이 꺼져 "
            "ReLU′(n_m) = 0이므로 ∂J/∂w¹_nm에 아무것도 더하지 않습니다",
        ): {"relu_prime": False},
    }
    for why, switches in patterns.items():
        v1, v2 = by_formula(W1, W2, X, T, **switches)  # type: ignore[arg-type]
        if all(close(a, b) for a, b in zip(mine, _flat(v1, v2), strict=True)):
            raise Mistake(why)
    shown = "; ".join(f"{names[k]} = {mine[k]:.6g} (autodiff {right[k]:.6g})" for k in wrong[:4])
    more = tr(f" and {len(wrong) - 4} more", f" 외 {len(wrong) - 4}개") if len(wrong) > 4 else ""
    raise Mistake(
        tr(
            f"{len(wrong)} of {len(right)} entries are wrong: {shown}{more}",
            f"성분 {len(right)}개 중 {len(wrong)}개가 틀렸습니다: {shown}{more}",
        )
    )

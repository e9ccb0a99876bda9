"""Checks of exercise 5: the training loop by hand, ``zero_grad → backward → step``, on moons.

The learner's ``train(model, X, y, steps, lr)`` runs on a fresh model; the same model is also
trained by reference loops with the classic mistakes built in (no ``zero_grad``, the step up
the gradient, ``zero_grad`` between ``backward`` and the step). Whichever loss curve theirs
matches names the mistake. The learning-rate check runs the right loop with their rate.
"""

from __future__ import annotations

import math
from typing import Any

from .. import losses
from ..course import tr
from ..data import make_moons
from ..engine import Value
from ..nn import MLP
from ._core import Mistake, call, check, close, number

STEPS = 12


def moons() -> tuple[list[list[float]], list[int]]:
    """The exercise's data: 40 points of two moons (labels 0 and 1)."""
    X, y = make_moons(40, noise=0.1, seed=5)
    return [list(map(float, x)) for x in X], [int(t) for t in y]


def new_model() -> MLP:
    """The exercise's model, the same every time: MLP(2 → 8 → 1), tanh, seed 0."""
    return MLP(2, [8, 1], activation="tanh", seed=0)


def loss_of(model: MLP, X: list[list[float]], y: list[int]) -> Value:
    """The mean hinge loss of the model's scores on (X, y): what the loop minimises."""
    return losses.hinge([model(x) for x in X], y)


def _reference(kind: str, steps: int, lr: float) -> tuple[list[float], list[float]]:
    """Loss history and gradient norms of a loop with the mistake ``kind`` built in."""
    model, (X, y) = new_model(), moons()
    history, norms = [], []
    for _ in range(steps):
        loss = loss_of(model, X, y)
        if kind != "no zero_grad":
            model.zero_grad()
        loss.backward()
        if kind == "zero_grad before step":
            model.zero_grad()
        norms.append(math.sqrt(sum(float(p.grad) ** 2 for p in model.parameters())))
        sign = -1.0 if kind == "wrong sign" else 1.0
        for p in model.parameters():
            p.data -= sign * lr * p.grad
        history.append(loss.data)
    return history, norms


def _matches(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(close(x, y, rel=1e-6) for x, y in zip(a, b, strict=True))


@check("5.1", tr("train(): zero_grad → backward → step", "train(): zero_grad → backward → 갱신"))
def loop(train: Any) -> str:
    """The learner's loop gives the reference loss curve, step by step."""
    lr = 0.1
    X, y = moons()
    got = call(train, "train", new_model(), X, y, STEPS, lr)
    if not isinstance(got, (list, tuple)) or len(got) != STEPS:
        raise Mistake(
            tr(
                f"train should return the list of the {STEPS} losses, got {got!r}",
                f"train은 손실 {STEPS}개의 목록을 돌려줘야 합니다: {got!r}",
            )
        )
    history = [number(v, f"loss {i}") for i, v in enumerate(got)]
    right, _ = _reference("right", STEPS, lr)
    if _matches(history, right):
        curve = f"{right[0]:.3f} → {right[-1]:.3f}"
        return tr(
            f"your loop's {STEPS} losses match the reference ({curve})",
            f"루프의 손실 {STEPS}개가 기준과 같습니다 ({curve})",
        )
    _, norms = _reference("no zero_grad", STEPS, lr)
    explained: dict[str, str] = {
        "no zero_grad": tr(
            "your losses match a loop that never calls zero_grad(): each backward() adds to "
            f"the last step's gradients, which grow (‖grad‖ {norms[0]:.2f} at step 1, "
            f"{norms[-1]:.2f} at step {STEPS}); call model.zero_grad() before loss.backward()",
            "zero_grad()를 한 번도 부르지 않는 루프와 손실이 같습니다: backward()마다 지난 "
            f"단계의 기울기에 더해져 기울기가 커집니다 (‖grad‖ 1단계 {norms[0]:.2f}, "
            f"{STEPS}단계 {norms[-1]:.2f}). loss.backward() 전에 model.zero_grad()를 부르세요",
        ),
        "wrong sign": tr(
            f"the loss rises ({history[0]:.3f} → {history[-1]:.3f}): the step goes up the "
            "gradient; gradient *descent* subtracts it, p.data -= lr * p.grad",
            f"손실이 올라갑니다 ({history[0]:.3f} → {history[-1]:.3f}): 기울기 방향으로 "
            "올라가고 있습니다. 경사 *하강*은 빼야 합니다: p.data -= lr * p.grad",
        ),
        "zero_grad before step": tr(
            "the loss never changes: zero_grad() runs after backward() and before the step, so "
            "every step moves by 0; the order is zero_grad → backward → step",
            "손실이 변하지 않습니다: zero_grad()가 backward() 다음, 갱신 전에 실행되어 매 단계 "
            "0만큼 움직입니다. 순서는 zero_grad → backward → 갱신입니다",
        ),
    }
    for kind, why in explained.items():
        if _matches(history, _reference(kind, STEPS, lr)[0]):
            raise Mistake(why)
    first = next(i for i in range(STEPS) if i >= len(right) or not close(history[i], right[i]))
    raise Mistake(
        tr(
            f"loss {first} is {history[first]:.6g}; the reference loop has {right[first]:.6g} "
            "(use loss_of(model, X, y), the update p.data -= lr * p.grad on every parameter, "
            "and record loss.data once per step)",
            f"손실 {first}이(가) {history[first]:.6g}, 기준 루프는 {right[first]:.6g}입니다 "
            "(loss_of(model, X, y)를 쓰고, 모든 매개변수를 p.data -= lr * p.grad로 갱신하고, "
            "단계마다 loss.data를 한 번 기록하세요)",
        )
    )


@check("5.2", tr("a learning rate that trains", "학습이 되는 학습률"))
def learning_rate(lr: Any) -> str:
    """The right loop with the learner's rate: not too large (rises), not too small."""
    rate = number(lr, "lr")
    if rate <= 0:
        raise Mistake(
            tr(f"lr = {rate:g}: a learning rate is positive", f"lr = {rate:g}: 학습률은 양수입니다")
        )
    try:
        history, _ = _reference("right", 30, rate)
    except (OverflowError, FloatingPointError, ValueError):
        raise Mistake(
            tr(
                f"lr = {rate:g} is far too large: the parameters blow up; try 10× smaller",
                f"lr = {rate:g}은(는) 너무 큽니다: 매개변수가 발산합니다. 10배 작게 해 보세요",
            )
        ) from None
    rises = [i for i in range(1, len(history)) if history[i] > history[i - 1] * 1.05]
    if rises:  # full-batch descent with a fitting rate goes down every step
        i = rises[0]
        jump = f"{history[i - 1]:.3f} → {history[i]:.3f}"
        raise Mistake(
            tr(
                f"lr = {rate:g} is too large: the loss rose at step {i} ({jump}); each step "
                "overshoots the valley; try a smaller rate",
                f"lr = {rate:g}은(는) 너무 큽니다: {i}단계에서 손실이 올랐습니다 ({jump}). "
                "매 단계 골짜기를 넘어갑니다. 더 작은 학습률을 써 보세요",
            )
        )
    if history[-1] > 0.5 * history[0]:
        drop = 100 * (1 - history[-1] / history[0])
        curve = f"{history[0]:.3f} → {history[-1]:.3f}"
        raise Mistake(
            tr(
                f"lr = {rate:g} is too small: in 30 steps the loss fell only {drop:.0f}% "
                f"({curve}); try a larger rate",
                f"lr = {rate:g}은(는) 너무 작습니다: 30단계에서 손실이 {drop:.0f}%만 "
                f"줄었습니다 ({curve}). 더 큰 학습률을 써 보세요",
            )
        )
    curve = f"{history[0]:.3f} → {history[-1]:.3f}"
    return tr(f"with lr = {rate:g} the loss falls {curve}", f"lr = {rate:g}: 손실 {curve}")

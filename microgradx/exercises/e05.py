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


@check("5.1", "train(model, X, y, steps, lr): zero_grad → backward → step")
def loop(train: Any) -> str:
    """The learner's loop gives the reference loss curve, step by step."""
    lr = 0.1
    X, y = moons()
    got = call(train, "train", new_model(), X, y, STEPS, lr)
    if not isinstance(got, (list, tuple)) or len(got) != STEPS:
        raise Mistake(f"train should return the list of the {STEPS} losses, got {got!r}")
    history = [number(v, f"loss {i}") for i, v in enumerate(got)]
    right, _ = _reference("right", STEPS, lr)
    if _matches(history, right):
        return f"your loop's {STEPS} losses match the reference ({right[0]:.3f} → {right[-1]:.3f})"
    _, norms = _reference("no zero_grad", STEPS, lr)
    explained: dict[str, str] = {
        "no zero_grad": (
            "your losses match a loop that never calls zero_grad(): each backward() adds to "
            f"the last step's gradients, which grow (‖grad‖ {norms[0]:.2f} at step 1, "
            f"{norms[-1]:.2f} at step {STEPS}); call model.zero_grad() before loss.backward()"
        ),
        "wrong sign": (
            f"the loss rises ({history[0]:.3f} → {history[-1]:.3f}): the step goes up the "
            "gradient; gradient *descent* subtracts it, p.data -= lr * p.grad"
        ),
        "zero_grad before step": (
            "the loss never changes: zero_grad() runs after backward() and before the step, so "
            "every step moves by 0; the order is zero_grad → backward → step"
        ),
    }
    for kind, why in explained.items():
        if _matches(history, _reference(kind, STEPS, lr)[0]):
            raise Mistake(why)
    first = next(i for i in range(STEPS) if i >= len(right) or not close(history[i], right[i]))
    raise Mistake(
        f"loss {first} is {history[first]:.6g}; the reference loop has {right[first]:.6g} "
        "(use loss_of(model, X, y), the update p.data -= lr * p.grad on every parameter, and "
        "record loss.data once per step)"
    )


@check("5.2", "a learning rate that trains: the loss halves in 30 steps and never jumps up")
def learning_rate(lr: Any) -> str:
    """The right loop with the learner's rate: not too large (rises), not too small."""
    rate = number(lr, "lr")
    if rate <= 0:
        raise Mistake(f"lr = {rate:g}: a learning rate is positive (it scales a step down)")
    try:
        history, _ = _reference("right", 30, rate)
    except (OverflowError, FloatingPointError, ValueError):
        raise Mistake(
            f"lr = {rate:g} is far too large: the parameters blow up (overflow); try 10× smaller"
        ) from None
    rises = [i for i in range(1, len(history)) if history[i] > history[i - 1] * 1.05]
    if rises:  # full-batch descent with a fitting rate goes down every step
        i = rises[0]
        raise Mistake(
            f"lr = {rate:g} is too large: the loss rose at step {i} ({history[i - 1]:.3f} → "
            f"{history[i]:.3f}); each step overshoots the valley; try a smaller rate"
        )
    if history[-1] > 0.5 * history[0]:
        drop = 100 * (1 - history[-1] / history[0])
        raise Mistake(
            f"lr = {rate:g} is too small: in 30 steps the loss fell only {drop:.0f}% "
            f"({history[0]:.3f} → {history[-1]:.3f}); try a larger rate"
        )
    return f"with lr = {rate:g} the loss falls from {history[0]:.3f} to {history[-1]:.3f}"

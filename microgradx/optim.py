"""Optimizers from the lecture notes: SGD (with Momentum / Nesterov), AdaGrad, RMSProp, Adam.

Each follows ``torch.optim``'s update formulas exactly (same defaults, same placement of
``eps``, L2 ``weight_decay`` added to the gradient), so a run matches PyTorch step for step.
Updates are plain float arithmetic on ``p.data``: they build no graph.

A training step, as in PyTorch::

    opt = Adam(model.parameters(), lr=0.01)
    for x, y in data:
        loss = mse(model(x), y)
        opt.zero_grad()      # gradients accumulate otherwise
        loss.backward()
        opt.step()

``lr`` is a float or a schedule: a callable mapping the step number t = 0, 1, 2, … (the number
of steps already taken) to a learning rate; ``step_decay`` and ``cosine_decay`` build common
ones. Every parameter is updated on every ``step()`` (a parameter the loss did not use has
gradient 0, not "no gradient" as in PyTorch, so Adam's moments still decay for it). ``step()``
is atomic: if any parameter would become NaN/inf, nothing changes and FloatingPointError names
the parameter.

``step_vector(values, grads)`` is the same step on arrays holding every parameter at once
(what ``fit(compiled=True)`` uses): each optimizer's update is written once, with operators
that work on floats and on numpy arrays alike, so both paths give the same numbers bit for bit.

>>> from microgradx import Value
>>> x = Value(3.0)
>>> opt = SGD([x], lr=0.1)
>>> (x * x).backward(); opt.step(); x.data  # 3 − 0.1 · 2·3
2.4
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

import numpy as np

from ._checks import finite_real, is_int, non_negative, positive
from .engine import Value, zero_grad

Schedule = Callable[[int], float]
"""A learning-rate schedule: step number t (0 for the first step) → learning rate."""

Num = TypeVar("Num", float, np.ndarray)  # one parameter's number, or every parameter's array


def _sqrt(x: Num) -> Num:
    """√x for a float or elementwise; both are correctly rounded (IEEE 754), so they agree."""
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


def _at_least_zero(x: Num) -> Num:
    """max(x, 0) for a float or elementwise."""
    return np.maximum(x, 0.0) if isinstance(x, np.ndarray) else max(x, 0.0)


# -- validation helpers -------------------------------------------------------------------


def _unit_interval(value: Any, who: str, name: str) -> float:
    """A decay rate in [0, 1): 1 would freeze the running average at its initial 0."""
    v = finite_real(value, who, name)
    if not 0.0 <= v < 1.0:
        raise ValueError(f"{who}: {name} must be in [0, 1), got {value!r}")
    return v


def _flag(value: Any, who: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{who}: {name} must be True or False, got {value!r}")
    return value


def _check_lr(who: str, lr: Any) -> float | Schedule:
    if callable(lr):
        return lr
    return positive(lr, who, "lr")


def _check_params(who: str, params: Any) -> list[Value]:
    if isinstance(params, Value):
        raise TypeError(
            f"{who}: params must be an iterable of Values, e.g. [x] or model.parameters()"
        )
    try:
        ps = list(params)
    except TypeError:
        raise TypeError(
            f"{who}: params must be an iterable of Values, got {type(params).__name__}"
        ) from None
    if not ps:
        raise ValueError(f"{who}: got an empty parameter list; nothing to optimize")
    seen: set[int] = set()
    for i, p in enumerate(ps):
        if not isinstance(p, Value):
            raise TypeError(f"{who}: parameter {i} is a {type(p).__name__}, expected a Value")
        if id(p) in seen:  # it would be updated twice per step
            raise ValueError(f"{who}: parameter {i} ({p!r}) appears more than once")
        seen.add(id(p))
    return ps


# -- the base class -----------------------------------------------------------------------


class Optimizer:
    """Base class: holds the parameters, the learning rate (or schedule) and per-parameter state.

    Subclasses name their per-parameter buffers in ``_buffers`` (each an array of floats, one
    per parameter, starting at 0) and implement ``_update`` with operators that work on floats
    (one parameter, ``step``) and on arrays (all of them, ``step_vector``) alike.
    """

    _buffers: ClassVar[tuple[str, ...]] = ()
    _kind: ClassVar[str] = "Optimizer"  # the name stored in state_dict

    def __init__(self, params: Iterable[Value], lr: float | Schedule) -> None:
        who = type(self).__name__
        self.params = _check_params(who, params)
        self.lr = _check_lr(who, lr)
        self.steps = 0  # how many step() calls have completed
        self.state: dict[str, np.ndarray] = {b: np.zeros(len(self.params)) for b in self._buffers}

    # -- subclass interface -----------------------------------------------------------

    def hyperparameters(self) -> dict[str, Any]:
        """Every hyper-parameter except lr, as JSON-able values."""
        return {}

    def _configure(self, **hyper: Any) -> None:
        """Validate then set hyper-parameters (all checks run before anything is set)."""

    def _update(self, lr: float, p: Num, g: Num, s: dict[str, Num]) -> Num:
        """New value(s) of one parameter (floats) or all (arrays); updates the buffers in ``s``."""
        raise NotImplementedError

    # -- the public API ---------------------------------------------------------------

    def current_lr(self) -> float:
        """The learning rate the next ``step()`` will use (a schedule is evaluated at ``steps``)."""
        who = type(self).__name__
        if not callable(self.lr):
            return self.lr
        lr = finite_real(self.lr(self.steps), who, f"lr schedule value at step {self.steps}")
        if lr < 0.0:
            raise ValueError(f"{who}: lr schedule gave {lr!r} at step {self.steps}; must be >= 0")
        return lr

    def step(self) -> None:
        """Update every parameter once from its current ``.grad`` (plain floats, no graph)."""
        lr = self.current_lr()
        state = {b: self.state[b].tolist() for b in self._buffers}
        new_data: list[float] = []
        new_state: dict[str, list[float]] = {b: [] for b in self._buffers}
        for i, p in enumerate(self.params):
            # After backward(create_graph=True) a grad is a Value: its number is .data.
            g = p.grad.data if isinstance(p.grad, Value) else float(p.grad)
            s = {b: state[b][i] for b in self._buffers}
            new = self._update(lr, p.data, g, s)
            if not math.isfinite(new):
                raise self._non_finite(i, new, p.data, g)
            new_data.append(new)
            for b in self._buffers:
                new_state[b].append(s[b])
        for p, v in zip(self.params, new_data, strict=True):
            p.data = v
        self.state = {b: np.array(v, dtype=np.float64) for b, v in new_state.items()}
        self.steps += 1

    def step_vector(self, values: np.ndarray, grads: np.ndarray) -> np.ndarray:
        """``step()`` on arrays of every parameter's value and gradient; returns the new values.

        The arrays follow ``params``' order. The parameters' Values are not touched (the caller
        writes the result back when it needs them); the buffers and ``steps`` advance as in
        ``step()``, to the same floats. All or nothing, as ``step()``.
        """
        who = f"{type(self).__name__}.step_vector"
        shape = (len(self.params),)
        for name, a in (("values", values), ("grads", grads)):
            if not isinstance(a, np.ndarray) or a.dtype != np.float64 or a.shape != shape:
                raise ValueError(f"{who}: {name} must be a float64 array of shape {shape}")
        lr = self.current_lr()
        s = {b: self.state[b].copy() for b in self._buffers}  # untouched if the step fails
        with np.errstate(all="ignore"):  # overflow becomes inf, caught just below as in step()
            new = self._update(lr, values, grads, s)
        bad = np.flatnonzero(~np.isfinite(new))
        if bad.size:
            i = int(bad[0])
            raise self._non_finite(i, float(new[i]), float(values[i]), float(grads[i]))
        self.state = s
        self.steps += 1
        return new

    def _non_finite(self, i: int, new: float, data: float, grad: float) -> FloatingPointError:
        name = self.params[i].label or f"parameter {i}"
        return FloatingPointError(
            f"{type(self).__name__}.step: {name} would become {new!r} "
            f"(data={data!r}, grad={grad!r}); nothing was updated. "
            "Check the loss for NaN/inf or lower the learning rate."
        )

    def zero_grad(self) -> None:
        """Reset every parameter's ``.grad`` to 0 (call before each ``backward()``)."""
        zero_grad(self.params)

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as a JSON-able dict (a schedule is stored as ``lr: None``)."""
        return {
            "optimizer": self._kind,
            "steps": self.steps,
            "lr": None if callable(self.lr) else self.lr,
            "hyperparameters": self.hyperparameters(),
            "state": {b: v.tolist() for b, v in self.state.items()},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a ``state_dict()``; everything is validated before anything changes.

        ``lr: None`` (saved from a schedule) keeps this optimizer's current lr or schedule;
        the restored ``steps`` makes a schedule resume where it stopped.
        """
        who = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, dict):
            raise ValueError(f"{who}: expected a dict, got {type(state).__name__}")
        expected = {"optimizer", "steps", "lr", "hyperparameters", "state"}
        if set(state) != expected:
            raise ValueError(
                f"{who}: keys must be {sorted(expected)}; "
                f"missing {sorted(expected - set(state))}, unknown {sorted(set(state) - expected)}"
            )
        if state["optimizer"] != self._kind:
            raise ValueError(f"{who}: state is for {state['optimizer']!r}, not {self._kind!r}")
        steps = state["steps"]
        if not is_int(steps) or steps < 0:
            raise ValueError(f"{who}: steps must be an int >= 0, got {steps!r}")
        lr = self.lr if state["lr"] is None else positive(state["lr"], who, "lr")
        buffers = state["state"]
        if not isinstance(buffers, dict) or set(buffers) != set(self._buffers):
            raise ValueError(f"{who}: state must hold the buffers {list(self._buffers)}")
        loaded: dict[str, np.ndarray] = {}
        for b in self._buffers:
            values = buffers[b]
            if not isinstance(values, list) or len(values) != len(self.params):
                raise ValueError(
                    f"{who}: buffer {b!r} must be a list of {len(self.params)} numbers "
                    f"(one per parameter)"
                )
            try:
                loaded[b] = np.array([finite_real(v, who, f"{b} entry") for v in values])
            except TypeError as e:
                raise ValueError(str(e)) from None
        hyper = state["hyperparameters"]
        if not isinstance(hyper, dict) or set(hyper) != set(self.hyperparameters()):
            raise ValueError(
                f"{who}: hyperparameters must have the keys {sorted(self.hyperparameters())}"
            )
        try:
            self._configure(**hyper)
        except TypeError as e:
            raise ValueError(f"{who}: {e}") from None
        self.lr = lr
        self.steps = int(steps)
        self.state = loaded

    def __repr__(self) -> str:
        lr = "schedule" if callable(self.lr) else repr(self.lr)
        hyper = "".join(f", {k}={v!r}" for k, v in self.hyperparameters().items())
        return (
            f"{type(self).__name__}(lr={lr}{hyper}; {len(self.params)} parameters, "
            f"{self.steps} steps)"
        )


# -- the optimizers -----------------------------------------------------------------------


class SGD(Optimizer):
    """Gradient descent θ ← θ − lr·g, optionally with momentum (heavy ball or Nesterov).

    With momentum μ (``torch.optim.SGD``, dampening 0): v ← μ·v + g; θ ← θ − lr·v, or with
    ``nesterov=True``: θ ← θ − lr·(g + μ·v). ``weight_decay`` λ adds λ·θ to g (L2).
    """

    _buffers = ("momentum_buffer",)
    _kind = "SGD"

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self._configure(momentum=momentum, nesterov=nesterov, weight_decay=weight_decay)

    def _configure(self, **hyper: Any) -> None:
        who = type(self).__name__
        momentum = non_negative(hyper.pop("momentum"), who, "momentum")
        nesterov = _flag(hyper.pop("nesterov"), who, "nesterov")
        weight_decay = non_negative(hyper.pop("weight_decay"), who, "weight_decay")
        if hyper:
            raise TypeError(f"unknown hyper-parameters {sorted(hyper)}")
        if nesterov and momentum == 0.0:
            raise ValueError(f"{who}: nesterov=True requires momentum > 0")
        self.momentum, self.nesterov, self.weight_decay = momentum, nesterov, weight_decay

    def hyperparameters(self) -> dict[str, Any]:
        """momentum, nesterov, weight_decay."""
        return {
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }

    def _update(self, lr: float, p: Num, g: Num, s: dict[str, Num]) -> Num:
        if self.weight_decay:
            g = g + self.weight_decay * p
        if self.momentum:
            # torch starts the buffer at g; with a zero buffer μ·0 + g is the same float.
            v = self.momentum * s["momentum_buffer"] + g
            s["momentum_buffer"] = v
            g = g + self.momentum * v if self.nesterov else v
        return p - lr * g


class Momentum(SGD):
    """SGD with momentum (default 0.9): the lecture notes' Momentum optimizer."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule,
        momentum: float = 0.9,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, momentum, nesterov, weight_decay)


class AdaGrad(Optimizer):
    """AdaGrad: h ← h + g²; θ ← θ − lr·g / (√h + eps) (``torch.optim.Adagrad``).

    Each parameter's step shrinks with the gradients it has seen: frequently updated
    parameters slow down, rare ones keep larger steps.
    """

    _buffers = ("sum",)
    _kind = "AdaGrad"

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule = 1e-2,
        eps: float = 1e-10,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self._configure(eps=eps, weight_decay=weight_decay)

    def _configure(self, **hyper: Any) -> None:
        who = type(self).__name__
        eps = positive(hyper.pop("eps"), who, "eps")
        weight_decay = non_negative(hyper.pop("weight_decay"), who, "weight_decay")
        if hyper:
            raise TypeError(f"unknown hyper-parameters {sorted(hyper)}")
        self.eps, self.weight_decay = eps, weight_decay

    def hyperparameters(self) -> dict[str, Any]:
        """eps, weight_decay."""
        return {"eps": self.eps, "weight_decay": self.weight_decay}

    def _update(self, lr: float, p: Num, g: Num, s: dict[str, Num]) -> Num:
        if self.weight_decay:
            g = g + self.weight_decay * p
        h = s["sum"] + g * g
        s["sum"] = h
        return p - lr * g / (_sqrt(h) + self.eps)


class RMSProp(Optimizer):
    """RMSProp: h ← α·h + (1 − α)·g²; θ ← θ − lr·g / (√h + eps) (``torch.optim.RMSprop``).

    Unlike AdaGrad, old gradients fade (decay rate α), so the step size does not vanish.
    ``momentum`` μ > 0 adds b ← μ·b + g / (√h + eps); θ ← θ − lr·b. ``centered=True``
    divides by an estimate of the gradient's standard deviation instead (√(h − ḡ²)).
    """

    _buffers = ("square_avg", "momentum_buffer", "grad_avg")
    _kind = "RMSProp"

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self._configure(
            alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered
        )

    def _configure(self, **hyper: Any) -> None:
        who = type(self).__name__
        alpha = _unit_interval(hyper.pop("alpha"), who, "alpha")
        eps = positive(hyper.pop("eps"), who, "eps")
        weight_decay = non_negative(hyper.pop("weight_decay"), who, "weight_decay")
        momentum = non_negative(hyper.pop("momentum"), who, "momentum")
        centered = _flag(hyper.pop("centered"), who, "centered")
        if hyper:
            raise TypeError(f"unknown hyper-parameters {sorted(hyper)}")
        self.alpha, self.eps, self.weight_decay = alpha, eps, weight_decay
        self.momentum, self.centered = momentum, centered

    def hyperparameters(self) -> dict[str, Any]:
        """alpha, eps, weight_decay, momentum, centered."""
        return {
            "alpha": self.alpha,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "momentum": self.momentum,
            "centered": self.centered,
        }

    def _update(self, lr: float, p: Num, g: Num, s: dict[str, Num]) -> Num:
        if self.weight_decay:
            g = g + self.weight_decay * p
        h = self.alpha * s["square_avg"] + (1.0 - self.alpha) * g * g
        s["square_avg"] = h
        if self.centered:
            mean = self.alpha * s["grad_avg"] + (1.0 - self.alpha) * g
            s["grad_avg"] = mean
            h = _at_least_zero(h - mean * mean)  # ≥ 0 in exact arithmetic; rounding may dip below
        denom = _sqrt(h) + self.eps
        if self.momentum:
            b = self.momentum * s["momentum_buffer"] + g / denom
            s["momentum_buffer"] = b
            return p - lr * b
        return p - lr * g / denom


class Adam(Optimizer):
    """Adam: momentum on g and RMSProp on g², both bias-corrected (``torch.optim.Adam``).

    m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  at step t = 1, 2, …:
    θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps).
    ``weight_decay`` λ adds λ·θ to g (L2 regularisation, not AdamW's decoupled decay).
    """

    _buffers = ("exp_avg", "exp_avg_sq")
    _kind = "Adam"

    def __init__(
        self,
        params: Iterable[Value],
        lr: float | Schedule = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self._configure(betas=betas, eps=eps, weight_decay=weight_decay)

    def _configure(self, **hyper: Any) -> None:
        who = type(self).__name__
        betas = hyper.pop("betas")
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{who}: betas must be a pair (beta1, beta2), got {betas!r}")
        b1 = _unit_interval(betas[0], who, "betas[0]")
        b2 = _unit_interval(betas[1], who, "betas[1]")
        eps = positive(hyper.pop("eps"), who, "eps")
        weight_decay = non_negative(hyper.pop("weight_decay"), who, "weight_decay")
        if hyper:
            raise TypeError(f"unknown hyper-parameters {sorted(hyper)}")
        self.betas, self.eps, self.weight_decay = (b1, b2), eps, weight_decay

    def hyperparameters(self) -> dict[str, Any]:
        """betas (as a list, for JSON), eps, weight_decay."""
        return {"betas": list(self.betas), "eps": self.eps, "weight_decay": self.weight_decay}

    def _update(self, lr: float, p: Num, g: Num, s: dict[str, Num]) -> Num:
        b1, b2 = self.betas
        t = self.steps + 1
        if self.weight_decay:
            g = g + self.weight_decay * p
        m = b1 * s["exp_avg"] + (1.0 - b1) * g
        v = b2 * s["exp_avg_sq"] + (1.0 - b2) * g * g
        s["exp_avg"], s["exp_avg_sq"] = m, v
        # Same grouping as torch: bias corrections folded into the step size and denominator.
        step_size = lr / (1.0 - b1**t)
        denom = _sqrt(v) / math.sqrt(1.0 - b2**t) + self.eps
        return p - step_size * m / denom


# -- learning-rate schedules --------------------------------------------------------------


def step_decay(lr0: float, drop: float, every: int) -> Schedule:
    """Schedule lr0 · drop^⌊t / every⌋: multiply the rate by ``drop`` every ``every`` steps."""
    who = "step_decay"
    lr0 = positive(lr0, who, "lr0")
    drop = positive(drop, who, "drop")
    if drop > 1.0:
        raise ValueError(f"{who}: drop must be in (0, 1], got {drop!r}")
    if not is_int(every) or every < 1:
        raise ValueError(f"{who}: every must be an int >= 1, got {every!r}")

    def schedule(t: int) -> float:
        return lr0 * drop ** (t // every)

    return schedule


def cosine_decay(lr0: float, total_steps: int, lr_min: float = 0.0) -> Schedule:
    """Schedule lr_min + (lr0 − lr_min)·(1 + cos(π·t / total_steps)) / 2, then lr_min."""
    who = "cosine_decay"
    lr0 = positive(lr0, who, "lr0")
    lr_min = non_negative(lr_min, who, "lr_min")
    if lr_min > lr0:
        raise ValueError(f"{who}: lr_min {lr_min!r} must not exceed lr0 {lr0!r}")
    if not is_int(total_steps) or total_steps < 1:
        raise ValueError(f"{who}: total_steps must be an int >= 1, got {total_steps!r}")

    def schedule(t: int) -> float:
        progress = min(t, total_steps) / total_steps
        return lr_min + (lr0 - lr_min) * (1.0 + math.cos(math.pi * progress)) / 2.0

    return schedule

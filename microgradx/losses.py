"""Loss functions from the lecture notes, built from Value operations so they backpropagate.

Every loss returns ONE ``Value``. Predictions are a ``Value`` (or a plain number, treated as a
constant) or a list of them; targets are plain numbers (ints, floats, numpy scalars or a numpy
array), never Values.

Batches: pass a list of predictions and a list of targets of the same length.

========================================  ==============================================
``mse``, ``mae``                          mean over every element (1/n·Σ)
``half_sse``                              ½·Σ over every element — a *sum*, not averaged,
                                          so its gradient is exactly (ŷ − y)
``binary_cross_entropy[_with_logits]``    mean over the samples
``hinge``                                 mean over the samples (as micrograd's demo)
``cross_entropy``                         one sample: ``(logits, int)``; a batch:
                                          ``(list of logit lists, list of ints)`` → mean
``softmax``, ``log_softmax``              one logit vector → a list of Values
``entropy``, ``self_information``         one distribution / one probability
========================================  ==============================================

Logarithms are natural (information in *nats*); ``entropy`` and ``self_information`` take
``base=2`` for bits, the unit the lecture notes use when they count "Bit 수".

>>> from microgradx import Value
>>> round(mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data, 6)
2.5
>>> round(cross_entropy([Value(2.0), Value(0.0)], 0).data, 6)
0.126928
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np

from ._checks import finite_real, is_int, is_real, non_negative
from .engine import Value

Pred = Value | float | int
"""A prediction: a Value, or a plain number treated as a constant."""


# -- input validation ---------------------------------------------------------------------


def _is_seq(x: Any) -> bool:
    return isinstance(x, (list, tuple, np.ndarray))


def _as_list(x: Any) -> list[Any]:
    return x.tolist() if isinstance(x, np.ndarray) else list(x)


def _target(y: Any, who: str) -> float:
    """A target must be a finite plain number; a Value is refused (it would carry gradient)."""
    if isinstance(y, Value):
        raise TypeError(f"{who}: targets are plain numbers, got a Value ({y!r}); pass y.data")
    return finite_real(y, who, "target")


def _pred(p: Any, who: str) -> Value:
    if isinstance(p, Value):
        return p
    if not is_real(p):
        raise TypeError(f"{who}: prediction must be a Value or a number, got {type(p).__name__}")
    return Value(float(p))


def _pairs(pred: Any, target: Any, who: str) -> list[tuple[Value, float]]:
    """Pair predictions with targets, element by element, through nested lists (a batch)."""
    if not _is_seq(pred) and not _is_seq(target):
        return [(_pred(pred, who), _target(target, who))]
    if not (_is_seq(pred) and _is_seq(target)):
        shape = "a list of predictions" if _is_seq(pred) else "a single prediction"
        other = "a single target" if _is_seq(pred) else "a list of targets"
        raise ValueError(f"{who}: got {shape} but {other}; pass both as lists of equal length")
    pred, target = _as_list(pred), _as_list(target)
    if len(pred) != len(target):
        raise ValueError(
            f"{who}: {len(pred)} predictions but {len(target)} targets; lengths must match"
        )
    if not pred:
        raise ValueError(f"{who}: empty input (no predictions)")
    return [pair for p, y in zip(pred, target, strict=True) for pair in _pairs(p, y, who)]


def _sum(terms: list[Value]) -> Value:
    # Start from the first term, not from 0: sum() would add a constant 0 node to the graph.
    return sum(terms[1:], terms[0])


def _mean(terms: list[Value]) -> Value:
    return _sum(terms) / len(terms)


def _check_probability(p: float, who: str, what: str = "probability") -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{who}: {what} {p!r} is outside [0, 1]")


def _log_base(base: float, who: str) -> float:
    """ln(base), the divisor that turns nats into units of ``base`` (2 → bits)."""
    base = finite_real(base, who, "base")
    if base <= 0.0 or base == 1.0:
        raise ValueError(f"{who}: base must be > 0 and != 1, got {base!r}")
    return math.log(base)


# -- regression losses --------------------------------------------------------------------


def mse(pred: Any, target: Any) -> Value:
    """Mean squared error 1/n·Σ (ŷ − y)² over every element."""
    return _mean([(p - y) * (p - y) for p, y in _pairs(pred, target, "mse")])


def half_sse(pred: Any, target: Any) -> Value:
    """Half the sum of squared errors ½·Σ (ŷ − y)²: its gradient is (ŷ − y) (not averaged)."""
    return 0.5 * _sum([(p - y) * (p - y) for p, y in _pairs(pred, target, "half_sse")])


def mae(pred: Any, target: Any) -> Value:
    """Mean absolute error 1/n·Σ |ŷ − y| (gradient 0 where ŷ = y, as PyTorch)."""
    return _mean([abs(p - y) for p, y in _pairs(pred, target, "mae")])


# -- binary classification ----------------------------------------------------------------


LOG_FLOOR = -100.0
"""``binary_cross_entropy`` clamps each log at −100, as PyTorch does, so p = 0 or 1 gives a finite
loss (at most 100 per sample) instead of infinity, while every p inside (0, 1) is exact."""


def binary_cross_entropy(prob: Any, target: Any) -> Value:
    """Mean of −[y·log p + (1 − y)·log(1 − p)] from probabilities p, each log clamped at −100.

    As PyTorch: log(1 − p) is computed as log1p(−p), and a log below −100 (p < 3.7e-44,
    including p = 0, or p = 1) counts as −100, a constant that passes no gradient. Elsewhere
    the loss and its gradient are exact: p = 1e-15, y = 1 gives 34.54 and dL/dp = −1e15.
    (PyTorch's backward divides by max(p·(1 − p), 1e-12) instead, so its gradient differs
    from the derivative of its own loss within 1e-12 of 0 and 1.)
    For raw scores use the ``_with_logits`` form, which never forms p.
    """
    who = "binary_cross_entropy"
    terms = []
    for p, y in _pairs(prob, target, who):
        _check_probability(p.data, who)
        _check_probability(y, who, "target")
        log_p: Value | float = LOG_FLOOR
        log_q: Value | float = LOG_FLOOR
        if p.data > 0.0 and math.log(p.data) > LOG_FLOOR:
            log_p = p.log()
        if p.data < 1.0 and math.log1p(-p.data) > LOG_FLOOR:
            log_q = (-p).log1p()
        # At most one log is clamped (log p < −100 needs p < 3.7e-44; log(1 − p) < −100 needs
        # p = 1, as the float below 1 is 1 − 2⁻⁵³), so the term is always a Value of p.
        terms.append(cast(Value, -(y * log_p + (1.0 - y) * log_q)))
    return _mean(terms)


def binary_cross_entropy_with_logits(logit: Any, target: Any) -> Value:
    """Mean binary cross-entropy of sigmoid(z) against y, computed as softplus(z) − y·z.

    −[y·log σ(z) + (1 − y)·log(1 − σ(z))] simplifies to softplus(z) − y·z, which never forms
    σ(z) or its log, so it is exact and finite even at z = ±1000.
    """
    who = "binary_cross_entropy_with_logits"
    terms = []
    for z, y in _pairs(logit, target, who):
        _check_probability(y, who, "target")
        terms.append(z.softplus() - y * z)
    return _mean(terms)


def hinge(score: Any, target: Any) -> Value:
    """Mean hinge loss max(0, 1 − y·s) (micrograd's SVM loss); labels {−1, +1} or {0, 1}.

    Label 0 means the negative class (−1), as in ``fit(loss="hinge")`` and the datasets; a
    batch that mixes 0 with −1 is refused, since it cannot say which labelling it uses.
    """
    pairs = _pairs(score, target, "hinge")
    labels = {y for _, y in pairs}
    for y in sorted(labels):
        if y not in (-1.0, 0.0, 1.0):
            raise ValueError(f"hinge: label must be -1 or +1 (or 0 or 1), got {y!r}")
    if {-1.0, 0.0} <= labels:
        raise ValueError("hinge: labels mix 0 and -1; use {0, 1} or {-1, +1}, not both")
    return _mean([(1.0 - (y or -1.0) * s).relu() for s, y in pairs])


# -- multi-class classification -----------------------------------------------------------


def _logit_list(logits: Any, who: str) -> list[Value]:
    if not _is_seq(logits):
        raise TypeError(f"{who}: expected a list of logits, got {type(logits).__name__}")
    zs = [_pred(z, who) for z in _as_list(logits)]
    if not zs:
        raise ValueError(f"{who}: empty input (no logits)")
    return zs


def _shifted_exps(zs: list[Value]) -> tuple[float, list[Value]]:
    """(m, [e^(z − m)]) with m = max z: every exp() sees z − m ≤ 0, so nothing overflows at
    ±1000, and the largest term is 1. m is a constant: the gradient does not depend on it
    (shifting all logits leaves softmax unchanged)."""
    m = max(z.data for z in zs)
    return m, [(z - m).exp() for z in zs]


def _shifted_lse(zs: list[Value]) -> tuple[list[Value], Value]:
    """([zᵢ − m], log Σⱼ e^(zⱼ − m)) with m = max z: log softmax(z)ᵢ is their difference.

    The sum is ≥ 1, so the log is finite; m is never added back, since (log Σ + m) − zᵢ loses
    the low digits when m is large (for logits [1e15, 1e15] it gives 0.75 instead of ln 2)."""
    m = max(z.data for z in zs)
    shifted = [z - m for z in zs]
    return shifted, _sum([s.exp() for s in shifted]).log()


def log_softmax(logits: Sequence[Pred]) -> list[Value]:
    """log softmax(z)ᵢ = zᵢ − log Σⱼ e^zⱼ, computed as (zᵢ − m) − log Σⱼ e^(zⱼ − m), m = max z."""
    shifted, lse = _shifted_lse(_logit_list(logits, "log_softmax"))
    return [s - lse for s in shifted]


def softmax(logits: Sequence[Pred]) -> list[Value]:
    """softmax(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ, computed with the max subtracted so it never overflows."""
    _, exps = _shifted_exps(_logit_list(logits, "softmax"))
    total = _sum(exps)
    return [e / total for e in exps]


def _class_index(t: Any, k: int, who: str) -> int:
    # is_int first: float() of a huge int would raise OverflowError instead of this message.
    if not (is_int(t) or (is_real(t) and float(t).is_integer())):
        raise ValueError(f"{who}: target must be an int class index, got {t!r}")
    t = int(t)
    if not 0 <= t < k:
        raise ValueError(f"{who}: target class {t} is out of range for {k} classes (0..{k - 1})")
    return t


def cross_entropy(logits: Any, target: Any) -> Value:
    """−log softmax(logits)[target]: categorical cross-entropy from raw scores.

    One sample: a list of logits and an int class index. A batch: a list of logit lists and
    a list of class indices; the result is the mean over the batch (PyTorch's default).
    """
    who = "cross_entropy"
    if _is_seq(logits) and len(logits) and all(_is_seq(row) for row in logits):
        rows, targets = _as_list(logits), target
        if not _is_seq(targets):
            raise ValueError(f"{who}: a batch of {len(rows)} logit lists needs a list of targets")
        targets = _as_list(targets)
        if len(rows) != len(targets):
            raise ValueError(f"{who}: {len(rows)} samples but {len(targets)} targets")
        return _mean([cross_entropy(row, t) for row, t in zip(rows, targets, strict=True)])
    zs = _logit_list(logits, who)
    t = _class_index(target, len(zs), who)
    shifted, lse = _shifted_lse(zs)
    return lse - shifted[t]  # = −log_softmax(z)[t]


# -- regularisation -----------------------------------------------------------------------


def l2_penalty(params: Iterable[Value], alpha: float) -> Value:
    """alpha · Σ p², the L2 (weight decay) term to add to a loss; its gradient is 2·alpha·p."""
    alpha = non_negative(alpha, "l2_penalty", "alpha")
    ps = list(params)
    if not ps:
        raise ValueError("l2_penalty: empty input (no parameters)")
    for p in ps:
        if not isinstance(p, Value):
            raise TypeError(f"l2_penalty: parameters must be Values, got {type(p).__name__}")
    return alpha * _sum([p * p for p in ps])


# -- information theory (lecture notes 003) -----------------------------------------------


def self_information(p: Pred, base: float = math.e) -> Value:
    """I(x) = −log p(x): the surprise of an event of probability p (nats; base=2 for bits)."""
    who = "self_information"
    ln_base = _log_base(base, who)
    pv = _pred(p, who)
    _check_probability(pv.data, who)
    if pv.data == 0.0:
        raise ValueError(f"{who}: probability 0 has infinite information")
    return -pv.log() / ln_base


def entropy(p: Any, base: float = math.e) -> Value:
    """H(p) = −Σ p(x)·log p(x), the expected self-information (nats; base=2 for bits).

    ``p`` is a distribution (a list of probabilities summing to 1), or a single probability,
    read as a coin with P(heads) = p: H = −p·log p − (1 − p)·log(1 − p), the lecture's curve.
    Terms with p(x) = 0 contribute 0 (the limit of p·log p) and pass no gradient.
    """
    who = "entropy"
    ln_base = _log_base(base, who)
    if _is_seq(p):
        ps = [_pred(q, who) for q in _as_list(p)]
        if not ps:
            raise ValueError(f"{who}: empty input (no probabilities)")
    else:
        q = _pred(p, who)
        ps = [q, 1.0 - q]
    for q in ps:
        _check_probability(q.data, who)
    total = math.fsum(q.data for q in ps)
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{who}: probabilities must sum to 1, got {total!r}")
    return -_sum([q * q.log() for q in ps if q.data > 0.0]) / ln_base

"""The primitives' forward functions on floats (with domain checks) and on sample arrays.

Bad input raises naming the op and the value: ``log: input must be > 0, got -1.0``. The rule
table in ``ops.py`` pairs each forward here with its local derivatives; the derivatives live
there only. The ``*_batched`` forwards run the replay on numpy arrays of samples.
"""

from __future__ import annotations

import math

import numpy as np


def _fmt(x: float) -> str:
    return repr(float(x))


def add_forward(a: float, b: float) -> float:
    return a + b


def sub_forward(a: float, b: float) -> float:
    return a - b


def mul_forward(a: float, b: float) -> float:
    return a * b


def div_forward(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"div: division by zero ({_fmt(a)} / {_fmt(b)})")
    return a / b


def pow_forward(a: float, b: float) -> float:
    if a < 0.0 and not float(b).is_integer():
        raise ValueError(
            f"pow: negative base {_fmt(a)} with non-integer exponent {_fmt(b)} has no real result"
        )
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"pow: zero base raised to negative exponent {_fmt(b)}")
    try:
        return float(a**b)
    except OverflowError:
        raise OverflowError(f"pow: {_fmt(a)} ** {_fmt(b)} overflows a float") from None


def mod_forward(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError(f"mod: modulo by zero ({_fmt(a)} % {_fmt(b)})")
    return a % b  # Python's (and torch.remainder's) sign convention: the sign of b


def neg_forward(a: float) -> float:
    return -a


def abs_forward(a: float) -> float:
    return abs(a)


def exp_forward(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(f"exp: exp({_fmt(a)}) overflows a float (limit ≈ 709.78)") from None


def log_forward(a: float) -> float:
    if a <= 0.0:
        raise ValueError(f"log: input must be > 0, got {_fmt(a)}")
    return math.log(a)


def sqrt_forward(a: float) -> float:
    if a < 0.0:
        raise ValueError(f"sqrt: input must be >= 0, got {_fmt(a)}")
    return math.sqrt(a)


def tanh_forward(a: float) -> float:
    return math.tanh(a)  # math.tanh saturates to ±1 without overflow


def sigmoid_forward(a: float) -> float:
    # Two branches so exp() only ever sees a non-positive argument: stable at ±1000.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def relu_forward(a: float) -> float:
    return a if a > 0.0 else 0.0


def softplus_forward(a: float) -> float:
    # log(1 + e^a) = max(a, 0) + log1p(e^-|a|): no overflow for large |a|.
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def tan_forward(a: float) -> float:
    return math.tan(a)  # finite for every finite float: no float lands exactly on π/2 + kπ


def sinh_forward(a: float) -> float:
    try:
        return math.sinh(a)
    except OverflowError:
        raise OverflowError(f"sinh: sinh({_fmt(a)}) overflows a float (limit ≈ 710.48)") from None


def cosh_forward(a: float) -> float:
    try:
        return math.cosh(a)
    except OverflowError:
        raise OverflowError(f"cosh: cosh({_fmt(a)}) overflows a float (limit ≈ 710.48)") from None


def asin_forward(a: float) -> float:
    if not -1.0 <= a <= 1.0:
        raise ValueError(f"asin: input must be in [-1, 1], got {_fmt(a)}")
    return math.asin(a)


def acos_forward(a: float) -> float:
    if not -1.0 <= a <= 1.0:
        raise ValueError(f"acos: input must be in [-1, 1], got {_fmt(a)}")
    return math.acos(a)


def atan_forward(a: float) -> float:
    return math.atan(a)


def acosh_forward(a: float) -> float:
    if not a >= 1.0:
        raise ValueError(f"acosh: input must be >= 1, got {_fmt(a)}")
    return math.acosh(a)


def atanh_forward(a: float) -> float:
    if not -1.0 < a < 1.0:
        raise ValueError(f"atanh: input must be in (-1, 1), got {_fmt(a)}")
    return math.atanh(a)


def log1p_forward(a: float) -> float:
    if a <= -1.0:
        raise ValueError(f"log1p: input must be > -1, got {_fmt(a)}")
    return math.log1p(a)


def expm1_forward(a: float) -> float:
    try:
        return math.expm1(a)
    except OverflowError:
        raise OverflowError(f"expm1: expm1({_fmt(a)}) overflows a float (limit ≈ 709.78)") from None


# The same forwards on numpy arrays of samples, for the batched replay (compile/steps.py). They
# compute the same formulas as the float versions above, branch per sample with np.where,
# and leave domain errors to numpy (the replay runs them under np.errstate(... "raise")).


def sigmoid_batched(a: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(a))  # both branches of sigmoid_forward, exp of a non-positive number
    return np.where(a >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu_batched(a: np.ndarray) -> np.ndarray:
    # Branch-free: np.where on random signs mispredicts (~8x slower on 10^5 elements). The
    # + 0.0 turns a −0.0 into 0.0, which is what the float version returns.
    out = np.maximum(a, 0.0)
    out += 0.0
    return out


def softplus_batched(a: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))

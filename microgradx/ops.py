"""The rule table: every primitive operation and its local derivative, in one place.

Each entry pairs a forward function on floats with one vector-Jacobian product (VJP) rule per
input, as HIPS autograd's ``defvjp(op, rule_a, rule_b)``. A rule receives the upstream
gradient ``g``, the op's output ``out`` and all its inputs, and returns that input's
contribution ``g * ∂out/∂input`` — the chain rule's "local gradient × upstream gradient".
One rule per input lets the engine compute a derivative only for inputs that need one: the
constant base of ``0.0 ** y`` has an infinite derivative that nobody asked for.

Rules are *polymorphic*: they use only arithmetic operators and the helper functions below,
so the same rule runs on plain floats (the fast backward pass), on ``Value`` objects
(``backward(create_graph=True)``, which records the backward pass for higher derivatives) and
on numpy arrays holding one entry per sample (the batched replay of ``compile.trace``).
A rule that depends on the *value* of an input (relu, abs, leaky_relu, pow, and the accurate
forms) branches only through the helpers below, which choose elementwise with ``numpy.where``
for arrays, so every sample takes its own branch. Rules are written in forms that neither
cancel nor overflow, also when differentiated again: docs/precision.md measures them against
a 50-digit oracle and PyTorch. This module imports nothing from the engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from .forwards import (
    abs_forward,
    acos_forward,
    acosh_forward,
    add_forward,
    asin_forward,
    atan_forward,
    atanh_forward,
    cosh_forward,
    div_forward,
    exp_forward,
    expm1_forward,
    log1p_forward,
    log_forward,
    mod_forward,
    mul_forward,
    neg_forward,
    pow_forward,
    relu_batched,
    relu_forward,
    sigmoid_batched,
    sigmoid_forward,
    sinh_forward,
    softplus_batched,
    softplus_forward,
    sqrt_forward,
    sub_forward,
    tan_forward,
    tanh_forward,
)

Num = Any  # a float on the fast path, a Value when recording, an ndarray of samples in replay


class Op(NamedTuple):
    """One primitive: its name, forward function on floats, and one VJP rule per input."""

    name: str
    arity: int
    forward: Callable[..., float]
    vjps: tuple[Callable[..., Any], ...]  # vjps[i](g, out, *inputs) = g · ∂out/∂input_i
    symbol: str  # how graph drawings label the op node
    # The forward on numpy arrays of samples (compile.trace's replay); None when ``forward``
    # already works elementwise on arrays. Domain errors surface as numpy FloatingPointError.
    batched: Callable[..., Any] | None = None
    # The constant a parameterised op was built with: the exponent of ``power(k)``, the slope
    # of ``leaky_relu(slope)``; None for the fixed ops. Exporters read it, never the name.
    param: float | None = None
    # micrograd's ``_op`` string where micrograd or its lecture has the op ("+", "*", "**3",
    # "ReLU"); empty means the same as ``name`` ("tanh", "exp", and the ops micrograd lacks).
    micrograd: str = ""

    def __reduce__(self) -> tuple[Callable[..., Op], tuple[str, float | None]]:
        # Pickled by name (and parameter), never by its functions: lambdas cannot be pickled,
        # and unpickling looks the op up in this table instead of running stored code.
        return lookup, (self.name, self.param)

    def vjp(self, g: Num, out: Num, *inputs: Num) -> Any:
        """Every input's contribution at once: one value for a unary op, a pair for a binary one."""
        if self.arity == 1:
            return self.vjps[0](g, out, *inputs)
        return tuple(rule(g, out, *inputs) for rule in self.vjps)


# ---------------------------------------------------------------------------
# Polymorphic helpers: floats go to ``math``, Values to their own methods, arrays of samples
# (replay) to numpy. They let one rule serve every backward pass. The helpers that branch on
# a value are the only places where rules look at data; for arrays they branch per sample.


def _polymorphic(on_float: Callable[[float], float], on_array: Any, method: str) -> Any:
    """One math function for the three kinds of number a rule meets: float, array, Value."""

    def function(x: Num) -> Num:
        if isinstance(x, float):
            return on_float(x)
        return on_array(x) if isinstance(x, np.ndarray) else getattr(x, method)()

    function.__name__ = method
    return function


def _inf_on_overflow(f: Callable[[float], float]) -> Callable[[float], float]:
    """f on floats, ±inf where it overflows: the float backward pass's one overflow policy
    (``*`` and ``/`` give ±inf there too, as in PyTorch), never a bare ``OverflowError``."""

    def safe(x: float) -> float:
        try:
            return f(x)
        except OverflowError:
            return math.copysign(math.inf, x) if f is math.sinh else math.inf

    return safe


_exp = _polymorphic(_inf_on_overflow(math.exp), np.exp, "exp")
_log = _polymorphic(math.log, np.log, "log")
_sin = _polymorphic(math.sin, np.sin, "sin")
_cos = _polymorphic(math.cos, np.cos, "cos")
_sinh = _polymorphic(_inf_on_overflow(math.sinh), np.sinh, "sinh")
_cosh = _polymorphic(_inf_on_overflow(math.cosh), np.cosh, "cosh")
_tanh = _polymorphic(math.tanh, np.tanh, "tanh")
_sqrt = _polymorphic(math.sqrt, np.sqrt, "sqrt")


def _step(x: Num, below: float = 0.0) -> Num:
    """1 where the *value* of x is > 0, else ``below``: the derivative of relu (below = 0)
    and of leaky_relu (below = slope). A constant: no gradient flows through the choice."""
    if isinstance(x, np.ndarray):  # relu's as a bool→float mask: np.where mispredicts branches
        return (x > 0).astype(np.float64) if below == 0.0 else np.where(x > 0, 1.0, below)
    return 1.0 if x > 0 else below


def _sign(x: Num) -> Num:
    """Sign of the value of x: derivative of abs (0 at 0, as PyTorch)."""
    if isinstance(x, np.ndarray):
        return np.sign(x)
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def _log_or_nan(x: Num) -> Num:
    """ln(x) for x > 0; 0 at x = 0 and NaN for x < 0, so d(a**b)/db matches PyTorch there."""
    if isinstance(x, np.ndarray):
        positive = x > 0
        logs = np.log(np.where(positive, x, 1.0))  # log only where defined: no warnings
        return np.where(positive, logs, np.where(x < 0, math.nan, 0.0))
    if x > 0:
        return _log(x)
    if x < 0:  # a**b is not real for nearby non-integer b: undefined
        return math.nan if isinstance(x, float) else x._constant(math.nan)
    return 0.0  # 0**b is flat (0) for b > 0; PyTorch also reports 0 at a = 0


def _pow_base_grad(g: Num, a: Num, b: Num) -> Num:
    """g·b·a^(b−1); at a = b = 0 it is 0 (as PyTorch) instead of evaluating 0 ** −1."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        both_zero = (a == 0) & (b == 0)
        return np.where(both_zero, 0.0, g * b * _pow_minus_one(np.where(both_zero, 1.0, a), b))
    if _sign(a) == 0.0 and _sign(b) == 0.0:
        return g * 0.0
    return g * b * _pow_minus_one(a, b)


def _pow_minus_one(a: Num, b: Num) -> Num:
    """a^(b − 1) without rounding b − 1 first: the derivative of a^b in a, over b.

    b − 1 rounds when b is not dyadic (1/3 − 1 needs 54 bits), and a^(rounded) is then off by
    |ln a|·2⁻⁵⁴ relatively: 170 ulps at a = 1e300. So a^(b−1) = a^b₁ · a^d, with b₁ = fl(b − 1)
    and d the exact rounding error (TwoSum), a constant; a^d ≈ 1 + d·ln a.
    """
    d = _minus_one_error(b if isinstance(b, (float, np.ndarray)) else b._data)  # a constant
    return _times_pow(_pow(a, b - 1.0), a, d)


def _minus_one_error(b: Any) -> Any:
    """(b − 1) − fl(b − 1), exactly (Fast2Sum, larger operand first); 0 for most b."""
    s = b - 1.0
    if isinstance(b, np.ndarray):
        return np.where(np.abs(b) >= 1.0, (b - s) - 1.0, b - (s + 1.0))
    return (b - s) - 1.0 if abs(b) >= 1.0 else b - (s + 1.0)


def _times_pow(power: Num, a: Num, d: Any) -> Num:
    """power · a^d for a tiny constant d (skipped where d = 0, and at a = 0: power is 0 or ∞)."""
    if isinstance(a, np.ndarray) or isinstance(d, np.ndarray):
        return power * np.where(a == 0, 1.0, np.where(a == 0, 1.0, a) ** d)
    if d == 0.0 or _sign(a) == 0.0:
        return power
    return power * _pow(a, float(d))


def _pow(a: Num, b: Num) -> Num:
    """a ** b; on floats ±inf where it overflows (as _inf_on_overflow)."""
    try:
        return a**b
    except OverflowError:
        if not isinstance(a, float):
            raise  # a Value: the recorded pass's error, naming the op
        return -math.inf if a < 0.0 and b % 2.0 == 1.0 else math.inf


def _inside(x: Num, edge: float, inner: Callable[[Num], Num], outer: Callable[[Num], Num]) -> Num:
    """inner(x) where |x| < edge, else outer(x), per sample; on arrays each formula sees only
    its own samples (a stand-in elsewhere), so the replay's traps fire only where it fails."""
    if isinstance(x, np.ndarray):
        small = np.abs(x) < edge
        return np.where(small, inner(np.where(small, x, 0.0)), outer(np.where(small, edge, x)))
    return inner(x) if -edge < x < edge else outer(x)


# Accurate derivative formulas. Each is exact to a few ulps in both regions AND its own graph
# (create_graph) differentiates without cancelling, so second derivatives are accurate too.


def _sech2(x: Num, t: Num = None) -> Num:
    """sech²(x) = 1 − tanh²(x) (t = tanh x when known): 1 − t² for |x| < ½; 4e/(1 + e)²,
    e = e^(−2|x|), beyond (where 1 − t² loses everything: 0 instead of 4e−17 at x = 19.1)."""
    if type(x) is float:  # the float pass, inline: every tanh and sigmoid node runs this
        if -0.5 < x < 0.5:
            t = math.tanh(x) if t is None else t
            return 1.0 - t * t
        e = math.exp(-2.0 * abs(x))
        return 4.0 * e / ((1.0 + e) * (1.0 + e))
    if t is not None and not isinstance(x, np.ndarray) and -0.5 < x < 0.5:
        return 1.0 - t * t  # a Value: the op's own output, no second tanh node
    return _inside(x, 0.5, lambda u: 1.0 - _tanh(u) ** 2, _sech2_far)


def _sech2_far(x: Num) -> Num:
    e = _exp(-2.0 * abs(x))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def _one_minus_sq(x: Num) -> Num:
    """1 − x², as (1 − x)(1 + x) for |x| ≥ ½ (exact near ±1, where 1 − x·x cancels)."""
    return _inside(x, 0.5, lambda u: 1.0 - u * u, lambda u: (1.0 - u) * (1.0 + u))


def _inv_one_plus_sq(x: Num) -> Num:
    """1 / (1 + x²), as r²/(1 + r²) with r = 1/x for |x| > 1 (x² overflows beyond 1.3e154)."""
    return _inside(x, 1.0, lambda u: 1.0 / (1.0 + u * u), _inv_one_plus_sq_far)


def _inv_one_plus_sq_far(x: Num) -> Num:
    r = 1.0 / x
    return r * r / (1.0 + r * r)


def _inv_hypot1(x: Num) -> Num:
    """1 / √(1 + x²), as |r| / √(1 + r²) with r = 1/x for |x| > 1 (no overflow of x²)."""
    return _inside(x, 1.0, lambda u: 1.0 / _sqrt(1.0 + u * u), _inv_hypot1_far)


def _inv_hypot1_far(x: Num) -> Num:
    r = 1.0 / x
    return abs(r) / _sqrt(1.0 + r * r)


def _floor_div(a: Num, b: Num) -> Num:
    """⌊a / b⌋ as Python's ``//`` (consistent with ``%``); a constant: d(a % b)/db = −⌊a/b⌋."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.floor_divide(a, b)
    return _number(a) // _number(b)


def _number(x: Num) -> float:
    """A number as a float; a Value's data, read as a constant (``float()`` of a traced Value
    is refused). The floor in a recorded derivative is such a constant: no gradient flows
    through it, and a replay of the recorded graph keeps the traced ⌊a/b⌋ (docs/replay.md)."""
    if isinstance(x, float | int | np.floating | np.integer):
        return float(x)
    return float(x.data)


_sigmoid = _polymorphic(sigmoid_forward, sigmoid_batched, "sigmoid")


# ---------------------------------------------------------------------------
# The table. One entry per primitive: name, arity, forward, VJP rules (one per input, in
# argument order), drawing symbol, and where present the batched forward on sample arrays
# (see Op). In every rule: g = upstream gradient, out = this op's output, a/b = its inputs.

ADD = Op(
    "add", 2, add_forward, (lambda g, out, a, b: g, lambda g, out, a, b: g), "+", micrograd="+"
)
SUB = Op(
    "sub", 2, sub_forward, (lambda g, out, a, b: g, lambda g, out, a, b: -g), "−", micrograd="-"
)
MUL = Op(
    "mul",
    2,
    mul_forward,
    (lambda g, out, a, b: g * b, lambda g, out, a, b: g * a),
    "×",
    micrograd="*",
)
DIV = Op(
    "div",
    2,
    div_forward,
    (lambda g, out, a, b: g / b, lambda g, out, a, b: -g * out / b),
    "÷",
    np.divide,
    micrograd="/",
)
POW = Op(
    "pow",
    2,
    pow_forward,
    (
        lambda g, out, a, b: _pow_base_grad(g, a, b),
        lambda g, out, a, b: g * out * _log_or_nan(a),
    ),
    "**",
    np.power,
    micrograd="**",
)
# a % b is piecewise a − b·⌊a/b⌋ with ⌊a/b⌋ constant: derivative 1 and −⌊a/b⌋ almost
# everywhere (HIPS autograd's, PyTorch's); at the jumps, the right-hand derivative.
MOD = Op(
    "mod",
    2,
    mod_forward,
    (lambda g, out, a, b: g, lambda g, out, a, b: -g * _floor_div(a, b)),
    "%",
    np.mod,
)
NEG = Op("neg", 1, neg_forward, (lambda g, out, a: -g,), "−", micrograd="-")
ABS = Op("abs", 1, abs_forward, (lambda g, out, a: g * _sign(a),), "abs")
EXP = Op("exp", 1, exp_forward, (lambda g, out, a: g * out,), "exp", np.exp)
LOG = Op("log", 1, log_forward, (lambda g, out, a: g / a,), "log", np.log)
SQRT = Op("sqrt", 1, sqrt_forward, (lambda g, out, a: g * 0.5 / out,), "sqrt", np.sqrt)
# From the input, not 1 − out² (PyTorch's: 5.5e7 ulps at x = 10, 0 for |x| ≥ 19.1).
TANH = Op("tanh", 1, tanh_forward, (lambda g, out, a: g * _sech2(a, out),), "tanh", np.tanh)
SIGMOID = Op(
    "sigmoid",
    1,
    sigmoid_forward,
    # σ′ = sech²(x/2)/4 = e/(1+e)², e = e^(−|x|), not s(1 − s): 1.8e8 ulps at x = 20, and its
    # graph's derivative (σ″) cancels near 0 (3.7e7 ulps at 1e−8); this one's does not.
    (lambda g, out, a: g * 0.25 * _sech2(0.5 * a),),
    "σ",
    sigmoid_batched,
)
RELU = Op(
    "relu",
    1,
    relu_forward,
    (lambda g, out, a: g * _step(a),),
    "relu",
    relu_batched,
    micrograd="ReLU",
)
SOFTPLUS = Op(
    "softplus",
    1,
    softplus_forward,
    (lambda g, out, a: g * _sigmoid(a),),
    "softplus",
    softplus_batched,
)
SIN = Op("sin", 1, math.sin, (lambda g, out, a: g * _cos(a),), "sin", np.sin)
COS = Op("cos", 1, math.cos, (lambda g, out, a: -g * _sin(a),), "cos", np.cos)
TAN = Op("tan", 1, tan_forward, (lambda g, out, a: g * (1.0 + out * out),), "tan", np.tan)
SINH = Op("sinh", 1, sinh_forward, (lambda g, out, a: g * _cosh(a),), "sinh", np.sinh)
COSH = Op("cosh", 1, cosh_forward, (lambda g, out, a: g * _sinh(a),), "cosh", np.cosh)
# 1 − a² as (1 − a)(1 + a) near ±1: 1 − a·a is 2.1e6 ulps off at 1 − 1e−8.
ASIN = Op(
    "asin", 1, asin_forward, (lambda g, out, a: g / _sqrt(_one_minus_sq(a)),), "asin", np.arcsin
)
ACOS = Op(
    "acos",
    1,
    acos_forward,
    (lambda g, out, a: -g / _sqrt(_one_minus_sq(a)),),
    "acos",
    np.arccos,
)
ATAN = Op("atan", 1, atan_forward, (lambda g, out, a: g * _inv_one_plus_sq(a),), "atan", np.arctan)
ASINH = Op("asinh", 1, math.asinh, (lambda g, out, a: g * _inv_hypot1(a),), "asinh", np.arcsinh)
# √(a − 1)·√(a + 1): a − 1 is exact near 1, and the product does not overflow.
ACOSH = Op(
    "acosh",
    1,
    acosh_forward,
    (lambda g, out, a: g / (_sqrt(a - 1.0) * _sqrt(a + 1.0)),),
    "acosh",
    np.arccosh,
)
ATANH = Op(
    "atanh", 1, atanh_forward, (lambda g, out, a: g / _one_minus_sq(a),), "atanh", np.arctanh
)
# sign is flat: derivative 0 (at 0 too, as PyTorch and HIPS autograd).
SIGN = Op("sign", 1, _sign, (lambda g, out, a: g * 0.0,), "sign", np.sign)
LOG1P = Op("log1p", 1, log1p_forward, (lambda g, out, a: g / (1.0 + a),), "log1p", np.log1p)
# e^x, not out + 1 (PyTorch's form): out + 1 rounds to 0 below x ≈ −37, e^x does not.
EXPM1 = Op("expm1", 1, expm1_forward, (lambda g, out, a: g * _exp(a),), "expm1", np.expm1)


@lru_cache(maxsize=256)
def power(k: float) -> Op:
    """x ** k for a constant exponent k: d/dx = k·x^(k−1); one cached Op per exponent."""

    def forward(a: float) -> float:
        return pow_forward(a, k)

    def batched(a: np.ndarray) -> np.ndarray:
        return np.power(a, k)

    # micrograd writes f"**{other}": "**3" for x**3, "**-1" for the lecture's division.
    shown = str(int(k)) if k.is_integer() and abs(k) < 2.0**53 else repr(k)
    if k == 0.0:  # d/dx x**0 = 0 everywhere; avoids 0 ** -1 when differentiating again
        zero = lambda g, out, a: g * 0.0  # noqa: E731 (one line, like the table)
        return Op("pow0", 1, forward, (zero,), "**0", batched, param=k, micrograd="**0")
    k1, d = k - 1.0, _minus_one_error(k)  # a^(k−1) = a^k1 · a^d exactly (see _pow_minus_one)
    vjp = lambda g, out, a: g * k * _times_pow(_pow(a, k1), a, d)  # noqa: E731
    if d == 0.0 and k >= 1.0:  # k − 1 exact (integer, dyadic k); |a^k1| ≤ max(1, |a^k|): finite
        vjp = lambda g, out, a: g * k * a**k1  # noqa: E731
    return Op(f"pow{k:g}", 1, forward, (vjp,), f"**{k:g}", batched, param=k, micrograd=f"**{shown}")


@lru_cache(maxsize=64)
def leaky_relu(slope: float) -> Op:
    """max(x, slope·x): d/dx = 1 for x > 0, slope otherwise; one cached Op per slope."""

    def forward(a: float) -> float:
        return a if a > 0.0 else slope * a

    def batched(a: np.ndarray) -> np.ndarray:
        return np.where(a > 0.0, a, slope * a)

    vjp = lambda g, out, a: g * _step(a, slope)  # noqa: E731 (one line, like the table)
    return Op("leaky_relu", 1, forward, (vjp,), "leaky_relu", batched, param=slope)


# Every fixed primitive by name; ``power(k)`` and ``leaky_relu(slope)`` build parameterised ones.
RULES: dict[str, Op] = {
    op.name: op
    for op in (ADD, SUB, MUL, DIV, POW, MOD, NEG, ABS, SIGN, EXP, LOG, SQRT, TANH, SIGMOID)
    + (RELU, SOFTPLUS, SIN, COS, TAN, SINH, COSH, ASIN, ACOS, ATAN, ASINH, ACOSH, ATANH)
    + (LOG1P, EXPM1)
}


# User-defined ops (``microgradx.primitive``), by name: their own registry, the same Op shape.
PRIMITIVES: dict[str, Op] = {}


def lookup(name: str, param: float | None = None) -> Op:
    """The primitive called ``name`` (built with ``param`` for power and leaky_relu)."""
    if not isinstance(name, str):
        raise TypeError(f"lookup: op name must be a string, got {type(name).__name__}")
    if param is None:
        if name in RULES:
            return RULES[name]
        if name in PRIMITIVES:
            return PRIMITIVES[name]
        raise ValueError(
            f"lookup: no primitive op named {name!r}; if it is a user-defined primitive, "
            f"define it (microgradx.primitive({name!r}, ...)) before unpickling"
        )
    if type(param) is not float or not math.isfinite(param):
        raise ValueError(f"lookup: op {name!r} needs a finite float parameter, got {param!r}")
    for family in (power, leaky_relu):
        op = family(param)
        if op.name == name:
            return op
    raise ValueError(f"lookup: no parameterised op named {name!r} (parameter {param!r})")

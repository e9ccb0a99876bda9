"""Every primitive's value, first and second derivative against a 50-digit oracle (mpmath).

The goal (issue 19): within max(8 ulps, ¼ of PyTorch float64's error) of the truth at
ordinary, tiny, large, edge and cancellation points — on the eager path (``backward`` for the
first derivative, ``hessian`` through ``create_graph`` for the second) and on the batched
replay (``trace``; the second derivative by tracing the recorded first-derivative graph) —
with eager and replay agreeing. PyTorch's error is measured here, on the same points.

``python tests/test_precision.py`` prints the table of the worst points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest

from microgradx import Value, gradients, hessian, ops, trace
from microgradx.compile import elementwise_grad
from microgradx.interop import TORCH_OPS

torch = pytest.importorskip("torch")
mp = mpmath.mp
mp.dps = 50
Mp = Any  # an mpmath number

# -- the measure ----------------------------------------------------------------------------


def ulps(computed: float, truth: Mp) -> float:
    """|computed − truth| in units in the last place of the truth rounded to a float."""
    exact = float(truth)
    if not math.isfinite(computed):
        return math.inf
    return float(abs(mpmath.mpf(computed) - truth)) / math.ulp(exact)


# -- the grid: name -> (truth of f, f′, f″ in mpmath; points) -------------------------------
# Points: ordinary, tiny, large, domain edges and where a naive formula cancels.


def _sigmoid(x: Mp) -> Mp:
    return 1 / (1 + mp.exp(-x))


def _sech2(x: Mp) -> Mp:
    return mp.sech(x) ** 2


def _one_minus_sq(x: Mp) -> Mp:
    return (1 - x) * (1 + x)


TINY = [1e-300, 1e-8, -1e-8]
UNARY: dict[str, tuple[tuple[Callable[[Mp], Mp], ...], list[float]]] = {
    "neg": ((lambda x: -x, lambda x: -1, lambda x: 0), [0.3, -2.5, 1e300]),
    "abs": ((abs, mp.sign, lambda x: 0), [0.3, -2.5, 1e-300]),
    "exp": ((mp.exp, mp.exp, mp.exp), [0.3, -2.5, 1e-8, -700.0, 700.0]),
    "log": (
        (mp.log, lambda x: 1 / x, lambda x: -1 / x**2),
        [0.3, 2.5, 1 + 1e-8, 1e-300, 1e300, 5e-324],
    ),
    "sqrt": (
        (mp.sqrt, lambda x: 1 / (2 * mp.sqrt(x)), lambda x: -1 / (4 * x * mp.sqrt(x))),
        [0.3, 2.5, 1e-300, 1e300, 5e-324],
    ),
    "tanh": (
        (mp.tanh, _sech2, lambda x: -2 * mp.tanh(x) * _sech2(x)),
        [0.3, -0.7, 3.0, 5.0, 10.0, -19.5, 30.0, 300.0, *TINY],
    ),
    "sigmoid": (
        (
            _sigmoid,
            lambda x: _sigmoid(x) * _sigmoid(-x),
            lambda x: -_sech2(x / 2) * mp.tanh(x / 2) / 4,
        ),
        [0.3, -0.7, 3.0, 20.0, 37.5, -40.0, 700.0, *TINY],
    ),
    "softplus": (
        (lambda x: mp.log1p(mp.exp(x)), _sigmoid, lambda x: _sigmoid(x) * _sigmoid(-x)),
        [0.3, -0.7, 3.0, 20.0, 40.0, -40.0, -700.0, *TINY],
    ),
    "relu": ((lambda x: max(x, 0), lambda x: 1 if x > 0 else 0, lambda x: 0), [0.3, -2.5, 1e-300]),
    "sin": ((mp.sin, mp.cos, lambda x: -mp.sin(x)), [0.3, -2.5, 3.14159, 1e5, *TINY]),
    "cos": (
        (mp.cos, lambda x: -mp.sin(x), lambda x: -mp.cos(x)),
        [0.3, -2.5, 1.5707963, 1e5, *TINY],
    ),
    "tan": (
        (mp.tan, lambda x: mp.sec(x) ** 2, lambda x: 2 * mp.tan(x) * mp.sec(x) ** 2),
        [0.3, -2.5, 1.5707963, 1e5, *TINY],
    ),
    "sinh": ((mp.sinh, mp.cosh, mp.sinh), [0.3, -2.5, 700.0, *TINY]),
    "cosh": ((mp.cosh, mp.sinh, mp.cosh), [0.3, -2.5, 700.0, *TINY]),
    "asin": (
        (mp.asin, lambda x: 1 / mp.sqrt(_one_minus_sq(x)), lambda x: x / _one_minus_sq(x) ** 1.5),
        [0.3, -0.7, 1 - 1e-8, -1 + 1e-12, 0.9999999999999999, *TINY],
    ),
    "acos": (
        (mp.acos, lambda x: -1 / mp.sqrt(_one_minus_sq(x)), lambda x: -x / _one_minus_sq(x) ** 1.5),
        [0.3, -0.7, 1 - 1e-8, -1 + 1e-12, 0.9999999999999999, *TINY],
    ),
    "atan": (
        (mp.atan, lambda x: 1 / (1 + x * x), lambda x: -2 * x / (1 + x * x) ** 2),
        [0.3, -2.5, 1e10, 1e154, 1e200, -1e300, *TINY],
    ),
    "asinh": (
        (mp.asinh, lambda x: 1 / mp.sqrt(1 + x * x), lambda x: -x / (1 + x * x) ** 1.5),
        [0.3, -2.5, 1e10, 1e154, 1e200, -1e300, *TINY],
    ),
    "acosh": (
        (
            mp.acosh,
            lambda x: 1 / mp.sqrt((x - 1) * (x + 1)),
            lambda x: -x / ((x - 1) * (x + 1)) ** 1.5,
        ),
        [1.3, 2.5, 1 + 1e-8, 1 + 2**-52, 1e10, 1e154, 1e300],
    ),
    "atanh": (
        (mp.atanh, lambda x: 1 / _one_minus_sq(x), lambda x: 2 * x / _one_minus_sq(x) ** 2),
        [0.3, -0.7, 1 - 1e-8, -1 + 1e-12, 0.9999999999999999, *TINY],
    ),
    "sign": ((mp.sign, lambda x: 0, lambda x: 0), [0.3, -2.5, 1e-300]),
    "log1p": (
        (mp.log1p, lambda x: 1 / (1 + x), lambda x: -1 / (1 + x) ** 2),
        [0.3, -0.7, -1 + 1e-12, 1e300, *TINY],
    ),
    "expm1": ((mp.expm1, mp.exp, mp.exp), [0.3, -2.5, -40.0, -700.0, 700.0, *TINY]),
}
# x ** k for constant k: dyadic (exact k − 1) and not (1/3, 1.1: k − 1 rounds).
POWERS: dict[float, list[float]] = {
    2.0: [0.3, -2.5, 1e-300, 1e150],
    0.5: [0.3, 2.5, 1e-300, 1e300],
    -1.0: [0.3, -2.5, 1e-100, 1e100],
    1 / 3: [0.3, 2.5, 1e-300, 1e300],
    1.1: [0.3, 2.5, 1e-300, 1e200],
    -2.7: [0.3, 2.5, 1e-100, 1e100],
}

SLOPES = {0.01: [0.3, -2.5, 1e-300, -1e300], 1.5: [0.3, -2.5]}  # leaky_relu(slope)

# Binary ops: (truth of f, ∂f/∂a, ∂f/∂b, ∂²f/∂a², ∂²f/∂b²; points (a, b)).
BINARY: dict[str, tuple[tuple[Callable[[Mp, Mp], Mp], ...], list[tuple[float, float]]]] = {
    "add": (
        (lambda a, b: a + b, lambda a, b: 1, lambda a, b: 1, lambda a, b: 0, lambda a, b: 0),
        [(0.3, -2.5), (1e300, 1e-300)],
    ),
    "sub": (
        (lambda a, b: a - b, lambda a, b: 1, lambda a, b: -1, lambda a, b: 0, lambda a, b: 0),
        [(0.3, -2.5), (1e300, 1e-300)],
    ),
    "mul": (
        (lambda a, b: a * b, lambda a, b: b, lambda a, b: a, lambda a, b: 0, lambda a, b: 0),
        [(0.3, -2.5), (1e150, 1e-300)],
    ),
    "div": (
        (
            lambda a, b: a / b,
            lambda a, b: 1 / b,
            lambda a, b: -a / b**2,
            lambda a, b: 0,
            lambda a, b: 2 * a / b**3,
        ),
        [(0.3, -2.5), (1e-300, 1e-5), (7.0, 3.0), (1e100, 1e100)],
    ),
    "mod": (
        (
            lambda a, b: a - b * mp.floor(a / b),
            lambda a, b: 1,
            lambda a, b: -mp.floor(a / b),
            lambda a, b: 0,
            lambda a, b: 0,
        ),
        [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (1e10, 3.3), (0.3, 0.7)],
    ),
    "pow": (
        (
            lambda a, b: a**b,
            lambda a, b: b * a ** (b - 1),
            lambda a, b: a**b * mp.log(a),
            lambda a, b: b * (b - 1) * a ** (b - 2),
            lambda a, b: a**b * mp.log(a) ** 2,
        ),
        [(0.3, 2.5), (2.5, 1 / 3), (1e-300, 1 / 3), (1e300, 1 / 3), (1 + 1e-8, 1.1), (7.0, -2.7)],
    ),
}


# -- the systems measured -------------------------------------------------------------------

F = Callable[[Any], Any]


def _eager(f: F, x: float) -> list[float]:
    """Value, f′ (backward) and f″ (hessian, through create_graph) on the eager engine."""

    def first() -> list[float]:
        v = Value(x)
        f(v).backward()
        return [float(v.grad)]

    value = _safely(lambda: [f(Value(x)).data], 1)
    second = _safely(lambda: [float(hessian(f)(x)[0][0])], 1)
    return value + _safely(first, 1) + second


def _first_derivative(f: F) -> F:
    def derivative(v: Value) -> Any:
        return gradients(f(v), [v], create_graph=True)[0]

    return derivative


def _replay(f: F, xs: list[float]) -> list[list[float]]:
    """Value and f′ replayed over the whole grid at once; f″ as the replay of f′'s graph."""
    try:
        values, firsts = trace(f, xs[0])(xs), elementwise_grad(f)(xs)
    except (ArithmeticError, ValueError):  # one sample's overflow stops the batch: one by one
        values = [_safely(lambda x=x: [float(trace(f, x)([x])[0])], 1)[0] for x in xs]
        firsts = [_safely(lambda x=x: [float(elementwise_grad(f)([x])[0])], 1)[0] for x in xs]
    seconds = [
        _safely(lambda x=x: [float(elementwise_grad(_first_derivative(f))([x])[0])], 1)[0]
        for x in xs
    ]
    return [list(map(float, values)), list(map(float, firsts)), seconds]


def _torch(f: F, x: float) -> list[float]:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = f(t)
    (d1,) = torch.autograd.grad(y, t, create_graph=True)
    d2 = torch.autograd.grad(d1, t)[0] if d1.requires_grad else torch.zeros(())
    return [y.item(), d1.item(), d2.item()]


def _safely(compute: Callable[[], list[float]], n: int) -> list[float]:
    try:
        return compute()
    except (ArithmeticError, ValueError):
        return [math.nan] * n  # a raise where the truth is finite counts as infinitely far


Row = tuple[str, float, int, float, float, float]  # case, x, order, eager, replay, torch ulps


def _rows(
    case: str, f: F, tf: F, truths: tuple[Callable[[Mp], Mp], ...], xs: list[float]
) -> list[Row]:
    replayed = _replay(f, xs)
    rows = []
    for i, x in enumerate(xs):
        eager = _eager(f, x)
        theirs = _torch(tf, x)
        for order, truth in enumerate(truths):
            exact = truth(mpmath.mpf(x))
            if not mpmath.isfinite(exact) or abs(exact) > mpmath.mpf(np.finfo(float).max):
                continue  # overflows a float: nothing to compare
            rows.append(
                (case, x, order, ulps(eager[order], exact), ulps(replayed[order][i], exact),
                 ulps(theirs[order], exact))
            )  # fmt: skip
    return rows


def _value_op(name: str) -> F:
    return {"neg": lambda v: -v, "abs": abs}.get(name) or getattr(Value, name)


def _torch_op(name: str, param: float | None = None) -> F:
    return lambda t: TORCH_OPS[name](torch, param, t)


def _unary_rows(name: str) -> list[Row]:
    truths, xs = UNARY[name]
    return _rows(name, _value_op(name), _torch_op(name), truths, xs)


def _power_rows(k: float) -> list[Row]:
    xs = POWERS[k]
    truths = (
        lambda x: x ** mpmath.mpf(k),
        lambda x: k * x ** (mpmath.mpf(k) - 1),
        lambda x: k * (mpmath.mpf(k) - 1) * x ** (mpmath.mpf(k) - 2),
    )
    return _rows(f"x**{k:.3g}", lambda v: v**k, _torch_op("power", k), truths, xs)


_OPERATORS = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__",
              "pow": "__pow__", "mod": "__mod__"}  # fmt: skip


def _partial(name: str, other: float, first: bool) -> tuple[F, F]:
    """The op as a function of one input, the other fixed at ``other``: ours and torch's."""
    method = getattr(Value, _OPERATORS[name])

    def ours(v: Value) -> Value:
        return method(v, Value(other)) if first else method(Value(other), v)

    def theirs(t: Any) -> Any:
        fixed = torch.tensor(other, dtype=torch.float64)
        return TORCH_OPS[name](torch, None, *((t, fixed) if first else (fixed, t)))

    return ours, theirs


def _leaky_rows(slope: float) -> list[Row]:
    truths = (
        lambda x: x if x > 0 else slope * x,
        lambda x: 1 if x > 0 else mpmath.mpf(slope),
        lambda x: 0,
    )
    build = lambda v: v.leaky_relu(slope)  # noqa: E731
    return _rows(
        f"leaky_relu({slope})", build, _torch_op("leaky_relu", slope), truths, SLOPES[slope]
    )


# ∂²f/∂a∂b: (truth; ordinary points). At 1 + b·ln a ≈ 0 the mixed partial of a ** b is
# ill-conditioned (an error of one ulp in ln a is relatively unbounded): not on the grid.
MIXED: dict[str, tuple[Callable[[Mp, Mp], Mp], list[tuple[float, float]]]] = {
    "mul": (lambda a, b: 1, [(0.3, -2.5)]),
    "div": (lambda a, b: -1 / b**2, [(0.3, -2.5), (1e-300, 1e-5)]),
    "pow": (
        lambda a, b: a ** (b - 1) * (1 + b * mp.log(a)),
        [(0.3, 2.5), (2.5, 1 / 3), (1e-300, 1 / 3), (1e300, 1 / 3), (7.0, -2.7)],
    ),
    "mod": (lambda a, b: 0, [(7.5, 2.0), (-7.5, 2.0)]),
}


def _mixed_rows(name: str) -> list[Row]:
    """∂²f/∂a∂b: eager by hessian, replay by tracing ∂f/∂a's recorded graph, torch."""
    truth, points = MIXED[name]
    method = getattr(Value, _OPERATORS[name])

    def d_da_at(a: float) -> F:  # ∂f/∂a's graph as a function of b alone: a is not an input
        def d_da(b: Value) -> Any:
            x = Value(a)
            return gradients(method(x, b), [x], create_graph=True)[0]

        return d_da

    rows = []
    for a, b in points:
        eager = _safely(lambda a=a, b=b: [float(hessian(method)(a, b)[0][1])], 1)[0]
        replay = _safely(lambda a=a, b=b: [float(elementwise_grad(d_da_at(a))([b])[0])], 1)
        ta, tb = (torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (a, b))
        (ga,) = torch.autograd.grad(TORCH_OPS[name](torch, None, ta, tb), ta, create_graph=True)
        theirs = torch.autograd.grad(ga, tb)[0].item() if ga.requires_grad else 0.0
        exact = truth(mpmath.mpf(a), mpmath.mpf(b))
        rows.append((f"{name} ∂a∂b (a={a:.3g})", b, 2, ulps(eager, exact), ulps(replay[0], exact),
                     ulps(theirs, exact)))  # fmt: skip
    return rows


def _binary_rows(name: str) -> list[Row]:
    (value, d_a, d_b, d_aa, d_bb), points = BINARY[name]
    rows = []
    for a, b in points:
        ma, mb = mpmath.mpf(a), mpmath.mpf(b)
        in_a = [lambda x, f=f, mb=mb: f(x, mb) for f in (value, d_a, d_aa)]
        in_b = [lambda x, f=f, ma=ma: f(ma, x) for f in (value, d_b, d_bb)]
        rows += _rows(f"{name} ∂a (b={b:.3g})", *_partial(name, b, True), tuple(in_a), [a])
        rows += _rows(f"{name} ∂b (a={a:.3g})", *_partial(name, a, False), tuple(in_b), [b])
    return rows


def _all_rows() -> list[Row]:
    rows = [r for name in UNARY for r in _unary_rows(name)]
    rows += [r for k in POWERS for r in _power_rows(k)]
    rows += [r for slope in SLOPES for r in _leaky_rows(slope)]
    rows += [r for name in MIXED for r in _mixed_rows(name)]
    return rows + [r for name in BINARY for r in _binary_rows(name)]


def _bound(torch_ulps: float) -> float:
    return max(8.0, torch_ulps / 4)


def _check(rows: list[Row]) -> None:
    assert rows, "no point of the grid was measured"
    order_name = ("value", "f′", "f″")
    for case, x, order, eager, replayed, theirs in rows:
        where = f"{case} {order_name[order]} at x = {x!r}"
        bound = _bound(theirs)
        assert eager <= bound, (
            f"{where}: eager {eager:.3g} ulps, bound {bound:.3g} (torch {theirs:.3g})"
        )
        assert replayed <= bound, f"{where}: replay {replayed:.3g} ulps, bound {bound:.3g}"
        # Both sit within a few ulps of the truth, hence of each other.
        assert abs(eager - replayed) <= 8.0, f"{where}: eager {eager:.3g} vs replay {replayed:.3g}"


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_op_value_and_two_derivatives_are_within_the_bound_of_the_truth(name: str) -> None:
    _check(_unary_rows(name))


@pytest.mark.parametrize("k", sorted(POWERS))
def test_power_value_and_two_derivatives_are_within_the_bound_of_the_truth(k: float) -> None:
    _check(_power_rows(k))


@pytest.mark.parametrize("slope", sorted(SLOPES))
def test_leaky_relu_value_and_two_derivatives_are_within_the_bound_of_the_truth(
    slope: float,
) -> None:
    _check(_leaky_rows(slope))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_op_partials_are_within_the_bound_of_the_truth(name: str) -> None:
    _check(_binary_rows(name))


@pytest.mark.parametrize("name", sorted(MIXED))
def test_binary_op_mixed_second_partial_is_within_the_bound_of_the_truth(name: str) -> None:
    _check(_mixed_rows(name))


def test_the_grid_covers_every_primitive_of_the_table() -> None:
    assert set(ops.RULES) == set(UNARY) | set(BINARY)


def test_the_measure_counts_ulps_of_the_truth() -> None:
    # The oracle itself: one ulp off at 1.0 is one ulp; a non-finite result is infinitely far.
    assert ulps(1.0 + 2**-52, mpmath.mpf(1)) == 1.0
    assert ulps(0.1, mpmath.mpf(1) / 10) < 0.5
    assert ulps(math.inf, mpmath.mpf(1)) == math.inf


def test_the_grid_holds_points_where_the_textbook_formulas_fail() -> None:
    # tanh′ = 1 − tanh² is 0 at x = 30 (truth 3.5e−26), torch's value there is far off;
    # the grid must contain such points, or the ¼-of-torch bound would test nothing.
    worst = max(r[5] for r in _unary_rows("tanh"))
    assert worst > 1e6


if __name__ == "__main__":
    table = _all_rows()
    table.sort(key=lambda r: -max(r[3], r[4]))
    print(f"{'case':24} {'x':>12} d  {'eager':>10} {'replay':>10} {'torch':>10}")
    for case, x, order, eager, replayed, theirs in table:
        flag = "  FAIL" if max(eager, replayed) > _bound(theirs) else ""
        print(f"{case:24} {x:12.5g} {order}  {eager:10.3g} {replayed:10.3g} {theirs:10.3g}{flag}")

"""Numerical differentiation: finite differences, the error-vs-h study, and gradient checks.

Finite differences approximate a derivative from function values alone. Expanding f in a
Taylor series around x,

    f(x ± h) = f(x) ± f'(x)·h + f''(x)·h²/2 ± f'''(x)·h³/6 + O(h⁴),

gives the three classic formulas and their *truncation* errors:

    forward   (f(x + h) − f(x)) / h       = f'(x) + f''(x)·h/2  + O(h²)   → error O(h)
    backward  (f(x) − f(x − h)) / h       = f'(x) − f''(x)·h/2  + O(h²)   → error O(h)
    central   (f(x + h) − f(x − h)) / 2h  = f'(x) + f'''(x)·h²/6 + O(h⁴)  → error O(h²)

In the central difference the even terms cancel, so halving h divides its error by four
instead of two. Smaller h is not always better: f is computed with a relative *round-off*
error of about ε ≈ 1.1e-16, and subtracting two nearly equal values then dividing by h
magnifies it to about ε·|f(x)|/h. The total error is smallest near h ≈ √ε ≈ 1e-8 for the
one-sided formulas and h ≈ ε^(1/3) ≈ 5e-6 for the central one, and grows again below that —
``fd_errors`` computes exactly this study for a log-log plot (slopes 1, 2, and −1).

``gradcheck`` and ``gradgradcheck`` use central differences to verify the autodiff
engine's first and second derivatives, like ``torch.autograd.gradcheck``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from typing import Any, Literal

from ._checks import finite_real, is_real, non_negative
from .engine import Value, no_grad
from .functional import grad, hessian
from .rulecheck import RuleMismatch, check_rules

__all__ = [
    "METHODS",
    "GradcheckError",
    "backward_difference",
    "central_difference",
    "fd_errors",
    "forward_difference",
    "gradcheck",
    "gradgradcheck",
    "numerical_gradient",
]

Method = Literal["forward", "central", "backward"]
METHODS: tuple[Method, ...] = ("forward", "central", "backward")
"""The finite-difference formulas, in the order the lecture notes present them."""


class GradcheckError(ValueError):
    """Autodiff and finite-difference derivatives disagree; the message tabulates where.

    ``edge`` is the first wrong local derivative ``check_rules`` finds in f's graph (None when
    every rule agrees with its forward: then the function itself is not differentiable there,
    or it reads numbers outside the graph).
    """

    edge: RuleMismatch | None = None


# -- one-variable differences ----------------------------------------------------------------


def forward_difference(f: Callable[[Any], Any], x: float, h: float = 1e-5) -> float:
    """Approximate f'(x) by (f(x + h) − f(x)) / h; truncation error f''(x)·h/2 + O(h²) = O(h).

    ``f`` is written for floats or for Values (``x.tanh()``) and returns a number or a
    ``Value``, as in ``numerical_gradient``. Round-off adds about ε·|f(x)|/h.

    >>> round(forward_difference(lambda x: x * x, 3.0, h=1e-3), 6)   # exact: 6, error h
    6.001
    """
    x, h, g = _one_variable(f, x, h, "forward_difference")
    return _forward(g, x, h)


def backward_difference(f: Callable[[Any], Any], x: float, h: float = 1e-5) -> float:
    """Approximate f'(x) by (f(x) − f(x − h)) / h; truncation error −f''(x)·h/2 + O(h²) = O(h).

    ``f`` is written for floats or for Values (``x.tanh()``) and returns a number or a
    ``Value``, as in ``numerical_gradient``. Round-off adds about ε·|f(x)|/h.

    >>> round(backward_difference(lambda x: x * x, 3.0, h=1e-3), 6)  # exact: 6, error −h
    5.999
    """
    x, h, g = _one_variable(f, x, h, "backward_difference")
    return _backward(g, x, h)


def central_difference(f: Callable[[Any], Any], x: float, h: float = 1e-5) -> float:
    """Approximate f'(x) by (f(x + h) − f(x − h)) / 2h; truncation error f'''(x)·h²/6 = O(h²).

    ``f`` is written for floats or for Values (``x.tanh()``) and returns a number or a
    ``Value``, as in ``numerical_gradient``. Round-off adds about ε·|f(x)|/h.

    >>> round(central_difference(lambda x: x ** 3, 2.0, h=1e-3), 9)  # exact: 12, error h²
    12.000001
    >>> round(central_difference(lambda x: x.tanh(), 0.0), 9)        # a Value method
    1.0
    """
    x, h, g = _one_variable(f, x, h, "central_difference")
    return _central(g, x, h)


# The formulas themselves, on a function already turned into floats in, a float out.
Difference = Callable[[Callable[[float], float], float, float], float]


def _forward(g: Callable[[float], float], x: float, h: float) -> float:
    return (g(x + h) - g(x)) / h


def _backward(g: Callable[[float], float], x: float, h: float) -> float:
    return (g(x) - g(x - h)) / h


def _central(g: Callable[[float], float], x: float, h: float) -> float:
    return (g(x + h) - g(x - h)) / (2.0 * h)


_DIFFERENCES: dict[str, Difference] = {
    "forward": _forward,
    "central": _central,
    "backward": _backward,
}


# -- several variables -----------------------------------------------------------------------


def numerical_gradient(
    f: Callable[..., Any], xs: Collection[float], h: float = 1e-5, method: Method = "central"
) -> list[float]:
    """Approximate the gradient of ``f(*xs)`` by one finite difference per variable.

    Each partial derivative ∂f/∂x_i moves x_i alone by ±h, so the errors are those of the
    one-variable formula (O(h) forward/backward, O(h²) central). ``f`` may be written for
    floats or for Values (``x.tanh()``): if calling it with floats raises AttributeError or
    TypeError, it is called with Values under ``no_grad``. It returns a number or a Value.

    >>> [round(g, 6) for g in numerical_gradient(lambda x, y: (2 * x + y) ** 2, [1.5, -2.0])]
    [4.0, 2.0]
    >>> [round(g, 6) for g in numerical_gradient(lambda x: x.tanh(), [0.0])]
    [1.0]
    """
    where = "numerical_gradient"
    _check_callable(f, where)
    difference = _check_method(method, where)
    point = _check_points(xs, where)
    h = _check_step(h, where, "h")
    f_of_floats = _float_function(f, point, where)

    def partial(i: int) -> float:
        def along_i(t: float) -> float:
            return f_of_floats(*point[:i], t, *point[i + 1 :])

        return difference(along_i, point[i], h)

    return [partial(i) for i in range(len(point))]


# -- the error-vs-h study --------------------------------------------------------------------


def fd_errors(
    f: Callable[[float], Any],
    df: Callable[[float], Any] | float,
    x: float,
    hs: Sequence[float],
) -> dict[str, list[float]]:
    """Absolute error of each finite-difference formula at x, for every step size in ``hs``.

    ``f`` is written for floats or for Values, and so is ``df``, the exact derivative (a
    function, or its value at x). Returns
    ``{"forward": [...], "central": [...], "backward": [...]}``, one error per h; on a
    log-log plot against h the truncation parts have slopes 1, 2, 1 and round-off slope −1.

    >>> errors = fd_errors(lambda x: x ** 3, lambda x: 3 * x ** 2, 1.0, [1e-2, 1e-3])
    >>> [round(e, 8) for e in errors["central"]]   # f'''·h²/6 = h²
    [0.0001, 1e-06]
    """
    where = "fd_errors"
    _check_callable(f, where)
    x = _check_real(x, where, "x")
    exact = _float_function(df, (x,), where)(x) if callable(df) else _check_real(df, where, "df")
    if isinstance(hs, (str, bytes)) or not isinstance(hs, Sequence) or not hs:
        raise TypeError(f"{where}: hs must be a non-empty sequence of step sizes, got {hs!r}")
    steps = [_check_step(h, where, "h") for h in hs]
    g = _float_function(f, (x,), where)
    return {
        method: [abs(_DIFFERENCES[method](g, x, h) - exact) for h in steps] for method in METHODS
    }


# -- gradient checks -------------------------------------------------------------------------


def gradcheck(
    f: Callable[..., Value],
    inputs: Collection[float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check f's autodiff gradient against central differences; True, or raise GradcheckError.

    ``f`` takes one ``Value`` per input and returns a ``Value``. An input passes when
    ``|autodiff − numeric| <= atol + rtol·|numeric|`` (PyTorch's rule); the error lists every
    input that does not and names the first wrong edge of f's graph (``check_rules``).

    >>> gradcheck(lambda x, y: (x * y).tanh(), [0.3, -1.2])
    True
    """
    where = "gradcheck"
    point, eps, atol, rtol = _check_gradcheck_args(f, inputs, eps, atol, rtol, where)
    n = len(point)
    autodiff = grad(f, argnum=tuple(range(n)))(*point)
    numeric = numerical_gradient(_on_values(f, where), point, eps, "central")
    rows = [(str(i), autodiff[i], numeric[i]) for i in range(n)]
    try:
        return _compare(rows, "input", atol, rtol, f"{where} (eps={eps:g})")
    except GradcheckError as e:
        raise _with_wrong_edge(e, f, point) from None


def _with_wrong_edge(
    e: GradcheckError, f: Callable[..., Value], point: list[float]
) -> GradcheckError:
    """The error, plus the first edge of f's graph whose local derivative is wrong."""
    out = f(*(Value(x, label=f"x{i}") for i, x in enumerate(point)))
    report = check_rules(out) if isinstance(out, Value) else None
    if report is None or report.ok:
        note = (
            "check_rules finds every local derivative of the graph right (a kink, "
            "a detach(), or a number computed outside the graph?)"
        )
        edge = None
    else:
        edge = report[0]
        note = f"first wrong edge: {edge.describe()}"
    error = GradcheckError(f"{e}\n{note}")
    error.edge = edge
    return error


def gradgradcheck(
    f: Callable[..., Value],
    inputs: Collection[float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check f's second derivatives (via create_graph) against central differences of its gradient.

    The autodiff Hessian ``H[i][j] = ∂/∂x_j (∂f/∂x_i)`` comes from differentiating the recorded
    backward pass; the reference differentiates the autodiff gradient numerically, column by
    column. True, or raise GradcheckError listing each mismatching entry (i, j).

    >>> gradgradcheck(lambda x, y: x.sin() * y ** 3, [0.5, 2.0])
    True
    """
    where = "gradgradcheck"
    point, eps, atol, rtol = _check_gradcheck_args(f, inputs, eps, atol, rtol, where)
    n = len(point)
    gradient = grad(f, argnum=tuple(range(n)))
    analytic = hessian(f)(*point)
    columns = []  # column j: ∂(gradient)/∂x_j by a central difference of the autodiff gradient
    for j in range(n):
        plus = gradient(*point[:j], point[j] + eps, *point[j + 1 :])
        minus = gradient(*point[:j], point[j] - eps, *point[j + 1 :])
        columns.append([(p - m) / (2.0 * eps) for p, m in zip(plus, minus, strict=True)])
    rows = [(f"({i}, {j})", analytic[i][j], columns[j][i]) for i in range(n) for j in range(n)]
    return _compare(rows, "entry", atol, rtol, f"{where} (eps={eps:g})")


def _compare(
    rows: list[tuple[str, float, float]], what: str, atol: float, rtol: float, title: str
) -> bool:
    """True if every (name, autodiff, numeric) row agrees; else raise with a table of the rest."""
    bad = [
        (name, a, n, abs(a - n))
        for name, a, n in rows
        # written as "not <=" so a NaN on either side counts as a mismatch
        if not abs(a - n) <= atol + rtol * abs(n)
    ]
    if not bad:
        return True
    header = f"{what:>8} {'autodiff':>22} {'numeric':>22} {'abs err':>10} {'rel err':>10}"
    lines = [
        f"{title}: autodiff and central differences disagree at {len(bad)} of {len(rows)} "
        f"{what}(s) (tolerance: abs err <= atol + rtol·|numeric|, atol={atol:g}, rtol={rtol:g})",
        header,
    ]
    for name, a, n, err in bad:
        rel = err / abs(n) if n != 0 else math.inf
        lines.append(f"{name:>8} {a:>22.15g} {n:>22.15g} {err:>10.3g} {rel:>10.3g}")
    raise GradcheckError("\n".join(lines))


# -- helpers and validation ------------------------------------------------------------------


def _float_function(
    f: Callable[..., Any], probe: Sequence[float], where: str
) -> Callable[..., float]:
    """f as floats in, a float out, whether f is written for floats or for Values.

    f is first called with floats at ``probe``. If that raises AttributeError or TypeError
    (a float has no ``.tanh()``), every call wraps its floats in Values under ``no_grad``;
    should that fail as well, the error propagates chained to the float one.
    """

    def on_floats(*xs: float) -> float:
        return _as_float(f(*xs), where)

    try:
        f(*probe)
    except (AttributeError, TypeError):
        on_values = _on_values(f, where)
        on_values(*probe)
        return on_values
    return on_floats


def _on_values(f: Callable[..., Any], where: str) -> Callable[..., float]:
    """f, written for Values, as floats in and a float out; no graph is built."""

    def on_values(*xs: float) -> float:
        with no_grad():
            return _as_float(f(*(Value(x) for x in xs)), where)

    return on_values


def _as_float(out: Any, where: str) -> float:
    if isinstance(out, Value):
        return out.data
    if is_real(out):
        return float(out)
    raise TypeError(
        f"{where}: the function must return a number or a Value, got {type(out).__name__} {out!r}"
    )


def _check_callable(f: Any, where: str) -> None:
    if not callable(f):
        raise TypeError(f"{where}: expected a function f, got {type(f).__name__} {f!r}")


def _check_method(method: Any, where: str) -> Difference:
    if not isinstance(method, str) or method not in _DIFFERENCES:
        raise ValueError(f"{where}: method must be one of {', '.join(METHODS)}; got {method!r}")
    return _DIFFERENCES[method]


def _check_real(x: Any, where: str, name: str) -> float:
    """A finite real number as a float; a Value is read through its data."""
    if isinstance(x, Value):
        return x.data
    return finite_real(x, where, name, expected="a real number")


def _check_step(h: Any, where: str, name: str) -> float:
    step = _check_real(h, where, name)
    if step <= 0.0:
        raise ValueError(f"{where}: step {name} must be > 0, got {step!r}")
    return step


def _one_variable(
    f: Any, x: Any, h: Any, where: str
) -> tuple[float, float, Callable[[float], float]]:
    """Checked x and h, and f as floats in, a float out (written for floats or for Values)."""
    _check_callable(f, where)
    x, h = _check_real(x, where, "x"), _check_step(h, where, "h")
    return x, h, _float_function(f, (x,), where)


def _check_points(xs: Any, where: str) -> list[float]:
    if isinstance(xs, (str, bytes)) or not hasattr(xs, "__len__") or len(xs) == 0:
        raise TypeError(f"{where}: expected a non-empty sequence of numbers, got {xs!r}")
    return [_check_real(x, where, f"input {i}") for i, x in enumerate(xs)]


def _check_gradcheck_args(
    f: Any, inputs: Any, eps: Any, atol: Any, rtol: Any, where: str
) -> tuple[list[float], float, float, float]:
    _check_callable(f, where)
    point = _check_points(inputs, where)
    eps = _check_step(eps, where, "eps")
    atol = non_negative(_check_real(atol, where, "atol"), where, "atol")
    rtol = non_negative(_check_real(rtol, where, "rtol"), where, "rtol")
    return point, eps, atol, rtol

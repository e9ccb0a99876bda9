"""``check_rules``: which local derivative of a graph is wrong, edge by edge.

``gradcheck`` says *that* a gradient is wrong; this says *where*. At the graph's current
point every node's VJP rules (built-in or user-defined primitives alike) are compared with
central differences of that node's own forward, one input at a time::

    analytic  = rule(g, out, *inputs) / g                      (each input's rule, g = 1 and ½)
    numeric   = (forward(…, x + h, …) − forward(…, x − h, …)) / 2h

Evaluating the rule at two upstream gradients catches a rule that forgot its ``g *``
(exact at g = 1). The step suits the input's scale, ``h = ε^(1/3)·max(1, |x|)`` (the central
difference's best step), and is shrunk a thousandfold (twice; and to ε^(1/3)·|x| for a
tiny x) when a kink, a pole or a domain edge lies within ``x ± h``. A mismatch that is a
genuine kink (relu or abs at 0: the one-sided slopes differ and the rule gives one of them)
is skipped and listed as such, as are jumps (sign at 0: the rise across x ± h does not shrink
with h) and points where the forward is undefined on either side (sqrt at 0).

>>> from microgradx import Value
>>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
>>> report = check_rules((x * w).tanh())
>>> report.ok, report.checked
(True, 3)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from ._checks import positive
from .engine import Value, topological_order
from .ops import Op

__all__ = ["RuleMismatch", "RuleReport", "SkippedEdge", "check_rules", "node_name"]

STEP = sys.float_info.epsilon ** (1.0 / 3.0)
"""The relative step of the central differences, ε^(1/3) ≈ 6.1e-6 (truncation ≈ round-off)."""

RTOL = 1e-4
"""Relative tolerance between a rule and its central difference (their error is ~1e-9 here)."""

_EPS = sys.float_info.epsilon
_INFIX = {"add": "+", "sub": "−", "mul": "·", "div": "/", "pow": "**"}
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "pow": 3}


@dataclass(frozen=True)
class RuleMismatch:
    """One wrong edge: a node's rule for one input disagrees with its forward's slope."""

    op: str
    input: int  # which input of the op (0 = first argument)
    input_name: str
    node: str  # the node's label, or a readable name such as ``x·w``
    analytic: float  # the rule's ∂out/∂input (its value at g = 1)
    numeric: float  # the central difference of the node's forward
    rel_error: float
    step: float  # the h the central difference used
    why: str
    value: Value = field(repr=False, compare=False)  # the node itself, for drawings

    def describe(self) -> str:
        """One sentence for a tooltip or an error message."""
        return (
            f"{self.op} rule for input {self.input} ({self.input_name}) of {self.node}: {self.why}"
        )


@dataclass(frozen=True)
class SkippedEdge:
    """An edge not compared, and why (a kink, a forward undefined next to the point)."""

    op: str
    input: int
    input_name: str
    node: str
    why: str
    value: Value = field(repr=False, compare=False)


@dataclass(frozen=True)
class RuleReport(Sequence[RuleMismatch]):
    """The mismatches of ``check_rules`` (a sequence, empty when all is well), and the skips."""

    mismatches: tuple[RuleMismatch, ...]
    skipped: tuple[SkippedEdge, ...]
    checked: int  # edges compared
    constants: int  # edges into Constants: no gradient flows there, so not checked
    step: str  # how the step was chosen

    @property
    def ok(self) -> bool:
        """True when no rule disagrees with its forward."""
        return not self.mismatches

    def __len__(self) -> int:
        return len(self.mismatches)

    @overload
    def __getitem__(self, i: int) -> RuleMismatch: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[RuleMismatch]: ...
    def __getitem__(self, i: int | slice) -> RuleMismatch | Sequence[RuleMismatch]:
        return self.mismatches[i]

    def __iter__(self) -> Iterator[RuleMismatch]:
        return iter(self.mismatches)

    def __str__(self) -> str:
        head = (
            f"check_rules: {len(self.mismatches)} wrong local derivative(s) in "
            f"{self.checked} edge(s) checked; step {self.step}"
        )
        lines = [head]
        if self.mismatches:
            lines.append(
                f"{'node':<20} {'op':<10} {'input':<14} {'analytic':>13} {'numeric':>13} "
                f"{'rel err':>9} {'h':>8}"
            )
            for m in self.mismatches:
                lines.append(
                    f"{_cut(m.node, 20):<20} {_cut(m.op, 10):<10} "
                    f"{_cut(f'{m.input}: {m.input_name}', 14):<14} {m.analytic:>13.6g} "
                    f"{m.numeric:>13.6g} {m.rel_error:>9.2g} {m.step:>8.2g}"
                )
                lines.append(f"    why: {m.why}")
        for s in self.skipped:
            lines.append(f"skipped {s.op} input {s.input} ({s.input_name}) of {s.node}: {s.why}")
        if self.constants:
            lines.append(f"{self.constants} edge(s) into constants not checked (no gradient)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def node_name(v: Value, depth: int = 0, context: int = 0) -> str:
    """The node's label, else a short expression of its inputs (``x·w + b``, ``tanh(n)``, ``2.5``).

    ``context`` is the precedence the surrounding expression needs (0 at the top or inside a
    function call): an operand that binds less tightly is wrapped in parentheses.
    """
    if v.label:
        return v.label
    fn = v._fn
    if fn is None:
        return f"{v.data:g}"
    if depth >= 3:
        return "…"
    if fn.arity == 2 and fn.name in _INFIX:
        own = _PRECEDENCE[fn.name]
        left = node_name(v.parents[0], depth + 1, own)
        right = node_name(v.parents[1], depth + 1, own + (fn.name in ("sub", "div", "pow")))
        sep = _INFIX[fn.name] if own > 1 else f" {_INFIX[fn.name]} "
        text = f"{left}{sep}{right}"
        return f"({text})" if own < context else text
    if fn.param is not None and fn.name.startswith("pow"):
        return f"{node_name(v.parents[0], depth + 1, 4)}**{fn.param:g}"
    if fn.name == "neg":
        return f"−{node_name(v.parents[0], depth + 1, 3)}"
    return f"{fn.name}({', '.join(node_name(p, depth + 1) for p in v.parents)})"


def check_rules(output: Value, h: float | None = None) -> RuleReport:
    """Compare every node's local derivatives with central differences of its own forward.

    Returns a ``RuleReport``: the mismatches (op, input, node name, analytic, numeric,
    relative error, step, why), the skipped edges (kinks, forward undefined near the point)
    and how the step was chosen. ``h`` fixes the step; by default it is
    ``ε^(1/3)·max(1, |x|)`` for an input of value x.
    """
    if not isinstance(output, Value):
        raise TypeError(f"check_rules: expected a Value, got {type(output).__name__} {output!r}")
    step = None if h is None else positive(h, "check_rules", "h")
    mismatches: list[RuleMismatch] = []
    skipped: list[SkippedEdge] = []
    checked = constants = 0
    for node in topological_order(output):
        fn = node._fn
        if fn is None:
            continue
        args = [p.data for p in node.parents]
        for j, parent in enumerate(node.parents):
            if not parent.requires_grad:
                constants += 1
                continue
            where = (fn.name, j, node_name(parent), node_name(node))
            found = _check_edge(fn, j, args, step)
            if isinstance(found, str):
                skipped.append(SkippedEdge(*where, found, node))
                continue
            checked += 1
            if found is not None:
                analytic, numeric, rel, t, why = found
                mismatches.append(RuleMismatch(*where, analytic, numeric, rel, t, why, node))
    described = f"h = {step:g} (given)" if step is not None else f"h = {STEP:.2g}·max(1, |x|)"
    return RuleReport(tuple(mismatches), tuple(skipped), checked, constants, described)


Found = tuple[float, float, float, float, str]  # analytic, numeric, rel error, h, why


def _check_edge(fn: Op, j: int, args: list[float], h: float | None) -> Found | str | None:
    """None when input j's rule agrees; the mismatch; or why the edge was skipped (a str)."""
    x = args[j]

    def forward(t: float) -> float:
        moved = list(args)
        moved[j] = t
        return float(fn.forward(*moved))

    out = float(fn.forward(*args))
    base = h if h is not None else STEP * max(1.0, abs(x))
    steps = [base, base * 1e-3, base * 1e-6]
    if h is None and 0.0 < abs(x) < 1e-6:  # a pole or domain edge may lie closer than 1e-12
        steps.append(STEP * abs(x))
    samples = [s for s in (_sample(forward, x, out, t) for t in steps) if s is not None]
    if not samples:
        return f"the forward is undefined within x ± h of x = {x:g} (a domain edge)"
    try:
        a1 = _as_float(fn.vjps[j](1.0, out, *args))
        a2 = _as_float(fn.vjps[j](0.5, out, *args))  # 0.5: exact scaling, no overflow
    except Exception as e:  # a user's rule may raise anything; that is the finding
        numeric = samples[0][1]
        why = f"the rule raised {type(e).__name__}: {e}"
        return math.nan, numeric, math.inf, samples[0][0], why
    for t, numeric, _, _, noise in samples:
        if _close(a1, numeric, noise):
            if not _close(a2, 0.5 * a1, _EPS * 8 * abs(a1)):
                why = (
                    f"not proportional to g: rule(g=0.5) = {a2:.6g} is not 0.5 × rule(g=1) = "
                    f"{a1:.6g} (is a `g *` missing?)"
                )
                return a1, numeric, _rel(a2 * 2.0, a1), t, why
            return None
    t, numeric, left, right, noise = samples[-1]
    if (
        not _close(left, right, noise)
        and min(left, right) - noise <= a1 <= max(left, right) + noise
    ):
        return (
            f"a kink at x = {x:g}: the one-sided slopes differ ({left:.6g} left, "
            f"{right:.6g} right) and the rule gives {a1:.6g}"
        )
    first = samples[0]
    jump = 2.0 * t * numeric  # f(x + t) − f(x − t) at the smallest step
    if len(samples) > 1 and abs(jump) > max(0.5 * abs(2.0 * first[0] * first[1]), 2 * t * noise):
        # the rise does not shrink with the step: a jump (sign at 0, a % b at a multiple of b)
        return (
            f"a jump at x = {x:g}: the forward is not continuous there ({jump:.3g} across ±{t:.2g})"
        )
    if not math.isfinite(numeric):
        return f"the forward's slope is not finite at x = {x:g}"
    # Reported at the middle step where there is one: the base step of a fast-varying
    # forward (sin at 1e6) truncates badly, the smallest step is mostly round-off.
    t, numeric = samples[min(1, len(samples) - 1)][:2]
    why = (
        f"the rule gives {a1:.6g} but the forward's central difference is {numeric:.6g} "
        f"(h = {t:.2g})"
    )
    return a1, numeric, _rel(a1, numeric), t, why


def _sample(
    forward: Any, x: float, out: float, t: float
) -> tuple[float, float, float, float, float] | None:
    """(h, central, left, right, noise) at step t, or None if the forward fails at x ± t."""
    try:
        up, down = forward(x + t), forward(x - t)
    except (ArithmeticError, ValueError):
        return None
    if not (math.isfinite(up) and math.isfinite(down)):
        return None
    # Round-off of a difference quotient: a few ε of the values, divided by the step.
    noise = 16 * _EPS * max(abs(up), abs(down), abs(out)) / t
    central = (up - down) / (2.0 * t)
    if not (math.isfinite(noise) and math.isfinite(central)):  # the slope overflows a float
        return None
    return t, central, (out - down) / t, (up - out) / t, noise


def _close(a: float, b: float, noise: float) -> bool:
    # "not >" would accept NaN; written so a NaN on either side is a mismatch
    return abs(a - b) <= RTOL * max(abs(a), abs(b)) + noise


def _rel(a: float, b: float) -> float:
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale > 0 else 0.0


def _as_float(r: Any) -> float:
    return float(r.data) if isinstance(r, Value) else float(r)

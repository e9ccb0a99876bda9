"""The look every picture shares: one palette, one font, one way to print a number.

The docs, notebooks, CLI and explorer read the same way because they all draw from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine import Value


@dataclass(frozen=True)
class _Style:
    fill: str
    border: str
    legend: str


# Leaves by role: parameters are what a Module trains (or what ``params=`` names), inputs the
# other labelled leaves (x1, the CLI's variables), constants the unlabelled ones (2 in 2 * x).
_ROLE_STYLES: dict[str, _Style] = {
    "parameter": _Style("#dcfce7", "#15803d", "parameter (of a Module, or params=)"),
    "input": _Style("#dbeafe", "#1d4ed8", "input (labelled leaf)"),
    "constant": _Style("#f1f5f9", "#94a3b8", "constant (unlabelled leaf)"),
    "intermediate": _Style("#ffffff", "#64748b", "intermediate value"),
    "root": _Style("#fef3c7", "#b45309", "root (output / loss)"),
    "group": _Style("#ede9fe", "#6d28d9", "collapsed group (label prefix)"),
}
_OP_FILL = "#e5e7eb"
_DERIV_COLOR = "#b91c1c"  # local derivatives and backward-pass annotations share one colour
_HIGHLIGHT = "#dc2626"
_WRONG_EDGE = "#dc2626"  # check_rules: a local derivative that disagrees with its forward
_FONT = "Helvetica"


def _fmt(x: float) -> str:
    """4 significant digits, trailing zeros kept (−3.000, 0.5000), with a typographic minus."""
    if x == 0.0:
        x = 0.0  # no "-0.000"
    return f"{x:#.4g}".replace("-", "−")


_CONTROL_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}


def _record_text(text: str) -> str:
    """Escape the characters that structure a Graphviz record label."""
    # Control characters (NUL ends Graphviz's strings) are shown as their pictures: a␀b.
    text = " ".join(text.split()).translate(_CONTROL_PICTURES)
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


def _grad_float(grad: Any) -> float:
    return float(grad.data) if isinstance(grad, Value) else float(grad)

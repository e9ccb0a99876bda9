"""Backpropagation one node at a time: the steps as data, and one highlighted picture per step.

Replays what ``backward()`` does without touching any ``.grad``, using the same rule table.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..engine import Value
from .dot import _check_rankdir, _draw
from .plan import _graph_order, _local_grads, _plan, _vjp
from .render import render_graph
from .style import _fmt


@dataclass(frozen=True)
class BackwardStep:
    """The chain rule at one node: what arrives, what the rule table says, what leaves."""

    index: int  # 0 for the root, then reverse topological order
    node: Value
    upstream: float  # ∂root/∂node, complete once the walk reaches this node
    local_grads: tuple[float, ...]  # ∂node/∂parent_i from the rule table (empty for leaves)
    contributions: tuple[float, ...]  # upstream × local, added to each parent's grad

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs that receive ``contributions``, in order."""
        return self.node.parents


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Replay ``root.backward()`` one node at a time, without touching any ``.grad``.

    >>> x = Value(3.0, label="x")
    >>> [s.contributions for s in backward_steps(x * x)]
    [(3.0, 3.0), ()]
    """
    return (step for step, _ in _walk(root))


def _walk(root: Value) -> Iterator[tuple[BackwardStep, dict[Value, float]]]:
    """Each step with the grads accumulated up to and including it (one dict, updated live)."""
    order = _graph_order(root)
    grads: dict[Value, float] = {root: 1.0}
    for k, node in enumerate(reversed(order)):
        g = grads.get(node, 0.0)
        contributions = _vjp(node, g)
        for p, c in zip(node.parents, contributions, strict=True):
            grads[p] = grads.get(p, 0.0) + c
        yield BackwardStep(k, node, g, _local_grads(node), contributions), grads


def render_backward_steps(
    root: Value,
    out_dir: str | os.PathLike[str],
    format: str = "svg",
    *,
    rankdir: str = "LR",
    params: Iterable[Value] | None = None,
    max_steps: int = 200,
) -> list[Path]:
    """Write one picture per backward step into ``out_dir`` (step_000.svg, …); returns paths.

    Each frame highlights the current node, labels its input edges with
    ``∂ × upstream = contribution``, and shows every grad accumulated so far ("—" if none).
    """
    plan = _plan(root, max_steps)
    total = len(plan.order)
    if plan.left_out or plan.collapsed:
        raise ValueError(
            f"the graph has {total:,} nodes; step-through frames are for graphs of at most "
            f"{max_steps} nodes (raise max_steps to draw more)"
        )
    rankdir = _check_rankdir(rankdir)
    param_set = set(params) if params is not None else None
    paths = []
    for step, grads in _walk(root):
        node = step.node
        name = node.label or f"(data {_fmt(node.data)})"
        if node._fn is None:
            what = f"leaf {name}: its grad {_fmt(step.upstream)} is final, nothing to pass on"
        else:
            sends = ", ".join(
                f"{_fmt(c)} to {p.label or f'input {j + 1}'}"
                for j, (p, c) in enumerate(zip(step.parents, step.contributions, strict=True))
            )
            what = (
                f"at the {node._fn.symbol} node {name}: upstream grad {_fmt(step.upstream)}"
                f" × local ∂ → adds {sends}"
            )
        edges = {
            j: f"∂={_fmt(d)} × {_fmt(step.upstream)} = {_fmt(c)}"
            for j, (d, c) in enumerate(zip(step.local_grads, step.contributions, strict=True))
        }
        dot = _draw(
            plan,
            rankdir=rankdir,
            show_grad=True,
            show_local_grad=True,
            colors=True,
            legend=True,
            params=param_set,
            grad_of=grads.get,
            notes=[what],
            title=f"backward step {step.index + 1} of {total}",
            highlight=step.node,
            highlight_edges=edges,
        )
        paths.append(render_graph(dot, Path(out_dir) / f"step_{step.index:03d}.{format}", format))
    return paths

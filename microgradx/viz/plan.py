"""What to draw: one read-only pass over a graph, then an optional collapse or cut to max_nodes.

Graphs above ``max_nodes`` are collapsed by label prefix (one box per neuron ``L1.N3``) or, if
that is not enough, cut to the part nearest the root; local derivatives come from ``ops.py``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass, field

from ..engine import Value, topological_order


def _graph_order(root: Value) -> list[Value]:
    """Every node reachable from root, parents before children, root last; touches no grads."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value to draw, got {type(root).__name__}")
    return topological_order(root)


def _local_grads(node: Value) -> tuple[float, ...]:
    """∂node/∂parent for each parent, from the rule table (NaN where the rule is undefined)."""
    return _vjp(node, 1.0)


def _vjp(node: Value, upstream: float) -> tuple[float, ...]:
    """The rule table's contributions ``upstream × ∂node/∂parent``; NaN where undefined."""
    fn = node._fn
    if fn is None:
        return ()
    args = [p.data for p in node.parents]
    try:
        result = fn.vjp(upstream, node.data, *args)
    except (ArithmeticError, ValueError):  # e.g. sqrt at 0: the derivative does not exist
        return (math.nan,) * len(args)
    return (float(result),) if fn.arity == 1 else tuple(float(r) for r in result)


def _group_of_labels(order: list[Value], index: dict[Value, int], root: Value) -> list[str | None]:
    """Assign nodes to neuron-like groups by label prefix: ``L1.N3.w0`` belongs to ``L1.N3``.

    Unlabelled nodes join a group when they consume one of its labelled leaves directly
    (``w0 * x0``) or when every input already belongs to that group (the sum inside a
    neuron, its activation); unlabelled constants join the one group that reads them.
    Anything mixing groups stays on its own, and so does the root: the loss must always be
    visible.
    """
    group: list[str | None] = [None] * len(order)
    for i, v in enumerate(order):  # parents come first, so their groups are known
        if v is root:
            continue
        if "." in v.label:
            group[i] = v.label.rsplit(".", 1)[0]
            continue
        if v._fn is None:
            continue
        parent_groups = [group[index[p]] for p in v.parents]
        from_param = next(
            (
                g
                for p, g in zip(v.parents, parent_groups, strict=True)
                if g is not None and p._fn is None
            ),
            None,
        )
        if from_param is not None:
            group[i] = from_param
        elif parent_groups[0] is not None and all(g == parent_groups[0] for g in parent_groups):
            group[i] = parent_groups[0]
    # An unlabelled constant read by one group only (a neuron's copy of an input) joins it.
    sole_reader: dict[int, str | None] = {}
    for i, v in enumerate(order):
        for p in v.parents:
            j = index[p]
            if p._fn is None and not p.label and p is not root:
                seen = sole_reader.setdefault(j, group[i])
                if seen != group[i]:
                    sole_reader[j] = None
    for j, g in sole_reader.items():
        if g is not None:
            group[j] = g
    return group


@dataclass
class _Unit:
    """One box in the picture: a single Value, or a collapsed group of Values."""

    name: str
    members: list[int]
    prefix: str | None = None  # set for a group
    parents: dict[int, None] = field(default_factory=dict)  # units feeding this one, ordered
    outputs: dict[int, None] = field(default_factory=dict)  # members used by other units


@dataclass
class _Plan:
    root: Value
    order: list[Value]
    index: dict[Value, int]
    unit_of: list[int]
    units: list[_Unit]
    drawn: list[bool]
    left_out: int  # Values not drawn at all
    collapsed: int  # Values folded into group boxes
    max_nodes: int
    expanded: dict[str, list[int]] = field(default_factory=dict)  # prefix → its Values' units


def _plan(root: Value, max_nodes: int, expand: Collection[str] = ()) -> _Plan:
    """Decide what to draw: everything, groups by label prefix, or the top of the graph.

    Groups named in ``expand`` are drawn Value by Value (a neuron's detail, on request).
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    order = _graph_order(root)
    index = {v: i for i, v in enumerate(order)}
    n = len(order)
    groups = _group_of_labels(order, index, root) if n > max_nodes else [None] * n
    known = list(dict.fromkeys(g for g in groups if g is not None))
    unknown = [e for e in expand if e not in known]
    if known and unknown:
        raise ValueError(
            f"draw_dot: expand={unknown[0]!r} names no collapsed group; "
            f"the groups are {known[0]} … {known[-1]}"
        )
    expanded_of = [g if g in expand else None for g in groups]
    groups = [None if g in expand else g for g in groups]

    units: list[_Unit] = []
    unit_of = [0] * n
    group_unit: dict[str, int] = {}
    for i, g in enumerate(groups):
        if g is None:
            unit_of[i] = len(units)
            units.append(_Unit(f"n{i}", [i]))
        elif g in group_unit:
            unit_of[i] = group_unit[g]
            units[unit_of[i]].members.append(i)
        else:
            unit_of[i] = group_unit[g] = len(units)
            units.append(_Unit(f"g{len(group_unit) - 1}", [i], prefix=g))
    collapsed = sum(len(u.members) for u in units if u.prefix is not None)

    needs_cut = len(units) > max_nodes
    if group_unit or needs_cut:  # unit-level edges are only needed to collapse or to cut
        for i, v in enumerate(order):
            unit = units[unit_of[i]]
            for p in v.parents:
                pi = index[p]
                if unit_of[pi] != unit_of[i]:
                    unit.parents[unit_of[pi]] = None
                    units[unit_of[pi]].outputs[pi] = None

    drawn = [True] * len(units)
    left_out = 0
    if needs_cut:  # keep the max_nodes units nearest the root (breadth-first)
        drawn = [False] * len(units)
        start = unit_of[index[root]]
        drawn[start] = True
        kept = 1
        queue = deque([start])
        while queue and kept < max_nodes:
            for pu in units[queue.popleft()].parents:
                if not drawn[pu]:
                    drawn[pu] = True
                    kept += 1
                    queue.append(pu)
                    if kept == max_nodes:
                        break
        left_out = sum(len(unit.members) for unit, d in zip(units, drawn, strict=True) if not d)
    expanded: dict[str, list[int]] = {}
    for i, g in enumerate(expanded_of):
        if g is not None and drawn[unit_of[i]]:
            expanded.setdefault(g, []).append(unit_of[i])
    return _Plan(
        root, order, index, unit_of, units, drawn, left_out, collapsed, max_nodes, expanded
    )

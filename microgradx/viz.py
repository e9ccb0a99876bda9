"""Pictures of autodiff: computation graphs (Graphviz), backprop step by step, and plots.

``draw_dot(root)`` draws every Value as a record ``label | data | grad`` and every operation
as a small node of its own; the edge from each input into an op carries the op's *local*
derivative ∂out/∂in, taken from the rule table in ``ops.py``. So the picture shows the chain
rule at work: a node's grad is the sum, over the edges leaving it, of ∂ × the consumer's grad.

Drawing is read-only (it never touches ``.grad``), linear in the size of the graph, and
deterministic: nodes are named by traversal order, so the same graph gives byte-identical DOT.
Graphs above ``max_nodes`` are collapsed by label prefix (one box per neuron ``L1.N3``) or, if
that is not enough, cut to the part nearest the root with a note saying how much was left out.

The matplotlib helpers build ``Figure`` objects directly on the Agg canvas, so they work
headless and never change the pyplot backend of the caller (a notebook keeps its own).
"""

from __future__ import annotations

import html
import math
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import graphviz

from . import numeric
from ._checks import is_int
from ._files import atomic_open, atomic_write_bytes
from .engine import Value, no_grad, topological_order

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "BackwardStep",
    "GraphvizNotFoundError",
    "backward_steps",
    "draw_dot",
    "graph_summary",
    "plot_activation",
    "plot_activations",
    "plot_decision_boundary",
    "plot_fd_error",
    "plot_history",
    "plot_loss_curves",
    "plot_paths",
    "render_backward_steps",
    "render_graph",
    "save_figure",
]

RENDER_FORMATS = ("svg", "png", "pdf", "dot")
JUPYTER_MAX_NODES = 100  # above this a notebook shows a text summary instead of a drawing

INSTALL_HINT = (
    "install Graphviz: apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS) "
    "or conda install graphviz"
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is needed to render a graph but is not on PATH."""


# ---------------------------------------------------------------------------------------
# Look: one palette, so every picture in the docs, notebooks and CLI reads the same way.


@dataclass(frozen=True)
class _Style:
    fill: str
    border: str
    legend: str


_ROLE_STYLES: dict[str, _Style] = {
    "parameter": _Style("#dcfce7", "#15803d", "parameter (labelled leaf)"),
    "input": _Style("#dbeafe", "#1d4ed8", "input / constant (unlabelled leaf)"),
    "intermediate": _Style("#f8fafc", "#64748b", "intermediate value"),
    "root": _Style("#fef3c7", "#b45309", "root (output / loss)"),
    "group": _Style("#ede9fe", "#6d28d9", "collapsed group (label prefix)"),
}
_OP_FILL = "#e5e7eb"
_DERIV_COLOR = "#b91c1c"  # local derivatives and backward-pass annotations share one colour
_HIGHLIGHT = "#dc2626"
_FONT = "Helvetica"


def _fmt(x: float) -> str:
    """4 significant digits, trailing zeros kept (−3.000, 0.5000), with a typographic minus."""
    if x == 0.0:
        x = 0.0  # no "-0.000"
    return f"{x:#.4g}".replace("-", "−")


def _record_text(text: str) -> str:
    """Escape the characters that structure a Graphviz record label."""
    text = " ".join(text.split())
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


def _grad_float(grad: Any) -> float:
    return float(grad.data) if isinstance(grad, Value) else float(grad)


# ---------------------------------------------------------------------------------------
# Graph analysis: one read-only pass, then an optional collapse / cut down to max_nodes.


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


def _plan(root: Value, max_nodes: int) -> _Plan:
    """Decide what to draw: everything, groups by label prefix, or the top of the graph."""
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    order = _graph_order(root)
    index = {v: i for i, v in enumerate(order)}
    n = len(order)
    groups = _group_of_labels(order, index, root) if n > max_nodes else [None] * n

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
    return _Plan(root, order, index, unit_of, units, drawn, left_out, collapsed, max_nodes)


# ---------------------------------------------------------------------------------------
# Drawing


def _role(v: Value, root: Value, params: set[Value] | None) -> str:
    if v is root:
        return "root"
    if v._fn is not None:
        return "intermediate"
    is_param = v in params if params is not None else bool(v.label)
    return "parameter" if is_param else "input"


def _fields(*fields: str, rankdir: str) -> str:
    body = " | ".join(fields)
    # Records lay fields out across the rank direction; braces turn them to read left-to-right.
    return f"{{ {body} }}" if rankdir in ("LR", "RL") else body


def _caption_html(
    title: str | None, notes: Sequence[str], roles: Iterable[str], show_local_grad: bool
) -> str:
    """The graph's caption: title, notes in red, then a one-row legend of the colours used."""
    rows = [f'<TR><TD ALIGN="LEFT"><B>{html.escape(title)}</B></TD></TR>'] if title else []
    rows += [
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{_DERIV_COLOR}">{html.escape(n)}</FONT></TD></TR>'
        for n in notes
    ]
    swatches = "".join(
        f'<TD BGCOLOR="{_ROLE_STYLES[r].fill}" COLOR="{_ROLE_STYLES[r].border}" BORDER="1" '
        f'STYLE="ROUNDED" WIDTH="14"> </TD><TD ALIGN="LEFT">{_ROLE_STYLES[r].legend}</TD>'
        for r in roles
    )
    rows.append(
        '<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>'
        f"{swatches}</TR></TABLE></TD></TR>"
    )
    explain = "grad = ∂root/∂node = Σ over outgoing edges of ∂ × the consumer's grad"
    if show_local_grad:
        explain = (
            f'<FONT COLOR="{_DERIV_COLOR}">∂</FONT> on an edge = local derivative ∂out/∂in · '
            + explain
        )
    rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">{explain}</FONT></TD></TR>')
    return '<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


GradOf = Callable[[Value], "float | None"]


def _draw(
    plan: _Plan,
    *,
    rankdir: str,
    show_grad: bool,
    show_local_grad: bool,
    colors: bool,
    legend: bool,
    params: set[Value] | None,
    grad_of: GradOf,
    notes: Sequence[str],
    title: str | None = None,
    highlight: Value | None = None,
    highlight_edges: Mapping[int, str] | None = None,
) -> graphviz.Digraph:
    """Turn a plan into a Digraph; the step-by-step frames reuse it with their own grads."""
    root = plan.root
    dot = graphviz.Digraph(
        name="microgradx",
        graph_attr={
            "rankdir": rankdir,
            "fontname": _FONT,
            "fontsize": "12",
            "nodesep": "0.25",
            "ranksep": "0.4",
            "bgcolor": "white",
        },
        node_attr={"fontname": _FONT, "fontsize": "11", "penwidth": "1.2"},
        edge_attr={"fontname": _FONT, "fontsize": "10", "arrowsize": "0.6", "color": "#64748b"},
    )
    roles_seen: dict[str, None] = {}

    def box_style(role: str) -> dict[str, str]:
        roles_seen[role] = None
        if not colors:
            return {"style": "rounded"}
        s = _ROLE_STYLES[role]
        attrs = {"style": "rounded,filled", "fillcolor": s.fill, "color": s.border}
        if role == "root":
            attrs["penwidth"] = "2"
        return attrs

    def grad_field(v: Value) -> str:
        g = grad_of(v)
        return "grad —" if g is None else f"grad {_fmt(g)}"

    more = "more"
    more_edges: dict[str, None] = {}
    for u_idx, unit in enumerate(plan.units):
        if not plan.drawn[u_idx]:
            continue
        if unit.prefix is not None:
            members = unit.members
            n_params = sum(1 for i in members if plan.order[i]._fn is None)
            fields = [
                _record_text(f"{unit.prefix} ⋯"),
                f"{len(members):,} values · {n_params} leaves",
            ]
            outputs = list(unit.outputs)
            if len(outputs) == 1:
                out = plan.order[outputs[0]]
                fields.append(f"out {_fmt(out.data)}")
                if show_grad:
                    fields.append(grad_field(out))
            dot.node(
                unit.name,
                _fields(*fields, rankdir=rankdir),
                shape="record",
                **box_style("group"),
            )
            for pu in unit.parents:
                if plan.drawn[pu]:
                    dot.edge(plan.units[pu].name, unit.name, style="dashed")
                else:
                    more_edges[unit.name] = None
            continue

        i = unit.members[0]
        v = plan.order[i]
        fields = [_record_text(v.label)] if v.label else []
        fields.append(f"data {_fmt(v.data)}")
        if show_grad:
            fields.append(grad_field(v))
        attrs = box_style(_role(v, root, params))
        if v is highlight:
            attrs.update(color=_HIGHLIGHT, penwidth="3")
        dot.node(unit.name, _fields(*fields, rankdir=rankdir), shape="record", **attrs)
        fn = v._fn
        if fn is None:
            continue
        op = f"o{i}"
        op_attrs = {"style": "filled", "fillcolor": _OP_FILL} if colors else {}
        if v is highlight:
            op_attrs.update(color=_HIGHLIGHT, penwidth="2.5")
        dot.node(
            op,
            _record_text(fn.symbol),
            shape="ellipse",
            width="0",
            height="0",
            margin="0.06,0.03",
            fontsize="10",
            **op_attrs,
        )
        dot.edge(op, unit.name)
        local = _local_grads(v) if show_local_grad else ()
        for j, p in enumerate(v.parents):
            pu = plan.unit_of[plan.index[p]]
            if not plan.drawn[pu]:
                more_edges[op] = None
                continue
            edge: dict[str, str] = {}
            if v is highlight and highlight_edges is not None and j in highlight_edges:
                edge = {"label": highlight_edges[j], "color": _HIGHLIGHT, "penwidth": "2"}
                edge["fontcolor"] = _HIGHLIGHT
            elif local:
                edge = {"label": f"∂={_fmt(local[j])}"}
                if colors:
                    edge["fontcolor"] = _DERIV_COLOR
            dot.edge(plan.units[pu].name, op, **edge)

    if more_edges:
        dot.node(
            more,
            f"⋯ {plan.left_out:,} more nodes not drawn\n(max_nodes={plan.max_nodes:,})",
            shape="note",
            style="filled,dashed" if colors else "dashed",
            fillcolor="#f1f5f9",
            fontcolor="#475569",
        )
        for target in more_edges:
            dot.edge(more, target, style="dashed", color="#94a3b8")
    if legend and colors:
        roles = sorted(roles_seen, key=list(_ROLE_STYLES).index)
        caption = _caption_html(title, notes, roles, show_local_grad)
        dot.attr(label=caption, labelloc="t", labeljust="l")
    elif title or notes:
        text = "\n".join([*([title] if title else []), *notes])
        dot.attr(label=graphviz.nohtml(text), labelloc="t", labeljust="l")
    return dot


def _size_notes(plan: _Plan) -> list[str]:
    notes = []
    total = len(plan.order)
    if plan.collapsed:
        groups = sum(1 for u in plan.units if u.prefix is not None)
        notes.append(
            f"{total:,} nodes: {plan.collapsed:,} collapsed into {groups:,} groups "
            f"by label prefix (max_nodes={plan.max_nodes:,})"
        )
    if plan.left_out:
        notes.append(
            f"showing the part nearest the root: {plan.left_out:,} of {total:,} nodes "
            f"left out (max_nodes={plan.max_nodes:,})"
        )
    return notes


def _check_rankdir(rankdir: str) -> str:
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be one of LR, TB, RL, BT, got {rankdir!r}")
    return rankdir


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    show_local_grad: bool = True,
    max_nodes: int = 300,
    colors: bool = True,
    *,
    params: Iterable[Value] | None = None,
    legend: bool = True,
    title: str | None = None,
) -> graphviz.Digraph:
    """Draw the computation graph of ``root`` as a ``graphviz.Digraph``.

    Values are records ``label | data | grad``; ops are small nodes; each input edge is
    labelled with the local derivative ∂out/∂in. ``params`` marks which leaves are
    parameters (default: every labelled leaf). ``.source`` gives the DOT text without
    Graphviz installed; ``render`` writes SVG/PNG files.

    >>> x = Value(2.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> "∂=2.000" in draw_dot(y).source
    True
    """
    plan = _plan(root, max_nodes)
    computed = root.grad != 0  # backward() seeds the root with 1; zero means not run yet
    notes = []
    if show_grad and not computed:
        notes.append(f"grads not computed yet: call {root.label or 'root'}.backward() first")
    notes.extend(_size_notes(plan))
    return _draw(
        plan,
        rankdir=_check_rankdir(rankdir),
        show_grad=show_grad,
        show_local_grad=show_local_grad,
        colors=colors,
        legend=legend,
        params=set(params) if params is not None else None,
        grad_of=(lambda v: _grad_float(v.grad)) if computed else (lambda v: None),
        notes=notes,
        title=title,
    )


# ---------------------------------------------------------------------------------------
# Rendering to files (atomic) and Jupyter display


def _pipe(dot: graphviz.Digraph, fmt: str) -> bytes:
    """Run Graphviz on the DOT source; a clear error when the ``dot`` program is missing."""
    missing = GraphvizNotFoundError(
        f"cannot render {fmt}: Graphviz's `dot` program is not on PATH; {INSTALL_HINT}. "
        "The DOT text itself needs no install: draw_dot(...).source or format='dot'."
    )
    if shutil.which("dot") is None:
        raise missing
    try:
        data: bytes = dot.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise missing from None
    return data


def render_graph(
    graph: Value | graphviz.Digraph,
    path: str | os.PathLike[str],
    format: str | None = None,
    **draw_options: Any,
) -> Path:
    """Render a Value's graph (or a Digraph) to ``path`` as svg, png, pdf or dot; atomic.

    The format defaults to the file's suffix. Raises ``GraphvizNotFoundError`` naming the
    install command when ``dot`` is needed but missing; ``format="dot"`` never needs it.
    """
    out = Path(path)
    fmt = (format or out.suffix.lstrip(".") or "svg").lower()
    if fmt not in RENDER_FORMATS:
        raise ValueError(f"format must be one of {', '.join(RENDER_FORMATS)}, got {fmt!r}")
    dot = graph if isinstance(graph, graphviz.Digraph) else draw_dot(graph, **draw_options)
    data = dot.source.encode() if fmt == "dot" else _pipe(dot, fmt)
    atomic_write_bytes(out, data)
    return out


def graph_summary(root: Value) -> str:
    """A few lines describing a graph too large to draw: size, leaves, ops used."""
    order = _graph_order(root)
    ops: dict[str, int] = {}
    leaves = labelled = 0
    for v in order:
        if v._fn is None:
            leaves += 1
            labelled += bool(v.label)
        else:
            ops[v._fn.name] = ops.get(v._fn.name, 0) + 1
    counts = ", ".join(f"{k} {c:,}" for k, c in sorted(ops.items(), key=lambda kv: -kv[1]))
    return (
        f"{root!r}\n"
        f"graph: {len(order):,} nodes ({leaves:,} leaves, {labelled:,} labelled)\n"
        f"ops: {counts or 'none'}\n"
        f"draw it with microgradx.draw_dot(value, max_nodes=...) to collapse or cut it"
    )


def _mimebundle(root: Value) -> dict[str, str]:
    """What Jupyter shows for a Value: its graph as SVG when small, a summary otherwise."""
    order_len = _count_up_to(root, JUPYTER_MAX_NODES + 1)
    if order_len > JUPYTER_MAX_NODES:
        return {"text/plain": graph_summary(root)}
    try:
        svg = _pipe(draw_dot(root), "svg").decode()
    except (GraphvizNotFoundError, graphviz.CalledProcessError) as e:
        return {"text/plain": f"{root!r}\n({e})"}
    return {"image/svg+xml": svg, "text/plain": repr(root)}


def _count_up_to(root: Value, limit: int) -> int:
    """Number of nodes in root's graph, stopping early at ``limit`` (cheap for huge graphs)."""
    seen: set[Value] = {root}
    stack = [root]
    while stack and len(seen) < limit:
        for p in stack.pop().parents:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return len(seen)


# ---------------------------------------------------------------------------------------
# Backpropagation, one node at a time


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
    order = _graph_order(root)
    grads: dict[Value, float] = {root: 1.0}
    for k, node in enumerate(reversed(order)):
        g = grads.get(node, 0.0)
        contributions = _vjp(node, g)
        for p, c in zip(node.parents, contributions, strict=True):
            grads[p] = grads.get(p, 0.0) + c
        yield BackwardStep(k, node, g, _local_grads(node), contributions)


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
    grads: dict[Value, float] = {}
    paths = []
    for step in backward_steps(root):
        grads[step.node] = step.upstream
        for p, c in zip(step.parents, step.contributions, strict=True):
            grads[p] = grads.get(p, 0.0) + c
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


# ---------------------------------------------------------------------------------------
# Matplotlib figures (Agg canvas, no pyplot state)


def _new_figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (6.0, 4.0)) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)  # headless: renders with Agg whatever backend pyplot uses
    fig.subplots(nrows, ncols, squeeze=False)
    return fig


def save_figure(fig: Figure, path: str | os.PathLike[str], dpi: int = 120) -> Path:
    """Save a figure atomically; the format comes from the suffix (png, svg, pdf)."""
    out = Path(path)
    fmt = out.suffix.lstrip(".").lower() or "png"
    with atomic_open(out, "wb") as f:
        fig.savefig(f, format=fmt, dpi=dpi)
    return out


def _style_axes(ax: Axes) -> None:
    ax.grid(True, color="#e5e7eb", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus")


def _activation(name: str, slope: float) -> Callable[[Value], Value]:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    if name == "leaky_relu":
        return lambda v: v.leaky_relu(slope)
    method: Callable[[Value], Value] = getattr(Value, name)
    return method


def _activation_curves(
    name: str, xs: Sequence[float], slope: float
) -> tuple[list[float], list[float]]:
    """f(x) and f'(x) at each x; the derivative comes from backward(), not a formula."""
    f = _activation(name, slope)
    ys, dys = [], []
    for x in xs:
        v = Value(x)
        out = f(v)
        out.backward()
        ys.append(out.data)
        dys.append(_grad_float(v.grad))
    return ys, dys


def _plot_activation_on(ax: Axes, name: str, x_range: tuple[float, float], slope: float) -> None:
    lo, hi = x_range
    # An even count never samples exactly 0, where relu's derivative jumps.
    xs = [lo + (hi - lo) * k / 400 for k in range(401)]
    ys, dys = _activation_curves(name, xs, slope)
    ax.plot(xs, ys, color="#1d4ed8", linewidth=2.2, label=f"{name}(x)")
    ax.plot(xs, dys, color=_DERIV_COLOR, linewidth=1.8, linestyle="--", label="derivative")
    ax.axhline(0, color="#94a3b8", linewidth=0.8)
    ax.axvline(0, color="#94a3b8", linewidth=0.8)
    title = f"{name}(x, slope={slope:g})" if name == "leaky_relu" else f"{name}(x)"
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    _style_axes(ax)


def plot_activation(
    name: str, x_range: tuple[float, float] = (-4.0, 4.0), *, slope: float = 0.1
) -> Figure:
    """Plot an activation and its derivative (computed by backward) for sigmoid, tanh, …

    ``slope`` is the negative-side slope used for ``leaky_relu`` (0.1 so it is visible).
    """
    fig = _new_figure(size=(5.0, 3.6))
    _plot_activation_on(fig.axes[0], name, x_range, slope)
    return fig


def plot_activations(
    names: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu"),
    x_range: tuple[float, float] = (-4.0, 4.0),
    *,
    slope: float = 0.1,
) -> Figure:
    """Several activations side by side, each with its derivative."""
    fig = _new_figure(1, len(names), size=(3.3 * len(names), 3.3))
    for ax, name in zip(fig.axes, names, strict=True):
        _plot_activation_on(ax, name, x_range, slope)
    return fig


def plot_fd_error(
    f: Callable[[Value], Value],
    x: float,
    hs: Sequence[float] | None = None,
    df: float | None = None,
) -> Figure:
    """Log-log error of forward, backward and central differences against step size h.

    ``f`` maps a Value to a Value; the exact derivative is ``df`` or, by default, the one
    ``backward()`` computes. Reference lines show the truncation slopes 1 and 2 and the
    round-off growth ε/h that wins for tiny h.
    """
    # Default: 65 step sizes, four per decade from 1e-16 to 1, covering both error regimes.
    steps = [10.0 ** (k / 4) for k in range(-64, 1)] if hs is None else [float(h) for h in hs]
    if df is None:
        v = Value(x)
        f(v).backward()
        df = _grad_float(v.grad)

    def f_float(t: float) -> float:
        with no_grad():
            return f(Value(t)).data

    errors = numeric.fd_errors(f_float, df, x, steps)
    fig = _new_figure(size=(6.4, 4.4))
    ax = fig.axes[0]
    schemes = (  # forward and backward errors are often equal in size: dash one so both show
        ("forward", "#2563eb", "o", "-"),
        ("backward", "#16a34a", "s", "--"),
        ("central", _DERIV_COLOR, "^", "-"),
    )
    for name, color, marker, line in schemes:
        # An exact hit (error 0) has no place on a log axis; NaN leaves a gap instead.
        shown = [e if e > 0 else math.nan for e in errors[name]]
        ax.loglog(
            steps,
            shown,
            marker=marker,
            markersize=3,
            linewidth=1.4,
            linestyle=line,
            color=color,
            label=name,
            alpha=0.9,
        )

    h_max = max(steps)
    # Guides parallel to each curve over its truncation range, drawn a little below it.
    for name, order, style, decades in (("forward", 1, ":", 6), ("central", 2, "-.", 4)):
        ref = [h for h in steps if h >= h_max * 10.0**-decades]
        anchor = 0.2 * errors[name][steps.index(h_max)]
        if math.isfinite(anchor) and anchor > 0:
            ax.loglog(
                ref,
                [anchor * (h / h_max) ** order for h in ref],
                linestyle=style,
                color="#334155",
                linewidth=1,
                label=f"slope {order}: O(h{'²' if order == 2 else ''})",
            )
    eps = 2.0**-52
    scale = max(abs(f_float(x)), 1e-300)
    small = [h for h in steps if eps * scale / h >= 1e-18]
    ax.loglog(
        small,
        [eps * scale / h for h in small],
        linestyle=(0, (6, 3)),
        color="#94a3b8",
        linewidth=1,
        label="round-off ≈ ε·|f|/h",
    )
    ax.set_xlabel("step size h")
    ax.set_ylabel("|finite difference − exact derivative|")
    ax.set_title(f"finite-difference error at x = {x:g}  (exact f′ = {df:.6g})")
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    _style_axes(ax)
    return fig


def plot_history(history: Any) -> Figure:
    """Loss (and accuracy, when recorded) per epoch for the train and validation sets."""
    panels = [("loss", history.train_loss, getattr(history, "val_loss", []))]
    train_acc = getattr(history, "train_accuracy", []) or []
    val_acc = getattr(history, "val_accuracy", []) or []
    # Regression runs record accuracy as NaN: an empty panel would only confuse.
    if any(math.isfinite(a) for a in [*train_acc, *val_acc]):
        panels.append(("accuracy", train_acc, val_acc))
    fig = _new_figure(1, len(panels), size=(5.2 * len(panels), 3.8))
    for ax, (what, train, val) in zip(fig.axes, panels, strict=True):
        for series, name, color in ((train, "train", "#1d4ed8"), (val, "validation", "#ea580c")):
            if series:
                epochs = range(1, len(series) + 1)
                ax.plot(epochs, list(series), color=color, linewidth=2, label=name)
        positive = [y for y in list(train) + list(val) if y is not None]
        if what == "loss" and positive and min(positive) > 0 and max(positive) / min(positive) > 50:
            ax.set_yscale("log")  # losses often fall by decades: a log axis keeps the tail visible
        if what == "accuracy":
            ax.set_ylim(0, 1.02)
        ax.set_xlabel("epoch")
        ax.set_title(what)
        ax.legend(frameon=False)
        _style_axes(ax)
    parts = []
    for attr, unit in (("epochs", "epochs"), ("iterations", "iterations")):
        value = getattr(history, attr, None)
        if value:
            parts.append(f"{value:,} {unit}")
    seconds = getattr(history, "seconds", None)
    if seconds:
        parts.append(f"{seconds:.1f} s")
    if parts:
        fig.suptitle("training history · " + " · ".join(parts))
    return fig


def _finite_series(values: Any, where: str, what: str) -> list[float]:
    """A non-empty series of finite floats, or a ValueError naming the function and series."""
    try:
        series = [float(v) for v in values]
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where}: {what} must be a sequence of numbers ({err})") from None
    if not series:
        raise ValueError(f"{where}: {what} is empty")
    bad = next((i for i, v in enumerate(series) if not math.isfinite(v)), None)
    if bad is not None:
        raise ValueError(f"{where}: {what} has a non-finite value {series[bad]} at index {bad}")
    return series


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    title: str = "training loss",
    xlabel: str = "iteration",
    logy: bool = True,
) -> Figure:
    """Several loss curves on one axis, ``{name: losses}``, e.g. one per optimizer."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    where = "plot_loss_curves"
    if not curves:
        raise ValueError(f"{where}: no curves to plot")
    series = {
        name: _finite_series(values, where, f"curve {name!r}") for name, values in curves.items()
    }
    if logy and any(v <= 0 for values in series.values() for v in values):
        raise ValueError(f"{where}: a log axis needs positive losses; pass logy=False")
    fig = _new_figure(size=(6.4, 4.2))
    ax = fig.axes[0]
    for name, values in series.items():
        ax.plot(range(1, len(values) + 1), values, linewidth=1.8, label=name)
    if logy:
        ax.set_yscale("log")
        low, high = min(map(min, series.values())), max(map(max, series.values()))
        if high < 10 * low:  # within a decade: label the 2, 3, 4… ticks as plain numbers
            plain = FuncFormatter(lambda v, _: f"{v:g}")
            ax.yaxis.set_major_formatter(plain)
            ax.yaxis.set_minor_formatter(plain)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend(frameon=False)
    _style_axes(ax)
    return fig


def _check_limits(lim: Any, where: str, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {name} must be a pair (low, high), got {lim!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{where}: {name} must be finite with low < high, got {lim!r}")
    return lo, hi


def _check_path(path: Any, where: str, name: str) -> list[tuple[float, float]]:
    points = list(path) if isinstance(path, Iterable) else []
    if not points:
        raise ValueError(f"{where}: path {name!r} has no points")
    checked = []
    for i, point in enumerate(points):
        what = f"point {i} of path {name!r}"
        is_sequence = isinstance(point, Iterable) and not isinstance(point, (str, bytes))
        xy = _finite_series(point, where, what) if is_sequence else []
        if len(xy) != 2:
            raise ValueError(f"{where}: {what} is not an (x, y) pair: {point!r}")
        checked.append((xy[0], xy[1]))
    return checked


def plot_paths(
    f: Callable[..., Any],
    paths: Mapping[str, Sequence[tuple[float, float]]],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    levels: int = 25,
    resolution: int = 120,
) -> Figure:
    """Contours of f(x, y) with optimisation paths on top, ``{name: [(x0, y0), (x1, y1), …]}``.

    ``f`` is evaluated on a ``resolution`` × ``resolution`` grid with floats or, if it needs
    them (``x.tanh()``), with Values under ``no_grad``; it returns a number or a Value.
    Contours are evenly spaced in log(1 + f − min f), so a flat valley floor shows as well as
    steep walls; where f is NaN or infinite the plot is left blank. Each path is a polyline with
    its steps as markers, the start a black square, and its step count in the legend.
    """
    import numpy as np

    where = "plot_paths"
    if not callable(f):
        raise ValueError(f"{where}: expected a function f(x, y), got {type(f).__name__}")
    if not paths:
        raise ValueError(f"{where}: no paths to plot")
    checked = {name: _check_path(path, where, name) for name, path in paths.items()}
    (x0, x1), (y0, y1) = _check_limits(xlim, where, "xlim"), _check_limits(ylim, where, "ylim")
    if not is_int(levels) or levels < 2:
        raise ValueError(f"{where}: levels must be an int >= 2, got {levels!r}")
    if not is_int(resolution) or resolution < 2:
        raise ValueError(f"{where}: resolution must be an int >= 2, got {resolution!r}")

    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    f_xy = numeric._float_function(f, (float(xs[0]), float(ys[0])), where)
    zs = np.ma.masked_invalid([[f_xy(float(a), float(b)) for a in xs] for b in ys])
    if zs.count() == 0:
        raise ValueError(f"{where}: f is not finite anywhere on the grid {xlim} × {ylim}")
    fig = _new_figure(size=(6.0, 4.8))
    ax = fig.axes[0]
    ax.contour(xs, ys, np.log1p(zs - zs.min()), levels=levels, cmap="Greys", linewidths=0.7)
    for name, points in checked.items():
        px, py = zip(*points, strict=True)
        steps = len(points) - 1
        label = f"{name}: {steps:,} step{'' if steps == 1 else 's'}"
        ax.plot(px, py, marker="o", markersize=2.5, linewidth=1.4, label=label)
    start_x, start_y = zip(*(points[0] for points in checked.values()), strict=True)
    ax.scatter(start_x, start_y, marker="s", s=30, color="#0f172a", zorder=3)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="best", framealpha=0.9, edgecolor="none")
    _style_axes(ax)
    return fig


def _predict(model: Callable[[list[float]], Any], point: list[float]) -> tuple[int, float]:
    """Class and score of one point: sign of a single output, argmax of several."""
    out = model(point)
    if isinstance(out, Value):
        return int(out.data > 0), out.data
    scores = [o.data if isinstance(o, Value) else float(o) for o in out]
    if len(scores) == 1:
        return int(scores[0] > 0), scores[0]
    best = max(range(len(scores)), key=scores.__getitem__)
    return best, scores[best]


def plot_decision_boundary(
    model: Callable[[list[float]], Any],
    X: Any,
    y: Any,
    *,
    resolution: int = 60,
    margin: float = 0.5,
) -> Figure:
    """Shade the plane by the model's prediction and overlay the labelled 2-D points.

    A single output is a binary score (> 0 means class 1; labels may be 0/1 or −1/+1);
    several outputs are class scores (argmax). The grid is evaluated under ``no_grad``.
    """
    import numpy as np

    points = np.asarray(X, dtype=float)
    labels = np.asarray(y).reshape(-1)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) != len(labels):
        raise ValueError(f"X must be (n, 2) with one label per row, got {points.shape}")
    xs = np.linspace(points[:, 0].min() - margin, points[:, 0].max() + margin, resolution)
    ys = np.linspace(points[:, 1].min() - margin, points[:, 1].max() + margin, resolution)
    with no_grad():
        grid = [[_predict(model, [float(a), float(b)]) for a in xs] for b in ys]
        predicted = [_predict(model, [float(a), float(b)])[0] for a, b in points]
    classes = np.array([[c for c, _ in row] for row in grid])
    multi = bool(classes.max() > 1 or labels.max() > 1)
    truth = labels.astype(int) if multi else (labels > 0).astype(int)
    accuracy = float(np.mean(np.array(predicted) == truth))

    from matplotlib.colors import ListedColormap

    palette = ["#3b82f6", "#f97316", "#22c55e", "#a855f7", "#ef4444", "#14b8a6"]
    n_classes = int(max(classes.max(), truth.max())) + 1
    cmap = ListedColormap(palette[: max(n_classes, 2)])
    fig = _new_figure(size=(5.4, 4.6))
    ax = fig.axes[0]
    levels = np.arange(-0.5, max(n_classes, 2))
    ax.contourf(xs, ys, classes, levels=levels, cmap=cmap, alpha=0.25)
    if not multi:
        scores = np.array([[s for _, s in row] for row in grid])
        ax.contour(xs, ys, scores, levels=[0.0], colors="#1e293b", linewidths=1.5)
    ax.scatter(
        points[:, 0],
        points[:, 1],
        c=truth,
        cmap=cmap,
        vmin=-0.5,
        vmax=max(n_classes, 2) - 0.5,
        edgecolors="#1e293b",
        linewidths=0.6,
        s=28,
    )
    ax.set_title(f"decision boundary · accuracy {accuracy:.1%}")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_aspect("equal", adjustable="box")
    return fig

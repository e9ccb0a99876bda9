"""``draw_dot``: a computation graph as a Graphviz ``Digraph``, the chain rule on the picture.

Every Value is a record ``label | data | grad``, every op a small node whose input edges carry
the local derivative ∂out/∂in; read-only and deterministic (byte-identical DOT for a graph).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import graphviz

from ..engine import Value
from ..nn import Module, _live_parameters
from .plan import _local_grads, _Plan, _plan
from .style import (
    _DERIV_COLOR,
    _FONT,
    _HIGHLIGHT,
    _OP_FILL,
    _ROLE_STYLES,
    _fmt,
    _grad_float,
    _record_text,
)


def _role(v: Value, root: Value, params: set[Value]) -> str:
    if v is root:
        return "root"
    if v._fn is not None:
        return "intermediate"
    if v in params:
        return "parameter"
    return "input" if v.label else "constant"


def _parameter_set(params: Any, where: str) -> set[Value]:
    """The Values drawn as parameters: ``params`` (Values or a Module), else every live Module's."""
    if params is None:
        return _live_parameters()
    if isinstance(params, Module):
        return set(params.parameters())
    if isinstance(params, Value) or not isinstance(params, Iterable):
        kind = type(params).__name__
        raise TypeError(f"{where}: params must be a Module or an iterable of Values, got {kind}")
    values = list(params)
    for p in values:
        if not isinstance(p, Value):
            raise TypeError(f"{where}: params must hold Values, got {type(p).__name__} {p!r}")
    return set(values)


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
    # Two sentences on two lines (a "·" between them read as a product). Text after a font
    # change starts with a no-break space: SVG drops an ordinary leading space ("∂on an edge").
    explain = []
    if show_local_grad:
        explain.append(
            f'<FONT COLOR="{_DERIV_COLOR}">∂</FONT>&#160;on an edge: the local derivative ∂out/∂in'
        )
    explain.append("grad of a node: ∂root/∂node, the sum over its outgoing edges of ∂ × grad")
    rows += [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">{e}</FONT></TD></TR>' for e in explain]
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
    params: set[Value],
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
        format="svg",  # as micrograd's draw_dot: .render("gout") writes gout.svg
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
                f"{len(members):,} values, {n_params} leaves",
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
    params: Module | Iterable[Value] | None = None,
    legend: bool = True,
    title: str | None = None,
) -> graphviz.Digraph:
    """Draw the computation graph of ``root`` as a ``graphviz.Digraph``.

    Values are records ``label | data | grad``; ops are small nodes; each input edge is
    labelled with the local derivative ∂out/∂in. Leaves are coloured by role: parameters
    (``params``, a Module or Values; by default the parameters of every live Module), inputs
    (other labelled leaves) and constants (unlabelled). ``.source`` gives the DOT text
    without Graphviz installed; ``.render("gout")`` writes gout.svg, as micrograd's.

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
        params=_parameter_set(params, "draw_dot"),
        grad_of=(lambda v: _grad_float(v.grad)) if computed else (lambda v: None),
        notes=notes,
        title=title,
    )

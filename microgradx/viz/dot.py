"""``draw_dot``: a computation graph as a Graphviz ``Digraph``, the chain rule on the picture.

Every Value is a record ``label | data | grad``, every op a small node whose input edges carry
the local derivative ∂out/∂in; read-only and deterministic (byte-identical DOT for a graph).
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import graphviz

from ..engine import Value
from ..nn import Module, _live_parameters
from ..rulecheck import check_rules
from .plan import _local_grads, _Plan, _plan
from .style import (
    _DERIV_COLOR,
    _FONT,
    _HIGHLIGHT,
    _OP_FILL,
    _ROLE_STYLES,
    _WRONG_EDGE,
    _fmt,
    _grad_float,
    _record_text,
)
from .words import check_lang, strings

NO_GRAD = "no grad (constant)"
"""What a Constant's grad field says, here and in the explorer: backward() gives it none."""


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


_NEURON = re.compile(r"^(?P<layer>.+)\.N(?P<index>\d+)$")


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key reading digit runs as numbers: L2 before L10, N9 before N10."""
    return tuple(
        (int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", text)
    )


def _layers(plan: _Plan) -> list[list[int]]:
    """Drawn group units per layer (``L1.N3``: neuron 3 of layer L1), all in numeric order."""
    layers: dict[str, list[tuple[int, int]]] = {}
    for u_idx, unit in enumerate(plan.units):
        match = _NEURON.match(unit.prefix or "")
        if match and plan.drawn[u_idx]:
            layers.setdefault(match["layer"], []).append((int(match["index"]), u_idx))
    return [[u for _, u in sorted(layers[key])] for key in sorted(layers, key=_natural)]


@dataclass
class _Bus:
    """Edges from every source unit to every target unit, drawn as n + m lines, not n × m."""

    name: str
    sources: list[int]
    targets: list[int]


def _buses(plan: _Plan) -> list[_Bus]:
    """Bundle each complete bipartite set of edges into groups (every L1 neuron → every L2 one).

    Sources feeding exactly the same group boxes are bundled when that saves lines
    (|S|·|T| edges become |S| + |T|).
    """
    targets_of: dict[int, list[int]] = {}
    for u_idx, unit in enumerate(plan.units):
        if unit.prefix is None or not plan.drawn[u_idx]:
            continue
        for pu in unit.parents:
            if plan.drawn[pu]:
                targets_of.setdefault(pu, []).append(u_idx)
    by_targets: dict[tuple[int, ...], list[int]] = {}
    for source, targets in targets_of.items():
        by_targets.setdefault(tuple(targets), []).append(source)
    return [
        _Bus(f"bus{k}", sources, list(targets))
        for k, (targets, sources) in enumerate(
            (t, s) for t, s in by_targets.items() if len(s) * len(t) > len(s) + len(t)
        )
    ]


def _fields(*fields: str, rankdir: str) -> str:
    body = " | ".join(fields)
    # Records lay fields out across the rank direction; braces turn them to read left-to-right.
    return f"{{ {body} }}" if rankdir in ("LR", "RL") else body


def _table(fields: Sequence[str], rankdir: str, look: Mapping[str, str]) -> str:
    """A record-like box as an HTML-like table: unlike a record, it may sit in an ordered rank."""
    cells = [f"<TD>{html.escape(f)}</TD>" for f in fields]
    if rankdir in ("LR", "RL"):  # fields read left to right, as _fields lays out records
        body = f"<TR>{'<VR/>'.join(cells)}</TR>"
    else:
        body = "<HR/>".join(f"<TR>{c}</TR>" for c in cells)
    colors = ""
    if "fillcolor" in look:
        colors = f' BGCOLOR="{look["fillcolor"]}" COLOR="{look["color"]}"'
    return (
        f'<<TABLE STYLE="ROUNDED" BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="6"'
        f"{colors}>{body}</TABLE>>"
    )


def _caption_html(
    title: str | None,
    notes: Sequence[str],
    roles: Iterable[str],
    show_local_grad: bool,
    constants: bool = False,
    words: Mapping[str, str] | None = None,
) -> str:
    """The graph's caption: title, notes in red, then a one-row legend of the colours used.

    ``words`` translates it (the explorer's Korean page): ``caption.<role>``,
    ``caption.local``, ``caption.grad`` and ``caption.noGrad``; English without it.
    """
    say = {f"caption.{role}": style.legend for role, style in _ROLE_STYLES.items()}
    say["caption.local"] = "on an edge: the local derivative ∂out/∂in"
    say["caption.grad"] = "grad of a node: ∂root/∂node, the sum over its outgoing edges of ∂ × grad"
    say["caption.noGrad"] = (
        f"{NO_GRAD}: a number lifted into an op (2 in 2 * x); backward() skips it"
    )
    say.update(words or {})
    rows = [f'<TR><TD ALIGN="LEFT"><B>{html.escape(title)}</B></TD></TR>'] if title else []
    rows += [
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{_DERIV_COLOR}">{html.escape(n)}</FONT></TD></TR>'
        for n in notes
    ]
    swatches = "".join(
        f'<TD BGCOLOR="{_ROLE_STYLES[r].fill}" COLOR="{_ROLE_STYLES[r].border}" BORDER="1" '
        f'STYLE="ROUNDED" WIDTH="14"> </TD><TD ALIGN="LEFT">{html.escape(say["caption." + r])}</TD>'
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
        local = html.escape(say["caption.local"])
        explain.append(f'<FONT COLOR="{_DERIV_COLOR}">∂</FONT>&#160;{local}')
    explain.append(html.escape(say["caption.grad"]))
    if constants:
        explain.append(html.escape(say["caption.noGrad"]))
    rows += [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">{e}</FONT></TD></TR>' for e in explain]
    return '<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


GradOf = Callable[[Value], "float | None"]


_BOUNDED_PIPE: Callable[..., bytes] | None = None
"""``render._pipe`` (set by render.py, which imports this module): Graphviz with a time bound."""


class _Drawing(graphviz.Digraph):
    """A Digraph whose ``pipe`` — and so its notebook display — runs Graphviz time-bounded."""

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """Graphviz's output in ``format`` (bytes, or text with ``encoding``), as graphviz's."""
        if _BOUNDED_PIPE is None or renderer or formatter or engine:
            return super().pipe(
                format, renderer, formatter, neato_no_op, quiet, engine=engine, encoding=encoding
            )
        data = _BOUNDED_PIPE(self, format or self.format, neato_no_op=int(neato_no_op or 0))
        return data.decode(encoding) if encoding else data


def _digraph(rankdir: str) -> graphviz.Digraph:
    """An empty Digraph in the house look (fonts, spacing, edge colour); the explorer too."""
    return _Drawing(
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


_TRUNK_SPAN = 2
"""An input edge reaching an op more than this many ops downstream of its source joins the
source's trunk. dot routes every edge through one hidden node per rank it crosses, so an input
feeding each step of a chain of n ops costs n² hidden nodes and minutes of layout
(``x+x+…+x``: 15 s at 45 terms); one trunk per source costs n."""


class _InputEdges:
    """Input edges (value → op), drawn direct when short and along a trunk of junctions when long.

    A source with far consumers gets one line (a small dot at each branch) running beside the
    chain; each consumer keeps its own branch edge and ∂ label, so no information is lost. The
    branch from junction ``<src>_r<k>`` to ``o<i>`` stands for the edge ``<src> -> o<i>``.
    ``place`` every op first (ranks and far consumers are known before drawing), then ``edge``
    draws each input edge where the drawing would have drawn it: graphs without far inputs
    give the same DOT as plain edges.
    """

    def __init__(self) -> None:
        self.rank: dict[str, int] = {}  # a longest-path estimate of dot's ranks, in op steps
        self.far: dict[str, list[int]] = {}  # source → the ranks of its far consumers
        self.started: set[str] = set()

    def place(self, op: str, value: str, tails: Iterable[str]) -> None:
        """Rank an op node and its value one step past the furthest of its inputs."""
        tails = list(tails)
        self.rank[op] = self.rank[value] = 1 + max((self.rank.get(t, 0) for t in tails), default=0)
        for tail in tails:
            if self.rank[op] - self.rank.get(tail, 0) > _TRUNK_SPAN:
                self.far.setdefault(tail, []).append(self.rank[op])

    def edge(self, dot: graphviz.Digraph, tail: str, head: str, attrs: dict[str, str]) -> None:
        """Draw the input edge ``tail -> head``: direct, or as a branch off ``tail``'s trunk."""
        far = self.far.get(tail, [])
        rank = self.rank.get(head, 0)
        if len(far) < 2 or rank - self.rank.get(tail, 0) <= _TRUNK_SPAN:  # one far edge: as is
            dot.edge(tail, head, **attrs)
            return
        if tail not in self.started:  # the whole trunk, once: tail → junction → … → junction
            self.started.add(tail)
            previous = tail
            for k in sorted(set(far)):
                dot.node(f"{tail}_r{k}", "", shape="point", width="0.05", color="#64748b")
                dot.edge(previous, f"{tail}_r{k}", arrowhead="none")
                previous = f"{tail}_r{k}"
        dot.edge(f"{tail}_r{rank}", head, **attrs)


def _drawn_names(plan: _Plan, units: Iterable[int]) -> list[str]:
    return [plan.units[u].name for u in units if plan.drawn[u]]


_TRUNK_TITLE = re.compile(r"<title>(\w+)_r\d+&#45;&gt;(o\d+)</title>")


def _trunk_titles(svg: str) -> str:
    """SVG titles of trunk branches as the edges they stand for: ``n0_r5->o7`` is ``n0->o7``."""
    return _TRUNK_TITLE.sub(r"<title>\1&#45;&gt;\2</title>", svg)


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
    words: Mapping[str, str] | None = None,
    wrong_edges: Mapping[tuple[Value, int], str] | None = None,
) -> graphviz.Digraph:
    """Turn a plan into a Digraph; the step-by-step frames reuse it with their own grads.

    ``words`` (``words.strings(lang)``) translates the caption; English without it.
    """
    root = plan.root
    dot = _digraph(rankdir)
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
        if not v.requires_grad:  # an engine Constant: backward() gives it no gradient
            return NO_GRAD
        g = grad_of(v)
        return "grad —" if g is None else f"grad {_fmt(g)}"

    more = "more"
    more_edges: dict[str, None] = {}
    buses = _buses(plan) if plan.collapsed or plan.expanded else []
    bundled = {(s, t) for bus in buses for s in bus.sources for t in bus.targets}
    inputs = _InputEdges()
    for u_idx, unit in enumerate(plan.units):  # ranks first: which inputs are far
        v = plan.order[unit.members[0]]
        if plan.drawn[u_idx] and unit.prefix is None and v._fn is not None:
            units = [plan.unit_of[plan.index[p]] for p in v.parents]
            inputs.place(f"o{unit.members[0]}", unit.name, _drawn_names(plan, units))
        elif plan.drawn[u_idx] and unit.prefix is not None:  # a collapsed neuron: one op step
            tails = _drawn_names(plan, unit.parents)
            inputs.rank[unit.name] = 1 + max((inputs.rank.get(t, 0) for t in tails), default=0)
    for u_idx, unit in enumerate(plan.units):
        if not plan.drawn[u_idx]:
            continue
        if unit.prefix is not None:
            members = unit.members
            n_params = sum(1 for i in members if plan.order[i]._fn is None)
            fields = [f"{unit.prefix} ⋯", f"{len(members):,} values, {n_params} leaves"]
            outputs = list(unit.outputs)
            if len(outputs) == 1:
                out = plan.order[outputs[0]]
                fields.append(f"out {_fmt(out.data)}")
                if show_grad:
                    fields.append(grad_field(out))
            look = box_style("group")
            dot.node(unit.name, _table(fields, rankdir, look), shape="plain")
            for pu in unit.parents:
                if not plan.drawn[pu]:
                    more_edges[unit.name] = None
                elif (pu, u_idx) not in bundled:
                    dot.edge(plan.units[pu].name, unit.name, style="dashed")
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
            if wrong_edges and (v, j) in wrong_edges:  # check_rules found this rule wrong
                edge.update(color=_WRONG_EDGE, fontcolor=_WRONG_EDGE, penwidth="2.5")
                edge.update(tooltip=wrong_edges[v, j], label=f"✗ {edge.get('label', '')}".strip())
            inputs.edge(dot, plan.units[pu].name, op, edge)

    if plan.collapsed or plan.expanded:
        _draw_layers(dot, plan, buses)
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
        constants = show_grad and any(not v.requires_grad for v in plan.order)
        caption_words = {k: v for k, v in (words or {}).items() if k.startswith("caption.")}
        caption = _caption_html(title, notes, roles, show_local_grad, constants, caption_words)
        dot.attr(label=caption, labelloc="t", labeljust="l")
    elif title or notes:
        text = "\n".join([*([title] if title else []), *notes])
        dot.attr(label=graphviz.nohtml(text), labelloc="t", labeljust="l")
    return dot


def _draw_layers(dot: graphviz.Digraph, plan: _Plan, buses: list[_Bus]) -> None:
    """A whole model left to right: one rank per layer, neurons in order, bundled edges."""
    for k, units in enumerate(_layers(plan)):
        with dot.subgraph(name=f"layer{k}") as rank:
            rank.attr(rank="same")
            for u in units:
                rank.node(plan.units[u].name)
            # Edges inside a rank fix the order of its nodes: N1 above N2 above N3 …
            for a, b in itertools.pairwise(units):
                rank.edge(plan.units[a].name, plan.units[b].name, style="invis")
    for k, (prefix, units) in enumerate(plan.expanded.items()):
        with dot.subgraph(name=f"cluster_expanded{k}") as box:
            box.attr(label=f"{prefix} (expanded)", style="dashed,rounded", color="#6d28d9")
            for u in units:
                box.node(plan.units[u].name)
                i = plan.units[u].members[0]
                if plan.order[i]._fn is not None:
                    box.node(f"o{i}")
    for bus in buses:
        n_s, n_t = len(bus.sources), len(bus.targets)
        look = {
            "style": "rounded,dashed"
        }  # a junction, not a Value: no fill, dashed like its edges
        dot.node(
            bus.name,
            f"all {n_s} → all {n_t}\n({n_s * n_t:,} connections)",
            shape="box",
            fontsize="9",
            color="#94a3b8",
            fontcolor="#475569",
            margin="0.05,0.03",
            **look,
        )
        for s in bus.sources:
            dot.edge(plan.units[s].name, bus.name, style="dashed", arrowhead="none")
        for t in bus.targets:
            dot.edge(bus.name, plan.units[t].name, style="dashed")


def _size_notes(plan: _Plan) -> list[str]:
    notes = []
    total = len(plan.order)
    if plan.collapsed:
        prefixes = [u.prefix for u in plan.units if u.prefix is not None]
        notes.append(
            f"{total:,} nodes: {plan.collapsed:,} collapsed into {len(prefixes):,} groups "
            f"by label prefix (max_nodes={plan.max_nodes:,}); "
            f"expand={min(prefixes, key=_natural)!r} draws one Value by Value"
        )
    if plan.left_out:
        notes.append(
            f"showing the part nearest the root: {plan.left_out:,} of {total:,} nodes "
            f"left out (max_nodes={plan.max_nodes:,})"
        )
    return notes


def _check_expand(expand: Any) -> list[str]:
    names = [expand] if isinstance(expand, str) else expand
    if not isinstance(names, Iterable) or not all(isinstance(e, str) for e in names):
        raise TypeError(f"draw_dot: expand must be a group name or a list of them, got {expand!r}")
    return list(names)


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
    expand: str | Iterable[str] = (),
    lang: str = "en",
    check: bool = False,
) -> graphviz.Digraph:
    """Draw the computation graph of ``root`` as a ``graphviz.Digraph``.

    Values are records ``label | data | grad``; ops are small nodes; each input edge is
    labelled with the local derivative ∂out/∂in. Leaves are coloured by role: parameters
    (``params``, a Module or Values; by default the parameters of every live Module), inputs
    (other labelled leaves) and constants (unlabelled). ``.source`` gives the DOT text
    without Graphviz installed; ``.render("gout")`` writes gout.svg, as micrograd's.

    A graph above ``max_nodes`` is collapsed to one box per neuron (labels ``L1.N3.w0``),
    drawn layer by layer left to right, neurons in order, the all-to-all edges between two
    layers bundled; ``expand="L1.N3"`` (or a list) draws those neurons Value by Value.
    ``lang="ko"`` writes the caption in Korean (the explorer's words, ``explorer/strings.json``).
    ``check=True`` runs ``check_rules`` and draws each wrong local derivative's edge red, the
    reason in its tooltip.

    >>> x = Value(2.0, label="x")
    >>> y = x * x
    >>> y.backward()
    >>> "∂=2.000" in draw_dot(y).source
    True
    """
    words = strings(check_lang(lang, "draw_dot"))
    plan = _plan(root, max_nodes, _check_expand(expand))
    computed = root.grad != 0  # backward() seeds the root with 1; zero means not run yet
    notes = []
    if show_grad and not computed:
        notes.append(words["dot.notComputed"].format(root=root.label or "root"))
    notes.extend(_size_notes(plan))
    wrong = None
    if check:
        report = check_rules(root)
        wrong = {(m.value, m.input): m.describe() for m in report}
        notes.append(
            f"check_rules: {len(report)} wrong local derivative(s), drawn red (hover: why)"
            if wrong
            else f"check_rules: all {report.checked} local derivatives agree with their forwards"
        )
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
        words=None if lang == "en" else words,  # English: style.py's own legends
        wrong_edges=wrong,
    )

"""Backpropagation one node at a time: the steps as data, and one highlighted picture per step.

Replays what ``backward()`` does without touching any ``.grad``, using the same rule table.
The pictures share one layout, so a node stays where it is from frame to frame.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz

from .._files import atomic_write_bytes
from ..engine import Value
from ..nn import Module
from .dot import _check_rankdir, _draw, _parameter_set
from .plan import _graph_order, _local_grads, _plan, _vjp
from .render import _pipe, render_graph
from .style import _fmt
from .words import check_lang, strings


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
    params: Module | Iterable[Value] | None = None,
    max_steps: int = 200,
    leaves: bool = True,
    lang: str = "en",
) -> list[Path]:
    """Write one picture per backward step into ``out_dir`` (step_000.svg, …); returns paths.

    Each frame highlights the current node, labels its input edges with
    ``∂ × upstream = contribution``, and shows every grad accumulated so far ("—" if none).
    Pictures (svg, png, pdf) share one layout, so nodes keep their places across frames;
    ``format="dot"`` writes each frame's layout-free DOT text. ``leaves=False`` leaves out
    the frames of leaves, whose turn passes nothing on, and numbers the frames among the
    operations ("operation 2 of 5"). ``lang="ko"`` writes the titles, notes and caption in
    Korean, in the notes' terms (Local Gradient, 전달 받은 Gradient).
    """
    if not isinstance(leaves, bool):
        raise TypeError(f"render_backward_steps: leaves must be True or False, got {leaves!r}")
    words = strings(check_lang(lang, "render_backward_steps"))
    plan = _plan(root, max_steps)
    total = len(plan.order)
    if plan.left_out or plan.collapsed:
        raise ValueError(
            f"the graph has {total:,} nodes; step-through frames are for graphs of at most "
            f"{max_steps} nodes (raise max_steps to draw more)"
        )
    rankdir = _check_rankdir(rankdir)
    param_set = _parameter_set(params, "render_backward_steps")
    frames: list[tuple[int, graphviz.Digraph]] = []
    # Without leaves the frames are numbered among the operations, so that five frames read
    # "1 of 5" … "5 of 5" rather than skipping the leaves' step numbers.
    operations = sum(1 for node in plan.order if node._fn is not None)
    for step, grads in _walk(root):
        node = step.node
        if not leaves and node._fn is None:
            continue
        if leaves:
            title = words["frame.step"].format(k=step.index + 1, n=total)
        else:
            title = words["frame.operation"].format(k=len(frames) + 1, n=operations)
        name = node.label or words["frame.unnamed"].format(value=_fmt(node.data))
        grad = _fmt(step.upstream)
        if node._fn is None:
            what = words["frame.leaf"].format(name=name, grad=grad)
        else:
            sends = ", ".join(
                words["frame.send"].format(
                    value=_fmt(c), name=p.label or words["frame.input"].format(k=j + 1)
                )
                for j, (p, c) in enumerate(zip(step.parents, step.contributions, strict=True))
            )
            what = words["frame.node"].format(op=node._fn.symbol, name=name, grad=grad, sends=sends)
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
            title=title,
            highlight=step.node,
            highlight_edges=edges,
            words=None if lang == "en" else words,  # English: style.py's own legends
        )
        frames.append((step.index, dot))
    paths = []
    layout = _shared_layout(frames[-1][1]) if frames and format != "dot" else None
    for index, dot in frames:
        path = Path(out_dir) / f"step_{index:03d}.{format}"
        if layout is None:
            paths.append(render_graph(dot, path, format))
        else:
            paths.append(_render_pinned(dot, layout, path, format))
    return paths


# -- one layout for every frame ---------------------------------------------------------

_EDGE_LABEL = re.compile(r'label="∂=[^"]*"')
_NODE_LINE = re.compile(r"^\t(\w+) \[")
_EDGE_LINE = re.compile(r"^\t(\w+) -> (\w+)( \[)?")


def _shared_layout(last: graphviz.Digraph) -> dict[str, Any]:
    """Positions for every node and edge, laid out once by dot with room for the widest label.

    The last frame has every grad filled in; its edge labels are widened to the longest
    form ("∂=… × … = …") so that whichever edge a frame highlights, its label fits.
    """
    widest = "∂=−0.0000 × −0.0000 = −0.0000"
    source = _EDGE_LABEL.sub(f'label="{widest}"', last.source)
    laid = json.loads(_pipe(graphviz.Source(source), "json"))
    name = {obj["_gvid"]: obj["name"] for obj in laid["objects"]}
    nodes = {
        obj[
            "name"
        ]: f'pos="{obj["pos"]}" width={obj["width"]} height={obj["height"]} fixedsize=true'
        for obj in laid["objects"]
    }
    edges = {}
    for edge in laid.get("edges", []):
        attrs = f'pos="{edge["pos"]}"' + (f' lp="{edge["lp"]}"' if "lp" in edge else "")
        edges[name[edge["tail"]], name[edge["head"]]] = attrs
    return {"bb": laid["bb"], "nodes": nodes, "edges": edges}


def _pin(source: str, layout: dict[str, Any]) -> str:
    """The frame's DOT text with every position taken from the shared layout."""
    lines = []
    for line in source.splitlines():
        node, edge = _NODE_LINE.match(line), _EDGE_LINE.match(line)
        if edge:
            attrs = layout["edges"][edge.group(1), edge.group(2)]
            head = f"\t{edge.group(1)} -> {edge.group(2)}"
            rest = line[edge.end() :]
            line = f"{head} [{attrs} {rest}" if edge.group(3) else f"{head} [{attrs}]{rest}"
        elif node and node.group(1) in layout["nodes"] and line.endswith("]"):
            line = f"{line[:-1]} {layout['nodes'][node.group(1)]}]"  # last: overrides sizes
        lines.append(line)
    text = "\n".join(lines)
    return text.replace("{", f'{{\n\tgraph [bb="{layout["bb"]}"]', 1)


def _render_pinned(dot: graphviz.Digraph, layout: dict[str, Any], path: Path, fmt: str) -> Path:
    """Render with neato -n2: Graphviz draws the given positions instead of laying out anew."""
    pinned = graphviz.Source(_pin(dot.source, layout), engine="neato")
    data = _pipe(pinned, fmt, neato_no_op=2)
    atomic_write_bytes(path, data)
    return path

"""Graphs to files (svg, png, pdf, dot; written atomically) and to Jupyter, through Graphviz.

Only here is the ``dot`` program run; when it is missing the error says how to install it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import graphviz

from .. import engine
from .._files import atomic_write_bytes
from ..engine import Value
from .dot import draw_dot
from .plan import _graph_order

RENDER_FORMATS = ("svg", "png", "pdf", "dot")
JUPYTER_MAX_NODES = 100  # above this a notebook shows a text summary instead of a drawing

INSTALL_HINT = (
    "install Graphviz: apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS) "
    "or conda install graphviz"
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is needed to render a graph but is not on PATH."""


def _pipe(dot: graphviz.Digraph | graphviz.Source, fmt: str, **options: Any) -> bytes:
    """Run Graphviz on the DOT source; a clear error when the ``dot`` program is missing."""
    missing = GraphvizNotFoundError(
        f"cannot render {fmt}: Graphviz's `dot` program is not on PATH; {INSTALL_HINT}. "
        "The DOT text itself needs no install: draw_dot(...).source or format='dot'."
    )
    if shutil.which("dot") is None:
        raise missing
    try:
        data: bytes = dot.pipe(format=fmt, **options)
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


engine.DISPLAY.append(_mimebundle)  # Values show their graph in Jupyter once viz is loaded


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

"""Graphs to files (svg, png, pdf, dot; written atomically) and to Jupyter, through Graphviz.

Only here is the ``dot`` program run; when it is missing the error says how to install it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import graphviz

from .. import engine
from .._files import atomic_write_bytes
from ..engine import Value
from . import dot as _dot
from .dot import draw_dot
from .plan import _graph_order

RENDER_FORMATS = ("svg", "png", "pdf", "dot")
JUPYTER_MAX_NODES = 100  # above this a notebook shows a text summary instead of a drawing

INSTALL_HINT = (
    "install Graphviz: apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS) "
    "or conda install graphviz"
)


GRAPHVIZ_TIMEOUT = 60.0
"""Seconds a Graphviz call may run before it is stopped with ``GraphvizTimeoutError``."""

DOT_STRING_BYTES = 16_384
"""The longest quoted string (a node's whole record label) Graphviz's scanner reads."""

_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.S)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is needed to render a graph but is not on PATH."""


class GraphvizError(RuntimeError):
    """Graphviz failed on a graph (its message says why)."""


class GraphvizTimeoutError(GraphvizError):
    """Graphviz ran longer than ``GRAPHVIZ_TIMEOUT`` and was stopped."""


def _size(source: str) -> str:
    """ "N nodes, M edges" of a DOT source, counted from its statements (for error messages)."""
    edges = len(re.findall(r"^\s*\S+ -> \S+", source, re.M))
    statements = re.findall(r"^\s*(\w+|\"[^\"]*\") \[", source, re.M)
    nodes = sum(name not in ("graph", "node", "edge") for name in statements)
    return f"{nodes:,} nodes, {edges:,} edges"


def _check_source(source: str) -> None:
    """Refuse, naming the text, what Graphviz would fail on with a bare syntax error."""
    if "\0" in source:
        at = source.index("\0")
        raise ValueError(
            f"cannot draw the graph: the text {source[max(0, at - 30) : at + 10]!r} holds a NUL "
            "character, which Graphviz cannot read; remove it from the label or title"
        )
    for match in _QUOTED.finditer(source):
        size = len(match.group(1).encode("utf-8"))
        if size > DOT_STRING_BYTES:
            label = match.group(1).lstrip("{ ")[:40]  # a record's text starts "{ "
            raise ValueError(
                f"cannot draw the graph: the label {label!r}… is {size:,} bytes; "
                f"Graphviz reads at most {DOT_STRING_BYTES:,} per label; shorten it"
            )


def _pipe(
    dot: graphviz.Digraph | graphviz.Source, fmt: str, *, neato_no_op: int | None = None
) -> bytes:
    """Run Graphviz on the DOT source, at most ``GRAPHVIZ_TIMEOUT`` seconds; clear errors."""
    program = dot.engine
    if shutil.which(program) is None:
        raise GraphvizNotFoundError(
            f"cannot render {fmt}: Graphviz's `{program}` program is not on PATH; {INSTALL_HINT}. "
            "The DOT text itself needs no install: draw_dot(...).source or format='dot'."
        )
    source = dot.source
    _check_source(source)
    command = [program, f"-T{fmt}", *([f"-n{neato_no_op}"] if neato_no_op else [])]
    try:
        done = subprocess.run(
            command,
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=GRAPHVIZ_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed and reaped the process
        raise GraphvizTimeoutError(
            f"Graphviz did not lay out the graph ({_size(source)}) within {GRAPHVIZ_TIMEOUT:g} s; "
            "draw fewer nodes (draw_dot(value, max_nodes=...)) or write format='dot'"
        ) from None
    if done.returncode != 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
        raise GraphvizError(
            f"Graphviz failed on the graph ({_size(source)}), exit {done.returncode}: {message}"
        )
    return done.stdout


_dot._BOUNDED_PIPE = _pipe  # draw_dot's Digraphs (their notebook display too) use the bound


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
    except (GraphvizNotFoundError, GraphvizError, ValueError) as e:
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

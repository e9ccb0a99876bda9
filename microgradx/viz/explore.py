"""The backprop explorer: one offline HTML page to step through backpropagation and train.

``explore(value)`` lays the graph of ``value`` out once with Graphviz (the look of
``draw_dot``, with room reserved for numbers that change) and writes one self-contained page:
the SVG, a JSON tape of the graph (nodes in topological order: op, inputs, label, data) and
the page's JavaScript, plain ES modules in ``explorer/``: ``i18n.js`` (the words, from
``strings.json`` in English and Korean), ``engine.js`` (the rule table's twin), ``stepper.js``
(the walk), ``viewport.js`` (fit, zoom, pan), ``expression.js`` (the Expression tab),
``rng.js`` (numpy's ``default_rng``), ``nn.js`` (datasets, MLP, losses, optimizers, ``fit``),
``csv.js`` (your own data), ``layout.js``, ``network.js``, ``curves.js`` and ``training.js``
(the Training tab), ``main.js`` (``window.explorer``, the URL fragment). docs/explorer.md
describes the page.

The page loads nothing from the network (its CSP forbids it), works opened from ``file://``
and inside a notebook (``_repr_html_`` wraps it in a sandboxed ``<iframe srcdoc>``), and the
same input gives the same bytes. Pages are at most ``MAX_PAGE_BYTES`` (1.5 MB); graphs of up
to ``MAX_NODES`` Values fit well under it (about 2 kB of SVG per Value).

>>> from microgradx import Value
>>> x = Value(2.0, label="x")
>>> page = explore((x * x).tanh(), title="tanh(x²)")
>>> page.html.startswith("<!DOCTYPE html>") and len(page.html) <= MAX_PAGE_BYTES
True
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from .._files import atomic_write_bytes
from ..engine import Value, topological_order
from ..nn import MLP
from ..primitive import is_user_defined
from ..rulecheck import check_rules
from .dot import (
    _caption_html,
    _digraph,
    _fields,
    _InputEdges,
    _parameter_set,
    _role,
    _trunk_titles,
)
from .plan import _local_grads
from .render import _pipe
from .style import _DERIV_COLOR, _OP_FILL, _ROLE_STYLES, _WRONG_EDGE, _record_text
from .words import LANGUAGES, check_lang, strings

MAX_NODES = 400
"""The Expression tab draws graphs of at most this many Values (ops included)."""

MAX_PAGE_BYTES = 1_500_000
"""Size cap of a page: the JS and CSS (~0.1 MB) plus the graph of ``MAX_NODES`` Values."""

JS_MODULES = (
    "i18n.js",
    "engine.js",
    "rng.js",
    "nn.js",
    "csv.js",
    "stepper.js",
    "viewport.js",
    "expression.js",
    "layout.js",
    "network.js",
    "curves.js",
    "training.js",
    "main.js",
)
"""The page's ES modules in dependency order; each imports only modules listed before it."""

# Layout placeholders: the widest text each changing field will usually show, so Graphviz
# reserves room for it once and the picture does not jump while numbers change.
_NUMBER = "−0.00000"
_EDGE = "∂ −0.0000 × −0.0000 = −0.0000"

__all__ = ["LANGUAGES", "MAX_NODES", "MAX_PAGE_BYTES", "Explorer", "explore", "strings"]


class Explorer:
    """A backprop explorer page: show it in Jupyter, or ``save`` it as one HTML file."""

    def __init__(self, page: str) -> None:
        self.html = page

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (atomically) and return the path."""
        return atomic_write_bytes(Path(path), self.html.encode("utf-8"))

    def _repr_html_(self) -> str:
        """Jupyter display: the page in a sandboxed ``<iframe srcdoc>``, apart from the notebook."""
        return (
            '<iframe class="microgradx-explorer" sandbox="allow-scripts" '
            'style="width:100%;height:860px;border:1px solid #e5e7eb;border-radius:6px" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )

    def __repr__(self) -> str:
        return f"Explorer({len(self.html):,} bytes of HTML)"


def explore(target: Value | MLP, *, title: str | None = None, lang: str = "en") -> Explorer:
    """The backprop explorer for a Value's graph (Expression tab) or an MLP (Training tab).

    For an ``MLP`` the Expression tab shows the graph of its first output for inputs
    ``x0, x1, …`` (sliders) — of its first neuron when the whole graph has more than
    ``MAX_NODES`` Values — and the Training tab starts from its layer sizes and activation.
    Graphs of more than ``MAX_NODES`` Values are refused with a ValueError. Layout takes
    well under a second for models and typical expressions; one input feeding every step of a
    long chain (hundreds of ranks of long edges) can take Graphviz minutes. ``lang`` is the
    page's language: ``"en"`` or ``"ko"`` (the course's Korean terms).
    """
    check_lang(lang, "explore")
    if isinstance(target, MLP):
        xs = [Value(0.5 if i % 2 == 0 else -0.5, label=f"x{i}") for i in range(target.nin)]
        out = target(xs)
        root = out if isinstance(out, Value) else out[0]
        caption: str | None = f"MLP({target.nin} → {target.nouts}), output 1"
        size = len(topological_order(root))
        if size > MAX_NODES:  # too big to draw whole: its first neuron, on the same inputs
            root = target.layers[0].neurons[0](xs)
            caption = f"MLP({target.nin} → {target.nouts}): neuron L1.N1 of {size:,} values"
        caption = title if title is not None else caption
        training = {"layers": list(target.nouts[:-1]), "activation": target.activation}
    elif isinstance(target, Value):
        root, caption, training = target, title, None
    else:
        raise TypeError(f"explore: expected a Value or an MLP, got {type(target).__name__}")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"explore: title must be a string, got {type(caption).__name__}")
    order = topological_order(root)
    if len(order) > MAX_NODES:
        raise ValueError(
            f"explore: the graph has {len(order):,} values; the explorer draws at most "
            f"{MAX_NODES} (draw_dot(value, max_nodes=...) draws larger graphs statically)"
        )
    # check_rules' wrong edges (a user primitive's rule): red in the SVG, "wrong" in the tape
    wrong = {(m.value, m.input): m.describe() for m in check_rules(root)}
    data = {
        "tab": "expression" if training is None else "training",
        "expression": {"title": caption or "", "nodes": _tape(order, wrong)},
        "training": training,
        "lang": lang,
        "strings": strings(lang),
        "python_only": _python_only(order),  # user-defined primitives (see _python_only_note)
    }
    page = _page(data, _layout_svg(order, caption, strings(lang), wrong))
    if len(page.encode("utf-8")) > MAX_PAGE_BYTES:
        raise ValueError(
            f"explore: the page would be {len(page.encode('utf-8')):,} bytes, "
            f"over the {MAX_PAGE_BYTES:,}-byte cap; use a smaller graph"
        )
    return Explorer(page)


# -- the tape: what the page's engine replays ------------------------------------------------


Wrong = dict[tuple[Value, int], str]  # (node, input) → why check_rules finds its rule wrong


def _tape(order: list[Value], wrong: Wrong | None = None) -> list[dict[str, Any]]:
    index = {v: i for i, v in enumerate(order)}
    tape = []
    for i, v in enumerate(order):
        entry: dict[str, Any] = {"id": i, "label": v.label, "op": v.op, "data": v.data}
        if not v.requires_grad:
            entry["constant"] = True  # engine.Constant: backward gives it no gradient
        if v._fn is not None:
            entry["inputs"] = [index[p] for p in v.parents]
            if v._fn.param is not None:
                entry["param"] = v._fn.param
            if is_user_defined(v._fn):
                # The page has no twin of a user-defined rule: it gets Python's numbers here
                # (local ∂ at the values drawn; NaN written as null) and says so on the page.
                entry["primitive"] = True
                entry["local"] = [None if math.isnan(d) else d for d in _local_grads(v)]
            bad = {str(j): wrong[v, j] for j in range(len(v.parents)) if wrong and (v, j) in wrong}
            if bad:
                entry["wrong"] = bad  # input slot → why its local derivative is wrong
        tape.append(entry)
    return tape


def _python_only(order: list[Value]) -> list[str]:
    """The user-defined primitives of the graph, which the page can show but not recompute."""
    names = {v._fn.name: None for v in order if v._fn is not None and is_user_defined(v._fn)}
    return list(names)


def _python_only_note(names: list[str]) -> list[str]:
    if not names:
        return []
    shown = ", ".join(f"'{n}'" for n in names)
    return [
        f"{shown}: user-defined primitive(s) the page cannot recompute: shown with Python's "
        "value and local ∂ at the numbers drawn, not updated when an input is edited"
    ]


# -- the layout: Graphviz once, in Python ----------------------------------------------------


def _layout_svg(
    order: list[Value], title: str | None, words: dict[str, str], wrong: Wrong | None = None
) -> str:
    """The graph drawn as ``draw_dot`` draws it, with placeholder numbers of reserved width."""
    root = order[-1]
    consumers = [0] * len(order)
    index = {v: i for i, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            consumers[index[p]] += 1
    dot = _digraph("LR")
    roles: dict[str, None] = {}
    params = _parameter_set(None, "explore")  # a live Module's parameters; inputs are the rest
    inputs = _InputEdges()  # far inputs along a trunk, as draw_dot: a bounded layout
    for i, v in enumerate(order):
        if v._fn is not None:
            inputs.place(f"o{i}", f"n{i}", [f"n{index[p]}" for p in v.parents])
    for i, v in enumerate(order):
        role = _role(v, root, params)
        roles[role] = None
        style = _ROLE_STYLES[role]
        fields = [_record_text(v.label)] if v.label else []
        fields.append(f"data {_NUMBER}")
        if not v.requires_grad:  # a constant: backward() gives it no gradient
            fields.append(words["grad.constant"])
        else:
            fields.append(f"grad {_NUMBER}" + (" (9/9)" if consumers[i] > 1 else ""))
        dot.node(
            f"n{i}",
            _fields(*fields, rankdir="LR"),
            shape="record",
            style="rounded,filled",
            fillcolor=style.fill,
            color=style.border,
            penwidth="2" if role == "root" else "1.2",
        )
        if v._fn is None:
            continue
        dot.node(
            f"o{i}",
            _record_text(v._fn.symbol),
            shape="ellipse",
            width="0",
            height="0",
            margin="0.06,0.03",
            fontsize="10",
            style="filled",
            fillcolor=_OP_FILL,
        )
        dot.edge(f"o{i}", f"n{i}")
        for j, p in enumerate(v.parents):
            why = wrong.get((v, j)) if wrong else None
            look = {"color": _WRONG_EDGE, "penwidth": "2.5", "tooltip": why} if why else {}
            inputs.edge(
                dot, f"n{index[p]}", f"o{i}", {"label": _EDGE, "fontcolor": _DERIV_COLOR, **look}
            )
    ordered_roles = sorted(roles, key=list(_ROLE_STYLES).index)
    constants = any(not v.requires_grad for v in order)
    caption_words = {k: v for k, v in words.items() if k.startswith("caption.")}
    notes = _python_only_note(_python_only(order))
    caption = _caption_html(title, notes, ordered_roles, True, constants, caption_words)
    dot.attr(label=caption, labelloc="t", labeljust="l")
    svg = _trunk_titles(_pipe(dot, "svg").decode("utf-8"))  # the page finds edges by title
    svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", svg, flags=re.S)
    return svg.strip()


# -- the page ------------------------------------------------------------------------------


def _asset(name: str) -> str:
    return (resources.files("microgradx.viz") / "explorer" / name).read_text(encoding="utf-8")


_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w.]+)";[ \t]*$', re.M)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(function\*?|const|let|class)\s+(\w+)", re.M)


def bundle(modules: tuple[str, ...] = JS_MODULES) -> str:
    """The page's ES modules as one inline script: each module a function scope, in order.

    An inline ``<script>`` cannot import sibling files (``file://`` forbids it and a notebook
    has no files), so ``import {a} from "./m.js"`` becomes a lookup in the modules built so
    far and ``export`` a returned object. The sources stay plain modules that run unbundled.
    """
    parts = ["const modules = {};"]
    for name in modules:
        source = _asset(name)
        for imported in _IMPORT.findall(source):
            if imported[1] not in modules[: modules.index(name)]:
                raise ValueError(f"bundle: {name} imports {imported[1]}, not listed before it")
        body = _IMPORT.sub(lambda m: f"const {{{m.group(1)}}} = modules[{m.group(2)!r}];", source)
        exported = [m.group(2) for m in _EXPORT.finditer(body)]
        body = _EXPORT.sub(lambda m: m.group(0).removeprefix("export").lstrip(), body)
        parts.append(
            f"// ---- {name}\nmodules[{name!r}] = (() => {{\n{body}\n"
            f"return {{ {', '.join(exported)} }};\n}})();"
        )
    return "\n".join(parts)


def _json_script(data: Any) -> str:
    """JSON safe inside a <script> element: no ``</script>``, ``<!--`` or ``-->`` can form.

    ``<``, ``>`` and ``&`` occur only inside JSON strings, where ``\\u003c`` is the same
    character to ``JSON.parse`` (a backslash before ``!`` would not be valid JSON).
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _page(data: dict[str, Any], svg: str) -> str:
    template = _asset("page.html")
    title = data["strings"]["page.title"]
    if data["expression"]["title"]:
        title += f" · {data['expression']['title']}"
    pieces = {
        "LANG": data["lang"],
        "TITLE": html.escape(title),
        "STYLE": _asset("page.css"),
        "SVG": svg,
        "DATA": _json_script(data),
        "SCRIPT": bundle(),
    }
    return re.sub(r"\{\{(\w+)\}\}", lambda m: pieces[m.group(1)], template)

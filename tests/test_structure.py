"""The package's shape: imports never form a cycle, modules stay small and say what they are for.

Imports are read from the source (``ast``). Two views: the imports that run when a module
loads (module level, entering if/try), and every import anywhere — inside functions (lazy
imports) and under ``if TYPE_CHECKING:`` too, since a circle a function closes on first use,
or one only the type checker sees, is still a circle a reader has to untangle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "microgradx"
VIZ_MAX_LINES = MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _loaded_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run when the module loads, entering if/try but not functions."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                yield from _loaded_statements(node.body)
            yield from _loaded_statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, *(h.body for h in node.handlers), node.orelse):
                yield from _loaded_statements(block)


def _imports(name: str, *, lazy: bool = False) -> set[str]:
    """The package's modules that module ``name`` imports while it loads (or anywhere: lazy)."""
    path = SOURCES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree) if lazy else _loaded_statements(tree.body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:  # `from . import numeric` names a module, not an attribute
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in SOURCES else base)
    return {m for m in found if m in SOURCES and m != name}


def _find_cycle(graph: Mapping[str, set[str]]) -> list[str]:
    """One import cycle as a path ``[a, b, …, a]``, or ``[]`` when the graph has none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            cycle = visit(nxt)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return []

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return []


def test_module_level_imports_form_no_cycle() -> None:
    graph = {name: _imports(name) for name in SOURCES}
    assert graph["microgradx.viz.steps"] >= {"microgradx.viz.plan", "microgradx.viz.render"}
    assert _find_cycle(graph) == []


def _lazy_graph() -> dict[str, set[str]]:
    return {name: _imports(name, lazy=True) for name in SOURCES}


def test_no_import_cycle_even_through_lazy_or_type_checking_imports() -> None:
    assert _find_cycle(_lazy_graph()) == []


def test_the_lazy_view_sees_imports_inside_functions_and_type_checking_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "microgradx.train" in _imports("microgradx.demo", lazy=True)  # inside a function
    assert "microgradx.train" not in _imports("microgradx.demo")
    fake = tmp_path / "fake.py"
    fake.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import nn\n")
    monkeypatch.setitem(SOURCES, "microgradx.fake", fake)
    assert _imports("microgradx.fake") == set()
    assert _imports("microgradx.fake", lazy=True) == {"microgradx.nn"}


def test_interop_knows_nothing_of_the_compile_package_which_exports_tapes_through_it() -> None:
    graph = _lazy_graph()
    assert not any(m.startswith("microgradx.compile") for m in graph["microgradx.interop"])
    assert "microgradx.interop" in graph["microgradx.compile.export"]
    assert "microgradx.compile.replay" not in graph["microgradx.compile.export"]


def test_an_import_cycle_is_found_and_shown() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_modules_of_the_package() -> None:
    assert _imports("microgradx.viz.plots") >= {"microgradx.numeric", "microgradx.engine"}
    assert "microgradx.viz.dot" in _imports("microgradx.viz")


def test_the_engine_never_imports_viz_not_even_for_the_notebook_display() -> None:
    assert not any(m.startswith("microgradx.viz") for m in _imports("microgradx.engine", lazy=True))
    assert "engine.DISPLAY.append" in SOURCES["microgradx.viz.render"].read_text(encoding="utf-8")


def test_the_core_modules_import_only_downwards() -> None:
    # forwards → ops → gradmode → backprop → serialize → engine: each imports only earlier ones.
    layers = ["forwards", "ops", "gradmode", "backprop", "serialize", "engine"]
    for i, name in enumerate(layers):
        below = {f"microgradx.{m}" for m in layers[:i]} | {"microgradx._checks"}
        imported = _imports(f"microgradx.{name}", lazy=True)
        assert imported <= below, f"{name} imports {sorted(imported - below)}"


def test_every_module_is_small_and_says_what_it_is_for() -> None:
    for name, path in SOURCES.items():
        text = path.read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(text)), f"{name} has no module docstring"
        assert len(text.splitlines()) <= MAX_LINES, f"{name}: over {MAX_LINES} lines, split it"


def test_every_viz_module_is_small_and_says_what_it_is_for() -> None:
    viz = {name: path for name, path in SOURCES.items() if name.startswith("microgradx.viz")}
    assert len(viz) >= 6
    for name, path in viz.items():
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= VIZ_MAX_LINES, f"{name}: split it by job"
        assert ast.get_docstring(ast.parse(text)), f"{name} has no module docstring"

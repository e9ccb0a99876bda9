"""The package's shape: module-level imports never form a cycle, viz stays in small modules.

Imports are read from the source (``ast``), as Python runs them when a module loads: those
inside functions (the engine's lazy Jupyter hook) or under ``if TYPE_CHECKING:`` do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "microgradx"
VIZ_MAX_LINES = 600


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


def _imports(name: str) -> set[str]:
    """The package's modules that module ``name`` imports while it loads."""
    path = SOURCES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _loaded_statements(ast.parse(path.read_text(encoding="utf-8")).body):
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


def test_an_import_cycle_is_found_and_shown() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_modules_of_the_package() -> None:
    assert _imports("microgradx.viz.plots") >= {"microgradx.numeric", "microgradx.engine"}
    assert "microgradx.viz.dot" in _imports("microgradx.viz")


def test_the_engine_imports_viz_only_when_a_value_is_displayed() -> None:
    assert not any(m.startswith("microgradx.viz") for m in _imports("microgradx.engine"))
    assert "from .viz." in SOURCES["microgradx.engine"].read_text(encoding="utf-8")


def test_every_viz_module_is_small_and_says_what_it_is_for() -> None:
    viz = {name: path for name, path in SOURCES.items() if name.startswith("microgradx.viz")}
    assert len(viz) >= 6
    for name, path in viz.items():
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= VIZ_MAX_LINES, f"{name}: split it by job"
        assert ast.get_docstring(ast.parse(text)), f"{name} has no module docstring"

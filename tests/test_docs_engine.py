"""The README's "Read the engine" path points at the code as it is: files, lines, names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION = re.compile(r"### Read the engine\n(.*?)(?:\n#|\Z)", re.S)
FILE = re.compile(r"`(microgradx/[\w/]+\.py)`")
RANGE = re.compile(r"lines\s+(\d+)–(\d+)\s+\(([^)]*)\)")


def _definitions(path: Path) -> dict[str, tuple[int, int]]:
    """Top-level names of a module and the lines their definitions span."""
    spans: dict[str, tuple[int, int]] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        end = node.end_lineno or node.lineno
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            spans[node.name] = (node.lineno, end)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    spans[t.id] = (node.lineno, end)
    return spans


def _references() -> list[tuple[str, int, int, list[str]]]:
    """(file, first line, last line, names) for every "lines A–B (`name`, …)" of the section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = SECTION.search(text)
    assert found, "README.md has no '### Read the engine' section"
    refs = []
    for item in re.split(r"\n(?=\d+\. )", found.group(1)):
        file = FILE.search(item)
        for first, last, names in RANGE.findall(item):
            assert file, f"a line range without a file: {item!r}"
            refs.append((file.group(1), int(first), int(last), re.findall(r"`(\w+)`", names)))
    return refs


def test_the_reading_path_names_three_files_in_order() -> None:
    files = list(dict.fromkeys(ref[0] for ref in _references()))
    assert files == ["microgradx/ops.py", "microgradx/engine.py", "microgradx/backprop.py"]


def test_every_line_range_of_the_reading_path_holds_the_names_it_gives() -> None:
    for file, first, last, names in _references():
        spans = _definitions(ROOT / file)
        assert names, f"{file} lines {first}–{last}: no names given"
        for name in names:
            assert name in spans, f"{file}: no top-level {name!r}"
            start, end = spans[name]
            assert first <= start and end <= last, (
                f"README: {file} lines {first}–{last} should hold {name!r}, at {start}–{end}"
            )

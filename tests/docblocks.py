"""The fenced code blocks of README.md and docs/*.md, and how to run them as a reader would.

Shared by tests/test_docs.py (blocks against the source tree) and tests/test_packaging.py
(the README's blocks against an installed wheel). A block preceded by the line
``<!-- docs-test: skip (why) -->`` is not run; the reason is required.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOC_FILES = [README, *sorted((ROOT / "docs").glob("*.md"))]
SKIP = re.compile(r"^<!-- docs-test: skip \((?P<reason>[^)]*)\) -->$")
FENCE = re.compile(r"^```(?P<lang>\S*)\s*$")
TIMEOUT = 600  # seconds; a block that hangs fails instead of stalling the suite (a loaded machine)


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its code, and why it is not run (if so)."""

    path: Path
    line: int
    lang: str
    code: str
    skip_reason: str | None

    @property
    def name(self) -> str:
        """``docs/engine.md:12``, the block's id in test reports."""
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, in order."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        start = FENCE.match(lines[i])
        if start is None:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
        before = next((s.strip() for s in reversed(lines[:i]) if s.strip()), "")
        marker = SKIP.match(before)
        reason = marker.group("reason").strip() if marker else None
        code = "\n".join(lines[i + 1 : end]) + "\n"
        found.append(Block(path, i + 1, start.group("lang"), code, reason))
        i = end + 1
    return found


def all_blocks() -> list[Block]:
    """The blocks of README.md and of every docs page."""
    return [b for path in DOC_FILES for b in blocks(path)]


def commands(block: Block) -> list[list[str]]:
    """An sh block's ``microgradx …`` commands as argument lists (comments dropped)."""
    found = []
    for line in block.code.splitlines():
        argv = shlex.split(line, comments=True)
        if argv:
            if argv[0] != "microgradx":
                raise ValueError(
                    f"{block.name}: {line!r} is not a microgradx command; run it in the suite "
                    "or mark the block <!-- docs-test: skip (why) -->"
                )
            found.append(argv)
    return found


def clean_env() -> dict[str, str]:
    """The environment for a block: a headless matplotlib backend, no progress bars' colour."""
    return {**os.environ, "MPLBACKEND": "Agg", "NO_COLOR": "1"}


def run_python(block: Block, python: str, cwd: Path, env: dict[str, str]) -> str:
    """Run a python block in a fresh interpreter in ``cwd``; its output, or AssertionError."""
    result = subprocess.run(
        [python, "-c", block.code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"{block.name} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def run_commands(block: Block, program: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Run an sh block's commands with ``program`` as ``microgradx``; each must exit 0."""
    for argv in commands(block):
        result = subprocess.run(
            [*program, *argv[1:]],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert result.returncode == 0, (
            f"{block.name}: {shlex.join(argv)} exited {result.returncode}:\n{result.stderr}"
        )
        for flag in ("-o", "--out"):
            if flag in argv:
                written = cwd / argv[argv.index(flag) + 1]
                assert written.exists(), f"{block.name}: {shlex.join(argv)} did not write {written}"

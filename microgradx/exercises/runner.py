"""Run a learner's exercise notebook and collect which checks passed: the teacher's view.

A notebook (``.ipynb``, or its jupytext percent twin ``.py``) is run cell by cell in a fresh
namespace; a cell that raises is recorded and the next one still runs, so one mistake does not
hide the checks after it. ``run_isolated`` does this in a child process (a learner's code may
change anything in the process), with a time limit. ``class_table`` runs a folder: one row per
student (a sub-folder's name, or the file's name when notebooks sit side by side).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from . import CHECKS, RESULTS

Results = dict[str, "str | None"]  # check id → None (passed) or the failure message


def code_cells(path: Path) -> list[str]:
    """The code cells of a notebook or of its percent-format text twin, in order."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        return [
            ("".join(c["source"]) if isinstance(c["source"], list) else c["source"]).strip("\n")
            for c in nb.get("cells", [])
            if c.get("cell_type") == "code"
        ]
    cells: list[list[str]] = []
    keep = False
    for line in text.splitlines():
        if line.startswith("# %%"):
            keep = "[markdown]" not in line
            if keep:
                cells.append([])
        elif keep and cells:
            cells[-1].append(line)
    return ["\n".join(c).strip("\n") for c in cells]


def _runnable(source: str) -> str:
    # IPython magics and shell escapes mean nothing to exec(); a check never needs them.
    return "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))


def run(path: Path) -> Results:
    """Run every code cell of the notebook here, in this process; the checks' verdicts."""
    RESULTS.clear()
    namespace: dict[str, object] = {"__name__": "__main__"}
    cwd = Path.cwd()
    os.chdir(path.parent)  # as Jupyter runs a notebook: relative paths from its folder
    try:
        for source in code_cells(path):
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    exec(compile(_runnable(source), str(path), "exec"), namespace)
                except Exception:  # the check has recorded it; keep going
                    continue
    finally:
        os.chdir(cwd)
    return dict(RESULTS)


def run_isolated(path: Path, timeout: float = 300.0) -> Results:
    """``run`` in a child process with a time limit; a crash or timeout fails every check."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "microgradx.exercises.runner", str(path)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"*": f"stopped after {timeout:g} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"*": (done.stderr.strip().splitlines() or ["crashed"])[-1]}
    found: Results = json.loads(lines[-1])
    return found


def notebooks(folder: Path) -> dict[str, list[Path]]:
    """Every student's notebooks under ``folder``: a sub-folder per student, or one file each."""
    found: dict[str, list[Path]] = {}
    files = sorted(folder.rglob("*.ipynb")) + sorted(folder.rglob("*.py"))
    for path in files:
        if path.suffix == ".py" and path.with_suffix(".ipynb").exists():
            continue  # a twin: the .ipynb is what the student ran
        if path.suffix == ".py" and "# %%" not in path.read_text(encoding="utf-8"):
            continue  # a script, not a percent-format notebook
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # .ipynb_checkpoints and the like
        rel = path.relative_to(folder)
        student = rel.parts[0] if len(rel.parts) > 1 else path.stem
        found.setdefault(student, []).append(path)
    return found


def class_table(folder: Path, timeout: float = 300.0) -> tuple[str, int]:
    """The table of who passed what, and how many (student, check) pairs failed."""
    rows: dict[str, Results] = {}
    for student, paths in notebooks(folder).items():
        merged: Results = {}
        for path in paths:
            merged.update(run_isolated(path, timeout))
        rows[student] = merged
    ids = list(CHECKS)
    width = max([len("student"), *(len(s) for s in rows)])
    lines = [f"{'student':<{width}}  " + " ".join(f"{i:>3}" for i in ids) + "  passed"]
    details = []
    failures = 0
    for student, results in rows.items():
        marks = []
        for i in ids:
            if i in results:
                marks.append("  ✓" if results[i] is None else "  ✗")
                if results[i] is not None:
                    failures += 1
                    details.append(f"{student} {i}: {results[i]}")
            else:
                marks.append("  ·")
        passed = sum(1 for i in ids if i in results and results[i] is None)
        lines.append(f"{student:<{width}}  " + " ".join(marks) + f"  {passed}/{len(ids)}")
        if "*" in results:
            failures += 1
            details.append(f"{student}: {results['*']}")
    legend = "✓ passed, ✗ failed (why below), · not reached"
    return "\n".join([*lines, "", legend, *details]), failures


def main(argv: list[str]) -> int:
    """Child-process entry: run one notebook, print the verdicts as one JSON line."""
    print(json.dumps(run(Path(argv[0]).resolve()), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Build the learner's exercise notebooks from the solutions, so the two never drift apart.

``exercises/solutions/NN_*.py`` are the source: complete notebooks (jupytext percent format)
whose answers sit between ``# begin solution: PLACEHOLDER`` and ``# end solution``. The
learner's twin ``exercises/NN_*.py`` keeps everything else and puts PLACEHOLDER (``...`` or
``raise NotImplementedError``) at the marker's indentation. Both get an unexecuted ``.ipynb``:
exercises are run by the learner (and by tests/test_exercises.py), not stored executed.

The Korean edition (``solutions/ko/`` → ``ko/``) is the course's mechanism: the same code
cells, Korean Markdown. The build first copies the English solution's code cells into the
Korean one (the cells must line up), so code is only ever edited in English.

    python exercises/build.py          # rewrite the learner's twins, ko code, every .ipynb
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
KO = "ko"
BEGIN = re.compile(r"^(?P<indent>\s*)# begin solution: (?P<placeholder>.+)$")
END = re.compile(r"^\s*# end solution$")


def learner_version(text: str) -> str:
    """The learner's version of a solution notebook: each marked answer becomes its placeholder."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise ValueError(f"line {number}: a solution starts inside another")
            out.append(begin["indent"] + begin["placeholder"])
            inside = True
        elif END.match(line):
            if not inside:
                raise ValueError(f"line {number}: '# end solution' without a beginning")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("a solution is never ended")
    return "\n".join(out) + "\n"


def sources() -> list[Path]:
    """The solution notebooks, in the lecture notes' order."""
    return sorted(SOLUTIONS.glob("[0-9]*.py"))


def with_code_of(english: Path, korean: Path) -> str:
    """The Korean solution's text with the English one's code cells, cell by cell."""
    ours, theirs = jupytext.read(english), jupytext.read(korean)
    kinds = [c.cell_type for c in ours.cells], [c.cell_type for c in theirs.cells]
    if kinds[0] != kinds[1]:
        raise ValueError(f"{korean.name}: its cells do not line up with the English solution's")
    for a, b in zip(ours.cells, theirs.cells, strict=True):
        if a.cell_type == "code":
            b.source = a.source
    text: str = jupytext.writes(theirs, fmt="py:percent")
    return "\n".join(ln for ln in text.splitlines() if "jupytext_version:" not in ln) + "\n"


def _write(solution: Path, learner: Path) -> None:
    learner.write_text(learner_version(solution.read_text(encoding="utf-8")), encoding="utf-8")
    for twin in (solution, learner):
        nb = jupytext.read(twin)
        for i, cell in enumerate(nb.cells):  # ids by position: rebuilding changes no byte
            cell["id"] = f"{twin.stem[:2]}-{i:02d}"
        jupytext.write(nb, twin.with_suffix(".ipynb"))
    print(f"built {learner.relative_to(HERE.parent)} and the .ipynb twins")


def main() -> int:
    """Write every learner twin (both editions) and every .ipynb file."""
    for solution in sources():
        _write(solution, HERE / solution.name)
        korean = SOLUTIONS / KO / solution.name
        if korean.exists():
            korean.write_text(with_code_of(solution, korean), encoding="utf-8")
            _write(korean, HERE / KO / solution.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

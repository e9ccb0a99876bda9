"""Build the learner's exercise notebooks from the solutions, so the two never drift apart.

``exercises/solutions/NN_*.py`` are the source: complete notebooks (jupytext percent format)
whose answers sit between ``# begin solution: PLACEHOLDER`` and ``# end solution``. The
learner's twin ``exercises/NN_*.py`` keeps everything else and puts PLACEHOLDER (``...`` or
``raise NotImplementedError``) at the marker's indentation. Both get an unexecuted ``.ipynb``:
exercises are run by the learner (and by tests/test_exercises.py), not stored executed.

    python exercises/build.py          # rewrite exercises/*.py and every .ipynb
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"
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


def main() -> int:
    """Write every learner twin and both folders' .ipynb files."""
    for solution in sources():
        learner = HERE / solution.name
        learner.write_text(learner_version(solution.read_text(encoding="utf-8")), encoding="utf-8")
        for twin in (solution, learner):
            jupytext.write(jupytext.read(twin), twin.with_suffix(".ipynb"))
        print(f"built {learner.relative_to(HERE.parent)} and the .ipynb twins")
    return 0


if __name__ == "__main__":
    sys.exit(main())

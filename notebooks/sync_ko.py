"""Copy the English notebooks' code cells into their Korean twins, keeping the Korean prose.

The two editions must hold identical code (tests/test_notebooks.py checks it). After editing
an English twin ``notebooks/NN_name.py``, run ``python notebooks/sync_ko.py NN_name.py`` (no
argument: every notebook): each code cell of ``notebooks/ko/NN_name.py`` is replaced by the
English one at the same place. The cells must line up (the same sequence of Markdown and
code cells); when they do not, it stops and names the first cell that differs, because a
new Markdown cell needs a Korean text that only a person can write.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext

from microgradx._files import atomic_write_bytes

HERE = Path(__file__).resolve().parent
KO = HERE / "ko"


def sync(name: str, english_dir: Path = HERE, korean_dir: Path = KO) -> bool:
    """Give ``ko/<name>`` the English twin's code cells; True when the file changed."""
    english, korean = jupytext.read(english_dir / name), jupytext.read(korean_dir / name)
    kinds = [c.cell_type for c in english.cells], [c.cell_type for c in korean.cells]
    if kinds[0] != kinds[1]:
        at = next((i for i, (a, b) in enumerate(zip(*kinds, strict=False)) if a != b), None)
        where = f"cell {at}" if at is not None else f"{len(kinds[0])} vs {len(kinds[1])} cells"
        raise SystemExit(f"sync_ko: {name}: the editions' cells do not line up at {where}")
    for ours, theirs in zip(english.cells, korean.cells, strict=True):
        if ours.cell_type == "code":
            theirs.source = ours.source
    text = jupytext.writes(korean, fmt="py:percent")
    old = (korean_dir / name).read_text(encoding="utf-8")
    if text != old:
        atomic_write_bytes(korean_dir / name, text.encode("utf-8"))
    return text != old


def main(names: list[str]) -> int:
    """Sync the named notebooks (file names of the English twins), or all of them."""
    for name in names or sorted(p.name for p in HERE.glob("[0-9]*.py")):
        print(f"{'updated' if sync(Path(name).name) else 'unchanged'} ko/{Path(name).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""docs/training.md: the digits example runs and does what the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "training.md"


def test_the_digits_example_reaches_95_percent_and_draws_one_sample_by_neuron() -> None:
    pytest.importorskip("sklearn")
    code = re.search(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert code, "docs/training.md has no python block"
    scope: dict[str, object] = {}
    exec(compile(code.group(1), str(PAGE), "exec"), scope)  # the page's own code, as written
    assert scope["accuracy"] >= 0.95
    source = scope["graph"].source
    assert "collapsed into" in source and "L1.N1" in source

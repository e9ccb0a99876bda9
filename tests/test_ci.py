"""CI's own scripts: .ci/pythons finds the claimed Pythons and fails CI when one is missing."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ROOT / ".ci" / "pythons"


def _pythons(*versions: str, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        ["bash", str(PYTHONS), *versions], env=env, capture_output=True, text=True, check=False
    )


def test_claimed_pythons_are_every_minor_version_from_requires_python_on() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    minimum = re.search(r'requires-python = ">=3\.(\d+)"', text)
    assert minimum is not None
    claimed = [int(m) for m in re.findall(r'"Programming Language :: Python :: 3\.(\d+)"', text)]
    assert claimed == list(range(int(minimum.group(1)), int(minimum.group(1)) + len(claimed)))
    assert claimed[-1] >= 13


def test_a_missing_python_fails_ci_and_names_the_version() -> None:
    result = _pythons("3.99", ci=True)
    assert result.returncode == 1
    assert "Python 3.99 claimed in pyproject.toml but not found" in result.stderr
    assert "CI=true and a claimed Python is missing" in result.stderr


def test_a_missing_python_is_only_a_warning_outside_ci() -> None:
    result = _pythons("3.99", ci=False)
    assert result.returncode == 0, result.stderr
    assert "warning: Python 3.99 claimed in pyproject.toml but not found" in result.stderr

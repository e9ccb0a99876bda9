"""The suite's own setup (tests/conftest.py): the closing line about skipped groups."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).with_name("conftest.py")


def _pytest(tmp_path: Path, test_code: str) -> str:
    """Run pytest with the suite's conftest on one test file; its output."""
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_it.py").write_text(test_code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="],
        cwd=tmp_path,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},  # xdist, nbmake: not needed
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout


def test_a_run_without_torch_ends_saying_which_tests_skipped_and_how_to_run_them(
    tmp_path: Path,
) -> None:
    parity = (
        "    sys.modules['torch'] = None  # as if not installed\n    pytest.importorskip('torch')\n"
    )
    out = _pytest(
        tmp_path,
        "import sys\nimport pytest\n\n"
        f"def test_parity_a():\n{parity}\n"
        f"def test_parity_b():\n{parity}\n"
        "def test_core():\n    assert True\n",
    )
    closing = [line for line in out.splitlines() if line.startswith("skipped for missing extras")]
    assert closing == [
        "skipped for missing extras: 2 PyTorch-parity tests (pip install -e '.[parity]')"
    ], out


def test_a_run_that_skips_nothing_adds_no_line(tmp_path: Path) -> None:
    out = _pytest(tmp_path, "def test_core():\n    assert True\n")
    assert "1 passed" in out
    assert "skipped for missing extras" not in out

"""A pip user's first minutes: the wheel built from this tree, installed in a fresh venv.

The wheel is built once per run (``pip wheel --no-deps --no-build-isolation`` with the dev
extra's hatchling, so no network is needed for the build), installed into a new virtual
environment with its runtime dependencies, and used from outside the source tree: the README's
examples, ``microgradx --version``, and mypy reading the installed package's types.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docblocks import README, ROOT, blocks, clean_env, run_commands, run_python

import microgradx

INSTALL_TIMEOUT = 900  # seconds: the runtime dependencies may come from the package index


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this source tree."""
    pytest.importorskip("hatchling", reason="the dev extra's hatchling builds the wheel")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT,
    )
    (path,) = out.glob("microgradx-*.whl")
    return path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv (no access to this tree or the test environment) with the wheel installed."""
    env_dir = tmp_path_factory.mktemp("venv") / "venv"
    venv.create(env_dir, with_pip=True, symlinks=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=INSTALL_TIMEOUT,
        env=_outside_env(),
    )
    yield env_dir
    shutil.rmtree(env_dir, ignore_errors=True)


def _outside_env() -> dict[str, str]:
    """The environment a pip user has: nothing points at this source tree."""
    env = clean_env()
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return env


def test_wheel_ships_type_information_and_the_package_index_page(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert "microgradx/py.typed" in archive.namelist()
        (meta_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_string(archive.read(meta_name).decode("utf-8"))
    assert metadata["Version"] == microgradx.__version__
    description = metadata.get_payload()
    assert isinstance(description, str)
    pypi_page = (ROOT / "docs" / "pypi.md").read_text(encoding="utf-8")
    assert description.strip() == pypi_page.strip()


def test_installed_package_is_the_wheel_not_the_source_tree(
    installed: Path, tmp_path: Path
) -> None:
    code = "import microgradx, pathlib; print(pathlib.Path(microgradx.__file__).resolve())"
    result = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        env=_outside_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    location = Path(result.stdout.strip())
    assert location.is_relative_to(installed.resolve()), location
    assert not location.is_relative_to(ROOT)


def test_version_command_reports_the_installed_distribution(installed: Path) -> None:
    result = subprocess.run(
        [str(installed / "bin" / "microgradx"), "--version"],
        env=_outside_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"microgradx {microgradx.__version__}"


def test_readme_examples_run_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    runnable = [b for b in blocks(README) if b.skip_reason is None]
    assert {b.lang for b in runnable} == {"python", "sh"}
    for block in runnable:
        if block.lang == "python":
            run_python(block, str(installed / "bin" / "python"), tmp_path, _outside_env())
        elif shutil.which("dot") is not None:
            run_commands(block, [str(installed / "bin" / "microgradx")], tmp_path, _outside_env())


def test_mypy_sees_the_types_of_the_installed_package(installed: Path, tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="the dev extra's mypy")
    snippet = tmp_path / "user_code.py"
    snippet.write_text(
        "from microgradx import Value\n\n"
        "ok: float = (Value(2.0) * 3).data\n"
        "wrong: str = Value(1.0).tanh()\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--python-executable", str(installed / "bin" / "python")]
        + ["--no-incremental", "--strict", snippet.name],
        cwd=tmp_path,
        env={**_outside_env(), "MYPY_CACHE_DIR": os.devnull},
        capture_output=True,
        text=True,
        check=False,
    )
    # Without py.typed mypy would say "missing library stubs or py.typed marker" and see Any.
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors == [
        f"{snippet.name}:4: error: Incompatible types in assignment "
        '(expression has type "Value", variable has type "str")  [assignment]'
    ], result.stdout + result.stderr

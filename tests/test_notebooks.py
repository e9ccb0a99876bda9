"""Each notebook is authored as a jupytext text twin (NN_name.py) and stored executed (.ipynb).

Executing them is nbmake's job (pytest collects ``notebooks/**/*.ipynb``); these tests check
that every twin and its notebook hold the same cells, that the stored notebook is the output
of one clean top-to-bottom run by ``make notebooks-build`` (notebooks/execute.py), and that
the Korean edition (``notebooks/ko/``) runs the English edition's code, cell for cell.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path
from types import ModuleType

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KO = NOTEBOOKS / "ko"
STEMS = sorted(p.stem for p in NOTEBOOKS.glob("[0-9]*.ipynb"))
EDITIONS = (NOTEBOOKS, KO)
STORED = [folder / f"{stem}.ipynb" for folder in EDITIONS for stem in STEMS]
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _cells(path: Path) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in jupytext.read(path).cells]


def _disagreements(folder: Path) -> list[str]:
    """One line per notebook whose twin is missing or holds other cells than the .ipynb."""
    found = []
    stems = {p.stem for p in folder.glob("[0-9]*.ipynb")} | {
        p.stem for p in folder.glob("[0-9]*.py")
    }
    for stem in sorted(stems):
        twin, notebook = folder / f"{stem}.py", folder / f"{stem}.ipynb"
        if not (twin.exists() and notebook.exists()):
            missing = notebook.name if twin.exists() else twin.name
            found.append(f"{stem}: {missing} is missing")
            continue
        text, stored = _cells(twin), _cells(notebook)
        differ = [i for i, (a, b) in enumerate(zip(text, stored, strict=False)) if a != b]
        if differ or len(text) != len(stored):
            where = f"cell {differ[0]}" if differ else f"{len(text)} vs {len(stored)} cells"
            found.append(f"{stem}: {twin.name} and {notebook.name} differ at {where}")
    return found


def _code_differences(english: Path, korean: Path) -> list[str]:
    """One line per notebook the Korean edition lacks or whose code cells differ."""
    found = []
    for twin in sorted(english.glob("[0-9]*.py")):
        other = korean / twin.name
        if not other.exists():
            found.append(f"{twin.stem}: ko/{twin.name} is missing")
            continue
        ours = [src for kind, src in _cells(twin) if kind == "code"]
        theirs = [src for kind, src in _cells(other) if kind == "code"]
        differ = [i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b]
        if differ or len(ours) != len(theirs):
            where = f"code cell {differ[0]}" if differ else f"{len(ours)} vs {len(theirs)} cells"
            found.append(f"{twin.stem}: the editions' code differs at {where}")
    return found


def _numbers_per_code_cell(path: Path) -> list[list[str]]:
    """The numbers each code cell printed or showed as text, sorted (word order may differ)."""
    nb = nbformat.read(path, as_version=4)
    shown = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = "".join(
            o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs
        )
        shown.append(sorted(NUMBER.findall(text)))
    return shown


def _load_execute() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nb_execute", NOTEBOOKS / "execute.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_eight_lessons_are_stored_in_the_lecture_notes_order() -> None:
    assert STEMS == [
        "01_loss_functions",
        "02_numerical_differentiation",
        "03_gradient_descent",
        "04_training_algorithm",
        "05_backpropagation",
        "06_activations",
        "07_optimizers",
        "08_second_order",
    ]


def test_every_twin_holds_the_same_cells_as_its_notebook() -> None:
    for folder in EDITIONS:
        assert _disagreements(folder) == [], "edit the .py twin, then run make notebooks-build"


def test_the_korean_edition_runs_the_english_editions_code() -> None:
    assert _code_differences(NOTEBOOKS, KO) == [], "copy the English code cells into ko/"


def test_a_korean_twin_missing_or_with_other_code_is_named(tmp_path: Path) -> None:
    english, korean = tmp_path / "en", tmp_path / "ko"
    for folder in (english, korean):
        folder.mkdir()
        for stem in ("01_loss_functions", "02_numerical_differentiation"):
            shutil.copy(NOTEBOOKS / f"{stem}.py", folder / f"{stem}.py")
    first = korean / "01_loss_functions.py"
    text = first.read_text(encoding="utf-8")
    # Markdown may differ (it is the translation); one changed character of code may not.
    translated = text.replace("# %% [markdown]\n# #", "# %% [markdown]\n# # 한국어", 1)
    assert translated != text
    first.write_text(translated, encoding="utf-8")
    assert _code_differences(english, korean) == []
    first.write_text(text.replace("import ", "import  ", 1), encoding="utf-8")
    (korean / "02_numerical_differentiation.py").unlink()
    assert _code_differences(english, korean) == [
        "01_loss_functions: the editions' code differs at code cell 1",
        "02_numerical_differentiation: ko/02_numerical_differentiation.py is missing",
    ]


def _load_sync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nb_sync_ko", NOTEBOOKS / "sync_ko.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sync_ko_copies_the_code_and_keeps_the_korean_prose(tmp_path: Path) -> None:
    english, korean = tmp_path / "en", tmp_path / "ko"
    english.mkdir()
    korean.mkdir()
    name = "02_numerical_differentiation.py"
    shutil.copy(NOTEBOOKS / name, english / name)
    shutil.copy(KO / name, korean / name)
    edited = (english / name).read_text(encoding="utf-8").replace("h=1e-5", "h=2e-5")
    (english / name).write_text(edited, encoding="utf-8")
    sync = _load_sync().sync
    assert _code_differences(english, korean) != []
    assert sync(name, english, korean) is True
    assert _code_differences(english, korean) == []
    prose = [src for kind, src in _cells(korean / name) if kind == "markdown"]
    assert prose == [src for kind, src in _cells(KO / name) if kind == "markdown"]
    assert sync(name, english, korean) is False  # nothing left to change


def test_sync_ko_refuses_cells_that_do_not_line_up(tmp_path: Path) -> None:
    name = "02_numerical_differentiation.py"
    shutil.copy(NOTEBOOKS / name, tmp_path / name)
    (tmp_path / "ko").mkdir()
    text = (KO / name).read_text(encoding="utf-8")
    cut = text.index("# %% [markdown]\n# ## 차분은")
    (tmp_path / "ko" / name).write_text(text[:cut], encoding="utf-8")
    with pytest.raises(SystemExit, match="do not line up"):
        _load_sync().sync(name, tmp_path, tmp_path / "ko")


def test_both_editions_show_the_same_numbers() -> None:
    for stem in STEMS:
        english = _numbers_per_code_cell(NOTEBOOKS / f"{stem}.ipynb")
        korean = _numbers_per_code_cell(KO / f"{stem}.ipynb")
        differ = [i for i, (a, b) in enumerate(zip(english, korean, strict=True)) if a != b]
        assert differ == [], f"{stem}: code cells {differ} show other numbers in ko/"


def test_stored_notebooks_log_no_missing_glyph() -> None:
    for path in STORED:
        text = path.read_text(encoding="utf-8")
        assert "missing from font" not in text and "missing from current font" not in text, path


def test_a_twin_edited_without_rebuilding_is_named(tmp_path: Path) -> None:
    for path in [*NOTEBOOKS.glob("[0-9]*.py"), *NOTEBOOKS.glob("[0-9]*.ipynb")]:
        shutil.copy(path, tmp_path / path.name)
    twin = tmp_path / "07_optimizers.py"
    twin.write_text(twin.read_text(encoding="utf-8").replace("Adam", "Adma", 1), encoding="utf-8")
    (tmp_path / "02_numerical_differentiation.py").unlink()
    found = _disagreements(tmp_path)
    assert found[0] == "02_numerical_differentiation: 02_numerical_differentiation.py is missing"
    assert found[1].startswith("07_optimizers: 07_optimizers.py and")
    assert len(found) == 2


def test_stored_notebooks_ran_top_to_bottom_without_errors() -> None:
    for path in STORED:
        nb = nbformat.read(path, as_version=4)
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), path
        errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
        assert errors == [], path


def test_stored_notebooks_show_their_pictures() -> None:
    for path in STORED:
        nb = json.loads(path.read_text(encoding="utf-8"))
        kinds = {
            kind
            for cell in nb["cells"]
            for output in cell.get("outputs", [])
            for kind in output.get("data", {})
        }
        assert kinds & {"image/png", "image/svg+xml"}, f"{path} stored without its figures"


def test_stored_notebooks_hold_nothing_that_changes_between_runs() -> None:
    for path in STORED:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        assert nb["metadata"]["language_info"] == {"name": "python"}, path
        assert " at 0x" not in text, path
        assert all("execution" not in cell["metadata"] for cell in nb["cells"]), path


def test_normalise_drops_addresses_and_the_kernels_python_version() -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    cell = nbformat.v4.new_code_cell("draw_dot(z)")
    shown = {"image/svg+xml": "<svg/>", "text/plain": "<graphviz.graphs.Digraph at 0x7f4ce8>"}
    cell.outputs = [nbformat.v4.new_output("execute_result", shown, execution_count=1)]
    nb.cells.append(cell)
    _load_execute().normalise(nb)
    assert nb.metadata["language_info"] == {"name": "python"}
    assert cell.outputs[0]["data"] == {
        "image/svg+xml": "<svg/>",
        "text/plain": "<graphviz.graphs.Digraph>",
    }

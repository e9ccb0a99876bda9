"""The edition a notebook shows follows its folder, and Korean figure text renders."""

from __future__ import annotations

import importlib.util
import io
import warnings
from pathlib import Path

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from microgradx import course

ROOT = Path(__file__).resolve().parents[1]


def test_the_edition_follows_the_notebooks_folder() -> None:
    assert course.detect_lang(Path("/x/notebooks/ko"), environ={}) == "ko"
    assert course.detect_lang(Path("/x/notebooks/ko/sub"), environ={}) == "ko"
    assert course.detect_lang(Path("/x/notebooks"), environ={}) == "en"
    assert course.detect_lang(Path("/x/ko"), environ={}) == "en"


def test_the_environment_variable_chooses_and_a_bad_value_is_named() -> None:
    assert course.detect_lang(Path("/x/notebooks"), environ={course.ENV_VAR: "ko"}) == "ko"
    with pytest.raises(ValueError, match="'kr'"):
        course.detect_lang(Path("/x"), environ={course.ENV_VAR: "kr"})


def test_tr_shows_the_editions_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(course, "LANG", "ko")
    assert course.tr("loss", "손실") == "손실"
    monkeypatch.setattr(course, "LANG", "en")
    assert course.tr("loss", "손실") == "loss"


def _render(title: str) -> list[str]:
    """The warnings matplotlib gives while drawing ``title`` into a PNG."""
    fig, ax = plt.subplots()
    ax.set_title(title)
    ax.plot([-1.0, 1.0], [-2.0, 2.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    return [str(w.message) for w in caught]


def test_korean_figure_text_renders_without_a_missing_glyph() -> None:
    saved = dict(matplotlib.rcParams)
    try:
        matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
        # The control: without a Korean font, matplotlib does warn about Hangul.
        assert any("missing from" in m for m in _render("손실 함수 J(θ)"))
        font = course.setup_figures()
        assert font in course.KOREAN_FONTS, course.INSTALL_HINT
        assert matplotlib.rcParams["axes.unicode_minus"] is False
        assert _render("손실 함수 J(θ), 학습률 η = −0.1, ‖∇J‖") == []
    finally:
        matplotlib.rcParams.update(saved)


def _load_execute():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("nb_execute", ROOT / "notebooks" / "execute.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_notebook_run_from_notebooks_ko_is_the_korean_edition(tmp_path: Path) -> None:
    code = "from microgradx.course import LANG, tr\nprint(LANG, tr('loss', '손실'))"
    for lang, folder in (("ko", tmp_path / "notebooks" / "ko"), ("en", tmp_path / "notebooks")):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "lang.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells.append(nbformat.v4.new_code_cell(code))
        nbformat.write(nb, path)
        with pytest.MonkeyPatch.context() as mp:
            mp.delenv(course.ENV_VAR, raising=False)
            mp.setenv("PYTHONPATH", str(ROOT))
            _load_execute().execute(path)
        (output,) = nbformat.read(path, as_version=4).cells[0].outputs
        assert output["text"] == ("ko 손실\n" if lang == "ko" else "en loss\n")


def test_a_font_installed_after_matplotlibs_cache_is_still_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from matplotlib import font_manager

    without = [f for f in font_manager.fontManager.ttflist if f.name not in course.KOREAN_FONTS]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", without)  # as if cached before
    cached = len(without)
    assert course.korean_font() in course.KOREAN_FONTS, course.INSTALL_HINT
    assert len(font_manager.fontManager.ttflist) > cached  # added from the font's file


def test_the_korean_edition_without_a_korean_font_says_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    saved = dict(matplotlib.rcParams)
    monkeypatch.setattr(course, "korean_font", lambda: None)
    try:
        monkeypatch.setattr(course, "LANG", "ko")
        with pytest.warns(UserWarning, match="fonts-nanum"):
            assert course.setup_figures() is None
        monkeypatch.setattr(course, "LANG", "en")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the English edition needs no Hangul: no warning
            assert course.setup_figures() is None
    finally:
        matplotlib.rcParams.update(saved)

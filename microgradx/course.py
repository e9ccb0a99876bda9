"""What lets one notebook's code serve both editions of the course, English and Korean.

A Korean twin lives in ``notebooks/ko/`` and holds the same code cells as the English one;
Jupyter, nbclient and nbmake run a notebook with its own folder as the working directory, so
that folder says which edition is running. ``tr`` picks the text for figures and prints, and
``setup_figures`` gives matplotlib a Korean font so the same figure renders in both.

>>> detect_lang(Path("/repo/notebooks/ko"), environ={})
'ko'
>>> detect_lang(Path("/repo/notebooks"), environ={})
'en'
"""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import glossary

LANGS = ("en", "ko")
# Set to "en" or "ko" to choose an edition regardless of the working directory.
ENV_VAR = "MICROGRADX_LANG"
# Fonts with Hangul that are widely packaged: Debian's fonts-nanum first (the Makefile
# installs it), then the Noto CJK family and the fonts macOS and Windows ship.
KOREAN_FONTS = (
    "NanumGothic",
    "NanumBarunGothic",
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Apple SD Gothic Neo",
    "AppleGothic",
    "Malgun Gothic",
)
INSTALL_HINT = (
    "install a Korean font: `sudo apt-get install fonts-nanum` (Debian/Ubuntu), "
    "`brew install --cask font-nanum-gothic` (macOS), or any font named in "
    "microgradx.course.KOREAN_FONTS"
)


def detect_lang(cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The edition to show: "ko" when running under ``notebooks/ko`` (or an exercises' ko/)."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_VAR, "")
    if chosen:
        if chosen not in LANGS:
            raise ValueError(f"{ENV_VAR} must be one of {LANGS}, got {chosen!r}")
        return chosen
    parts = (Path.cwd() if cwd is None else cwd).resolve().parts
    # notebooks/ko (the course), exercises/ko and exercises/solutions/ko (the exercises)
    editions = ("notebooks", "exercises", "solutions")
    under_ko = any(a in editions and b == "ko" for a, b in itertools.pairwise(parts))
    return "ko" if under_ko else "en"


LANG = detect_lang()


def tr(en: str, ko: str) -> str:
    """The English or the Korean text, whichever this notebook's edition shows."""
    return ko if LANG == "ko" else en


def korean_font() -> str | None:
    """The name of an installed font with Hangul glyphs, or None when there is none."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((name for name in KOREAN_FONTS if name in names), None)

    found = known()
    if found is None:
        # matplotlib caches its font list; a font installed after the cache was built
        # (e.g. by `make`) is only seen once its file is added by hand.
        for path in font_manager.findSystemFonts():
            if any(key in Path(path).name for key in ("Nanum", "NotoSansCJK", "NotoSansKR")):
                font_manager.fontManager.addfont(path)
        found = known()
    return found


def setup_figures() -> str | None:
    """Make matplotlib draw Hangul and a plain minus sign; returns the Korean font used."""
    import matplotlib as mpl

    font = korean_font()
    if font is None:
        if LANG == "ko":
            warnings.warn(f"figures will show boxes for Korean text: {INSTALL_HINT}", stacklevel=2)
    else:
        # Latin, Greek and maths glyphs keep DejaVu Sans (so both editions' figures look
        # alike); only the glyphs it lacks, Hangul, come from the Korean font.
        mpl.rcParams["font.family"] = ["DejaVu Sans", font]
    # Korean fonts lack U+2212 (the typographic minus), so axes use the ASCII hyphen.
    mpl.rcParams["axes.unicode_minus"] = False
    return font


def show_glossary(terms: tuple[glossary.Term, ...] = glossary.TERMS) -> Any:
    """The glossary (or some of its terms) as a Markdown table for this edition."""
    from IPython.display import Markdown

    return Markdown(glossary.markdown(LANG, terms))

"""The words of the pictures in English and Korean, from one table (``explorer/strings.json``).

The explorer page, ``draw_dot`` and the backward-step frames all take their words from it, so
the Korean edition of the course reads the same terms everywhere (the notes' own: Local
Gradient, 전달 받은 Gradient, 역전파).
"""

from __future__ import annotations

import json
from importlib import resources

LANGUAGES = ("en", "ko")
"""The languages of the pictures: every string of ``explorer/strings.json`` is in each."""


def strings(lang: str = "en") -> dict[str, str]:
    """Every string of the table in ``lang`` (``explorer/strings.json``: one table, en and ko)."""
    source = resources.files("microgradx.viz") / "explorer" / "strings.json"
    table: dict[str, dict[str, str]] = json.loads(source.read_text(encoding="utf-8"))
    return {key: texts[lang] for key, texts in table.items()}


def check_lang(lang: object, where: str) -> str:
    """``lang`` if it is one of ``LANGUAGES``, else a ValueError naming ``where``."""
    if lang not in LANGUAGES:
        raise ValueError(f"{where}: lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return str(lang)

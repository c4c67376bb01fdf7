"""The UI's two languages (English, 中文): English strings in the code, translations in files.

``ui/locale/zh/*.json`` map an English UI string to its Chinese text (one file per area of the
window); :func:`tr` looks a string up in the current UI language. The UI language follows the
setting ``language`` (the language of notes and slides), so one choice switches both.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALE = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"en": "English", "zh": "中文"}
_current = "en"


@cache
def table(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALE / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def set_language(lang: str) -> None:
    global _current
    _current = lang if lang in LANGUAGES else "en"


def language() -> str:
    return _current


def tr(text: str, **values) -> str:
    """``text`` in the current UI language, with ``{name}`` placeholders filled from ``values``."""
    out = table(_current).get(text, text) if _current != "en" else text
    return out.format(**values) if values else out

"""What slide text is made of, as the slides' checks read it: numbers, names, content words, Chinese character
pairs, figure mentions.

These are the slides' own, looser readings (a capitalised word inside a sentence counts as a name, "2017" is one
number), not :mod:`paperpal.text.facts`' (see :mod:`.verify` for why the slides keep their own check).
"""

from __future__ import annotations

import re

from ..stopwords import ENGLISH
from ..text import CJK

NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+|\d+(?:\.\d+)?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][a-z]*[A-Z][A-Za-z]*|[A-Z]{2,}[a-z]?|[A-Z][a-z]{2,})\b")
MENTION = re.compile(r"\b(Figure|Fig\.|Table)\s*([A-Z]?\d{1,3})", re.IGNORECASE)  # "Figure 2", "Tab. A1"
# function words plus words every paper uses (not evidence that a detail comes from this section)
_STOP = ENGLISH | frozenset(
    [
        "whose",
        "between",
        "such",
        "also",
        "only",
        "more",
        "most",
        "less",
        "very",
        "each",
        "both",
        "all",
        "any",
        "some",
        "other",
        "one",
        "two",
        "three",
        "based",
        "show",
        "shows",
        "shown",
        "section",
        "model",
        "models",
        "method",
        "results",
    ]
)


def content_words(text: str) -> set[str]:
    """The lower-cased words of ``text`` longer than three letters, function words and paper-wide words left out."""
    return {w.lower() for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in _STOP}


def cjk_bigrams(text: str) -> set[str]:
    """Pairs of adjacent Chinese characters (the other characters left out)."""
    chars = "".join(CJK.findall(text))
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def names(text: str) -> list[str]:
    """Acronyms, CamelCase and capitalised words that do not start a sentence."""
    return _NAME.findall(text)


def is_concrete(text: str) -> bool:
    """A detail carries a number or a name (not a slogan)."""
    return bool(NUMBER.search(text) or names(text) or len(CJK.findall(text)) >= 6 and re.search(r"[A-Za-z]{2,}", text))

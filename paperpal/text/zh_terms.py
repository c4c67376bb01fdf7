"""The bilingual map of ML/NLP terms (``data/terms_zh_en.tsv``: Chinese term, tab, the English words papers use).

Two users: retrieval adds the English words of a Chinese question's terms to the query (MiniLM is English-only),
and the support check compares a Chinese statement's terms with the English passage it cites.  Longest match wins.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("data") / "terms_zh_en.tsv"
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*|\d+(?:-bit)?")


@lru_cache(maxsize=1)
def term_map() -> dict[str, str]:
    terms: dict[str, str] = {}
    for line in TERMS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        zh, _, en = line.partition("\t")
        if zh.strip() and en.strip():
            terms[zh.strip()] = en.strip()
    return terms


def _terms_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, English words) of every known term in ``text``, longest match first, left to right."""
    terms = term_map()
    longest = max(map(len, terms), default=1)
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in terms:
                found.append((i, i + size, terms[piece]))
                i += size
                break
        else:
            i += 1
    return found


def english_terms(text: str) -> str:
    """English words for the known terms in ``text`` (longest match first), then its Latin words."""
    found = [english for _, _, english in _terms_in(text)] + _LATIN.findall(text)
    return " ".join(dict.fromkeys(found))


def with_english_terms(text: str) -> str:
    """``text`` with the English words of each known term written in its place, the rest as it stands: a Chinese
    passage the English side of the support check can read (numbers and names stay where they were)."""
    out, at = [], 0
    for start, end, english in _terms_in(text):
        out += [text[at:start], f" {english} "]
        at = end
    return "".join(out + [text[at:]])


@lru_cache(maxsize=1)
def mapped_words() -> frozenset[str]:
    """The keys of the English words the term map can express."""
    from .facts import tokenize

    return frozenset(t.key for t in tokenize(" ".join(term_map().values())) if t.kind == "word")

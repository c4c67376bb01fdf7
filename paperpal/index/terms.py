"""Chinese questions about English papers: a small bilingual map of common ML/NLP terms.

MiniLM is English-only and the bundled Gemma 270M cannot translate reliably, so retrieval itself
must bridge the languages.  :func:`english_terms` scans a Chinese question for the longest known
terms (``data/terms_zh_en.tsv``, shipped with the package) and returns their English words plus the
Latin words the question already holds ("GPU", "BERT", "Llama").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*|\d+(?:-bit)?")
TERMS_FILE = Path(__file__).with_name("data") / "terms_zh_en.tsv"


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


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


def english_terms(question: str) -> str:
    """English words for the known terms in ``question`` (longest match first), then its Latin words."""
    terms = term_map()
    longest = max(map(len, terms), default=1)
    found: list[str] = []
    i = 0
    while i < len(question):
        for size in range(min(longest, len(question) - i), 0, -1):
            piece = question[i : i + size]
            if piece in terms:
                found.append(terms[piece])
                i += size
                break
        else:
            i += 1
    found.extend(_LATIN.findall(question))
    return " ".join(dict.fromkeys(found))

"""Authors from a paper's first page: the band between the title and the abstract, read from the characters.

The band is read from ``rawdict`` characters so that wide gaps, commas, "and" and superscript marks split names.
A piece is a name when it looks like "First [M.] [de] Last" and holds no affiliation word; where some names are
bold, only bold ones count (affiliations are not bold).  The PDF's own author field is the fallback.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pymupdf

from ..text.normal import nfkc, plain
from .layout import _is_bold

MARKS = "∗*†‡§¶⇤⇧♠♣♥♦⋆★#✝✉"  # footnote and affiliation marks after a name (and a title)

_PARTICLES = {"de", "da", "del", "della", "der", "den", "di", "du", "la", "las", "le", "los", "van", "von", "y", "al", "bin", "ten", "ter", "dos", "das"}
_NOT_NAME = set(
    ["university", "universit", "universität", "université", "universidad", "institute", "institut", "department", "dept", "school", "college", "laboratory", "lab", "labs", "research", "center", "centre", "division", "faculty", "academy", "corporation", "corp", "inc", "inc.", "ltd", "ltd.", "co", "co.", "company", "google", "microsoft", "facebook", "meta", "openai", "deepmind", "amazon", "apple", "ibm", "nvidia", "baidu", "alibaba", "tencent", "huawei", "brain", "science", "sciences", "engineering", "technology", "technologies", "computer", "computing", "informatics", "language", "intelligence", "artificial", "systems", "group", "team", "fellow", "street", "road", "avenue", "abstract", "introduction", "preprint", "version", "editor", "editors", "keywords", "access", "article", "conference", "proceedings", "workshop", "journal", "review", "submitted", "published", "paper", "work", "progress", "equal", "contribution", "correspondence", "corresponding", "national", "state", "key", "hospital", "foundation", "program", "email", "america", "australia", "canada", "china", "europe", "france", "germany", "india", "israel", "italy", "japan", "korea", "netherlands", "singapore", "spain", "switzerland", "kingdom", "states", "usa", "hong", "kong", "taiwan"]
)


@dataclass
class _Char:
    c: str
    x0: float
    x1: float
    size: float
    bold: bool


def _rows(page: pymupdf.Page, top: float, bottom: float) -> list[list[_Char]]:
    """Characters of horizontal text whose line centre lies between ``top`` and ``bottom``, as rows (top-down)."""
    pieces = []
    for block in page.get_text("rawdict", flags=pymupdf.TEXTFLAGS_RAWDICT & ~pymupdf.TEXT_PRESERVE_IMAGES)["blocks"]:
        for line in block.get("lines", []):
            if abs(line["dir"][1]) > 0.2:
                continue
            y0, y1 = line["bbox"][1], line["bbox"][3]
            if not top <= (y0 + y1) / 2 <= bottom:
                continue
            chars = [
                _Char(ch["c"], ch["bbox"][0], ch["bbox"][2], span["size"], _is_bold(span))
                for span in line["spans"]
                for ch in span["chars"]
            ]
            if chars:
                pieces.append(((y0 + y1) / 2, max(c.size for c in chars), chars))
    pieces.sort(key=lambda p: p[0])
    rows: list[list] = []
    for cy, size, chars in pieces:
        if rows and abs(cy - rows[-1][0]) < 0.5 * size:
            rows[-1][1].extend(chars)
        else:
            rows.append([cy, list(chars)])
    return [sorted(chars, key=lambda c: c.x0) for _, chars in rows]


def _segments(row: list[_Char]) -> list[tuple[str, bool]]:
    """Split a row of characters at wide gaps, superscripts and marks into (text, bold) pieces."""
    sizes = Counter(round(c.size, 1) for c in row if not c.c.isspace())
    if not sizes:
        return []
    size = sizes.most_common(1)[0][0]
    segments, current, prev = [], [], None
    for ch in row:
        small = ch.size < 0.8 * size and not ch.c.isspace()
        gap = prev is not None and ch.x0 - prev.x1 > 0.6 * size or ch.c.isspace() and ch.x1 - ch.x0 > 0.6 * size
        if small or gap or ch.c in MARKS:
            segments.append(current)
            current = []
        if not small and ch.c not in MARKS:
            current.append(ch)
        prev = ch
    segments.append(current)
    out = []
    for seg in segments:
        text = "".join(c.c for c in seg).strip()
        letters = [c for c in seg if c.c.isalpha()]
        if text:
            out.append((text, sum(c.bold for c in letters) > len(letters) / 2))
    return out


def _split_names(text: str) -> list[str]:
    """Split "A B, C D and E F" into its parts (superscript digits removed, empty parts dropped)."""
    text = nfkc(text)
    text = re.sub(r"(?<=[^\W\d_])\d+(?:\s*,\s*\d+)*", " ", text)  # "Zhang1,2,3" -> "Zhang"
    parts = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\s*(?:,|;|&|\band\b|\s{2,})\s*", text)]
    return [re.sub(r"(?<=[^\W\d_]{2})\.$", "", p) for p in parts if p]  # "... and Jianfeng Gao."


def _leading_names(parts: list[str]) -> list[str]:
    """The names at the start of a piece: "Shervin Minaee, Snapchat Inc" -> ["Shervin Minaee"]."""
    names = []
    for part in parts:
        if not _is_person_name(part):
            break
        names.append(part)
    return names


def _is_name_word(word: str) -> bool:
    """A capitalised word ("Ming-Wei", "O'Neil", "Łukasz") or initials ("D.", "J.-P."), not an acronym."""
    if re.fullmatch(r"(?:[^\W\d_]\.)+(?:-[^\W\d_]\.)?|[^\W\d_]", word):
        return word[0].isupper()  # initials "D.", "J.-P."
    if not re.fullmatch(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*", word) or not word[0].isupper():
        return False
    return not (len(word) > 1 and word.isupper())  # "USA", "CA", "AI"


def _is_person_name(text: str) -> bool:
    """"First [M.] [de las] Last": 2-5 capitalised words, no affiliation words, digits or symbols."""
    words = text.split()
    if not 2 <= len(words) <= 5 or re.search(r"[\d@/:()\[\]{}]", text):
        return False
    if any(w.lower().strip(".,") in _NOT_NAME for w in words):
        return False
    inner = words[1:-1]
    return (
        _is_name_word(words[0])
        and _is_name_word(words[-1])
        and len(words[-1].rstrip(".")) > 1
        and all(w.lower() in _PARTICLES or _is_name_word(w) for w in inner)
    )


def authors_from_page(page: pymupdf.Page, top: float, bottom: float) -> list[str]:
    """Person names printed between the title and the abstract, in reading order (rows, then left to right)."""
    found: list[tuple[str, bool]] = []
    for row in _rows(page, top, bottom):
        for text, bold in _segments(row):
            if "@" in text or re.match(r"^\s*\w+\s*:", text):  # emails, "Editor: ..."
                continue
            found += [(name, bold) for name in _leading_names(_split_names(text))]
    if any(bold for _, bold in found):
        found = [f for f in found if f[1]]
    names: list[str] = []
    for name, _ in found:
        if name not in names:
            names.append(name)
    return names


def pdf_authors(pdf_info: dict, page_text: str) -> list[str]:
    """Authors from the PDF info, only when the first of them is printed on page 1 (else it is the uploader)."""
    names = _leading_names(_split_names((pdf_info.get("author") or "").replace("*", "")))
    return names if names and plain(names[0]) in plain(page_text) else []

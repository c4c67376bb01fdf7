"""Quotes a reader can trust: every quote PaperPal prints is checked against the PDF's page text.

Matching ignores whitespace, hyphenation and case, and applies NFKC (ligatures), because the
parser joins lines and words that the raw page text splits.  A quote that is not found is never
printed as if it were real: callers replace it with a verified sentence and flag it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..text.normal import squash  # the form in which quotes and pages are compared


@lru_cache(maxsize=8)
def _page_texts(path: str, mtime: float) -> tuple[str, ...]:
    import pymupdf

    with pymupdf.open(path) as doc:
        return tuple(squash(page.get_text("text")) for page in doc)


def page_texts(path: str | Path) -> tuple[str, ...]:
    """Squashed text of every page (index 0 = page 1), cached per file version."""
    path = Path(path)
    return _page_texts(str(path.resolve()), path.stat().st_mtime)


def paper_pages(paper) -> tuple[str, ...]:
    """Squashed text of every page of a parsed :class:`~paperpal.model.Paper`: from the page texts parsing read
    (the file is not opened again), else from its file; () when neither is there."""
    if paper.page_texts:
        return tuple(squash(text) for text in paper.page_texts)
    return page_texts(paper.path) if Path(paper.path).is_file() else ()


@dataclass
class Verified:
    pages: list[int]  # 1-based pages the quote sits on (two when it crosses a page break)


def verify_quote(quote: str, pages: tuple[str, ...], *, near: list[int] | None = None) -> Verified | None:
    """Where ``quote`` occurs verbatim (whitespace-insensitively) in the PDF, or None.

    ``near`` (1-based pages) are tried first, so a sentence that repeats is placed where it was cited.
    """
    needle = squash(quote)
    if len(needle) < 12:
        return None
    order = [p - 1 for p in (near or []) if 0 < p <= len(pages)]
    order += [i for i in range(len(pages)) if i not in order]
    for i in order:
        if needle in pages[i]:
            return Verified([i + 1])
    for i in order:  # across a page break
        if i + 1 < len(pages) and needle in pages[i] + pages[i + 1]:
            return Verified([i + 1, i + 2])
    return None

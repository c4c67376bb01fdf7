"""Checking a note's facts against the paper: the numbers and named entities a sentence claims, and whether the
paper's text contains them.  ``summarize`` uses it to drop list entries that state something the paper does not;
``finetune eval`` uses the same definition for its faithfulness score."""

from __future__ import annotations

import re

from ..model import Paper

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*%?")
_ENTITY = re.compile(r"\b(?:[A-Z][a-z]*[A-Z0-9][\w-]*|[A-Z]{2,}[\w-]*|[A-Z][a-z]+(?:-[A-Z0-9][\w]*)+)\b")
_SPACE = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(\d),\s?(\d{3})")


def norm(text: str) -> str:
    """Lower case, one space, ASCII minus, thousands separators dropped (PyMuPDF may print "10, 000")."""
    return _THOUSANDS.sub(r"\1\2", _SPACE.sub(" ", text).replace("\u2212", "-")).lower()


def facts(text: str) -> set[str]:
    """Numbers (not bare single digits) and named entities (acronyms, CamelCase, hyphenated names)."""
    numbers = {norm(n.rstrip("%")) for n in _NUMBER.findall(text) if len(n.rstrip("%")) > 1}
    return numbers | {e for e in _ENTITY.findall(text)}


class Source:
    """A paper's text, normalised once, to check many claims against."""

    def __init__(self, paper: Paper):
        self.text = norm(paper.full_text)

    def unsupported(self, claim: str) -> list[str]:
        """The facts ``claim`` states that the paper's text does not contain."""
        return sorted(f for f in facts(claim) if norm(f) not in self.text)

    def tally(self, text: str) -> tuple[int, int]:
        """How many of the facts ``text`` states the paper contains, and how many it does not."""
        claimed = facts(text)
        found = sum(1 for f in claimed if norm(f) in self.text)
        return found, len(claimed) - found


def keep_supported(entries: list, text_of, source: Source, minimum: int) -> list:
    """The entries whose facts all occur in the paper, in their order; when fewer than ``minimum`` are, the
    least unsupported of the others are kept too (a list may not fall below its minimum)."""
    missing = [len(source.unsupported(text_of(e))) for e in entries]
    keep = {i for i, m in enumerate(missing) if m == 0}
    for i in sorted(range(len(entries)), key=lambda i: missing[i]):
        if len(keep) >= minimum:
            break
        keep.add(i)
    return [e for i, e in enumerate(entries) if i in keep]

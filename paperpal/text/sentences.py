"""Sentences of a paper's text.

A sentence ends at ``.``, ``!`` or ``?`` followed by a space and a capital, digit, bracket or Chinese
character — except after an abbreviation papers use mid-sentence ("et al.", "e.g.", "Fig.", "Eq.", "vs.",
an initial such as "J."), so "Aghajanyan et al. (2020) shows …" stays one sentence — and at ``。！？``
(Chinese text has no space after them).  A bullet (``•``) also starts a new sentence.  Text is normalised first (:func:`~.normal.normalise`).
"""

from __future__ import annotations

import re

from .normal import CJK_CHARS, normalise

_ABBREVIATIONS = (
    "al", "e.g", "i.e", "cf", "vs", "resp", "fig", "figs", "eq", "eqs", "sec", "secs", "tab", "no", "nos", "approx",
    "ref", "refs", "ch", "app", "appx", "def", "thm", "lem", "prop", "cor", "alg", "etc", "viz", "dr", "mr", "ms",
    "prof", "st", "jr", "sr", "ed", "eds", "vol", "pp", "inc", "ltd", "co",
)  # fmt: skip
_END = re.compile(rf"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9{CJK_CHARS}])|(?<=[。！？])\s*(?=\S)|(?<=[{CJK_CHARS}][!?])(?=[^\s!?])"
                  r"|\s*[•▪●]\s*")  # a bullet starts a new sentence
_LAST_WORD = re.compile(r"(\S+)\.$")


def _joins(before: str) -> bool:
    """Whether the text ``before`` a candidate break ends in an abbreviation or an initial (no break there)."""
    match = _LAST_WORD.search(before)
    if not match:
        return False
    word = match.group(1).lstrip("(\"“[").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order (normalised; empty text gives none)."""
    text = normalise(text)
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if text[match.start() - 1] == "." and _joins(text[start : match.start()]):
            continue
        piece = text[start : match.start()].strip()
        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out

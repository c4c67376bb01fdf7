"""Sentences of a paper's text.

A sentence ends at ``.``, ``!`` or ``?`` followed by a space and a capital, digit, bracket or Chinese
character — except after an abbreviation papers use mid-sentence ("et al.", "e.g.", "Fig.", "Eq.", "vs.",
an initial such as "J."), so "Aghajanyan et al. (2020) shows …" stays one sentence — and at ``。！？``
(Chinese text has no space after them).  A bullet (``•``) also starts a new sentence, and so does a capitalised
word after a full stop and a footnote mark ("… are F1 scores.13 This model matches …"), and a run-in heading is
cut from the sentence it runs into ("Scoring Architecture We propose …": "Scoring Architecture", "We propose …").  Text is normalised first (:func:`~.normal.normalise`).

Two variants, each named:

- ``sentences(text, semicolons=True)`` (slides) also cuts after a Chinese semicolon ``；``, as the slides always
  have.  The cut comes after normalising, and NFKC turns ``；`` into ``;``, so in practice it never cuts; kept as
  it was so that the slides' behaviour does not change.
- :func:`sentence_spans` gives the offsets of the sentences of raw, unnormalised text (the chunker's units: it cuts
  the parsed text by offset, so it knows no abbreviations and breaks at every newline).
"""

from __future__ import annotations

import re

from .normal import CJK_CHARS, normalise

_ABBREVIATIONS = (
    "al", "e.g", "i.e", "cf", "vs", "resp", "fig", "figs", "eq", "eqs", "sec", "secs", "tab", "no", "nos", "approx",
    "ref", "refs", "ch", "app", "appx", "def", "thm", "lem", "prop", "cor", "alg", "etc", "viz", "dr", "mr", "ms",
    "prof", "st", "jr", "sr", "ed", "eds", "vol", "pp", "inc", "ltd", "co",
)  # fmt: skip
_END = re.compile(
    rf"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9{CJK_CHARS}])|(?<=[。！？])\s*(?=\S)|(?<=[{CJK_CHARS}][!?])(?=[^\s!?])"
    r"|\s*[•▪●]\s*|(?<=[a-z]\.\d)\s+(?=[A-Z][a-z])|(?<=[a-z]\.\d\d)\s+(?=[A-Z][a-z])"
)  # a bullet starts a new sentence; so does a capital after a footnote mark ("… F1 scores.13 This model …")
_LAST_WORD = re.compile(r"(\S+)\.$")
_ZH_CLAUSE_END = re.compile(r"(?<=[。！？；])")
_RAW_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])|(?<=[。！？])|\n+")


def _joins(before: str) -> bool:
    """Whether the text ``before`` a candidate break ends in an abbreviation or an initial (no break there)."""
    match = _LAST_WORD.search(before)
    if not match:
        return False
    word = match.group(1).lstrip('("“[').lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


# A run-in heading before a paragraph's first sentence ("Scoring Architecture We propose …", "Loss: For the purpose of
# training …"): Title-Case words then a sentence's opening word, or a few words and a colon then a capital.
_HEADING_WORD = r"(?:[A-Z][\w-]*|and|of|for|the|with|on|in|to|via|vs)"
_NOT_HEADING = (r"(?!(?:Figure|Fig|Table|Tab|Algorithm|Alg|Eq|Equation|Theorem|Lemma|Definition|Proposition|Corollary|"
                r"Remark|Example|Step|Appendix|Section|Question|Answer|Input|Output|Prompt|Context|Premise|Hypothesis|"
                r"Note|Q|A)\b)")  # a caption's or a sample's label stays with its text
_OPENER = r"(?:We|Our|As|The|This|These|In|To|For|Here|Previous|Each|It|Given|While|Although|Since|When|With|Unlike|Once)"
_RUN_IN = re.compile(rf"^{_NOT_HEADING}(?=[A-Z])((?:{_HEADING_WORD} ){{0,5}}[A-Z][\w-]*|[A-Z][a-z][\w-]*(?: [a-z][\w-]*){{1,3}}) "
                     rf"(?={_OPENER}\s[a-z])|^{_NOT_HEADING}([A-Z][a-z][\w-]*(?: [\w-]+){{0,3}}): (?=[A-Z])")


def _run_in_heading(piece: str) -> list[str]:
    """``piece`` as [its run-in heading, the sentence] when it starts with one (:data:`_RUN_IN`), else [piece]."""
    match = _RUN_IN.match(piece)
    if not match:
        return [piece]
    return [match.group(1) or match.group(2), piece[match.end() :].strip()]


def sentences(text: str, *, semicolons: bool = False) -> list[str]:
    """The sentences of ``text`` in order (normalised; empty text gives none); ``semicolons``: the slides'
    variant (see the module docstring)."""
    if semicolons:
        return [p.strip() for s in sentences(text) for p in _ZH_CLAUSE_END.split(s) if p.strip()]
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
            out.extend(_run_in_heading(piece))
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.extend(_run_in_heading(tail))
    return out


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, bool]]:
    """``(start, end, ends_paragraph)`` of each sentence of raw ``text[start:end]`` (offsets into ``text``).

    The raw variant (see the module docstring): a sentence ends at ``.!?`` before a space and a capital, digit or
    bracket, at ``。！？``, and at a newline, which also ends its paragraph; the last sentence ends its paragraph."""
    end = len(text) if end is None else end
    out = []
    pos = start
    for m in _RAW_END.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start(), "\n" in m.group()))
        pos = m.end()
    if pos < end:
        out.append((pos, end, True))
    return out

"""Is a sentence of a paper readable prose a note or a slide can show, and its readable form.

PDF text mixes prose with what is not: figure text run into a sentence, flattened table rows, formulas, captions,
footnotes.  :func:`is_prose` keeps a sentence a reader would quote; :func:`readable` is how the paper's own words are
shown as a statement (citations and footnote marks left out, the sentence otherwise as printed).
"""

from __future__ import annotations

import re

from .normal import CJK, normalise

_CAPTION = re.compile(r"^(figure|fig\.|table|tab\.|algorithm)\s*\d+[.:]", re.IGNORECASE)
_CAPTION_INSIDE = re.compile(r"\b(Figure|Fig\.|Table)\s*\d+:")  # figure text run into a caption
_CITED_OBJECT = re.compile(r"\b(to|of|by|in|with|as|from|see|following|e\.g\.|i\.e\.|and|or)$", re.IGNORECASE)
_MATH = re.compile(r"[=≤≥≪≫∈∑∏√∇∂∞±×÷→←↔⊕⊗∀∃∆Δθλσμπφψω|^_{}]")
_CITATION = re.compile(
    r"\s?\((?:[A-Z][^()]{0,80}?(?:et al\.?|&|and [A-Z][a-z]+)?,? (?:19|20)\d\d[a-z]?(?:[;,] ?[^()]{0,80}?(?:19|20)\d\d[a-z]?)*)\)"
    r"|\s?\[\d+(?:[,–-] ?\d+)*\]"
)
_FOOTNOTE = re.compile(r"(?<=[a-z\)])\d(?=[\s.,;])")  # "implementation1 facilitating" -> a footnote mark
_START = re.compile(r"^[\"“(]?[A-Z0-9]")
# A sentence of credits (grants, thanks, equal contribution): back matter wherever it stands (:func:`is_credits`,
# for slide details).  :func:`is_prose` keeps its narrower test, unchanged: a sentence that starts with "We thank"
# or "This work was" (a sentence that merely mentions a grant or "thank" is still prose a note may quote).
_CREDITS = re.compile(
    r"(grant|supported by|grateful|thank|funded|acknowledg|equal contribution|work (?:performed|done) (?:while|at)|"
    r"listing order|designed, implemented|资助|感谢)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z]{2,}")
MIN_WORDS, MAX_WORDS = 6, 60


def is_prose(text: str) -> bool:
    """Whether ``text`` reads as a whole sentence of prose (see the module docstring)."""
    text = readable(text)
    if CJK.search(text):
        return 8 <= len(text) <= 200 and text[-1] in "。！？.!?" and not _CAPTION.match(text)
    words = text.split()
    if not (MIN_WORDS <= len(words) <= MAX_WORDS) or not _START.match(text) or text[-1] not in ".!?":
        return False
    if (
        _CAPTION.match(text)
        or _CAPTION_INSIDE.search(text)
        or text.lower().startswith(("we thank", "this work was", "code:", "http"))
    ):
        return False
    numeric = sum(1 for w in words if re.fullmatch(r"[\d.,±%()+\-–]+", w))
    symbols = len(_MATH.findall(text))
    alphabetic = sum(1 for w in words if _WORD.search(w) or re.fullmatch(r"\d+(?:\.\d+)?[A-Za-z%]{0,2}[,.;:)]*", w))
    return numeric <= 0.2 * len(words) and symbols <= 2 and alphabetic >= 0.8 * len(words)


def is_credits(text: str) -> bool:
    """Whether ``text`` (a sentence) gives credit: a grant, thanks, an acknowledgement, equal contribution."""
    return bool(_CREDITS.search(text))


def readable(text: str) -> str:
    """The paper's sentence as a statement: citations ("(Houlsby et al., 2019)", "[12]") and footnote marks left out,
    except a citation that is the object of the sentence ("similar to [30]")."""
    text = normalise(text)
    text = _CITATION.sub(lambda m: m.group(0) if _CITED_OBJECT.search(text[: m.start()]) else "", text)
    text = _FOOTNOTE.sub("", text)
    text = re.sub(r",\s*\)", ")", text)
    return re.sub(r"\s+([,.;:])", r"\1", text).strip()

"""The paper's own sentences as slide details: how good a detail a sentence makes, the best ones of a section,
and the excerpt of a section the model reads."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..text import CJK, normalise, sentences
from ..text.prose import is_credits, is_pointer, is_prose, leans_on_previous
from .shapes import is_fragment, is_garbled
from .words import MENTION, NUMBER, content_words, is_concrete, names

DETAIL_CHARS = (20, 200)  # a detail shorter than this says nothing, longer does not fit a bullet
LONG_DETAIL = 240  # a whole sentence up to this long still makes a bullet; longer ones only when nothing else is left
_EQUATION = re.compile(r"\b(?:Eq|Eqn|Equation)s?\.?\s?\(?\d")  # leans on a formula the slide does not show: "following Eq. 4"

_JUNK = re.compile(
    r"(Conference on|Proceedings of|Workshop on|arXiv:|\. \. \.|^\W|^\d+:|https?://|\b(?:Figure|Fig\.|Table)\s*\d+\s*:)"
)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a clause or word boundary within ``limit`` characters (ellipsis added)."""
    text = normalise(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    for sep in ("; ", ", ", "，", "；", " "):
        cut = head.rfind(sep)
        if cut >= limit * 0.5:
            return head[:cut].rstrip(" ,;，；") + "…"
    return head + "…"


def _symbol_share(sentence: str) -> float:
    return sum(1 for ch in sentence if not (ch.isalnum() or ch.isspace() or ch in ".,;:%()-–'’\"“”")) / max(
        1, len(sentence)
    )


def score(sentence: str) -> float:
    """How good a slide detail ``sentence`` makes: numbers and names up, equations and boilerplate down."""
    n = len(sentence)
    value = 2.0 * bool(NUMBER.search(sentence)) + min(2, len(set(names(sentence)))) * 0.5
    value += 0.5 if 50 <= n <= DETAIL_CHARS[1] else 0.0
    value -= 1.5 if n > 320 else 0.0
    value -= 0.5 * len(re.findall(r"\[\d+(?:[,–-]\s*\d+)*\]", sentence))  # citation-heavy
    value -= (
        3.0 if _JUNK.search(sentence) or is_credits(sentence) else 0.0
    )  # page furniture, algorithm lines, leaked captions
    value -= 3.0 if _symbol_share(sentence) > 0.06 else 0.0  # equations
    return value


def repeats(detail: str, others: list[str]) -> bool:
    """Whether ``detail`` says what one of ``others`` says: most of their content words shared (or the shorter's
    words nearly all in the longer) and no number of its own (the same sentence with other numbers reports another
    result)."""
    words, numbers = content_words(detail), set(NUMBER.findall(detail))
    for other in others:
        theirs = content_words(other)
        shared = len(words & theirs)
        similar = shared / max(1, len(words | theirs)) > 0.6 or shared >= 0.8 * max(1, min(len(words), len(theirs)))
        if words and theirs and similar and numbers <= set(NUMBER.findall(other)):
            return True
    return False


@lru_cache(maxsize=4096)
def _flat(text: str) -> str:
    return " ".join(normalise(text).split())  # cached: every sentence of a deck is looked for in every caption


def in_captions(sentence: str, captions: Sequence[str]) -> bool:
    """Whether ``sentence`` is part of one of the paper's figure or table ``captions`` (its text flows into the
    section's on the page: "All metrics are on the English-to-German translation development set, newstest2013.") —
    a side note about a figure the slide may show, not a point of the section."""
    key = _flat(sentence)[:80]
    return bool(key) and any(key in _flat(caption) for caption in captions)


def _candidates(text: str, concrete: bool, captions: Sequence[str] = ()) -> list[str]:
    """The section's whole sentences of prose, verbatim (never a formula, a flattened table row, a caption or a
    sentence cut at its start); ``concrete``: only those with a number or a name."""
    out = []
    for s in sentences(text, semicolons=True):
        if not is_prose(s) or MENTION.match(s) or is_credits(s) or is_garbled(s) or is_pointer(s) or is_fragment(s):
            continue
        if captions and in_captions(s, captions):
            continue
        if CJK.search(s) or not concrete or is_concrete(s):
            out.append(s)
    return out


def extract_details(text: str, count: int, avoid: list[str] = (), captions: Sequence[str] = ()) -> list[str]:
    """Up to ``count`` whole sentences of ``text``, the most concrete first, in reading order: those with numbers
    and names, then other sentences of prose; never one that only points elsewhere (:func:`is_pointer`); one that
    repeats a detail of ``avoid`` (this slide's, the deck's earlier slides') is left out, and one that leans on the
    sentence before it ("These are ...") or is longer than a bullet holds only when nothing else is left, and so
    does a sentence of one of the paper's ``captions``.  Fewer than ``count`` when the section has no more whole
    sentences: a fragment is never a detail."""
    picked: list[str] = []
    for concrete, skip in ((True, captions), (False, captions), (False, ())):  # a caption's sentence: a last resort
        pool = _candidates(text, concrete, skip)
        order = sorted(range(len(pool)), key=lambda i: (leans_on_previous(pool[i]) or bool(_EQUATION.search(pool[i])),
                                                        len(pool[i]) > LONG_DETAIL,
                                                        -score(pool[i]), i))  # fmt: skip
        for i in order:
            if len(picked) == count:
                break
            if pool[i] not in picked and not repeats(pool[i], [*avoid, *picked]):
                picked.append(pool[i])
    position = {s: i for i, s in enumerate(_candidates(text, False))}
    return sorted(picked, key=lambda s: position.get(s, len(position)))


def excerpt(text: str, limit: int) -> str:
    """The section text, or its most concrete sentences in reading order within ``limit`` characters."""
    text = normalise(text)
    if len(text) <= limit:
        return text
    sents = sentences(text, semicolons=True)
    ranked = sorted(range(len(sents)), key=lambda i: (-(score(sents[i]) + (1.0 if i < 2 else 0.0)), i))
    picked, used = [], 0
    for i in ranked:
        if used + len(sents[i]) + 1 > limit:
            continue
        picked.append(i)
        used += len(sents[i]) + 1
    return " ".join(sents[i] for i in sorted(picked))

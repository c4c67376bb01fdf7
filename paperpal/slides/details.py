"""The paper's own sentences as slide details: how good a detail a sentence makes, the best ones of a section,
and the excerpt of a section the model reads."""

from __future__ import annotations

import re

from ..text import CJK, normalise, sentences
from ..text.prose import is_credits
from .words import MENTION, NUMBER, content_words, is_concrete, names

DETAIL_CHARS = (20, 200)  # a detail shorter than this says nothing, longer does not fit a bullet

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


def extract_details(text: str, count: int, avoid: list[str] = ()) -> list[str]:
    """Up to ``count`` sentences of ``text`` that carry numbers and names, in reading order, shortened."""
    sents = [
        s for s in sentences(text, semicolons=True)
        if len(s) >= DETAIL_CHARS[0] and not MENTION.match(s) and is_concrete(s) and len(s.split()) >= 4 or
        CJK.search(s) and len(s) >= 12
    ]  # fmt: skip
    ranked = sorted(range(len(sents)), key=lambda i: (-score(sents[i]), i))
    picked: list[int] = []
    taken = [content_words(a) for a in avoid]
    for i in ranked:
        words = content_words(sents[i])
        if any(words and len(words & t) / max(1, len(words | t)) > 0.6 for t in taken):
            continue
        picked.append(i)
        taken.append(words)
        if len(picked) == count:
            break
    for i in ranked:  # too few distinct ones: similar sentences still beat none
        if len(picked) >= count:
            break
        if i not in picked:
            picked.append(i)
    return [shorten(sents[i], DETAIL_CHARS[1]) for i in sorted(picked)]


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

"""The shape of a piece of slide text: a fragment, formula or table text, a cut title (see :mod:`.quality`).

The slides' checks keep text of these shapes off a deck (:mod:`.details`, :mod:`.outline`), and
:func:`.quality.deck_counts` counts what is left.
"""

from __future__ import annotations

import re

from ..stopwords import ENGLISH
from ..text import CJK

TITLE_WORDS = 8  # a slide title longer than this is a sentence, not a title
_MATH = re.compile(r"[=+·≤≥≪≫∈∑∏√∇∂∞±×÷→←↔⊕⊗∀∃∆Δθλσμπφψω|^_{}]")
_NUMBER_WORD = re.compile(r"[\d.,±%()+\-–]+")


def is_fragment(bullet: str, source: str = "") -> bool:
    """A bullet that is not a whole statement: cut with "…"; (English) starting like the middle of a sentence
    (lower case, or "and", "which", ...) or ending on a function word, a comma or an open bracket; or, given the
    ``source`` it was taken from, the start of one of its sentences cut off (the words go on after it there)."""
    text = bullet.strip()
    if not text or text.endswith("…"):
        return True
    if CJK.search(text):
        return False
    starts = text.lstrip("“\"'(‘[")[:1]
    if not (starts.isupper() or starts.isdigit()):
        return True
    words = text.split()
    if words[-1].lower().strip(",;:") in ENGLISH or text.endswith((",", ";", ":", "(", "-", "–")):
        return True
    body = re.sub(r"(?:^|(?<=\s))(?:\d|[a-z]|[ivx]+)\)\s", " ", text)  # numbered points: "1) LoRA …", "… 2) ACE …"
    if body.count("(") != body.count(")"):
        return True  # cut inside a bracket: "… reduction of trainable parameters (1", "0.25) method with …"
    return bool(source) and text[-1] not in ".!?" and is_cut_copy(text, source)


def is_cut_copy(text: str, source: str) -> bool:
    """Whether ``text`` stands in ``source`` with the sentence going on after it."""
    tail = " ".join(text.split()[-6:])
    return len(text.split()) >= 4 and bool(re.search(re.escape(tail) + r"(?:\s+|,\s*)[a-z(\[]", " ".join(source.split())))


def _odd(word: str) -> bool:
    """Neither a word, a name, a number nor punctuation: "O(n2", "xW1", "b1)W2", "FFN(x)"."""
    return not (re.search(r"[a-z]{2,}", word) or re.fullmatch(r"[\"“(\[]?[A-Z][A-Za-z0-9'’-]*[,.;:!?)\]”\"]*", word)
                or _NUMBER_WORD.fullmatch(word) or len(word) == 1)  # fmt: skip


_LOOSE_ACCENT = re.compile(r"\s[\u0300-\u036f\u00b4\u02c6\u02dc\u00a8]")  # "t ́el ́ephones": accents extracted apart
# A sentence's opening word after a lower-case word with no stop between: two pieces of text run together — a run-in
# heading ("Ablation studies We perform …"), a caption or footnote inside a sentence ("about as For additional
# details …"), a heading glued on ("… is Hard The other direction …").
_GLYPH = re.compile(r"[\u21d0-\u21ff\u2713-\u2717]")  # a math font's letters read as arrows and ticks: "⇡✓" for π_θ
_GLUED = re.compile(r"(?<=[a-z]) (?:The|We|Our|These|This|For|However|Each|It|In) (?=[a-z])"
                    r"|(?:^|\s)\d[A-Z][a-z]{2,}"  # a footnote's mark glued to its text: "…; 3That is, the sum …"
                    r"|\b[a-z]{2,}- (?!(?:and|or|to|as|vs)\b)[a-z]")  # a word cut, its end in the other column: "per- data"


def is_garbled(bullet: str) -> bool:
    """Text no presenter would show as is: formula or table text, accents extracted apart, two pieces of text run
    together (:data:`_GLUED`), or a few Chinese characters inside English (a reader's annotation extracted with
    the page: "的embedding Unlike Peters et al. …")."""
    if _LOOSE_ACCENT.search(bullet) or _GLYPH.search(bullet):
        return True
    cjk = len(CJK.findall(bullet))
    if cjk and cjk < 0.2 * len(re.findall(r"[A-Za-z]", bullet)):
        return True
    if cjk:
        return len(_MATH.findall(bullet)) > 2
    words = bullet.split()
    numbers = sum(1 for w in words if _NUMBER_WORD.fullmatch(w))
    odd = sum(map(_odd, words))
    table_row = numbers >= 4 and numbers > 0.35 * len(words)
    return (len(_MATH.findall(bullet)) > 2 or table_row or (len(words) >= 5 and odd > 0.3 * len(words))
            or bool(_GLUED.search(bullet)))


def is_cut_title(title: str) -> bool:
    text = title.strip()
    if not text or text.endswith(("…", ",", ";", ":")):
        return True
    if CJK.search(text):
        return False
    words = re.sub(r"\s*\(\d+/\d+\)$", "", text).split()  # "Results (2/3)": a section split over slides
    return len(words) > TITLE_WORDS or words[-1].lower() in ENGLISH

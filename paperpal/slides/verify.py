"""Which text the model wrote for a slide is kept: a detail the section supports, a title and a question on its
topic, nothing copied from the prompt's worked example.

The bundled model is a small *pretrained* model, so every detail is checked against the section text
(:func:`verified_detail`): its numbers must occur in the section, most of its words too, and it must carry a number
or a name.  This is the slides' own, looser check over the whole section, not the claim-level
:func:`paperpal.text.support.check`: that one reads a number word ("one machine") as a number on the paper's side
only, so it rejects a bullet such as "One machine with 8 NVIDIA P100 GPUs" against "We trained our models on one
machine with 8 NVIDIA P100 GPUs", which the slides keep (``tests/test_slides.py``,
``test_deck_keeps_checked_model_text_and_replaces_invented_or_malformed``).
"""

from __future__ import annotations

import re

from ..text import CJK, normalise
from .details import DETAIL_CHARS
from .words import NUMBER, cjk_bigrams, content_words, is_concrete


def verified_detail(detail: str, source: str) -> bool:
    """True when ``detail`` is supported by ``source``: same numbers, mostly the same words, concrete.

    Numbers must occur in the source verbatim.  English words: at least 60 % of the detail's content
    words occur in the source.  Chinese: at least half its character bigrams do, unless the source is
    English (a Chinese deck of an English paper), where its Latin terms must all occur instead.
    """
    detail = normalise(detail)
    if not DETAIL_CHARS[0] // 2 <= len(detail) <= DETAIL_CHARS[1] * 2 or not is_concrete(detail):
        return False
    src = normalise(source)
    low = src.lower()
    numbers = {n.rstrip("%") for n in NUMBER.findall(src)}  # whole numbers: "201" is not in "2017"
    if any(n.rstrip("%") not in numbers for n in NUMBER.findall(detail)):
        return False
    if CJK.search(detail):
        grams = cjk_bigrams(detail)
        if CJK.search(src) and grams:
            return len(grams & cjk_bigrams(src)) >= 0.5 * len(grams)
        terms = [w for w in re.findall(r"[A-Za-z][A-Za-z\-]{2,}", detail)]
        return bool(terms or NUMBER.search(detail)) and all(t.lower() in low for t in terms)
    words = content_words(detail)
    if not words:
        return False
    return len(words & content_words(src)) >= 0.6 * len(words)


def on_topic(text: str, source: str, share: float = 0.5) -> bool:
    """True when at least ``share`` of ``text``'s words (CJK: character pairs) occur in ``source``."""
    if CJK.search(text) and CJK.search(source):
        grams = cjk_bigrams(text)
        return len(grams & cjk_bigrams(source)) >= 0.6 * share * max(1, len(grams))
    words = content_words(text)
    common = words & content_words(source)
    return bool(common) and len(common) >= share * len(words)


def same_words(a: str, b: str) -> bool:
    """True when most of ``a``'s content words are ``b``'s (a slide title that only repeats the paper's)."""
    wa, wb = content_words(a), content_words(b)
    return bool(wa) and len(wa & wb) >= 0.6 * len(wa)


def copied(text: str, examples: str, source: str) -> bool:
    """True when ``text`` repeats the prompt's example more than it follows the paper."""
    words = content_words(text)
    if not words or not examples:
        return False
    from_example = len(words & content_words(examples))
    return from_example >= 0.5 * len(words) and from_example > len(words & content_words(source))


def clean(text: str) -> str:
    """A model-written field without the list number or bullet it may start with, normalised."""
    return re.sub(r"^(?:\d{1,2}[.)、]|[-•*])\s+", "", normalise(str(text))).strip()

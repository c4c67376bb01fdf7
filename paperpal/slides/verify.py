"""Which text the model wrote for a slide is kept: a detail the section supports, a title and a question on its
topic, nothing copied from the prompt's worked example.

The bundled model is a small *pretrained* model, so every detail is checked against the section text
(:func:`verified_detail`) by the one claim-level support check, :func:`paperpal.text.support.check` (a passage of
the section holds its numbers and names together and most of its words), and it must carry a number or a name.
"""

from __future__ import annotations

import re

from ..text import CJK, normalise, sentences
from ..text.support import check
from .details import DETAIL_CHARS
from .words import cjk_bigrams, content_words, is_concrete, names


def verified_detail(detail: str, source: str) -> bool:
    """True when ``detail`` is concrete, of a bullet's length, and supported by a passage of ``source`` (the shared
    support check; a Chinese detail of an English paper by its numbers, names, Latin terms and the term map)."""
    detail = normalise(detail)
    if not DETAIL_CHARS[0] // 2 <= len(detail) <= DETAIL_CHARS[1] * 2 or not is_concrete(detail):
        return False
    return check(detail, sentences(normalise(source))).supported


def on_topic(text: str, source: str, share: float = 0.5) -> bool:
    """True when at least ``share`` of ``text``'s words (CJK: character pairs) occur in ``source``."""
    if CJK.search(text) and CJK.search(source):
        grams = cjk_bigrams(text)
        return len(grams & cjk_bigrams(source)) >= 0.6 * share * max(1, len(grams))
    words = content_words(text)
    common = words & content_words(source)
    return bool(common) and len(common) >= share * len(words)


_MARKED = re.compile(r"\b[A-Za-z]*[A-Z][a-z]*[A-Z][\w-]*|\b[A-Z]{2,}[\w-]*")  # CamelCase or an acronym, first word too


def names_found(text: str, source: str) -> bool:
    """True when every name in ``text`` ("ResNet", "GPT-3") occurs in ``source``: a title naming what the section
    never mentions (the prompt's example) is not about it."""
    flat = source.lower()
    return all(name.lower() in flat for name in {*names(text), *_MARKED.findall(text)})


def ends_whole(detail: str) -> bool:
    """True when a model-written detail ends as a sentence ends (English: a full stop; Chinese: any end), not where
    the grammar's length limit cut it ("… positive pointwise mutual information is a good")."""
    return bool(CJK.search(detail)) or detail.rstrip().endswith((".", "!", "?"))


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

"""Automatic counts of what makes a deck's text unusable as it stands (issue: group-meeting decks): repeated
bullets, fragments, formula or table text, cut titles, template questions.  ``bench/deck_quality.py`` prints them
per deck; the tests hold decks made from the papers' own sentences to zero on the first four.

- a **duplicate** is a bullet that says what an earlier one of the deck says (:func:`.details.repeats`);
- a **fragment** is an English bullet that does not start like a sentence (a capital, a digit, a quote or bracket)
  or does not end like one (``.``, ``!``, ``?``, a closing quote or bracket), or any bullet cut with "…";
- **garbled** is formula or table text: more than two mathematical symbols, more than a fifth of its words numbers,
  or more than 30 % of them neither words, names nor numbers ("O(n2", "xW1");
- a **cut title** ends with "…", a comma or a function word, or runs past :data:`TITLE_WORDS` words;
- a **template question** is one PaperPal built (from a claim on the slide or the section's title) because the
  model's was unusable; it is specific to the slide, but not written for it.
"""

from __future__ import annotations

import re

from ..stopwords import ENGLISH
from ..text import CJK
from .details import repeats
from .model import Outline

TITLE_WORDS = 8  # a slide title longer than this is a sentence, not a title
_MATH = re.compile(r"[=+·≤≥≪≫∈∑∏√∇∂∞±×÷→←↔⊕⊗∀∃∆Δθλσμπφψω|^_{}]")
_NUMBER_WORD = re.compile(r"[\d.,±%()+\-–]+")


def is_fragment(bullet: str) -> bool:
    text = bullet.strip()
    if not text or text.endswith("…"):
        return True
    if CJK.search(text):
        return False
    starts = text.lstrip("“\"'(‘[")[:1]
    return not (starts.isupper() or starts.isdigit()) or text[-1] not in ".!?”\")']"


def _odd(word: str) -> bool:
    """Neither a word, a name, a number nor punctuation: "O(n2", "xW1", "b1)W2", "FFN(x)"."""
    return not (re.search(r"[a-z]{2,}", word) or re.fullmatch(r"[\"“(\[]?[A-Z][A-Za-z0-9'’-]*[,.;:!?)\]”\"]*", word)
                or _NUMBER_WORD.fullmatch(word) or len(word) == 1)  # fmt: skip


def is_garbled(bullet: str) -> bool:
    if CJK.search(bullet):
        return len(_MATH.findall(bullet)) > 2
    words = bullet.split()
    numbers = sum(1 for w in words if _NUMBER_WORD.fullmatch(w))
    odd = sum(map(_odd, words))
    return len(_MATH.findall(bullet)) > 2 or (len(words) >= 5 and (numbers > 0.2 * len(words) or odd > 0.3 * len(words)))


def is_cut_title(title: str) -> bool:
    text = title.strip()
    if not text or text.endswith(("…", ",", ";", ":")):
        return True
    if CJK.search(text):
        return False
    words = re.sub(r"\s*\(\d+/\d+\)$", "", text).split()  # "Results (2/3)": a section split over slides
    return len(words) > TITLE_WORDS or words[-1].lower() in ENGLISH


def deck_counts(outline: Outline) -> dict[str, int]:
    """The counts for one deck (content slides' bullets, the summary's points, the titles and the questions)."""
    bullets = [d for s in outline.slides for d in s.details] + list(outline.summary)
    duplicates = sum(repeats(b, bullets[:i]) for i, b in enumerate(bullets))
    model = sum(1 for s in outline.slides if s.origin.get("details") == "model" for _ in s.details)
    return {
        "slides": len(outline.slides),
        "bullets": len(bullets),
        "duplicates": duplicates,
        "fragments": sum(map(is_fragment, bullets)),
        "garbled": sum(map(is_garbled, bullets)),
        "cut_titles": sum(is_cut_title(s.title) for s in outline.slides),
        "template_questions": sum(s.origin.get("question") == "template" for s in outline.slides),
        "model_titles": sum(s.origin.get("title") == "model" for s in outline.slides),
        "model_bullets_slides": model,
    }

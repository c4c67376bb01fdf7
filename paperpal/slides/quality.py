"""Automatic counts of what makes a deck's text unusable as it stands (issue: group-meeting decks): repeated
bullets, fragments, formula or table text, cut titles, template questions.  ``bench/deck_quality.py`` prints them
per deck; the tests hold decks made from the papers' own sentences to zero on the first four.

- a **duplicate** is a bullet that says what an earlier one of the deck says (:func:`.details.repeats`);
- a **fragment** is a bullet cut with "…", an English one that starts like the middle of a sentence or ends on a
  function word, a comma or an open bracket, or one copied from the paper and cut off (:func:`.shapes.is_fragment`);
- **garbled** is formula or table text: more than two mathematical symbols, at least four numbers making more than
  35 % of its words, or more than 30 % of them neither words, names nor numbers ("O(n2", "xW1");
- a **cut title** ends with "…", a comma or a function word, or runs past :data:`TITLE_WORDS` words;
- a **template question** is one PaperPal built (from a claim on the slide or the section's title) because the
  model's was unusable; it is specific to the slide, but not written for it.
"""

from __future__ import annotations

from .details import repeats
from .model import Outline
from .shapes import TITLE_WORDS, is_cut_title, is_fragment, is_garbled

__all__ = ["TITLE_WORDS", "deck_counts", "is_cut_title", "is_fragment", "is_garbled"]

def deck_counts(outline: Outline, paper_text: str = "") -> dict[str, int]:
    """The counts for one deck (content slides' bullets, the summary's points, the titles and the questions);
    ``paper_text`` (the paper's body) also counts a bullet copied from it and cut off as a fragment."""
    bullets = [d for s in outline.slides for d in s.details] + list(outline.summary)
    duplicates = sum(repeats(b, bullets[:i]) for i, b in enumerate(bullets))
    model = sum(1 for s in outline.slides if s.origin.get("details") == "model" for _ in s.details)
    return {
        "slides": len(outline.slides),
        "bullets": len(bullets),
        "duplicates": duplicates,
        "fragments": sum(is_fragment(b, paper_text) for b in bullets),
        "garbled": sum(map(is_garbled, bullets)),
        "cut_titles": sum(is_cut_title(s.title) for s in outline.slides),
        "template_questions": sum(s.origin.get("question") == "template" for s in outline.slides),
        "model_titles": sum(s.origin.get("title") == "model" for s in outline.slides),
        "model_bullets_slides": model,
    }

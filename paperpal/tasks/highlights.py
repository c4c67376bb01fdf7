"""The reader's own highlights (Zotero annotations, :attr:`paperpal.model.Paper.highlights`) in the tasks.

- :func:`located` places each highlight in the paper: the section of the sentence it marks (or, for a note or a
  highlight PaperPal cannot match, the section its page starts in), for the note's "Your highlights" part;
- :func:`highlighted_orders` gives the sentences a highlight marks, which the note's evidence selection prefers
  (:func:`paperpal.tasks.note_plan.plan_note`);
- :func:`asks_for_highlights` and :func:`highlights_about` answer "what did I highlight about X" (``locate``):
  the highlights and comments closest to X, best first.

A highlight's page is Zotero's (the annotation's ``pageIndex`` + 1: the physical page, as everywhere here).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ..model import Highlight, Paper, Section
from ..text.normal import squash
from .passages import PaperSentences, Sentence

MIN_MATCH = 12  # squashed characters: a shorter highlight ("LoRA") marks no sentence on its own
_ASKS = re.compile(r"\b(?:I|me|my)\b[^?]*\b(?:highlight\w*|underlin\w*|annotat\w*|marked|comment\w*)\b|"
                   r"\bmy (?:highlights|notes|annotations)\b|我[^？?]*(?:标注|高亮|划线|批注|标记)", re.IGNORECASE)  # fmt: skip
_INTENT_WORDS = re.compile(r"\b(?:what|which|did|do|I|me|my|highlight\w*|underlin\w*|annotat\w*|marked|comment\w*|"
                           r"about|on|in|this|paper)\b|我|标注|高亮|划线|批注|标记|了|什么|关于|哪些|的", re.IGNORECASE)  # fmt: skip


def marks(highlight: Highlight, sentence: Sentence) -> bool:
    """Whether ``highlight`` marks ``sentence``: one holds the other (whitespace, case and hyphens aside)."""
    mark, text = squash(highlight.text), squash(sentence.text)
    if len(mark) < MIN_MATCH or len(text) < MIN_MATCH:
        return False
    return mark in text or text in mark


def _marked(highlight: Highlight, index: PaperSentences) -> list[Sentence]:
    near = [s for s in index.sentences if highlight.page is None or s.page in (highlight.page, highlight.page - 1)]
    return [s for s in near if marks(highlight, s)]


def _section_at(paper: Paper, page: int | None) -> Section | None:
    if page is None:
        return None
    starting = [s for s in paper.all_sections() if s.page_start <= page <= s.page_end]
    return max(starting, key=lambda s: (s.page_start, s.level), default=None)


def located(paper: Paper, index: PaperSentences | None = None) -> list[Highlight]:
    """``paper``'s highlights, each with the section it stands in."""
    if not paper.highlights:
        return []
    index = index or PaperSentences(paper)
    out = []
    for highlight in paper.highlights:
        marked = _marked(highlight, index) if highlight.text else []
        section = marked[0].section if marked else _section_at(paper, highlight.page)
        out.append(replace(highlight, section_number=section.number if section else None,
                           section_title=section.title if section else ""))  # fmt: skip
    return out


def highlighted_orders(index: PaperSentences) -> set[int]:
    """The sentences (by order) the paper's highlights mark."""
    return {s.order for h in index.paper.highlights if h.text for s in _marked(h, index)}


def asks_for_highlights(question: str) -> bool:
    """"What did I highlight about attention?", "my highlights on the results", "我标注了哪些关于注意力的内容"."""
    return bool(_ASKS.search(question))


def highlights_about(paper: Paper, question: str, embedder, k: int = 5) -> list[Highlight]:
    """The highlights (text and comment) closest to what ``question`` is about, best first; all of them, in page
    order, when the question names nothing beyond the highlights themselves."""
    items = located(paper)
    topic = re.sub(r"\s+", " ", _INTENT_WORDS.sub(" ", question)).strip(" ?？.")
    if not items or len(topic) < 3:
        return items[:k] if topic else items
    texts = [f"{h.text} {h.comment}".strip() for h in items]
    vectors = embedder.embed([topic, *texts])
    order = np.argsort(-(vectors[1:] @ vectors[0]), kind="stable")
    return [items[i] for i in order[:k]]

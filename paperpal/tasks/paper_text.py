"""The paper text an endpoint model reads, as numbered sentences it can cite, fitted to a token budget.

Every citable sentence (:class:`~.passages.Sentence`) is printed as ``[N] text`` under ``## <section label>``
headings in document order, ``N`` being its number in the paper, so the model (and a reader checking it) sees where
each sentence comes from, and an answer can cite sentences by number.  When the whole body (references and what
follows them left out) fits, it is sent whole.  When it does not, a reasoned selection is made, not a cut at a fixed
length: the abstract first, then the opening of the introduction and of the conclusion, then the head of every
section and sub-section (its first sentences, which state what the section does), then sentences that carry numbers
in result sections, then limitations, then further sentences of every section in turn until the budget is spent.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..model import Paper, Section
from ..text.section_kinds import is_references_title
from .passages import PaperSentences, Sentence

_NUMBER = re.compile(r"\d")


def body_sections(paper: Paper) -> list[tuple[Section, Section]]:
    """(section, its top-level section) in document order, stopping at the references."""
    tops = {id(s): top for top in paper.sections for s in top.walk()}
    out: list[tuple[Section, Section]] = []
    for section, kind in paper.sections_with_kinds():
        if kind == "back" and section.level == 1 and is_references_title(section.title):
            break
        if kind != "back":
            out.append((section, tops[id(section)]))
    return out


def sentence_id(sentence: Sentence) -> int:
    """The number a sentence is cited by (1-based, stable for a paper)."""
    return sentence.order + 1


def _rounds(index: PaperSentences):
    """Sentences in priority order (see the module docstring)."""
    cited = [s for s in index.sentences if s.citable]
    yield from (s for s in cited if s.kind == "abstract")
    yield from (s for s in cited if s.kind in ("intro", "conclusion") and s.position < 3)
    yield from (s for s in cited if s.position < 2)
    yield from (s for s in cited if s.kind == "experiments" and _NUMBER.search(s.text))
    yield from (s for s in cited if s.kind == "discussion")
    depth = max((s.position for s in cited), default=-1) + 1
    for position in range(depth):
        yield from (s for s in cited if s.position == position)


def _render(chosen: list[Sentence]) -> str:
    blocks: list[str] = []
    current = None
    for sentence in sorted(chosen, key=lambda s: s.order):
        if sentence.section is not current:
            current = sentence.section
            blocks.append(f"## {current.label}".rstrip())
        blocks.append(f"[{sentence_id(sentence)}] {sentence.text}")
    return "\n".join(blocks)


def numbered_text(index: PaperSentences, budget: int, count_tokens: Callable[[str], int]) -> str:
    """The paper's citable sentences, numbered, whole or a reasoned selection in at most ``budget`` tokens."""
    cited = [s for s in index.sentences if s.citable]
    whole = _render(cited)
    if count_tokens(whole) <= budget:
        return whole
    chosen: dict[int, Sentence] = {}
    sections: set[int] = set()
    used = 0
    for sentence in _rounds(index):
        if sentence.order in chosen:
            continue
        cost = count_tokens(sentence.text) + 3
        if id(sentence.section) not in sections:
            cost += count_tokens(sentence.section.label) + 3
        if used + cost > budget:
            continue
        chosen[sentence.order] = sentence
        sections.add(id(sentence.section))
        used += cost
    return _render(list(chosen.values()))

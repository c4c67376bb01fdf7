"""Split section text into chunks of about 200-400 words at sentence and paragraph boundaries."""

from __future__ import annotations

import math
import re

from ..model import Chunk
from ..text.normal import CJK_CHARS
from ..text.section_kinds import is_references_title
from ..text.sentences import sentence_spans
from .layout import Line
from .sections import SectionSpan, page_of

MIN_WORDS, TARGET_WORDS, MAX_WORDS = 200, 300, 400
_WORD = re.compile(rf"[^\W_]+(?:[-'’.][^\W_]+)*|[{CJK_CHARS}]")


def word_count(text: str) -> int:
    """Words in ``text`` (each CJK character counts as one)."""
    return len(_WORD.findall(text))


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Cut a sentence longer than MAX_WORDS (a table, a formula dump) at word boundaries."""
    words = list(_WORD.finditer(text, start, end))
    if len(words) <= MAX_WORDS:
        return [(start, end, False)]
    pieces, s = [], start
    for k in range(TARGET_WORDS, len(words), TARGET_WORDS):
        cut = words[k].start()
        pieces.append((s, cut, False))
        s = cut
    pieces.append((s, end, False))
    return pieces


def chunk_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of the chunks of ``text[start:end]``."""
    units = [u for s, e, para in sentence_spans(text, start, end) for u in _split_long(text, s, e)]
    total = sum(word_count(text[s:e]) for s, e, _ in units)
    if not units or total == 0:
        return []
    target = total / max(1, math.ceil(total / TARGET_WORDS)) if total > MAX_WORDS else total
    out, cur_start, words = [], None, 0
    for (s, e, _), nxt in zip(units, units[1:] + [None]):
        if cur_start is None:
            cur_start, words = s, 0
        words += word_count(text[s:e])
        next_words = word_count(text[nxt[0] : nxt[1]]) if nxt else 0
        if nxt is None or words >= target or (words >= MIN_WORDS * 0.75 and words + next_words > MAX_WORDS):
            out.append((cur_start, e))
            cur_start = None
    return out


def make_chunks(paper_id: str, text: str, spans: list[SectionSpan], starts: list[int], lines: list[Line]) -> list[Chunk]:
    """Chunks of every section except the reference list, in document order."""
    chunks: list[Chunk] = []
    for span in spans:
        if is_references_title(span.section.title, exact=True):
            continue
        for s, e in chunk_spans(text, span.start, span.end):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s >= e:
                continue
            chunks.append(
                Chunk(
                    id=f"{paper_id}:{len(chunks)}",
                    text=text[s:e],
                    section_path=list(span.path),
                    section_number=span.section.number,
                    section_title=span.section.title,
                    page_start=page_of(s, starts, lines),
                    page_end=page_of(e - 1, starts, lines),
                    char_start=s,
                    char_end=e,
                )
            )
    return chunks

"""The paper text a task sends to a model, fitted to a token budget.

When the whole body (references and what follows them left out) fits, it is sent whole.  When it
does not, a reasoned selection is made, not a cut at a fixed length: the abstract first, then the
opening of the introduction and of the conclusion, then the head of every section and
sub-section (its first sentences, which state what the section does), then sentences that carry
numbers in result sections, then further sentences of every section in turn until the budget is
spent.  The selection is printed in document order under ``## <section label>`` headings, so the
model (and a reader checking it) sees where each sentence comes from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Paper, Section

_SENTENCE_END = re.compile(r"(?<=[.!?。!?])\s+(?=[A-Z0-9\u4e00-\u9fff(\[])")
_BACK_MATTER = re.compile(r"^(references|bibliography|参考文献|acknowledge?ments?|致谢)\b", re.I)
_INTRO = re.compile(r"^(introduction|引言|介绍|绪论|前言)", re.I)
_CONCLUSION = re.compile(r"^(conclusions?|discussion|summary|concluding|结论|总结|讨论)", re.I)
_RESULTS = re.compile(r"(experiment|result|evaluation|ablation|analysis|benchmark|实验|结果|评估)", re.I)
_NUMBER = re.compile(r"\d")


@dataclass
class _Part:
    section: Section
    order: int  # document order of the section
    sentences: list[str]
    kind: str  # "abstract" | "intro" | "conclusion" | "results" | "body"


def normalise(text: str) -> str:
    """NFKC (ligatures, full-width forms) and collapsed whitespace: what the model reads best."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    text = normalise(text)
    return [s for s in _SENTENCE_END.split(text) if s] if text else []


def _kind(section: Section, top: Section) -> str:
    title = top.title.strip()
    if section.title.strip().lower() == "abstract":
        return "abstract"
    if _INTRO.match(title):
        return "intro"
    if _CONCLUSION.match(title):
        return "conclusion"
    if _RESULTS.search(title) or _RESULTS.search(section.title):
        return "results"
    return "body"


def body_sections(paper: Paper) -> list[tuple[Section, Section]]:
    """(section, its top-level section) in document order, stopping at the references."""
    out: list[tuple[Section, Section]] = []
    for top in paper.sections:
        if _BACK_MATTER.match(top.title.strip()):
            if top.title.strip().lower().startswith(("ref", "bib", "参考")):
                break
            continue
        out.extend((s, top) for s in top.walk())
    return out


def _parts(paper: Paper) -> list[_Part]:
    parts = []
    has_abstract = False
    for order, (section, top) in enumerate(body_sections(paper)):
        kind = _kind(section, top)
        has_abstract |= kind == "abstract"
        parts.append(_Part(section, order, sentences(section.text), kind))
    if not has_abstract and paper.abstract:
        parts.insert(0, _Part(Section(None, "Abstract", 1, 1, 1), -1, sentences(paper.abstract), "abstract"))
    return parts


def _render(picked: dict[int, list[int]], parts: list[_Part]) -> str:
    blocks = []
    for index, part in enumerate(parts):
        chosen = sorted(picked.get(index, []))
        if not chosen:
            continue
        heading = f"## {part.section.label}".rstrip()
        body = " ".join(part.sentences[i] for i in chosen)
        blocks.append(f"{heading}\n{body}".rstrip())
    return "\n".join(blocks)


def _rounds(parts: list[_Part]):
    """Yield (part index, sentence index) in priority order (see the module docstring)."""
    for i, part in enumerate(parts):  # the abstract, whole
        if part.kind == "abstract":
            yield from ((i, k) for k in range(len(part.sentences)))
    for i, part in enumerate(parts):  # openings of the introduction and conclusion
        if part.kind in ("intro", "conclusion") and part.section.level == 1:
            yield from ((i, k) for k in range(min(3, len(part.sentences))))
    for i, part in enumerate(parts):  # the head of every section
        yield from ((i, k) for k in range(min(2, len(part.sentences))))
    for i, part in enumerate(parts):  # numbers in the results
        if part.kind == "results":
            yield from ((i, k) for k, s in enumerate(part.sentences) if _NUMBER.search(s))
    depth = max((len(p.sentences) for p in parts), default=0)
    for k in range(depth):  # then every section in turn
        for i, part in enumerate(parts):
            if k < len(part.sentences):
                yield i, k


def select_text(paper: Paper, budget: int, count_tokens: Callable[[str], int]) -> str:
    """The paper body, or a reasoned selection of it, in at most ``budget`` tokens."""
    parts = _parts(paper)
    everything = {i: list(range(len(p.sentences))) for i, p in enumerate(parts)}
    whole = _render(everything, parts)
    if count_tokens(whole) <= budget:
        return whole
    picked: dict[int, list[int]] = {}
    seen: set[tuple[int, int]] = set()
    used = 0
    for i, k in _rounds(parts):
        if (i, k) in seen:
            continue
        seen.add((i, k))
        cost = count_tokens(parts[i].sentences[k]) + (0 if i in picked else count_tokens(parts[i].section.label) + 3)
        if used + cost > budget:
            continue
        picked.setdefault(i, []).append(k)
        used += cost
    return _render(picked, parts)

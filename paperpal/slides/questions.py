"""A question for the audience about a slide's part of the paper, from templates (when the model's is unusable)."""

from __future__ import annotations

import re

from ..text.section_kinds import talk_kind
from .plan import Unit

_TERM = re.compile(r"\b(?:[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*(?:-\d+)?|[A-Z][a-z]+-\d+|[A-Z]{2,}\d*)\b")
_GENERIC = {"figure", "table", "section", "question", "overall", "however", "moreover", "first", "second", "finally",
            "appendix", "equation", "algorithm", "note", "in", "we", "our", "the", "this"}  # fmt: skip
_QUESTIONS = {
    "en": {
        "results": "Would the gains reported for {term} hold on other datasets or settings, and what would test that?",
        "intro": "Which limitation of earlier work does {term} address here, and is it the most important one?",
        "conclusion": "What is the biggest open question this paper leaves about {term}?",
        "method": "Why is {term} designed this way, and what would break if it were removed or replaced?",
    },
    "zh": {
        "results": "{term} 的提升换到其他数据集或设置下还成立吗?怎样验证?",
        "intro": "{term} 针对的是以往工作的哪个局限?它是最重要的那个吗?",
        "conclusion": "关于 {term},这篇论文留下的最大开放问题是什么?",
        "method": "{term} 为什么这样设计?去掉或替换它会怎样?",
    },
}


def key_term(text: str) -> str | None:
    """The section's most frequent technical name (acronym, CamelCase, "GPT-2") used at least twice."""
    counts: dict[str, int] = {}
    for term in _TERM.findall(text):
        if term.lower() not in _GENERIC:
            counts[term] = counts.get(term, 0) + 1
    best = max(counts, key=lambda k: (counts[k], len(k))) if counts else None
    return best if best and counts[best] >= 2 else None


def question_template(unit: Unit, lang: str) -> str:
    """A question about the section's key term (used when the model's question is unusable)."""
    kind = talk_kind(" ".join(s.title for s in unit.sections))
    term = key_term(unit.text)
    if term is None:  # no technical name to ask about: ask about the section itself
        title = unit.sections[0].title or ("这部分" if lang == "zh" else "this part")
        term = f"“{title}”" if lang == "en" else f"「{title}」"
        if kind == "method":
            if lang == "zh":
                return f"{term} 中最关键的设计选择是什么?去掉它会怎样?"
            return f"What is the key design choice in {term}, and what would break without it?"
    return _QUESTIONS[lang][kind].format(term=term)

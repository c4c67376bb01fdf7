"""A question for the audience about a slide, when the model's is unusable: built from a claim the slide shows, or
from its section's title — never a template filled with an arbitrary token.

Every word of such a question beyond the template's own stands on the slide (the quoted claim is one of its details)
or in its section's title, so the question is about what the audience has just seen.
"""

from __future__ import annotations

import re

from ..text.cues import DESIGN, PROBLEM, RESULT_VERB, SETUP, STRONG_LIMITATION
from ..text.prose import is_pointer, leans_on_previous
from ..text.section_kinds import talk_kind
from .model import ContentSlide
from .plan import Unit
from .words import is_concrete

CLAIM_CHARS = 200  # a longer detail is not quoted in a question
_ON_CLAIM = {
    "en": {
        "results": "The paper reports: “{claim}” Would this hold on other datasets or settings, and what experiment "
                   "would test it?",
        "intro": "The paper starts from: “{claim}” Why does this matter for the problem the paper sets out to solve?",
        "conclusion": "The paper concludes: “{claim}” What is the biggest open question this leaves?",
        "method": "The paper states: “{claim}” Why this design, and what alternative would you compare it with?",
    },
    "zh": {
        "results": "论文报告：“{claim}” 换到其他数据集或设置下还成立吗？用什么实验来验证？",
        "intro": "论文的出发点是：“{claim}” 这一点对论文要解决的问题为什么重要？",
        "conclusion": "论文的结论是：“{claim}” 它留下的最大开放问题是什么？",
        "method": "论文写道：“{claim}” 为什么这样设计？你会拿什么替代方案来对比？",
    },
}  # fmt: skip
_ON_TITLE = {
    "en": {
        "results": "What in the results of “{title}” convinces you most, and what would you still want to see?",
        "intro": "Which problem does “{title}” set up, and is it the right one to solve?",
        "conclusion": "What does “{title}” leave open?",
        "method": "What is the key design choice in “{title}”, and what would break without it?",
    },
    "zh": {
        "results": "「{title}」的结果中哪一点最有说服力？你还想看到什么？",
        "intro": "「{title}」提出了什么问题？它值得解决吗？",
        "conclusion": "「{title}」留下了哪些开放问题？",
        "method": "「{title}」中最关键的设计选择是什么？去掉它会怎样？",
    },
}  # fmt: skip


# What makes a claim worth the frame of each kind of slide: a design choice for a method slide ("Why this design?"),
# a finding for a results slide ("Would this hold elsewhere?"), a problem for an introduction ("Why does this
# matter?"), an open end or a finding for a conclusion.
_WORTH = {"method": (DESIGN,), "results": (RESULT_VERB,), "intro": (PROBLEM,), "conclusion": (STRONG_LIMITATION, RESULT_VERB)}
_HARDWARE = re.compile(r"\b(GPUs?|TPUs?|machines?|newstest\d*|development set|dev set)\b", re.IGNORECASE)


def _worth(claim: str, kind: str) -> int:
    """How well ``claim`` fits the question frame of a ``kind`` slide: 2 when it says what the frame asks about, 1
    when it is a plain statement, 0 when it leans on the sentence before it ("Another way of describing this is …")
    or only describes a setup ("We trained our models on one machine …")."""
    if leans_on_previous(claim):
        return 0
    if any(cue.search(claim) for cue in _WORTH[kind]):
        return 2
    return 0 if SETUP.search(claim) or _HARDWARE.search(claim) else 1


def slide_question(unit: Unit, details: list[str], lang: str) -> str:
    """A question about a whole detail of the slide (a claim the audience sees) — the one that best fits the
    slide's question (:func:`_worth`), the more concrete (a number or a name) and then the shorter of equals — else
    about its section."""
    return _question(" ".join(s.title for s in unit.sections), unit.sections[0].title, details, lang)


def question_after_edit(slide: ContentSlide, lang: str) -> str:
    """The question of an edited slide: PaperPal's own question (``origin["question"] == "template"``) is built
    again when the detail it quotes was edited away; any other question stays as it is."""
    if slide.origin.get("question") != "template" or any(f"“{d}”" in slide.question for d in slide.details):
        return slide.question
    if "“" not in slide.question:  # a question about the section's title quotes no detail
        return slide.question
    title = re.sub(r"^[\d.]+\s+", "", slide.section.split(" · ")[0])
    return _question(slide.section, title, slide.details, lang)


def _question(titles: str, title: str, details: list[str], lang: str) -> str:
    kind = talk_kind(titles)
    claims = [d for d in details if len(d) <= CLAIM_CHARS and not d.endswith("…") and not is_pointer(d)]
    claims = [d for d in claims if _worth(d, kind)]
    if claims:
        best = min(claims, key=lambda d: (-_worth(d, kind), not is_concrete(d), len(d)))
        return _ON_CLAIM[lang][kind].format(claim=best)
    return _ON_TITLE[lang][kind].format(title=title or ("这部分" if lang == "zh" else "this part"))

"""A question for the audience about a slide, when the model's is unusable: built from a claim the slide shows (or,
when none fits a question, one its section makes), or from its section's title — never a template filled with an
arbitrary token.

Every word of such a question beyond the template's own stands on the slide (the quoted claim is one of its details),
in its section (the quoted claim is one of the section's sentences) or in its section's title, so the question is
about what the audience has just seen or is told.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import sentences
from ..text.cues import CITES, DESIGN, FINDING, PROBLEM, SETUP, STRONG_LIMITATION
from ..text.prose import is_credits, is_pointer, is_prose, leans_on_previous
from ..text.section_kinds import talk_kind
from .details import in_captions
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


# What makes a claim worth each question frame: a design choice ("Why this design?"), a finding ("Would this hold
# elsewhere?" — a comparison or a gain, not a metric named in a setup: "We computed our BLEU scores using …"), a
# problem ("Why does this matter?"), an open end or a finding for a conclusion.  A claim is asked about in the frame
# of its slide's kind when it fits it, else in the frame it fits (a finding on a method slide is asked as a
# finding), and a claim of the slide's section that is not on the slide serves when none on the slide fits.
_FITS = {"method": (DESIGN,), "results": (FINDING,), "intro": (PROBLEM,), "conclusion": (STRONG_LIMITATION, FINDING)}
_HARDWARE = re.compile(r"\b(GPUs?|TPUs?|machines?|newstest\d*|development set|dev set)\b", re.IGNORECASE)
_WE = re.compile(r"\b(we|our)\b", re.IGNORECASE)
_NOT_A_CLAIM = re.compile(r"\b(this draft|compared to v\d|is a collection of|is a (natural )?generali[sz]ation of|"
                          r"is a (binary |multi-class )?classification task|^question:|"
                          r"(figure|fig\.|table) \d+ ?\(?[a-z]?\)?\.?$)", re.IGNORECASE)  # fmt: skip


def _frames(claim: str, kind: str) -> list[str]:
    """The question frames ``claim`` fits, the slide's ``kind`` first: none when it leans on the sentence before it
    ("Another way of describing this is …"), describes a setup ("We trained our models on one machine …"), gives
    credit or only defines a thing ("GLUE is a collection of …")."""
    if leans_on_previous(claim) or is_credits(claim) or _NOT_A_CLAIM.search(claim) or is_pointer(claim):
        return []
    setup = bool(SETUP.search(claim) or _HARDWARE.search(claim))
    cited = bool(CITES.search(claim)) and not _WE.search(claim)  # what prior work found is not the paper's claim
    fits = [k for k, cues in _FITS.items()
            if any(c.search(claim) for c in cues) and not (setup and k != "method") and not (cited and k != "intro")]
    if kind == "conclusion" and not cited:
        return ["conclusion"]  # whatever a conclusion states leaves an open question
    if not fits and kind == "method" and not setup and not cited:
        return ["method"]  # a plain statement of how the method is built ("The encoder is a stack of N = 6 …")
    return sorted(fits, key=lambda k: k != kind)


def _cued(claim: str, frame: str) -> bool:
    return any(c.search(claim) for c in _FITS[frame])


def slide_question(unit: Unit, details: list[str], lang: str, captions: Sequence[str] = ()) -> str:
    """A question about a claim the audience sees — a detail of the slide that fits a question frame (:func:`_frames`),
    the slide's own frame first, the more concrete (a number or a name) and then the shorter of equals; else a claim
    of the slide's section (not of a figure's or table's ``captions``) that fits; else a question about its
    section."""
    details = [d for d in details if not in_captions(d, captions)]
    section = [s for s in sentences(unit.text) if not in_captions(s, captions)]
    return _question(" ".join(s.title for s in unit.sections), unit.sections[0].title, details, lang, section=section)


def question_after_edit(slide: ContentSlide, lang: str) -> str:
    """The question of an edited slide: PaperPal's own question (``origin["question"] == "template"``) is built
    again when the detail it quotes was edited away; any other question stays as it is."""
    if slide.origin.get("question") != "template" or any(f"“{d}”" in slide.question for d in slide.details):
        return slide.question
    if "“" not in slide.question:  # a question about the section's title quotes no detail
        return slide.question
    title = re.sub(r"^[\d.]+\s+", "", slide.section.split(" · ")[0])
    return _question(slide.section, title, slide.details, lang)


def _question(titles: str, title: str, details: list[str], lang: str, section: list[str] | None = None) -> str:
    kind = talk_kind(titles)
    for pool in (details, [s for s in section or [] if is_prose(s)]):
        claims = [d for d in pool if len(d) <= CLAIM_CHARS and not d.endswith("…") and _frames(d, kind)]
        if claims:
            best = min(claims, key=lambda d: (not _cued(d, _frames(d, kind)[0]), _frames(d, kind)[0] != kind,
                                              not is_concrete(d), len(d)))  # fmt: skip
            return _ON_CLAIM[lang][_frames(best, kind)[0]].format(claim=best)
    return _ON_TITLE[lang][kind].format(title=title or ("这部分" if lang == "zh" else "this part"))

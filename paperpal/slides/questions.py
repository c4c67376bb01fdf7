"""A question for the audience about a slide, when the model's is unusable: built from a claim the slide shows, or
from its section's title — never a template filled with an arbitrary token.

Every word of such a question beyond the template's own stands on the slide (the quoted claim is one of its details)
or in its section's title, so the question is about what the audience has just seen.
"""

from __future__ import annotations

from ..text.section_kinds import talk_kind
from ..text.prose import is_pointer
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


def slide_question(unit: Unit, details: list[str], lang: str) -> str:
    """A question about the slide's most concrete whole detail (a claim the audience sees), else about its
    section."""
    kind = talk_kind(" ".join(s.title for s in unit.sections))
    claims = [d for d in details if len(d) <= CLAIM_CHARS and not d.endswith("…") and not is_pointer(d)]
    if claims:  # the most concrete claim (a number or a name), the shorter of equals
        return _ON_CLAIM[lang][kind].format(claim=min(claims, key=lambda d: (not is_concrete(d), len(d))))
    title = unit.sections[0].title or ("这部分" if lang == "zh" else "this part")
    return _ON_TITLE[lang][kind].format(title=title)

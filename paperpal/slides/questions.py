"""A question for the audience about a slide — every slide's on the bundled model (it is not asked for one), an
endpoint model's when its own is unusable: built from a claim the slide shows (or, when none fits a question, one its
section makes), or from its section's title — never a template filled with an arbitrary token.

Every word of such a question beyond the template's own stands on the slide (the quoted claim is one of its details),
in its section (the quoted claim is one of the section's sentences) or in its section's title, so the question is
about what the audience has just seen or is told.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import sentences
from ..text.cues import CITATION, CITES, DESIGN, FINDING, OPEN_END, PROBLEM, SETUP
from ..text.prose import is_credits, is_pointer, is_prose, leans_on_previous
from ..text.section_kinds import talk_kind
from .details import in_captions
from .shapes import is_garbled
from .model import ContentSlide
from .plan import Unit
from .words import NUMBER, is_concrete

CLAIM_CHARS = 200  # a longer detail is not quoted in a question
STATEMENT_WORDS = 8  # a plain statement a question quotes when no other shape fits (:func:`_is_statement`)
PROPOSAL_WORDS = 12  # "In this paper, we propose the Universal Transformer." names a proposal, it does not state one
# One frame for each shape of claim: a finding ("Would this hold elsewhere?"), a problem the paper starts from (how
# its approach gets around it), a limitation or future work it names (how to address it), a design choice and its
# reason ("Why this design?"), a training or evaluation setting (how much hangs on it), what the paper proposes (what
# it makes possible, what it gives up), and, on a conclusion slide, a statement with none of these shapes (the open
# question it leaves).
_ON_CLAIM = {
    "en": {
        "finding": "The paper reports: “{claim}” Would this hold on other datasets or settings, and what experiment "
                   "would test it?",
        "problem": "The paper starts from: “{claim}” How does the paper's approach get around this, and does it "
                   "fully?",
        "open": "The paper notes: “{claim}” How would you address this, and what result would show that it worked?",
        "design": "The paper states: “{claim}” Why this design, and what alternative would you compare it with?",
        "setting": "The paper states: “{claim}” How much would the results change if this setting were different?",
        "conclusion": "The paper concludes: “{claim}” What is the biggest open question this leaves?",
        "proposal": "The paper proposes: “{claim}” What does this make possible that earlier approaches could not, and "
                    "what does it give up?",
        "prior": "The paper builds on: “{claim}” How does the paper's own approach differ from this, and why?",
        "statement": "The paper states: “{claim}” What in the paper supports this, and what would make you doubt it?",
        "part": "The paper states: “{claim}” What role does this play in the method, and what would change without "
                "it?",
    },
    "zh": {
        "finding": "论文报告：“{claim}” 换到其他数据集或设置下还成立吗？用什么实验来验证？",
        "problem": "论文的出发点是：“{claim}” 论文的方法如何绕开这一点？是否完全解决了？",
        "open": "论文指出：“{claim}” 你会如何解决？什么结果能说明解决了？",
        "design": "论文写道：“{claim}” 为什么这样设计？你会拿什么替代方案来对比？",
        "setting": "论文写道：“{claim}” 如果换一种设置，结果会变化多少？",
        "conclusion": "论文的结论是：“{claim}” 它留下的最大开放问题是什么？",
        "proposal": "论文提出：“{claim}” 它让哪些以前做不到的事成为可能？又付出了什么代价？",
        "prior": "论文的出发点之一：“{claim}” 论文自己的方法与此有何不同？为什么？",
        "statement": "论文写道：“{claim}” 论文中有什么支持这一点？什么会让你怀疑它？",
        "part": "论文写道：“{claim}” 这一点在方法中起什么作用？去掉它会有什么变化？",
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
# The shapes each kind of slide asks about, its own first: an introduction's problem, a method's design choices and
# settings, a result's findings, a conclusion's open ends.
_ORDER = {
    "intro": ("problem", "open", "design", "finding", "proposal", "prior"),
    "method": ("design", "setting", "finding", "problem", "open", "proposal"),
    "results": ("finding", "open", "design", "setting"),
    "conclusion": ("open", "finding", "proposal", "conclusion"),
}
_HARDWARE = re.compile(r"\b(GPUs?|TPUs?|machines?|NVIDIA|[VAPHK]\d{2,3}|newstest\d*|development set|dev set)\b",
                       re.IGNORECASE)  # fmt: skip
_SET_PAST = re.compile(r"\bwe (trained|used|set|ran|sampled|tuned|fine-tuned|employed)\b", re.IGNORECASE)  # as SETUP
_NEGATED = re.compile(r"\b(not|no longer|never|without|avoids?|instead of)\b[^.;,]*$", re.IGNORECASE)
_WEAK_PROBLEM = {"problem", "problems", "require", "requires", "remain", "remains", "limited", "issue", "issues"}
_CONTRIBUTION = re.compile(r"\b(contributions?|we (propose|present|introduce|show)|this paper|our (method|approach|model|"
                           r"work))\b", re.IGNORECASE)  # fmt: skip
# What the paper sets out to do, in its own words ("In this work we propose the Transformer, …", "Our main contribution
# is …"): asked as a proposal (what it makes possible, what it gives up).
_PROPOSAL = re.compile(r"\b(we (propose|present|introduce|develop)|our (main |key )?contributions? (is|are)|in this (paper|"
                       r"work),? we (show|propose|present|introduce|develop))\b|我们提出|本文提出", re.IGNORECASE)  # fmt: skip
# What a survey introduces (others' work, cited) or a roadmap presents ("in Section 7.3, we present experimental
# results"): no proposal of the paper's.
_NOT_A_PROPOSAL = re.compile(r"\bsections? \d|\bwe present (the |our )?(experimental |empirical )?results\b|"
                             r"\bwe (introduce|present|propose) [^.]{0,40}\([A-Z][^)]*\d{4}[a-z]?\)", re.IGNORECASE)  # fmt: skip
_COMPONENT = re.compile(r"\b(model|method|approach|architecture|layers?|algorithm|objective|loss|network|encoder|"
                        r"decoder|module|block|attention|embeddings?|parameters?)\b", re.IGNORECASE)
_OBSERVES = re.compile(r"\bwe (test|evaluate|study|examine|consider|explore|investigate|note|observe|find|found|see|"
                       r"know|believe|seek|have|scale|apply|compare|include|report|follow)\b|^(note that|as noted|"
                       r"as shown|thus|therefore|hence|the resulting)\b|\b(whereas|baselines?|prior work)\b",
                       re.IGNORECASE)  # what the authors observe or test, a consequence, a comparison: not a choice
# A finding without a number compares ("outperforms", "better than"): "To better understand …" and "we incorporate
# the state-of-the-art model" report nothing.
_COMPARES = re.compile(r"\b(outperform\w*|improv\w*|surpass\w*|exceed\w*|beats?|wins?|achiev\w*|reduc\w*|lags? behind|"
                       r"outscor\w*|(higher|lower|faster|slower|worse|better|more|fewer|less) than|matches|comparable to|"
                       r"significantly)\b", re.IGNORECASE)  # fmt: skip
_BASELINE = re.compile(r"\bbaselines?\b", re.IGNORECASE)  # a baseline's setting is not the paper's to vary
_METRIC = re.compile(r"\b(evaluation )?metrics?\b", re.IGNORECASE)  # what is measured is not a setting to vary
_PRIOR_DID = re.compile(r"\b(propos(es|ed)|introduc(es|ed)|present(s|ed)|develop(s|ed)|appl(ies|ied)|"
                        r"show(s|ed|n)|extend(s|ed)|explor(es|ed)|achiev(es|ed)|combin(es|ed)|add(s|ed)|exploit(s|ed)|"
                        r"report(s|ed)|attempt(s|ed)|buil[dt]s?)\b", re.IGNORECASE)  # what prior work did, not a remark
_HEDGED = re.compile(r"\b(potentially|may|might|could|would)\b", re.IGNORECASE)  # a possibility, not a finding
# What a result is reported in, with its numbers; a sentence about what the baseline is ("Our baseline model … is an
# improved version of …") reports no finding of the paper's.
_SCORES = re.compile(r"\b(scores?|accuracy|BLEU|F1|perplexity|error rates?)\b", re.IGNORECASE)
_MEASURE = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])|\b\d+(\.\d+)?%")  # "83.6", "63.1%": a measured value
_BASELINE_IS = re.compile(r"^(our|the) baselines?( model| system)? (\([^)]*\) )?(is|are|was|were)\b", re.IGNORECASE)
_WE = re.compile(r"\b(we|our)\b", re.IGNORECASE)
_NOT_A_CLAIM = re.compile(r"\b(this draft|compared to v\d|is a collection of|is a (natural )?generali[sz]ation of|"
                          r"is an extension (to|of)|"
                          r"is a (binary |multi-class )?classification task|^question:|is an? (common|popular|standard|"
                          r"widely used) (approach|method|technique|choice)|"
                          r"(figure|fig\.|table) \d+ ?\(?[a-z]?\)?\.?$)", re.IGNORECASE)  # fmt: skip


def _is_problem(claim: str, kind: str) -> bool:
    """An obstacle the paper starts from ("However, learning high quality representations can be challenging."):
    a PROBLEM cue beyond the words any sentence may use ("this problem", "requires", "remains"), not the paper's
    own contribution; outside an introduction an obstacle word beyond "however" ("However, we can rearrange …")."""
    cues = {m.group().lower() for m in PROBLEM.finditer(claim)
            if not _NEGATED.search(claim[max(0, m.start() - 24) : m.start()])} - _WEAK_PROBLEM  # not "does not suffer"
    if kind != "intro":
        cues -= {"however"}  # outside an introduction "however" turns an argument ("However, the LSTM is known to …")
    return bool(cues) and not _CONTRIBUTION.search(claim)


def _is_proposal(claim: str) -> bool:
    """What the paper states it proposes, in :data:`PROPOSAL_WORDS` words or more (not a roadmap, not a survey's
    introduction of cited work, not a possibility)."""
    return (bool(_PROPOSAL.search(claim)) and not _HEDGED.search(claim) and not _NOT_A_PROPOSAL.search(claim)
            and len(claim.split()) >= PROPOSAL_WORDS)


def _is_component(claim: str) -> bool:
    """A plain statement about how the paper's method is built: a part of a model, not what an experiment tests or
    what the authors observe ("We test GPT-2's ability to …", "We see that …") or a possibility ("could yield")."""
    return bool(_COMPONENT.search(claim)) and not _OBSERVES.search(claim) and not _HEDGED.search(claim)


def _shapes(claim: str, kind: str) -> list[str]:
    """The shapes ``claim`` has (see :data:`_ON_CLAIM`), in the order a slide of ``kind`` asks about them: none
    when it leans on the sentence before it ("Another way of describing this is …"), gives credit, only defines a
    thing ("GLUE is a collection of …"), points elsewhere or is garbled; what prior work found (cited, without
    "we"/"our") only as an obstacle it left, or as what prior work did ("prior", asked only when nothing else fits)."""
    if (leans_on_previous(claim) or is_credits(claim) or _NOT_A_CLAIM.search(claim) or is_pointer(claim)
            or is_garbled(claim)):  # fmt: skip
        return []
    measured = NUMBER.search(CITATION.sub(" ", claim))  # a number of its own, not a reference's ("Graves [10]")
    setting = bool(SETUP.search(claim) or _SET_PAST.search(claim))
    setup = setting or bool(_HARDWARE.search(claim))
    scores = bool(_SCORES.search(claim)) and len(_MEASURE.findall(claim)) >= 2  # "GLUE scores are 83.6 for no
    # weight tying, 84.3 for …": measured results, not a design
    shapes = {
        "problem": _is_problem(claim, kind),
        "open": bool(OPEN_END.search(claim)),
        "finding": (bool(FINDING.search(claim) or scores) and (not setup or bool(measured))  # a measured gain
                    and bool(measured or _COMPARES.search(claim))
                    and not _HEDGED.search(claim) and (kind != "intro" or bool(_WE.search(claim)))
                    and not _BASELINE_IS.search(claim)),
        "design": (bool(DESIGN.search(claim)) and not ((FINDING.search(claim) or scores) and measured)
                   and not _OBSERVES.search(claim) and not _HEDGED.search(claim)),
        "setting": (setting and bool(measured) and not _HARDWARE.search(claim) and not FINDING.search(claim)
                    and not _METRIC.search(claim) and not _BASELINE.search(claim)),
        "proposal": _is_proposal(claim),
    }
    if CITES.search(claim) and not _WE.search(claim):  # what prior work did: the obstacle it left, or what it is
        shapes = {"problem": shapes["problem"], "prior": bool(_PRIOR_DID.search(claim))}
    elif not any(shapes.values()) and not setup:  # a plain statement: how the method is built, or what is concluded
        shapes["design"] = kind == "method" and _is_component(claim) and not scores
        shapes["conclusion"] = kind == "conclusion"
    return [shape for shape in _ORDER[kind] if shapes.get(shape)]


def slide_question(unit: Unit, details: list[str], lang: str, captions: Sequence[str] = ()) -> str:
    """A question about a claim the audience sees — a detail of the slide of a shape the slide's kind asks about
    (:func:`_shapes`), its first shape first, the more concrete (a number or a name) and then the shorter of equals;
    else such a claim of the slide's section (not of a figure's or table's ``captions``); else what prior work did,
    on the slide or in its section; else a question about its section."""
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


_WE_DO = re.compile(r"\bwe (pick|choose|chose|select|use|assume|follow|add|apply|train|feed|fix|keep|remove|replace|"
                    r"share|tie|initiali[sz]e|normali[sz]e|limit|restrict|set)\b", re.IGNORECASE)  # a choice the authors make
# Not a statement to ask about: a pointer inside a sentence ("(Sec. 5.2)", "the Fig. 2 …"), notation ("Let us denote
# …", "we consider two vectors …"), a data set's entry ("CR: Customer reviews of …"), what others have proposed, or a
# sample of a model's output ("I cannot provide …", "you can use the kill command").
_NOT_A_STATEMENT = re.compile(r"^[A-Z0-9-]{2,8}: |\b(have|has) been (proposed|introduced|studied|explored)\b|"
                              r"\bwe (consider|denote|define|write|let)\b|\b(sec(tion)?s?\.? \d|fig(ure)?s?\.? \d|"
                              r"tables? \d|appendix|let us|we denote|denoted? (by|as))\b|(^|\s)I\s|\byou\b",
                              re.IGNORECASE)  # fmt: skip


def _is_statement(claim: str) -> bool:
    """A whole statement of the paper's own that a question may quote when none has a shape a frame fits: not one
    :func:`_shapes` refuses (leaning, credits, a definition, a pointer, garbled), not what prior work did, not a
    question or an announcement (":"), not a training or evaluation setup, at least :data:`STATEMENT_WORDS` words."""
    return (len(claim.split()) >= STATEMENT_WORDS and not claim.rstrip().endswith((":", "?", "？", "："))
            and not (CITES.search(claim) and not _WE.search(claim)) and not leans_on_previous(claim)
            and not is_credits(claim) and not _NOT_A_CLAIM.search(claim) and not is_pointer(claim)
            and not is_garbled(claim) and not _NOT_A_STATEMENT.search(claim)
            and not (SETUP.search(claim) or _SET_PAST.search(claim) or _HARDWARE.search(claim)))  # fmt: skip


def _plain_frame(claim: str, kind: str) -> str:
    """The frame for a plain statement (:func:`_is_statement`): what the paper proposes as a proposal, what the
    authors do ("We pick the weights with absolute value > 0.2 …") as a choice to question, a part of the method as
    the part it plays, anything else as a claim to weigh."""
    if _is_proposal(claim):
        return "proposal"
    if _WE_DO.search(claim) and not _HEDGED.search(claim):
        return "design"
    return "part" if kind == "method" and _is_component(claim) else "statement"


def _question(titles: str, title: str, details: list[str], lang: str, section: list[str] | None = None) -> str:
    kind = talk_kind(titles)
    pools = (details, [s for s in section or [] if is_prose(s)])
    for wanted in (lambda shape: shape != "prior", lambda shape: shape == "prior"):  # prior work: a last resort
        for pool in pools:
            claims = {d: [x for x in _shapes(d, kind) if wanted(x)]
                      for d in pool if len(d) <= CLAIM_CHARS and not d.endswith("…")}  # fmt: skip
            claims = {d: shapes for d, shapes in claims.items() if shapes}
            if claims:
                best = min(claims, key=lambda d: (_ORDER[kind].index(claims[d][0]), not is_concrete(d), len(d)))
                return _ON_CLAIM[lang][claims[best][0]].format(claim=best)
    for pool in pools:  # no shape fits: a plain statement of the slide (of its section) — the part it plays when it
        # is about a part of the method, else what supports it — not the slide's title
        plain = [d for d in pool if len(d) <= CLAIM_CHARS and not d.endswith("…") and _is_statement(d)]
        if plain:
            best = min(plain, key=lambda d: (_plain_frame(d, kind) == "statement", not is_concrete(d), len(d)))
            return _ON_CLAIM[lang][_plain_frame(best, kind)].format(claim=best)
    return _ON_TITLE[lang][kind].format(title=title or ("这部分" if lang == "zh" else "this part"))

"""What a section of a paper is for, from its title (and its parent's kind).

Kinds: ``abstract``, ``intro``, ``related`` (related work, background), ``method``, ``experiments`` (setup,
results, evaluation, ablations, analysis), ``discussion`` (discussion, limitations, future work, broader impact),
``conclusion``, ``appendix`` (anything after the references), ``back`` (references, acknowledgements, author
contributions, ethics statements) and ``body`` (a section whose title says nothing; its place in the paper decides:
between the introduction and the first experiments section it is method).

The other tests of a title live here too, each named for what it asks: :func:`is_back_matter_title`,
:func:`is_references_title` (the reference list itself: a parsed heading is exactly its name, a title in the
section tree starts with it), :data:`REFERENCES_LINE` (its heading line in a page's raw text),
:func:`is_overview_title` (a section that mentions everything briefly), and the coarser views slides take:
:func:`talk_kind`, :func:`is_closing_title` and :func:`is_framing_title`.
"""

from __future__ import annotations

import re

_RULES = (  # first match wins; the title is matched without its number
    (
        "back",
        re.compile(
            r"^(references|bibliography|参考文献|acknowledge?ments?|致谢|authors?['’]? contributions?|funding|"
            r"ethics statement|reproducibility statement|competing interests|abbreviations|author details|"
            r"availability of (data|code)|(data|code)( and materials?)? availability|consent for publication|"
            r"ethics approval|declarations|publisher['’]s note)\b",
            re.IGNORECASE,
        ),
    ),
    ("abstract", re.compile(r"^(abstract|摘要)\b", re.IGNORECASE)),
    ("intro", re.compile(r"^(introduction|引言|介绍|绪论|前言|overview)\b", re.IGNORECASE)),
    (
        "related",
        re.compile(
            r"(related work|background|prior work|previous work|follow-up work|preliminar|notation|"
            r"terminology|relationship|相关工作|背景)",
            re.IGNORECASE,
        ),
    ),
    ("method", re.compile(r"^(methods?|methodology|approach|our approach|proposed|model|方法)\b", re.IGNORECASE)),
    (
        "discussion",
        re.compile(r"(limitation|future work|discussion|broader impact|societal impact|局限|讨论|未来)", re.IGNORECASE),
    ),
    ("conclusion", re.compile(r"^(conclusions?|concluding|summary|结论|总结)\b|conclusion", re.IGNORECASE)),
    (
        "experiments",
        re.compile(
            r"(experiment|result|evaluat|ablation|analys|benchmark|empirical|comparison|"
            r"setup|baseline|dataset|实验|结果|评估|分析)",
            re.IGNORECASE,
        ),
    ),
    (
        "method",
        re.compile(
            r"(method|model|approach|architecture|framework|algorithm|training|objective|"
            r"formulation|design|our |proposed|方法|模型|架构)",
            re.IGNORECASE,
        ),
    ),
)
BACK_MATTER = frozenset({"back", "appendix"})
_REFERENCES = r"references|bibliography|参考文献"
_REFERENCES_TITLE = re.compile(rf"^({_REFERENCES})", re.IGNORECASE)
_REFERENCES_EXACT = re.compile(rf"^({_REFERENCES})$", re.IGNORECASE)
# The reference list's heading as a line of a page's raw text (numbered or not; "Literature Cited" in journals):
# where the cited years are read from.
REFERENCES_LINE = re.compile(
    r"^\s*(?:\d+\.?\s*)?(?:references|bibliography|literature cited)\s*$", re.IGNORECASE | re.MULTILINE
)
# Sections that mention everything briefly (by the start of the title, without its number).
_OVERVIEW = re.compile(
    r"^(abstract|introduction|related work|conclusions?|concluding|summary|摘要|引言|结论)", re.IGNORECASE
)
# Slides: what kind of question a section's titles ask for (searched anywhere in them; else "method") ...
_TALK_KINDS = (
    ("results", re.compile(r"result|experiment|evaluat|ablation|benchmark|analysis|实验|结果|评估", re.IGNORECASE)),
    ("intro", re.compile(r"introduction|background|related|motivation|引言|介绍|背景|相关", re.IGNORECASE)),
    ("conclusion", re.compile(r"conclusion|discussion|limitation|future|结论|总结|讨论|局限", re.IGNORECASE)),
)
# ... the section a talk's summary is checked against with the abstract (by the start of the title) ...
_CLOSING = re.compile(r"(conclusion|discussion|总结|结论)", re.IGNORECASE)
# ... and the sections that frame the paper rather than present it (by the start of the title, no word boundary).
_FRAMING = re.compile(r"^(abstract|摘要|acknowledge?ments?|致谢|appendix|附录)", re.IGNORECASE)


def title_kind(title: str) -> str | None:
    """The kind a section's title alone says, or None."""
    text = title.strip()
    for kind, pattern in _RULES:
        if pattern.search(text):
            return kind
    return None


def is_back_matter_title(title: str) -> bool:
    """References, acknowledgements and the like: never evidence, never a candidate."""
    return title_kind(title) == "back"


def is_references_title(title: str, *, exact: bool = False) -> bool:
    """The reference list: a title that starts with "References", "Bibliography" or "参考文献"; ``exact``: a title
    that is exactly one of them (a parsed heading; "References and Notes" is not one)."""
    return bool((_REFERENCES_EXACT if exact else _REFERENCES_TITLE).match(title.strip()))


def is_overview_title(title: str) -> bool:
    """Abstract, introduction, related work, conclusion, summary: a section that mentions everything briefly, where a
    "where do they explain X" answer rarely is (``title`` without its number)."""
    return bool(_OVERVIEW.match(title))


def talk_kind(title: str) -> str:
    """The coarse kind slides ask questions by: ``results``, ``intro``, ``conclusion`` or ``method``."""
    return next((kind for kind, pattern in _TALK_KINDS if pattern.search(title)), "method")


def is_closing_title(title: str) -> bool:
    """Conclusion or discussion (by the start of the title): where a talk's summary points are checked."""
    return bool(_CLOSING.match(title))


def is_framing_title(title: str) -> bool:
    """Abstract, acknowledgements or an appendix (by the start of the title): not a slide of the talk."""
    return bool(_FRAMING.match(title))


def section_kinds(titles: list[tuple[str, int]]) -> list[str]:
    """Kinds for a paper's sections in document order, given ``(title, level)`` each.

    A sub-section without a telling title takes its parent's kind, and so does one whose title says ``method`` under
    experiments, discussion or background ("2.2 Architecture" under "2 Background" describes prior work); a
    top-level one takes ``method`` between the
    introduction and the first experiments/discussion/conclusion section, else the kind before it.  Everything after
    the references is ``appendix``.
    """
    kinds: list[str] = []
    parents: list[str] = []  # the kind of the enclosing section at each level
    after_references = False
    seen_experiments = False
    for title, level in titles:
        own = title_kind(title)
        if own == "back" and is_references_title(title):
            after_references = True
            kinds.append("back")
            parents = parents[: level - 1] + ["back"]
            continue
        parent = parents[level - 2] if 1 < level <= len(parents) + 1 and level >= 2 else None
        if after_references and own != "back":
            kind = "appendix"
        elif own is not None and not (parent in ("experiments", "discussion", "related") and own == "method"):
            kind = own
        elif parent is not None:
            kind = parent
        elif not seen_experiments:
            kind = "method"
        else:
            kind = "experiments"
        if kind in ("experiments", "discussion", "conclusion"):
            seen_experiments = True
        kinds.append(kind)
        parents = parents[: level - 1] + [kind]
    return kinds

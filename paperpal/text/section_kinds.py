"""What a section of a paper is for, from its title (and its parent's kind).

Kinds: ``abstract``, ``intro``, ``related`` (related work, background), ``method``, ``experiments`` (setup,
results, evaluation, ablations, analysis), ``discussion`` (discussion, limitations, future work, broader impact),
``conclusion``, ``appendix`` (anything after the references), ``back`` (references, acknowledgements, author
contributions, ethics statements) and ``body`` (a section whose title says nothing; its place in the paper decides:
between the introduction and the first experiments section it is method).
"""

from __future__ import annotations

import re

_RULES = (  # first match wins; the title is matched without its number
    ("back", re.compile(r"^(references|bibliography|参考文献|acknowledge?ments?|致谢|author contributions?|funding|"
                        r"ethics statement|reproducibility statement|competing interests)\b", re.IGNORECASE)),  # fmt: skip
    ("abstract", re.compile(r"^(abstract|摘要)\b", re.IGNORECASE)),
    ("intro", re.compile(r"^(introduction|引言|介绍|绪论|前言|overview)\b", re.IGNORECASE)),
    ("related", re.compile(r"(related work|background|prior work|previous work|follow-up work|preliminar|notation|"
                           r"terminology|relationship|相关工作|背景)", re.IGNORECASE)),  # fmt: skip
    ("method", re.compile(r"^(methods?|methodology|approach|our approach|proposed|model|方法)\b", re.IGNORECASE)),
    ("discussion", re.compile(r"(limitation|future work|discussion|broader impact|societal impact|局限|讨论|未来)", re.IGNORECASE)),
    ("conclusion", re.compile(r"^(conclusions?|concluding|summary|结论|总结)\b|conclusion", re.IGNORECASE)),
    ("experiments", re.compile(r"(experiment|result|evaluat|ablation|analys|benchmark|empirical|comparison|"
                               r"setup|baseline|dataset|实验|结果|评估|分析)", re.IGNORECASE)),  # fmt: skip
    ("method", re.compile(r"(method|model|approach|architecture|framework|algorithm|training|objective|"
                          r"formulation|design|our |proposed|方法|模型|架构)", re.IGNORECASE)),  # fmt: skip
)
BACK_MATTER = frozenset({"back", "appendix"})


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


def section_kinds(titles: list[tuple[str, int]]) -> list[str]:
    """Kinds for a paper's sections in document order, given ``(title, level)`` each.

    A sub-section without a telling title takes its parent's kind; a top-level one takes ``method`` between the
    introduction and the first experiments/discussion/conclusion section, else the kind before it.  Everything after
    the references is ``appendix``.
    """
    kinds: list[str] = []
    parents: list[str] = []  # the kind of the enclosing section at each level
    after_references = False
    seen_experiments = False
    for title, level in titles:
        own = title_kind(title)
        if own == "back" and re.match(r"^(references|bibliography|参考文献)", title.strip(), re.IGNORECASE):
            after_references = True
            kinds.append("back")
            parents = parents[: level - 1] + ["back"]
            continue
        parent = parents[level - 2] if 1 < level <= len(parents) + 1 and level >= 2 else None
        if after_references and own != "back":
            kind = "appendix"
        elif own is not None and not (parent in ("experiments", "discussion") and own == "method"):
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

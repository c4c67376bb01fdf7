"""The reading note: what ``summarize`` returns, export renders, the app shows and Zotero receives.

Every statement the note presents as a fact about the paper carries its evidence (section, 1-based page, verbatim
passage: :class:`~paperpal.model.Evidence`) and its origin: ``"model"`` — condensed by the model and passed the
support check against that passage — or ``"paper"`` — the paper's own words.  Notes saved by PaperPal before
evidence existed load with origin ``"unchecked"`` and no evidence, and are shown without citations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .model import Evidence, Highlight

ORIGINS = ("model", "paper", "unchecked")


def _checked(data: dict[str, Any]) -> tuple[list[Evidence], str]:
    """An entry's evidence and origin; an entry saved before statements carried evidence is "unchecked"."""
    evidence = [Evidence.from_dict(e) for e in data.get("evidence") or []]
    return evidence, data.get("origin", "model" if "evidence" in data else "unchecked")


@dataclass
class Aspect:
    """A method or result entry: what it is about, and the statement."""

    aspect: str
    detail: str
    evidence: list[Evidence] = field(default_factory=list)
    origin: str = "model"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Aspect:
        return cls(data["aspect"], data["detail"], *_checked(data))


@dataclass
class Statement:
    """A strength or weakness entry."""

    text: str
    evidence: list[Evidence] = field(default_factory=list)
    origin: str = "model"

    @classmethod
    def from_dict(cls, data: Any) -> Statement:
        if isinstance(data, str):  # a note saved before strengths and weaknesses were objects
            return cls(data, [], "unchecked")
        return cls(data["text"], *_checked(data))


@dataclass
class SummaryNote:
    """A reading note in the template researchers use (see ``templates/note.*.md.j2``)."""

    title: str
    language: str
    authors: list[str] = field(default_factory=list)
    authors_short: str = ""
    venue: str | None = None
    year: int | None = None
    link: str | None = None
    code_url: str | None = None
    keywords: list[str] = field(default_factory=list)
    one_sentence: str = ""
    problem: str = ""
    method: list[Aspect] = field(default_factory=list)
    results: list[Aspect] = field(default_factory=list)
    strengths: list[Statement] = field(default_factory=list)
    weaknesses: list[Statement] = field(default_factory=list)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)  # {"one_sentence": [...], "problem": [...]}
    origin: dict[str, str] = field(default_factory=dict)  # {"one_sentence": "model"|"paper", "problem": ...}
    highlights: list[Highlight] = field(default_factory=list)  # the reader's own Zotero highlights, located
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SummaryNote:
        data = dict(data)
        for key in ("method", "results"):
            data[key] = [Aspect.from_dict(a) for a in data.get(key, [])]
        for key in ("strengths", "weaknesses"):
            data[key] = [Statement.from_dict(s) for s in data.get(key, [])]
        data["evidence"] = {k: [Evidence.from_dict(e) for e in v or []] for k, v in (data.get("evidence") or {}).items()}
        data["highlights"] = [Highlight.from_dict(h) for h in data.get("highlights") or []]
        legacy = "evidence" not in data or not data["evidence"]
        data["origin"] = data.get("origin") or (
            {k: "unchecked" for k in ("one_sentence", "problem")} if legacy else {}
        )
        return cls(**data)

    # -- what the note states ------------------------------------------------------------------------------------
    def empty_reason(self) -> str:
        """Why the note states nothing, for the CLI and the app to say what to try: ``"chinese_paper"`` (an English
        note of a paper written in Chinese: the bundled model answers its passages in Chinese, which the English
        note cannot show), ``"nothing_checked"`` (no statement passed the support check and the paper's words could
        not stand in), or ``""`` when the note has statements."""
        if self.statements():
            return ""
        from .text.normal import has_cjk

        return "chinese_paper" if self.language != "zh" and has_cjk(self.title or "", 0.2) else "nothing_checked"

    def statements(self) -> list[tuple[str, str, list[Evidence], str]]:
        """Every statement as (field, text, evidence, origin), in the note's order."""
        out: list[tuple[str, str, list[Evidence], str]] = []
        for key in ("one_sentence", "problem"):
            text = getattr(self, key)
            if text:
                out.append((key, text, self.evidence.get(key, []), self.origin.get(key, "unchecked")))
        for key in ("method", "results"):
            out += [(key, a.detail, a.evidence, a.origin) for a in getattr(self, key)]
        for key in ("strengths", "weaknesses"):
            out += [(key, s.text, s.evidence, s.origin) for s in getattr(self, key)]
        return out

    def origin_counts(self) -> dict[str, int]:
        """How many statements the model condensed (and the check passed) and how many are the paper's words."""
        counts = {origin: 0 for origin in ORIGINS}
        for *_, origin in self.statements():
            counts[origin] = counts.get(origin, 0) + 1
        return counts


def authors_short(authors: list[str], lang: str = "en") -> str:
    """Two names then ", et al." (等): the way a reading note cites a paper."""
    if len(authors) <= 2:
        return (" 和 " if lang == "zh" else " and ").join(authors)
    return ", ".join(authors[:2]) + (" 等" if lang == "zh" else ", et al.")

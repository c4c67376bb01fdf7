"""The outline of a group-meeting talk: what the slides say, where in the paper each comes from, how it was made.

An :class:`Outline` is what :func:`~paperpal.slides.outline.make_outline` returns, what the desktop app edits, what a
deck is built from (:mod:`paperpal.export.pptx`) and what a batch keeps for its digest (``to_dict``/``from_dict``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class FigureRef:
    """A figure or table of the paper shown on a slide (cropped from the PDF when the deck is built)."""

    label: str  # "Figure 2"
    kind: str  # "figure" | "table"
    page: int
    caption: str


@dataclass
class ContentSlide:
    title: str
    section: str  # "3.2 Attention" (or several joined with " · ")
    page_start: int
    page_end: int
    details: list[str]
    question: str
    notes: str = ""
    figure: FigureRef | None = None
    origin: dict[str, str] = field(default_factory=dict)  # field -> "model" | "paper" | "template"
    highlights: list[str] = field(default_factory=list)  # the reader's Zotero highlights on these pages, as notes show them
    detail_pages: dict[str, int] = field(default_factory=dict)  # detail -> the 1-based page it stands on verbatim


@dataclass
class Outline:
    paper_title: str
    language: str
    authors: list[str] = field(default_factory=list)
    authors_short: str = ""
    venue: str | None = None
    year: int | None = None
    presenter: str | None = None
    minutes: int = 15
    agenda: list[str] = field(default_factory=list)
    slides: list[ContentSlide] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    key_figure: FigureRef | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outline:
        data = dict(data)

        def fig(d: dict | None) -> FigureRef | None:
            return FigureRef(**d) if d else None

        data["slides"] = [ContentSlide(**{**s, "figure": fig(s.get("figure"))}) for s in data.get("slides", [])]
        data["key_figure"] = fig(data.get("key_figure"))
        return cls(**data)

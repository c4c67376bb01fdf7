"""The one model that flows parse -> index -> tasks -> export.

Pages are 1-based physical page indices everywhere (what a PDF viewer's page
counter shows).  Bounding boxes are PDF points ``(x0, y0, x1, y1)`` in PyMuPDF's
page coordinates (origin top-left).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Section:
    """One heading of the paper and the text under it (up to the next heading)."""

    number: str | None  # "3.3.1", "A", or None for unnumbered ("Abstract", "References")
    title: str  # "Task #1: Masked LM"
    level: int  # 1 = top level
    page_start: int  # 1-based
    page_end: int  # 1-based, inclusive
    text: str = ""  # body text under this heading, in reading order (sub-sections excluded)
    children: list[Section] = field(default_factory=list)
    kind: str = ""  # what the section is for (paperpal.text.section_kinds: "abstract", "intro", "method", "back"...)

    @property
    def label(self) -> str:
        """How a section is printed: "3.5 Positional Encoding" or "Abstract"."""
        return f"{self.number} {self.title}" if self.number else self.title

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Evidence:
    """Where a statement about a paper stands in it: the section, the 1-based page and the verbatim passage."""

    section_number: str | None  # "3.2", or None for an unnumbered section ("Abstract")
    section_title: str
    page: int  # 1-based physical page where the quote starts
    quote: str  # the passage, verbatim (whitespace normalised) as it stands on that page

    def cite(self, lang: str = "en") -> str:
        """The compact reference printed after a statement: "§3.2, p. 4" / "Abstract, p. 1" (zh: "§3.2，第 4 页")."""
        where = f"§{self.section_number}" if self.section_number else self.section_title
        return f"{where}，第 {self.page} 页" if lang == "zh" else f"{where}, p. {self.page}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(**{k: data[k] for k in ("section_number", "section_title", "page", "quote")})


@dataclass
class Caption:
    """A figure or table caption and where it sits."""

    kind: str  # "figure" | "table"
    label: str  # "Figure 1", "Table 3"
    text: str  # the caption text, label included
    page: int  # 1-based
    bbox: tuple[float, float, float, float]  # caption block bbox in PDF points


@dataclass
class Highlight:
    """A reader's own annotation of the paper in Zotero: a highlight or underline (its text), a note or a comment."""

    page: int | None  # 1-based physical page (Zotero's pageIndex + 1)
    text: str = ""  # the highlighted text ("" for a note annotation)
    comment: str = ""  # the reader's comment
    type: str = "highlight"  # "highlight" | "underline" | "note" | "text" | "image" | "ink"
    color: str = ""
    section_number: str | None = None  # where it stands, once located in the paper (see tasks/highlights.py)
    section_title: str = ""

    def as_evidence(self) -> list[Evidence]:
        """Where it stands, as a note cites it ([] when Zotero gave no page)."""
        if self.page is None:
            return []
        return [Evidence(self.section_number, self.section_title or f"Page {self.page}", self.page, self.text)]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Highlight:
        return cls(**{k: data[k] for k in ("page", "text", "comment", "type", "color", "section_number",
                                           "section_title") if k in data})  # fmt: skip


@dataclass
class Chunk:
    """A piece of body text (about 200-400 words) that never crosses a section."""

    id: str  # stable: f"{paper.id}:{index}"
    text: str
    section_path: list[str]  # labels from the top-level section down, e.g. ["3 Model", "3.5 Positional Encoding"]
    section_number: str | None
    section_title: str
    page_start: int  # 1-based
    page_end: int  # 1-based
    char_start: int  # offsets into Paper.full_text
    char_end: int


@dataclass
class Paper:
    """Everything PaperPal knows about one PDF."""

    id: str  # sha256 of the PDF bytes (first 16 hex chars): a paper is keyed by its content
    path: str
    page_count: int
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None  # best link: DOI url, else arXiv abs url, else None
    code_url: str | None = None  # e.g. a printed github.com link
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = "en"  # "en" | "zh"
    has_outline: bool = False
    sections: list[Section] = field(default_factory=list)  # top-level sections (tree via children)
    captions: list[Caption] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    references_page: int | None = None  # 1-based page where the reference list starts
    full_text: str = ""  # the body in reading order; Chunk offsets index into it
    text_status: str = "ok"  # "ok" | "no_text" (image-only scan) | "garbled" (fonts without unicode map)
    page_texts: list[str] = field(default_factory=list, repr=False)  # each page's plain PDF text (index 0 = page 1)
    highlights: list[Highlight] = field(default_factory=list)  # the reader's Zotero annotations, in page order
    extra: dict[str, Any] = field(default_factory=dict)  # source-specific metadata (e.g. Zotero key, tags)

    # -- navigation -------------------------------------------------------
    def all_sections(self) -> list[Section]:
        return [s for top in self.sections for s in top.walk()]

    def sections_with_kinds(self) -> list[tuple[Section, str]]:
        """Every section in document order with its kind: set once by the parser (worked out here, once, for a
        Paper built another way)."""
        ordered = self.all_sections()
        if not all(s.kind for s in ordered):
            from .text.section_kinds import section_kinds

            for section, kind in zip(ordered, section_kinds([(s.title, s.level) for s in ordered])):
                section.kind = kind
        return [(s, s.kind) for s in ordered]

    def section_trail(self, chunk: Chunk) -> tuple[Section, ...]:
        """The sections ``chunk`` stands in, from the top level down: structured (number, title, kind), not a label
        string to split and strip again."""
        trail: list[Section] = []
        level = self.sections
        for label in chunk.section_path:
            found = next((s for s in level if s.label == label), None)
            if found is None:
                break
            trail.append(found)
            level = found.children
        return tuple(trail)

    def find_section(self, title_or_number: str) -> Section | None:
        needle = title_or_number.strip().lower()
        for s in self.all_sections():
            if (s.number and s.number.lower() == needle) or s.title.lower() == needle:
                return s
        for s in self.all_sections():
            if needle in s.title.lower():
                return s
        return None

    def apply_library_metadata(self, meta: dict[str, Any]) -> None:
        """Take a reference manager's metadata (Zotero's is better than anything parsed from a PDF).

        ``meta`` is a library record: ``{"key", "library", "title", "authors": ["First Last", ...],
        "year", "venue", "doi", "url", "abstract", "collections": [names], "tags": [...], "highlights":
        [annotation dicts]}``; missing or empty values keep what the parser found.  The record itself is kept in
        ``extra["zotero"]``.
        """
        for name in ("title", "venue", "doi", "url", "abstract"):
            if meta.get(name):
                setattr(self, name, str(meta[name]))
        if meta.get("authors"):
            self.authors = [str(a) for a in meta["authors"]]
        if meta.get("year"):
            self.year = int(meta["year"])
        if meta.get("highlights"):
            self.highlights = [Highlight.from_dict(h) for h in meta["highlights"]]
        self.extra["zotero"] = dict(meta)

    @property
    def text_readable(self) -> bool:
        return self.text_status == "ok"

    # -- serialisation ----------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        data = dict(data)

        def section(d: dict) -> Section:
            d = dict(d)
            d["children"] = [section(c) for c in d.get("children", [])]
            return Section(**d)

        data["sections"] = [section(s) for s in data.get("sections", [])]
        data["captions"] = [Caption(**{**c, "bbox": tuple(c["bbox"])}) for c in data.get("captions", [])]
        data["chunks"] = [Chunk(**c) for c in data.get("chunks", [])]
        data["highlights"] = [Highlight.from_dict(h) for h in data.get("highlights", [])]
        return cls(**data)

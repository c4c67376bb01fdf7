"""PDF -> :class:`paperpal.model.Paper`: layout, sections, captions, chunks and metadata."""

from __future__ import annotations

from pathlib import Path

from ..errors import check_cancelled
from ..model import Paper, Section
from ..text.normal import has_cjk
from .captions import find_captions
from .chunks import make_chunks
from .layout import Line, Vocabulary, document_layout, join_text, margin_lines, side_text
from .metadata import FIELDS as METADATA_FIELDS
from .metadata import extract_metadata
from .reader import classify_text, open_pdf, text_status
from .reader import paper_id as pdf_paper_id
from .sections import (
    SectionSpan,
    build_sections,
    detect_headings,
    merge_known,
    outline_headings,
    references_page,
)

PARSER_VERSION = "1"

__all__ = ["PARSER_VERSION", "Line", "margin_lines", "open_pdf", "parse_pdf", "side_text", "text_status"]

def _language(text: str) -> str:
    return "zh" if has_cjk(text, 0.2, punctuation=True) else "en"


def _headings(doc, lines: list[Line]):
    detected = detect_headings(lines)
    toc = doc.get_toc(simple=False)
    if not toc:
        return detected
    heights = {p.number + 1: p.rect.height for p in doc}
    outline = outline_headings(lines, toc, heights)
    return merge_known(outline, detected) if outline else detected


def parse_pdf(path: str | Path, *, on_progress=None, cancel=None) -> Paper:
    """Parse the PDF at ``path`` into a :class:`Paper`.

    ``on_progress(done_pages, total_pages)`` is called as pages are read; ``cancel`` is an
    object with ``is_set()`` (e.g. ``threading.Event``): when set, :class:`Cancelled` is raised.
    Scans and PDFs with broken fonts still give a Paper; see ``Paper.text_status``.
    """
    doc = open_pdf(path)
    try:
        paper_id = pdf_paper_id(path)

        def on_page(done: int, total: int) -> None:
            check_cancelled(cancel, f"Parsing cancelled: {path}")
            if on_progress:
                on_progress(done, total)

        pages = document_layout(doc, on_page)
        lines = [line for page in pages for line in page.lines]
        raw = "\n".join(line.text for line in lines)
        paper = Paper(
            id=paper_id,
            path=str(Path(path)),
            page_count=doc.page_count,
            has_outline=bool(doc.get_toc()),
            text_status=classify_text(raw + "".join(l.text for l in margin_lines(pages)), doc.page_count),
            language=_language(raw),
        )
        if paper.text_status != "ok":  # a scan or broken fonts: junk text must not become sections or chunks
            lines = []
        headings = _headings(doc, lines) if lines else []
        for h in headings:  # a heading is its own paragraph, and so is the text after it
            for k in range(h.index, min(len(lines), h.index + max(h.span, 1) + 1)):
                lines[k].para_start = True
        text, starts = join_text(lines, Vocabulary.of(lines))
        sections, spans = build_sections(headings, lines, starts, text)
        if not spans and text.strip():
            whole = Section(None, "", 1, 1, doc.page_count, text)
            spans = [SectionSpan(whole, [], 0, len(text))]
        paper.full_text = text
        paper.sections = sections
        paper.captions = find_captions(lines)
        paper.chunks = make_chunks(paper_id, text, spans, starts, lines)
        paper.references_page = references_page(headings, lines)
        paper.sections_with_kinds()  # each section's kind, decided once, here, for every task
        check_cancelled(cancel, f"Parsing cancelled: {path}")
        paper.page_texts = [page.get_text() for page in doc]  # quotes are verified against these
        side = [line for page in pages[:2] for line in page.margin]
        _add_metadata(paper, doc, [l for l in lines if l.page == 1], side)
        return paper
    finally:
        doc.close()


def _add_metadata(paper: Paper, doc, first_lines: list[Line], side_lines: list[Line]) -> None:
    """Title, authors, year... from the metadata extractor (from what parsing read); abstract falls back to its section."""
    meta = extract_metadata(doc, first_lines, paper.page_texts, side_lines)
    for key in METADATA_FIELDS:
        if meta.get(key) not in (None, "", []):
            setattr(paper, key, meta[key])
    if not paper.abstract:
        abstract = next((s for s in paper.all_sections() if s.title.lower() == "abstract"), None)
        if abstract:
            paper.abstract = abstract.text

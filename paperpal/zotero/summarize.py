"""``summarize --zotero ITEMKEY``: the synced item's PDF, read with Zotero's metadata, summarised."""

from __future__ import annotations

from ..settings import Settings
from .library import item_pdf


def summarize_item(settings: Settings, key: str, *, lang: str | None = None, on_pages=None, on_progress=None,
                   cancel=None, extractive: bool = False):  # fmt: skip
    """The reading note for Zotero item ``key`` (Zotero's title, authors, venue, year and DOI win over the PDF's)."""
    from ..pdf import parse_pdf
    from ..tasks.summary import summarize

    path, meta = item_pdf(settings, key)
    paper = parse_pdf(path, on_progress=on_pages, cancel=cancel)
    paper.apply_library_metadata(meta)
    return summarize(paper, settings=settings, lang=lang, on_progress=on_progress, cancel=cancel, extractive=extractive)

"""The outline and the batch digest as Markdown, rendered from ``templates/outline.md.j2`` and
``templates/digest.md.j2`` (as notes are from ``templates/note.<lang>.md.j2``)."""

from __future__ import annotations

from pathlib import Path

from ..resources import render_template
from .details import shorten
from .labels import LABELS, pages_text
from .model import Outline


def outline_markdown(outline: Outline) -> str:
    """The outline as Markdown (``paperpal slides --outline-only``)."""
    lang = outline.language
    return render_template("outline.md.j2", outline=outline, t=LABELS[lang], shorten=shorten,
                           pages=lambda start, end: pages_text(start, end, lang))  # fmt: skip


def digest_markdown(title: str, lang: str, papers: list[tuple], failed: list) -> str:
    """The batch digest as Markdown: ``papers`` are the ``(PaperStatus, Outline)`` pairs of the decks made, ``failed``
    the :class:`~.batch.PaperStatus` of the papers not done."""
    failed = [(Path(p.source).name, p.error) for p in failed]
    return render_template("digest.md.j2", title=title, lang=lang, papers=papers, failed=failed)

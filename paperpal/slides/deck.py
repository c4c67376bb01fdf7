"""One paper's deck (:func:`make_slides`), or its outline to look at and edit first (:func:`slide_outline`).

The desktop app makes the outline first (:func:`slide_outline`), lets the user edit it, and passes the edited
outline to :func:`make_slides`, which then builds the deck from it as it is (speaker notes follow the edited text
unless the user wrote their own, :func:`~.notes.speaker_notes`).
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from dataclasses import replace
from pathlib import Path

from ..errors import InputFileError, check_cancelled
from ..home import atomic_write_text
from ..llm.base import Backend
from ..model import Paper
from ..settings import Settings
from .markdown import outline_markdown
from .model import Outline
from .notes import speaker_notes
from .outline import make_outline


def _outline(paper: Paper, cropper, *, settings: Settings, backend: Backend | None, lang: str | None,
             minutes: int | None, on_progress, cancel) -> Outline:  # fmt: skip
    """The outline of ``paper``, choosing only figures ``cropper`` can cut out of the PDF."""
    return make_outline(paper, settings=settings, backend=backend, lang=lang, minutes=minutes, on_progress=on_progress,
                        cancel=cancel, figure_ok=cropper.usable)  # fmt: skip


def slide_outline(
    paper: Paper,
    *,
    settings: Settings,
    backend: Backend | None = None,
    lang: str | None = None,
    minutes: int | None = None,
    on_progress: Callable[[str], None] | None = None,
    cancel=None,
) -> Outline:
    """The outline of ``paper``'s deck, to look at and edit before :func:`make_slides` builds it (the GUI)."""
    from ..pdf.figures import FigureCropper

    with FigureCropper(paper) as cropper:
        return _outline(paper, cropper, settings=settings, backend=backend, lang=lang, minutes=minutes,
                        on_progress=on_progress, cancel=cancel)  # fmt: skip


def make_slides(
    paper: Paper,
    output: Path,
    *,
    settings: Settings,
    backend: Backend | None = None,
    lang: str | None = None,
    minutes: int | None = None,
    template: str | Path | None = None,
    outline_only: bool = False,
    outline: Outline | None = None,
    on_progress: Callable[[str], None] | None = None,
    cancel=None,
) -> Outline:
    """Write the group-meeting deck (or, with ``outline_only``, the outline as Markdown) for ``paper``.

    With ``outline`` (from :func:`slide_outline`, perhaps edited) nothing is generated: the deck is
    built from that outline, with the figures it names cropped from ``paper``.
    """
    from ..export.pptx import build_deck, open_template
    from ..pdf.figures import FigureCropper

    template = template or settings.slides.template
    if not outline_only:
        open_template(template)  # an unusable template fails before any model time is spent
    with FigureCropper(paper) as cropper:
        if outline is None:
            outline = _outline(paper, cropper, settings=settings, backend=backend, lang=lang, minutes=minutes,
                               on_progress=on_progress, cancel=cancel)  # fmt: skip
        else:
            slides = [replace(s, notes=speaker_notes(s, outline.language)) for s in outline.slides]
            outline = replace(outline, slides=slides, provenance=deepcopy(outline.provenance))
        outline.provenance.setdefault("settings", {})["template"] = str(template) if template else "default"
        if outline_only:
            try:
                atomic_write_text(Path(output), outline_markdown(outline))
            except OSError as exc:
                raise InputFileError(f"Cannot write the outline to {output}: {exc.strerror or exc}",
                                     hint="choose a writable -o path") from None  # fmt: skip
            return outline
        check_cancelled(cancel, f"Slides cancelled: {paper.path}")
        if on_progress:
            on_progress("Building the deck")
        build_deck(outline, Path(output), template=template, cropper=cropper)
    return outline

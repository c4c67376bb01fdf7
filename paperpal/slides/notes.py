"""Speaker notes of a content slide: its point, where in the paper it comes from, what to say, what to ask, and the
reader's own Zotero highlights on its pages."""

from __future__ import annotations

from .details import shorten
from .labels import pages_text
from .model import ContentSlide


def slide_notes(slide: ContentSlide, lang: str) -> str:
    """The notes written from the slide's own text."""
    pages = pages_text(slide.page_start, slide.page_end, lang)
    if lang == "zh":
        lines = [f"要点:{slide.title}", f"出处:{slide.section},{pages}(请翻到这里)。", "讲解:"]
        lines += [f"{i}. {d}" for i, d in enumerate(slide.details, 1)]
        if slide.figure:
            lines.append(f"展示 {slide.figure.label}(第 {slide.figure.page} 页):{shorten(slide.figure.caption, 160)}")
        lines.append(f"提问听众:{slide.question}")
        lines += ["你的标注:", *(f"- {h}" for h in slide.highlights)] if slide.highlights else []
    else:
        lines = [f"Point: {slide.title}", f"Source: {slide.section}, {pages} (point the audience there).", "Say:"]
        lines += [f"{i}. {d}" for i, d in enumerate(slide.details, 1)]
        if slide.figure:
            lines.append(f"Show {slide.figure.label} (p. {slide.figure.page}): {shorten(slide.figure.caption, 160)}")
        lines.append(f"Ask the audience: {slide.question}")
        lines += ["Your highlights:", *(f"- {h}" for h in slide.highlights)] if slide.highlights else []
    return "\n".join(lines)


def speaker_notes(slide: ContentSlide, lang: str) -> str:
    """The notes of a content slide: the user's own (``origin["notes"] == "user"``), else written from its text.

    An edited outline keeps notes that follow its edited titles, details and questions.
    """
    return slide.notes if slide.origin.get("notes") == "user" else slide_notes(slide, lang)


def highlight_line(highlight, lang: str) -> str:
    """A highlight as the notes list it: “text” (p. 4) — comment."""
    quote = f"“{shorten(highlight.text, 200)}” " if highlight.text else ""
    page = f"(第 {highlight.page} 页)" if lang == "zh" else f"(p. {highlight.page})"
    return f"{quote}{page}" + (f" — {highlight.comment}" if highlight.comment else "")

"""Speaker notes of a content slide: three to five sentences of what to say — what the slide covers and where in the
paper, each detail with its page, the question to ask — and the reader's own Zotero highlights on its pages."""

from __future__ import annotations

from .details import shorten
from .labels import pages_text
from .model import ContentSlide


def slide_notes(slide: ContentSlide, lang: str) -> str:
    """What to say, written from the slide's own text: one sentence on what the slide covers and where (section,
    pages, the figure to show), each detail with the page it stands on, and the question to ask — three to five
    sentences — then the reader's own highlights on these pages."""
    pages = pages_text(slide.page_start, slide.page_end, lang)
    said = [_with_page(d, slide.detail_pages.get(d), lang) for d in slide.details]
    if lang == "zh":
        shown = f"，展示 {slide.figure.label}(第 {slide.figure.page} 页)" if slide.figure else ""
        lines = [f"{slide.title}：本页讲 {slide.section}，{pages}{shown}。", *said, f"提问听众:{slide.question}"]
        lines += ["你的标注:", *(f"- {h}" for h in slide.highlights)] if slide.highlights else []
    else:
        shown = f"; show {slide.figure.label} (p. {slide.figure.page})" if slide.figure else ""
        lines = [f"{slide.title}: this slide covers {slide.section}, {pages}{shown}.", *said,
                 f"Ask the audience: {slide.question}"]  # fmt: skip
        lines += ["Your highlights:", *(f"- {h}" for h in slide.highlights)] if slide.highlights else []
    return "\n".join(lines)


def _with_page(detail: str, page: int | None, lang: str) -> str:
    """A detail as a sentence to say, ending with its page when it is known: "… (p. 4)." / "…（第 4 页）"."""
    if page is None:
        return detail
    text = detail.rstrip()
    end = text[-1] if text and text[-1] in ".。!?！？" else ""
    body = text[: len(text) - len(end)] if end else text
    if lang == "zh":
        return f"{body}（第 {page} 页）{end or '。'}"
    return f"{body} (p. {page}){end or '.'}"


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

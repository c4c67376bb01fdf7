"""The words a deck, its notes and its Markdown print in each language (``en``, ``zh``)."""

from __future__ import annotations

LABELS = {
    "en": {
        "agenda": "Agenda",
        "summary": "Summary",
        "question": "Question",
        "section": "Section",
        "presenter": "Presenter",
        "whole": "The whole paper",
    },
    "zh": {
        "agenda": "汇报提纲",
        "summary": "总结",
        "question": "思考",
        "section": "章节",
        "presenter": "汇报人",
        "whole": "全文",
    },
}


def pages_text(start: int, end: int, lang: str) -> str:
    """ "pp. 3–5" / "p. 4" (en), "第 3–5 页" / "第 4 页" (zh)."""
    if lang == "zh":
        return f"第 {start} 页" if start == end else f"第 {start}–{end} 页"
    return f"p. {start}" if start == end else f"pp. {start}–{end}"

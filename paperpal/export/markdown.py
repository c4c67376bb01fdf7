"""Notes as Markdown (rendered from ``templates/note.<lang>.md.j2``) and as JSON.

Each statement is followed by its compact evidence reference, "(§3.2, p. 4)" (zh "（§3.2，第 4 页）").  With
``links=True`` the reference is a link to ``#evidence-N``, N indexing :meth:`NoteMarkdown.evidence` (the desktop app
turns a click into "open the page, highlight the quote").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..home import atomic_write_text
from ..model import Evidence
from ..note import SummaryNote
from ..resources import render_template

EVIDENCE_ANCHOR = "#evidence-"


@dataclass
class NoteMarkdown:
    text: str
    evidence: list[Evidence] = field(default_factory=list)  # what #evidence-N links point at


class _Citer:
    def __init__(self, lang: str, links: bool):
        self.lang, self.links = lang, links
        self.evidence: list[Evidence] = []

    def __call__(self, evidence: list[Evidence] | None) -> str:
        if not evidence:
            return ""
        first = evidence[0]
        text = first.cite(self.lang)
        if self.links:
            text = f"[{text}]({EVIDENCE_ANCHOR}{len(self.evidence)})"
            self.evidence.append(first)
        return f"（{text}）" if self.lang == "zh" else f" ({text})"


def render_note(note: SummaryNote, *, links: bool = False) -> NoteMarkdown:
    """The note as Markdown in its own language's template, and the evidence its links point at."""
    citer = _Citer(note.language, links)
    text = render_template(f"note.{note.language}.md.j2", note=note, cite=citer)
    return NoteMarkdown(text.rstrip() + "\n", citer.evidence)


def note_markdown(note: SummaryNote) -> str:
    """The note as Markdown (plain evidence references, no links)."""
    return render_note(note).text


def note_json(note: SummaryNote) -> str:
    """The same note as JSON (the stable ``--json`` format documented in docs/json.md)."""
    return json.dumps(note.to_dict(), ensure_ascii=False, indent=2) + "\n"


def save_note(note: SummaryNote, path: str | Path, *, as_json: bool = False) -> Path:
    """Write the note atomically (an existing file is replaced only by a complete new one)."""
    path = Path(path)
    atomic_write_text(path, note_json(note) if as_json else note_markdown(note))
    return path

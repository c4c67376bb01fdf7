"""Notes as Markdown (rendered from ``templates/note.<lang>.md.j2``) and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from ..home import atomic_write_text
from ..resources import render_template
from ..tasks.summary import SummaryNote


def note_markdown(note: SummaryNote) -> str:
    """The note as Markdown in its own language's template."""
    text = render_template(f"note.{note.language}.md.j2", note=note)
    return text.rstrip() + "\n"


def note_json(note: SummaryNote) -> str:
    """The same note as JSON (the stable ``--json`` format documented in the README)."""
    return json.dumps(note.to_dict(), ensure_ascii=False, indent=2) + "\n"


def save_note(note: SummaryNote, path: str | Path, *, as_json: bool = False) -> Path:
    """Write the note atomically (an existing file is replaced only by a complete new one)."""
    path = Path(path)
    atomic_write_text(path, note_json(note) if as_json else note_markdown(note))
    return path

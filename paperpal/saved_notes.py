"""Notes PaperPal has written, kept in its home by paper (content hash), so a paper summarized once
shows as "summarized" in the library and opens with its note, from the CLI or the app.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import home
from .note import SummaryNote


def notes_dir() -> Path:
    return home.data_dir() / "notes"


def _path(paper_id: str, lang: str) -> Path:
    return notes_dir() / f"{paper_id}.{lang}.json"


def keep(note: SummaryNote) -> Path | None:
    """Store ``note`` (atomically) under its paper's id and language; a note without a paper id is not kept."""
    paper_id = note.provenance.get("paper_id")
    if not paper_id:
        return None
    path = _path(paper_id, note.language)
    home.atomic_write_text(path, json.dumps(note.to_dict(), ensure_ascii=False, indent=2))
    return path


def saved(paper_id: str, lang: str | None = None) -> SummaryNote | None:
    """The stored note for ``paper_id`` (in ``lang``, else any language), or None."""
    candidates = [_path(paper_id, lang)] if lang else sorted(notes_dir().glob(f"{paper_id}.*.json"))
    for path in candidates:
        try:
            return SummaryNote.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            continue
    return None


def summarized_ids() -> set[str]:
    """Ids of every paper with a stored note."""
    folder = notes_dir()
    return {p.name.split(".")[0] for p in folder.glob("*.json")} if folder.is_dir() else set()

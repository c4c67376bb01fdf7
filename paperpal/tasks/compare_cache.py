"""Comparison cells already computed: an unchanged PDF and column cost nothing the next time.

One JSON file per paper id (the PDF's content hash) in the data folder's ``compare/``.  A cell is reused only when it
was made by the same rules (:data:`RULES_VERSION` and a digest of the code that reads, chooses and checks passages —
:func:`rules_digest` — so an upgrade that changes how a cell is found never serves cells made the old way), the same
embedder (retrieval cells depend on it) and the same endpoint model, if one wrote it; a changed PDF has another id, so its cells are made again.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import home
from ..code_digest import source_digest
from ..settings import Settings

RULES_VERSION = 3
RULE_PACKAGES = ("pdf", "text", "tasks")  # the code a cell depends on, under paperpal/


def rules_digest() -> str:
    """A short digest of the source of :data:`RULE_PACKAGES`."""
    return source_digest(*RULE_PACKAGES)


def cache_key(settings: Settings, backend=None) -> str:
    """What a saved cell must have been made with: the rules, the embedder and (endpoint cells) the model."""
    from ..index.embedders import embedder_key

    model = f"|{backend.name}:{backend.model}" if backend is not None else ""
    return f"{RULES_VERSION}.{rules_digest()}|{embedder_key(settings)}{model}"


def _file(paper_id: str) -> Path:
    return home.data_dir() / "compare" / f"{paper_id}.json"


def load_cells(paper_id: str, key: str) -> dict | None:
    """The saved row (``Row.to_dict`` form) of a paper, or None when there is none made the same way."""
    try:
        data = json.loads(_file(paper_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none yet, or unreadable: made again
    return data.get("row") if isinstance(data, dict) and data.get("key") == key else None


def save_cells(row: dict, key: str) -> None:
    home.atomic_write_text(_file(row["paper_id"]), json.dumps({"key": key, "row": row}, ensure_ascii=False))

"""PaperPal's own copy of what it knows about Zotero libraries: ``<data dir>/zotero/sync.sqlite``.

SQLite because a sync of 10,000 items must update a few rows, not rewrite a file, and every sync
commits in one transaction (a crash leaves the previous state, never half of one).  Per library: the
source and its cursor (library version / modification time), the collections; per item: the record,
its fingerprint, the chosen PDF with its size, mtime and content hash (``Paper.id``), and why an
item has no usable PDF.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from .. import home
from .records import Collection, ItemRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS libraries (
    library TEXT PRIMARY KEY, source TEXT NOT NULL, cursor TEXT NOT NULL, collections TEXT NOT NULL,
    synced_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    library TEXT NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL, fingerprint TEXT NOT NULL, record TEXT NOT NULL,
    pdf_path TEXT, pdf_size INTEGER, pdf_mtime INTEGER, paper_id TEXT, attachment_version INTEGER,
    status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (library, key)
);
"""


def store_dir() -> Path:
    return home.data_dir() / "zotero"


@dataclass
class StoredItem:
    key: str
    fingerprint: str
    pdf_path: str | None
    pdf_size: int | None
    pdf_mtime: int | None
    paper_id: str | None
    attachment_version: int | None
    status: str  # "ok" | "skipped" | "failed"
    reason: str


@dataclass
class LibraryState:
    library: str
    source: str
    cursor: dict[str, Any]
    collections: dict[str, Collection]
    synced_at: str


class SyncStore:
    def __init__(self, path: Path | None = None):
        self.path = path or store_dir() / "sync.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path)
        self.conn.executescript(SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def exists() -> bool:
        return (store_dir() / "sync.sqlite").is_file()

    # -- reading ----------------------------------------------------------
    def libraries(self) -> list[LibraryState]:
        rows = self.conn.execute(
            "SELECT library, source, cursor, collections, synced_at FROM libraries ORDER BY library"
        )
        return [
            LibraryState(lib, src, json.loads(cur), {k: Collection(**v) for k, v in json.loads(cols).items()}, at)
            for lib, src, cur, cols, at in rows
        ]

    def library(self, library: str) -> LibraryState | None:
        return next((s for s in self.libraries() if s.library == library), None)

    def items(self, library: str) -> dict[str, StoredItem]:
        rows = self.conn.execute(
            "SELECT key, fingerprint, pdf_path, pdf_size, pdf_mtime, paper_id, attachment_version, status, reason "
            "FROM items WHERE library = ?",
            (library,),
        )
        return {row[0]: StoredItem(*row) for row in rows}

    def records(
        self, library: str | None = None, *, where: str = "", args: tuple = ()
    ) -> list[tuple[str, ItemRecord, StoredItem]]:
        sql = ("SELECT library, record, key, fingerprint, pdf_path, pdf_size, pdf_mtime, paper_id, attachment_version, "
               "status, reason FROM items WHERE 1")  # fmt: skip
        if library:
            sql, args = sql + " AND library = ?", (library, *args)
        rows = self.conn.execute(sql + (f" AND {where}" if where else "") + " ORDER BY library, key", args)
        return [(row[0], ItemRecord.from_dict(json.loads(row[1])), StoredItem(*row[2:])) for row in rows]

    def summary(self, library: str) -> list[tuple[str, str, str, str, str | None]]:
        """(key, title, status, reason, paper_id) of every item, without parsing records (fast)."""
        return self.conn.execute(
            "SELECT key, title, status, reason, paper_id FROM items WHERE library = ? ORDER BY key", (library,)
        ).fetchall()

    def record(self, key: str) -> tuple[str, ItemRecord, StoredItem] | None:
        row = self.conn.execute(
            "SELECT library, record, key, fingerprint, pdf_path, pdf_size, pdf_mtime, paper_id, attachment_version, "
            "status, reason FROM items WHERE key = ? ORDER BY library LIMIT 1",
            (key.upper(),),
        ).fetchone()
        return (row[0], ItemRecord.from_dict(json.loads(row[1])), StoredItem(*row[2:])) if row else None

    # -- writing (callers commit once per sync) ----------------------------
    def put(self, library: str, record: ItemRecord, item: StoredItem, text: str | None = None) -> None:
        """Store ``record`` (``text``: its ``to_json()`` when the caller already has it)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (library, record.key, record.title, item.fingerprint, text or record.to_json(), item.pdf_path,
             item.pdf_size, item.pdf_mtime, item.paper_id, item.attachment_version, item.status, item.reason),
        )  # fmt: skip

    def delete(self, library: str, keys: set[str]) -> None:
        self.conn.executemany("DELETE FROM items WHERE library = ? AND key = ?", [(library, k) for k in keys])

    def put_library(self, state: LibraryState) -> None:
        collections = {k: {"key": c.key, "name": c.name, "parent": c.parent} for k, c in state.collections.items()}
        self.conn.execute(
            "INSERT OR REPLACE INTO libraries VALUES (?, ?, ?, ?, ?)",
            (state.library, state.source, json.dumps(state.cursor), json.dumps(collections, ensure_ascii=False),
             state.synced_at),
        )  # fmt: skip

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

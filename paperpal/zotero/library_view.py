"""What a library browser lists: the synced Zotero items (only what a list shows) and local folders of PDFs.

:func:`list_items` reads the synced store with one SQL query that takes from each stored record only
its fields, creators, tags and collections (SQLite's ``json_extract``), never its attachments and
annotations: about 0.1 s for 10,000 items, where :func:`paperpal.zotero.library.library_items` (whole
records) takes about 0.4 s.  One item's whole record is :func:`paperpal.zotero.library.library_item`.

:func:`list_folder` lists a folder's PDFs by file name (no PDF is opened); :func:`pdf_details` then
gives each one's content hash (``Paper.id``, for the "summarized" / "indexed" marks) and the title in
its document info when that looks like a title: cheap, but meant for a worker, not for the listing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .records import Collection, ItemRecord, library_record
from .store import LibraryState, SyncStore
from .sync import collection_keys, content_hash

_LISTED = "json_extract(record, '$.item_type', '$.version', '$.fields', '$.creators', '$.tags', '$.collections')"


@dataclass(slots=True)
class ListedItem:
    """One synced item as a list shows it; ``record`` has no attachments (the list does not need them)."""

    library: str
    record: ItemRecord
    status: str  # "ok" | "skipped" | "failed" | "deferred" (see paperpal.zotero.sync)
    reason: str  # why there is no usable PDF
    pdf_path: str | None
    paper_id: str | None
    collections: dict[str, Collection]  # the library's collections (shared by its items)

    @property
    def pdf(self) -> Path | None:
        return Path(self.pdf_path) if self.status == "ok" and self.pdf_path else None

    @property
    def metadata(self) -> dict[str, Any]:
        """The shared library record (what ``Paper.apply_library_metadata`` takes)."""
        return library_record(self.record, self.library, self.collections)


def synced_libraries() -> list[LibraryState]:
    """Every synced library with its collections; empty when nothing was synced yet."""
    if not SyncStore.exists():
        return []
    with SyncStore() as store:
        return store.libraries()


def list_items(*, library: str | None = None, collection: str | None = None) -> list[ListedItem]:
    """The synced items (of one ``library``; of one ``collection`` key in it, with its sub-collections)."""
    if not SyncStore.exists():
        return []
    with SyncStore() as store:
        states = {s.library: s for s in store.libraries()}
        sql, args = f"SELECT library, key, status, reason, pdf_path, paper_id, {_LISTED} FROM items WHERE 1", []
        if library is not None:
            sql, args = sql + " AND library = ?", [library]
        if collection is not None and library in states:
            keys = sorted(collection_keys(states[library].collections, collection))
            sql += (" AND EXISTS (SELECT 1 FROM json_each(record, '$.collections') "
                    f"WHERE value IN ({', '.join('?' * len(keys))}))")  # fmt: skip
            args += keys
        rows = store.conn.execute(sql + " ORDER BY library, key", args).fetchall()
    out = []
    for lib, key, status, reason, pdf_path, paper_id, listed in rows:
        item_type, version, fields, creators, tags, collections = json.loads(listed)
        record = ItemRecord(key, version, item_type, fields or {}, creators or [], tags or [], collections or [])
        state = states.get(lib)
        out.append(ListedItem(lib, record, status, reason, pdf_path, paper_id, state.collections if state else {}))
    return out


def list_folder(folder: str | Path) -> list[Path]:
    """The PDFs in ``folder`` and its sub-folders, by file name (case-insensitive); none when it is gone."""
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted((p for p in root.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()),
                  key=lambda p: (p.name.casefold(), str(p)))  # fmt: skip


@dataclass(slots=True)
class PdfDetails:
    path: Path
    paper_id: str | None  # None: the file could not be read
    title: str  # from the document info, "" when it has none that looks like a title


def pdf_details(
    paths: Iterable[Path], *, on_progress: Callable[[int, int, str], None] | None = None, cancel=None
) -> list[PdfDetails]:
    """Content hash and document-info title of each PDF (reads each file once; no page is parsed)."""
    import pymupdf

    from ..errors import check_cancelled
    from ..pdf.metadata import _JUNK_TITLE  # the parser's test for an info title that is no title

    paths = list(paths)
    out = []
    for n, path in enumerate(paths):
        check_cancelled(cancel, "Cancelled")
        if on_progress and (n % 20 == 0 or n == len(paths) - 1):
            on_progress(n + 1, len(paths), path.name)
        try:
            paper_id = content_hash(path)
            with pymupdf.open(path) as doc:
                title = " ".join(((doc.metadata or {}).get("title") or "").split())
        except Exception:  # noqa: BLE001  (a damaged or unreadable PDF: listed by its name, opening it says why)
            out.append(PdfDetails(path, None, ""))
            continue
        plausible = len(title.split()) >= 2 and not _JUNK_TITLE.search(title)
        out.append(PdfDetails(path, paper_id, title if plausible else ""))
    return out

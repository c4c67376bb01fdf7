"""``paperpal sync``: bring PaperPal's copy of a Zotero library up to date, then feed the index.

One bad item never stops a sync: it is counted (failed, with why) and the rest goes on.  Items without
a usable PDF are kept (their metadata is still useful) and counted as skipped, with why.  Unchanged
items are recognised by a fingerprint of their record and by the PDF's size and mtime; a PDF whose
bytes changed gets a new content hash (``Paper.id``) and is re-indexed, the old id leaves the index.
"""

from __future__ import annotations

import hashlib
import importlib.util
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import Cancelled, ConfigError, PaperPalError, check_cancelled
from ..settings import Settings
from .records import Collection, ItemRecord, library_record
from .sources import Progress, Source, open_source
from .store import LibraryState, StoredItem, SyncStore, store_dir

DEFERRED = "deferred"  # outside the --collection of this sync: PDF not looked at yet

INDEX_CANCELLED = ("indexing was cancelled; the synced library is saved and the papers indexed so far are kept: "
                   "sync again to index the rest")


@dataclass
class SyncReport:
    source: str
    library: str
    items: int = 0  # items in the library now
    with_pdf: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (key, title, why)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    incremental: bool = False
    indexed: dict[str, Any] | None = None  # {"indexed", "unchanged", "failed", "removed"} or {"skipped": why}
    seconds: float = 0.0

    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(_reason_kind(why) for _k, _t, why in self.skipped).most_common())

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "library": self.library, "incremental": self.incremental, "items": self.items,
            "with_pdf": self.with_pdf, "new": self.new, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": [{"key": k, "title": t, "reason": r} for k, t, r in self.skipped],
            "failed": [{"key": k, "title": t, "reason": r} for k, t, r in self.failed],
            "index": self.indexed, "seconds": round(self.seconds, 3),
        }  # fmt: skip


def _reason_kind(why: str) -> str:
    return why.split(":")[0]


def content_hash(path: Path) -> str:
    """``Paper.id``: the first 16 hex chars of the sha256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def files_dir(library: str) -> Path:
    """Where files downloaded from the web API are kept."""
    return store_dir() / "files" / library.replace("/", "-")


class _Resolver:
    """Finds (and, for the web API, downloads) the PDF of one record."""

    def __init__(self, source: Source):
        self.source = source

    def pdf(self, record: ItemRecord, old: StoredItem | None) -> tuple[Path | None, int | None, str]:
        pdfs = record.pdf_attachments()
        if not pdfs:
            return None, None, "no PDF attachment"
        reasons = []
        for att in pdfs:
            if att.local_path:
                path = Path(att.local_path)
                if path.is_file():
                    return path, att.version, ""
                reasons.append(f"PDF file missing: {path}")
            elif att.download_url:
                dest = files_dir(self.source.library) / att.key / (att.filename or f"{att.key}.pdf")
                fresh = old is not None and old.pdf_path == str(dest) and old.attachment_version == att.version
                if not (fresh and dest.is_file()):
                    self.source.download(att, dest)
                return dest, att.version, ""
            elif att.link_mode == "linked_file" and att.path.startswith("attachments:"):
                reasons.append(f"linked PDF needs the base directory: {att.path} (set zotero.base_dir)")
            elif att.link_mode == "linked_url":
                reasons.append("PDF is only a web link")
            elif self.source.kind == "web" and att.link_mode == "linked_file":
                reasons.append(f"PDF file missing: linked file {att.path} is not on this computer")
            else:
                reasons.append(f"PDF not stored on the Zotero server: {att.filename or att.title}")
        return None, None, reasons[0]


def _known_children(store: SyncStore, library: str) -> dict[str, str]:
    """child key -> item key for everything stored (the web API reports changed children by their own key)."""
    known: dict[str, str] = {}
    for _lib, record, _item in store.records(library):
        known[record.key] = record.key
        for att in record.attachments:
            known[att.key] = record.key
            for ann in att.annotations:
                known[ann.key] = record.key
    return known


def collection_keys(collections: dict[str, Collection], name: str) -> set[str]:
    """The collection called ``name`` (or with that key) and its sub-collections."""
    wanted = {k for k, c in collections.items() if c.name.casefold() == name.casefold() or k == name.upper()}
    if not wanted:
        known = ", ".join(sorted({c.name for c in collections.values()})) or "none"
        raise ConfigError(f"No Zotero collection named {name!r}", hint=f"known collections: {known}")
    grew = True
    while grew:
        children = {k for k, c in collections.items() if c.parent in wanted} - wanted
        wanted |= children
        grew = bool(children)
    return wanted


def sync(
    settings: Settings,
    *,
    source: str | Source | None = None,
    collection: str | None = None,
    full: bool = False,
    index: bool = True,
    on_progress: Progress | None = None,
    cancel=None,
) -> SyncReport:
    """Sync one Zotero library into PaperPal's store (and the index, unless ``index=False``)."""
    started = time.perf_counter()
    report_progress = on_progress or (lambda done, total, what: None)
    src = source if source is not None and not isinstance(source, str) else open_source(settings, source)
    with SyncStore() as store:
        previous = store.library(src.library)
        cursor = previous.cursor if previous and previous.source == src.kind and not full else None
        stored = store.items(src.library)
        known = _known_children(store, src.library) if src.kind == "web" and cursor else {}
        fetch = src.fetch(cursor, known=known, on_progress=on_progress, cancel=cancel)
        report = SyncReport(source=src.kind, library=src.library, incremental=cursor is not None and not fetch.complete)
        scope = collection_keys(fetch.collections, collection) if collection else None
        if fetch.complete:
            gone = set(stored) - {r.key for r in fetch.records}
        elif fetch.live_keys is not None:
            gone = set(stored) - fetch.live_keys
        else:
            gone = fetch.removed & set(stored)
        gone -= {key for key, _why in fetch.problems}  # unreadable now is not deleted
        resolver = _Resolver(src)
        changed: list[tuple[ItemRecord, StoredItem]] = []
        old_ids = {k: s.paper_id for k, s in stored.items() if s.paper_id}
        records = fetch.records + _retries(store, src.library, {r.key for r in fetch.records} | gone, scope)
        total = len(records)
        try:
            for n, record in enumerate(records):
                check_cancelled(cancel, "Sync cancelled (nothing was saved).")
                if n % 50 == 0 or n == total - 1:
                    report_progress(n + 1, total, record.title[:40] or record.key)
                old = stored.get(record.key)
                text = record.to_json()
                try:
                    item = _sync_item(record, record.fingerprint(text), old, resolver, scope)
                except (PaperPalError, OSError) as exc:
                    item = StoredItem(record.key, record.fingerprint(text), None, None, None, None, None, "failed",
                                      getattr(exc, "line", None) or str(exc))  # fmt: skip
                unchanged = old is not None and (old.fingerprint, old.paper_id, old.status, old.reason) == (
                    item.fingerprint, item.paper_id, item.status, item.reason)  # fmt: skip
                if unchanged:
                    report.unchanged += 1
                    continue
                if old is None:
                    report.new += 1
                else:
                    report.updated += 1
                store.put(src.library, record, item, text)
                changed.append((record, item))
            store.delete(src.library, gone)
            store.put_library(LibraryState(src.library, src.kind, fetch.cursor, fetch.collections,
                                           datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))  # fmt: skip
            store.commit()
        except BaseException:
            store.rollback()
            raise
        report.removed = len(gone)
        for key, why in fetch.problems:
            report.failed.append((key, "", why))
        current = store.summary(src.library)
        report.items = len(current)
        for key, title, status, reason, _paper_id in current:
            if status == "ok":
                report.with_pdf += 1
            elif status == "failed":
                report.failed.append((key, title, reason))
            elif status == "skipped":
                report.skipped.append((key, title, reason))
        if index:
            removed_ids = {old_ids[k] for k in gone if k in old_ids}
            removed_ids |= {old_ids[r.key] for r, i in changed if r.key in old_ids and old_ids[r.key] != i.paper_id}
            try:
                report.indexed = _feed_index(settings, store, src.library, changed, removed_ids, scope,
                                             fetch.collections, on_progress, cancel)  # fmt: skip
            except Cancelled:  # the library is saved above: the report says so, and what the index still lacks
                report.indexed = {"cancelled": INDEX_CANCELLED}
    report.seconds = time.perf_counter() - started
    return report


def _retries(store: SyncStore, library: str, skip: set[str], scope: set[str] | None) -> list[ItemRecord]:
    """Stored items to try again although unchanged: failed or without a PDF last time (a restored file, a
    download that works now), or outside the last --collection.  Cheap: file checks, no library reads."""
    rows = store.records(library, where="status IN (?, ?, ?)", args=("failed", "skipped", DEFERRED))
    return [
        record for _lib, record, item in rows
        if record.key not in skip and (item.status != DEFERRED or scope is None or scope & set(record.collections))
    ]  # fmt: skip


def _sync_item(
    record: ItemRecord, fingerprint: str, old: StoredItem | None, resolver: _Resolver, scope: set[str] | None
) -> StoredItem:
    if scope is not None and not scope & set(record.collections):
        if old is not None and old.status != DEFERRED:
            return StoredItem(record.key, fingerprint, old.pdf_path, old.pdf_size, old.pdf_mtime, old.paper_id,
                              old.attachment_version, old.status, old.reason)  # fmt: skip
        return StoredItem(
            record.key, fingerprint, None, None, None, None, None, DEFERRED, "outside the synced collection"
        )
    path, att_version, why = resolver.pdf(record, old)
    if path is None:
        return StoredItem(record.key, fingerprint, None, None, None, None, None, "skipped", why)
    stat = path.stat()
    same_file = old is not None and old.pdf_path == str(path) and (old.pdf_size, old.pdf_mtime) == (
        stat.st_size, stat.st_mtime_ns)  # fmt: skip
    paper_id = old.paper_id if same_file and old.paper_id else content_hash(path)
    return StoredItem(
        record.key, fingerprint, str(path), stat.st_size, stat.st_mtime_ns, paper_id, att_version, "ok", ""
    )


def _feed_index(
    settings, store: SyncStore, library, changed, removed_ids, scope, collections, on_progress, cancel
) -> dict:
    """Hand new and changed PDFs to the indexer, and removed ones out of it."""
    if importlib.util.find_spec("paperpal.index") is None:
        return {"skipped": "the index is not available in this PaperPal"}
    from .. import index as indexer

    if not all(hasattr(indexer, name) for name in ("index_papers", "remove_papers", "indexed_paper_ids", "IndexEntry")):
        return {"skipped": "the index is not available in this PaperPal"}

    in_index = set(indexer.indexed_paper_ids(settings=settings))
    summary = store.summary(library)
    still_used = {row[4] for row in summary if row[4]}
    to_remove = sorted((removed_ids - still_used) & in_index)
    removed = indexer.remove_papers(to_remove, settings=settings) if to_remove else 0
    wanted = {r.key for r, i in changed if i.status == "ok"}
    wanted |= {key for key, _t, status, _r, paper_id in summary if status == "ok" and paper_id not in in_index}
    rows = [row for key in sorted(wanted) for row in store.records(library, where="key = ?", args=(key,))]
    entries = [
        indexer.IndexEntry(path=Path(item.pdf_path), metadata=library_record(record, library, collections))
        for _lib, record, item in rows
        if scope is None or scope & set(record.collections)
    ]
    if not entries:
        return {"indexed": 0, "unchanged": 0, "failed": [], "removed": removed}
    result = indexer.index_papers(entries, settings=settings, on_progress=on_progress, cancel=cancel)
    failed = getattr(result, "failed", [])
    return {
        "indexed": _count(getattr(result, "indexed", 0)),
        "unchanged": _count(getattr(result, "unchanged", 0)),
        "failed": [
            {"path": str(f[0]), "reason": str(f[1])} if isinstance(f, tuple) else {"path": str(f), "reason": ""}
            for f in failed
        ],
        "removed": removed,
    }


def _count(value) -> int:
    return len(value) if isinstance(value, (list, tuple, set)) else int(value or 0)

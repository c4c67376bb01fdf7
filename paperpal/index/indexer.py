"""Adding papers to the index and taking them out.

A paper is keyed by its content hash (``Paper.id``): an unchanged PDF costs one file read and a
catalog lookup; new library metadata (tags, collections) on an unchanged PDF rewrites only its
catalog record and the Zotero key on its chunks (no parsing, no embedding).  A changed PDF at a
known path gets a new id: its old chunks are removed and the new ones written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Cancelled, PaperPalError, check_cancelled
from ..model import Chunk, Paper
from ..settings import Settings
from .store import PaperRecord, Store, open_store


@dataclass
class IndexEntry:
    """One PDF to index, with its library record (see ``Paper.apply_library_metadata``) when known."""

    path: Path
    metadata: dict | None = None


@dataclass
class IndexReport:
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line reason)
    paper_ids: dict[str, str] = field(default_factory=dict)  # path -> paper id, for every path that worked


def _entries(items: Iterable[Path | str | IndexEntry]) -> list[IndexEntry]:
    """PDFs and folders (searched recursively for *.pdf) as entries, in a stable order."""
    out: list[IndexEntry] = []
    for item in items:
        entry = item if isinstance(item, IndexEntry) else IndexEntry(Path(item))
        path = Path(entry.path).expanduser()
        if path.is_dir():
            out.extend(IndexEntry(p) for p in sorted(path.rglob("*.pdf")) if p.is_file())
        else:
            out.append(IndexEntry(path, entry.metadata))
    return out


def _metadata_sha(meta: dict | None) -> str:
    return hashlib.sha256(json.dumps(meta or {}, sort_keys=True, default=str).encode()).hexdigest()[:16]


def chunk_metadata(paper: Paper, chunk: Chunk, zotero_key: str) -> dict:
    """What a chunk carries in Chroma (no None values: Chroma stores str, int, float, bool)."""
    return {
        "paper_id": paper.id,
        "section_number": chunk.section_number or "",
        "section_title": chunk.section_title or "",
        "section_path": " > ".join(chunk.section_path),
        "page_start": chunk.page_start,
        "page_end": chunk.page_end,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "zotero_key": zotero_key,
    }


def _record(paper: Paper, meta: dict | None) -> PaperRecord:
    meta = meta or {}
    return PaperRecord(
        paper_id=paper.id,
        path=str(Path(paper.path).resolve()),
        title=paper.title or Path(paper.path).stem,
        authors=list(paper.authors),
        year=paper.year,
        zotero_key=meta.get("key") or None,
        collections=[str(c) for c in meta.get("collections") or []],
        tags=[str(t) for t in meta.get("tags") or []],
        chunk_count=len(paper.chunks),
        metadata_sha=_metadata_sha(meta),
    )


def _update_metadata(store: Store, record: PaperRecord, entry: IndexEntry, path: str) -> bool:
    """Cheap refresh of an unchanged paper: the catalog record and the Zotero key on its chunks."""
    meta = entry.metadata or {}
    changed_path = record.path != path
    if entry.metadata is not None and record.metadata_sha != _metadata_sha(meta):
        record.title = str(meta.get("title") or record.title)
        record.authors = [str(a) for a in meta.get("authors") or record.authors]
        record.year = int(meta["year"]) if meta.get("year") else record.year
        old_key, record.zotero_key = record.zotero_key, meta.get("key") or None
        record.collections = [str(c) for c in meta.get("collections") or []]
        record.tags = [str(t) for t in meta.get("tags") or []]
        record.metadata_sha = _metadata_sha(meta)
        if old_key != record.zotero_key:
            ids = store.chunks.get(where={"paper_id": record.paper_id}, include=[])["ids"]
            if ids:
                store.chunks.update(ids=ids, metadatas=[{"zotero_key": record.zotero_key or ""}] * len(ids))
        changed_path = True
    if changed_path:
        record.path = path
        store.put_record(record)
    return changed_path


def _index_one(store: Store, embedder, entry: IndexEntry, records: dict[str, PaperRecord], cancel) -> tuple[str, str]:
    """Index one PDF: ("indexed" | "updated" (new library metadata) | "unchanged", paper id).

    Raises PaperPalError for a bad file."""
    from ..pdf import parse_pdf

    path = Path(entry.path)
    resolved = str(path.resolve())
    try:
        paper_id = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError as exc:
        raise PaperPalError(f"cannot read {path} ({exc.strerror or exc})") from None
    if paper_id in records and records[paper_id].complete:
        changed = _update_metadata(store, records[paper_id], entry, resolved)
        return ("updated" if changed else "unchanged"), paper_id
    paper = parse_pdf(path, cancel=cancel)
    if entry.metadata:
        paper.apply_library_metadata(entry.metadata)
    if not paper.chunks:
        raise PaperPalError(f"no text to index in {path.name} ({paper.text_status})", hint="OCR it first")
    for old_id, old in list(records.items()):  # the same file, changed since: its old version goes
        if old.path == resolved and old_id != paper_id:
            store.delete_paper(old_id)
            del records[old_id]
    record = _record(paper, entry.metadata)
    store.put_record(record)  # incomplete first: a killed run is cleaned up on the next open
    texts = [c.text for c in paper.chunks]
    vectors = embedder.embed(texts)
    check_cancelled(cancel, "Indexing cancelled")
    store.chunks.delete(where={"paper_id": paper_id})
    key = record.zotero_key or ""
    store.add_chunks(
        [c.id for c in paper.chunks], vectors, texts, [chunk_metadata(paper, c, key) for c in paper.chunks]
    )
    record.complete = True
    store.put_record(record)
    records[paper_id] = record
    return "indexed", paper_id


def index_papers(
    entries: Iterable[Path | str | IndexEntry], *, settings: Settings, on_progress=None, cancel=None
) -> IndexReport:
    """Index PDFs (and folders of PDFs).  A bad PDF is reported in ``failed``; the batch goes on.

    ``on_progress(done, total, label)`` after each file; ``cancel`` (with ``is_set()``) stops between
    and inside papers with :class:`Cancelled`, leaving the index consistent.
    """
    from .embedders import get_embedder

    items = _entries(entries)
    report = IndexReport()
    store = open_store(settings, repair=True)
    records = store.records(complete_only=False)
    embedder = None
    changed = False
    for done, entry in enumerate(items):
        check_cancelled(cancel, "Indexing cancelled")
        label = Path(entry.path).name
        if on_progress:
            on_progress(done, len(items), label)
        try:
            if embedder is None:
                embedder = _LazyEmbedder(settings, get_embedder)
            outcome, paper_id = _index_one(store, embedder, entry, records, cancel)
        except Cancelled:
            raise
        except PaperPalError as exc:
            report.failed.append((str(entry.path), exc.line))
            continue
        except Exception as exc:  # noqa: BLE001 — a PDF that breaks the parser must not stop the batch
            report.failed.append((str(entry.path), f"{type(exc).__name__}: {str(exc)[:200]}"))
            continue
        (report.indexed if outcome == "indexed" else report.unchanged).append(str(entry.path))
        report.paper_ids[str(entry.path)] = paper_id
        changed |= outcome != "unchanged"
    if on_progress:
        on_progress(len(items), len(items), "done")
    if changed:  # searches in this process must see the new chunks and catalog
        from .search import invalidate_cache

        invalidate_cache()
    return report


class _LazyEmbedder:
    """Loads the embedding model only when a paper actually needs embedding (unchanged runs never do)."""

    def __init__(self, settings: Settings, factory):
        self._settings, self._factory, self._embedder = settings, factory, None

    def embed(self, texts: list[str]):
        if self._embedder is None:
            self._embedder = self._factory(self._settings)
        return self._embedder.embed(texts)


def remove_papers(paper_ids: Iterable[str], *, settings: Settings) -> int:
    """Take papers out of the index; returns how many were there."""
    store = open_store(settings)
    known = store.records(complete_only=False)
    removed = 0
    for paper_id in paper_ids:
        if paper_id in known:
            store.delete_paper(paper_id)
            removed += 1
    from .search import invalidate_cache

    invalidate_cache()
    return removed


def indexed_paper_ids(*, settings: Settings) -> set[str]:
    return set(open_store(settings).records())

"""Adding papers to the index and taking them out.

A paper is keyed by its content hash (``Paper.id``): an unchanged PDF costs one file read and a
catalog lookup; new library metadata (tags, collections) on an unchanged PDF rewrites only its
catalog record and the Zotero key on its chunks (no parsing, no embedding).  A changed PDF at a
known path gets a new id: its old chunks and text documents are removed and the new ones written.
A paper whose chunks another version of the parser made (:data:`PARSER`, a digest of ``paperpal/pdf``)
is parsed and written again, so an upgrade that fixes sections, pages or chunking reaches the index.

Each paper is written as: catalog record, incomplete and naming its writer -> its chunks in Chroma
and its documents in the text index (one commit) -> complete.  A failure or Ctrl-C in between takes
the paper out again at once; a killed process leaves an incomplete record that the next open removes
(:mod:`.writers` tells it from a live writer on a lab's server).  Search reads complete papers only.

The PDFs to index are parsed one ahead in a background thread while the current one is embedded
(onnxruntime, one text per core at a time) and written, so on 2 cores parsing mostly hides behind
embedding.  ``IndexReport.seconds`` says where the time went (``bench/index.py`` prints it).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from ..code_digest import source_digest
from ..errors import Cancelled, PaperPalError, check_cancelled
from ..model import Chunk, Paper
from ..settings import Settings
from .store import PaperRecord, Store, open_store
from .writers import writer_id

PARSE_AHEAD = 2  # parsed papers waiting for the embedder at most (bounds memory on a large run)
PARSER = ("pdf",)  # the code that makes a paper's chunks, under paperpal/ (its digest: PaperRecord.parsed_with)


@dataclass
class IndexEntry:
    """One PDF to index, with its library record (see ``Paper.apply_library_metadata``) when known, and its
    parsed :class:`Paper` when the caller already has it (not hashed or parsed again)."""

    path: Path
    metadata: dict | None = None
    paper: Paper | None = None


@dataclass
class IndexReport:
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line reason)
    paper_ids: dict[str, str] = field(default_factory=dict)  # path -> paper id, for every path that worked
    # where the time went: "total" (wall), and the busy seconds of "read" (hashing), "parse" (in its own
    # thread, so it overlaps the others), "embed" and "write" (Chroma, text index, catalog)
    seconds: dict[str, float] = field(default_factory=dict)


class _Stages:
    """Busy seconds per stage, summed across threads."""

    def __init__(self):
        self.seconds: dict[str, float] = {"read": 0.0, "parse": 0.0, "embed": 0.0, "write": 0.0}
        self._lock = threading.Lock()

    @contextmanager
    def timing(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            with self._lock:
                self.seconds[stage] += time.perf_counter() - started


def _entries(items: Iterable[Path | str | IndexEntry | Paper]) -> list[IndexEntry]:
    """PDFs, parsed papers and folders (searched recursively for *.pdf) as entries, in a stable order."""
    out: list[IndexEntry] = []
    for item in items:
        if isinstance(item, Paper):
            item = IndexEntry(Path(item.path), None, item)
        entry = item if isinstance(item, IndexEntry) else IndexEntry(Path(item))
        path = Path(entry.path).expanduser()
        if path.is_dir():
            out.extend(IndexEntry(p) for p in sorted(path.rglob("*.pdf")) if p.is_file())
        else:
            out.append(IndexEntry(path, entry.metadata, entry.paper))
    return out


def paper_id_of(path: Path) -> str:
    """A PDF's paper id without parsing it (the one definition: :func:`paperpal.pdf.reader.paper_id`)."""
    from ..pdf.reader import paper_id

    return paper_id(path)


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
        parsed_with=source_digest(*PARSER),
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


def _write_paper(store: Store, paper: Paper, record: PaperRecord, vectors) -> None:
    """Catalog (incomplete, with its writer) -> chunks + text index -> complete; on any failure the paper goes again."""
    record.complete, record.writer, record.started = False, writer_id(), time.time()
    store.put_record(record)
    try:
        texts = [c.text for c in paper.chunks]
        ids = [c.id for c in paper.chunks]
        metadatas = [chunk_metadata(paper, c, record.zotero_key or "") for c in paper.chunks]
        store.put_chunks(paper.id, ids, vectors, texts, metadatas)
        store.text.write({paper.id: (ids, texts)})
    except BaseException:
        with suppress(Exception):  # the first error is the one to report; the next open repairs the rest
            store.delete_paper(paper.id)
        raise
    record.complete, record.writer, record.started = True, "", 0.0
    store.put_record(record)


def _parse(entry: IndexEntry, stages: _Stages, cancel) -> Paper:
    from ..pdf import parse_pdf

    with stages.timing("parse"):
        paper = entry.paper if entry.paper is not None else parse_pdf(entry.path, cancel=cancel)
    if entry.metadata:
        paper.apply_library_metadata(entry.metadata)
    return paper


def _failure(exc: Exception) -> str:
    return exc.line if isinstance(exc, PaperPalError) else f"{type(exc).__name__}: {str(exc)[:200]}"


def index_papers(
    entries: Iterable[Path | str | IndexEntry | Paper], *, settings: Settings, on_progress=None, cancel=None
) -> IndexReport:
    """Index PDFs (and folders of PDFs; a :class:`Paper` already parsed is used as it is).  A bad PDF is
    reported in ``failed``; the batch goes on.

    ``on_progress(done, total, label)`` as files finish; ``cancel`` (with ``is_set()``) stops between
    and inside papers with :class:`Cancelled`, leaving the index consistent.
    """
    started = time.perf_counter()
    items = _entries(entries)
    report = IndexReport()
    stages = _Stages()
    store = open_store(settings)
    records = store.repair()
    done = 0
    changed = False

    def finished(entry: IndexEntry, outcome: str, paper_id: str = "", why: str = "") -> None:
        nonlocal done
        done += 1
        if outcome == "failed":
            report.failed.append((str(entry.path), why))
        else:
            (report.indexed if outcome == "indexed" else report.unchanged).append(str(entry.path))
            report.paper_ids[str(entry.path)] = paper_id
        if on_progress:
            on_progress(done, len(items), Path(entry.path).name)

    if on_progress:
        on_progress(0, len(items), "")
    todo: list[tuple[IndexEntry, str, str]] = []  # (entry, paper id, resolved path) of the PDFs to parse
    queued: set[str] = set()
    for entry in items:  # the cheap pass: hashes, unchanged papers and their library metadata
        check_cancelled(cancel, "Indexing cancelled")
        path = Path(entry.path)
        try:
            with stages.timing("read"):
                paper_id = entry.paper.id if entry.paper is not None else paper_id_of(path)
        except OSError as exc:
            finished(entry, "failed", why=f"cannot read {path} ({exc.strerror or exc})")
            continue
        record = records.get(paper_id)
        if record is not None and record.complete and record.parsed_with == source_digest(*PARSER):
            with stages.timing("write"):
                changed |= _update_metadata(store, record, entry, str(path.resolve()))
            finished(entry, "unchanged", paper_id)
        elif paper_id in queued:  # the same PDF twice in one run
            todo.append((entry, paper_id, ""))
        else:
            queued.add(paper_id)
            todo.append((entry, paper_id, str(path.resolve())))

    embedder = _EmbedderLoader(settings) if any(resolved for _, _, resolved in todo) else None
    by_path: dict[str, list[str]] = {}
    for paper_id, record in records.items():
        by_path.setdefault(record.path, []).append(paper_id)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse") as parser:
        pending: deque = deque()
        source = iter([item for item in todo if item[2]])

        def fill() -> None:
            while len(pending) < PARSE_AHEAD and (item := next(source, None)) is not None:
                pending.append((item, parser.submit(_parse, item[0], stages, cancel)))

        fill()
        if embedder is not None:
            embedder.start()  # loads the model while the first PDF is parsed
        while pending:
            (entry, paper_id, resolved), future = pending.popleft()
            fill()
            check_cancelled(cancel, "Indexing cancelled")
            try:
                paper = future.result()
                if not paper.chunks:
                    raise PaperPalError(
                        f"no text to index in {Path(entry.path).name} ({paper.text_status})", hint="OCR it first"
                    )
                with stages.timing("embed"):
                    vectors = embedder.get().embed([c.text for c in paper.chunks])
                check_cancelled(cancel, "Indexing cancelled")
                with stages.timing("write"):
                    for old_id in by_path.pop(resolved, []):  # the same file, changed since: its old version goes
                        if old_id != paper_id:
                            store.delete_paper(old_id)
                    if paper_id in records and records[paper_id].complete:  # chunks another parser made go
                        store.delete_paper(paper_id)
                    record = _record(paper, entry.metadata)
                    _write_paper(store, paper, record, vectors)
            except Cancelled:
                raise
            except Exception as exc:  # noqa: BLE001 — a PDF that breaks the parser must not stop the batch
                finished(entry, "failed", why=_failure(exc))
                continue
            records[paper_id] = record
            changed = True
            finished(entry, "indexed", paper_id)
    for entry, paper_id, resolved in todo:
        if not resolved:  # duplicates of a PDF indexed above
            if records.get(paper_id) and records[paper_id].complete:
                finished(entry, "unchanged", paper_id)
            else:
                finished(entry, "failed", why="the same PDF failed above")
    report.seconds = {"total": time.perf_counter() - started, **stages.seconds}
    if changed:  # searches in this process must see the new chunks and catalog
        from .search import invalidate_cache

        invalidate_cache()
    return report


class _EmbedderLoader:
    """The embedder, loaded in a background thread (beside the first parse) and only when a PDF needs embedding."""

    def __init__(self, settings: Settings):
        from .embedders import get_embedder

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-embedder")
        self._future = None
        self._load = lambda: get_embedder(settings)

    def start(self) -> None:
        if self._future is None:
            self._future = self._pool.submit(self._load)
            self._pool.shutdown(wait=False)

    def get(self):
        self.start()
        return self._future.result()


def remove_papers(paper_ids: Iterable[str], *, settings: Settings) -> int:
    """Take papers out of the index (chunks, text documents, catalog record); returns how many were there."""
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

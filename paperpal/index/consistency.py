"""Keeping the catalog, Chroma's chunks and the text index in agreement.

The catalog says which papers are complete and how many chunks each has; Chroma holds the chunks
(vectors and texts); the text index holds their terms, derived from those texts.  So the text index
can always be rebuilt from Chroma without re-embedding, and Chroma's chunks from the PDFs.

* :func:`sync_text` runs before every search: complete papers that the text index lacks (or holds a
  different number of chunks for) get their documents from Chroma's chunk texts.  Embedded, that is
  only ever a repair; with a lab's Chroma server it is how this user's copy learns the papers others
  indexed (a few hundred chunks per second, with progress, cancellable; nothing when up to date:
  one aggregation over the text index, cached until it changes).
* :func:`check_index` (``paperpal index --check``) compares all three and repairs each difference:
  abandoned writes and chunks without a paper are removed; a complete paper missing chunks in
  Chroma is indexed again from its PDF (or removed, with the path to re-index, when the PDF is gone
  or changed); a paper with extra chunk ids loses them; text documents are rebuilt from Chroma or
  dropped when their paper is gone.  It reads every chunk's metadata: seconds at 100k chunks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import check_cancelled
from ..settings import Settings
from .store import PaperRecord, Store, get_all, open_store

SYNC_BATCH = 2000  # chunks fetched from Chroma and committed to the text index at a time


def _batches(paper_ids: list[str], records: dict[str, PaperRecord], size: int) -> list[list[str]]:
    out: list[list[str]] = [[]]
    filled = 0
    for paper_id in paper_ids:
        if out[-1] and filled + records[paper_id].chunk_count > size:
            out.append([])
            filled = 0
        out[-1].append(paper_id)
        filled += records[paper_id].chunk_count
    return [batch for batch in out if batch]


def rebuild_text(store: Store, paper_ids: list[str], records: dict[str, PaperRecord], *, on_progress=None,
                 cancel=None) -> int:  # fmt: skip
    """Write the text-index documents of ``paper_ids`` from their chunk texts in Chroma; returns chunks written."""
    total = sum(records[p].chunk_count for p in paper_ids)
    done = 0
    for batch in _batches(sorted(paper_ids), records, SYNC_BATCH):
        check_cancelled(cancel, "Text index update cancelled")
        got = get_all(store.chunks, ["documents", "metadatas"], where={"paper_id": {"$in": batch}})
        papers: dict[str, tuple[list[str], list[str]]] = {paper_id: ([], []) for paper_id in batch}
        for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
            ids, texts = papers[meta["paper_id"]]
            ids.append(chunk_id)
            texts.append(text or "")
        store.text.write(papers)
        done += len(got["ids"])
        if on_progress:
            on_progress(done, total, "text index")
    return done


def sync_text(store: Store, records: dict[str, PaperRecord], *, on_progress=None, cancel=None) -> int:
    """Bring the text index up to date with the complete papers in ``records``; returns chunks written.

    A paper whose chunks in Chroma do not match its record (drift for ``--check``) is tried once per
    process, not before every search."""
    counts = store.text.counts()
    todo = [
        p
        for p, r in records.items()
        if counts.get(p, 0) != r.chunk_count and (p, r.chunk_count) not in store.unsyncable
    ]
    if not todo:
        return 0
    written = rebuild_text(store, todo, records, on_progress=on_progress, cancel=cancel)
    counts = store.text.counts()
    store.unsyncable |= {(p, records[p].chunk_count) for p in todo if counts.get(p, 0) != records[p].chunk_count}
    return written


@dataclass
class Problem:
    """One difference between the catalog, Chroma and the text index, and what was done about it."""

    paper_id: str
    kind: str  # abandoned_write | chunks_without_paper | missing_chunks | extra_chunks | text_missing | text_without_paper
    detail: str
    action: str  # removed | reindexed | removed_reindex_pdf | chunks_deleted | text_rebuilt | text_deleted | none


@dataclass
class CheckReport:
    """What ``paperpal index --check --json`` prints (:meth:`to_dict`); see docs/json.md."""

    papers: int = 0  # complete papers in the catalog, after repair
    chunks: int = 0  # chunks in Chroma, after repair
    text_chunks: int = 0  # documents in the text index, after repair
    writing: list[str] = field(default_factory=list)  # papers a live writer is writing now (left alone)
    problems: list[Problem] = field(default_factory=list)
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        """Nothing left to do: no problem, or every problem repaired."""
        return all(p.action != "none" for p in self.problems)

    def to_dict(self) -> dict:
        return {**asdict(self), "consistent": self.consistent}


def _library_record(record: PaperRecord) -> dict | None:
    """The library metadata a re-index needs to give the paper back its Zotero key, collections and tags."""
    if not (record.zotero_key or record.collections or record.tags):
        return None
    return {"key": record.zotero_key or "", "title": record.title, "authors": record.authors, "year": record.year,
            "collections": record.collections, "tags": record.tags}  # fmt: skip


def check_index(settings: Settings, *, repair: bool = True, on_progress=None, cancel=None) -> CheckReport:
    """Compare the catalog, Chroma's chunks and the text index; repair each difference unless ``repair=False``."""
    from .indexer import IndexEntry, index_papers, paper_id_of

    report = CheckReport(repaired=repair)
    store = open_store(settings)
    records = store.records(complete_only=False)

    def problem(paper_id: str, kind: str, detail: str, action: str) -> None:
        report.problems.append(Problem(paper_id, kind, detail, action if repair else "none"))

    for paper_id, record in sorted(records.items()):
        if record.complete:
            continue
        if not record.abandoned:
            report.writing.append(paper_id)
            continue
        problem(paper_id, "abandoned_write", f"{Path(record.path).name}: a write that never completed", "removed")
        if repair:
            store.delete_paper(paper_id)
            del records[paper_id]
    check_cancelled(cancel)

    in_chroma = store.chunk_papers()
    orphans = sorted(set(in_chroma) - set(records))
    for paper_id in orphans:
        problem(
            paper_id, "chunks_without_paper", f"{len(in_chroma[paper_id])} chunks, no catalog record", "chunks_deleted"
        )
    if repair and orphans:
        store.delete_orphan_chunks(set(records))
    reindex: list[tuple[str, PaperRecord]] = []
    for paper_id, record in sorted(records.items()):
        have = len(in_chroma.get(paper_id, []))
        if not record.complete or have == record.chunk_count:
            continue
        if have > record.chunk_count:
            expected = {f"{paper_id}:{n}" for n in range(record.chunk_count)}
            extra = sorted(set(in_chroma[paper_id]) - expected)
            problem(paper_id, "extra_chunks", f"{Path(record.path).name}: {have} chunks, catalog says {record.chunk_count}",
                    "chunks_deleted")  # fmt: skip
            if repair and extra:
                store.chunks.delete(ids=extra)
                store.text.write(remove_chunks=extra)
            continue
        same_pdf = Path(record.path).is_file() and paper_id_of(Path(record.path)) == paper_id
        detail = f"{Path(record.path).name}: {have} of {record.chunk_count} chunks in Chroma"
        problem(paper_id, "missing_chunks", detail, "reindexed" if same_pdf else "removed_reindex_pdf")
        if repair:
            store.delete_paper(paper_id)
            if same_pdf:
                reindex.append((paper_id, record))
            del records[paper_id]
    check_cancelled(cancel)
    if reindex:
        entries = [IndexEntry(Path(record.path), _library_record(record)) for _, record in reindex]
        index_papers(entries, settings=settings, on_progress=on_progress, cancel=cancel)
        again = store.records()
        records.update({paper_id: again[paper_id] for paper_id, _ in reindex if paper_id in again})

    complete = {p: r for p, r in records.items() if r.complete}
    counts = store.text.counts()
    stale = sorted(p for p, r in complete.items() if counts.get(p, 0) != r.chunk_count)
    for paper_id in stale:
        detail = f"{Path(complete[paper_id].path).name}: {counts.get(paper_id, 0)} of {complete[paper_id].chunk_count} chunks"
        problem(paper_id, "text_missing", detail, "text_rebuilt")
    extra_text = sorted(set(counts) - set(records))
    for paper_id in extra_text:
        problem(paper_id, "text_without_paper", f"{counts[paper_id]} text documents, no catalog record", "text_deleted")
    if repair:
        store.unsyncable.clear()
        rebuild_text(store, stale, complete, on_progress=on_progress, cancel=cancel)
        if extra_text:
            store.text.write(remove_papers=extra_text)
    report.papers = len(complete)
    report.chunks = store.chunks.count()
    report.text_chunks = sum(store.text.counts().values())
    return report

"""Hybrid retrieval: dense (Chroma HNSW) and BM25 (the text index) ranks fused by reciprocal rank fusion.

Scope: all complete papers, or those named by ``paper_ids``, a Zotero ``collection`` or ``tag``
(resolved through the catalog).  Both sides return at most ``dense_candidates`` ids; only the ``k``
fused winners are read back from Chroma (text and location metadata), so a query costs the same at
1,000 chunks and at 100,000: measured with ``bench/index.py --synthetic 100000`` (see docs/benchmarks.md).
Nothing is rebuilt per process: a cold ``paperpal search`` opens Chroma and the text
index, embeds the query and reads the catalog.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass

from ..errors import InputFileError
from ..settings import Settings
from .consistency import sync_text
from .store import PaperRecord, Store, open_store

RRF_K = 60  # the usual constant: rank 1 scores 1/61, rank 10 1/70


@dataclass
class Hit:
    chunk_id: str
    paper_id: str
    paper_title: str
    section_number: str
    section_title: str
    section_path: str
    page_start: int
    page_end: int
    text: str
    score: float  # fused RRF score
    dense: float  # cosine similarity of the query and the chunk (0 when not among the dense candidates)
    lexical: float  # BM25 score
    zotero_key: str = ""

    @property
    def section_label(self) -> str:
        return f"{self.section_number} {self.section_title}".strip()

    def to_dict(self) -> dict:
        return asdict(self)


_records: dict[str, tuple[float, dict[str, PaperRecord]]] = {}
_lock = threading.Lock()
RECORDS_TTL = 10.0  # seconds a catalog read is reused (another process, or a lab server, may change it)


def invalidate_cache() -> None:
    with _lock:
        _records.clear()


def _catalog(store: Store) -> dict[str, PaperRecord]:
    key = store.where + "|" + store.papers.name
    now = time.monotonic()
    with _lock:
        cached = _records.get(key)
        if cached and now - cached[0] < RECORDS_TTL:
            return cached[1]
    records = store.records()
    with _lock:
        _records[key] = (now, records)
    return records


def _paper_of(chunk_id: str) -> str:
    return chunk_id.rsplit(":", 1)[0]  # chunk ids are "<paper id>:<n>"


def resolve_scope(
    records: dict[str, PaperRecord],
    *,
    paper_ids: list[str] | set[str] | None = None,
    collection: str | None = None,
    tag: str | None = None,
) -> set[str]:
    """The paper ids a query may return (case-insensitive collection and tag names)."""
    scope = set(records)
    if paper_ids is not None:
        scope &= set(paper_ids)
    if collection:
        scope &= {i for i, r in records.items() if collection.casefold() in (c.casefold() for c in r.collections)}
    if tag:
        scope &= {i for i, r in records.items() if tag.casefold() in (t.casefold() for t in r.tags)}
    return scope


def search(
    query: str,
    *,
    settings: Settings,
    k: int = 10,
    paper_ids: list[str] | set[str] | None = None,
    collection: str | None = None,
    tag: str | None = None,
    embedder=None,
    store: Store | None = None,
    dense_candidates: int = 100,
    on_progress=None,
    cancel=None,
) -> list[Hit]:
    """The ``k`` best chunks for ``query`` across the library (or the scope given).

    ``on_progress(done, total, label)`` and ``cancel`` cover bringing the text index up to date first
    (papers another user added to a lab's server; nothing to do otherwise)."""
    if not query.strip():
        raise InputFileError("The query is empty", hint='ask something, e.g. `paperpal search "LoRA rank"`')
    store = store or open_store(settings)
    records = _catalog(store)
    scope = resolve_scope(records, paper_ids=paper_ids, collection=collection, tag=tag)
    if not scope:
        return []
    sync_text(store, records, on_progress=on_progress, cancel=cancel)
    if embedder is None:
        from .embedders import get_embedder

        embedder = get_embedder(settings)
    whole = scope == set(records)
    in_scope = sum(records[p].chunk_count for p in scope) or 1
    vector = embedder.embed([query])[0]
    dense = store.chunks.query(
        query_embeddings=[vector.tolist()],
        n_results=min(dense_candidates, in_scope),
        where=None if whole else {"paper_id": {"$in": sorted(scope)}},
        include=["distances"],
    )
    dense_sim = {
        cid: 1.0 - float(d) for cid, d in zip(dense["ids"][0], dense["distances"][0]) if _paper_of(cid) in scope
    }
    lexical = {
        h.chunk_id: h.score
        for h in store.text.search(query, min(max(dense_candidates, k), in_scope), papers=None if whole else scope)
        if h.paper_id in scope  # never a paper that is still being written
    }
    fused: dict[str, float] = {}
    for ranked in (list(dense_sim), list(lexical)):
        for rank, chunk_id in enumerate(ranked):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    best = sorted(fused, key=fused.get, reverse=True)[:k]
    got = store.chunks.get(ids=best, include=["documents", "metadatas"]) if best else {"ids": []}
    found = {
        cid: (text, meta) for cid, text, meta in zip(got["ids"], got.get("documents") or [], got.get("metadatas") or [])
    }
    hits = []
    for chunk_id in best:
        if chunk_id not in found:
            continue
        text, meta = found[chunk_id]
        hits.append(
            Hit(
                chunk_id=chunk_id,
                paper_id=meta["paper_id"],
                paper_title=records[meta["paper_id"]].title,
                section_number=meta.get("section_number", ""),
                section_title=meta.get("section_title", ""),
                section_path=meta.get("section_path", ""),
                page_start=int(meta["page_start"]),
                page_end=int(meta["page_end"]),
                text=text or "",
                score=fused[chunk_id],
                dense=dense_sim.get(chunk_id, 0.0),
                lexical=lexical.get(chunk_id, 0.0),
                zotero_key=meta.get("zotero_key", ""),
            )
        )
    return hits

"""Hybrid retrieval: dense (Chroma) and BM25 ranks fused by reciprocal rank fusion.

Scope: all complete papers, or those named by ``paper_ids``, a Zotero ``collection`` or ``tag``
(resolved through the catalog).  The BM25 side keeps the chunk texts in memory per process (built
once from the collection, rebuilt when the catalog changes), so a query never re-reads every chunk.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import asdict, dataclass

import numpy as np

from ..errors import InputFileError
from ..settings import Settings
from .lexical import BM25
from .store import PaperRecord, Store, get_all, open_store

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


class _Lexical:
    """Chunk ids, texts, metadata and BM25 of every complete paper, kept per process."""

    def __init__(self, store: Store, records: dict[str, PaperRecord]):
        got = get_all(store.chunks, ["documents", "metadatas"])
        keep = [i for i, m in enumerate(got["metadatas"] or []) if m["paper_id"] in records]
        self.ids = [got["ids"][i] for i in keep]
        self.texts = [got["documents"][i] for i in keep]
        self.metas = [got["metadatas"][i] for i in keep]
        self.papers = sorted({m["paper_id"] for m in self.metas})
        number = {paper_id: i for i, paper_id in enumerate(self.papers)}
        self.paper_index = np.array([number[m["paper_id"]] for m in self.metas], dtype=np.int32)
        self.position = {chunk_id: i for i, chunk_id in enumerate(self.ids)}
        self.bm25 = BM25(self.texts)


_cache: dict[str, _Lexical] = {}
_records: dict[str, tuple[float, dict[str, PaperRecord]]] = {}
_lock = threading.Lock()
RECORDS_TTL = 10.0  # seconds a catalog read is reused (another process, or a lab server, may change it)


def invalidate_cache() -> None:
    with _lock:
        _cache.clear()
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


def _lexical(store: Store, records: dict[str, PaperRecord]) -> _Lexical:
    signature = hashlib.sha256(
        (store.where + "|" + store.chunks.name + "|" + ",".join(sorted(records))).encode()
    ).hexdigest()
    with _lock:
        if signature not in _cache:
            _cache.clear()
            _cache[signature] = _Lexical(store, records)
        return _cache[signature]


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
) -> list[Hit]:
    """The ``k`` best chunks for ``query`` across the library (or the scope given)."""
    if not query.strip():
        raise InputFileError("The query is empty", hint='ask something, e.g. `paperpal search "LoRA rank"`')
    store = store or open_store(settings)
    records = _catalog(store)
    scope = resolve_scope(records, paper_ids=paper_ids, collection=collection, tag=tag)
    if not scope:
        return []
    if embedder is None:
        from .embedders import get_embedder

        embedder = get_embedder(settings)
    lexical = _lexical(store, records)
    vector = embedder.embed([query])[0]
    where = None if scope == set(records) else {"paper_id": {"$in": sorted(scope)}}
    n = min(dense_candidates, sum(records[p].chunk_count for p in scope) or 1)
    dense = store.chunks.query(
        query_embeddings=[vector.tolist()], n_results=max(n, 1), where=where, include=["distances"]
    )
    dense_ids = dense["ids"][0]
    dense_sim = {cid: 1.0 - float(d) for cid, d in zip(dense_ids, dense["distances"][0])}

    lex_scores = lexical.bm25.scores(query)
    if where is not None:
        allowed = [i for i, paper_id in enumerate(lexical.papers) if paper_id in scope]
        lex_scores = np.where(np.isin(lexical.paper_index, allowed), lex_scores, 0.0)
    depth = min(max(dense_candidates, k), len(lex_scores))
    top = np.argpartition(-lex_scores, depth - 1)[:depth] if depth else np.array([], dtype=np.int64)
    top = top[np.argsort(-lex_scores[top], kind="stable")]
    lex_ids = [lexical.ids[i] for i in top if lex_scores[i] > 0]

    fused: dict[str, float] = {}
    for ranked in (dense_ids, lex_ids):
        for rank, chunk_id in enumerate(ranked):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    hits = []
    for chunk_id in sorted(fused, key=fused.get, reverse=True)[:k]:
        i = lexical.position.get(chunk_id)
        if i is None:
            continue
        meta = lexical.metas[i]
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
                text=lexical.texts[i],
                score=fused[chunk_id],
                dense=dense_sim.get(chunk_id, 0.0),
                lexical=float(lex_scores[i]),
                zotero_key=meta.get("zotero_key", ""),
            )
        )
    return hits

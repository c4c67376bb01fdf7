"""Where the index lives: two Chroma collections, embedded or on a lab's Chroma server, and a text index.

* ``pp_chunks_<hash>``: one record per chunk (id ``<paper id>:<n>``, the vector, the text, and
  metadata: paper id, section number/title/path, pages, char offsets, Zotero key).
* ``pp_papers_<hash>``: the catalog, one record per paper (a JSON document: title, authors, year,
  path, Zotero key, collections, tags, chunk count, and while it is written its writer; metadata
  ``complete``).  It lives in Chroma too, so a lab sharing a server shares the catalog with the chunks.
* the text index (:mod:`.textindex`): every chunk's terms, for the BM25 side of search.  Embedded, it
  sits beside Chroma's files (``<index folder>/text-<hash>``).  With a Chroma server it is each user's
  own copy (``<data dir>/lab-text/<server>-<hash>``): derived from the chunk texts on the server, brought
  up to date from the catalog before each search (:func:`.consistency.sync_text`), so it never needs
  a shared filesystem and a lost copy costs one rebuild.

``<hash>`` covers the embedder key and the parser/chunking version (the text index's folder adds the
term rules' version): changing either starts a fresh collection instead of mixing incompatible data.
A paper is written as: catalog record with ``complete = False`` (naming its writer, see
:mod:`.writers`), then its chunks and text-index documents, then ``complete = True``; search reads only
complete papers, and :meth:`Store.repair` (run on open) deletes what abandoned writes left.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import home
from ..errors import ConfigError
from ..settings import Settings
from .embedders import embedder_key
from .lexical import VERSION as TERMS_VERSION
from .textindex import SCHEMA_VERSION, TextIndex
from .writers import abandoned

CHUNKING_VERSION = "pdf-chunks-1"  # bump when the parser's sections or chunks change shape
# Chroma writes go to a log first and reach the HNSW files every ``sync_threshold`` writes; every new
# process replays what is not there yet.  Chroma's default (1,000) cost each cold `paperpal search` up
# to 1.5 CPU-s of replay at 50k chunks; at 100 it is 0.2 s, and writing 30k chunks took no longer.
HNSW_PERSIST = {"hnsw:sync_threshold": 100, "hnsw:batch_size": 100}
_DUMMY = [0.0]  # catalog records need a vector; they are never searched by it


def index_dir(settings: Settings) -> Path:
    return Path(settings.index.path).expanduser() if settings.index.path else home.data_dir() / "index"


def collection_suffix(settings: Settings) -> str:
    return hashlib.sha256(f"{embedder_key(settings)}|{CHUNKING_VERSION}".encode()).hexdigest()[:12]


def text_index_dir(settings: Settings) -> Path:
    """The text index of this Chroma collection: beside Chroma's files, or this user's copy for a server."""
    name = f"text-{collection_suffix(settings)}-{TERMS_VERSION}-{SCHEMA_VERSION}"
    url = settings.index.chroma_url
    if not url:
        return index_dir(settings) / name
    server = re.sub(r"[^A-Za-z0-9.-]+", "_", url.split("://", 1)[-1]).strip("_")
    return home.data_dir() / "lab-text" / f"{server}-{name}"


@dataclass
class PaperRecord:
    """One paper in the catalog (what scoping by collection or tag and citations need)."""

    paper_id: str
    path: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    zotero_key: str | None = None
    collections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    chunk_count: int = 0
    complete: bool = False
    metadata_sha: str = ""  # hash of the library record last applied: a cheap "did the tags change?" check
    parsed_with: str = ""  # digest of the parser that made its chunks (indexer.PARSER): another one indexes it again
    writer: str = ""  # while incomplete: the process writing it (see writers.py)
    started: float = 0.0  # while incomplete: when that write began (epoch seconds)

    @property
    def abandoned(self) -> bool:
        """Incomplete, and its writer is gone: what a killed run left."""
        return not self.complete and abandoned(self.writer, self.started)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PaperRecord:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    url = settings.index.chroma_url
    if url:
        from urllib.parse import urlparse

        parsed = urlparse(url)
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "localhost",
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # noqa: BLE001 — any failure to connect is one line for the user
            raise ConfigError(
                f"Cannot reach the Chroma server at {url} ({type(exc).__name__}: {exc})",
                hint="start it with `chroma run --path DIR` or unset index.chroma_url",
            ) from None
    folder = index_dir(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"Cannot create the index folder {folder} ({exc.strerror})", hint="set index.path") from None
    if not os.access(folder, os.W_OK) or (
        (folder / "chroma.sqlite3").exists() and not os.access(folder / "chroma.sqlite3", os.W_OK)
    ):
        raise ConfigError(
            f"The index folder {folder} is read-only",
            hint="make it writable, or set index.path to a writable folder (nothing in it was changed)",
        )
    try:
        return chromadb.PersistentClient(path=str(folder), settings=chroma_settings)
    except Exception as exc:  # noqa: BLE001 — chromadb raises many kinds for a damaged folder
        raise _corrupt(folder, exc) from None


def _corrupt(folder: Path, exc: Exception) -> ConfigError:
    return ConfigError(
        f"The index in {folder} cannot be opened ({type(exc).__name__}: {str(exc)[:160]})",
        hint=f"it was left untouched; move it aside (e.g. `mv {folder} {folder}.bad`) and run `paperpal index` again",
    )


def get_all(collection, include: list[str], page: int = 5000, where: dict | None = None) -> dict[str, list]:
    """Every record of ``collection`` (matching ``where``), read in pages (one unpaged get fails past
    SQLite's variable limit)."""
    out: dict[str, list] = {"ids": [], **{name: [] for name in include}}
    offset = 0
    while True:
        got = collection.get(include=include, limit=page, offset=offset, where=where)
        out["ids"].extend(got["ids"])
        for name in include:
            out[name].extend(got[name] or [])
        if len(got["ids"]) < page:
            return out
        offset += page


class Store:
    """The chunk collection and the catalog of one index; open with :func:`open_store`."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.where = settings.index.chroma_url or str(index_dir(settings))
        self.client = client = _client(settings)
        self._text: TextIndex | None = None
        self._text_lock = threading.Lock()
        self.unsyncable: set[tuple[str, int]] = set()  # (paper, chunk count) the text index cannot copy: for --check
        suffix = collection_suffix(settings)
        try:
            self.chunks = client.get_or_create_collection(
                f"pp_chunks_{suffix}", metadata={"hnsw:space": "cosine", **HNSW_PERSIST}, embedding_function=None
            )
            self.papers = client.get_or_create_collection(
                f"pp_papers_{suffix}", metadata=HNSW_PERSIST, embedding_function=None
            )
        except Exception as exc:  # noqa: BLE001 — server errors and damaged folders alike become one line
            if settings.index.chroma_url:
                raise ConfigError(
                    f"The Chroma server at {self.where} failed ({type(exc).__name__}: {str(exc)[:160]})",
                    hint="check that `chroma run` is up and reachable, or unset index.chroma_url",
                ) from None
            if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
                raise ConfigError(
                    f"The index folder {self.where} is read-only", hint="make it writable or set index.path"
                ) from None
            raise _corrupt(Path(self.where), exc) from None

    @property
    def text(self) -> TextIndex:
        """The text index (opened on first use: writing papers and searching need it, the catalog does not)."""
        with self._text_lock:
            if self._text is None:
                self._text = TextIndex(text_index_dir(self.settings))
            return self._text

    # -- catalog ------------------------------------------------------------------------------
    def records(self, *, complete_only: bool = True) -> dict[str, PaperRecord]:
        got = get_all(self.papers, ["documents"])
        records = {i: PaperRecord.from_json(doc) for i, doc in zip(got["ids"], got["documents"] or [])}
        return {i: r for i, r in records.items() if r.complete or not complete_only}

    def put_record(self, record: PaperRecord) -> None:
        self.put_records([record])

    def put_records(self, records: list[PaperRecord]) -> None:
        self.papers.upsert(
            ids=[r.paper_id for r in records],
            embeddings=[_DUMMY] * len(records),
            documents=[r.to_json() for r in records],
            metadatas=[{"complete": r.complete, "path": r.path} for r in records],
        )

    def delete_paper(self, paper_id: str) -> None:
        """Chunks, text-index documents, then the catalog record: a crash in between leaves a record that repair finishes."""
        self.chunks.delete(where={"paper_id": paper_id})
        self.text.write(remove_papers=[paper_id])
        self.papers.delete(ids=[paper_id])

    def repair(self) -> dict[str, PaperRecord]:
        """Delete what killed runs left — papers with an abandoned incomplete record, chunks without a
        record — and return the catalog that remains (complete records and live writers' incomplete ones).

        Incomplete records of live writers (a lab's other ``paperpal index``, another thread) are left alone."""
        records = self.records(complete_only=False)
        for paper_id in [i for i, r in records.items() if r.abandoned]:
            self.delete_paper(paper_id)
            del records[paper_id]
        complete = sum(r.chunk_count for r in records.values() if r.complete)
        writing = sum(r.chunk_count for r in records.values() if not r.complete)
        if self.chunks.count() > complete + writing:  # usually not: no need to read every chunk's metadata
            self.delete_orphan_chunks(set(records))
        return records

    def chunk_papers(self) -> dict[str, list[str]]:
        """paper id -> its chunk ids in Chroma (reads every chunk's metadata: for checks, not for searches)."""
        got = get_all(self.chunks, ["metadatas"])
        papers: dict[str, list[str]] = {}
        for chunk_id, meta in zip(got["ids"], got["metadatas"]):
            papers.setdefault(str((meta or {}).get("paper_id", "")), []).append(chunk_id)
        return papers

    def delete_orphan_chunks(self, known: set[str]) -> list[str]:
        """Delete chunks (and text documents) of papers with no catalog record; returns those papers."""
        orphans = set(self.chunk_papers()) - known
        if orphans:  # a writer that started since ``known`` was read has put its record first: keep its chunks
            orphans -= set(self.papers.get(ids=sorted(orphans), include=[])["ids"])
        for paper_id in sorted(orphans):
            self.chunks.delete(where={"paper_id": paper_id})
        if orphans:
            self.text.write(remove_papers=sorted(orphans))
        return sorted(orphans)

    def put_chunks(
        self, paper_id: str, ids: list[str], vectors: Any, texts: list[str], metadatas: list[dict], batch: int = 1000
    ) -> None:
        """Upsert a paper's chunks and drop any other chunk it still has (ids are stable: same content, same ids)."""
        stale = set(self.chunks.get(where={"paper_id": paper_id}, include=[])["ids"]) - set(ids)
        if stale:
            self.chunks.delete(ids=sorted(stale))
        self.add_chunks(ids, vectors, texts, metadatas, batch)

    def add_chunks(
        self, ids: list[str], vectors: Any, texts: list[str], metadatas: list[dict], batch: int = 1000
    ) -> None:
        for start in range(0, len(ids), batch):
            end = start + batch
            self.chunks.upsert(
                ids=ids[start:end],
                embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                documents=texts[start:end],
                metadatas=metadatas[start:end],
            )


_stores: dict[str, Store] = {}
_lock = threading.Lock()


def open_store(settings: Settings) -> Store:
    """The process's one :class:`Store` for this index (clients are reused: opening one costs milliseconds)."""
    key = f"{settings.index.chroma_url or index_dir(settings)}|{collection_suffix(settings)}"
    with _lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = Store(settings)
    return store


def close_stores() -> None:
    """Close every client this process opened (releases SQLite files and HTTP connections)."""
    with _lock:
        stores = list(_stores.values())
        _stores.clear()
    for store in stores:
        session = getattr(getattr(store.client, "_server", None), "_session", None)
        store.client.close()
        if session is not None:  # chromadb's HTTP client leaves its httpx session open
            session.close()

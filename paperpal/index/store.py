"""Where the index lives: two Chroma collections, embedded or on a lab's Chroma server.

* ``pp_chunks_<hash>``: one record per chunk (id ``<paper id>:<n>``, the vector, the text, and
  metadata: paper id, section number/title/path, pages, char offsets, Zotero key).
* ``pp_papers_<hash>``: the catalog, one record per paper (a JSON document: title, authors, year,
  path, Zotero key, collections, tags, chunk count; metadata ``complete``).  It lives in Chroma too,
  so a lab sharing a server shares the catalog with the chunks.

``<hash>`` covers the embedder key and the parser/chunking version: changing either starts a fresh
collection instead of mixing incompatible vectors.  A paper is written as: catalog record with
``complete = False``, then its chunks, then ``complete = True``; :meth:`Store.repair` (run on
open) deletes the chunks of papers left incomplete by a killed run, so the index is always consistent.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import home
from ..errors import ConfigError
from ..settings import Settings
from .embedders import embedder_key

CHUNKING_VERSION = "pdf-chunks-1"  # bump when the parser's sections or chunks change shape
_DUMMY = [0.0]  # catalog records need a vector; they are never searched by it


def index_dir(settings: Settings) -> Path:
    return Path(settings.index.path).expanduser() if settings.index.path else home.data_dir() / "index"


def collection_suffix(settings: Settings) -> str:
    return hashlib.sha256(f"{embedder_key(settings)}|{CHUNKING_VERSION}".encode()).hexdigest()[:12]


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


def get_all(collection, include: list[str], page: int = 5000) -> dict[str, list]:
    """Every record of ``collection``, read in pages (one unpaged get fails past SQLite's variable limit)."""
    out: dict[str, list] = {"ids": [], **{name: [] for name in include}}
    offset = 0
    while True:
        got = collection.get(include=include, limit=page, offset=offset)
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
        suffix = collection_suffix(settings)
        try:
            self.chunks = client.get_or_create_collection(
                f"pp_chunks_{suffix}", metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
            self.papers = client.get_or_create_collection(f"pp_papers_{suffix}", embedding_function=None)
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

    # -- catalog ------------------------------------------------------------------------------
    def records(self, *, complete_only: bool = True) -> dict[str, PaperRecord]:
        got = get_all(self.papers, ["documents"])
        records = {i: PaperRecord.from_json(doc) for i, doc in zip(got["ids"], got["documents"] or [])}
        return {i: r for i, r in records.items() if r.complete or not complete_only}

    def put_record(self, record: PaperRecord) -> None:
        self.papers.upsert(
            ids=[record.paper_id],
            embeddings=[_DUMMY],
            documents=[record.to_json()],
            metadatas=[{"complete": record.complete, "path": record.path}],
        )

    def delete_paper(self, paper_id: str) -> None:
        """Chunks first, then the catalog record: a crash in between leaves an incomplete record that repair finishes."""
        self.chunks.delete(where={"paper_id": paper_id})
        self.papers.delete(ids=[paper_id])

    def repair(self) -> list[str]:
        """Delete what a killed run left: chunks of papers whose catalog record is missing or incomplete."""
        records = self.records(complete_only=False)
        removed = []
        for paper_id, record in records.items():
            if not record.complete:
                self.delete_paper(paper_id)
                removed.append(paper_id)
        complete = {i for i, r in records.items() if r.complete}
        if self.chunks.count() == sum(records[i].chunk_count for i in complete):
            return removed  # the usual case: no chunk without a complete paper, no need to read them all
        orphans = {m["paper_id"] for m in get_all(self.chunks, ["metadatas"])["metadatas"]} - complete
        for paper_id in orphans:
            self.chunks.delete(where={"paper_id": paper_id})
            removed.append(paper_id)
        return removed

    def add_chunks(
        self, ids: list[str], vectors: Any, texts: list[str], metadatas: list[dict], batch: int = 1000
    ) -> None:
        for start in range(0, len(ids), batch):
            end = start + batch
            self.chunks.upsert(
                ids=ids[start:end],
                embeddings=[list(map(float, v)) for v in vectors[start:end]],
                documents=texts[start:end],
                metadatas=metadatas[start:end],
            )


_stores: dict[str, Store] = {}
_lock = threading.Lock()


def open_store(settings: Settings, *, repair: bool = False) -> Store:
    """The process's one :class:`Store` for this index (clients are reused: opening one costs milliseconds)."""
    key = f"{settings.index.chroma_url or index_dir(settings)}|{collection_suffix(settings)}"
    with _lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = Store(settings)
    if repair:
        store.repair()
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

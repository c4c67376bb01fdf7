"""The library index: Chroma chunks with offline MiniLM embeddings, a paper catalog, a text index, hybrid search.

Public API (the CLI, the GUI and the Zotero sync call these):

* :func:`index_papers` / :func:`remove_papers` / :func:`indexed_paper_ids`
* :func:`search` (dense + BM25, fused), scoped by ``paper_ids``, Zotero ``collection`` or ``tag``
* :func:`catalog` — the catalog records of complete papers
* :func:`check_index` — compare the catalog, Chroma and the text index, and repair (``paperpal index --check``)
"""

from __future__ import annotations

from ..settings import Settings
from .consistency import CheckReport, Problem, check_index
from .indexer import IndexEntry, IndexReport, index_papers, indexed_paper_ids, remove_papers
from .search import Hit, search
from .store import PaperRecord, open_store


def catalog(*, settings: Settings) -> dict[str, PaperRecord]:
    """paper id -> catalog record, for every completely indexed paper."""
    return open_store(settings).records()


__all__ = [
    "CheckReport",
    "Hit",
    "IndexEntry",
    "IndexReport",
    "PaperRecord",
    "Problem",
    "catalog",
    "check_index",
    "index_papers",
    "indexed_paper_ids",
    "remove_papers",
    "search",
]

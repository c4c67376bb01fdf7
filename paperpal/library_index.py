"""The library index as a library browser uses it: is there one, which papers are in it, what a search finds.

:func:`index_exists` answers without creating an empty index (opening Chroma creates its folder, so a
browser that only wants to show marks or say "no index yet" must not open it). :func:`indexed_ids`
gives the ids of the indexed papers, or, for a damaged or unreachable index, none and the problem in one
line (a list shows its marks anyway). :func:`search_library` runs :func:`paperpal.index.search` (as
``paperpal search``) and joins each hit with its paper's catalog record: the PDF to open, the Zotero
item, the citation and a short snippet of the passage.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PaperPalError
from .settings import Settings

SNIPPET = 180  # characters of a hit's passage shown in a list


@dataclass
class SearchHit:
    """One search result as a list shows it and as opening it needs it."""

    label: str  # the citation: (Title, §section, p. page)
    snippet: str  # the passage's start, whitespace collapsed, "…" when cut
    path: str | None  # the indexed PDF (None: the catalog lost it)
    paper_id: str
    page: int  # 1-based
    quote: str  # the whole passage, whitespace collapsed
    zotero_key: str | None


def index_exists(settings: Settings) -> bool:
    """Whether there is an index to read, without making an empty one (opening Chroma creates its folder)."""
    from .index.store import index_dir

    return bool(settings.index.chroma_url) or (index_dir(settings) / "chroma.sqlite3").is_file()


def indexed_ids(settings: Settings) -> tuple[set[str], str]:
    """The ids of the indexed papers and ""; for a damaged or unreachable index no ids and its problem in one
    line; no index at all is no ids and no problem (and creates none)."""
    if not index_exists(settings):
        return set(), ""
    from .index import indexed_paper_ids

    try:
        return indexed_paper_ids(settings=settings), ""
    except PaperPalError as exc:
        return set(), exc.line


def search_library(query: str, *, settings: Settings, k: int = 20, snippet: int = SNIPPET) -> list[SearchHit] | None:
    """The ``k`` best passages for ``query`` with their papers; None when there is no index (or nothing in it)."""
    if not index_exists(settings):
        return None
    from .index import catalog, search
    from .tasks.ask import citation

    records = catalog(settings=settings)
    if not records:
        return None
    out = []
    for hit in search(query, settings=settings, k=k):
        record = records.get(hit.paper_id)
        text = " ".join(hit.text.split())
        out.append(SearchHit(citation(hit), text[:snippet] + ("…" if len(text) > snippet else ""),
                             record.path if record else None, hit.paper_id, hit.page_start, text,
                             hit.zotero_key or (record.zotero_key if record else None)))  # fmt: skip
    return out

"""The one interface the three ways into a Zotero library share, and the choice between them.

``auto`` picks the Zotero 7 local API when Zotero is running (freshest data, Zotero resolves every
file), else ``zotero.sqlite`` in the data directory (Zotero closed), else the web API (a server, a
colleague's group library).  Each source returns :class:`Fetch` results of the same
:class:`~paperpal.zotero.records.ItemRecord` shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import ConfigError
from ..settings import Settings
from .records import Attachment, Collection, ItemRecord

Progress = Callable[[int, int | None, str], None]  # (done, total or None, what)


@dataclass
class Fetch:
    """What one read of a library returned."""

    records: list[ItemRecord]
    collections: dict[str, Collection]
    complete: bool  # records is the whole library: anything stored but absent is gone
    cursor: dict[str, Any]  # handed back on the next fetch for an incremental read
    removed: set[str] = field(default_factory=set)  # keys gone since the cursor (when not complete)
    live_keys: set[str] | None = None  # every item key in the library now, when the source knows it cheaply
    problems: list[tuple[str, str]] = field(default_factory=list)  # (item key, why it could not be read)


class Source(Protocol):
    kind: str  # "sqlite" | "local" | "web"
    library: str  # "users/0" (this computer's user library), "users/475425", "groups/12"
    writable: bool  # only the web API accepts notes and tags

    def fetch(
        self,
        cursor: dict[str, Any] | None,
        *,
        known: dict[str, str] | None = None,
        on_progress: Progress | None = None,
        cancel=None,
    ) -> Fetch:
        """Records changed since ``cursor`` (everything when None); ``known`` maps child keys to item keys."""
        ...  # fmt: skip

    def download(self, attachment: Attachment, dest: Path) -> Path:
        """Fetch a file that exists only as a download link into ``dest``."""
        ...  # fmt: skip


SOURCES = ("local", "sqlite", "web")


def open_source(settings: Settings, kind: str | None = None) -> Source:
    """The source ``kind`` (or ``settings.zotero.source``); ``auto`` tries local API, then sqlite, then web."""
    kind = kind or settings.zotero.source
    if kind == "local":
        from .local_source import LocalSource

        return LocalSource.connect(settings)
    if kind == "sqlite":
        from .sqlite_source import SqliteSource

        return SqliteSource.open(settings)
    if kind == "web":
        from .web_source import WebSource

        return WebSource.connect(settings)
    if kind != "auto":
        raise ConfigError(f"Unknown Zotero source {kind!r}", hint=f"use one of auto, {', '.join(SOURCES)}")
    return _auto(settings)


def _auto(settings: Settings) -> Source:
    from .local_source import LocalSource, local_api_running
    from .sqlite_source import SqliteSource, database_path
    from .web_source import WebSource

    if local_api_running(settings):
        return LocalSource.connect(settings)
    db = database_path(settings)
    if db.is_file():
        return SqliteSource.open(settings)
    if settings.zotero_api_key and settings.zotero.library_id:
        return WebSource.connect(settings)
    raise ConfigError(
        f"No Zotero library found: Zotero is not running (no local API at {settings.zotero.local_api_url}), "
        f"there is no {db}, and no web API key and library id are set",
        hint="start Zotero 7, set zotero.data_dir, or `paperpal config set-key --zotero` with --library-id",
    )

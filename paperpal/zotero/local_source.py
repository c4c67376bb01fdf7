"""Zotero 7's local API (``http://localhost:23119/api/users/0/...``) through pyzotero's local mode.

Read-only (Zotero does not accept writes there).  Item versions in the local API only move when Zotero
syncs with zotero.org, so every sync reads the whole library (one local request, no paging limit) and
PaperPal's sync keeps only what changed.  Files: Zotero itself resolves each attachment to a
``file://`` URL (``/items/<key>/file/view/url``); once one stored file is known, the storage folder is
known and the other stored files need no request.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import ConfigError, check_cancelled
from ..settings import Settings
from .api_records import api_errors, collections_from_objects, records_from_objects
from .records import Attachment
from .sources import Fetch, Progress
from .web_source import make_client


def local_api_running(settings: Settings, timeout: float = 1.0) -> bool:
    """True when Zotero's local API answers (the ``/api/`` no-op endpoint).

    A Zotero with the local API switched off answers 403: ``auto`` then reads zotero.sqlite instead.
    """
    import httpx2

    try:
        response = httpx2.get(settings.zotero.local_api_url.rstrip("/") + "/", timeout=timeout, trust_env=False)
    except httpx2.HTTPError:
        return False
    return response.status_code == 200 and "Zotero-API-Version" in response.headers


def _file_path(url: str) -> Path | None:
    parsed = urlparse(url.strip())
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if len(path) > 2 and path[0] == "/" and path[2] == ":":  # file:///C:/... on Windows
        path = path[1:]
    return Path(path)


class LocalSource:
    kind = "local"
    writable = False

    def __init__(self, settings: Settings):
        self.settings = settings
        self.zot = make_client(settings, local=True)
        self.library = "users/0"
        self.where = f"the Zotero local API at {settings.zotero.local_api_url}"
        self.storage: Path | None = None  # <data dir>/storage once Zotero told us where one stored file is

    @classmethod
    def connect(cls, settings: Settings) -> LocalSource:
        source = cls(settings)
        with api_errors(source.where, local=True):
            response = source.zot.client.get(source.zot.endpoint + "/", headers=source.zot.default_headers())
        if response.status_code == 403:
            raise ConfigError(
                "Zotero is running but its local API is off",
                hint="Zotero → Settings → Advanced: tick 'Allow other applications on this computer to communicate "
                "with Zotero', or use --source sqlite",
            )
        return source

    def fetch(self, cursor=None, *, known=None, on_progress: Progress | None = None, cancel=None) -> Fetch:
        report = on_progress or (lambda done, total, what: None)
        report(0, None, "Reading the library from Zotero")
        with api_errors(self.where, local=True):
            zot = self.zot
            objects = zot.everything(zot.items())
            collections = collections_from_objects(zot.everything(zot.collections()))
            problems: list[tuple[str, str]] = []
            records = records_from_objects(objects, problems)
            paths = dict((cursor or {}).get("paths", {}))
            todo = [a for r in records for a in r.attachments if a.link_mode != "linked_url"]
            for n, att in enumerate(todo):
                check_cancelled(cancel)
                report(n, len(todo), "Locating attachment files")
                att.local_path = self._locate(att, paths)
                att.download_url = None
        live = {r.key for r in records}
        return Fetch(
            records=records, collections=collections, complete=True, cursor={}, live_keys=live, problems=problems
        )

    def _locate(self, att: Attachment, paths: dict[str, str]) -> str | None:
        """The file of ``att``: from the storage folder once known, else ask Zotero."""
        stored = att.link_mode in ("imported_file", "imported_url", "embedded_image")
        if stored and self.storage is not None and att.filename:
            return str(self.storage / att.key / att.filename)
        if att.link_mode == "linked_file" and att.path and not att.path.startswith("attachments:"):
            return att.path
        url = self.zot.endpoint + f"/users/0/items/{att.key}/file/view/url"
        response = self.zot.client.get(url, headers=self.zot.default_headers())
        if response.status_code != 200:
            return None
        path = _file_path(response.text)
        if path is None:
            return None
        if stored and path.parent.name == att.key and path.parent.parent.name == "storage":
            self.storage = path.parent.parent
        return str(path)

    def download(self, attachment: Attachment, dest: Path) -> Path:
        raise ConfigError("The Zotero local API gives file paths, not downloads")

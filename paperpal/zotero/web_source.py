"""The Zotero Web API (api.zotero.org) through pyzotero: user or group libraries, with an API key.

A first sync pages through ``/items`` (100 per request, following the ``Link`` headers); later ones ask
for ``format=versions&since=<library version>`` and ``/deleted?since=...`` and fetch only the items
that changed (plus, for a changed attachment or annotation, its parent item with all its children).
pyzotero waits out ``Backoff`` / ``Retry-After`` and retries 429s on reads.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError, check_cancelled
from ..home import atomic_write_bytes
from ..settings import Settings
from .api_records import api_errors, collections_from_objects, is_top, records_from_objects
from .records import Attachment
from .sources import Fetch, Progress
from .zotero_paths import resolve_attachment_path

BATCH = 50  # the most item keys one ``itemKey=`` request takes


def make_client(settings: Settings, *, local: bool = False):
    from pyzotero import zotero

    if local:
        client = zotero.Zotero(0, "user", local=True)
        client.endpoint = settings.zotero.local_api_url.rstrip("/")
        return client
    key = settings.zotero_api_key.get_secret_value() if settings.zotero_api_key else None
    client = zotero.Zotero(settings.zotero.library_id, settings.zotero.library_type, key)
    client.endpoint = settings.zotero.web_api_url.rstrip("/")
    return client


class WebSource:
    kind = "web"
    writable = True

    def __init__(self, settings: Settings):
        self.settings = settings
        self.zot = make_client(settings)
        self.library = f"{settings.zotero.library_type}s/{settings.zotero.library_id}"
        base = settings.zotero.base_dir
        self.base_dir = Path(base).expanduser() if base else None
        self.where = f"library {self.library} at {settings.zotero.web_api_url}"

    @classmethod
    def connect(cls, settings: Settings) -> WebSource:
        if not settings.zotero.library_id:
            raise ConfigError("No Zotero library id for the web API",
                              hint="pass --library-id (your user id is on https://www.zotero.org/settings/keys)")  # fmt: skip
        if not settings.zotero_api_key:
            raise ConfigError("No Zotero API key for the web API",
                              hint="set ZOTERO_API_KEY or run `paperpal config set-key --zotero`")  # fmt: skip
        return cls(settings)

    # -- reading ----------------------------------------------------------
    def _everything(self, first: list[dict], on_progress: Progress | None, what: str, cancel) -> list[dict]:
        zot = self.zot
        total = int(zot.request.headers.get("Total-Results", len(first)))
        items = list(first)
        while zot.links and zot.links.get("next"):
            check_cancelled(cancel)
            if on_progress:
                on_progress(len(items), total, what)
            items.extend(zot.follow())
        return items

    def fetch(self, cursor=None, *, known=None, on_progress: Progress | None = None, cancel=None) -> Fetch:
        with api_errors(self.where):
            if cursor and cursor.get("version") is not None:
                return self._changes(int(cursor["version"]), known or {}, on_progress, cancel)
            zot = self.zot
            first = zot.items(limit=100)
            version = int(zot.request.headers.get("Last-Modified-Version", 0))
            objects = self._everything(first, on_progress, "Reading the Zotero library", cancel)
            collections = collections_from_objects(zot.everything(zot.collections(limit=100)))
        problems: list[tuple[str, str]] = []
        records = records_from_objects(objects, problems)
        self._resolve_linked(records)
        return Fetch(
            records=records, collections=collections, complete=True, cursor={"version": version}, problems=problems
        )

    def _changes(self, since: int, known: dict[str, str], on_progress: Progress | None, cancel) -> Fetch:
        zot = self.zot
        versions = zot.item_versions(since=since, includeTrashed=1)
        version = int(zot.request.headers.get("Last-Modified-Version", since))
        deleted = set(zot.deleted(since=since).get("items", []))
        changed: list[dict] = []
        keys = sorted(versions)
        for start in range(0, len(keys), BATCH):
            check_cancelled(cancel)
            chunk = ",".join(keys[start : start + BATCH])
            changed += zot.everything(zot.items(itemKey=chunk, includeTrashed=1, limit=100))
        removed = {k for k in deleted if known.get(k, k) == k}  # deleted items (children only change their item)
        affected: set[str] = {known[k] for k in deleted if known.get(k, k) != k}
        for obj in changed:
            data = obj["data"]
            if is_top(data):
                (removed if data.get("deleted") else affected).add(data["key"])
            else:
                parent = data.get("parentItem", "")
                affected.add(known.get(parent, parent) if data.get("itemType") == "annotation" else parent)
        affected -= removed
        objects: list[dict] = []
        for n, key in enumerate(sorted(k for k in affected if k)):
            check_cancelled(cancel)
            if on_progress:
                on_progress(n, len(affected), "Reading changed items")
            top = self._item_with_children(key)
            if top is None:
                removed.add(key)
            else:
                objects += top
        records = records_from_objects(list({o["key"]: o for o in objects}.values()))
        self._resolve_linked(records)
        collections = collections_from_objects(zot.everything(zot.collections(limit=100)))
        return Fetch(
            records=records, collections=collections, complete=False, cursor={"version": version}, removed=removed
        )

    def _item_with_children(self, key: str) -> list[dict] | None:
        """The item ``key`` (or the top-level item above an attachment) with its attachments and annotations."""
        from pyzotero import errors as ze

        zot = self.zot
        try:
            top = zot.item(key)
        except ze.ResourceNotFoundError:
            return None
        if top["data"].get("deleted"):
            return None
        if not is_top(top["data"]):
            return self._item_with_children(top["data"]["parentItem"])
        objects = [top]
        attachments = [top] if top["data"]["itemType"] == "attachment" else zot.everything(zot.children(key, limit=100))
        if top["data"]["itemType"] != "attachment":
            objects += attachments
        for att in attachments:
            if att["data"].get("itemType") == "attachment" and att["data"].get("contentType") == "application/pdf":
                objects += zot.everything(zot.children(att["key"], limit=100))
        return objects

    def _resolve_linked(self, records) -> None:
        """Linked files are never uploaded: use them when they exist on this computer."""
        for record in records:
            for att in record.attachments:
                if att.link_mode == "linked_file":
                    local = resolve_attachment_path(att.key, att.link_mode, att.path, None, self.base_dir)
                    att.local_path = str(local) if local else None

    def download(self, attachment: Attachment, dest: Path) -> Path:
        with api_errors(f"the file of attachment {attachment.key} in {self.where}"):
            data = self.zot.file(attachment.key)
        if not isinstance(data, (bytes, bytearray)):
            raise ConfigError(f"Zotero sent no file for attachment {attachment.key}")
        atomic_write_bytes(dest, bytes(data))
        return dest

"""What PaperPal knows about the synced Zotero libraries: the items, their PDFs, their metadata.

The slides batch (by collection or tag), ``summarize --zotero`` and the GUI read from here; nothing in
this module talks to Zotero (``paperpal sync`` does that).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..settings import Settings
from .records import ItemRecord, library_record
from .store import StoredItem, SyncStore
from .sync import collection_keys

NOT_SYNCED = ConfigError("No Zotero library synced yet", hint="run `paperpal sync`")


@dataclass
class LibraryItem:
    library: str
    record: ItemRecord
    stored: StoredItem
    metadata: dict[str, Any]  # the shared library record (see Paper.apply_library_metadata)

    @property
    def pdf(self) -> Path | None:
        return Path(self.stored.pdf_path) if self.stored.status == "ok" and self.stored.pdf_path else None

    def to_dict(self) -> dict[str, Any]:
        """The ``paperpal library --json`` entry."""
        return {
            **self.metadata,
            "item_type": self.record.item_type,
            "pdf": str(self.pdf) if self.pdf else None,
            "paper_id": self.stored.paper_id if self.pdf else None,
            "status": self.stored.status,
            "reason": self.stored.reason or None,
            "annotations": [
                {"page": a.page, "page_label": a.page_label, "type": a.type, "text": a.text, "comment": a.comment}
                for att in self.record.attachments if att.is_pdf for a in att.annotations
            ],
        }  # fmt: skip


def _open_store() -> SyncStore:
    if not SyncStore.exists():
        raise NOT_SYNCED
    store = SyncStore()
    if not store.libraries():
        store.close()
        raise NOT_SYNCED
    return store


def library_items(settings: Settings, *, collection: str | None = None, tag: str | None = None) -> list[LibraryItem]:
    """Every synced item (all synced libraries), optionally only one collection (with sub-collections) or tag."""
    with _open_store() as store:
        libraries = {s.library: s for s in store.libraries()}
        rows = store.records()
    out = []
    for lib, record, stored in rows:
        collections = libraries[lib].collections
        if collection is not None:
            try:
                wanted = collection_keys(collections, collection)
            except ConfigError:
                continue
            if not wanted & set(record.collections):
                continue
        if tag is not None and tag.casefold() not in {t.casefold() for t in record.tags}:
            continue
        out.append(LibraryItem(lib, record, stored, library_record(record, lib, collections)))
    if collection is not None and not out:
        known = sorted({c.name for s in libraries.values() for c in s.collections.values()})
        if not any(c.name.casefold() == collection.casefold() or c.key == collection.upper()
                   for s in libraries.values() for c in s.collections.values()):  # fmt: skip
            raise ConfigError(f"No Zotero collection named {collection!r}",
                              hint=f"known collections: {', '.join(known) or 'none'}")  # fmt: skip
    return out


def library_pdfs(
    settings: Settings, *, collection: str | None = None, tag: str | None = None
) -> list[tuple[Path, dict]]:
    """(local PDF path, library record) for synced items that have a usable PDF."""
    return [(item.pdf, item.metadata) for item in library_items(settings, collection=collection, tag=tag) if item.pdf]


def library_item(settings: Settings, key: str) -> LibraryItem:
    """One synced item by its Zotero key (any synced library)."""
    with _open_store() as store:
        found = store.record(key)
        libraries = {s.library: s for s in store.libraries()}
    if found is None:
        raise ConfigError(f"No item {key.upper()} in the synced Zotero library",
                          hint="check the item key (Zotero: right-click → Copy Item Link) or run `paperpal sync`")  # fmt: skip
    lib, record, stored = found
    return LibraryItem(lib, record, stored, library_record(record, lib, libraries[lib].collections))


def item_pdf(settings: Settings, key: str) -> tuple[Path, dict]:
    """The PDF and library record of item ``key``, or one line saying why there is none."""
    item = library_item(settings, key)
    if item.pdf is None:
        why = item.stored.reason or "no usable PDF"
        raise ConfigError(f"Zotero item {item.record.key} ({item.record.title or 'untitled'}) has no PDF here: {why}",
                          hint="attach a PDF in Zotero, then `paperpal sync`")  # fmt: skip
    if not item.pdf.is_file():
        raise ConfigError(f"The PDF of Zotero item {item.record.key} is gone: {item.pdf}", hint="run `paperpal sync`")
    return item.pdf, item.metadata


def highlights_for(paper_id: str) -> list[dict[str, Any]]:
    """The reader's highlights (see :func:`.records.highlights`) of the synced Zotero item whose PDF is this paper
    (same content hash); [] when nothing is synced or no synced item holds it."""
    from .records import highlights

    if not SyncStore.exists():
        return []
    with SyncStore() as store:
        for _, record, stored in store.records():
            if stored.paper_id == paper_id:
                return highlights(record)
    return []

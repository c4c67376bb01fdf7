"""Put a summary back into Zotero: an HTML child note plus the tag ``paperpal:summarized``; and a comparison table
or related-work draft as a standalone note in its collection (:func:`write_collection_note`).

The note is rendered from the Markdown note with markdown-it-py with raw HTML *off*: whatever the model
wrote (``<script>``, ``<img onerror=...>``) arrives in Zotero as text, never as markup.  Writes go
through the web API only (Zotero's local API and zotero.sqlite are read-only); where only those are
available the note is saved as Markdown instead, and the caller is told so.

Zotero's version preconditions: the tag update sends ``If-Unmodified-Since-Version``; a 412 (someone
changed the item meanwhile) re-reads the item and tries again.  A note PaperPal wrote before is
updated in place (found by its tag) instead of piling up copies.  429 / ``Backoff`` / ``Retry-After``
are waited out (pyzotero records the delay; the retry waits for it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..home import atomic_write_text
from ..settings import Settings
from .api_records import api_errors
from .store import store_dir

TAG = "paperpal:summarized"
ATTEMPTS = 4


@dataclass
class WriteResult:
    mode: str  # "created" | "updated" | "dry-run" | "markdown"
    item_key: str
    html: str
    note_key: str | None = None
    path: Path | None = None  # the Markdown file, when Zotero could not be written
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "item_key": self.item_key, "note_key": self.note_key,
                "path": str(self.path) if self.path else None, "message": self.message}  # fmt: skip


def note_html(markdown: str) -> str:
    """The Zotero note HTML for a Markdown note (raw HTML in the Markdown is escaped, not passed through)."""
    from ..export.html import markdown_html

    return f'<div data-schema-version="9">{markdown_html(markdown)}</div>'


def _can_write(settings: Settings) -> bool:
    return bool(settings.zotero_api_key and settings.zotero.library_id)


def write_note(
    settings: Settings, item_key: str, markdown: str, *, dry_run: bool = False, on_progress=None
) -> WriteResult:
    """Write ``markdown`` as a child note of ``item_key`` (web API), or say why not and save it as Markdown."""
    item_key = item_key.upper()
    html = note_html(markdown)
    report = on_progress or (lambda stage: None)
    if not _can_write(settings):
        path = store_dir() / "notes" / f"{item_key}.md"
        if dry_run:
            return WriteResult("dry-run", item_key, html, path=path, message=(
                f"Would save the note to {path}: writing to Zotero needs the web API (the local API and "
                "zotero.sqlite are read-only)"))  # fmt: skip
        atomic_write_text(path, markdown)
        return WriteResult("markdown", item_key, html, path=path, message=(
            f"Zotero's local API and zotero.sqlite are read-only, so the note was saved to {path} "
            "(set ZOTERO_API_KEY and zotero.library_id to write notes into Zotero)"))  # fmt: skip
    from .web_source import make_client

    zot = make_client(settings)
    where = f"item {item_key} in {settings.zotero.library_type}s/{settings.zotero.library_id}"
    with api_errors(where):
        report("Reading the Zotero item")
        item = zot.item(item_key)
        existing = _paperpal_note(zot, item_key)
        if dry_run:
            action = f"update note {existing['key']}" if existing else "create a child note"
            tag = "" if TAG in {t["tag"] for t in item["data"].get("tags", [])} else f" and add the tag {TAG}"
            return WriteResult("dry-run", item_key, html, note_key=existing["key"] if existing else None,
                               message=f"Would {action} under {item_key} ({item['data'].get('title', '')}){tag}")  # fmt: skip
        report("Writing the note")
        if existing:
            note_key = _update_note(zot, existing, html)
            mode = "updated"
        else:
            note_key = _create_note(zot, item_key, html)
            mode = "created"
        report("Tagging the item")
        _add_tag(zot, item_key)
    return WriteResult(mode, item_key, html, note_key=note_key,
                       message=f"{mode.capitalize()} note {note_key} under {item_key} and tagged it {TAG}")  # fmt: skip


def _paperpal_note(zot, item_key: str) -> dict | None:
    for child in zot.everything(zot.children(item_key, limit=100)):
        data = child["data"]
        if data.get("itemType") == "note" and TAG in {t["tag"] for t in data.get("tags", [])}:
            return child
    return None


def _wait_rate_limit(zot) -> bool:
    """After a 429, wait as told (Retry-After / Backoff) and say whether to retry."""
    response = zot.request
    if response is None or response.status_code != 429:
        return False
    delay = response.headers.get("retry-after") or response.headers.get("backoff") or "1"
    time.sleep(min(float(delay), 60.0))
    return True


def _create_note(zot, item_key: str | None, html: str, *, tag: str = TAG, collection: str | None = None) -> str:
    """Create a child note of ``item_key``, or (``item_key`` None) a standalone note in ``collection``."""
    note = {"itemType": "note", "note": html, "tags": [{"tag": tag}], "collections": [collection] if collection else [],
            "relations": {}}  # fmt: skip
    where = item_key or f"collection {collection}"
    for _ in range(ATTEMPTS):
        try:
            result = zot.create_items([note], parentid=item_key) if item_key else zot.create_items([note])
        except ValueError:  # a 429 body is not JSON
            result = None
        if _wait_rate_limit(zot):
            continue
        if result and result.get("success"):
            return next(iter(result["success"].values()))
        failed = (result or {}).get("failed") or {}
        why = next(iter(failed.values()), {}).get("message", "no reason given") if failed else "no reply"
        raise ConfigError(f"Zotero did not create the note under {where}: {why}")
    raise ConfigError(f"Zotero kept rate-limiting the note for {where}", hint="try again in a few minutes")


def _with_precondition(zot, read, change) -> None:
    """Apply ``change`` to a fresh copy from ``read``; on 412 (changed meanwhile) re-read and retry."""
    from pyzotero import errors as ze

    for _ in range(ATTEMPTS):
        obj = read()
        if not change(obj):
            return
        try:
            zot.update_item(obj)
            return
        except ze.PreConditionFailedError:
            continue
    raise ConfigError("Zotero kept reporting the item as changed by someone else (412)", hint="try again")


def _update_note(zot, existing: dict, html: str) -> str:
    def change(obj: dict) -> bool:
        obj["data"]["note"] = html
        return True

    _with_precondition(zot, lambda: zot.item(existing["key"]), change)
    return existing["key"]


def _add_tag(zot, item_key: str) -> None:
    def change(obj: dict) -> bool:
        tags = obj["data"].setdefault("tags", [])
        if TAG in {t["tag"] for t in tags}:
            return False
        tags.append({"tag": TAG})
        return True

    _with_precondition(zot, lambda: zot.item(item_key), change)


COLLECTION_TAGS = {"comparison": "paperpal:comparison", "review": "paperpal:review"}


def _collection_key(zot, name: str) -> tuple[str, str]:
    """(key, name) of the collection called ``name`` (case-insensitive) or with that key."""
    found = [c for c in zot.everything(zot.collections())
             if c["data"]["name"].casefold() == name.casefold() or c["key"] == name.upper()]  # fmt: skip
    if not found:
        raise ConfigError(f"No Zotero collection named {name!r} in the web library",
                          hint="check the name (`paperpal library --collection NAME`)")  # fmt: skip
    return found[0]["key"], found[0]["data"]["name"]


def _collection_note(zot, collection_key: str, tag: str) -> dict | None:
    """The standalone note PaperPal wrote into this collection before (by its tag), if any."""
    for obj in zot.everything(zot.items(itemType="note", tag=tag)):
        data = obj["data"]
        if (data.get("itemType") == "note" and not data.get("parentItem") and collection_key in data.get("collections", [])
                and tag in {t["tag"] for t in data.get("tags", [])}):  # fmt: skip
            return obj
    return None


def write_collection_note(settings: Settings, collection: str, markdown: str, *, kind: str, dry_run: bool = False,
                          on_progress=None) -> WriteResult:  # fmt: skip
    """Write ``markdown`` (a comparison table or a review: ``kind``) as a standalone note in the Zotero
    ``collection`` (web API), tagged ``paperpal:<kind>``; a note PaperPal wrote there before for the same kind is
    updated in place (412 and 429 handled as for child notes).  Without web access the note is saved as Markdown."""
    tag = COLLECTION_TAGS[kind]
    html = note_html(markdown)
    report = on_progress or (lambda stage: None)
    if not _can_write(settings):
        safe = "".join(ch if ch.isalnum() else "-" for ch in collection).strip("-") or "collection"
        path = store_dir() / "notes" / f"{kind}-{safe}.md"
        if dry_run:
            return WriteResult("dry-run", collection, html, path=path, message=(
                f"Would save the {kind} to {path}: writing to Zotero needs the web API"))  # fmt: skip
        atomic_write_text(path, markdown)
        return WriteResult("markdown", collection, html, path=path, message=(
            f"Zotero's local API and zotero.sqlite are read-only, so the {kind} was saved to {path} "
            "(set ZOTERO_API_KEY and zotero.library_id to write it into Zotero)"))  # fmt: skip
    from .web_source import make_client

    zot = make_client(settings)
    with api_errors(f"collection {collection!r} in {settings.zotero.library_type}s/{settings.zotero.library_id}"):
        report("Reading the Zotero collection")
        key, name = _collection_key(zot, collection)
        existing = _collection_note(zot, key, tag)
        if dry_run:
            action = f"update note {existing['key']}" if existing else "create a standalone note"
            return WriteResult("dry-run", key, html, note_key=existing["key"] if existing else None,
                               message=f"Would {action} with the {kind} in collection {name} ({key})")  # fmt: skip
        report(f"Writing the {kind}")
        if existing:
            note_key, mode = _update_note(zot, existing, html), "updated"
        else:
            note_key, mode = _create_note(zot, None, html, tag=tag, collection=key), "created"
    return WriteResult(mode, key, html, note_key=note_key,
                       message=f"{mode.capitalize()} note {note_key} with the {kind} in collection {name} ({key})")  # fmt: skip

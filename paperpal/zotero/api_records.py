"""Zotero API JSON (web API v3 and the Zotero 7 local API speak the same) → item records.

Also the one place where pyzotero / HTTP failures become a single clear line.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ConfigError, PaperPalError
from .records import NON_FIELDS, Annotation, Attachment, Collection, ItemRecord, page_from_position, sort_attachments

CHILD_TYPES = ("attachment", "annotation", "note")


def is_top(data: dict[str, Any]) -> bool:
    """A regular item, or an attachment without a parent (a standalone PDF)."""
    kind = data.get("itemType")
    return kind not in CHILD_TYPES or (kind == "attachment" and not data.get("parentItem"))


def _attachment(obj: dict[str, Any], annotations: list[Annotation]) -> Attachment:
    data = obj["data"]
    enclosure = (obj.get("links") or {}).get("enclosure") or {}
    return Attachment(
        key=data["key"], version=int(data.get("version", obj.get("version", 0))), title=data.get("title", ""),
        content_type=data.get("contentType", ""), link_mode=data.get("linkMode", ""),
        filename=data.get("filename", "") or "", path=data.get("path", "") or "", date_added=data.get("dateAdded", ""),
        annotations=annotations, download_url=enclosure.get("href"),
    )  # fmt: skip


def _annotation(data: dict[str, Any]) -> Annotation:
    return Annotation(
        key=data["key"], type=data.get("annotationType", ""), text=data.get("annotationText", "") or "",
        comment=data.get("annotationComment", "") or "", color=data.get("annotationColor", "") or "",
        page=page_from_position(data.get("annotationPosition")), page_label=data.get("annotationPageLabel", "") or "",
        sort_index=data.get("annotationSortIndex", "") or "",
    )  # fmt: skip


def record_from_objects(
    top: dict[str, Any], children: list[dict[str, Any]], grandchildren: dict[str, list[dict]]
) -> ItemRecord:
    """One record from its top-level object, its child objects and the children of its attachments."""
    data = top["data"]
    fields = {k: v for k, v in data.items() if k not in NON_FIELDS and isinstance(v, str) and v}
    creators = [
        {k: v for k, v in c.items() if k in ("creatorType", "firstName", "lastName", "name")}
        for c in data.get("creators", [])
    ]

    def annotations_of(key: str) -> list[Annotation]:
        return [_annotation(o["data"]) for o in grandchildren.get(key, [])
                if o["data"].get("itemType") == "annotation" and not o["data"].get("deleted")]  # fmt: skip

    if data.get("itemType") == "attachment":
        attachments = [_attachment(top, annotations_of(data["key"]))]
    else:
        attachments = [_attachment(o, annotations_of(o["key"])) for o in children
                       if o["data"].get("itemType") == "attachment" and not o["data"].get("deleted")]  # fmt: skip
    return ItemRecord(
        key=data["key"], version=int(data.get("version", top.get("version", 0))), item_type=data.get("itemType", ""),
        fields=fields, creators=creators, tags=sorted(t["tag"] for t in data.get("tags", [])),
        collections=sorted(data.get("collections", [])), date_added=data.get("dateAdded", ""),
        date_modified=data.get("dateModified", ""), attachments=sort_attachments(attachments),
    )  # fmt: skip


def records_from_objects(
    objects: list[dict[str, Any]], problems: list[tuple[str, str]] | None = None
) -> list[ItemRecord]:
    """Group a flat list of API objects (a whole library, or whole items with all children) into records.

    An object that does not have the expected shape is reported in ``problems`` (key, why) and skipped:
    one odd item never stops a sync.
    """
    by_parent: dict[str, list[dict]] = defaultdict(list)
    tops = []
    for obj in objects:
        data = obj.get("data") or {}
        if data.get("deleted"):
            continue
        if is_top(data):
            tops.append(obj)
        if data.get("parentItem"):
            by_parent[data["parentItem"]].append(obj)
    records = []
    for top in tops:
        try:
            records.append(record_from_objects(top, by_parent.get(top.get("key", ""), []), by_parent))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if problems is not None:
                problems.append((str(top.get("key", "?")), f"unreadable item data ({type(exc).__name__}: {exc})"))
    return sorted(records, key=lambda r: r.key)


def collections_from_objects(objects: list[dict[str, Any]]) -> dict[str, Collection]:
    out = {}
    for obj in objects:
        data = obj["data"]
        if not data.get("deleted"):
            out[data["key"]] = Collection(data["key"], data.get("name", ""), data.get("parentCollection") or None)
    return out


@contextmanager
def api_errors(where: str, *, local: bool = False) -> Iterator[None]:
    """pyzotero and connection failures as one line that says what to do."""
    import httpx2
    from pyzotero import errors as ze

    try:
        yield
    except PaperPalError:
        raise
    except ze.UserNotAuthorisedError:
        if local:
            raise ConfigError(
                f"Zotero is running but refused the local API request ({where})",
                hint="Zotero → Settings → Advanced: tick 'Allow other applications on this computer to communicate "
                "with Zotero'",
            ) from None
        raise ConfigError(
            f"The Zotero web API refused the API key for {where} (403)",
            hint="check the key and its permissions at https://www.zotero.org/settings/keys, then "
            "`paperpal config set-key --zotero`",
        ) from None
    except ze.ResourceNotFoundError:
        raise ConfigError(
            f"Zotero has no {where} (404)",
            hint="check --library-id and --library-type (your user id is on https://www.zotero.org/settings/keys)",
        ) from None
    except (httpx2.ConnectError, httpx2.ConnectTimeout):
        if local:
            raise ConfigError(
                f"Zotero is not running (nothing answers at {where})",
                hint="start Zotero 7, or use --source sqlite (Zotero closed) or --source web",
            ) from None
        raise ConfigError(f"Cannot reach the Zotero web API at {where}", hint="check your network connection") from None
    except (ze.TooManyRetriesError, ze.TooManyRequestsError):
        raise ConfigError(
            f"Zotero is still rate-limiting requests for {where}", hint="try again in a few minutes"
        ) from None
    except (ze.PyZoteroError, httpx2.HTTPError, json.JSONDecodeError) as exc:
        first = str(exc).strip().splitlines()
        detail = " ".join(first[:2]) if first else type(exc).__name__
        raise ConfigError(f"Zotero request for {where} failed: {detail}") from None

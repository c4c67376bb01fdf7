"""One item record, whichever way the library was read (SQLite, local API, web API).

Every source turns Zotero's data into these dataclasses, so sync, the index and the slides see one
shape.  Field values follow the Web API JSON (type-specific field names such as ``proceedingsTitle``,
dates as Zotero shows them, ISO timestamps); empty fields are dropped.  Where a file *is* differs per
source (a resolved local path, or a download link), so those two attributes are kept out of
:meth:`ItemRecord.comparable`, the part all three sources must agree on.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

LINK_MODES = ("imported_file", "imported_url", "linked_file", "linked_url", "embedded_image")
ANNOTATION_TYPES = {1: "highlight", 2: "note", 3: "image", 4: "ink", 5: "underline", 6: "text"}
PDF = "application/pdf"

# Keys of an API item's ``data`` that are not item fields.
NON_FIELDS = frozenset(
    [
        "key",
        "version",
        "itemType",
        "creators",
        "tags",
        "collections",
        "relations",
        "dateAdded",
        "dateModified",
        "parentItem",
        "note",
        "linkMode",
        "contentType",
        "charset",
        "filename",
        "path",
        "md5",
        "mtime",
        "deleted",
        "inPublications",
    ]
)
TITLE_FIELDS = ("title", "caseName", "subject", "nameOfAct")
VENUE_FIELDS = (
    "publicationTitle", "proceedingsTitle", "conferenceName", "bookTitle", "websiteTitle", "blogTitle",
    "forumTitle", "encyclopediaTitle", "dictionaryTitle", "programTitle", "university", "institution",
    "repository", "publisher",
)  # fmt: skip
_DOI_IN_EXTRA = re.compile(r"^\s*DOI:\s*(10\.\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d|21\d\d)\b")


@dataclass
class Annotation:
    key: str
    type: str  # "highlight", "underline", "note", "image", "ink", "text"
    text: str = ""
    comment: str = ""
    color: str = ""
    page: int | None = None  # 1-based physical page (position.pageIndex + 1)
    page_label: str = ""  # the label printed on the page ("iv", "12")
    sort_index: str = ""


@dataclass
class Attachment:
    key: str
    version: int
    title: str = ""
    content_type: str = ""
    link_mode: str = "imported_file"
    filename: str = ""  # stored files: the name inside storage/<key>/
    path: str = ""  # linked files: Zotero's path ("/abs/file.pdf" or "attachments:rel/file.pdf")
    date_added: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    # Where the file is, per source (not compared between sources):
    local_path: str | None = None
    download_url: str | None = None

    @property
    def is_pdf(self) -> bool:
        return self.content_type == PDF

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["annotations"] = [dict(a.__dict__) for a in self.annotations]
        return data


@dataclass
class ItemRecord:
    """A top-level Zotero item (or a standalone attachment) with its attachments and annotations."""

    key: str
    version: int
    item_type: str
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[dict[str, str]] = field(default_factory=list)  # {"creatorType", "firstName", "lastName"} | name
    tags: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)  # collection keys
    date_added: str = ""
    date_modified: str = ""
    attachments: list[Attachment] = field(default_factory=list)

    # -- derived metadata -------------------------------------------------
    @property
    def title(self) -> str:
        return next((self.fields[f] for f in TITLE_FIELDS if self.fields.get(f)), "")

    @property
    def date(self) -> str:
        return self.fields.get("date", "")

    @property
    def year(self) -> int | None:
        match = _YEAR.search(self.date)
        return int(match.group(1)) if match else None

    @property
    def venue(self) -> str:
        return next((self.fields[f] for f in VENUE_FIELDS if self.fields.get(f)), "")

    @property
    def doi(self) -> str:
        if self.fields.get("DOI"):
            return self.fields["DOI"]
        match = _DOI_IN_EXTRA.search(self.fields.get("extra", ""))
        return match.group(1) if match else ""

    @property
    def url(self) -> str:
        return self.fields.get("url", "")

    @property
    def abstract(self) -> str:
        return self.fields.get("abstractNote", "")

    @property
    def authors(self) -> list[str]:
        """Authors as "First Last" (all creators when the item has no authors, e.g. an edited book)."""
        chosen = [c for c in self.creators if c.get("creatorType") == "author"] or self.creators
        return [
            c.get("name") or " ".join(p for p in (c.get("firstName", ""), c.get("lastName", "")) if p) for c in chosen
        ]

    def pdf_attachments(self) -> list[Attachment]:
        return [a for a in self.attachments if a.is_pdf]

    # -- comparison and storage ------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data (hand-written: ``dataclasses.asdict`` deep-copies and dominated a 10,000-item sync)."""
        data = dict(self.__dict__)
        data.update(fields=dict(self.fields), creators=[dict(c) for c in self.creators], tags=list(self.tags),
                    collections=list(self.collections), attachments=[a.to_dict() for a in self.attachments])  # fmt: skip
        return data

    def to_json(self) -> str:
        """Canonical JSON (sorted keys): what the store keeps and the fingerprint hashes."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemRecord:
        data = dict(data)
        attachments = []
        for att in data.get("attachments", []):
            att = dict(att)
            att["annotations"] = [Annotation(**a) for a in att.get("annotations", [])]
            attachments.append(Attachment(**att))
        data["attachments"] = attachments
        return cls(**data)

    def comparable(self) -> dict[str, Any]:
        """The record without where files are (what every source must return identically)."""
        data = self.to_dict()
        for att in data["attachments"]:
            att.pop("local_path")
            att.pop("download_url")
        return data

    def fingerprint(self, text: str | None = None) -> str:
        """Changes whenever anything about the item, its files' locations included, changes."""
        return hashlib.sha256((text or self.to_json()).encode("utf-8")).hexdigest()[:32]


@dataclass
class Collection:
    key: str
    name: str
    parent: str | None = None


def library_record(record: ItemRecord, library: str, collections: dict[str, Collection]) -> dict[str, Any]:
    """The shared library-metadata dict (see ``Paper.apply_library_metadata``) for ``record``."""
    return {
        "key": record.key,
        "library": library,
        "title": record.title,
        "authors": record.authors,
        "year": record.year,
        "venue": record.venue or None,
        "doi": record.doi or None,
        "url": record.url or None,
        "abstract": record.abstract,
        "collections": sorted(collections[k].name for k in record.collections if k in collections),
        "tags": list(record.tags),
        "highlights": highlights(record),
    }


HIGHLIGHT_TYPES = ("highlight", "underline", "note", "text")  # what holds words (image and ink annotations do not)


def highlights(record: ItemRecord) -> list[dict[str, Any]]:
    """The reader's annotations of the item's PDFs that hold words (highlighted text or a comment), in page order,
    as ``Paper.highlights`` takes them."""
    out = []
    for att in record.attachments:
        if not att.is_pdf:
            continue
        for a in att.annotations:
            if a.type in HIGHLIGHT_TYPES and (a.text.strip() or a.comment.strip()):
                out.append({"page": a.page, "text": a.text.strip(), "comment": a.comment.strip(), "type": a.type,
                            "color": a.color})  # fmt: skip
    return out


def iso_timestamp(value: str | None) -> str:
    """Zotero SQL timestamps ("2024-01-02 03:04:05", UTC) as the API writes them ("2024-01-02T03:04:05Z")."""
    if not value:
        return ""
    value = str(value)
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", value):
        return value.replace(" ", "T") + "Z"
    return value


def page_from_position(position: str | dict | None) -> int | None:
    """1-based page of an annotation from its position JSON (``pageIndex`` is 0-based)."""
    if not position:
        return None
    try:
        data = json.loads(position) if isinstance(position, str) else position
        return int(data["pageIndex"]) + 1
    except (ValueError, KeyError, TypeError):
        return None


def sort_attachments(attachments: list[Attachment]) -> list[Attachment]:
    """Oldest first (Zotero's own choice of the "best" attachment also prefers the oldest)."""
    for att in attachments:
        att.annotations.sort(key=lambda a: (a.sort_index, a.key))
    return sorted(attachments, key=lambda a: (a.date_added, a.key))

"""Real Zotero stand-ins for the tests: one library description, built two ways.

* :func:`build_sqlite` writes a ``zotero.sqlite`` with Zotero's own schema files
  (``../shared/corpus/zotero/schema``: ``system.sql``, ``userdata.sql``, ``triggers.sql``, the legacy
  ``system-107.sql`` ids, then item types and fields from ``global/schema.json``) and a ``storage/``
  folder, the way Zotero lays them out;
* :class:`ZoteroServer` is a stdlib HTTP server on 127.0.0.1 that speaks the Zotero Web API v3 for the
  same library (JSON shapes as in ``api_responses/``; ``Last-Modified-Version``, ``Total-Results``,
  ``Link`` paging, ``since``/``format=versions``/``/deleted``, ``If-Unmodified-Since-Version`` → 412,
  ``Backoff``/``Retry-After``/429, 403 for a wrong key, 404 for an unknown library) and, under
  ``/api/users/0/...``, Zotero 7's local API (file links as ``file://`` URLs).

The real ``pyzotero`` client talks to it; nothing is mocked.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "zotero" / "schema"
LINK_MODES = ("imported_file", "imported_url", "linked_file", "linked_url", "embedded_image")
ANNOTATION_TYPES = {"highlight": 1, "note": 2, "image": 3, "ink": 4, "underline": 5, "text": 6}


def schema_version(name: str) -> int:
    """The version in the header line (``-- 129``) of one of Zotero's schema files."""
    return int(re.match(r"--\s*(\d+)", (SCHEMA / name).read_text(encoding="utf-8")).group(1))


def global_schema() -> dict:
    return json.loads((SCHEMA / "global" / "schema.json").read_text(encoding="utf-8"))


# -- the library description ------------------------------------------------------------------


@dataclass
class Annot:
    key: str
    type: str = "highlight"
    text: str = ""
    comment: str = ""
    color: str = "#ffd400"
    page_label: str = ""
    page_index: int = 0
    sort_index: str = "00000|000000|00000"
    version: int = 1


@dataclass
class Att:
    key: str
    title: str
    content_type: str = "application/pdf"
    link_mode: str = "imported_file"
    filename: str = ""  # stored files
    path: str = ""  # linked files ("/abs" or "attachments:rel")
    source: Path | None = None  # the bytes of a stored file (None: the file is missing)
    annotations: list[Annot] = field(default_factory=list)
    version: int = 1
    date_added: str = "2024-01-01 10:00:00"
    date_modified: str = "2024-01-01 10:00:00"


@dataclass
class Item:
    key: str
    item_type: str
    fields: dict[str, str]
    creators: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    attachments: list[Att] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)  # {"key", "note" (html), "tags": [names], "version"}
    version: int = 1
    deleted: bool = False
    date_added: str = "2024-01-01 10:00:00"
    date_modified: str = "2024-01-01 10:00:00"


@dataclass
class Coll:
    key: str
    name: str
    parent: str | None = None
    version: int = 1


@dataclass
class Library:
    items: list[Item]
    collections: list[Coll]
    version: int = 10
    deleted: dict[str, int] = field(default_factory=dict)  # key -> library version when deleted
    clock: int = 0
    standalone_notes: list[dict] = field(default_factory=list)  # {"key", "note", "tags", "collections", "version"}

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)

    def bump(self) -> int:
        self.version += 1
        self.clock += 1
        return self.version

    def stamp(self) -> str:
        return f"2024-02-01 10:{self.clock // 60:02d}:{self.clock % 60:02d}"

    def edit(self, key: str, **fields: str) -> None:
        """Another Zotero client edits an item: new version, new modification time."""
        item = self.item(key)
        item.fields.update(fields)
        item.version = self.bump()
        item.date_modified = self.stamp()

    def remove(self, key: str) -> None:
        item = self.item(key)
        self.items.remove(item)
        version = self.bump()
        for k in [
            item.key,
            *(a.key for a in item.attachments),
            *(n.key for a in item.attachments for n in a.annotations),
        ]:
            self.deleted[k] = version


def sample_library(corpus: Path, root: Path) -> Library:
    """A small real-looking library over corpus PDFs (train split only): stored, linked (absolute and
    base-directory relative), standalone, missing and non-PDF attachments, an annotation, a trashed item."""
    base = root / "linked-base"
    (base / "lsa").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(corpus / "indexing-by-latent-semantic-analysis.pdf", base / "lsa" / "indexing.pdf")
    collections = [
        Coll("LMCOLL01", "Language Models"),
        Coll("EMBCOLL1", "Embeddings", parent="LMCOLL01"),
        Coll("TOPICS01", "Topic Models"),
    ]
    items = [
        Item(
            "BENGIO03", "journalArticle",
            {"title": "A Neural Probabilistic Language Model", "publicationTitle": "Journal of Machine Learning Research",
             "date": "2003", "volume": "3", "pages": "1137-1155", "abstractNote": "A goal of statistical language modeling.",
             "url": "https://www.jmlr.org/papers/v3/bengio03a.html", "extra": "DOI: 10.5555/944919.944966",
             "accessDate": "2024-01-05 09:30:00"},
            creators=[{"creatorType": "author", "firstName": "Yoshua", "lastName": "Bengio"},
                      {"creatorType": "author", "firstName": "Réjean", "lastName": "Ducharme"},
                      {"creatorType": "editor", "firstName": "Ed", "lastName": "Itor"}],
            tags=["language model", "neural"], collections=["LMCOLL01"],
            attachments=[Att("BENGPDF1", "Full Text PDF", filename="bengio.pdf",
                             source=corpus / "a-neural-probabilistic-language-model.pdf",
                             annotations=[Annot("ANNOT001", text="statistical language modeling", comment="key idea",
                                                page_label="1137", page_index=0, sort_index="00000|000100|00200"),
                                          Annot("ANNOT002", type="note", comment="see section 2", page_index=1,
                                                page_label="1138", sort_index="00001|000000|00100")])],
            notes=[{"key": "NOTE0001", "note": "<p>my own note</p>", "tags": [], "version": 1}],
        ),
        Item(
            "MIKOLOV1", "conferencePaper",
            {"title": "Efficient Estimation of Word Representations in Vector Space", "date": "2013-01-16",
             "proceedingsTitle": "ICLR Workshop", "DOI": "10.48550/arXiv.1301.3781"},
            creators=[{"creatorType": "author", "firstName": "Tomas", "lastName": "Mikolov"}],
            tags=["embeddings"], collections=["LMCOLL01", "EMBCOLL1"],
            attachments=[Att("W2VLINK1", "word2vec.pdf", link_mode="linked_file",
                             path=str(corpus / "word2vec-efficient-estimation-of-word-representations.pdf"))],
        ),
        Item(
            "DEERWE90", "journalArticle",
            {"title": "Indexing by Latent Semantic Analysis", "publicationTitle": "JASIS", "date": "September 1990"},
            creators=[{"creatorType": "author", "firstName": "Scott", "lastName": "Deerwester"}],
            tags=["LSA"], collections=["TOPICS01"],
            attachments=[Att("LSALINK1", "LSA", link_mode="linked_file", path="attachments:lsa/indexing.pdf"),
                         Att("LSASNAP1", "Snapshot", content_type="text/html", link_mode="imported_url",
                             filename="page.html", source=None)],
        ),
        Item("BOOKNOPDF", "book", {"title": "Foundations of Statistical NLP", "date": "1999", "publisher": "MIT Press"},
             creators=[{"creatorType": "author", "name": "Stanford NLP Group"}], tags=["textbook"]),
        Item("MISSING1", "journalArticle", {"title": "A Paper Whose PDF Was Deleted", "date": "2020"},
             attachments=[Att("MISSPDF1", "Full Text PDF", filename="gone.pdf", source=None)]),
        Item("TRASHED1", "journalArticle", {"title": "In The Trash", "date": "2021"}, deleted=True,
             attachments=[Att("TRASHPDF", "PDF", filename="t.pdf",
                              source=corpus / "textcnn-convolutional-neural-networks-for-sentence-classification.pdf")]),
        Item("STANDPDF", "attachment", {"title": "textcnn.pdf"}, collections=["TOPICS01"],
             attachments=[Att("STANDPDF", "textcnn.pdf", filename="textcnn.pdf",
                              source=corpus / "textcnn-convolutional-neural-networks-for-sentence-classification.pdf")]),
    ]  # fmt: skip
    return Library(items=items, collections=collections)


# -- zotero.sqlite ------------------------------------------------------------------------------


def _populate_global_schema(conn: sqlite3.Connection) -> None:
    """What Zotero does on first start: legacy ids from system-107.sql, the rest from schema.json."""
    conn.executescript((SCHEMA / "system-107.sql").read_text(encoding="utf-8"))
    schema = global_schema()

    def ids(table: str, id_col: str, name_col: str) -> dict[str, int]:
        return {name: i for i, name in conn.execute(f"SELECT {id_col}, {name_col} FROM {table}")}

    def ensure(table: str, id_col: str, name_col: str, names, extra=()) -> dict[str, int]:
        known = ids(table, id_col, name_col)
        for name in names:
            if name not in known:
                known[name] = max(known.values(), default=0) + 1
                conn.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * (2 + len(extra)))})",
                             (known[name], name, *extra))  # fmt: skip
        return known

    types = ensure("itemTypes", "itemTypeID", "typeName", [t["itemType"] for t in schema["itemTypes"]], (None, 1))
    all_fields = [f[k] for t in schema["itemTypes"] for f in t["fields"] for k in ("field", "baseField") if k in f]
    fields = ensure("fields", "fieldID", "fieldName", list(dict.fromkeys(all_fields)), (None,))
    creators = ensure(
        "creatorTypes",
        "creatorTypeID",
        "creatorType",
        list(dict.fromkeys(c["creatorType"] for t in schema["itemTypes"] for c in t["creatorTypes"])),
    )
    conn.execute("DELETE FROM itemTypeFields")
    conn.execute("DELETE FROM baseFieldMappings")
    conn.execute("DELETE FROM itemTypeCreatorTypes")
    for t in schema["itemTypes"]:
        tid = types[t["itemType"]]
        for order, f in enumerate(t["fields"]):
            conn.execute("INSERT INTO itemTypeFields VALUES (?, ?, NULL, ?)", (tid, fields[f["field"]], order))
            if "baseField" in f:
                conn.execute(
                    "INSERT INTO baseFieldMappings VALUES (?, ?, ?)", (tid, fields[f["baseField"]], fields[f["field"]])
                )
        for c in t["creatorTypes"]:
            conn.execute("INSERT INTO itemTypeCreatorTypes VALUES (?, ?, ?)",
                         (tid, creators[c["creatorType"]], int(bool(c.get("primary")))))  # fmt: skip
    conn.executescript(
        "INSERT INTO itemTypesCombined SELECT itemTypeID, typeName, display, 0 FROM itemTypes;"
        "INSERT INTO fieldsCombined SELECT fieldID, fieldName, NULL, fieldFormatID, 0 FROM fields;"
        "INSERT INTO itemTypeFieldsCombined SELECT itemTypeID, fieldID, hide, orderIndex FROM itemTypeFields;"
        "INSERT INTO baseFieldMappingsCombined SELECT itemTypeID, baseFieldID, fieldID FROM baseFieldMappings;"
    )
    versions = {
        "userdata": schema_version("userdata.sql"),
        "system": schema_version("system.sql"),
        "triggers": schema_version("triggers.sql"),
        "globalSchema": schema["version"],
        "compatibility": 7,
    }
    conn.executemany("INSERT INTO version VALUES (?, ?)", versions.items())


def _multipart(value: str) -> str:
    """Zotero stores dates as "SQL-date original" ("2003-00-00 2003")."""
    m = re.search(r"(\d{4})(?:-(\d\d))?(?:-(\d\d))?", value)
    months = {
        m: i
        for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
    }
    year, month, day = (m.group(1), m.group(2) or "00", m.group(3) or "00") if m else ("0000", "00", "00")
    for name, number in months.items():
        if name in value.lower() and month == "00":
            month = f"{number:02d}"
    return f"{year}-{month}-{day} {value}"


def build_sqlite(library: Library, data_dir: Path, *, user_version: int | None = None) -> Path:
    """Write ``data_dir/zotero.sqlite`` and ``data_dir/storage/`` for ``library``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "zotero.sqlite"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY;")  # a test file, not a user's
    for name in ("system.sql", "userdata.sql", "triggers.sql"):
        conn.executescript((SCHEMA / name).read_text(encoding="utf-8"))
    _populate_global_schema(conn)
    if user_version is not None:
        conn.execute("UPDATE version SET version = ? WHERE schema = 'userdata'", (user_version,))
    conn.execute("INSERT INTO libraries (libraryID, type, editable, filesEditable, version) VALUES (1, 'user', 1, 1, ?)",
                 (library.version,))  # fmt: skip
    type_id = dict(conn.execute("SELECT typeName, itemTypeID FROM itemTypes"))
    field_id = dict(conn.execute("SELECT fieldName, fieldID FROM fields"))
    creator_type = dict(conn.execute("SELECT creatorType, creatorTypeID FROM creatorTypes"))
    date_fields = {"date", "filingDate"}
    coll_id = {}
    for n, c in enumerate(library.collections, 1):
        coll_id[c.key] = n
    for c in library.collections:
        conn.execute(
            "INSERT INTO collections (collectionID, collectionName, parentCollectionID, libraryID, key, version)"
            " VALUES (?, ?, ?, 1, ?, ?)",
            (coll_id[c.key], c.name, coll_id.get(c.parent), c.key, c.version),
        )
    next_id = iter(range(1, 1_000_000))

    def add_item(type_name: str, key: str, version: int, added: str, modified: str) -> int:
        item_id = next(next_id)
        conn.execute(
            "INSERT INTO items (itemID, itemTypeID, dateAdded, dateModified, clientDateModified, libraryID, key,"
            " version, synced) VALUES (?, ?, ?, ?, ?, 1, ?, ?, 1)",
            (item_id, type_id[type_name], added, modified, modified, key, version),
        )
        return item_id

    def set_field(item_id: int, name: str, value: str) -> None:
        if name in date_fields:
            value = _multipart(value)
        conn.execute("INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)", (value,))
        value_id = conn.execute("SELECT valueID FROM itemDataValues WHERE value = ?", (value,)).fetchone()[0]
        conn.execute("INSERT INTO itemData VALUES (?, ?, ?)", (item_id, field_id[name], value_id))

    def add_attachment(att: Att, parent_id: int | None, item_id: int | None = None) -> None:
        if item_id is None:
            item_id = add_item("attachment", att.key, att.version, att.date_added, att.date_modified)
            set_field(item_id, "title", att.title)
        stored = att.link_mode in ("imported_file", "imported_url")
        conn.execute(
            "INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) VALUES (?, ?, ?, ?, ?)",
            (
                item_id,
                parent_id,
                LINK_MODES.index(att.link_mode),
                att.content_type,
                f"storage:{att.filename}" if stored else att.path,
            ),
        )
        if stored and att.source is not None:
            folder = data_dir / "storage" / att.key
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(att.source, folder / att.filename)
        for a in att.annotations:
            ann_id = add_item("annotation", a.key, a.version, att.date_added, att.date_modified)
            conn.execute(
                "INSERT INTO itemAnnotations (itemID, parentItemID, type, text, comment, color, pageLabel, "
                "sortIndex, position, isExternal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    ann_id,
                    item_id,
                    ANNOTATION_TYPES[a.type],
                    a.text or None,
                    a.comment or None,
                    a.color,
                    a.page_label,
                    a.sort_index,
                    json.dumps({"pageIndex": a.page_index, "rects": [[1, 2, 3, 4]]}),
                ),
            )

    for item in library.items:
        item_id = add_item(item.item_type, item.key, item.version, item.date_added, item.date_modified)
        for name, value in item.fields.items():
            set_field(item_id, name, value)
        for order, c in enumerate(item.creators):
            first, last, mode = (None, c["name"], 1) if "name" in c else (c["firstName"], c["lastName"], 0)
            conn.execute(
                "INSERT OR IGNORE INTO creators (firstName, lastName, fieldMode) VALUES (?, ?, ?)", (first, last, mode)
            )
            creator_id = conn.execute(
                "SELECT creatorID FROM creators WHERE lastName = ? AND firstName IS ? AND fieldMode = ?",
                (last, first, mode),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO itemCreators VALUES (?, ?, ?, ?)",
                (item_id, creator_id, creator_type[c["creatorType"]], order),
            )
        for tag in item.tags:
            conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
            conn.execute("INSERT INTO itemTags SELECT ?, tagID, 0 FROM tags WHERE name = ?", (item_id, tag))
        for key in item.collections:
            conn.execute("INSERT INTO collectionItems VALUES (?, ?, 0)", (coll_id[key], item_id))
        if item.deleted:
            conn.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (item_id,))
        if item.item_type == "attachment":
            add_attachment(item.attachments[0], None, item_id)
            continue
        for att in item.attachments:
            add_attachment(att, item_id)
        for note in item.notes:
            note_id = add_item("note", note["key"], note["version"], item.date_added, item.date_modified)
            conn.execute("INSERT INTO itemNotes VALUES (?, ?, ?, '')", (note_id, item_id, note["note"]))
    conn.commit()
    conn.close()
    return path


# -- the Web API / local API server ------------------------------------------------------------


class ZoteroServer:
    """Zotero Web API v3 (``/users/<id>/...``) and local API (``/api/users/0/...``) for one library."""

    def __init__(self, library: Library, *, user_id: int = 475425, api_key: str = "goodkey", data_dir: Path | None = None,
                 page_limit: int = 100):  # fmt: skip
        self.library = library
        self.user_id = user_id
        self.group_id = 4711  # the same library also answers as this group library
        self.api_key = api_key
        self.data_dir = data_dir  # where stored files are (the local API hands out file:// URLs)
        self.page_limit = page_limit
        self.requests: list[tuple[str, str]] = []  # (method, path?query)
        self.times: list[float] = []  # when each request arrived (time.monotonic)
        self.injected: list[list] = []  # [method, path regex, status, headers, times left (None: always)]
        self.before_patch = None  # a one-shot hook run before a PATCH is applied (another client edits first)
        self.extra_headers: dict[str, str] = {}  # added to the next response (an injected Backoff)
        self.base_dir: Path | None = None  # the linked-attachment base directory the local API resolves against
        self.fields = sorted({f["field"] for t in global_schema()["itemTypes"] for f in t["fields"]})
        self._type_fields = {t["itemType"]: [f["field"] for f in t["fields"]] for t in global_schema()["itemTypes"]}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                server._handle(self, "GET")

            def do_POST(self):
                server._handle(self, "POST")

            def do_PATCH(self):
                server._handle(self, "PATCH")

            def do_PUT(self):
                server._handle(self, "PUT")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def local_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def inject(
        self, method: str, pattern: str, status: int, headers: dict[str, str] | None = None, times: int | None = 1
    ) -> None:
        """Answer requests matching ``method`` and the ``pattern`` regex with ``status`` (``times`` times)."""
        self.injected.append([method, pattern, status, headers or {}, times])

    # -- JSON shapes ------------------------------------------------------------------------
    def _base(self, local: bool) -> str:
        return self.local_url if local else self.web_url

    def _lib_json(self) -> dict:
        return {"type": "user", "id": self.user_id, "name": "test library",
                "links": {"alternate": {"href": "https://www.zotero.org/test", "type": "text/html"}}}  # fmt: skip

    def _wrap(self, data: dict, local: bool, parent: str | None = None, enclosure: dict | None = None) -> dict:
        base = f"{self._base(local)}/users/{0 if local else self.user_id}"
        links = {
            "self": {"href": f"{base}/items/{data['key']}", "type": "application/json"},
            "alternate": {"href": f"https://www.zotero.org/test/items/{data['key']}", "type": "text/html"},
        }
        if parent:
            links["up"] = {"href": f"{base}/items/{parent}", "type": "application/json"}
        if enclosure:
            links["enclosure"] = enclosure
        return {"key": data["key"], "version": data["version"], "library": self._lib_json(), "links": links,
                "meta": {"numChildren": 0}, "data": data}  # fmt: skip

    @staticmethod
    def _iso(value: str) -> str:
        return value.replace(" ", "T") + "Z"

    def _objects(self, local: bool) -> list[dict]:
        """Every item, attachment, annotation and note of the library as API JSON."""
        out = []
        for item in self.library.items:
            if item.item_type != "attachment":
                data = {"key": item.key, "version": item.version, "itemType": item.item_type}
                for name in self._type_fields[item.item_type]:
                    value = item.fields.get(name, "")
                    data[name] = self._iso(value) if name == "accessDate" and value else value
                data.update(
                    creators=[dict(c) for c in item.creators],
                    tags=[{"tag": t} for t in item.tags],
                    collections=list(item.collections),
                    relations={},
                    dateAdded=self._iso(item.date_added),
                    dateModified=self._iso(item.date_modified),
                )
                if item.deleted:
                    data["deleted"] = 1
                out.append(self._wrap(data, local))
            for att in item.attachments:
                out += self._attachment_objects(att, None if item.item_type == "attachment" else item, local)
            for note in item.notes:
                out.append(
                    self._wrap(
                        {
                            "key": note["key"],
                            "version": note["version"],
                            "itemType": "note",
                            "parentItem": item.key,
                            "note": note["note"],
                            "tags": [{"tag": t} for t in note["tags"]],
                            "collections": [],
                            "relations": {},
                            "dateAdded": self._iso(item.date_added),
                            "dateModified": self._iso(item.date_modified),
                        },
                        local,
                        parent=item.key,
                    )
                )
        for note in self.library.standalone_notes:
            out.append(self._wrap({"key": note["key"], "version": note["version"], "itemType": "note",
                                   "note": note["note"], "tags": [{"tag": t} for t in note["tags"]],
                                   "collections": list(note["collections"]), "relations": {},
                                   "dateAdded": "2024-02-01T10:00:00Z", "dateModified": "2024-02-01T10:00:00Z"},
                                  local))  # fmt: skip
        return out

    def _attachment_objects(self, att: Att, parent: Item | None, local: bool) -> list[dict]:
        data = {"key": att.key, "version": att.version, "itemType": "attachment"}
        if parent:
            data["parentItem"] = parent.key
        data.update(
            linkMode=att.link_mode,
            title=att.title,
            accessDate="",
            url="",
            note="",
            contentType=att.content_type,
            charset="",
            tags=[],
            relations={},
            dateAdded=self._iso(att.date_added),
            dateModified=self._iso(att.date_modified),
        )
        if parent is None:
            data["collections"] = list(self._standalone(att.key).collections)
            if self._standalone(att.key).deleted:
                data["deleted"] = 1
        enclosure = None
        if att.link_mode in ("imported_file", "imported_url"):
            data["filename"] = att.filename
            if att.source is not None:
                data.update(md5="0" * 32, mtime=1700000000000)
                href = f"{self._base(local)}/users/{0 if local else self.user_id}/items/{att.key}/file/view"
                enclosure = {
                    "type": att.content_type,
                    "href": href,
                    "title": att.filename,
                    "length": att.source.stat().st_size,
                }
        else:
            data["path"] = att.path
        out = [self._wrap(data, local, parent=parent.key if parent else None, enclosure=enclosure)]
        for a in att.annotations:
            out.append(self._wrap({
                "key": a.key, "version": a.version, "itemType": "annotation", "parentItem": att.key,
                "annotationType": a.type, "annotationText": a.text, "annotationComment": a.comment,
                "annotationColor": a.color, "annotationPageLabel": a.page_label, "annotationSortIndex": a.sort_index,
                "annotationPosition": json.dumps({"pageIndex": a.page_index, "rects": [[1, 2, 3, 4]]}),
                "tags": [], "relations": {}, "dateAdded": self._iso(att.date_added),
                "dateModified": self._iso(att.date_modified)}, local, parent=att.key))  # fmt: skip
        return out

    def _standalone(self, key: str) -> Item:
        return next(i for i in self.library.items if i.key == key)

    def _collection_objects(self) -> list[dict]:
        return [{"key": c.key, "version": c.version, "library": self._lib_json(), "links": {},
                 "meta": {"numCollections": 0, "numItems": 0},
                 "data": {"key": c.key, "version": c.version, "name": c.name, "parentCollection": c.parent or False,
                          "relations": {}}} for c in self.library.collections]  # fmt: skip

    # -- request handling --------------------------------------------------------------------
    def _handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        with self.lock:
            self.requests.append((method, req.path))
            self.times.append(time.monotonic())
            for rule in self.injected:
                if rule[0] == method and re.search(rule[1], req.path) and rule[4] != 0:
                    rule[4] = None if rule[4] is None else rule[4] - 1
                    if rule[2] == 200:  # a normal answer with extra headers (e.g. Backoff)
                        self.extra_headers = dict(rule[3])
                        break
                    return self._send(req, rule[2], f"injected {rule[2]}", rule[3], "text/plain")
            url = urlparse(req.path)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            length = int(req.headers.get("Content-Length") or 0)
            body = json.loads(req.rfile.read(length) or b"null") if length else None
            local = url.path.startswith("/api/") or url.path == "/api"
            path = url.path[4:] if local else url.path
            if not local:
                key = req.headers.get("Zotero-API-Key") or (req.headers.get("Authorization") or "").removeprefix(
                    "Bearer "
                )
                if key != self.api_key:
                    return self._send(req, 403, "Forbidden", {}, "text/plain")
            elif method != "GET":
                return self._send(req, 501, "Write access is not yet supported", {}, "text/plain")
            try:
                self._route(req, method, path, params, body, local)
            except KeyError:
                self._send(req, 404, "Not found", {}, "text/plain")

    def _send(self, req, status: int, body, headers: dict[str, str], ctype: str = "application/json") -> None:
        data = (
            body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        )
        req.send_response(status)
        req.send_header("Content-Type", ctype)
        req.send_header("Content-Length", str(len(data)))
        req.send_header("Zotero-API-Version", "3")
        headers = {**headers, **self.extra_headers}
        self.extra_headers = {}
        for name, value in headers.items():
            req.send_header(name, value)
        req.end_headers()
        req.wfile.write(data)

    def _route(self, req, method: str, path: str, params: dict[str, str], body, local: bool) -> None:
        version_header = {"Last-Modified-Version": str(self.library.version)}
        if path in ("", "/"):
            return self._send(req, 200, "Nothing to see here.", {}, "text/plain")
        if path == "/itemFields":
            return self._send(req, 200, [{"field": f, "localized": f} for f in self.fields], {})
        m = re.fullmatch(r"/(users|groups)/(\d+)(/.*)", path)
        owner = {"users": 0 if local else self.user_id, "groups": self.group_id}
        if not m or int(m.group(2)) != owner[m.group(1)]:
            return self._send(req, 404, "Not found", {}, "text/plain")
        rest = m.group(3)
        objects = self._objects(local)
        by_key = {o["key"]: o for o in objects}
        if method == "POST" and rest == "/items":
            return self._create(req, body)
        if method == "PATCH" and (mm := re.fullmatch(r"/items/(\w+)", rest)):
            return self._patch(req, mm.group(1), body, req.headers.get("If-Unmodified-Since-Version"))
        if rest == "/collections":
            return self._list(req, self._collection_objects(), params, version_header)
        if rest == "/deleted":
            since = int(params.get("since", 0))
            items = [k for k, v in self.library.deleted.items() if v > since]
            return self._send(
                req,
                200,
                {"collections": [], "items": items, "searches": [], "tags": [], "settings": []},
                version_header,
            )
        if rest in ("/items", "/items/top"):
            trashed = params.get("includeTrashed") == "1"
            chosen = [o for o in objects if trashed or not o["data"].get("deleted")]
            if rest == "/items/top":
                chosen = [o for o in chosen if "parentItem" not in o["data"]]
            if "itemKey" in params:
                keys = set(params["itemKey"].split(","))
                chosen = [o for o in chosen if o["key"] in keys]
            return self._list(req, chosen, params, version_header)
        if mm := re.fullmatch(r"/items/(\w+)/children", rest):
            if mm.group(1) not in by_key:
                raise KeyError(mm.group(1))
            return self._list(
                req, [o for o in objects if o["data"].get("parentItem") == mm.group(1)], params, version_header
            )
        if mm := re.fullmatch(r"/items/(\w+)/file(/view)?(/url)?", rest):
            return self._file(req, mm.group(1), local, url_only=bool(mm.group(3)))
        if mm := re.fullmatch(r"/items/(\w+)", rest):
            obj = by_key[mm.group(1)]
            return self._send(req, 200, obj, {"Last-Modified-Version": str(obj["version"])})
        self._send(req, 404, "Not found", {}, "text/plain")

    def _list(self, req, objects: list[dict], params: dict[str, str], headers: dict[str, str]) -> None:
        if "since" in params:
            objects = [o for o in objects if o["version"] > int(params["since"])]
        if params.get("format") == "versions":
            return self._send(req, 200, {o["key"]: o["version"] for o in objects}, headers)
        total = len(objects)
        start = int(params.get("start", 0))
        limit = min(int(params.get("limit", 25)), self.page_limit)
        page = objects[start : start + limit]
        links = []
        host = f"http://{req.headers['Host']}{urlparse(req.path).path}"
        if start + limit < total:
            links.append(f'<{host}?{urlencode({**params, "start": start + limit})}>; rel="next"')
        last = max(0, (total - 1) // limit * limit)
        links.append(f'<{host}?{urlencode({**params, "start": last})}>; rel="last"')
        self._send(req, 200, page, {**headers, "Total-Results": str(total), "Link": ", ".join(links)})

    def _file(self, req, key: str, local: bool, url_only: bool) -> None:
        att = next(a for i in self.library.items for a in i.attachments if a.key == key)
        if local:
            if att.link_mode == "linked_file":
                target = Path(att.path) if not att.path.startswith("attachments:") else self.base_dir / att.path[12:]
            else:
                target = self.data_dir / "storage" / att.key / att.filename
            if url_only:
                return self._send(req, 200, target.as_uri(), {}, "text/plain")
            return self._send(req, 302, "", {"Location": target.as_uri()}, "text/plain")
        if att.source is None or att.link_mode not in ("imported_file", "imported_url"):
            return self._send(req, 404, "Not found", {}, "text/plain")
        self._send(req, 200, att.source.read_bytes(), {}, att.content_type)

    def _create(self, req, payload: list[dict]) -> None:
        success, successful = {}, {}
        for n, data in enumerate(payload):
            version = self.library.bump()
            key = f"NEWN{version:04d}"
            note = {"key": key, "note": data["note"], "tags": [t["tag"] for t in data.get("tags", [])], "version": version}
            if data.get("parentItem"):
                self.library.item(data["parentItem"]).notes.append(note)
            else:  # a standalone note, in the collections it names
                self.library.standalone_notes.append({**note, "collections": list(data.get("collections", []))})
            success[str(n)] = key
            successful[str(n)] = {"key": key, "version": version, "data": {**data, "key": key, "version": version}}
        self._send(
            req,
            200,
            {"successful": successful, "success": success, "unchanged": {}, "failed": {}},
            {"Last-Modified-Version": str(self.library.version)},
        )

    def _patch(self, req, key: str, data: dict, precondition: str | None) -> None:
        if self.before_patch:
            hook, self.before_patch = self.before_patch, None
            hook()
        item = next((i for i in self.library.items if i.key == key), None)
        note = next((n for i in self.library.items for n in i.notes if n["key"] == key), None) or \
            next((n for n in self.library.standalone_notes if n["key"] == key), None)  # fmt: skip
        if item is None and note is None:
            return self._send(req, 404, "Not found", {}, "text/plain")
        current = item.version if item else note["version"]
        if precondition is None or int(precondition) != current:
            return self._send(req, 412, f"Item has been modified since specified version (expected {precondition}, "
                                        f"found {current})", {}, "text/plain")  # fmt: skip
        if item:
            item.tags = [t["tag"] for t in data.get("tags", [])]
            item.version = self.library.bump()
        else:
            note.update(note=data.get("note", note["note"]), version=self.library.bump())
        self._send(req, 204, b"", {"Last-Modified-Version": str(self.library.version)})


# -- one test environment: the library as zotero.sqlite and as a server, settings pointing at both -----


@dataclass
class ZoteroEnv:
    library: Library
    root: Path
    data_dir: Path
    base_dir: Path
    server: ZoteroServer

    def settings(self, **zotero):
        """Settings for this environment (written to the isolated settings file, so the CLI sees them too)."""
        from pydantic import SecretStr

        from paperpal.settings import load_settings, save_settings

        values = {"data_dir": str(self.data_dir), "base_dir": str(self.base_dir), "library_id": str(self.server.user_id),
                  "web_api_url": self.server.web_url, "local_api_url": self.server.local_url, **zotero}  # fmt: skip
        settings = load_settings({f"zotero.{k}": v for k, v in values.items()})
        save_settings(settings)
        settings.zotero_api_key = SecretStr(self.server.api_key)
        return settings

    def rebuild_sqlite(self) -> Path:
        return build_sqlite(self.library, self.data_dir)


def make_env(corpus: Path, root: Path, *, page_limit: int = 2) -> ZoteroEnv:
    library = sample_library(corpus, root)
    data_dir = root / "Zotero"
    build_sqlite(library, data_dir)
    server = ZoteroServer(library, data_dir=data_dir, page_limit=page_limit)
    server.base_dir = root / "linked-base"
    return ZoteroEnv(library, root, data_dir, root / "linked-base", server)

"""Read ``zotero.sqlite`` directly: read-only and immutable, never written.

Zotero keeps the database locked while it runs; ``immutable=1`` makes SQLite read the file without
taking any lock or creating a journal (so PaperPal can never damage it), at the price of not seeing
changes Zotero still holds in memory or a ``-wal`` file (sync again after Zotero closes, or use the
local API while Zotero runs).

Incremental reads use ``clientDateModified``, which Zotero sets on every local edit of an item or its
attachments and annotations (``version`` only moves when Zotero syncs with zotero.org).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path

from ..errors import ConfigError, InputFileError, check_cancelled
from ..settings import Settings
from .records import (
    ANNOTATION_TYPES,
    LINK_MODES,
    Annotation,
    Attachment,
    Collection,
    ItemRecord,
    iso_timestamp,
    page_from_position,
    sort_attachments,
)
from .sources import Fetch, Progress
from .zotero_paths import default_base_dir, default_data_dir, resolve_attachment_path

# The newest userdata schema this reader knows (the "-- 129" header of Zotero's resource/schema/userdata.sql).
SUPPORTED_USERDATA_VERSION = 129
REQUIRED_TABLES = {"version", "items", "itemData", "itemDataValues", "itemAttachments", "collections", "libraries"}
NON_REGULAR = ("note", "attachment", "annotation")
_CHUNK = 500


def database_path(settings: Settings) -> Path:
    data_dir = Path(settings.zotero.data_dir).expanduser() if settings.zotero.data_dir else default_data_dir()
    return data_dir / "zotero.sqlite"


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open ``path`` read-only and immutable (no locks, no journal, no writes possible)."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


class SqliteSource:
    kind = "sqlite"
    writable = False

    def __init__(self, path: Path, conn: sqlite3.Connection, library_id: int, library: str, base_dir: Path | None):
        self.path = path
        self.data_dir = path.parent
        self.conn = conn
        self.library_id = library_id
        self.library = library
        self.base_dir = base_dir

    @classmethod
    def open(cls, settings: Settings, path: Path | None = None) -> SqliteSource:
        path = Path(path) if path else database_path(settings)
        if not path.is_file():
            raise InputFileError(
                f"No Zotero database at {path}",
                hint="set zotero.data_dir (or ZOTERO_DATA_DIR) to the folder holding zotero.sqlite, or use --source web",
            )
        conn = connect_readonly(path)
        check_database(conn, path)
        library_id, library = _library(conn, settings, path)
        base = settings.zotero.base_dir
        base_dir = Path(base).expanduser() if base else default_base_dir()
        return cls(path, conn, library_id, library, base_dir)

    def close(self) -> None:
        self.conn.close()

    # -- reading ----------------------------------------------------------
    def fetch(self, cursor=None, *, known=None, on_progress: Progress | None = None, cancel=None) -> Fetch:
        report = on_progress or (lambda done, total, what: None)
        report(0, None, "Reading zotero.sqlite")
        conn = self.conn
        lib = self.library_id
        live = conn.execute(
            "SELECT i.itemID, i.key, i.clientDateModified, t.typeName, "
            "COALESCE(a.parentItemID, n.parentItemID) FROM items i "
            "JOIN itemTypesCombined t ON t.itemTypeID = i.itemTypeID "
            "LEFT JOIN itemAttachments a ON a.itemID = i.itemID "
            "LEFT JOIN itemAnnotations n ON n.itemID = i.itemID "
            "WHERE i.libraryID = ? AND i.itemID NOT IN (SELECT itemID FROM deletedItems)",
            (lib,),
        ).fetchall()
        parent_of = {row[0]: row[4] for row in live}
        tops = {row[0] for row in live if row[3] not in NON_REGULAR or (row[3] == "attachment" and row[4] is None)}
        newest = max((row[2] for row in live), default="")
        same = cursor and (cursor.get("database"), cursor.get("base_dir")) == (str(self.path), str(self.base_dir))
        cursor = cursor if same else None  # another database, or paths to resolve anew: read everything
        since = (cursor or {}).get("modified")
        seen = set((cursor or {}).get("seen_at_newest", []))  # read last time, within the newest second
        if since:
            wanted: set[int] = set()
            for item_id, key, modified, _type, _parent in live:
                if modified > since or (modified == since and key not in seen):
                    top = item_id
                    while top not in tops and parent_of.get(top) is not None:
                        top = parent_of[top]
                    if top in tops:
                        wanted.add(top)
            selected = sorted(wanted)
        else:
            selected = sorted(tops)
        check_cancelled(cancel)
        records = self._records(selected, {row[0] for row in live})
        report(len(records), len(records), "Read zotero.sqlite")
        keys = {row[1] for row in live if row[0] in tops}
        return Fetch(
            records=records,
            collections=self.collections(),
            complete=not since,
            cursor={
                "modified": newest,
                "seen_at_newest": sorted(row[1] for row in live if row[2] == newest),
                "database": str(self.path),
                "base_dir": str(self.base_dir),
            },
            live_keys=keys,
        )

    def collections(self) -> dict[str, Collection]:
        rows = self.conn.execute(
            "SELECT c.collectionID, c.key, c.collectionName, c.parentCollectionID FROM collections c "
            "WHERE c.libraryID = ? AND c.collectionID NOT IN (SELECT collectionID FROM deletedCollections)",
            (self.library_id,),
        ).fetchall()
        key_of = {row[0]: row[1] for row in rows}
        return {key: Collection(key, name, key_of.get(parent)) for _id, key, name, parent in rows}

    def _query(self, sql: str, ids: list[int]) -> list[tuple]:
        """Run ``sql`` (with ``{ids}`` for the id list) in chunks SQLite accepts."""
        rows: list[tuple] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows += self.conn.execute(sql.format(ids=",".join("?" * len(chunk))), chunk).fetchall()
        return rows

    def _records(self, top_ids: list[int], live: set[int]) -> list[ItemRecord]:
        if not top_ids:
            return []
        att_sql = (
            "SELECT a.itemID, a.parentItemID, a.linkMode, a.contentType, a.path, i.key, i.version, i.dateAdded "
            "FROM itemAttachments a JOIN items i ON i.itemID = a.itemID WHERE a.{column} IN ({{ids}})"
        )
        att_rows = self._query(att_sql.format(column="parentItemID"), top_ids)
        att_rows += self._query(att_sql.format(column="itemID"), top_ids)  # standalone attachments
        att_rows = [r for r in {r[0]: r for r in att_rows}.values() if r[0] in live]
        att_ids = [r[0] for r in att_rows]
        all_ids = sorted(set(top_ids) | set(att_ids))
        fields = self._fields(all_ids)
        annotations: dict[int, list[Annotation]] = defaultdict(list)
        for row in self._query(
            "SELECT n.itemID, n.parentItemID, i.key, n.type, n.text, n.comment, n.color, n.pageLabel, n.sortIndex, "
            "n.position FROM itemAnnotations n JOIN items i ON i.itemID = n.itemID WHERE n.parentItemID IN ({ids})",
            att_ids,
        ):
            if row[0] not in live:
                continue
            annotations[row[1]].append(
                Annotation(
                    key=row[2], type=ANNOTATION_TYPES.get(row[3], str(row[3])), text=row[4] or "",
                    comment=row[5] or "", color=row[6] or "", page=page_from_position(row[9]),
                    page_label=row[7] or "", sort_index=row[8] or "",
                )
            )  # fmt: skip
        attachments: dict[int, list[Attachment]] = defaultdict(list)
        for item_id, parent, link_mode, content_type, path, key, version, added in att_rows:
            mode = (
                LINK_MODES[link_mode]
                if isinstance(link_mode, int) and 0 <= link_mode < len(LINK_MODES)
                else "linked_url"
            )
            path = path or ""
            stored = path.startswith("storage:")
            local = resolve_attachment_path(key, mode, path, self.data_dir, self.base_dir)
            att = Attachment(
                key=key, version=version, title=fields[item_id].get("title", ""), content_type=content_type or "",
                link_mode=mode, filename=path.removeprefix("storage:") if stored else "",
                path="" if stored else path, date_added=iso_timestamp(added), annotations=annotations[item_id],
                local_path=str(local) if local else None,
            )  # fmt: skip
            attachments[parent if parent is not None else item_id].append(att)
        creators = self._creators(top_ids)
        tags = self._pairs("SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID "
                           "WHERE it.itemID IN ({ids})", top_ids)  # fmt: skip
        collections = self._pairs(
            "SELECT ci.itemID, c.key FROM collectionItems ci JOIN collections c ON c.collectionID = ci.collectionID "
            "WHERE ci.itemID IN ({ids}) AND c.collectionID NOT IN (SELECT collectionID FROM deletedCollections)",
            top_ids,
        )
        items = self._query(
            "SELECT i.itemID, i.key, i.version, t.typeName, i.dateAdded, i.dateModified FROM items i "
            "JOIN itemTypesCombined t ON t.itemTypeID = i.itemTypeID WHERE i.itemID IN ({ids})",
            top_ids,
        )
        records = []
        for item_id, key, version, type_name, added, modified in items:
            records.append(
                ItemRecord(
                    key=key, version=version, item_type=type_name, fields=fields[item_id],
                    creators=creators[item_id], tags=sorted(tags[item_id]), collections=sorted(collections[item_id]),
                    date_added=iso_timestamp(added), date_modified=iso_timestamp(modified),
                    attachments=sort_attachments(attachments[item_id]),
                )
            )  # fmt: skip
        records.sort(key=lambda r: r.key)
        return records

    def _fields(self, ids: list[int]) -> dict[int, dict[str, str]]:
        date_fields = {
            row[0]
            for row in self.conn.execute(
                "SELECT fieldName FROM fieldsCombined WHERE fieldName = 'date' OR fieldID IN "
                "(SELECT fieldID FROM baseFieldMappingsCombined WHERE baseFieldID = "
                "(SELECT fieldID FROM fieldsCombined WHERE fieldName = 'date'))"
            )
        }
        out: dict[int, dict[str, str]] = defaultdict(dict)
        for item_id, name, value in self._query(
            "SELECT d.itemID, f.fieldName, v.value FROM itemData d JOIN fieldsCombined f ON f.fieldID = d.fieldID "
            "JOIN itemDataValues v ON v.valueID = d.valueID WHERE d.itemID IN ({ids})",
            ids,
        ):
            if value is None or value == "":
                continue
            value = str(value)
            if name in date_fields and len(value) > 10 and value[4] == "-" and value[10] == " ":
                value = value[11:]  # Zotero's multipart dates: "2017-06-12 June 12, 2017" -> "June 12, 2017"
            elif name == "accessDate":
                value = iso_timestamp(value)
            out[item_id][name] = value
        return out

    def _creators(self, ids: list[int]) -> dict[int, list[dict[str, str]]]:
        out: dict[int, list[dict[str, str]]] = defaultdict(list)
        for item_id, ctype, first, last, mode, _order in sorted(
            self._query(
                "SELECT ic.itemID, ct.creatorType, c.firstName, c.lastName, c.fieldMode, ic.orderIndex "
                "FROM itemCreators ic JOIN creators c ON c.creatorID = ic.creatorID "
                "JOIN creatorTypes ct ON ct.creatorTypeID = ic.creatorTypeID WHERE ic.itemID IN ({ids})",
                ids,
            ),
            key=lambda r: (r[0], r[5]),
        ):
            if mode == 1:
                out[item_id].append({"creatorType": ctype, "name": last or ""})
            else:
                out[item_id].append({"creatorType": ctype, "firstName": first or "", "lastName": last or ""})
        return out

    def _pairs(self, sql: str, ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for item_id, value in self._query(sql, ids):
            out[item_id].append(value)
        return out

    def download(self, attachment: Attachment, dest: Path) -> Path:
        raise ConfigError("zotero.sqlite has no download links", hint="the file should be in Zotero's storage folder")


def check_database(conn: sqlite3.Connection, path: Path) -> int:
    """Fail with one clear line unless ``path`` is a Zotero database this reader understands."""
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise InputFileError(f"{path} is not a Zotero database (not an SQLite file)",
                             hint="point zotero.data_dir at Zotero's data directory") from None  # fmt: skip
    missing = REQUIRED_TABLES - tables
    if missing:
        raise InputFileError(
            f"{path} is an SQLite file but not a Zotero database (no {', '.join(sorted(missing))} table)",
            hint="point zotero.data_dir at Zotero's data directory (Zotero → Settings → Advanced → Files and Folders)",
        )
    row = conn.execute("SELECT version FROM version WHERE schema = 'userdata'").fetchone()
    if row is None:
        raise InputFileError(f"{path} is not a Zotero database (no userdata schema version)")
    version = int(row[0])
    if version > SUPPORTED_USERDATA_VERSION:
        raise InputFileError(
            f"{path} uses Zotero database schema {version}, newer than this PaperPal reads "
            f"(up to {SUPPORTED_USERDATA_VERSION})",
            hint="update PaperPal, or use --source local while Zotero runs",
        )
    return version


def _library(conn: sqlite3.Connection, settings: Settings, path: Path) -> tuple[int, str]:
    """The SQLite libraryID to read: the user library, or the group from the settings."""
    if settings.zotero.library_type == "group" and settings.zotero.library_id:
        row = conn.execute(
            "SELECT libraryID FROM groups WHERE groupID = ?", (int(settings.zotero.library_id),)
        ).fetchone()
        if row is None:
            names = [f"{g} ({n})" for g, n in conn.execute("SELECT groupID, name FROM groups")]
            raise ConfigError(
                f"No group library {settings.zotero.library_id} in {path}",
                hint=f"known groups: {', '.join(names) or 'none'}",
            )
        return int(row[0]), f"groups/{settings.zotero.library_id}"
    row = conn.execute("SELECT libraryID FROM libraries WHERE type = 'user' ORDER BY libraryID LIMIT 1").fetchone()
    if row is None:
        raise InputFileError(f"{path} has no user library", hint="open it in Zotero once, then sync again")
    return int(row[0]), "users/0"

"""Zotero sync speed: a generated 10,000-item zotero.sqlite (Zotero's own schema), full then incremental.

    python bench/sync.py [--items 10000] [--changed 0.01]

Builds the database with the same builder the tests use (``tests/zotero_support.py``: Zotero's
schema files from ``../shared/corpus/zotero/schema``), one small stored PDF per item (so the figures
measure sync, not disk bandwidth: hashing real PDFs adds about their size / 1 GB/s), then times
``sync(source="sqlite", index=False)`` for a first full sync, an unchanged re-sync, and a re-sync
after 1 % of the items were edited in Zotero.  Targets: full ≤ 10 s, incremental ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from zotero_support import Annot, Att, Coll, Item, Library, build_sqlite  # noqa: E402 (tests/ on the path first)

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n% item {n}\n"
)


def generate(n: int) -> Library:
    collections = [Coll(f"COLL{c:04d}", f"Collection {c}") for c in range(20)]
    items = []
    for i in range(n):
        key = f"I{i:07d}"
        annotations = [Annot(f"A{i:07d}", text=f"highlight {i}", page_index=i % 9)] if i % 10 == 0 else []
        items.append(Item(
            key, "journalArticle" if i % 3 else "conferencePaper",
            {"title": f"Paper number {i} on topic {i % 97}", "date": str(1990 + i % 35),
             "abstractNote": f"Abstract of paper {i}. " * 5, "DOI": f"10.1234/bench.{i}", "url": f"https://example.org/{i}",
             ("publicationTitle" if i % 3 else "proceedingsTitle"): f"Venue {i % 50}"},
            creators=[{"creatorType": "author", "firstName": f"First{j}", "lastName": f"Author{(i + j) % 500}"}
                      for j in range(3)],
            tags=[f"tag{i % 40}", f"topic{i % 7}"], collections=[f"COLL{i % 20:04d}"],
            attachments=[Att(f"P{i:07d}", "Full Text PDF", filename=f"paper{i}.pdf", annotations=annotations)],
        ))  # fmt: skip
    return Library(items=items, collections=collections)


def write_pdfs(data_dir: Path, n: int) -> None:
    for i in range(n):
        folder = data_dir / "storage" / f"P{i:07d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"paper{i}.pdf").write_bytes(TINY_PDF.replace(b"{n}", str(i).encode()))


def edit(db: Path, fraction: float, n: int) -> int:
    """What Zotero does on an edit: new title value, newer clientDateModified (the bench owns this file)."""
    conn = sqlite3.connect(db)
    changed = [f"I{i:07d}" for i in range(0, n, max(1, round(1 / fraction)))]
    title_field = conn.execute("SELECT fieldID FROM fields WHERE fieldName = 'title'").fetchone()[0]
    for key in changed:
        conn.execute("INSERT INTO itemDataValues (value) VALUES (?)", (f"Edited title of {key}",))
        value_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        conn.execute("UPDATE itemData SET valueID = ? WHERE fieldID = ? AND itemID = (SELECT itemID FROM items WHERE key = ?)",
                     (value_id, title_field, key))  # fmt: skip
        conn.execute("UPDATE items SET clientDateModified = '2025-01-01 00:00:00', dateModified = '2025-01-01 00:00:00' "
                     "WHERE key = ?", (key,))  # fmt: skip
    conn.commit()
    conn.close()
    return len(changed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["PAPERPAL_HOME"] = str(root / "home")
        from paperpal.settings import load_settings
        from paperpal.zotero.sync import sync

        started = time.perf_counter()
        data_dir = root / "Zotero"
        db = build_sqlite(generate(args.items), data_dir)
        write_pdfs(data_dir, args.items)
        print(f"generated {args.items} items in {db} ({db.stat().st_size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        settings = load_settings({"zotero.data_dir": str(data_dir)})
        full = sync(settings, source="sqlite", index=False)
        print(f"full sync:        {full.seconds:6.2f} s  ({full.items / full.seconds:,.0f} items/s; {full.with_pdf} PDFs "
              "hashed)  target ≤ 10 s")  # fmt: skip
        same = sync(settings, source="sqlite", index=False)
        print(f"unchanged re-sync:{same.seconds:6.2f} s  (read {same.new + same.updated + same.unchanged} items)")
        n_changed = edit(db, args.changed, args.items)
        incr = sync(settings, source="sqlite", index=False)
        print(f"incremental sync: {incr.seconds:6.2f} s  ({n_changed} edited; updated {incr.updated}, "
              f"unchanged {incr.unchanged})  target ≤ 1 s")  # fmt: skip
        assert incr.updated == n_changed, "the incremental sync must pick up exactly the edited items"


if __name__ == "__main__":
    main()

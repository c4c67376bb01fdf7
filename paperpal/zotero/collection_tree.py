"""A library's collections as a tree, in the order Zotero shows them.

:func:`collection_children` nests the collections under their parents (one whose parent is not in the
library sits at the top) and sorts each level by name with :func:`natural_key`, which puts
"Collection 2" before "Collection 10", as Zotero does.
"""

from __future__ import annotations

import re

from .records import Collection


def natural_key(text: str) -> list:
    """Sort key that puts "Collection 2" before "Collection 10" (as Zotero does), case-insensitively."""
    parts = re.split(r"(\d+)", text.casefold())
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part]


def collection_children(collections: dict[str, Collection]) -> dict[str | None, list[Collection]]:
    """Parent key (None: the top level) -> its sub-collections, sorted by name; ``collections`` by key."""
    children: dict[str | None, list[Collection]] = {}
    for collection in collections.values():
        parent = collection.parent if collection.parent in collections else None
        children.setdefault(parent, []).append(collection)
    return {parent: sorted(found, key=lambda c: natural_key(c.name)) for parent, found in children.items()}

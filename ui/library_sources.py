"""The Library pane's source tree: the synced Zotero libraries with their collections, and local PDF folders.

Each selectable node carries its source (:data:`SOURCE`): ``["all"]``, ``["library", lib]``,
``["collection", lib, key]`` or ``["folder", path]``; the hint nodes carry none. The collections are
nested and ordered as Zotero shows them (:func:`paperpal.zotero.collection_tree.collection_children`).
The folders are remembered in the pane's state file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from paperpal.zotero.collection_tree import collection_children

from .i18n import tr

SOURCE = Qt.ItemDataRole.UserRole  # a tree node's source: ["all"], ["library", lib], ["collection", lib, key],
# ["folder", path]; the hint nodes have none


def library_label(library: str) -> str:
    """How a synced library is called in the tree: "users/…" is My Library, "groups/ID" a group library."""
    kind, _, ident = library.partition("/")
    return tr("My Library") if kind == "users" else tr("Group library {id}", id=ident)


class SourceTree(QTreeWidget):
    """The sources; a folder's context menu asks to index it or to remove it from the list."""

    index_requested = Signal(str)  # a folder
    remove_requested = Signal(str)  # a folder

    def __init__(self, state: QSettings, parent: QWidget | None = None):
        super().__init__(parent, headerHidden=True)
        self.app_state = state
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    # -- the folders ---------------------------------------------------------------------------------
    def folders(self) -> list[str]:
        try:
            folders = json.loads(str(self.app_state.value("folders", "[]")))
        except ValueError:
            return []
        return [str(f) for f in folders] if isinstance(folders, list) else []

    def add_folder(self, folder: str | Path) -> str:
        """Remember ``folder`` (last in the list); returns it as remembered (resolved)."""
        folder = str(Path(folder).resolve())
        self.app_state.setValue("folders", json.dumps([f for f in self.folders() if f != folder] + [folder]))
        return folder

    def remove_folder(self, folder: str) -> None:
        self.app_state.setValue("folders", json.dumps([f for f in self.folders() if f != folder]))

    # -- the nodes -----------------------------------------------------------------------------------
    def fill(self, libraries: list, wanted: list | None) -> QTreeWidgetItem | None:
        """Rebuild the tree (without signals) from the synced ``libraries`` and the folders; returns the node of
        ``wanted``, else the first source, else None (nothing to list)."""
        self.blockSignals(True)
        self.clear()
        nodes: list[QTreeWidgetItem] = []

        def node(parent, text: str, source: list | None, tooltip: str = "") -> QTreeWidgetItem:
            item = QTreeWidgetItem(parent, [text])
            if source is None:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setData(0, SOURCE, source)
                nodes.append(item)
            if tooltip:
                item.setToolTip(0, tooltip)
            return item

        if libraries:
            node(self, tr("All items"), ["all"], tr("Every item of every synced Zotero library"))
            for state in libraries:
                top = node(self, library_label(state.library), ["library", state.library], state.library)
                self._add_collections(top, state, node)
        else:
            hint = node(self, tr("Zotero: not synced yet (press Sync Zotero)"), None)
            hint.setForeground(0, self.palette().placeholderText())
        local = node(self, tr("Local folders"), None)
        for folder in self.folders():
            node(local, Path(folder).name or folder, ["folder", folder], folder)
        if not self.folders():
            hint = node(local, tr("Add a folder of PDFs with “Add folder…”"), None)
            hint.setForeground(0, self.palette().placeholderText())
        self.expandToDepth(0)
        self.blockSignals(False)
        return next((n for n in nodes if n.data(0, SOURCE) == wanted), nodes[0] if nodes else None)

    @staticmethod
    def _add_collections(top: QTreeWidgetItem, state, node: Callable[..., QTreeWidgetItem]) -> None:
        """The library's collections, nested as in Zotero, by name."""
        children = collection_children(state.collections)
        pending = [(top, None)]
        while pending:
            parent_node, key = pending.pop()
            for collection in children.get(key, []):
                item = node(parent_node, collection.name, ["collection", state.library, collection.key])
                pending.append((item, collection.key))

    @staticmethod
    def source_of(item: QTreeWidgetItem | None) -> list | None:
        return item.data(0, SOURCE) if item is not None else None

    def current_source(self) -> list | None:
        return self.source_of(self.currentItem())

    def select_source(self, source: list) -> bool:
        """Choose the node of ``source`` (the pane lists it); False when there is none."""
        for item in self.tree_items():
            if item.data(0, SOURCE) == source:
                self.setCurrentItem(item)
                return True
        return False

    def tree_items(self):
        """Every node, breadth first."""
        pending = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while pending:
            item = pending.pop(0)
            yield item
            pending += [item.child(i) for i in range(item.childCount())]

    def _menu(self, pos) -> None:
        source = self.source_of(self.itemAt(pos))
        if not source or source[0] != "folder":
            return
        menu = QMenu(self)
        menu.addAction(tr("Index this folder for search"), lambda: self.index_requested.emit(source[1]))
        menu.addAction(tr("Remove from the list"), lambda: self.remove_requested.emit(source[1]))
        menu.popup(self.viewport().mapToGlobal(pos))

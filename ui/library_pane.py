"""The Library pane: Zotero libraries and collections, local PDF folders, the item list, search and sync.

The pane puts four widgets together and passes between them what one asks of another:

* :class:`ui.library_sync.SyncBar` — "Sync Zotero", "Add folder…", the progress of a sync or an indexing run
* :class:`ui.library_sources.SourceTree` — the libraries, collections and folders
* :class:`ui.library_search.SearchResults` — search over every indexed paper, the passages found
* :class:`ui.library_list.ItemList` — the items of the chosen source with their marks, filtered

The search box, the filter box and the count line belong to their lists but sit in the pane's one
column, so that the passages and the items share the room as they always have (1 : 3). Everything slow
runs in a worker (:class:`ui.library_tasks.PaneTasks` makes the pane's tasks) on the same core functions
as the CLI. The chosen source, the item and the folders are remembered in the app's state folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from .context import AppContext
from .i18n import tr
from .library_list import ItemList
from .library_search import SearchResults
from .library_sources import SourceTree
from .library_sync import SyncBar
from .library_tasks import PaneTasks
from .workers import Task


class LibraryPane(QWidget):
    """Sources (tree) above, the search box, the filter and the item list below; Sync with progress on top."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.state = QSettings(str(ctx.state_dir() / "library.ini"), QSettings.Format.IniFormat)
        self.tasks = PaneTasks(ctx, self)
        self.sync_bar = SyncBar(ctx, self.tasks)
        self.sources = SourceTree(self.state)
        self.hits = SearchResults(ctx, self.tasks)
        self.items = ItemList(ctx, self.state, self.tasks)
        # The parts' widgets, by the names the pane has always had.
        self.sync_button, self.add_folder_button = self.sync_bar.sync_button, self.sync_bar.add_folder_button
        self.progress = self.sync_bar.progress
        self.search_box, self.search_note = self.hits.search_box, self.hits.search_note
        self.filter, self.model, self.count_label = self.items.filter, self.items.item_model, self.items.count_label
        self._build()
        self._connect()
        self.refresh(select=self.items.saved_source())

    def _build(self) -> None:
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.sync_bar)
        top_layout.addWidget(self.sources)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.search_box)
        bottom_layout.addWidget(self.search_note)
        bottom_layout.addWidget(self.hits, 1)
        bottom_layout.addWidget(self.filter)
        bottom_layout.addWidget(self.items, 3)
        bottom_layout.addWidget(self.count_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([180, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def _connect(self) -> None:
        self.sources.currentItemChanged.connect(lambda item, _previous: self.show_source(self.sources.source_of(item)))
        self.sources.index_requested.connect(self.index_folder)
        self.sources.remove_requested.connect(self.remove_folder)
        self.sync_bar.folder_chosen.connect(self.add_folder)
        self.sync_bar.job_finished.connect(lambda: self.refresh())

    # -- the parts' state, as the pane has always shown it -----------------------------------------
    @property
    def job(self) -> Task | None:
        """The running sync or indexing run."""
        return self.sync_bar.job

    @property
    def listing(self) -> Task | None:
        """The running listing of the chosen source."""
        return self.items.listing

    @property
    def details(self) -> Task | None:
        return self.items.details

    @property
    def search_task(self) -> Task | None:
        return self.hits.search_task

    # -- sources -----------------------------------------------------------------------------------
    def folders(self) -> list[str]:
        return self.sources.folders()

    def add_folder(self, folder: str | Path) -> Task:
        return self.refresh(select=["folder", self.sources.add_folder(folder)])

    def remove_folder(self, folder: str) -> Task:
        self.sources.remove_folder(folder)
        current = self.current_source()
        return self.refresh(select=None if current == ["folder", folder] else current)

    def refresh(self, select: list | None = None) -> Task:
        """Read the synced libraries (in a worker), rebuild the tree, list ``select`` (default: the current source)."""
        wanted = select if select is not None else self.current_source()
        from paperpal.zotero.library_view import synced_libraries

        def failed(line: str, details: str) -> None:  # a damaged store: say so, still show the local folders
            self.ctx.report_error(line, details)
            self._fill_tree([], wanted)

        return self.tasks.run(tr("Reading the library"), lambda _ctx: synced_libraries(),
                              done=lambda libraries: self._fill_tree(libraries, wanted), failed=failed)  # fmt: skip

    def _fill_tree(self, libraries: list, wanted: list | None) -> None:
        chosen = self.sources.fill(libraries, wanted)
        if chosen is None:
            self.items.clear_rows()
        elif chosen is self.sources.currentItem():
            self.show_source(wanted)
        else:
            self.sources.setCurrentItem(chosen)  # lists it (currentItemChanged)
            self.sources.scrollToItem(chosen)

    def _tree_items(self):
        return self.sources.tree_items()

    def current_source(self) -> list | None:
        return self.sources.current_source()

    def select_source(self, source: list) -> bool:
        """Choose the tree node of ``source`` (lists it); False when there is none."""
        return self.sources.select_source(source)

    # -- the parts' actions ------------------------------------------------------------------------
    def show_source(self, source: list | None) -> Task | None:
        return self.items.show_source(source)

    def refresh_marks(self) -> Task:
        return self.items.refresh_marks()

    def selected_row(self):
        return self.items.selected_row()

    def open_row(self, index) -> None:
        self.items.open_row(index)

    def search(self, query: str) -> Task | None:
        return self.hits.search(query)

    def open_hit(self, item) -> None:
        self.hits.open_hit(item)

    def sync(self) -> Task | None:
        return self.sync_bar.sync()

    def index_folder(self, folder: str) -> Task | None:
        return self.sync_bar.index_folder(folder)

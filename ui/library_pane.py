"""The Library pane: Zotero libraries and collections, local PDF folders, the item list, search and sync.

Everything slow runs in a worker: the listing (:func:`paperpal.zotero.library_view.list_items`, the
list's part of what ``paperpal library`` prints), a folder's PDFs and their content hashes, the marks
(notes kept by :mod:`paperpal.saved_notes`, papers in the index), search
(:func:`paperpal.index.search`, as ``paperpal search``), Sync (:func:`paperpal.zotero.sync.sync`, as
``paperpal sync``) and indexing a folder (:func:`paperpal.index.index_papers`, as ``paperpal index``).
The chosen source and item are remembered in the app's state folder.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paperpal.errors import PaperPalError

from .context import AppContext
from .i18n import tr
from .library_model import AUTHORS, MARKS, TAGS, TITLE, YEAR, LibraryModel, folder_rows, legend, zotero_rows
from .workers import Task

SOURCE = Qt.ItemDataRole.UserRole  # a tree node's source: ["all"], ["library", lib], ["collection", lib, key],
# ["folder", path]; the hint nodes have none
HIT = Qt.ItemDataRole.UserRole
PROGRESS_INTERVAL_S = 0.1  # a worker reports progress to the window at most this often
MARKS_DELAY_MS = 400  # after other panes' work ends (a note kept, papers indexed), marks are read again once
SNIPPET = 180  # characters of a hit's passage shown in the list


@dataclass
class SearchHit:
    """One search result as the list shows it and as opening it needs it."""

    label: str  # the citation: (Title, §section, p. page)
    snippet: str
    path: str | None  # the indexed PDF (None: the catalog lost it)
    paper_id: str
    page: int  # 1-based
    quote: str
    zotero_key: str | None


def library_label(library: str) -> str:
    """How a synced library is called in the tree: "users/…" is My Library, "groups/ID" a group library."""
    kind, _, ident = library.partition("/")
    return tr("My Library") if kind == "users" else tr("Group library {id}", id=ident)


def natural_key(text: str) -> list:
    """Sort key that puts "Collection 2" before "Collection 10" (as Zotero does)."""
    parts = re.split(r"(\d+)", text.casefold())
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part]


def throttled(report, interval: float = PROGRESS_INTERVAL_S):
    """``report(done, total, label)`` at most every ``interval`` seconds, and always the last step: a sync or
    an indexing run of 10,000 items reports thousands of steps, a progress bar needs a few per second."""
    last = [0.0]

    def call(done: int, total: int | None = None, label: str | None = None) -> None:
        now = time.monotonic()
        if now - last[0] >= interval or (total and done >= total):
            last[0] = now
            report(done, total, label)

    return call


def index_exists(settings) -> bool:
    """Whether there is an index to read, without making an empty one (opening Chroma creates its folder)."""
    from paperpal.index.store import index_dir

    return bool(settings.index.chroma_url) or (index_dir(settings) / "chroma.sqlite3").is_file()


class LibraryPane(QWidget):
    """Sources (tree) above, the search box, the filter and the item list below; Sync with progress on top."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.state = QSettings(str(ctx.state_dir() / "library.ini"), QSettings.Format.IniFormat)
        self.job: Task | None = None  # a sync or an indexing run (one at a time; the Sync button cancels it)
        self.listing: Task | None = None
        self.details: Task | None = None
        self.search_task: Task | None = None
        self._own: set[Task] = set()  # this pane's tasks (their end does not re-read the marks)
        self._want: str | None = str(self.state.value("item", "") or "") or None  # the item to select when listed
        self._marks_error = ""
        self._listed_source: list | None = None
        self._marks_timer = QTimer(self, singleShot=True, interval=MARKS_DELAY_MS, timeout=self.refresh_marks)
        self._build()
        self._connect()
        self.refresh(select=self._saved_source())

    # -- layout ------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.sync_button = QPushButton(tr("Sync Zotero"))
        self.sync_button.setToolTip(tr("Bring PaperPal's copy of your Zotero library up to date (and index new PDFs)"))
        self.add_folder_button = QPushButton(tr("Add folder…"))
        self.add_folder_button.setToolTip(tr("List the PDFs of a folder on this computer"))
        self.progress = QProgressBar(visible=False, textVisible=True)
        self.sources = QTreeWidget(headerHidden=True)
        self.sources.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.search_box = QLineEdit(placeholderText=tr("Search all papers…"), clearButtonEnabled=True)
        self.search_box.setToolTip(tr("Search the text of every indexed paper (press Enter)"))
        self.search_note = QLabel(visible=False, wordWrap=True)
        self.hits = QListWidget(visible=False)
        self.hits.setWordWrap(True)
        self.hits.setAlternatingRowColors(True)
        self.hits.setSpacing(2)
        self.filter = QLineEdit(placeholderText=tr("Filter by title, author, tag…"), clearButtonEnabled=True)
        self.model = LibraryModel(self)
        self.items = QTableView()
        self.items.setModel(self.model)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.setWordWrap(False)
        self.items.setAlternatingRowColors(True)
        self.items.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.items.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.items.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((AUTHORS, 110), (YEAR, 46), (TAGS, 80), (MARKS, 46)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.items.setColumnWidth(column, width)
        header.setSortIndicator(TITLE, Qt.SortOrder.AscendingOrder)
        self.items.setSortingEnabled(True)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: palette(placeholder-text);")

        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.add_folder_button)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.progress)
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
        self.sources.currentItemChanged.connect(lambda item, _previous: self.show_source(self._source_of(item)))
        self.sources.customContextMenuRequested.connect(self._source_menu)
        self.add_folder_button.clicked.connect(self._pick_folder)
        self.sync_button.clicked.connect(self._sync_clicked)
        self.filter.textChanged.connect(self._filter)
        self.items.activated.connect(self.open_row)  # double-click or Enter
        self.items.selectionModel().currentRowChanged.connect(self._remember_row)
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        self.search_box.textChanged.connect(self._search_text_changed)
        self.hits.itemActivated.connect(self.open_hit)
        self.ctx.paper_opened.connect(lambda _paper: self._marks_timer.start())
        self.ctx.settings_changed.connect(self._marks_timer.start)  # another index, perhaps
        self.ctx.runner.ended.connect(self._task_ended)

    def _task(self, title: str, fn, *, done=None, failed=None) -> Task:
        """One of this pane's tasks, not started yet (so that every signal is connected before it can fire);
        errors go to the window's error bar unless ``failed`` is given."""
        task = Task(title, fn)
        if done is not None:
            task.signals.done.connect(done)
        task.signals.failed.connect(failed or self.ctx.report_error)
        self._own.add(task)
        return task

    def _run(self, title: str, fn, *, done=None, failed=None) -> Task:
        return self.ctx.runner.start(self._task(title, fn, done=done, failed=failed))

    def _task_ended(self, task: Task) -> None:
        if task in self._own:
            self._own.discard(task)
        else:  # another pane's work may have kept a note or indexed a paper
            self._marks_timer.start()

    # -- sources -----------------------------------------------------------------------------------
    def folders(self) -> list[str]:
        try:
            folders = json.loads(str(self.state.value("folders", "[]")))
        except ValueError:
            return []
        return [str(f) for f in folders] if isinstance(folders, list) else []

    def add_folder(self, folder: str | Path) -> Task:
        folder = str(Path(folder).resolve())
        self.state.setValue("folders", json.dumps([f for f in self.folders() if f != folder] + [folder]))
        return self.refresh(select=["folder", folder])

    def remove_folder(self, folder: str) -> Task:
        self.state.setValue("folders", json.dumps([f for f in self.folders() if f != folder]))
        current = self.current_source()
        return self.refresh(select=None if current == ["folder", folder] else current)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Add a folder of PDFs"))
        if folder:
            self.add_folder(folder)

    def _saved_source(self) -> list | None:
        try:
            saved = json.loads(str(self.state.value("source", "null")))
        except ValueError:
            return None
        return saved if isinstance(saved, list) else None

    def refresh(self, select: list | None = None) -> Task:
        """Read the synced libraries (in a worker), rebuild the tree, list ``select`` (default: the current source)."""
        wanted = select if select is not None else self.current_source()
        from paperpal.zotero.library_view import synced_libraries

        def failed(line: str, details: str) -> None:  # a damaged store: say so, still show the local folders
            self.ctx.report_error(line, details)
            self._fill_tree([], wanted)

        return self._run(tr("Reading the library"), lambda _ctx: synced_libraries(),
                         done=lambda libraries: self._fill_tree(libraries, wanted), failed=failed)  # fmt: skip

    def _fill_tree(self, libraries: list, wanted: list | None) -> None:
        self.sources.blockSignals(True)
        self.sources.clear()
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
            node(self.sources, tr("All items"), ["all"], tr("Every item of every synced Zotero library"))
            for state in libraries:
                top = node(self.sources, library_label(state.library), ["library", state.library], state.library)
                self._add_collections(top, state, node)
        else:
            hint = node(self.sources, tr("Zotero: not synced yet (press Sync Zotero)"), None)
            hint.setForeground(0, self.palette().placeholderText())
        local = node(self.sources, tr("Local folders"), None)
        for folder in self.folders():
            node(local, Path(folder).name or folder, ["folder", folder], folder)
        if not self.folders():
            hint = node(local, tr("Add a folder of PDFs with “Add folder…”"), None)
            hint.setForeground(0, self.palette().placeholderText())
        self.sources.expandToDepth(0)
        self.sources.blockSignals(False)
        chosen = next((n for n in nodes if n.data(0, SOURCE) == wanted), nodes[0] if nodes else None)
        if chosen is None:
            self.model.set_rows([])
            self._count()
        elif chosen is self.sources.currentItem():
            self.show_source(wanted)
        else:
            self.sources.setCurrentItem(chosen)  # lists it (currentItemChanged)
            self.sources.scrollToItem(chosen)

    @staticmethod
    def _add_collections(top: QTreeWidgetItem, state, node) -> None:
        """The library's collections, nested as in Zotero, by name."""
        children: dict[str | None, list] = {}
        for collection in state.collections.values():
            parent = collection.parent if collection.parent in state.collections else None
            children.setdefault(parent, []).append(collection)
        pending = [(top, None)]
        while pending:
            parent_node, key = pending.pop()
            for collection in sorted(children.get(key, []), key=lambda c: natural_key(c.name)):
                item = node(parent_node, collection.name, ["collection", state.library, collection.key])
                pending.append((item, collection.key))

    @staticmethod
    def _source_of(item: QTreeWidgetItem | None) -> list | None:
        return item.data(0, SOURCE) if item is not None else None

    def current_source(self) -> list | None:
        return self._source_of(self.sources.currentItem())

    def select_source(self, source: list) -> bool:
        """Choose the tree node of ``source`` (lists it); False when there is none."""
        for item in self._tree_items():
            if item.data(0, SOURCE) == source:
                self.sources.setCurrentItem(item)
                return True
        return False

    def _tree_items(self):
        pending = [self.sources.topLevelItem(i) for i in range(self.sources.topLevelItemCount())]
        while pending:
            item = pending.pop(0)
            yield item
            pending += [item.child(i) for i in range(item.childCount())]

    def _source_menu(self, pos) -> None:
        source = self._source_of(self.sources.itemAt(pos))
        if not source or source[0] != "folder":
            return
        menu = QMenu(self)
        menu.addAction(tr("Index this folder for search"), lambda: self.index_folder(source[1]))
        menu.addAction(tr("Remove from the list"), lambda: self.remove_folder(source[1]))
        menu.popup(self.sources.viewport().mapToGlobal(pos))

    # -- listing -----------------------------------------------------------------------------------
    def show_source(self, source: list | None) -> Task | None:
        """List the items of ``source`` (in a worker: a big library takes a moment to read)."""
        if not source:
            return None
        self.state.setValue("source", json.dumps(source))
        selected = self.selected_row()
        if self._want is None and selected is not None and source == self._listed_source:
            self._want = selected.ident  # the same source again (after a sync): keep the selection
        for task in (self.listing, self.details):
            if task is not None:
                task.cancel()
        self.details = None
        self.count_label.setText(tr("Loading…"))
        if source[0] == "folder":
            from paperpal.zotero.library_view import list_folder

            def work(_ctx):
                return folder_rows(list_folder(source[1]))
        else:
            from paperpal.zotero.library_view import list_items

            library = source[1] if len(source) > 1 else None
            collection = source[2] if len(source) > 2 else None

            def work(_ctx):
                return zotero_rows(list_items(library=library, collection=collection))

        task = self._task(tr("Listing the library"), work, failed=self._list_failed)
        task.signals.done.connect(lambda rows, t=task: self._listed(t, source, rows))
        self.listing = task
        return self.ctx.runner.start(task)

    def _listed(self, task: Task, source: list, rows: list) -> None:
        if task is not self.listing:
            return  # another source was chosen meanwhile
        self.listing = None
        self._listed_source = source
        self.model.set_rows(rows)
        self._count()
        want, self._want = self._want, None
        number = self.model.find(want) if want else -1
        if number >= 0:
            self.items.selectionModel().setCurrentIndex(
                self.model.index(number, TITLE),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
            self.items.scrollTo(self.model.index(number, TITLE), QAbstractItemView.ScrollHint.PositionAtCenter)
        if source[0] == "folder" and rows:
            self._read_details(rows)
        self.refresh_marks()

    def _list_failed(self, line: str, details: str) -> None:
        self.listing = None
        self.count_label.setText("")
        self.ctx.report_error(line, details)

    def _read_details(self, rows: list) -> None:
        """Content hashes (for the marks) and info titles of a folder's PDFs, in a worker."""
        from paperpal.zotero.library_view import pdf_details

        paths = [Path(r.pdf) for r in rows]
        task = self._task(tr("Reading the PDFs of the folder"),
                          lambda task_ctx: pdf_details(paths, on_progress=throttled(task_ctx.count),
                                                       cancel=task_ctx.cancel))  # fmt: skip
        task.signals.done.connect(lambda found, t=task: self._details_read(t, found))
        self.details = self.ctx.runner.start(task)

    def _details_read(self, task: Task, found: list) -> None:
        if task is self.details:
            self.details = None
            self.model.set_details(found)

    def refresh_marks(self) -> Task:
        """Which listed papers are summarized (a note is kept) and indexed (the index is read in a worker)."""
        settings = self.ctx.settings

        def work(_ctx):
            from paperpal.saved_notes import summarized_ids

            summarized = summarized_ids()
            if not index_exists(settings):
                return summarized, set(), ""
            from paperpal.index import indexed_paper_ids

            try:
                return summarized, indexed_paper_ids(settings=settings), ""
            except PaperPalError as exc:  # a damaged or unreachable index: no "indexed" marks, said once
                return summarized, set(), exc.line

        return self._run(tr("Reading the marks"), work, done=self._marks_read)

    def _marks_read(self, marks: tuple) -> None:
        summarized, indexed, problem = marks
        self.model.set_marks(summarized, indexed)
        if problem and problem != self._marks_error:
            self.ctx.report_error(problem)
        self._marks_error = problem

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._count()

    def _count(self) -> None:
        total, listed = self.model.total, self.model.listed
        count = tr("{n} items", n=total) if total == listed else tr("{n} of {total} items", n=total, total=listed)
        self.count_label.setText(f"{count} · {legend()}")

    def selected_row(self):
        index = self.items.selectionModel().currentIndex()
        return self.model.row(index.row()) if index.isValid() and index.row() < self.model.rowCount() else None

    def _remember_row(self, current, _previous) -> None:
        if current.isValid():
            self.state.setValue("item", self.model.row(current.row()).ident)

    def open_row(self, index) -> None:
        """Open the item's PDF in the reader (Zotero items with their library metadata)."""
        row = self.model.row(index.row())
        if not row.pdf:
            self.ctx.message.emit(tr("No usable PDF: {why}", why=row.why))
        elif row.item is not None:
            self.ctx.open_pdf(row.pdf, metadata=row.item.metadata, zotero_key=row.key)
        else:
            self.ctx.open_pdf(row.pdf)

    # -- search ------------------------------------------------------------------------------------
    def search(self, query: str) -> Task | None:
        """Search every indexed paper (in a worker); the hits replace the list above the items."""
        query = query.strip()
        if not query:
            self._clear_search()
            return None
        settings = self.ctx.settings

        def work(_ctx):
            if not index_exists(settings):
                return None
            from paperpal.index import catalog
            from paperpal.index import search as run_search
            from paperpal.tasks.ask import citation

            records = catalog(settings=settings)
            if not records:
                return None
            out = []
            for hit in run_search(query, settings=settings, k=20):
                record = records.get(hit.paper_id)
                text = " ".join(hit.text.split())
                out.append(SearchHit(citation(hit), text[:SNIPPET] + ("…" if len(text) > SNIPPET else ""),
                                     record.path if record else None, hit.paper_id, hit.page_start, text,
                                     hit.zotero_key or (record.zotero_key if record else None)))  # fmt: skip
            return out

        self.search_note.setText(tr("Searching…"))
        self.search_note.show()
        task = self._task(tr("Searching"), work, failed=self._search_failed)
        task.signals.done.connect(lambda hits, t=task: self._show_hits(t, hits))
        self.search_task = task
        return self.ctx.runner.start(task)

    def _show_hits(self, task: Task, hits: list[SearchHit] | None) -> None:
        if task is not self.search_task:
            return
        self.search_task = None
        self.hits.clear()
        if hits is None:
            self.search_note.setText(tr("No index yet: index a folder or sync Zotero"))
            self.hits.hide()
            return
        self.search_note.setText(tr("{n} passages; double-click one to open it there", n=len(hits)) if hits
                                 else tr("No matches in the indexed papers."))  # fmt: skip
        for hit in hits:
            item = QListWidgetItem(f"{hit.label}\n{hit.snippet}")
            item.setData(HIT, hit)
            item.setToolTip(hit.path or "")
            self.hits.addItem(item)
        self.hits.setVisible(bool(hits))

    def _search_failed(self, line: str, details: str) -> None:
        self.search_task = None
        self.search_note.setText(line)
        self.ctx.report_error(line, details)

    def _search_text_changed(self, text: str) -> None:
        if not text.strip():
            self._clear_search()

    def _clear_search(self) -> None:
        if self.search_task is not None:
            self.search_task.cancel()
        self.search_task = None
        self.hits.clear()
        self.hits.hide()
        self.search_note.hide()

    def open_hit(self, item: QListWidgetItem) -> None:
        """Open the hit's paper (unless it is the open one) and move the reader to its page and passage."""
        hit: SearchHit | None = item.data(HIT)
        if hit is None:
            return
        if not hit.path:
            self.ctx.report_error(tr("The paper of this passage is no longer in the index; re-index it."))
            return
        paper = self.ctx.paper
        if paper is None or getattr(paper, "id", None) != hit.paper_id:
            self.ctx.open_pdf(hit.path, zotero_key=hit.zotero_key)
        self.ctx.show_location(hit.page, hit.quote)

    # -- sync and indexing -------------------------------------------------------------------------
    def _sync_clicked(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.sync_button.setEnabled(False)
            self.sync_button.setText(tr("Cancelling…"))
        else:
            self.sync()

    def sync(self) -> Task | None:
        """Sync the Zotero library (and index new PDFs) in a worker; the tree and list refresh after."""
        from paperpal.zotero.sync import sync as run_sync

        settings = self.ctx.settings

        def work(task_ctx):
            return run_sync(settings, on_progress=throttled(task_ctx.count), cancel=task_ctx.cancel)

        def done(report) -> None:
            self.ctx.message.emit(tr("Synced {items} items ({new} new, {updated} updated, {removed} removed)",
                                     items=report.items, new=report.new, updated=report.updated,
                                     removed=report.removed))  # fmt: skip

        return self._start_job(tr("Syncing Zotero"), work, done)

    def index_folder(self, folder: str) -> Task | None:
        """Add a folder's PDFs to the library index (for search), in a worker."""
        from paperpal.index import index_papers

        settings = self.ctx.settings

        def work(task_ctx):
            return index_papers([folder], settings=settings, on_progress=throttled(task_ctx.count),
                                cancel=task_ctx.cancel)  # fmt: skip

        def done(report) -> None:
            self.ctx.message.emit(tr("Indexed {indexed}, unchanged {unchanged}, failed {failed}",
                                     indexed=len(report.indexed), unchanged=len(report.unchanged),
                                     failed=len(report.failed)))  # fmt: skip
            if report.failed:
                path, why = report.failed[0]
                self.ctx.report_error(tr("Could not index {name}: {why}", name=Path(path).name, why=why),
                                      "\n".join(f"{p}: {w}" for p, w in report.failed))  # fmt: skip

        return self._start_job(tr("Indexing {name}", name=Path(folder).name), work, done)

    def _start_job(self, title: str, work, done) -> Task | None:
        if self.job is not None:
            self.ctx.message.emit(tr("Wait for {title} to finish first", title=self.job.title))
            return None
        task = self._task(title, work, done=done)
        task.signals.count.connect(self._job_progress)
        task.signals.cancelled.connect(lambda: self.ctx.message.emit(tr("Cancelled.")))
        task.signals.finished.connect(self._job_finished)
        self.job = self.ctx.runner.start(task)
        self.sync_button.setText(tr("Cancel"))
        self.sync_button.setToolTip(tr("Stop {title}", title=title))
        self.progress.setRange(0, 0)
        self.progress.setFormat(title)
        self.progress.show()
        return task

    def _job_progress(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(min(done, total) if total else 0)
        title = self.job.title if self.job is not None else ""
        self.progress.setFormat(f"{title}: {label} %v/%m" if label and total else f"{title} %v/%m" if total else title)

    def _job_finished(self) -> None:
        self.job = None
        self.sync_button.setText(tr("Sync Zotero"))
        self.sync_button.setToolTip(tr("Bring PaperPal's copy of your Zotero library up to date (and index new PDFs)"))
        self.sync_button.setEnabled(True)
        self.progress.hide()
        self.refresh()

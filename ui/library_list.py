"""The Library pane's item list: the filter box, the items of the chosen source, their count and marks.

Everything slow runs in a worker: the listing (:func:`paperpal.zotero.library_view.list_items`, the
list's part of what ``paperpal library`` prints), a folder's PDFs and their content hashes
(:func:`~paperpal.zotero.library_view.pdf_details`), and the marks (notes kept by
:mod:`paperpal.saved_notes`, papers in the index: :func:`paperpal.library_index.indexed_ids`). The
listed source and the selected item are remembered in the pane's state file.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QWidget

from paperpal.progress import throttled

from .context import AppContext
from .i18n import tr
from .library_model import AUTHORS, MARKS, TAGS, TITLE, YEAR, LibraryModel, folder_rows, legend, zotero_rows
from .library_tasks import PaneTasks
from .workers import Task

MARKS_DELAY_MS = 400  # after other panes' work ends (a note kept, papers indexed), marks are read again once


class ItemList(QTableView):
    """The items of the chosen source (double-click or Enter opens an item's PDF), filtered and sorted.

    The filter box and the count line are this table's companions: the pane lays them out above and below it.
    The Qt model is :attr:`item_model` (a :class:`ui.library_model.LibraryModel`)."""

    def __init__(self, ctx: AppContext, state: QSettings, tasks: PaneTasks, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.app_state, self.tasks = ctx, state, tasks
        self.listing: Task | None = None
        self.details: Task | None = None
        self._want: str | None = str(self.app_state.value("item", "") or "") or None  # the item to select when listed
        self._marks_error = ""
        self._listed_source: list | None = None
        self._marks_timer = QTimer(self, singleShot=True, interval=MARKS_DELAY_MS, timeout=self.refresh_marks)
        self._build()
        self.filter.textChanged.connect(self._filter)
        self.activated.connect(self.open_row)  # double-click or Enter
        self.selectionModel().currentRowChanged.connect(self._remember_row)
        self.ctx.paper_opened.connect(lambda _paper: self._marks_timer.start())
        self.ctx.settings_changed.connect(self._marks_timer.start)  # another index, perhaps
        self.tasks.others_ended.connect(self._marks_timer.start)

    def _build(self) -> None:
        self.filter = QLineEdit(placeholderText=tr("Filter by title, author, tag…"), clearButtonEnabled=True)
        self.item_model = LibraryModel(self)
        self.setModel(self.item_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((AUTHORS, 110), (YEAR, 46), (TAGS, 80), (MARKS, 46)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        header.setSortIndicator(TITLE, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: palette(placeholder-text);")

    def saved_source(self) -> list | None:
        """The source listed last time (the app's previous run, too)."""
        try:
            saved = json.loads(str(self.app_state.value("source", "null")))
        except ValueError:
            return None
        return saved if isinstance(saved, list) else None

    # -- listing -----------------------------------------------------------------------------------
    def show_source(self, source: list | None) -> Task | None:
        """List the items of ``source`` (in a worker: a big library takes a moment to read)."""
        if not source:
            return None
        self.app_state.setValue("source", json.dumps(source))
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

        task = self.tasks.make(tr("Listing the library"), work, failed=self._list_failed)
        task.signals.done.connect(lambda rows, t=task: self._listed(t, source, rows))
        self.listing = task
        return self.tasks.start(task)

    def clear_rows(self) -> None:
        """Nothing to list (no source)."""
        self.item_model.set_rows([])
        self._count()

    def _listed(self, task: Task, source: list, rows: list) -> None:
        if task is not self.listing:
            return  # another source was chosen meanwhile
        self.listing = None
        self._listed_source = source
        self.item_model.set_rows(rows)
        self._count()
        want, self._want = self._want, None
        number = self.item_model.find(want) if want else -1
        if number >= 0:
            self.selectionModel().setCurrentIndex(
                self.item_model.index(number, TITLE),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
            self.scrollTo(self.item_model.index(number, TITLE), QAbstractItemView.ScrollHint.PositionAtCenter)
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
        task = self.tasks.make(tr("Reading the PDFs of the folder"),
                               lambda task_ctx: pdf_details(paths, on_progress=throttled(task_ctx.count),
                                                            cancel=task_ctx.cancel))  # fmt: skip
        task.signals.done.connect(lambda found, t=task: self._details_read(t, found))
        self.details = self.tasks.start(task)

    def _details_read(self, task: Task, found: list) -> None:
        if task is self.details:
            self.details = None
            self.item_model.set_details(found)

    # -- marks -------------------------------------------------------------------------------------
    def refresh_marks(self) -> Task:
        """Which listed papers are summarized (a note is kept) and indexed (the index is read in a worker)."""
        settings = self.ctx.settings

        def work(_ctx):
            from paperpal.library_index import indexed_ids
            from paperpal.saved_notes import summarized_ids

            return summarized_ids(), *indexed_ids(settings)

        return self.tasks.run(tr("Reading the marks"), work, done=self._marks_read)

    def _marks_read(self, marks: tuple) -> None:
        summarized, indexed, problem = marks  # a damaged or unreachable index: no "indexed" marks, said once
        self.item_model.set_marks(summarized, indexed)
        if problem and problem != self._marks_error:
            self.ctx.report_error(problem)
        self._marks_error = problem

    # -- filter, count, selection, opening ---------------------------------------------------------
    def _filter(self, text: str) -> None:
        self.item_model.set_filter(text)
        self._count()

    def _count(self) -> None:
        total, listed = self.item_model.total, self.item_model.listed
        count = tr("{n} items", n=total) if total == listed else tr("{n} of {total} items", n=total, total=listed)
        self.count_label.setText(f"{count} · {legend()}")

    def selected_row(self):
        index = self.selectionModel().currentIndex()
        return (
            self.item_model.row(index.row()) if index.isValid() and index.row() < self.item_model.rowCount() else None
        )

    def _remember_row(self, current, _previous) -> None:
        if current.isValid():
            self.app_state.setValue("item", self.item_model.row(current.row()).ident)

    def open_row(self, index) -> None:
        """Open the item's PDF in the reader (Zotero items with their library metadata)."""
        row = self.item_model.row(index.row())
        if not row.pdf:
            self.ctx.message.emit(tr("No usable PDF: {why}", why=row.why))
        elif row.item is not None:
            self.ctx.open_pdf(row.pdf, metadata=row.item.metadata, zotero_key=row.key)
        else:
            self.ctx.open_pdf(row.pdf)

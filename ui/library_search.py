"""The Library pane's search: a box that searches the text of every indexed paper, and the passages found.

The search runs in a worker (:func:`paperpal.library_index.search_library`: :func:`paperpal.index.search`,
as ``paperpal search``, each hit joined with its paper's catalog record); double-clicking a passage
opens its paper at its page with the passage highlighted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QWidget

from paperpal.library_index import SearchHit

from .context import AppContext
from .i18n import tr
from .library_tasks import PaneTasks
from .workers import Task

HIT = Qt.ItemDataRole.UserRole


class SearchResults(QListWidget):
    """The passages found, with the search box and a one-line note (searching, no index, how many passages).

    The box and the note are this list's companions: the pane lays them out above it (the list is shown only
    while there are passages)."""

    def __init__(self, ctx: AppContext, tasks: PaneTasks, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.search_task: Task | None = None
        self.search_box = QLineEdit(placeholderText=tr("Search all papers…"), clearButtonEnabled=True)
        self.search_box.setToolTip(tr("Search the text of every indexed paper (press Enter)"))
        self.search_note = QLabel(visible=False, wordWrap=True)
        self.hide()
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSpacing(2)
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        self.search_box.textChanged.connect(self._search_text_changed)
        self.itemActivated.connect(self.open_hit)

    def search(self, query: str) -> Task | None:
        """Search every indexed paper (in a worker); the hits replace the list above the items."""
        query = query.strip()
        if not query:
            self._clear_search()
            return None
        settings = self.ctx.settings

        def work(_ctx):
            from paperpal.library_index import search_library

            return search_library(query, settings=settings, k=20)

        self.search_note.setText(tr("Searching…"))
        self.search_note.show()
        task = self.tasks.make(tr("Searching"), work, failed=self._search_failed)
        task.signals.done.connect(lambda hits, t=task: self._show_hits(t, hits))
        self.search_task = task
        return self.tasks.start(task)

    def _show_hits(self, task: Task, hits: list[SearchHit] | None) -> None:
        if task is not self.search_task:
            return
        self.search_task = None
        self.clear()
        if hits is None:
            self.search_note.setText(tr("No index yet: index a folder or sync Zotero"))
            self.hide()
            return
        self.search_note.setText(tr("{n} passages; double-click one to open it there", n=len(hits)) if hits
                                 else tr("No matches in the indexed papers."))  # fmt: skip
        for hit in hits:
            item = QListWidgetItem(f"{hit.label}\n{hit.snippet}")
            item.setData(HIT, hit)
            item.setToolTip(hit.path or "")
            self.addItem(item)
        self.setVisible(bool(hits))

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
        self.clear()
        self.hide()
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

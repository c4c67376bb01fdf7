"""The item list's Qt model: Zotero items or local PDFs, loaded lazily, filtered and sorted in memory.

Rows are small :class:`Row` objects made once, off the UI thread (:func:`zotero_rows`,
:func:`folder_rows`); ``data()`` only reads their strings and two sets (the "summarized" and
"indexed" paper ids), never a file or a database.  The view sees :data:`BATCH` rows at first and asks
for more (``canFetchMore`` / ``fetchMore``) as it scrolls, so a 10,000-item library shows its first
screen at once and scrolls smoothly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from .i18n import tr

BATCH = 200  # rows handed to the view per fetch (a screen is about 30)
TITLE, AUTHORS, YEAR, TAGS, MARKS = range(5)
GREY = QColor("#8a8a8a")
MARK_COLOUR = QColor("#2e7d32")


def column_titles() -> list[str]:
    return [tr("Title"), tr("Authors"), tr("Year"), tr("Tags"), tr("Marks")]


def legend() -> str:
    """What the marks column's symbols mean."""
    return tr("✓ summarized (a note is kept)  ● indexed (in the search)")


@dataclass(slots=True, eq=False)
class Row:
    """One listed paper: what the columns show, where its PDF is, and what opening it needs."""

    title: str
    authors: str  # shown: "First Author et al."
    year: str
    tags: str
    pdf: str | None  # None: no usable PDF (``why`` says why)
    why: str
    paper_id: str | None  # the PDF's content hash (marks); None until known for a local PDF
    key: str | None = None  # the Zotero item key
    item: object | None = None  # the paperpal.zotero.library_view.ListedItem (for its metadata when opened)
    all_authors: str = ""
    haystack: str = ""  # what the filter box searches (case-folded title, authors, tags)

    @property
    def ident(self) -> str:
        """What the pane remembers to select this row again: the Zotero key, else the PDF path."""
        return self.key or self.pdf or self.title

    def refresh_haystack(self) -> None:
        self.haystack = f"{self.title}\n{self.all_authors}\n{self.tags}".casefold()


def _short_authors(names: list[str]) -> str:
    if not names:
        return ""
    return names[0] + (" " + tr("et al.") if len(names) > 1 else "")


def zotero_rows(items: Iterable) -> list[Row]:
    """Rows for :class:`paperpal.zotero.library_view.ListedItem` objects (run it in a worker for big libraries)."""
    rows = []
    for item in items:
        record = item.record
        names = record.authors
        pdf = item.pdf
        row = Row(title=record.title or tr("(untitled)"), authors=_short_authors(names),
                  year=str(record.year or ""), tags=", ".join(record.tags), pdf=str(pdf) if pdf else None,
                  why=item.reason or tr("no PDF attachment"), paper_id=item.paper_id if pdf else None,
                  key=record.key, item=item, all_authors=", ".join(names))  # fmt: skip
        row.refresh_haystack()
        rows.append(row)
    return rows


def folder_rows(paths: Iterable[Path]) -> list[Row]:
    """Rows for local PDFs, titled by file name until :meth:`LibraryModel.set_details` brings better ones."""
    rows = []
    for path in paths:
        row = Row(title=path.stem, authors="", year="", tags="", pdf=str(path), why="", paper_id=None)
        row.refresh_haystack()
        rows.append(row)
    return rows


def _sort_key(column: int, marks):
    if column == YEAR:
        return lambda r: (not r.year, r.year, r.title.casefold())
    if column == MARKS:
        return lambda r: (-len(marks(r)), r.title.casefold())
    field = ("title", "authors", "year", "tags")[column]
    return lambda r: (not getattr(r, field), getattr(r, field).casefold())


class LibraryModel(QAbstractTableModel):
    """The rows of one source, lazily handed to the view; filter and sort work on all of them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._all: list[Row] = []
        self._rows: list[Row] = []  # after the filter, in sort order
        self._shown = 0  # rows the view has fetched so far
        self._needle = ""
        self._sort: tuple[int, Qt.SortOrder] = (TITLE, Qt.SortOrder.AscendingOrder)
        self.summarized: set[str] = set()
        self.indexed: set[str] = set()

    # -- content -----------------------------------------------------------------------------------
    def set_rows(self, rows: list[Row]) -> None:
        self._all = list(rows)
        self._order()
        self._apply()

    def set_filter(self, text: str) -> None:
        needle = text.casefold().strip()
        if needle != self._needle:
            self._needle = needle
            self._apply()

    def _apply(self) -> None:
        self.beginResetModel()
        needle = self._needle
        self._rows = [r for r in self._all if needle in r.haystack] if needle else list(self._all)
        self._shown = min(BATCH, len(self._rows))
        self.endResetModel()

    def set_marks(self, summarized: set[str], indexed: set[str]) -> None:
        self.summarized, self.indexed = set(summarized), set(indexed)
        self._changed(MARKS, MARKS)

    def set_details(self, details: Iterable) -> None:
        """Content hashes and info titles of local PDFs (:func:`paperpal.zotero.library_view.pdf_details`)."""
        by_path = {str(d.path): d for d in details}
        for row in self._all:
            found = by_path.get(row.pdf or "")
            if found is not None:
                row.paper_id = found.paper_id
                if found.title:
                    row.title = found.title
                    row.refresh_haystack()
        self._changed(TITLE, MARKS)

    def _changed(self, first: int, last: int) -> None:
        if self._shown:
            self.dataChanged.emit(self.index(0, first), self.index(self._shown - 1, last))

    def row(self, index: int) -> Row:
        return self._rows[index]

    @property
    def total(self) -> int:
        """Rows after the filter (the view may have fetched fewer so far)."""
        return len(self._rows)

    @property
    def listed(self) -> int:
        """Rows of the source before the filter."""
        return len(self._all)

    def find(self, ident: str) -> int:
        """Row number of the row with this :attr:`Row.ident` (-1: not listed); fetches up to it."""
        number = next((n for n, r in enumerate(self._rows) if r.ident == ident), -1)
        if number >= self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, number)
            self._shown = number + 1
            self.endInsertRows()
        return number

    def marks(self, row: Row) -> list[str]:
        """The row's marks: "summarized" (PaperPal keeps a note for its PDF), "indexed" (in the library search)."""
        pid = row.paper_id
        if not pid:
            return []
        return ([tr("summarized")] if pid in self.summarized else []) + ([tr("indexed")] if pid in self.indexed else [])

    def mark_symbols(self, row: Row) -> str:
        pid = row.paper_id
        if not pid:
            return ""
        return ("✓" if pid in self.summarized else "") + ("●" if pid in self.indexed else "")

    # -- sorting -----------------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self._order()
        self._apply()

    def _order(self) -> None:
        column, order = self._sort
        self._all.sort(key=_sort_key(column, self.marks), reverse=order == Qt.SortOrder.DescendingOrder)

    # -- lazy loading ------------------------------------------------------------------------------
    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: B008  (Qt's signature)
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: B008
        more = min(BATCH, len(self._rows) - self._shown)
        if parent.isValid() or more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    # -- Qt model ----------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column_titles()[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == MARKS:
            return legend()
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == MARKS:
                return self.mark_symbols(row)
            return (row.title, row.authors, row.year, row.tags)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and not row.pdf:
            return QBrush(GREY)
        if role == Qt.ItemDataRole.ForegroundRole and column == MARKS:
            return QBrush(MARK_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (YEAR, MARKS):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def _tooltip(self, row: Row, column: int) -> str:
        if not row.pdf:
            return tr("No usable PDF: {why}", why=row.why)
        if column == TAGS and row.tags:
            return row.tags
        if column == MARKS:
            return ", ".join(self.marks(row)) or tr("not summarized, not indexed")
        return "\n".join(x for x in (row.title, row.all_authors, row.pdf) if x)

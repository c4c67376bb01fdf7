"""The compare dialog: several papers side by side, and a related-work draft from them.

Papers come from a folder of PDFs, a Zotero collection or a tag (:class:`~.source_picker.SourcePicker`); the
columns are the line the user edits (default columns by name, questions of their own).  Compare runs
:func:`paperpal.tasks.compare.compare` and Review :func:`paperpal.tasks.review.review` in a worker, with per-paper
progress and Cancel, the same functions as ``paperpal compare`` / ``paperpal review``.  A stated cell shows the
paper's sentence (its tooltip: section, page and quote); double-clicking it opens the paper at that page with the
quote highlighted.  Export writes .xlsx, .md or .csv; Write to Zotero puts the table (or the review) into the
collection as a standalone note.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from paperpal.errors import InputFileError
from paperpal.tasks.compare import DEFAULT_COLUMNS, NOT_FOUND, ComparisonTable, parse_columns

from .context import AppContext
from .i18n import tr
from .source_picker import COLLECTION, FOLDER, SourcePicker
from .workers import Task

WHERE = Qt.ItemDataRole.UserRole  # a cell's (path, page, quote)
NOT_FOUND_COLOR = QColor("#808080")


def source_pdfs(settings, kind: str, name: str) -> list[str]:
    """The PDFs a source holds: a folder's ``*.pdf`` files, or the synced Zotero items' PDFs."""
    if kind == FOLDER:
        from paperpal.slides.batch import collect_pdfs

        return [str(path) for path, _ in collect_pdfs([name])]
    from paperpal.zotero.library import library_pdfs

    return [str(path) for path, _ in library_pdfs(settings, **{kind: name})]


class CompareDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None
        self.table_data: ComparisonTable | None = None
        self.review_markdown = ""
        self.setWindowTitle(tr("Compare papers"))
        self.resize(1000, 680)
        self.picker = SourcePicker(ctx, self)
        self.columns = QLineEdit(", ".join(DEFAULT_COLUMNS))
        self.columns.setToolTip(tr("Columns, comma-separated: problem, method, data, metrics, result, code, "
                                   "limitations, or a question of your own (\"which optimizer?\")"))  # fmt: skip
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.cellDoubleClicked.connect(self.open_cell)
        self.review_view = QTextBrowser()
        self.review_view.setOpenExternalLinks(False)
        self.review_view.hide()
        self.progress = QProgressBar()
        self.progress.setFormat(tr("%v of %m papers"))
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.compare_button = QPushButton(tr("Compare"))
        self.compare_button.setDefault(True)
        self.review_button = QPushButton(tr("Review"))
        self.cancel_button = QPushButton(tr("Cancel"))
        self.export_button = QPushButton(tr("Export…"))
        self.zotero_button = QPushButton(tr("Write to Zotero"))
        self.close_button = QPushButton(tr("Close"))

        form = QFormLayout()
        form.addRow(tr("Papers from"), self.picker.kind)
        form.addRow("", self.picker.which)
        form.addRow("", self.picker.library_note)
        form.addRow(tr("Columns"), self.columns)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.review_view)
        buttons = QHBoxLayout()
        for button in (self.compare_button, self.review_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.export_button, self.zotero_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(split, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.report)
        layout.addLayout(buttons)

        self.compare_button.clicked.connect(self.start_compare)
        self.review_button.clicked.connect(self.start_review)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button.clicked.connect(self._choose_export)
        self.zotero_button.clicked.connect(self.write_to_zotero)
        self.close_button.clicked.connect(self.close)
        self.picker.changed.connect(self._update_buttons)
        self.picker.load_library()
        self._update_buttons()

    # -- running -----------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        running = self.task is not None
        for button in (self.compare_button, self.review_button):
            button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.export_button.setEnabled(not running and self.table_data is not None)
        self.zotero_button.setEnabled(not running and self.table_data is not None
                                      and self.picker.current_kind() == COLLECTION)  # fmt: skip
        for widget in (self.picker.kind, self.picker.which, self.columns):
            widget.setEnabled(not running)

    def _start(self, title: str, fn, done) -> Task | None:
        problem = self.picker.problem()
        if self.task is not None or problem:
            self.report.setText(problem or "")
            return None
        settings, kind, name = self.ctx.settings, self.picker.current_kind(), self.picker.source_name()
        columns = parse_columns(self.columns.text())

        def work(task_ctx):
            from paperpal.tasks.compare import endpoint_backend

            paths = source_pdfs(settings, kind, name)
            if not paths:
                raise InputFileError(f"No PDFs in {name}", hint="choose a folder with PDFs, or sync the Zotero library")
            return fn(paths, settings, columns, endpoint_backend(settings), task_ctx)

        self.progress.setRange(0, 0)
        self.report.setText(tr("Starting…"))
        task = Task(title, work)
        task.signals.count.connect(self._count)
        task.signals.done.connect(done)
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(lambda: self.report.setText(tr("Cancelled.")))
        task.signals.finished.connect(self._finished)
        self.task = task
        self._update_buttons()
        return self.ctx.runner.start(task)

    def start_compare(self) -> Task | None:
        from paperpal.tasks.compare import compare

        def fn(paths, settings, columns, backend, task_ctx):
            return compare(paths, settings=settings, columns=columns, backend=backend, on_progress=task_ctx.count,
                           cancel=task_ctx.cancel)  # fmt: skip

        return self._start(tr("Comparing papers"), fn, self._compared)

    def start_review(self) -> Task | None:
        from paperpal.tasks.review import review

        def fn(paths, settings, columns, backend, task_ctx):
            return review(paths, settings=settings, backend=backend, on_progress=task_ctx.count,
                          cancel=task_ctx.cancel)  # fmt: skip

        return self._start(tr("Drafting the review"), fn, self._reviewed)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.report.setText(tr("Cancelling after the paper being read…"))

    def _count(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _failed(self, line: str, details: str) -> None:
        self.report.setText(line)
        self.ctx.report_error(line, details)

    def _finished(self) -> None:
        self.task = None
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
        self._update_buttons()

    # -- showing -----------------------------------------------------------------------------------
    def _compared(self, table: ComparisonTable) -> None:
        self.show_table(table)
        failed = "; ".join(f"{Path(p).name}: {why}" for p, why in table.failed)
        self.report.setText(tr("{n} papers compared.", n=len(table.rows)) + (" " + tr("Not compared: {list}", list=failed) if failed else ""))

    def _reviewed(self, review) -> None:
        from paperpal.export.review import review_markdown

        self.show_table(review.table)
        self.review_markdown = review_markdown(review, with_table=False)
        self.review_view.setMarkdown(self.review_markdown)
        self.review_view.show()
        counts = review.counts
        self.report.setText(tr("Review: {s} sentences, {v} of {c} citations verified on their pages.",
                               s=counts["sentences"], v=counts["citations_verified"], c=counts["citations"]))  # fmt: skip

    def show_table(self, table: ComparisonTable) -> None:
        self.table_data = table
        self.table.clear()
        self.table.setColumnCount(len(table.columns) + 1)
        self.table.setRowCount(len(table.rows))
        self.table.setHorizontalHeaderLabels([tr("Paper"), *(table.label(c) for c in table.columns)])
        for r, row in enumerate(table.rows):
            head = QTableWidgetItem(f"{row.label}: {row.title}")
            head.setToolTip(row.path)
            self.table.setItem(r, 0, head)
            for c, column in enumerate(table.columns, 1):
                cell = row.cells[column]
                item = QTableWidgetItem(cell.text or NOT_FOUND)
                if cell.stated and cell.evidence:
                    ev = cell.evidence
                    item.setToolTip("\n".join(f"{row.label}, {e.cite()}\n“{e.quote}”" for e in cell.all_evidence))
                    item.setData(WHERE, (row.path, ev.page, ev.quote))
                else:
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                    item.setForeground(QBrush(NOT_FOUND_COLOR))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for c in range(1, self.table.columnCount()):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 320))
        self.table.resizeRowsToContents()
        self._update_buttons()

    def open_cell(self, row: int, column: int) -> None:
        """Open the cell's paper at its page, the quote highlighted."""
        item = self.table.item(row, column)
        where = item.data(WHERE) if item is not None else None
        if not where:
            return
        path, page, quote = where
        if self.ctx.paper is None or Path(self.ctx.paper.path).resolve() != Path(path).resolve():
            self.ctx.open_pdf(path)
        self.ctx.show_location(page, quote)

    # -- export and write-back ---------------------------------------------------------------------
    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Export the table"), str(Path.home() / "comparison.xlsx"),
                                              "Excel (*.xlsx);;Markdown (*.md);;CSV (*.csv)")  # fmt: skip
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> Path | None:
        from paperpal.errors import PaperPalError
        from paperpal.export.table import write_table

        if self.table_data is None:
            return None
        try:
            written = write_table(self.table_data, path)
        except PaperPalError as exc:
            self.report.setText(exc.line)
            return None
        self.report.setText(tr("Wrote {path}", path=written))
        return written

    def write_to_zotero(self) -> Task | None:
        """The review when one was drafted, else the table, as a standalone note in the collection (a worker)."""
        from paperpal.export.table import to_markdown
        from paperpal.zotero.writeback import write_collection_note

        if self.table_data is None or self.picker.current_kind() != COLLECTION:
            return None
        kind, markdown = ("review", self.review_markdown) if self.review_markdown else ("comparison", to_markdown(self.table_data))
        settings, collection = self.ctx.settings, self.picker.source_name()
        return self.ctx.runner.run(tr("Writing to Zotero"),
                                   lambda _: write_collection_note(settings, collection, markdown, kind=kind),
                                   done=lambda result: self.report.setText(result.message), failed=self._failed)  # fmt: skip


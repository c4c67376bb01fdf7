"""The batch dialog: one deck per paper for a folder of PDFs, a Zotero collection or a Zotero tag.

Start calls :func:`paperpal.slides.batch.batch_slides` in a worker, with the PDFs from
:func:`~paperpal.slides.batch.collect_pdfs` or :func:`paperpal.zotero.library.library_pdfs`
(the same functions as ``paperpal batch-slides``). Its ``on_paper`` callback fills the table, one
row per paper (waiting, working, done, skipped, failed with the reason, the deck); a paper that
fails is listed and the batch goes on. At the end a report line gives the counts and the status
file (re-running the same batch resumes it). Closing the dialog leaves a running batch running.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paperpal.slides.batch import STATUS_FILE, BatchReport, PaperStatus, batch_slides, collect_pdfs

from .context import AppContext
from .i18n import tr
from .outline_editor import wrap_slack
from .slides_tab import TalkOptions, open_folder_url
from .source_picker import FOLDER, SourcePicker, folder_row
from .workers import Task

PAPER, STATUS, DECK = range(3)
FAILED_COLOR = QColor("#b3261e")
DONE_COLOR = QColor("#1e7b34")


def status_text(status: str) -> str:
    """A paper's state as the table shows it."""
    return {
        "pending": tr("waiting"),
        "working": tr("working…"),
        "done": tr("done"),
        "skipped": tr("skipped (already done)"),
        "failed": tr("failed"),
        "cancelled": tr("not done (cancelled)"),
    }.get(status, status)


class _WrappedRows(QStyledItemDelegate):
    """Table cells sized with room for Chinese lines (Qt measures them shorter than it draws them)."""

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + wrap_slack(size.height(), option.fontMetrics.lineSpacing()))


class _Relay(QObject):
    """Carries the core's ``on_paper(index, status)`` calls from worker threads to the dialog."""

    paper = Signal(int, object)


class BatchDialog(QDialog):
    """Decks for many papers: what to work on, where to, how; a row per paper; the report."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None
        self.report: BatchReport | None = None
        self.outdir_path: Path | None = None
        self.states: list[str] = []  # each row's status
        self.url_opener: Callable[[QUrl], object] = QDesktopServices.openUrl  # tests replace it
        self._outdir_auto = True  # the output folder follows the source until the user types one
        self._relay = _Relay(self)
        self._relay.paper.connect(self._paper_changed)
        self.setWindowTitle(tr("Slides for many papers"))
        self.resize(760, 620)

        self.picker = SourcePicker(ctx, self)
        picker = self.picker  # the picker's widgets, by the names this dialog has always used
        self.kind, self.folder, self.folder_button = picker.kind, picker.folder, picker.folder_button
        self.collection, self.tag, self.which, self.library_note = picker.collection, picker.tag, picker.which, picker.library_note
        self.outdir = QLineEdit()
        self.outdir_button = QPushButton(tr("Choose…"))
        self.options = TalkOptions(ctx)
        self.jobs = QSpinBox()
        self.jobs.setRange(1, 8)
        self.jobs.setToolTip(tr("Papers worked on at once (the bundled model still writes one slide at a time)"))
        self.combined = QCheckBox(tr("Also write a digest of all papers (digest.pptx and digest.md)"))

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("Paper"), tr("Status"), tr("Deck")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setItemDelegate(_WrappedRows(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(PAPER, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DECK, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.progress = QProgressBar()
        self.progress.setFormat(tr("%v of %m papers"))
        self.progress.setValue(0)
        self.report_label = QLabel()
        self.report_label.setWordWrap(True)
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(tr("Open folder"))
        self.open_button.hide()
        self.start_button = QPushButton(tr("Start"))
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.close_button = QPushButton(tr("Close"))

        form = QFormLayout()
        form.addRow(tr("Papers from"), self.kind)
        form.addRow("", self.which)
        form.addRow("", self.library_note)
        form.addRow(tr("Save decks in"), folder_row(self.outdir, self.outdir_button))
        more = QHBoxLayout()
        more.addWidget(QLabel(tr("Papers at once")))
        more.addWidget(self.jobs)
        more.addSpacing(16)
        more.addWidget(self.combined)
        more.addStretch(1)
        report = QHBoxLayout()
        report.addWidget(self.report_label, 1)
        report.addWidget(self.open_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.options)
        layout.addLayout(more)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addLayout(report)
        layout.addLayout(buttons)

        picker.changed.connect(self._suggest_outdir)
        self.outdir.textEdited.connect(self._outdir_typed)
        self.outdir_button.clicked.connect(self._choose_outdir)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        self.open_button.clicked.connect(self.open_folder)
        picker.load_library()
        self._update_buttons()

    # -- what to work on ------------------------------------------------------------------------------
    def source_name(self) -> str:
        return self.picker.source_name()

    def _suggest_outdir(self) -> None:
        """Output folder: ``output.slides_dir`` (when the settings have it) or beside the PDFs, named for the source."""
        if not self._outdir_auto:
            return
        kind, name = self.kind.currentData(), self.source_name()
        out = getattr(getattr(self.ctx.settings, "output", None), "slides_dir", None)
        base = Path(out).expanduser() if out else None
        if kind == FOLDER:
            folder = Path(name) if name else None
            path = (base / folder.name if base else folder / "slides") if folder else base
        else:
            safe = re.sub(r"[^\w\-. ]+", "-", name).strip("-. ") or kind
            path = (base or Path.home() / "PaperPal slides") / safe
        self.outdir.setText(str(path) if path else "")

    def _outdir_typed(self, text: str) -> None:
        self._outdir_auto = not text.strip()

    def _choose_outdir(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Save decks in"), self.outdir.text() or str(Path.home()))
        if path:
            self.outdir.setText(path)
            self._outdir_auto = False

    # -- running -------------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        running = self.task is not None
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.kind, self.which, self.outdir, self.outdir_button, self.options, self.jobs, self.combined):
            widget.setEnabled(not running)

    def start(self) -> Task | None:
        """Run the batch; None (and a line in the dialog) when the source or output folder is missing."""
        if self.task is not None:
            return None
        kind, name, outdir = self.kind.currentData(), self.source_name(), self.outdir.text().strip()
        problem = self.picker.problem() or (None if outdir else tr("Choose the folder to save the decks in."))
        if problem:
            self.report_label.setText(problem)
            return None
        settings = self.options.settings(self.ctx.settings)
        outdir, jobs, combined = Path(outdir).expanduser(), self.jobs.value(), self.combined.isChecked()
        relay = self._relay

        def work(task_ctx) -> BatchReport:
            if kind == FOLDER:
                sources = collect_pdfs([name])
            else:
                from paperpal.zotero.library import library_pdfs

                sources = library_pdfs(settings, **{kind: name})
            return batch_slides(sources, outdir, settings=settings, jobs=jobs, combined=combined,
                                on_progress=task_ctx.count, on_paper=relay.paper.emit,
                                cancel=task_ctx.cancel)  # fmt: skip

        self.table.setRowCount(0)
        self.states = []
        self.report, self.outdir_path = None, outdir
        self.open_button.hide()
        self.progress.setRange(0, 0)
        self.report_label.setText(tr("Starting…"))
        task = Task(tr("Slides for {name}", name=Path(name).name if kind == FOLDER else name), work)
        task.signals.count.connect(self._count)
        task.signals.done.connect(self._done)
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(self._cancelled)
        task.signals.finished.connect(self._finished)
        self.task = task
        self._update_buttons()
        return self.ctx.runner.start(task)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.report_label.setText(tr("Cancelling: the papers being worked on stop at their next step…"))

    def _count(self, done: int, total: int, label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        return item

    def _paper_changed(self, index: int, paper: PaperStatus) -> None:
        while self.table.rowCount() <= index:
            self.table.insertRow(self.table.rowCount())
            self.states.append("pending")
        self.states[index] = paper.status
        source = Path(paper.source)
        name = self._item(index, PAPER)
        name.setText(paper.title or source.name)
        name.setToolTip(str(source))
        self._show_status(index, paper.status, paper.error)
        deck = self._item(index, DECK)
        deck.setText(paper.deck if paper.status in ("done", "skipped") and paper.deck else "")
        if paper.status == "working":
            self.table.scrollToItem(name)

    def _show_status(self, row: int, status: str, error: str | None = None) -> None:
        item = self._item(row, STATUS)
        text = status_text(status)
        item.setText(tr("failed: {reason}", reason=error) if error else text)
        item.setToolTip(error or "")
        color = FAILED_COLOR if status == "failed" else DONE_COLOR if status in ("done", "skipped") else None
        item.setForeground(QBrush(color) if color else self.table.palette().text())
        self.table.resizeRowsToContents()

    def counts(self) -> dict[str, int]:
        return {s: self.states.count(s) for s in ("done", "skipped", "failed")}

    def _done(self, report: BatchReport) -> None:
        self.report = report
        n = self.counts()
        line = tr(
            "{done} done, {skipped} skipped (already done), {failed} failed in {seconds:.1f} s. Status file: {path}",
            done=n["done"], skipped=n["skipped"], failed=n["failed"], seconds=report.seconds,
            path=report.outdir / STATUS_FILE,
        )  # fmt: skip
        if report.digest_markdown:
            digest = (report.digest_deck, report.digest_markdown)
            line += " " + tr("Digest: {paths}", paths=", ".join(str(p) for p in digest if p))
        self.report_label.setText(line)
        self.open_button.show()
        self.ctx.message.emit(line)

    def _failed(self, line: str, details: str) -> None:
        self.report_label.setText(line)
        self.ctx.report_error(line, details)

    def _cancelled(self) -> None:
        for row, status in enumerate(self.states):
            if status in ("pending", "working"):
                self.states[row] = "cancelled"
                self._show_status(row, "cancelled")
        n = self.counts()
        self.report_label.setText(tr("Cancelled: {done} done, {failed} failed. Start again to go on where it stopped.",
                                     done=n["done"], failed=n["failed"]))  # fmt: skip
        self.open_button.setVisible(bool(n["done"]))

    def _finished(self) -> None:
        self.task = None
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
        self._update_buttons()

    def open_folder(self) -> None:
        if self.outdir_path is not None:
            self.url_opener(open_folder_url(self.outdir_path))

    def closeEvent(self, event) -> None:
        if self.task is not None:
            self.ctx.message.emit(tr("The batch goes on; Batch… in the Slides tab shows it again."))
        super().closeEvent(event)

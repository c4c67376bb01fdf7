"""The Library pane's top bar: "Sync Zotero", "Add folder…", and the progress of a sync or an indexing run.

Sync runs :func:`paperpal.zotero.sync.sync` (as ``paperpal sync``) and indexing a folder
:func:`paperpal.index.index_papers` (as ``paperpal index``), one at a time, in a worker; while one
runs the Sync button cancels it. :attr:`SyncBar.job_finished` tells the pane to read the library again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from paperpal.progress import throttled

from .context import AppContext
from .i18n import tr
from .library_tasks import PaneTasks
from .workers import Task


class SyncBar(QWidget):
    """The buttons and the progress bar (shown while a sync or an indexing run goes on)."""

    folder_chosen = Signal(str)  # "Add folder…": the folder picked
    job_finished = Signal()  # a sync or an indexing run ended (done, failed or cancelled)

    def __init__(self, ctx: AppContext, tasks: PaneTasks, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.tasks = ctx, tasks
        self.job: Task | None = None  # a sync or an indexing run (one at a time; the Sync button cancels it)
        self.sync_button = QPushButton(tr("Sync Zotero"))
        self.sync_button.setToolTip(tr("Bring PaperPal's copy of your Zotero library up to date (and index new PDFs)"))
        self.add_folder_button = QPushButton(tr("Add folder…"))
        self.add_folder_button.setToolTip(tr("List the PDFs of a folder on this computer"))
        self.progress = QProgressBar(visible=False, textVisible=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.add_folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        self.add_folder_button.clicked.connect(self._pick_folder)
        self.sync_button.clicked.connect(self._sync_clicked)

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Add a folder of PDFs"))
        if folder:
            self.folder_chosen.emit(folder)

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
            synced = tr("Synced {items} items ({new} new, {updated} updated, {removed} removed)", items=report.items,
                        new=report.new, updated=report.updated, removed=report.removed)  # fmt: skip
            if (report.indexed or {}).get("cancelled"):  # a cancel that came after the library was saved
                synced += " " + tr("Indexing was cancelled; sync again to index the rest.")
            self.ctx.message.emit(synced)

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
        task = self.tasks.make(title, work, done=done)
        task.signals.count.connect(self._job_progress)
        task.signals.cancelled.connect(lambda: self.ctx.message.emit(tr("Cancelled.")))
        task.signals.finished.connect(self._job_finished)
        self.job = self.tasks.start(task)
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
        self.job_finished.emit()

"""The Summary tab: the structured reading note, streamed while the model writes it.

Summarize calls the same core function as ``paperpal summarize`` (:func:`paperpal.tasks.summary.summarize`)
in a worker; the model's JSON reply arrives piece by piece and is shown as a growing note
(:func:`paperpal.tasks.summary.partial_note`). The finished note is kept in PaperPal's home
(:mod:`paperpal.saved_notes`), so reopening the paper shows it again. Markdown is rendered with
markdown-it-py with raw HTML escaped (:func:`paperpal.export.html.markdown_html`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from paperpal import saved_notes
from paperpal.export.html import markdown_html
from paperpal.export.markdown import note_markdown, save_note
from paperpal.tasks.summary import SummaryNote, partial_note, summarize

from .context import AppContext
from .i18n import tr
from .workers import Task

RENDER_EVERY_MS = 150  # how often the growing note is re-rendered while the model writes


class SummaryTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.note: SummaryNote | None = None
        self.task: Task | None = None
        self._streamed = ""
        self._render_timer = QTimer(self, singleShot=True, interval=RENDER_EVERY_MS)
        self._render_timer.timeout.connect(self._render_partial)

        self.summarize_button = QPushButton(tr("Summarize"))
        self.summarize_button.setToolTip(tr("Write the structured reading note with the configured model"))
        self.save_button = QPushButton(tr("Save as Markdown…"))
        self.copy_button = QPushButton(tr("Copy"))
        self.zotero_button = QPushButton(tr("Write to Zotero"))
        self.zotero_button.setToolTip(tr("Add the note to the Zotero item as a child note (Zotero web API)"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: palette(mid);")
        self.view = QTextBrowser()
        self.view.setOpenExternalLinks(True)
        self.view.document().setDefaultStyleSheet("h1 { font-size: 15pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }")

        buttons = QHBoxLayout()
        for button in (self.summarize_button, self.save_button, self.copy_button, self.zotero_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)

        self.summarize_button.clicked.connect(self.toggle)
        self.save_button.clicked.connect(self.save_dialog)
        self.copy_button.clicked.connect(self.copy)
        self.zotero_button.clicked.connect(self.write_to_zotero)
        ctx.paper_opened.connect(self.show_paper)
        self.show_paper(ctx.paper)

    # -- state -------------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        running = self.task is not None
        self.summarize_button.setText(tr("Cancel") if running else tr("Summarize again") if self.note else tr("Summarize"))
        self.summarize_button.setEnabled(self.ctx.paper is not None)
        for button in (self.save_button, self.copy_button):
            button.setEnabled(self.note is not None and not running)
        self.zotero_button.setEnabled(self.note is not None and not running and bool(self.ctx.zotero_key))

    def show_paper(self, paper) -> None:
        """A paper was opened: show its kept note, if any."""
        if self.task is not None:
            self.task.cancel()
        self.note = saved_notes.saved(paper.id, self.ctx.settings.language) if paper is not None else None
        if paper is None:
            self.view.setHtml(f"<p>{tr('Open a paper to summarize it.')}</p>")
            self.status.setText("")
        elif self.note is None:
            self.view.setHtml(f"<p>{tr('No note yet. Press Summarize to write one with the configured model.')}</p>")
            self.status.setText("")
        else:
            self._show(self.note)
            self.status.setText(tr("The note kept from an earlier run ({model}).", model=self._model_of(self.note)))
        self._update_buttons()

    @staticmethod
    def _model_of(note: SummaryNote) -> str:
        prov = note.provenance
        return " + ".join(x for x in (prov.get("model"), prov.get("adapter")) if x) or "?"

    def _show(self, note: SummaryNote) -> None:
        bar = self.view.verticalScrollBar()
        at = bar.value()
        self.view.setHtml(markdown_html(note_markdown(note)))
        bar.setValue(at)

    # -- summarize -----------------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText(tr("Cancelling…"))
        else:
            self.start()

    def start(self) -> Task | None:
        paper = self.ctx.paper
        if paper is None or self.task is not None:
            return None
        settings = self.ctx.settings
        lang = settings.language
        self._streamed = ""

        def work(task_ctx):
            note = summarize(paper, settings=settings, lang=lang, on_progress=task_ctx.stage, cancel=task_ctx.cancel,
                             on_text=task_ctx.text)  # fmt: skip
            saved_notes.keep(note)
            return note

        task = Task(tr("Summarizing"), work)
        task.signals.stage.connect(self.status.setText)
        task.signals.text.connect(self._on_text)
        task.signals.done.connect(lambda note, p=paper: self._done(note, p))
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(lambda: self.status.setText(tr("Cancelled; nothing was saved.")))
        task.signals.finished.connect(self._finished)
        self.task = task
        self._update_buttons()
        self.view.setHtml(f"<p>{tr('Writing the note…')}</p>")
        return self.ctx.runner.start(task)

    def _on_text(self, piece) -> None:
        self._streamed = "" if piece is None else self._streamed + piece
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _render_partial(self) -> None:
        paper = self.ctx.paper
        if self.task is not None and paper is not None and self._streamed:
            self._show(partial_note(paper, self.ctx.settings.language, self._streamed))

    def _done(self, note: SummaryNote, paper) -> None:
        if self.ctx.paper is not paper:
            return
        self._render_timer.stop()
        self.note = note
        self._show(note)
        prov = note.provenance
        self.status.setText(tr("Written by {model} ({tokens} tokens); kept with the paper.", model=self._model_of(note),
                               tokens=prov.get("completion_tokens", "?")))  # fmt: skip

    def _failed(self, line: str, details: str) -> None:
        self.status.setText(line)
        self.ctx.report_error(line, details)

    def _finished(self) -> None:
        self._render_timer.stop()
        self.task = None
        if self.note is not None and self.status.text() == tr("Cancelled; nothing was saved."):
            self._show(self.note)
        elif self.note is None and self.ctx.paper is not None and not self._streamed:
            self.show_paper(self.ctx.paper)
        self._update_buttons()

    # -- export ------------------------------------------------------------------------------------
    def default_path(self) -> Path:
        out = getattr(getattr(self.ctx.settings, "output", None), "notes_dir", None)
        folder = Path(out) if out else Path(self.ctx.paper.path).parent
        return folder / f"{Path(self.ctx.paper.path).stem}.{self.note.language}.md"

    def save_to(self, path: str | Path) -> Path | None:
        try:
            saved = save_note(self.note, path)
        except OSError as exc:
            self.ctx.report_error(tr("Could not save the note to {path}: {why}", path=path, why=exc.strerror or exc))
            return None
        self.ctx.message.emit(tr("Saved the note to {path}", path=saved))
        return saved

    def save_dialog(self) -> None:
        if self.note is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Save the note"), str(self.default_path()), "Markdown (*.md)")
        if path:
            self.save_to(path)

    def copy(self) -> None:
        if self.note is not None:
            QGuiApplication.clipboard().setText(note_markdown(self.note))
            self.ctx.message.emit(tr("Copied the note (Markdown)"))

    def write_to_zotero(self) -> None:
        if self.note is None or not self.ctx.zotero_key:
            return
        from paperpal.zotero.writeback import write_note

        settings, key, markdown = self.ctx.settings, self.ctx.zotero_key, note_markdown(self.note)
        self.ctx.runner.run(
            tr("Writing to Zotero"),
            lambda task_ctx: write_note(settings, key, markdown, on_progress=task_ctx.stage),
            done=lambda result: self.status.setText(result.message),
            failed=self._failed,
        )

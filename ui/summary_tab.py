"""The Summary tab: the structured reading note, growing statement by statement while it is written.

Summarize calls the same core function as ``paperpal summarize`` (:func:`paperpal.tasks.summary.summarize`)
in a worker; after each checked statement the note so far arrives (``on_note``) and is shown. Every statement's
evidence reference "(§3.2, p. 4)" is a link: a click moves the reader to that page and highlights the quoted
passage. The finished note is kept in PaperPal's home (:mod:`paperpal.saved_notes`), so reopening the paper shows
it again. Markdown is rendered with markdown-it-py with raw HTML escaped (:func:`paperpal.export.html.markdown_html`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from paperpal import saved_notes
from paperpal.export.html import markdown_html
from paperpal.export.markdown import EVIDENCE_ANCHOR, note_markdown, render_note, save_note
from paperpal.model import Evidence
from paperpal.note import SummaryNote
from paperpal.tasks.summary import summarize

from .context import AppContext
from .i18n import tr
from .workers import Task

RENDER_EVERY_MS = 150  # at most this often the growing note is re-rendered while it is written


EMPTY_NOTE = {  # why a note is empty (SummaryNote.empty_reason) and what to try
    "chinese_paper": "No statement passed the support check: the paper is in Chinese — choose Chinese as the note "
                     "language and summarize again.",
    "nothing_checked": "No statement passed the support check: try an endpoint model (Settings).",
}  # fmt: skip

class SummaryTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.note: SummaryNote | None = None
        self.task: Task | None = None
        self._partial: SummaryNote | None = None
        self.evidence: list[Evidence] = []  # what the shown note's evidence links point at
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
        self.view.setOpenLinks(False)  # evidence links move the reader; web links open in the browser
        self.view.anchorClicked.connect(self.follow)
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
        rendered = render_note(note, links=True)
        self.evidence = rendered.evidence
        self.view.setHtml(markdown_html(rendered.text))
        bar.setValue(at)

    def follow(self, url: QUrl) -> None:
        """An evidence link moves the reader to the page and highlights the passage; a web link opens outside."""
        target = url.toString()
        if target.startswith(EVIDENCE_ANCHOR):
            index = int(target[len(EVIDENCE_ANCHOR) :])
            if 0 <= index < len(self.evidence):
                evidence = self.evidence[index]
                self.ctx.show_location(evidence.page, evidence.quote)
        elif url.scheme() in ("http", "https"):
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)

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
        self._partial = None

        def work(task_ctx):
            note = summarize(paper, settings=settings, lang=lang, on_progress=task_ctx.stage, cancel=task_ctx.cancel,
                             on_note=task_ctx.partial)  # fmt: skip
            saved_notes.keep(note)
            return note

        task = Task(tr("Summarizing"), work)
        task.signals.stage.connect(self.status.setText)
        task.signals.partial.connect(self._on_partial)
        task.signals.done.connect(lambda note, p=paper: self._done(note, p))
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(lambda: self.status.setText(tr("Cancelled; nothing was saved.")))
        task.signals.finished.connect(self._finished)
        self.task = task
        self._update_buttons()
        self.view.setHtml(f"<p>{tr('Writing the note…')}</p>")
        return self.ctx.runner.start(task)

    def _on_partial(self, note: SummaryNote) -> None:
        self._partial = note
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _render_partial(self) -> None:
        if self.task is not None and self.ctx.paper is not None and self._partial is not None:
            self._show(self._partial)

    def _done(self, note: SummaryNote, paper) -> None:
        if self.ctx.paper is not paper:
            return
        self._render_timer.stop()
        self.note = note
        self._show(note)
        counts = note.origin_counts()
        self.status.setText(tr("Written by {model}: {model_count} statements condensed and checked, {paper_count} in "
                               "the paper's own words; kept with the paper.", model=self._model_of(note),
                               model_count=counts["model"], paper_count=counts["paper"]))  # fmt: skip
        if reason := note.empty_reason():  # say why the note is empty and what to try
            self.status.setText(tr(EMPTY_NOTE[reason]))

    def _failed(self, line: str, details: str) -> None:
        self.status.setText(line)
        self.ctx.report_error(line, details)

    def _finished(self) -> None:
        self._render_timer.stop()
        self.task = None
        if self.note is not None and self.status.text() == tr("Cancelled; nothing was saved."):
            self._show(self.note)
        elif self.note is None and self.ctx.paper is not None and self._partial is None:
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

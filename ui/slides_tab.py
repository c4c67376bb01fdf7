"""The Slides tab: a group-meeting deck for the open paper, outline first.

"Make outline" calls :func:`paperpal.slides.deck.slide_outline` in a worker; the outline is
shown in the :class:`~ui.outline_editor.OutlineEditor`, where the user edits it; "Export .pptx…"
calls :func:`paperpal.slides.deck.make_slides` with exactly the edited outline (the same
function as ``paperpal slides``). The edited outline is kept with the paper in the app's state
folder, so it survives a restart or a change of UI language. "Batch…" opens the
:class:`~ui.batch_dialog.BatchDialog` for a folder, collection or tag.

:class:`TalkOptions` (language, minutes, presenter, template) is shared with the batch dialog;
:class:`TemplatePicker` offers the bundled template, the settings' lab template, recently used
ones and "Browse…", and checks a chosen file with :func:`paperpal.export.pptx.open_template`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from paperpal.errors import ConfigError
from paperpal.export.pptx import open_template
from paperpal.export.pptx.template import DEFAULT_TEMPLATE
from paperpal.home import atomic_write_text
from paperpal.resources import resource_path
from paperpal.settings import Settings
from paperpal.slides.deck import make_slides, slide_outline
from paperpal.slides.model import Outline

from .context import AppContext
from .i18n import LANGUAGES, tr
from .outline_editor import OutlineEditor
from .workers import Task

RECENT_TEMPLATES = 6
SAVE_DELAY_MS = 400  # the edited outline is written this long after the last edit
_BROWSE = "\x00browse"  # the "Browse…" entry's data
_SLIDE_STAGE = re.compile(r"Writing slide (\d+)/(\d+) \((.*)\)")


def stage_text(stage: str) -> str:
    """The core's progress stage ("Writing slide 2/5 (openai model m)") in the UI language."""
    match = _SLIDE_STAGE.fullmatch(stage)
    if match:
        return tr("Writing slide {k} of {n} ({model})", k=match[1], n=match[2], model=match[3])
    return tr(stage)


def slides_state(ctx: AppContext) -> Path:
    """The tab's own state: recently used templates."""
    return ctx.state_dir() / "slides.json"


def open_folder_url(path: str | Path) -> QUrl:
    """The URL that opens the folder holding ``path`` (or ``path`` itself, a folder) in the file manager."""
    path = Path(path)
    return QUrl.fromLocalFile(str(path if path.is_dir() else path.parent))


def bundled_template() -> str:
    """Where the bundled template is ("" when the installation lacks it; building a deck then says so)."""
    try:
        return str(resource_path("templates", DEFAULT_TEMPLATE))
    except ConfigError:
        return ""


class TemplatePicker(QComboBox):
    """The bundled template, the settings' lab template, recently used templates, and "Browse…" for a .pptx."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._previous = 0
        self.reload()
        self.activated.connect(self._activated)
        ctx.settings_changed.connect(self.reload)

    def recent(self) -> list[str]:
        try:
            data = json.loads(slides_state(self.ctx).read_text(encoding="utf-8"))
            return [str(p) for p in data.get("recent_templates", []) if Path(p).is_file()]
        except (OSError, ValueError, AttributeError):
            return []

    def remember(self, path: str | None) -> None:
        """Put ``path`` first among the recently used templates (the bundled one is always listed)."""
        if not path:
            return
        recent = [str(path)] + [p for p in self.recent() if p != str(path)]
        atomic_write_text(slides_state(self.ctx), json.dumps({"recent_templates": recent[:RECENT_TEMPLATES]}))

    def reload(self) -> None:
        """Fill the list; the lab template from the settings is chosen, else the bundled one."""
        refill, current = self.count() > 0, self.template()
        self.blockSignals(True)
        self.clear()
        self.addItem(tr("Bundled group-meeting template"), None)
        self.setItemData(0, bundled_template(), Qt.ItemDataRole.ToolTipRole)
        lab = self.ctx.settings.slides.template
        if lab:
            self._add_path(lab, tr("Lab template: {name}", name=Path(lab).name))
        for path in self.recent():
            self._add_path(path)
        self.addItem(tr("Browse…"), _BROWSE)
        self.blockSignals(False)
        self.select(current if refill else lab)

    def _add_path(self, path: str, label: str | None = None) -> int:
        for i in range(self.count()):
            if self.itemData(i) == str(path):
                return i
        at = self.count() if self.itemData(self.count() - 1) != _BROWSE else self.count() - 1
        self.insertItem(at, label or Path(path).name, str(path))
        self.setItemData(at, str(path), Qt.ItemDataRole.ToolTipRole)
        return at

    def select(self, path: str | None) -> None:
        index = self.findData(str(path)) if path else 0
        self.setCurrentIndex(max(0, index))
        self._previous = self.currentIndex()

    def template(self) -> str | None:
        """The chosen template's path (None: the bundled one)."""
        data = self.currentData()
        return None if data in (None, _BROWSE) else data

    def _activated(self, index: int) -> None:
        if self.itemData(index) != _BROWSE:
            self._previous = index
            return
        self.setCurrentIndex(self._previous)
        start = self.template() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, tr("Choose a PowerPoint template"), start, "PowerPoint (*.pptx)")
        if path:
            self.choose(path)

    def choose(self, path: str | Path) -> Task:
        """Use the .pptx at ``path`` once :func:`open_template` accepts it; else say why and keep the previous one."""
        path, previous = str(path), self.template()
        listed = self.findData(path) >= 0
        self._add_path(path)
        self.select(path)

        def check(_task_ctx) -> str:
            open_template(path)
            return path

        def failed(line: str, details: str) -> None:
            if not listed and self.findData(path) >= 0:
                self.removeItem(self.findData(path))
            self.select(previous)
            self.ctx.report_error(line, details)

        return self.ctx.runner.run(tr("Checking the template"), check, done=self.remember, failed=failed)


class TalkOptions(QWidget):
    """Language, talk minutes, presenter and template: what a deck is made with (tab and batch dialog)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        settings = ctx.settings
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.minutes = QSpinBox()
        self.minutes.setRange(3, 120)
        self.minutes.setValue(settings.slides.minutes)
        self.minutes.setSuffix(tr(" min"))
        self.minutes.setToolTip(tr("Talk length: about one content slide per 1.75 minutes, at least five"))
        self.presenter = QLineEdit(settings.slides.presenter or "")
        self.presenter.setPlaceholderText(tr("Your name, for the cover slide"))
        self.template = TemplatePicker(ctx)
        talk = QHBoxLayout()
        talk.addWidget(self.language)
        talk.addWidget(QLabel(tr("Length")))
        talk.addWidget(self.minutes)
        talk.addStretch(1)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Language"), talk)
        form.addRow(tr("Presenter"), self.presenter)
        form.addRow(tr("Template"), self.template)

    def lang(self) -> str:
        return self.language.currentData()

    def presenter_name(self) -> str | None:
        return self.presenter.text().strip() or None

    def settings(self, base: Settings) -> Settings:
        """``base`` with these choices (what ``--lang/--minutes/--presenter/--template`` set on the command line)."""
        slides = base.slides.model_copy(update={"minutes": self.minutes.value(), "presenter": self.presenter_name(),
                                                "template": self.template.template()})  # fmt: skip
        return base.model_copy(update={"language": self.lang(), "slides": slides})


class SlidesTab(QWidget):
    """Outline preview and editing, template choice, export to .pptx, and the batch dialog."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None
        self._making = False  # the running task makes the outline (its button cancels it)
        self.saved_path: Path | None = None
        self.url_opener: Callable[[QUrl], object] = QDesktopServices.openUrl  # tests replace it
        self.batch_dialog = None
        self._paper_id: str | None = None
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.keep_outline)

        self.options = TalkOptions(ctx)
        self.outline_button = QPushButton(tr("Make outline"))
        self.outline_button.setToolTip(
            tr("Plan the slides from the paper and write their text with the configured model")
        )
        self.export_button = QPushButton(tr("Export .pptx…"))
        self.export_button.setToolTip(tr("Build the deck from the outline as edited, with the paper's own figures"))
        self.batch_button = QPushButton(tr("Batch…"))
        self.batch_button.setToolTip(tr("One deck per paper for a folder, a Zotero collection or a tag"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: palette(mid);")
        self.editor = OutlineEditor()
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.open_button = QPushButton(tr("Open folder"))
        saved = QHBoxLayout()
        saved.addWidget(self.saved_label, 1)
        saved.addWidget(self.open_button)
        self.saved_row = QWidget()
        self.saved_row.setLayout(saved)
        saved.setContentsMargins(0, 0, 0, 0)
        self.saved_row.hide()

        buttons = QHBoxLayout()
        for button in (self.outline_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.batch_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.options)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.saved_row)

        self.outline_button.clicked.connect(self.toggle_outline)
        self.export_button.clicked.connect(self.export_dialog)
        self.batch_button.clicked.connect(self.open_batch)
        self.open_button.clicked.connect(self.open_folder)
        self.editor.changed.connect(self._save_timer.start)
        ctx.paper_opened.connect(self.show_paper)
        self.show_paper(ctx.paper)

    # -- state ---------------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        running = self.task is not None
        making = running and self._making
        has_outline = self.editor.has_outline()
        self.outline_button.setText(tr("Cancel") if making else tr("Make outline again") if has_outline
                                    else tr("Make outline"))  # fmt: skip
        self.outline_button.setEnabled(self.ctx.paper is not None and (making or not running))
        self.export_button.setEnabled(has_outline and not running)

    def _kept_path(self, paper_id: str) -> Path:
        return self.ctx.state_dir() / "outlines" / f"{paper_id}.json"

    def keep_outline(self) -> None:
        """Write the edited outline beside the app's state, so it comes back with the paper."""
        outline = self.editor.outline()
        if outline is None or self._paper_id is None:
            return
        path = self._kept_path(self._paper_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(outline.to_dict(), ensure_ascii=False))

    def _kept_outline(self, paper_id: str) -> Outline | None:
        try:
            return Outline.from_dict(json.loads(self._kept_path(paper_id).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return None  # none yet, or from an older version: make it again

    def show_paper(self, paper) -> None:
        """A paper was opened: show the outline kept for it, if any."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.keep_outline()
        if self.task is not None and paper is not None and paper.id != self._paper_id:
            self.task.cancel()
        self._paper_id = paper.id if paper is not None else None
        outline = self._kept_outline(paper.id) if paper is not None else None
        self.editor.set_outline(outline)
        self.saved_row.hide()
        if paper is None:
            self.status.setText(tr("Open a paper to make slides for it."))
        elif outline is None:
            self.status.setText(tr("No outline yet. Press Make outline: you can edit it before exporting."))
        else:
            self.status.setText(self._outline_line(outline, kept=True))
        self._update_buttons()

    @staticmethod
    def _outline_line(outline: Outline, kept: bool = False) -> str:
        lang = LANGUAGES.get(outline.language, outline.language)
        p = outline.provenance
        model = f"{p.get('backend', '?')} {p.get('model', '')}".strip()
        text = tr("{n} content slides in {lang} for a {minutes}-minute talk, text by {model}.", n=len(outline.slides),
                  lang=lang, minutes=outline.minutes, model=model)  # fmt: skip
        return text + " " + (tr("Kept from an earlier session.") if kept else tr("Edit it, then export."))

    # -- making the outline ----------------------------------------------------------------------------
    def toggle_outline(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText(tr("Cancelling…"))
        else:
            self.make_outline()

    def make_outline(self) -> Task | None:
        paper = self.ctx.paper
        if paper is None or self.task is not None:
            return None
        settings = self.options.settings(self.ctx.settings)
        template = self.options.template.template()

        def work(task_ctx):
            open_template(template)  # an unusable template is said before any model time
            return slide_outline(paper, settings=settings, on_progress=task_ctx.stage, cancel=task_ctx.cancel)

        task = Task(tr("Making the outline"), work)
        task.signals.done.connect(lambda outline, p=paper: self._outline_done(outline, p))
        return self._start(task, tr("Planning the slides…"), making=True)

    def _start(self, task: Task, status: str, making: bool = False) -> Task:
        task.signals.stage.connect(lambda stage: self.status.setText(stage_text(stage)))
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(lambda: self.status.setText(tr("Cancelled; nothing was made.")))
        task.signals.finished.connect(self._finished)
        self.task, self._making = task, making
        self.status.setText(status)
        self._update_buttons()
        return self.ctx.runner.start(task)

    def _outline_done(self, outline: Outline, paper) -> None:
        if self.ctx.paper is not paper:
            return
        self.editor.set_outline(outline)
        self.keep_outline()
        self.saved_row.hide()
        self.status.setText(self._outline_line(outline))

    def _failed(self, line: str, details: str) -> None:
        self.status.setText(line)
        self.ctx.report_error(line, details)

    def _finished(self) -> None:
        self.task = None
        self._update_buttons()

    # -- export ------------------------------------------------------------------------------------------
    def default_path(self) -> Path:
        """settings ``output.slides_dir`` (when set), else the PDF's folder; the paper's file name with .pptx."""
        out = getattr(getattr(self.ctx.settings, "output", None), "slides_dir", None)
        pdf = Path(self.ctx.paper.path)
        return (Path(out).expanduser() if out else pdf.parent) / f"{pdf.stem}.pptx"

    def export_dialog(self) -> None:
        if not self.editor.has_outline() or self.ctx.paper is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Export the deck"), str(self.default_path()),
                                              "PowerPoint (*.pptx)")  # fmt: skip
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> Task | None:
        """Build the deck from the edited outline into ``path`` (a worker; the template is checked first)."""
        paper, outline = self.ctx.paper, self.editor.outline()
        if paper is None or outline is None or self.task is not None:
            return None
        path = Path(path)
        path = path if path.suffix.lower() == ".pptx" else path.with_name(path.name + ".pptx")
        outline.presenter = self.options.presenter_name()
        settings, template = self.ctx.settings, self.options.template.template()

        def work(task_ctx):
            return make_slides(paper, path, settings=settings, outline=outline, template=template,
                               on_progress=task_ctx.stage, cancel=task_ctx.cancel)  # fmt: skip

        task = Task(tr("Exporting the deck"), work)
        task.signals.done.connect(lambda _, p=path, t=template: self._exported(p, t))
        self.saved_row.hide()
        return self._start(task, tr("Building the deck…"))

    def _exported(self, path: Path, template: str | None) -> None:
        self.saved_path = path
        self.options.template.remember(template)
        self.saved_label.setText(tr("Saved {path}", path=path))
        self.saved_row.show()
        self.status.setText(tr("The deck is ready: open it in PowerPoint, Keynote or LibreOffice Impress."))
        self.ctx.message.emit(tr("Saved the deck to {path}", path=path))

    def open_folder(self) -> None:
        if self.saved_path is not None:
            self.url_opener(open_folder_url(self.saved_path))

    # -- batch -------------------------------------------------------------------------------------------
    def open_batch(self):
        """Show the batch dialog (one per tab: closing it leaves a running batch running)."""
        from .batch_dialog import BatchDialog

        if self.batch_dialog is None:
            self.batch_dialog = BatchDialog(self.ctx, self)
            self.batch_dialog.url_opener = lambda url: self.url_opener(url)
        self.batch_dialog.show()
        self.batch_dialog.raise_()
        return self.batch_dialog

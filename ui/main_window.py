"""The main window: library | reader | side panel (Summary, Locate / Ask, Slides), menus and status.

It answers the panes' requests made through :class:`ui.context.AppContext`: opening a PDF (parsed
by :func:`paperpal.pdf.parse_pdf` in a worker, then shown in the reader and announced to the panes),
moving the reader to a location, and showing errors in the error bar. Window layout, the side
panel's tab and the recent papers are remembered in the app's state folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from paperpal.settings import save_settings

from .context import AppContext
from .i18n import LANGUAGES, set_language, tr
from .library_pane import LibraryPane
from .locate_tab import LocateTab
from .reader import Reader
from .slides_tab import SlidesTab
from .status_widgets import ErrorBar, TaskBar
from .summary_tab import SummaryTab

RECENT_LIMIT = 10


class MainWindow(QMainWindow):
    relaunched = Signal(object)  # the new window that replaced this one (after a UI language change)

    def __init__(self, ctx: AppContext | None = None):
        super().__init__()
        self.ctx = ctx or AppContext()
        self.ctx.setParent(self)
        self._language = self.ctx.settings.language
        set_language(self._language)
        self._pending_location: tuple[int, str] | None = None
        self._opening: str | None = None
        self.state = QSettings(str(self.ctx.state_dir() / "window.ini"), QSettings.Format.IniFormat)
        self.setWindowTitle("PaperPal")
        self.setAcceptDrops(True)
        self._build()
        self._connect()
        self.resize(1440, 900)
        self._restore()

    # -- layout --------------------------------------------------------------------------------------
    def _build(self) -> None:
        ctx = self.ctx
        self.error_bar = ErrorBar()
        self.library = LibraryPane(ctx)
        self.reader = Reader(ctx)
        self.summary = SummaryTab(ctx)
        self.locate = LocateTab(ctx)
        self.slides = SlidesTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.summary, tr("Summary"))
        self.tabs.addTab(self.locate, tr("Locate / Ask"))
        self.tabs.addTab(self.slides, tr("Slides"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (self.library, self.reader, self.tabs):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 560, 460])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.error_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.task_bar = TaskBar(ctx.runner)
        self.statusBar().addPermanentWidget(self.task_bar)
        self._build_menus()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("&File"))
        self._action(file_menu, tr("Open PDF…"), self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu(tr("Recent papers"))
        self._fill_recent()
        file_menu.addSeparator()
        self._action(file_menu, tr("Settings…"), self.open_settings, QKeySequence.StandardKey.Preferences)
        file_menu.addSeparator()
        self._action(file_menu, tr("Quit"), self.close, QKeySequence.StandardKey.Quit)
        papers_menu = bar.addMenu(tr("&Papers"))
        self._action(papers_menu, tr("Compare papers…"), self.open_compare)
        view_menu = bar.addMenu(tr("&View"))
        language_menu = view_menu.addMenu(tr("Language / 语言"))
        for code, name in LANGUAGES.items():
            action = self._action(language_menu, name, lambda _=False, c=code: self.set_language(c))
            action.setCheckable(True)
            action.setChecked(code == self._language)
        help_menu = bar.addMenu(tr("&Help"))
        self._action(help_menu, tr("About PaperPal"), self._about)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _connect(self) -> None:
        ctx = self.ctx
        ctx.open_requested.connect(self.open_pdf)
        ctx.location_requested.connect(self.show_location)
        ctx.error.connect(self.error_bar.show_error)
        ctx.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ctx.settings_changed.connect(self._settings_changed)

    # -- opening papers ------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        start = str(Path(self.ctx.paper.path).parent) if self.ctx.paper else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, tr("Open a paper"), start, "PDF (*.pdf)")
        if path:
            self.open_pdf(path)

    def open_pdf(self, path: str, metadata: dict | None = None, zotero_key: str | None = None):
        """Parse ``path`` in a worker; when done, show it and tell the panes (errors go to the error bar)."""
        self._opening = path

        def work(task_ctx):
            from paperpal.pdf import parse_pdf  # PyMuPDF loads here, not at start-up

            paper = parse_pdf(path, on_progress=task_ctx.pages, cancel=task_ctx.cancel)
            if metadata:
                paper.apply_library_metadata(metadata)
            return paper

        self.error_bar.hide()
        return self.ctx.runner.run(tr("Opening {name}", name=Path(path).name), work,
                                   done=lambda paper: self._opened(paper, zotero_key), failed=self._open_failed)  # fmt: skip

    def _opened(self, paper, zotero_key) -> None:
        if str(Path(paper.path)) != str(Path(self._opening or "")):
            return  # a later open superseded this one
        self._opening = None
        self.show_paper(paper, zotero_key)

    def show_paper(self, paper, zotero_key: str | None = None) -> None:
        """Show an already parsed paper in the reader and tell the panes."""
        self.ctx.paper, self.ctx.zotero_key = paper, zotero_key
        title = paper.title or Path(paper.path).stem
        self.reader.load(str(paper.path), title)
        self.setWindowTitle(f"{title} — PaperPal")
        self._add_recent(str(paper.path), title)
        self.ctx.paper_opened.emit(paper)
        if self._pending_location is not None:
            page, quote = self._pending_location
            self._pending_location = None
            self.reader.go_to(page, quote)

    def _open_failed(self, line: str, details: str) -> None:
        self._opening = None
        self._pending_location = None
        self.ctx.report_error(line, details)

    def show_location(self, page: int, quote: str) -> None:
        if self._opening is not None:  # the paper is still being opened: go there once it is shown
            self._pending_location = (page, quote)
        else:
            self.reader.go_to(page, quote)

    # -- recent papers -------------------------------------------------------------------------------
    def recent(self) -> list[dict]:
        value = self.state.value("recent", [])
        entries = value if isinstance(value, list) else [value]
        return [{"path": e.split("\t", 1)[0], "title": e.split("\t", 1)[-1]} for e in entries if e]

    def _add_recent(self, path: str, title: str) -> None:
        entries = [e for e in self.recent() if e["path"] != path]
        entries.insert(0, {"path": path, "title": title})
        self.state.setValue("recent", [f"{e['path']}\t{e['title']}" for e in entries[:RECENT_LIMIT]])
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        entries = self.recent()
        for entry in entries:
            action = self.recent_menu.addAction(entry["title"][:70])
            action.setToolTip(entry["path"])
            action.triggered.connect(lambda _=False, p=entry["path"]: self.open_pdf(p))
        self.recent_menu.setEnabled(bool(entries))

    # -- settings and language -----------------------------------------------------------------------
    def open_compare(self):
        """The compare dialog (several papers side by side, and a review); it stays open beside the reader."""
        from .compare_dialog import CompareDialog

        dialog = CompareDialog(self.ctx, self)
        dialog.show()
        return dialog

    def open_settings(self):
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self)
        dialog.open()
        return dialog

    def set_language(self, lang: str) -> None:
        """Switch the UI and the outputs' language (the setting ``language``) and rebuild the window in it."""
        if lang == self._language:
            return
        settings = self.ctx.settings.model_copy(update={"language": lang})
        save_settings(settings)
        self.ctx.reload_settings()

    def _settings_changed(self) -> None:
        if self.ctx.settings.language != self._language:
            self.relaunch()

    def relaunch(self) -> MainWindow:
        """A new window in the current language, on the same paper; this one closes."""
        paper, zotero_key = self.ctx.paper, self.ctx.zotero_key
        self.close()  # saves the layout, cancels and waits for running work
        window = MainWindow()
        if paper is not None:
            window.show_paper(paper, zotero_key)
        window.show()
        self.relaunched.emit(window)
        return window

    def _about(self) -> None:
        from paperpal import __version__

        self.ctx.message.emit(tr("PaperPal {version}: summaries, locations and slides from your papers (AGPL-3.0-or-later)",
                                 version=__version__))  # fmt: skip

    # -- state ---------------------------------------------------------------------------------------
    def _restore(self) -> None:
        geometry = self.state.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.state.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.tabs.setCurrentIndex(int(self.state.value("tab", 0)))

    def _save_state(self) -> None:
        self.state.setValue("geometry", self.saveGeometry())
        self.state.setValue("splitter", self.splitter.saveState())
        self.state.setValue("tab", self.tabs.currentIndex())
        self.state.sync()

    def closeEvent(self, event) -> None:
        self._save_state()
        self.ctx.runner.cancel_all()
        self.ctx.runner.wait(30000)
        super().closeEvent(event)

    # -- drag and drop -------------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if any(url.toLocalFile().lower().endswith(".pdf") for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        for url in event.mimeData().urls():
            if url.toLocalFile().lower().endswith(".pdf"):
                self.open_pdf(url.toLocalFile())
                break

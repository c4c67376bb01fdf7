"""What every pane shares: the settings, the task runner, the open paper, and requests between panes.

Panes never call each other; they ask the context (``open_pdf``, ``show_location``, ``report_error``)
and listen to its signals. The main window answers the requests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from paperpal import home
from paperpal.errors import ConfigError
from paperpal.settings import Settings, load_settings

from .workers import TaskRunner


class AppContext(QObject):
    settings_changed = Signal()
    open_requested = Signal(str, object, object)  # PDF path, library metadata (dict) or None, Zotero key or None
    paper_opened = Signal(object)  # paperpal.model.Paper, after parsing
    location_requested = Signal(int, str)  # 1-based page, quote to highlight ("" = none)
    error = Signal(str, str)  # one line, details on demand
    message = Signal(str)  # a transient status-bar message

    def __init__(self, runner: TaskRunner | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner or TaskRunner(self)
        self.paper = None  # the open paperpal.model.Paper
        self.zotero_key: str | None = None  # the open paper's Zotero item, when it came from the library
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """The effective settings (file + environment), read once and again after :meth:`reload_settings`."""
        if self._settings is None:
            try:
                self._settings = load_settings()
            except ConfigError as exc:  # a broken settings file: say so in the window, run on the defaults
                self._settings = Settings()
                self.report_error(exc.line)
        return self._settings

    def reload_settings(self) -> None:
        self._settings = None
        self.settings_changed.emit()

    def open_pdf(self, path: str | Path, metadata: dict | None = None, zotero_key: str | None = None) -> None:
        self.open_requested.emit(str(path), metadata, zotero_key)

    def show_location(self, page: int, quote: str = "") -> None:
        self.location_requested.emit(int(page), quote or "")

    def report_error(self, line: str, details: str = "") -> None:
        self.error.emit(line, details)

    @staticmethod
    def state_dir() -> Path:
        """Where the app keeps its own state (history, recent papers) inside PaperPal's one home."""
        path = home.data_dir() / "gui"
        path.mkdir(parents=True, exist_ok=True)
        return path

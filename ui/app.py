"""Starting the desktop app: ``paperpal gui [PDF]`` and the ``paperpal-gui`` entry point.

``--smoke-test OUT.png [PDF]`` opens the window, loads PDF, writes its summary with the configured
model (the bundled local one by default), saves a screenshot of the whole window to OUT.png and
exits: 0 when the note was written (or no PDF was given), 1 with one line on stderr otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SMOKE_TIMEOUT_MS = 15 * 60 * 1000  # a summary on the bundled model takes well under a minute here
SETTLE_MS = 1200  # QtPdf renders asynchronously: let the reader paint before the screenshot


def _application():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("PaperPal")
    app.setOrganizationName("PaperPal")
    app.setApplicationDisplayName("PaperPal")
    return app


class _Smoke:
    """Drives one smoke run: open → summarize → screenshot → exit code."""

    def __init__(self, window, out: Path, pdf: str | None):
        from PySide6.QtCore import QTimer

        self.window, self.out, self.pdf = window, out, pdf
        self.code, self.problem = 1, "the smoke test timed out"
        self._timer = QTimer
        QTimer.singleShot(SMOKE_TIMEOUT_MS, self.finish)
        if pdf:
            window.ctx.paper_opened.connect(self._summarize)
            window.ctx.error.connect(self._error)
            window.open_pdf(pdf)
        else:
            self.code, self.problem = 0, ""
            QTimer.singleShot(SETTLE_MS, self.finish)

    def _summarize(self, _paper) -> None:
        task = self.window.summary.start()
        self.window.tabs.setCurrentWidget(self.window.summary)
        task.signals.finished.connect(lambda: self._timer.singleShot(SETTLE_MS, self.finish))

    def _error(self, line: str, _details: str) -> None:
        self.problem = line
        if self.window.ctx.paper is None:  # the paper did not open: nothing more will happen
            self._timer.singleShot(SETTLE_MS, self.finish)

    def finish(self) -> None:
        from PySide6.QtWidgets import QApplication

        if self.pdf and self.window.summary.note is not None:
            self.code, self.problem = 0, ""
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(self.out)):
            self.code, self.problem = 1, f"could not write the screenshot to {self.out}"
        QApplication.instance().exit(self.code)


def run(pdf: str | None = None, smoke_test: str | None = None) -> int:
    """Open the main window (optionally on ``pdf``); returns the exit code."""
    if smoke_test and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a smoke test needs no screen
    app = _application()
    from .main_window import MainWindow

    windows = [MainWindow()]
    windows[0].relaunched.connect(lambda new: _replace(windows, new))
    window = windows[0]
    window.show()
    if smoke_test:
        smoke = _Smoke(window, Path(smoke_test), pdf)
        code = app.exec()
        if smoke.problem:
            print(f"Error: {smoke.problem}", file=sys.stderr)
        else:
            print(f"Saved the screenshot to {smoke_test}", file=sys.stderr)
        return code
    if pdf:
        window.open_pdf(pdf)
    return app.exec()


def _replace(windows: list, new) -> None:
    old = windows.pop()
    old.deleteLater()
    windows.append(new)
    new.relaunched.connect(lambda newer: _replace(windows, newer))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="paperpal-gui", description="PaperPal's desktop app.")
    parser.add_argument("pdf", nargs="?", help="a PDF to open")
    parser.add_argument("--smoke-test", metavar="OUT.png",
                        help="open the window, load PDF, summarize it, save a screenshot to OUT.png and exit")  # fmt: skip
    args = parser.parse_args(argv)
    sys.exit(run(args.pdf, args.smoke_test))

"""The window's two status widgets: the error bar (one sentence, details on demand) and the task bar
(what is running, its progress, and Cancel)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .i18n import tr
from .workers import Task, TaskRunner


class ErrorBar(QFrame):
    """A dismissable bar at the top of the window: the error's one line, the traceback behind Details."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("errorBar")
        self.setStyleSheet("#errorBar { background: #fdecea; border: 1px solid #f5c2bd; border-radius: 4px; }"
                           "#errorBar QLabel { color: #8a1f11; }")  # fmt: skip
        self.label = QLabel(wordWrap=True)
        self.details_button = QToolButton(text=tr("Details"), checkable=True)
        self.close_button = QToolButton(text="✕", toolTip=tr("Dismiss"))
        self.details = QPlainTextEdit(readOnly=True, visible=False)
        self.details.setMaximumHeight(160)
        row = QHBoxLayout()
        row.addWidget(QLabel("⚠"))
        row.addWidget(self.label, 1)
        row.addWidget(self.details_button)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self.details_button.toggled.connect(self.details.setVisible)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_error(self, line: str, details: str = "") -> None:
        self.label.setText(line)
        self.details.setPlainText(details)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(False)
        self.show()

    def message(self) -> str:
        return self.label.text() if self.isVisible() else ""


class TaskBar(QWidget):
    """Status-bar widget following the runner: the latest task's stage, a progress bar, Cancel."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.task: Task | None = None
        self.label = QLabel()
        self.bar = QProgressBar(maximumWidth=220, textVisible=True)
        self.cancel_button = QToolButton(text=tr("Cancel"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        runner.started.connect(self._follow)
        runner.ended.connect(self._ended)
        self.setVisible(False)

    def _follow(self, task: Task) -> None:
        self.task = task
        self.label.setText(task.title)
        self.bar.setRange(0, 0)  # busy until a count arrives
        task.signals.stage.connect(self._stage)  # bound slots: dropped by Qt if this bar is deleted first
        task.signals.count.connect(self._count)
        self.cancel_button.setEnabled(True)
        self.setVisible(True)

    def _current(self) -> Task | None:
        """The followed task, when it sent the signal being handled."""
        return self.task if self.task is not None and self.sender() is self.task.signals else None

    def _stage(self, text: str) -> None:
        task = self._current()
        if task is not None:
            self.label.setText(f"{task.title}: {text}")
            self.bar.setRange(0, 0)

    def _count(self, done: int, total: int, label: str) -> None:
        task = self._current()
        if task is not None:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            if label:
                self.label.setText(f"{task.title}: {label}")

    def _ended(self, task: Task) -> None:
        running = self.runner.running
        if task is self.task:
            self.task = running[-1] if running else None
            if self.task is not None:
                self.label.setText(self.task.title)
                self.bar.setRange(0, 0)
        self.setVisible(bool(running))

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.label.setText(tr("Cancelling {title}…", title=self.task.title))
            self.cancel_button.setEnabled(False)

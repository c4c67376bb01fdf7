"""The Library pane's tasks: made in one place, so that the pane knows which running tasks are its own.

The item list reads its marks again when another pane's task ends (a note kept, papers indexed), not
when one of the Library pane's own listings, searches or syncs does.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from .context import AppContext
from .workers import Task


class PaneTasks(QObject):
    """One pane's tasks; :attr:`others_ended` when a task of another pane ends."""

    others_ended = Signal()

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._own: set[Task] = set()
        ctx.runner.ended.connect(self._ended)

    def make(self, title: str, fn, *, done=None, failed=None) -> Task:
        """One of this pane's tasks, not started yet (so that every signal is connected before it can fire);
        errors go to the window's error bar unless ``failed`` is given."""
        task = Task(title, fn)
        if done is not None:
            task.signals.done.connect(done)
        task.signals.failed.connect(failed or self.ctx.report_error)
        self._own.add(task)
        return task

    def start(self, task: Task) -> Task:
        return self.ctx.runner.start(task)

    def run(self, title: str, fn, *, done=None, failed=None) -> Task:
        return self.start(self.make(title, fn, done=done, failed=failed))

    def _ended(self, task: Task) -> None:
        if task in self._own:
            self._own.discard(task)
        else:  # another pane's work may have kept a note or indexed a paper
            self.others_ended.emit()

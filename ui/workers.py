"""Long work off the UI thread: a :class:`Task` runs one core function in the thread pool.

The core functions take plain ``on_progress`` / ``cancel`` arguments; :class:`TaskContext` adapts
them to Qt signals (queued to the UI thread) and a ``threading.Event``. Errors never escape: a
:class:`PaperPalError` becomes its one line, anything else an "internal error" line with the
traceback as details; cancelling ends with :attr:`TaskSignals.cancelled`.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from paperpal.errors import Cancelled, PaperPalError

from .i18n import tr

MIN_THREADS = 4


class TaskSignals(QObject):
    stage = Signal(str)  # what is happening ("Writing the note")
    count = Signal(int, int, str)  # done, total (0 = unknown), label
    text = Signal(str)  # a piece of streamed model output
    partial = Signal(object)  # the result as far as it is made (e.g. the note after each statement)
    done = Signal(object)  # the function's result
    failed = Signal(str, str)  # one line for the user, details (traceback) on demand
    cancelled = Signal()
    finished = Signal()  # after done, failed or cancelled


class TaskContext:
    """What the running function gets: callbacks for the core's ``on_progress`` and a cancel event."""

    def __init__(self, signals: TaskSignals):
        self._signals = signals
        self.cancel = threading.Event()

    def stage(self, text: str) -> None:
        self._signals.stage.emit(str(text))

    def count(self, done: int, total: int | None = None, label: str | None = None) -> None:
        self._signals.count.emit(int(done), int(total or 0), str(label or ""))

    def pages(self, done: int, total: int) -> None:
        self.count(done, total, tr("Reading the PDF"))

    def text(self, piece: str) -> None:
        self._signals.text.emit(piece)

    def partial(self, result: Any) -> None:
        self._signals.partial.emit(result)


class Task(QRunnable):
    """One core call, ``fn(ctx)``, run in the global thread pool."""

    def __init__(self, title: str, fn: Callable[[TaskContext], Any]):
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until finished
        self.title = title
        self.signals = TaskSignals()
        self.ctx = TaskContext(self.signals)
        self._fn = fn
        self.result: Any = None
        self.error: str | None = None

    def cancel(self) -> None:
        self.ctx.cancel.set()

    @property
    def cancelling(self) -> bool:
        return self.ctx.cancel.is_set()

    def run(self) -> None:  # in a pool thread
        try:
            self.result = self._fn(self.ctx)
        except (Cancelled, KeyboardInterrupt):
            self.signals.cancelled.emit()
        except PaperPalError as exc:
            if self.ctx.cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.error = exc.line
                self.signals.failed.emit(exc.line, "")
        except Exception as exc:  # noqa: BLE001  (a bug: still one sentence in the window, the traceback on demand)
            self.error = tr("Internal error ({kind}: {msg}); please report it", kind=type(exc).__name__, msg=exc)
            self.signals.failed.emit(self.error, traceback.format_exc())
        else:
            self.signals.done.emit(self.result)
        finally:
            self.signals.finished.emit()


class TaskRunner(QObject):
    """Starts tasks, keeps them alive while they run, and tells the window what is running."""

    started = Signal(object)  # Task
    ended = Signal(object)  # Task

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        # the global pool has one thread per core; a sync or a summary must not make a listing wait behind it
        self._pool.setMaxThreadCount(max(MIN_THREADS, self._pool.maxThreadCount()))
        self._running: list[Task] = []

    def start(self, task: Task) -> Task:
        self._running.append(task)
        # a bound slot, not a lambda: Qt drops the connection if this runner is deleted before the task ends
        task.signals.finished.connect(self._finished)
        self.started.emit(task)
        self._pool.start(task)
        return task

    def run(self, title: str, fn: Callable[[TaskContext], Any], *, done=None, failed=None) -> Task:
        """Convenience: make a task, connect ``done(result)`` / ``failed(line, details)``, start it."""
        task = Task(title, fn)
        if done is not None:
            task.signals.done.connect(done)
        if failed is not None:
            task.signals.failed.connect(failed)
        return self.start(task)

    def _finished(self) -> None:
        task = next((t for t in self._running if t.signals is self.sender()), None)
        if task is not None:
            self._running.remove(task)
            self.ended.emit(task)

    @property
    def running(self) -> list[Task]:
        return list(self._running)

    def cancel_all(self) -> None:
        for task in self._running:
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)

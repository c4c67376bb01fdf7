"""The app's workers: core calls off the UI thread, progress, cancel, errors as one line; and the Qt binding
itself (a PySide6 release that lost a reference on every signal emit aborted the app after a few thousand)."""

from __future__ import annotations

import sys

import pytest

from paperpal.errors import InputFileError, check_cancelled
from ui.workers import Task, TaskRunner

pytestmark = pytest.mark.gui


def test_signal_emits_keep_python_reference_counts(qtbot):
    from PySide6.QtCore import QObject, Signal

    class Source(QObject):
        text = Signal(str)

    source = Source()
    before = sys.getrefcount(True)
    for _ in range(500):
        source.text.emit("piece")
    assert sys.getrefcount(True) >= before - 5, "this PySide6 leaks a reference per emit (6.12.0 does): pin another"


def test_a_task_reports_progress_and_its_result(qtbot):
    runner = TaskRunner()

    def work(ctx):
        ctx.stage("Reading")
        for i in range(3):
            ctx.count(i + 1, 3, "page")
        return 42

    task = Task("Counting", work)
    stages, counts = [], []
    task.signals.stage.connect(stages.append)
    task.signals.count.connect(lambda *a: counts.append(a))
    with qtbot.waitSignal(task.signals.done, timeout=10_000) as done:
        runner.start(task)
    assert done.args == [42] and stages == ["Reading"] and counts[-1] == (3, 3, "page")
    qtbot.waitUntil(lambda: not runner.running)


def test_errors_become_one_line_and_bugs_keep_their_traceback(qtbot):
    runner = TaskRunner()

    def bad_input(ctx):
        raise InputFileError("broken.pdf is not a PDF", hint="check the file")

    task = Task("Opening", bad_input)  # connected before it starts: a fast task may finish at once
    with qtbot.waitSignal(task.signals.failed, timeout=10_000) as failed:
        runner.start(task)
    assert failed.args == ["broken.pdf is not a PDF (check the file)", ""]

    def bug(ctx):
        return {}["missing"]

    task = Task("Buggy", bug)
    with qtbot.waitSignal(task.signals.failed, timeout=10_000) as failed:
        runner.start(task)
    line, details = failed.args
    assert line.startswith("Internal error (KeyError") and "\n" not in line and "Traceback" in details


def test_cancel_stops_a_running_task(qtbot):
    import threading

    started = threading.Event()

    def slow(ctx):
        started.set()
        while True:
            check_cancelled(ctx.cancel)
            ctx.cancel.wait(0.01)

    runner = TaskRunner()
    task = runner.run("Slow", slow)
    assert started.wait(10)
    with qtbot.waitSignal(task.signals.cancelled, timeout=10_000):
        task.cancel()
    qtbot.waitUntil(lambda: not runner.running)


def test_the_task_bar_follows_the_running_task(qtbot):
    import threading

    from ui.status_widgets import TaskBar

    runner = TaskRunner()
    bar = TaskBar(runner)
    qtbot.addWidget(bar)
    release = threading.Event()

    def work(ctx):
        ctx.count(2, 5, "page 2")
        release.wait(10)

    task = runner.run("Reading", work)
    qtbot.waitUntil(lambda: bar.bar.value() == 2 and bar.bar.maximum() == 5, timeout=10_000)
    assert not bar.isHidden()
    assert bar.label.text() == "Reading: page 2" and bar.task is task
    release.set()
    qtbot.waitUntil(lambda: bar.task is None and bar.isHidden(), timeout=10_000)

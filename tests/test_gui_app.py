"""The desktop app end to end, offscreen: open a paper, summarize it on the bundled model (streamed),
locate a topic and see the reader move there, errors in the window, cancel, layout and language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from paperpal import saved_notes
from ui import i18n

pytestmark = pytest.mark.gui

LONG = 600_000  # ms: a summary on the bundled model on a loaded 2-core machine


@pytest.fixture
def attention(corpus) -> Path:
    return corpus / "attention-is-all-you-need.pdf"


@pytest.fixture
def local_model(bundled_gguf, monkeypatch):
    """The bundled model, assembled once per session, for the app (and its subprocesses) to load."""
    from paperpal.llm import model_files

    monkeypatch.setenv(model_files.MODELS_DIR_ENV, str(bundled_gguf.parent))
    return bundled_gguf


@pytest.fixture
def window(qtbot):
    from ui.main_window import MainWindow

    i18n.set_language("en")
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.ctx.runner.cancel_all()
    win.ctx.runner.wait(60_000)
    i18n.set_language("en")


def open_paper(qtbot, win, path: Path):
    with qtbot.waitSignal(win.ctx.paper_opened, timeout=60_000) as opened:
        win.open_pdf(str(path))
    return opened.args[0]


def test_open_a_paper_shows_it_in_the_reader(qtbot, window, attention):
    paper = open_paper(qtbot, window, attention)
    assert window.ctx.paper is paper and paper.title.startswith("Attention Is All You Need")
    assert window.reader.page_count == 15 and window.reader.current_page() == 1
    assert window.windowTitle().startswith("Attention Is All You Need")
    assert window.recent()[0]["path"] == str(attention)
    assert "No note yet" in window.summary.view.toPlainText()
    window.reader.go_to(6)
    qtbot.waitUntil(lambda: window.reader.current_page() == 6)
    assert window.reader.page_box.value() == 6


def test_a_corrupt_pdf_shows_one_line_in_the_window(qtbot, window, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\nthis is not really a pdf\n")
    window.open_pdf(str(bad))
    qtbot.waitUntil(lambda: window.error_bar.isVisible(), timeout=30_000)
    line = window.error_bar.message()
    assert "broken.pdf" in line and "\n" not in line and "Traceback" not in line
    assert window.ctx.paper is None and window.reader.page_count == 0
    assert not window.error_bar.details_button.isVisible()  # a known error: no traceback behind Details


def test_locate_moves_the_reader_to_the_section_and_highlights_the_quote(qtbot, window, attention):
    open_paper(qtbot, window, attention)
    tab = window.locate
    tab.use_llm.setChecked(False)  # retrieval only: section, page and verified quote
    with qtbot.waitSignal(window.reader.highlighted, timeout=300_000) as shown:
        task = tab.ask("Where do they explain the positional encoding?")
        assert task is not None
    result = tab.current["result"]
    assert result["found"] and result["section_title"] == "Positional Encoding", result
    assert result["pages"] == [6]
    assert window.reader.current_page() == 6 and shown.args[0] == 6 and window.reader.highlighted_page() == 6
    assert "§3.5 Positional Encoding, p. 6" in tab.answer.toPlainText()
    assert tab.history.count() == 1 and tab.history.item(0).text().startswith("Where do they explain")
    # the answer's page link moves the reader back there after it was moved away
    window.reader.go_to(1)
    qtbot.waitUntil(lambda: window.reader.current_page() == 1)
    from PySide6.QtCore import QUrl

    tab.follow(QUrl("page:6"))
    qtbot.waitUntil(lambda: window.reader.current_page() == 6)


def test_layout_and_recent_papers_are_remembered(qtbot, window, attention):
    open_paper(qtbot, window, attention)
    window.tabs.setCurrentIndex(2)
    window.splitter.setSizes([200, 700, 540])
    window.close()
    from ui.main_window import MainWindow

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.tabs.currentIndex() == 2
    # the offscreen screen is small, so the restored window is fitted to it and the panes share what is left:
    # what is checked is that the closed window's pane layout was kept and is what the new one restored from
    assert again.state.value("splitter") == window.splitter.saveState()
    assert [e["path"] for e in again.recent()] == [str(attention)]
    assert again.recent_menu.actions()[0].toolTip() == str(attention)


def test_switching_language_rebuilds_the_window_in_chinese(qtbot, window, attention):
    open_paper(qtbot, window, attention)
    with qtbot.waitSignal(window.relaunched, timeout=30_000) as relaunched:
        window.set_language("zh")
    new = relaunched.args[0]
    qtbot.addWidget(new)
    assert new.ctx.settings.language == "zh"
    assert [new.tabs.tabText(i) for i in range(3)] == ["总结", "定位 / 问答", "组会 PPT"]
    assert new.ctx.paper is not None and new.ctx.paper.id == window.ctx.paper.id  # the same paper stays open
    assert new.reader.page_count == 15


def test_settings_dialog_opens_from_the_window(qtbot, window):
    dialog = window.open_settings()
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    dialog.reject()
    assert not dialog.isVisible()


@pytest.mark.slow
def test_summary_grows_renders_links_evidence_and_is_kept(qtbot, local_model, window, attention, tmp_path):
    paper = open_paper(qtbot, window, attention)
    tab = window.summary
    task = tab.start()
    partials = []
    task.signals.partial.connect(partials.append)
    with qtbot.waitSignal(task.signals.finished, timeout=LONG):
        pass
    assert tab.note is not None, tab.status.text()
    assert len(partials) >= 5, "the note arrived statement by statement"
    assert len(partials[0].statements()) < len(partials[-1].statements()), "it grew while it was written"
    shown = tab.view.toPlainText()
    assert "One-sentence summary" in shown and tab.note.one_sentence[:40] in shown
    assert "<sub>" not in shown and "<p>" not in shown  # rendered, not raw markup
    assert "statements condensed and checked" in tab.status.text()
    # each statement's "(§…, p. N)" is a link: following one moves the reader there and highlights the passage
    assert len(tab.evidence) == len(tab.note.statements())
    target = next(i for i, e in enumerate(tab.evidence) if e.page > 1)
    tab.follow(QUrl(f"#evidence-{target}"))
    qtbot.waitUntil(lambda: window.reader.current_page() == tab.evidence[target].page, timeout=10_000)
    qtbot.waitUntil(lambda: window.reader.highlighted_page() == tab.evidence[target].page, timeout=10_000)
    kept = saved_notes.saved(paper.id, "en")
    assert kept is not None and kept.one_sentence == tab.note.one_sentence and kept.evidence == tab.note.evidence
    out = tab.save_to(tmp_path / "note.md")
    assert out.read_text(encoding="utf-8").startswith("# Attention Is All You Need")
    assert tab.save_button.isEnabled() and tab.summarize_button.text() == "Summarize again"


@pytest.mark.slow
def test_cancel_a_running_summary(qtbot, local_model, window, attention):
    paper = open_paper(qtbot, window, attention)
    tab = window.summary
    task = tab.start()
    with qtbot.waitSignal(task.signals.partial, timeout=LONG):
        pass  # the note is being written
    with qtbot.waitSignal(task.signals.cancelled, timeout=60_000):
        tab.toggle()  # the button reads "Cancel" while it runs
    qtbot.waitUntil(lambda: tab.task is None)
    assert tab.note is None and saved_notes.saved(paper.id) is None
    assert tab.summarize_button.text() == "Summarize" and tab.summarize_button.isEnabled()
    assert "Cancelled" in tab.status.text()


@pytest.mark.slow
def test_smoke_test_writes_a_screenshot_of_the_window(local_model, attention, tmp_path):
    from PySide6.QtGui import QImage

    out = tmp_path / "smoke.png"
    run = subprocess.run([sys.executable, "-m", "paperpal.cli", "gui", "--smoke-test", str(out), str(attention)],
                         capture_output=True, text=True, timeout=900)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    image = QImage(str(out))
    assert image.width() >= 1200 and image.height() >= 800
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
    assert len(colours) > 50, "the screenshot shows a rendered window, not a blank one"
    assert "Saved the screenshot" in run.stderr


def test_smoke_test_on_a_corrupt_pdf_fails_with_one_line(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    out = tmp_path / "smoke.png"
    run = subprocess.run([sys.executable, "-m", "paperpal.cli", "gui", "--smoke-test", str(out), str(bad)],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "broken.pdf" in errors[0] and "Traceback" not in run.stderr
    assert out.exists(), "the screenshot shows the window with the error"


def test_summarizing_a_scan_says_ocr_it_first_in_the_window(qtbot, window, corpus):
    scan = corpus / "learning-representations-by-back-propagating-errors.pdf"  # image-only, no text layer
    open_paper(qtbot, window, scan)
    assert window.summary.start() is not None
    qtbot.waitUntil(lambda: window.error_bar.isVisible(), timeout=60_000)  # the check fails at once, before any model
    qtbot.waitUntil(lambda: window.summary.task is None)
    line = window.error_bar.message()
    assert "no text layer" in line and "OCR it first" in line and "\n" not in line
    assert window.summary.note is None and window.summary.summarize_button.isEnabled()

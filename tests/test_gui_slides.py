"""The Slides tab and the batch dialog: outline first, edited in the tree, exported as it was edited.

The model side is the real OpenAIBackend against the scripted stand-in (the bundled model is not
run here); its vague replies fail the outline's checks, so the slides carry the paper's own
sentences, as they do when a small model writes nothing usable.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from llm_support import Reply
from pptx import Presentation
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QLineEdit
from test_slides import VAGUE_REPLY, routed_standin

from paperpal.pdf import parse_pdf
from paperpal.settings import Settings, SlidesSettings, save_settings
from paperpal.slides.batch import STATUS_FILE
from ui.batch_dialog import BatchDialog
from ui.context import AppContext
from ui.outline_editor import DETAIL, KIND
from ui.slides_tab import SlidesTab, bundled_template

pytestmark = pytest.mark.gui

PAPER = "textcnn-convolutional-neural-networks-for-sentence-classification.pdf"  # 6 pages: a deck in about a second
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def paper(corpus):
    return parse_pdf(corpus / PAPER)


@pytest.fixture
def ctx(standin, monkeypatch, qtbot):
    """An app context whose settings point at the stand-in endpoint; every task has ended at teardown."""
    routed_standin(standin, {})
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-slides")
    monkeypatch.setenv("OPENAI_BASE_URL", standin.url)
    monkeypatch.setenv("OPENAI_MODEL", "stand-in-model")
    context = AppContext()
    context.errors = []
    context.error.connect(lambda line, details: context.errors.append(line))
    yield context
    qtbot.waitUntil(lambda: not context.runner.running, timeout=WAIT_MS)


def make_tab(ctx, qtbot, paper=None) -> SlidesTab:
    tab = SlidesTab(ctx)
    qtbot.addWidget(tab)
    tab.options.minutes.setValue(3)
    if paper is not None:
        ctx.paper = paper
        ctx.paper_opened.emit(paper)
    return tab


def run(qtbot, widget, task) -> None:
    assert task is not None, "the task did not start"
    qtbot.waitUntil(lambda: widget.task is None, timeout=WAIT_MS)


def deck_text(path: Path) -> tuple[list[str], str]:
    """The slide titles and every text of the deck (shapes and speaker notes)."""
    prs = Presentation(str(path))
    titles, texts = [], []
    for slide in prs.slides:
        titles.append(slide.shapes.title.text_frame.text if slide.shapes.title else "")
        texts += [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        texts.append(slide.notes_slide.notes_text_frame.text)
    return titles, "\n".join(texts)


def edit_text(qtbot, tree, item, text: str) -> None:
    """Edit ``item``'s text in place as a user does: open the editor, type, press Enter."""
    tree.setCurrentItem(item, 1)
    tree.editItem(item, 1)
    editor = tree.viewport().findChild(QLineEdit)
    assert editor is not None, "no in-place editor opened"
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: item.text(1) == text)  # the view commits the edit from its event loop


def test_outline_is_edited_in_the_tree_and_exported_as_edited(ctx, qtbot, paper, standin, tmp_path):
    tab = make_tab(ctx, qtbot)
    assert not tab.outline_button.isEnabled() and not tab.export_button.isEnabled(), "no paper, nothing to do"
    ctx.paper = paper
    ctx.paper_opened.emit(paper)
    assert tab.outline_button.isEnabled()

    run(qtbot, tab, tab.make_outline())
    assert not ctx.errors and len(standin.requests) >= 3, "the outline was written by the (stand-in) model"
    tree = tab.editor.tree
    slides = tab.editor.slide_items()
    assert len(slides) == 5 and tab.export_button.isEnabled()
    assert [s.text(0) for s in slides] == ["1", "2", "3", "4", "5"]

    edit_text(qtbot, tree, slides[0], "Sentence CNNs on word2vec vectors")
    assert tab.editor.outline().slides[0].title == "Sentence CNNs on word2vec vectors"
    others = {d for k, s in enumerate(tab.editor.outline().slides) if k != 1 for d in s.details}
    rows = [slides[1].child(i) for i in range(slides[1].childCount())]
    detail = next(r for r in rows if r.data(0, KIND) == DETAIL and r.text(1) not in others)
    gone = detail.text(1)
    tree.setCurrentItem(detail)
    qtbot.mouseClick(tab.editor.remove_button, Qt.MouseButton.LeftButton)
    last = slides[4]
    tree.setCurrentItem(last)
    qtbot.mouseClick(tab.editor.up_button, Qt.MouseButton.LeftButton)
    tree.setCurrentItem(slides[2].child(0))
    tab.editor.notes.setPlainText("My own notes: start with Table 2.")
    edited = tab.editor.outline()
    assert edited.slides[2].notes == "My own notes: start with Table 2." and edited.slides[2].origin["notes"] == "user"
    assert gone not in edited.slides[1].details and len(edited.slides[1].details) == 2
    assert edited.slides[3].title == last.text(1) and [s.text(0) for s in tab.editor.slide_items()][3] == "4"
    assert edited.slides[0].origin["title"] == "user" and edited.slides[1].origin["details"] == "user"

    out = tmp_path / "talk"
    run(qtbot, tab, tab.export_to(out))
    deck = tmp_path / "talk.pptx"
    assert not ctx.errors and deck.is_file()
    titles, text = deck_text(deck)
    assert titles[2:-1] == [s.title for s in edited.slides], "the content slides are the edited ones, in order"
    assert titles[2] == "Sentence CNNs on word2vec vectors"
    assert gone not in text and gone[:60] not in text, "a removed detail is on no slide and in no notes"
    assert "Sentence CNNs on word2vec vectors: this slide covers" in text, "speaker notes follow the edited title"
    assert "My own notes: start with Table 2." in text, "notes the user wrote are kept"

    assert not tab.saved_row.isHidden() and str(deck) in tab.saved_label.text()
    urls = []
    tab.url_opener = urls.append
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    assert urls == [QUrl.fromLocalFile(str(tmp_path))]

    qtbot.waitUntil(lambda: not tab._save_timer.isActive())
    again = make_tab(ctx, qtbot)  # what the window builds after a change of UI language
    assert again.editor.outline().slides[0].title == "Sentence CNNs on word2vec vectors", "the edited outline is kept"
    assert again.export_button.isEnabled()


def test_bad_template_is_one_error_before_model_time_and_writes_nothing(ctx, qtbot, paper, standin, tmp_path):
    bad = tmp_path / "lab.pptx"
    bad.write_bytes(b"not a zip at all")
    save_settings(Settings(slides=SlidesSettings(template=str(bad))))
    ctx.reload_settings()
    tab = make_tab(ctx, qtbot, paper)
    assert tab.options.template.template() == str(bad), "the settings' lab template is chosen"

    run(qtbot, tab, tab.make_outline())
    assert ctx.errors and ctx.errors[0].startswith("Not a usable PowerPoint .pptx file"), ctx.errors
    assert standin.requests == [] and not tab.editor.has_outline(), "no model time for a deck that cannot be built"

    other = tmp_path / "other.pptx"
    other.write_bytes(b"PK\x03\x04 broken")
    picker = tab.options.template
    task = picker.choose(other)
    qtbot.waitUntil(lambda: task not in ctx.runner.running, timeout=WAIT_MS)
    assert len(ctx.errors) == 2 and picker.template() == str(bad) and picker.findData(str(other)) < 0

    good = tmp_path / "lab-good.pptx"
    shutil.copy(bundled_template(), good)
    task = picker.choose(good)
    qtbot.waitUntil(lambda: task not in ctx.runner.running, timeout=WAIT_MS)
    assert picker.template() == str(good) and picker.recent() == [str(good)] and len(ctx.errors) == 2

    picker.setCurrentIndex(0)  # the bundled template
    run(qtbot, tab, tab.make_outline())
    assert tab.editor.has_outline() and len(ctx.errors) == 2
    picker.select(str(bad))
    run(qtbot, tab, tab.export_to(tmp_path / "deck.pptx"))
    assert len(ctx.errors) == 3 and "Not a usable PowerPoint" in ctx.errors[-1]
    assert not (tmp_path / "deck.pptx").exists() and tab.saved_row.isHidden()


def test_cancel_while_the_outline_is_made_leaves_no_outline_and_a_usable_tab(ctx, qtbot, paper, standin):
    standin.default_reply = lambda body: Reply(content=json.dumps(VAGUE_REPLY), delay=0.4)
    tab = make_tab(ctx, qtbot, paper)
    tab.make_outline()
    qtbot.waitUntil(lambda: len(standin.requests) >= 1, timeout=WAIT_MS)
    assert tab.outline_button.text() == "Cancel" and not tab.export_button.isEnabled()
    qtbot.mouseClick(tab.outline_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.task is None, timeout=WAIT_MS)
    assert tab.status.text() == "Cancelled; nothing was made." and not ctx.errors
    assert not tab.editor.has_outline() and not tab._kept_path(paper.id).exists()
    assert len(standin.requests) <= 2, "no model call after the cancel"
    assert tab.outline_button.isEnabled() and tab.outline_button.text() == "Make outline"

    standin.default_reply = lambda body: Reply(content=json.dumps(VAGUE_REPLY))
    run(qtbot, tab, tab.make_outline())
    assert tab.editor.has_outline() and tab.export_button.isEnabled()


def test_batch_dialog_lists_each_paper_and_goes_on_past_a_corrupt_one(ctx, qtbot, corpus, tmp_path):
    src = tmp_path / "papers"
    src.mkdir()
    (src / PAPER).symlink_to(corpus / PAPER)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    dialog = BatchDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not ctx.runner.running, timeout=WAIT_MS)  # the Zotero library is read (none synced)
    assert "No Zotero library synced yet" in dialog.library_note.text()
    assert not dialog.kind.model().item(1).isEnabled(), "no collections to choose without a synced library"

    dialog.folder.setText(str(src))
    assert dialog.outdir.text() == str(src / "slides"), "decks go beside the PDFs by default"
    out = tmp_path / "decks"
    dialog.outdir.setText(str(out))
    dialog.options.minutes.setValue(3)
    run(qtbot, dialog, dialog.start())
    rows = {dialog.table.item(r, 0).toolTip(): r for r in range(dialog.table.rowCount())}
    assert sorted(Path(p).name for p in rows) == ["broken.pdf", PAPER]
    broken, good = rows[str((src / "broken.pdf").resolve())], rows[str((src / PAPER).resolve())]
    assert dialog.table.item(broken, 1).text().startswith("failed: The PDF is corrupt and cannot be opened")
    assert dialog.table.item(good, 1).text() == "done"
    assert dialog.table.item(good, 0).text() == "Convolutional Neural Networks for Sentence Classification"
    deck = out / dialog.table.item(good, 2).text()
    assert deck.suffix == ".pptx" and deck.is_file() and len(Presentation(str(deck)).slides) == 3 + 5
    assert dialog.report_label.text().startswith("1 done, 0 skipped (already done), 1 failed in ")
    assert str(out / STATUS_FILE) in dialog.report_label.text() and (out / STATUS_FILE).is_file()
    assert dialog.progress.value() == dialog.progress.maximum() == 2
    assert not ctx.errors, "a failed paper is a row, not an error for the whole batch"
    urls = []
    dialog.url_opener = urls.append
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert urls == [QUrl.fromLocalFile(str(out))]
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()

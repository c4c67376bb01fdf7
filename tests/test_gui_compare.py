"""The compare dialog: papers from a folder side by side (per-paper progress, a bad PDF reported), cells that open
the paper at their page, export, and the review drawn from the same table."""

from __future__ import annotations

import pytest

from paperpal.tasks.review import COLUMNS as REVIEW_COLUMNS
from ui.compare_dialog import WHERE, CompareDialog
from ui.context import AppContext

pytestmark = pytest.mark.gui

PAPERS = ("roformer-rotary-position-embedding.pdf", "electra-pre-training-text-encoders-as-discriminators.pdf")
WAIT_MS = 60_000


@pytest.fixture
def ctx(qtbot):
    context = AppContext()
    context.errors, context.opened, context.located = [], [], []
    context.error.connect(lambda line, details: context.errors.append(line))
    context.open_requested.connect(lambda path, *rest: context.opened.append(str(path)))
    context.location_requested.connect(lambda page, quote: context.located.append((page, quote)))
    yield context
    qtbot.waitUntil(lambda: not context.runner.running, timeout=WAIT_MS)


def test_compare_a_folder_open_a_cell_export_and_review(ctx, qtbot, corpus, tmp_path):
    src = tmp_path / "papers"
    src.mkdir()
    for name in PAPERS:
        (src / name).symlink_to(corpus / name)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    dialog = CompareDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not ctx.runner.running, timeout=WAIT_MS)
    assert dialog.start_compare() is None and "Choose a folder" in dialog.report.text()
    dialog.picker.folder.setText(str(src))
    dialog.columns.setText("method, code, what telescope was used for the observations")
    task = dialog.start_compare()
    assert task is not None and not dialog.compare_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=WAIT_MS)
    table = dialog.table
    assert (table.rowCount(), table.columnCount()) == (2, 4)
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == \
        ["Paper", "Method", "Code", "what telescope was used for the observations"]  # fmt: skip
    assert table.item(0, 0).text().startswith("Clark 2020") or table.item(0, 0).text().startswith("Su 2021")
    assert dialog.progress.value() == dialog.progress.maximum() == 3  # one step per PDF, the bad one too
    assert "Not compared: broken.pdf" in dialog.report.text() and not ctx.errors
    code = next(table.item(r, 2) for r in range(2) if "roformer" in table.item(r, 2).text())
    path, page, quote = code.data(WHERE)
    assert page == 2 and "Su 2021, " in code.toolTip()
    telescope = table.item(0, 3)
    assert telescope.text() == "not found" and telescope.font().italic() and telescope.data(WHERE) is None
    dialog.open_cell(code.row(), 2)
    assert ctx.opened == [path] and ctx.located == [(2, quote)]
    written = dialog.export_to(str(tmp_path / "table.xlsx"))
    assert written.is_file() and "Wrote" in dialog.report.text()
    assert not dialog.zotero_button.isEnabled()  # a folder is no Zotero collection

    dialog.columns.setText("method")
    assert dialog.start_review() is not None
    qtbot.waitUntil(lambda: dialog.task is None, timeout=WAIT_MS)
    assert not dialog.review_view.isHidden()
    assert dialog.review_markdown.startswith("# Related work: ") and "## Differences in method" in dialog.review_markdown
    assert "citations verified on their pages" in dialog.report.text()
    assert table.columnCount() == 1 + len(REVIEW_COLUMNS)  # the review's table: the columns its parts draw on

"""The Library pane: a real zotero.sqlite (Zotero's own schema) synced through the core, then shown.

Collections in the tree and what selecting one lists, the marks, the filter, opening an item, Sync
in a worker with progress, lazy loading of 10,000 items, local folders, the remembered position, and
search with and without a real index (a small generated PDF, embedded with the bundled MiniLM).
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from conftest import skip_without_corpus
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from zotero_support import SCHEMA, Att, Coll, Item, Library, build_sqlite

from paperpal import saved_notes
from paperpal.note import SummaryNote
from paperpal.settings import load_settings, save_settings
from paperpal.zotero.records import Collection, ItemRecord
from paperpal.zotero.store import LibraryState, StoredItem, SyncStore
from paperpal.zotero.sync import content_hash, sync
from ui.context import AppContext
from ui.library_model import BATCH, MARKS, TITLE, LibraryModel, folder_rows
from ui.library_pane import LibraryPane

pytestmark = [pytest.mark.gui, skip_without_corpus(not SCHEMA.is_dir(), "shared Zotero schema files not found")]

WAIT_MS = 60_000
METHOD_PAGE = ("2 Method\n" + "The zebra gradient trick rescales every update by the number of stripes. " * 20
               + "\n\n3 Results\n" + "Accuracy improved on all benchmarks we tried. " * 25)  # fmt: skip
INTRO_PAGE = ("Tiny Reading Study\n\nAlice Example\n\nAbstract\n" + "We study how small models read short papers. " * 3
              + "\n\n1 Introduction\n" + "Readers skim long papers to find the method they need. " * 35)  # fmt: skip


def make_pdf(path: Path, title: str, pages: tuple[str, ...] = ("",)) -> Path:
    """A real PDF (PyMuPDF): ``pages`` of text ("" = a blank page: nothing to index), ``title`` in its info."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        if text:
            page.insert_textbox(pymupdf.Rect(72, 72, 540, 760), text, fontsize=9)
    doc.set_metadata({"title": title})
    doc.save(path)
    doc.close()
    return path


def sample(root: Path) -> Library:
    """Three papers in nested collections, a book without a PDF, a paper whose PDF was deleted."""
    pdfs = {name: make_pdf(root / "src" / f"{name}.pdf", name) for name in ("bengio", "mikolov", "lsa")}
    return Library(collections=[Coll("LMCOLL01", "Language Models"), Coll("EMBCOLL1", "Embeddings", "LMCOLL01"),
                                Coll("TOPICS01", "Topic Models")], items=[
        Item("BENGIO03", "journalArticle", {"title": "A Neural Probabilistic Language Model", "date": "2003"},
             creators=[{"creatorType": "author", "firstName": "Yoshua", "lastName": "Bengio"},
                       {"creatorType": "author", "firstName": "Réjean", "lastName": "Ducharme"}],
             tags=["language model"], collections=["LMCOLL01"],
             attachments=[Att("BENGPDF1", "PDF", filename="bengio.pdf", source=pdfs["bengio"])]),
        Item("MIKOLOV1", "conferencePaper",
             {"title": "Efficient Estimation of Word Representations in Vector Space", "date": "2013-01-16"},
             creators=[{"creatorType": "author", "firstName": "Tomas", "lastName": "Mikolov"}],
             tags=["embeddings"], collections=["EMBCOLL1"],
             attachments=[Att("W2VPDF01", "PDF", filename="w2v.pdf", source=pdfs["mikolov"])]),
        Item("DEERWE90", "journalArticle", {"title": "Indexing by Latent Semantic Analysis", "date": "1990"},
             creators=[{"creatorType": "author", "firstName": "Scott", "lastName": "Deerwester"}],
             tags=["LSA"], collections=["TOPICS01"],
             attachments=[Att("LSAPDF01", "PDF", filename="lsa.pdf", source=pdfs["lsa"])]),
        Item("BOOKNOPDF", "book", {"title": "Foundations of Statistical NLP", "date": "1999"}, tags=["textbook"]),
        Item("MISSING1", "journalArticle", {"title": "A Paper Whose PDF Was Deleted", "date": "2020"},
             attachments=[Att("MISSPDF1", "PDF", filename="gone.pdf", source=None)]),
    ])  # fmt: skip


class Env:
    """A Zotero data folder built from Zotero's schema, the settings pointing at it, synced once."""

    def __init__(self, root: Path):
        self.library = sample(root)
        self.data_dir = root / "Zotero"
        build_sqlite(self.library, self.data_dir)
        self.settings = load_settings({"zotero.source": "sqlite", "zotero.data_dir": str(self.data_dir)})
        save_settings(self.settings)  # what the app reads (ctx.settings)
        self.report = sync(self.settings, index=False)

    def pdf(self, key: str) -> Path:
        att = self.library.item(key).attachments[0]
        return self.data_dir / "storage" / att.key / att.filename


@pytest.fixture
def env(tmp_path) -> Env:
    return Env(tmp_path)


@pytest.fixture
def ctx(qtbot):
    context = AppContext()
    context.errors, context.messages = [], []
    context.error.connect(lambda line, details: context.errors.append(line))
    context.message.connect(context.messages.append)
    yield context
    context.runner.cancel_all()
    qtbot.waitUntil(lambda: not context.runner.running, timeout=WAIT_MS)


def make_pane(ctx, qtbot) -> LibraryPane:
    pane = LibraryPane(ctx)
    qtbot.addWidget(pane)
    pane.resize(460, 800)
    pane.show()
    settle(qtbot, ctx)
    return pane


def settle(qtbot, ctx) -> None:
    qtbot.waitUntil(lambda: not ctx.runner.running, timeout=WAIT_MS)


def choose(qtbot, pane, ctx, text: str) -> None:
    node = next(item for item in pane._tree_items() if item.text(0) == text)
    pane.sources.setCurrentItem(node)
    settle(qtbot, ctx)


def titles(pane) -> list[str]:
    return [pane.model.row(n).title for n in range(pane.model.rowCount())]


def row_of(pane, title: str) -> int:
    return titles(pane).index(title)


def tree(pane) -> dict[str, list[str]]:
    return {item.text(0): [item.child(i).text(0) for i in range(item.childCount())] for item in pane._tree_items()}


def test_collections_appear_and_selecting_one_lists_its_items(env, ctx, qtbot):
    pane = make_pane(ctx, qtbot)
    shape = tree(pane)
    assert shape["My Library"] == ["Language Models", "Topic Models"]
    assert shape["Language Models"] == ["Embeddings"]
    assert "Local folders" in shape
    assert pane.current_source() == ["all"] and pane.model.total == 5
    assert min(titles(pane)) == "A Neural Probabilistic Language Model"
    choose(qtbot, pane, ctx, "Language Models")  # with its sub-collection
    assert sorted(titles(pane)) == ["A Neural Probabilistic Language Model",
                                    "Efficient Estimation of Word Representations in Vector Space"]  # fmt: skip
    choose(qtbot, pane, ctx, "Embeddings")
    assert titles(pane) == ["Efficient Estimation of Word Representations in Vector Space"]
    row = pane.model.row(0)
    assert (row.authors, row.year, row.tags, row.pdf) == (
        "Tomas Mikolov",
        "2013",
        "embeddings",
        str(env.pdf("MIKOLOV1")),
    )
    choose(qtbot, pane, ctx, "My Library")
    model = pane.model
    book = model.index(row_of(pane, "Foundations of Statistical NLP"), TITLE)
    assert model.data(book, Qt.ItemDataRole.ForegroundRole) is not None, "an item without a PDF is greyed"
    assert model.data(book, Qt.ItemDataRole.ToolTipRole) == "No usable PDF: no PDF attachment"
    gone = model.index(row_of(pane, "A Paper Whose PDF Was Deleted"), TITLE)
    assert model.data(gone, Qt.ItemDataRole.ToolTipRole).startswith("No usable PDF: PDF file missing")
    paper = model.index(row_of(pane, "A Neural Probabilistic Language Model"), TITLE)
    assert model.data(paper, Qt.ItemDataRole.ForegroundRole) is None
    assert pane.count_label.text().startswith("5 items")
    assert not ctx.errors


def test_marks_show_a_paper_with_a_kept_note(env, ctx, qtbot):
    paper_id = content_hash(env.pdf("BENGIO03"))
    saved_notes.keep(SummaryNote(title="A Neural Probabilistic Language Model", language="en",
                                 provenance={"paper_id": paper_id}))  # fmt: skip
    pane = make_pane(ctx, qtbot)
    marks = {pane.model.row(n).key: pane.model.data(pane.model.index(n, MARKS)) for n in range(pane.model.rowCount())}
    assert marks["BENGIO03"] == "✓"
    assert not any(v for k, v in marks.items() if k != "BENGIO03")
    bengio = pane.model.index(row_of(pane, "A Neural Probabilistic Language Model"), MARKS)
    assert pane.model.data(bengio, Qt.ItemDataRole.ToolTipRole) == "summarized"
    from paperpal.index.store import index_dir

    assert not index_dir(env.settings).exists(), "reading the marks must not create an empty index"


def test_filter_box_filters_by_title_author_and_tag(env, ctx, qtbot):
    pane = make_pane(ctx, qtbot)
    for text, expected in (("vector space", ["Efficient Estimation of Word Representations in Vector Space"]),
                           ("ducharme", ["A Neural Probabilistic Language Model"]),  # second author
                           ("lsa", ["Indexing by Latent Semantic Analysis"]),  # tag
                           ("no such paper", [])):  # fmt: skip
        qtbot.keyClicks(pane.filter, text)
        assert titles(pane) == expected, text
        pane.filter.clear()
    assert pane.model.total == 5
    pane.filter.setText("language")
    assert pane.count_label.text().startswith("1 of 5 items")


def double_click(qtbot, view, pos) -> None:
    """As a user does it: press and release, then the double click (a view acts on a double click only on the
    item the press was on)."""
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_double_click_or_enter_opens_the_pdf_with_its_library_metadata(env, ctx, qtbot):
    pane = make_pane(ctx, qtbot)
    view = pane.items
    row = row_of(pane, "Indexing by Latent Semantic Analysis")
    rect = view.visualRect(pane.model.index(row, TITLE))
    with qtbot.waitSignal(ctx.open_requested) as opened:
        double_click(qtbot, view, rect.center())
    path, metadata, key = opened.args
    assert (path, key) == (str(env.pdf("DEERWE90")), "DEERWE90")
    assert metadata["title"] == "Indexing by Latent Semantic Analysis" and metadata["collections"] == ["Topic Models"]
    seen = []
    ctx.open_requested.connect(lambda *args: seen.append(args))
    view.setFocus()
    view.setCurrentIndex(
        pane.model.index(row_of(pane, "Efficient Estimation of Word Representations in Vector Space"), 0)
    )
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert [s[2] for s in seen] == ["MIKOLOV1"], "Enter opens the current item, once"
    book = view.visualRect(pane.model.index(row_of(pane, "Foundations of Statistical NLP"), TITLE))
    double_click(qtbot, view, book.center())
    assert len(seen) == 1 and ctx.messages[-1] == "No usable PDF: no PDF attachment"


def test_sync_button_runs_a_sync_in_a_worker_with_progress_and_refreshes(env, ctx, qtbot):
    pane = make_pane(ctx, qtbot)
    assert pane.model.total == 5
    added = Item("NEWITEM1", "journalArticle", {"title": "A Paper Added In Zotero", "date": "2024"}, tags=["new"],
                 collections=["TOPICS01"], date_modified="2024-03-01 10:00:00")  # fmt: skip
    env.library.items.append(added)
    build_sqlite(env.library, env.data_dir)
    values = []
    pane.progress.valueChanged.connect(values.append)
    qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
    assert pane.job is not None and pane.sync_button.text() == "Cancel" and pane.progress.isVisible()
    qtbot.waitUntil(lambda: pane.job is None, timeout=WAIT_MS)
    settle(qtbot, ctx)
    assert values and max(values) >= 1, "the progress bar moved"
    assert not pane.progress.isVisible() and pane.sync_button.text() == "Sync Zotero"
    assert "A Paper Added In Zotero" in titles(pane) and pane.model.total == 6
    assert any(m.startswith("Synced 6 items (1 new") for m in ctx.messages), ctx.messages
    assert not ctx.errors, ctx.errors  # the blank test PDFs cannot be indexed: counted in the report, not an error


def test_cancelling_a_sync_keeps_the_library_as_it_was(env, ctx, qtbot, monkeypatch):
    import threading

    from paperpal.zotero import sync as sync_module

    gate = threading.Event()  # the worker's first item waits until Cancel has been clicked: on a busy machine the
    real = sync_module._sync_item  # whole sync could otherwise finish (and save) before the click lands

    def gated(*args, **kwargs):
        gate.wait(WAIT_MS / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(sync_module, "_sync_item", gated)
    pane = make_pane(ctx, qtbot)
    env.library.items.append(Item("NEWITEM1", "journalArticle", {"title": "A Paper Added In Zotero"}))
    build_sqlite(env.library, env.data_dir)
    qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pane.sync_button, Qt.MouseButton.LeftButton)  # now "Cancel"
    gate.set()
    assert not pane.sync_button.isEnabled()
    qtbot.waitUntil(lambda: pane.job is None, timeout=WAIT_MS)
    settle(qtbot, ctx)
    assert "Cancelled." in ctx.messages and not ctx.errors
    assert pane.sync_button.isEnabled() and pane.sync_button.text() == "Sync Zotero"
    assert pane.model.total == 5, "a cancelled sync saves nothing"


def test_a_failing_sync_is_one_line_in_the_window(ctx, qtbot, tmp_path):
    save_settings(load_settings({"zotero.source": "sqlite", "zotero.data_dir": str(tmp_path / "nowhere")}))
    pane = make_pane(ctx, qtbot)
    assert "Zotero: not synced yet (press Sync Zotero)" in tree(pane)
    pane.sync()
    qtbot.waitUntil(lambda: pane.job is None, timeout=WAIT_MS)
    assert len(ctx.errors) == 1 and "\n" not in ctx.errors[0] and "zotero.sqlite" in ctx.errors[0]


def _fill_store(n: int) -> None:
    """``n`` synced items written straight into PaperPal's store (what a sync of a big library leaves)."""
    with SyncStore() as store:
        for i in range(n):
            record = ItemRecord(f"I{i:07d}", 1, "journalArticle", {"title": f"Paper {i:05d}", "date": "2001"},
                                [{"creatorType": "author", "firstName": "Ann", "lastName": f"Author{i % 300}"}],
                                [f"tag{i % 40}"], ["COLL0001"])  # fmt: skip
            store.put("users/0", record, StoredItem(record.key, "f", None, None, None, None, None, "skipped",
                                                    "no PDF attachment"))  # fmt: skip
        store.put_library(LibraryState("users/0", "sqlite", {}, {"COLL0001": Collection("COLL0001", "Big")}, "now"))
        store.commit()


def test_lazy_loading_of_ten_thousand_items(ctx, qtbot, tmp_path):
    model = LibraryModel()
    model.set_rows(folder_rows(tmp_path / f"paper{i:05d}.pdf" for i in range(10_000)))
    assert model.total == 10_000 and model.rowCount() == BATCH and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * BATCH
    _fill_store(10_000)
    pane = make_pane(ctx, qtbot)
    view: QTableView = pane.items
    assert pane.model.total == 10_000 and pane.model.rowCount() < 10_000
    bar = view.verticalScrollBar()

    def scrolled_to_the_bottom() -> bool:  # as a user dragging the scroll bar down: each time one more batch
        bar.setValue(bar.maximum())
        return not pane.model.canFetchMore()

    qtbot.waitUntil(scrolled_to_the_bottom, timeout=WAIT_MS)
    assert pane.model.rowCount() == 10_000
    assert pane.model.row(9_999).title == "Paper 09999"


def test_local_folder_lists_its_pdfs_and_opens_them(ctx, qtbot, tmp_path):
    folder = tmp_path / "papers"
    make_pdf(folder / "b-second.pdf", "A Study of Local Folders")
    make_pdf(folder / "a-first.pdf", "x.dvi")  # an info title that is no title: the file name stays
    (folder / "notes.txt").write_text("not a PDF")
    pane = make_pane(ctx, qtbot)
    pane.add_folder(folder)
    settle(qtbot, ctx)
    assert tree(pane)["Local folders"] == ["papers"] and pane.current_source() == ["folder", str(folder)]
    assert titles(pane) == ["a-first", "A Study of Local Folders"]  # by file name; info titles came after
    assert pane.model.row(1).paper_id == content_hash(folder / "b-second.pdf")
    with qtbot.waitSignal(ctx.open_requested) as opened:
        pane.open_row(pane.model.index(0, TITLE))
    assert opened.args == [str(folder / "a-first.pdf"), None, None]
    pane.remove_folder(str(folder))
    settle(qtbot, ctx)
    assert "papers" not in str(tree(pane))


def test_the_library_position_is_remembered(env, ctx, qtbot):
    pane = make_pane(ctx, qtbot)
    choose(qtbot, pane, ctx, "Language Models")
    pane.items.selectRow(row_of(pane, "Efficient Estimation of Word Representations in Vector Space"))
    pane.close()
    again = make_pane(ctx, qtbot)
    assert again.current_source() == ["collection", "users/0", "LMCOLL01"]
    assert again.selected_row().key == "MIKOLOV1"


def test_search_without_an_index_says_so(env, ctx, qtbot):
    pane = make_pane(ctx, qtbot)
    qtbot.keyClicks(pane.search_box, "language model")
    qtbot.keyClick(pane.search_box, Qt.Key.Key_Return)
    settle(qtbot, ctx)
    assert pane.search_note.text() == "No index yet: index a folder or sync Zotero"
    assert not pane.hits.isVisible() and not ctx.errors
    pane.search_box.clear()
    assert not pane.search_note.isVisible()


def test_search_with_an_index_opens_the_hit_at_its_page(ctx, qtbot, tmp_path):
    folder = tmp_path / "indexed"
    pdf = make_pdf(folder / "zebra.pdf", "Tiny Reading Study", (INTRO_PAGE, METHOD_PAGE))
    pane = make_pane(ctx, qtbot)
    pane.add_folder(folder)
    settle(qtbot, ctx)
    pane.index_folder(str(folder))  # paperpal.index.index_papers in a worker (MiniLM embeddings)
    assert pane.progress.isVisible()
    qtbot.waitUntil(lambda: pane.job is None, timeout=WAIT_MS)
    settle(qtbot, ctx)
    assert pane.model.data(pane.model.index(0, MARKS)) == "●", "the indexed mark"
    pane.search_box.setText("zebra gradient stripes")
    pane.search(pane.search_box.text())
    settle(qtbot, ctx)
    assert pane.hits.isVisible() and pane.hits.count() >= 1
    shown = [pane.hits.item(n).text().split("\n", 1) for n in range(pane.hits.count())]
    assert all(label.startswith("(Tiny Reading Study, §") for label, _snippet in shown)
    number = next(n for n, (_label, snippet) in enumerate(shown) if snippet.startswith("The zebra gradient trick"))
    assert number <= 1 and shown[number][0].endswith(", p. 2)")  # the passage that starts on the second page
    first = pane.hits.item(number)
    events = []
    ctx.open_requested.connect(lambda *args: events.append(("open", args[0])))
    ctx.location_requested.connect(lambda page, quote: events.append(("location", page, quote[:24])))
    pane.hits.itemActivated.emit(first)
    assert events == [("open", str(pdf.resolve())), ("location", 2, "The zebra gradient trick")]
    assert not ctx.errors


def test_the_fast_listing_agrees_with_the_full_library_records(env):
    from paperpal.zotero.library import library_items
    from paperpal.zotero.library_view import list_items

    full = {item.record.key: item for item in library_items(env.settings)}
    listed = list_items()
    assert sorted(full) == sorted(item.record.key for item in listed)
    for item in listed:
        assert (item.metadata, item.pdf) == (full[item.record.key].metadata, full[item.record.key].pdf)
    assert [i.record.key for i in list_items(library="users/0", collection="LMCOLL01")] == ["BENGIO03", "MIKOLOV1"]


def test_the_pane_in_chinese(env, ctx, qtbot):
    from ui import i18n

    i18n.set_language("zh")
    try:
        pane = make_pane(ctx, qtbot)
        assert {"全部条目", "我的文献库", "本地文件夹"} <= set(tree(pane))
        assert pane.sync_button.text() == "同步 Zotero" and pane.count_label.text().startswith("5 个条目")
        bengio = next(pane.model.row(n) for n in range(pane.model.rowCount()) if pane.model.row(n).key == "BENGIO03")
        assert bengio.authors == "Yoshua Bengio 等"
    finally:
        i18n.set_language("en")

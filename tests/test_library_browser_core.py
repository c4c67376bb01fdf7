"""What the desktop app's Library pane takes from the core, without Qt: whether there is an index and which
papers are in it (:mod:`paperpal.library_index`), search hits joined with their papers, collections as a
tree (:mod:`paperpal.zotero.collection_tree`) and progress at a display's pace (:mod:`paperpal.progress`).

The index here is real: one small generated PDF, embedded with the bundled MiniLM. The pane itself is
tested in ``test_gui_library.py``.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from paperpal import progress
from paperpal.index import IndexEntry, index_papers
from paperpal.library_index import SearchHit, index_exists, indexed_ids, search_library
from paperpal.settings import load_settings
from paperpal.zotero.collection_tree import collection_children, natural_key
from paperpal.zotero.records import Collection
from paperpal.zotero.sync import content_hash

INTRO = ("Tiny Reading Study\n\nAlice Example\n\nAbstract\n" + "We study how small models read short papers. " * 3
         + "\n\n1 Introduction\n" + "Readers skim long papers to find the method they need. " * 35)  # fmt: skip
METHOD = ("2 Method\n" + "The zebra gradient trick rescales every update by the number of stripes. " * 20
          + "\n\n3 Results\n" + "Accuracy improved on all benchmarks we tried. " * 25)  # fmt: skip


def make_pdf(path: Path, pages: tuple[str, ...]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = pymupdf.open()
    for text in pages:
        doc.new_page().insert_textbox(pymupdf.Rect(72, 72, 540, 760), text, fontsize=9)
    doc.set_metadata({"title": "Tiny Reading Study"})
    doc.save(path)
    doc.close()
    return path


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """One two-page paper indexed, with a Zotero item key, into its own index folder."""
    root = tmp_path_factory.mktemp("library-index")
    pdf = make_pdf(root / "papers" / "zebra.pdf", (INTRO, METHOD))
    settings = load_settings({"index.path": str(root / "index")})
    report = index_papers([IndexEntry(pdf, {"key": "ZEBRA001", "title": "Tiny Reading Study"})], settings=settings)
    assert report.indexed and not report.failed
    return settings, pdf


# -- is there an index, which papers are in it ---------------------------------------------------------------
def test_no_index_is_said_without_creating_one(tmp_path):
    folder = tmp_path / "index"
    settings = load_settings({"index.path": str(folder)})
    assert not index_exists(settings)
    assert indexed_ids(settings) == (set(), "")
    assert search_library("anything", settings=settings) is None
    assert not folder.exists(), "asking must not create an empty index"
    assert index_exists(load_settings({"index.path": str(folder), "index.chroma_url": "http://chroma.lab:8000"}))


def test_a_damaged_index_gives_no_ids_and_its_problem_in_one_line(tmp_path):
    folder = tmp_path / "index"
    folder.mkdir()
    (folder / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    settings = load_settings({"index.path": str(folder)})
    assert index_exists(settings)
    ids, problem = indexed_ids(settings)
    assert ids == set() and "cannot be opened" in problem and "\n" not in problem


def test_indexed_ids_are_the_papers_content_hashes(indexed):
    settings, pdf = indexed
    assert index_exists(settings)
    assert indexed_ids(settings) == ({content_hash(pdf)}, "")


# -- search hits joined with their papers --------------------------------------------------------------------
def test_search_hits_carry_their_paper_page_citation_and_passage(indexed):
    settings, pdf = indexed
    hits = search_library("zebra gradient stripes", settings=settings)
    assert hits and all(isinstance(hit, SearchHit) for hit in hits)
    hit = next(h for h in hits if h.quote.startswith("The zebra gradient trick"))
    assert hit.label.startswith("(Tiny Reading Study, §") and hit.label.endswith(", p. 2)")
    assert hit.page == 2 and hit.paper_id == content_hash(pdf)
    assert Path(hit.path).resolve() == pdf.resolve(), "the PDF to open comes from the catalog"
    assert hit.zotero_key == "ZEBRA001"
    assert hit.snippet == hit.quote[:180] + "…" and len(hit.quote) > 180, "a long passage is cut for the list"
    assert "  " not in hit.quote and "\n" not in hit.quote, "whitespace collapsed"
    short = search_library("zebra gradient stripes", settings=settings, k=1, snippet=12)
    assert len(short) == 1 and short[0].snippet == short[0].quote[:12] + "…"


def test_an_index_with_no_complete_paper_finds_nothing_to_show(tmp_path):
    settings = load_settings({"index.path": str(tmp_path / "index")})
    report = index_papers([make_pdf(tmp_path / "blank.pdf", ("",))], settings=settings)  # no text: not indexed
    assert not report.indexed and report.failed
    assert index_exists(settings), "the run opened Chroma: an index with no papers in it"
    assert search_library("anything", settings=settings) is None
    assert indexed_ids(settings) == (set(), "")


# -- collections as a tree -------------------------------------------------------------------------------------
def test_natural_order_puts_2_before_10_and_ignores_case():
    names = ["Collection 10", "collection 2", "Alpha", "Collection 1b", "beta"]
    assert sorted(names, key=natural_key) == ["Alpha", "beta", "Collection 1b", "collection 2", "Collection 10"]


def test_collections_nest_under_their_parents_in_natural_order():
    collections = {c.key: c for c in (Collection("C10", "Week 10"), Collection("C2", "Week 2"),
                                      Collection("SUB", "Reading", "C2"), Collection("SUB2", "Archive", "C2"),
                                      Collection("ORPHAN", "Lost", "GONE"))}  # fmt: skip
    children = collection_children(collections)
    assert [c.key for c in children[None]] == ["ORPHAN", "C2", "C10"], "a missing parent: at the top"
    assert [c.name for c in children["C2"]] == ["Archive", "Reading"]
    assert "C10" not in children and collection_children({}) == {}


# -- progress at a display's pace ------------------------------------------------------------------------------
def test_throttled_reports_at_most_once_per_interval_and_always_the_last_step(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(progress, "monotonic", lambda: clock[0])
    seen = []
    report = progress.throttled(lambda *args: seen.append(args), interval=0.1)
    for step, at in ((1, 1000.0), (2, 1000.05), (3, 1000.12), (4, 1000.15), (5, 1000.16)):
        clock[0] = at
        report(step, 5, f"file {step}")
    assert seen == [(1, 5, "file 1"), (3, 5, "file 3"), (5, 5, "file 5")]
    seen.clear()
    clock[0] = 2000.0
    unknown = progress.throttled(lambda *args: seen.append(args))
    unknown(1)
    unknown(2)  # no total: nothing is "the last step"
    assert seen == [(1, None, None)]

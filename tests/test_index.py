"""The library index: incremental indexing, hybrid search, scope, repair, bad index folders.

Embeddings: ``test_index_embedding.py``; the text index: ``test_index_text.py``; killed runs and
``--check``: ``test_index_durability.py``; a lab's Chroma server: ``test_index_lab.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
from click.testing import CliRunner

from paperpal.cli import cli
from paperpal.errors import ConfigError
from paperpal.index import IndexEntry, catalog, index_papers, indexed_paper_ids, remove_papers, search
from paperpal.index.store import PaperRecord, open_store
from paperpal.settings import load_settings

SMALL = ("mistral-7b.pdf", "textcnn-convolutional-neural-networks-for-sentence-classification.pdf")


@pytest.fixture(scope="module")
def small_index(corpus, tmp_path_factory):
    """Two short train papers indexed once into a module-level index folder."""
    folder = tmp_path_factory.mktemp("index")
    settings = load_settings({"index.path": str(folder)})
    meta = {"key": "MISTRAL1", "title": "Mistral 7B", "collections": ["LLMs"], "tags": ["efficient"]}
    entries = [IndexEntry(corpus / SMALL[0], meta), corpus / SMALL[1]]
    started = time.monotonic()
    report = index_papers(entries, settings=settings)
    return settings, report, time.monotonic() - started


def test_index_reports_each_paper_and_a_bad_file_does_not_stop_the_batch(small_index, corpus, tmp_path):
    settings, report, _ = small_index
    assert len(report.indexed) == 2 and not report.failed
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7 not really")
    progress = []
    again = index_papers([bad, corpus / SMALL[1]], settings=settings, on_progress=lambda *a: progress.append(a))
    assert [p for p, _ in again.failed] == [str(bad)] and "\n" not in again.failed[0][1]
    assert again.unchanged == [str(corpus / SMALL[1])]
    assert progress[-1][:2] == (2, 2)


def test_unchanged_papers_cost_nothing_and_new_tags_update_the_catalog_only(small_index, corpus):
    settings, report, first_seconds = small_index
    ids = set(report.paper_ids.values())
    store = open_store(settings)
    before = store.chunks.get(where={"paper_id": report.paper_ids[str(corpus / SMALL[0])]}, include=["embeddings"])
    started = time.monotonic()
    meta = {
        "key": "MISTRAL2",
        "title": "Mistral 7B",
        "collections": ["LLMs", "Reading group"],
        "tags": ["efficient", "swa"],
    }
    again = index_papers([IndexEntry(corpus / SMALL[0], meta), corpus / SMALL[1]], settings=settings)
    assert len(again.unchanged) == 2 and not again.indexed
    assert time.monotonic() - started < max(3.0, first_seconds / 5)
    record = catalog(settings=settings)[report.paper_ids[str(corpus / SMALL[0])]]
    assert record.tags == ["efficient", "swa"] and record.zotero_key == "MISTRAL2"
    after = store.chunks.get(where={"paper_id": record.paper_id}, include=["embeddings", "metadatas"])
    assert after["ids"] == before["ids"]
    np.testing.assert_array_equal(np.array(after["embeddings"]), np.array(before["embeddings"]))
    assert {m["zotero_key"] for m in after["metadatas"]} == {"MISTRAL2"}
    assert indexed_paper_ids(settings=settings) == ids


def test_hybrid_search_finds_exact_terms_and_paraphrases(small_index):
    settings, _, _ = small_index
    hits = search("SWA", settings=settings, k=3)  # an acronym: BM25's job
    assert hits[0].paper_title.startswith("Mistral")
    hits = search("convolution filters over word vectors for classifying sentences", settings=settings, k=3)
    assert "Convolutional" in hits[0].paper_title
    assert all(h.page_start >= 1 and h.section_title for h in hits)


def test_search_scopes_by_collection_tag_and_paper(small_index):
    settings, report, _ = small_index
    query = "attention over a window of previous tokens"
    assert {h.paper_title for h in search(query, settings=settings, collection="llms", k=20)} == {"Mistral 7B"}
    # "efficient" is the paper's tag before and after the tag-update test (no test relies on another's changes)
    assert {h.paper_title for h in search(query, settings=settings, tag="EFFICIENT", k=20)} == {"Mistral 7B"}
    assert search(query, settings=settings, tag="no-such-tag") == []
    textcnn = [pid for path, pid in report.paper_ids.items() if "textcnn" in path]
    assert {h.paper_id for h in search(query, settings=settings, paper_ids=textcnn, k=20)} == set(textcnn)


def test_killed_run_is_repaired_and_completed(corpus, tmp_path):
    """What a run killed after writing chunks but before marking the paper complete leaves behind."""
    settings = load_settings({"index.path": str(tmp_path / "idx")})
    report = index_papers([corpus / SMALL[0]], settings=settings)
    paper_id = report.paper_ids[str(corpus / SMALL[0])]
    store = open_store(settings)
    record = store.records()[paper_id]
    record.complete = False
    store.put_record(record)  # the state between "chunks written" and "marked complete"
    store.chunks.upsert(ids=[f"{paper_id}:999"], embeddings=[[0.1] * 384], documents=["half-written"],
                        metadatas=[{"paper_id": paper_id, "page_start": 1, "page_end": 1}])  # fmt: skip
    store.chunks.upsert(ids=["orphan:0"], embeddings=[[0.1] * 384], documents=["orphan"],
                        metadatas=[{"paper_id": "orphan", "page_start": 1, "page_end": 1}])  # fmt: skip
    assert indexed_paper_ids(settings=settings) == set()  # an incomplete paper is never searched
    again = index_papers([corpus / SMALL[0]], settings=settings)
    assert again.indexed == [str(corpus / SMALL[0])]
    store = open_store(settings)
    ids = store.chunks.get(include=[])["ids"]
    assert f"{paper_id}:999" not in ids and "orphan:0" not in ids
    assert len(ids) == store.records()[paper_id].chunk_count == store.text.counts()[paper_id]
    assert remove_papers([paper_id], settings=settings) == 1
    assert open_store(settings).chunks.count() == 0 and store.text.counts() == {}, (
        "removing a paper removes its text too"
    )


def test_corrupt_index_gives_a_clear_message_and_is_left_untouched(tmp_path):
    folder = tmp_path / "h" / "data" / "index"  # the default index folder of PAPERPAL_HOME=tmp_path/h
    folder.mkdir(parents=True)
    (folder / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    before = (folder / "chroma.sqlite3").read_bytes()
    with pytest.raises(ConfigError, match="cannot be opened.*untouched"):
        search("anything", settings=load_settings({"index.path": str(folder)}))
    assert (folder / "chroma.sqlite3").read_bytes() == before
    out = CliRunner().invoke(cli, ["search", "anything"], env={"PAPERPAL_HOME": str(tmp_path / "h")})
    assert out.exit_code == 2 and "cannot be opened" in out.output and "Traceback" not in out.output


def test_unwritable_index_location_gives_a_clear_message(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="Cannot create the index folder"):
        index_papers([], settings=load_settings({"index.path": str(blocker / "index")}))


READ_ONLY_PROBE = """
import sys
from paperpal.errors import ConfigError
from paperpal.index import index_papers
from paperpal.settings import load_settings
try:
    index_papers([], settings=load_settings({"index.path": sys.argv[1]}))
except ConfigError as exc:
    print(exc)
    sys.exit(3)
print("no error")
"""


# As root (CI) file modes are ignored: the folder is made a read-only bind mount in a private mount namespace,
# which root cannot write through either.
READ_ONLY_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$0" -c "$2" "$1"'


def test_read_only_index_folder_gives_a_clear_message(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    command = [sys.executable, "-c", READ_ONLY_PROBE, str(folder)]
    if os.geteuid() == 0:
        assert shutil.which("unshare"), "as root this test needs util-linux's unshare (a read-only bind mount)"
        command = ["unshare", "-m", "sh", "-c", READ_ONLY_MOUNT, sys.executable, str(folder), READ_ONLY_PROBE]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert run.returncode == 3, run.stdout + run.stderr
        assert "is read-only" in run.stdout and str(folder) in run.stdout, run.stdout
        assert not any(folder.iterdir()), "nothing is written into a read-only index folder"
    finally:
        folder.chmod(0o755)


def test_cli_index_and_search(corpus, tmp_path):
    env = {"PAPERPAL_HOME": str(tmp_path / "home")}
    runner = CliRunner()
    out = runner.invoke(cli, ["index", str(corpus / SMALL[0]), "--json"], env=env)
    assert out.exit_code == 0, out.output
    assert len(json.loads(out.output)["indexed"]) == 1
    out = runner.invoke(cli, ["search", "sliding window attention", "--json", "--k", "2"], env=env)
    assert out.exit_code == 0, out.output
    hits = json.loads(out.output)
    assert len(hits) == 2 and hits[0]["citation"].startswith("(Mistral 7B, §")
    out = runner.invoke(cli, ["search", "   "], env=env)
    assert out.exit_code == 3 and "empty" in out.output


def test_chunks_another_parser_made_are_made_again(corpus, tmp_path):
    """An upgrade that changes the parser re-indexes a paper (its record names another parser): the old chunks go,
    the new ones come, and the run after that finds it unchanged."""
    settings = load_settings({"index.path": str(tmp_path / "index")})
    path = corpus / SMALL[1]
    paper_id = index_papers([path], settings=settings).paper_ids[str(path)]
    store = open_store(settings)
    record = catalog(settings=settings)[paper_id]
    assert record.parsed_with
    stale = PaperRecord.from_json(record.to_json())
    stale.parsed_with = "an-old-parser"
    store.put_record(stale)
    old_id = f"{paper_id}:stale-chunk"  # a chunk the old parser made that the new one does not
    existing = store.chunks.get(where={"paper_id": paper_id}, limit=1, include=["embeddings", "metadatas", "documents"])
    store.chunks.add(ids=[old_id], embeddings=existing["embeddings"], metadatas=existing["metadatas"],
                     documents=existing["documents"])  # fmt: skip
    again = index_papers([path], settings=settings)
    assert again.indexed == [str(path)] and not again.unchanged
    assert catalog(settings=settings)[paper_id].parsed_with == record.parsed_with
    ids = open_store(settings).chunks.get(where={"paper_id": paper_id})["ids"]
    assert old_id not in ids and len(ids) == record.chunk_count
    assert index_papers([path], settings=settings).unchanged == [str(path)]


def test_catalog_records_round_trip():
    record = PaperRecord("abc", "/x.pdf", title="T", tags=["a"], collections=["c"], complete=True)
    assert PaperRecord.from_json(record.to_json()) == record


def test_a_parsed_paper_is_indexed_as_it_is(corpus, tmp_path):
    """Tasks hand the index the Paper they parsed: it is neither hashed nor parsed again."""
    from paperpal.pdf import parse_pdf

    settings = load_settings({"index.path": str(tmp_path / "index")})
    paper = parse_pdf(corpus / SMALL[1])
    paper.title = "Title only this parsed copy has"
    report = index_papers([paper], settings=settings)
    assert report.indexed == [str(corpus / SMALL[1])] and report.paper_ids[str(corpus / SMALL[1])] == paper.id
    assert catalog(settings=settings)[paper.id].title == "Title only this parsed copy has"
    again = index_papers([paper], settings=settings)
    assert again.unchanged == [str(corpus / SMALL[1])]

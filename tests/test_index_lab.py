"""A lab's shared index: a real ``chroma run`` server on 127.0.0.1, written by two users at once, searched by a third.

Each user has their own PAPERPAL_HOME (their own text index copy); the server holds chunks and catalog.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest
from llm_support import _free_port

from paperpal.index import index_papers, search
from paperpal.index.indexer import paper_id_of
from paperpal.index.store import close_stores, index_dir, open_store, text_index_dir
from paperpal.settings import load_settings

FOLDERS = {
    "a": ("mistral-7b.pdf", "textcnn-convolutional-neural-networks-for-sentence-classification.pdf",
          "gpt-improving-language-understanding-by-generative-pre-training.pdf"),
    "b": ("reformer-the-efficient-transformer.pdf", "seq2seq-sequence-to-sequence-learning-with-neural-networks.pdf",
          "bert-chinese-translation-zh.pdf"),
}  # fmt: skip

SEES_EVERY_CHUNK = """
import json, sys
from paperpal.index import catalog, search
from paperpal.settings import load_settings
settings = load_settings()
progress = []
search("warm up", settings=settings, on_progress=lambda done, total, label: progress.append((done, total)))
seen = {}
for paper_id, record in catalog(settings=settings).items():
    hits = search("method results", settings=settings, paper_ids=[paper_id], k=record.chunk_count,
                  dense_candidates=record.chunk_count)
    seen[paper_id] = sorted(h.chunk_id for h in hits)
lexical = search(sys.argv[1], settings=settings, k=1)[0]
print(json.dumps({"seen": seen, "lexical": [lexical.paper_id, lexical.lexical], "progress": progress}))
"""


@pytest.fixture
def chroma_server(tmp_path):
    """``chroma run`` on a free port of 127.0.0.1; yields its URL."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    assert Path(chroma).exists(), "chromadb (a core dependency) installs the chroma CLI beside python"
    port = _free_port()
    server = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "srv"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "chroma run did not start"
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        close_stores()
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        with warnings.catch_warnings():  # chromadb's HTTP client never closes its keep-alive sockets
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        server.terminate()
        server.wait(timeout=20)


def test_one_client_indexes_and_searches_through_the_server(chroma_server, corpus):
    settings = load_settings({"index.chroma_url": chroma_server})
    report = index_papers([corpus / FOLDERS["a"][0]], settings=settings)
    assert len(report.indexed) == 1
    assert search("sliding window", settings=settings, k=1)[0].paper_title.startswith("Mistral")
    assert not (index_dir(settings) / "chroma.sqlite3").exists(), "chunks live on the server, not here"
    assert text_index_dir(settings).is_dir(), "the text index is this user's own copy"


def _user(tmp_path, name: str, url: str) -> dict:
    return {**os.environ, "PAPERPAL_HOME": str(tmp_path / f"home-{name}"), "PAPERPAL_CHROMA_URL": url}


def test_two_writers_at_once_then_a_third_user_sees_every_chunk(chroma_server, corpus, tmp_path):
    folders = {}
    for name, files in FOLDERS.items():  # two users' folders (links to the corpus PDFs)
        folders[name] = tmp_path / f"papers-{name}"
        folders[name].mkdir()
        for file in files:
            (folders[name] / file).symlink_to(corpus / file)
    command = [sys.executable, "-m", "paperpal.cli", "index"]
    started = time.monotonic()
    writers = {name: subprocess.Popen([*command, str(folder), "--json"], env=_user(tmp_path, name, chroma_server),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, folder in folders.items()}  # fmt: skip
    reports = {}
    for name, writer in writers.items():
        out, err = writer.communicate(timeout=900)
        assert writer.returncode == 0, err
        reports[name] = json.loads(out)
        assert len(reports[name]["indexed"]) == 3 and not reports[name]["failed"], reports[name]
    both = time.monotonic() - started
    assert both < sum(r["seconds"]["total"] for r in reports.values()), "the two writers ran one after the other"

    third = subprocess.run([sys.executable, "-c", SEES_EVERY_CHUNK, "下一句预测"], env=_user(tmp_path, "c", chroma_server),
                           capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
    assert third.returncode == 0, third.stderr
    seen = json.loads(third.stdout)
    store = open_store(load_settings({"index.chroma_url": chroma_server}))
    records = store.records(complete_only=False)
    assert len(records) == 6 and all(r.complete for r in records.values()), "a paper was lost or left incomplete"
    assert store.chunks.count() == sum(r.chunk_count for r in records.values()), "a chunk was duplicated or lost"
    assert seen["seen"] == {p: sorted(f"{p}:{n}" for n in range(r.chunk_count)) for p, r in records.items()}
    total = store.chunks.count()
    assert seen["progress"][-1] == [total, total], (
        "the third user's first search copies every chunk's terms, with progress"
    )
    assert seen["lexical"][0] == paper_id_of(corpus / FOLDERS["b"][2]) and seen["lexical"][1] > 0, (
        "the third user's text index holds user b's papers"
    )

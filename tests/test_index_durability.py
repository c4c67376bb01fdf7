"""Nothing lost and nothing half-searchable after a killed ``paperpal index``; ``--check`` finds and repairs drift."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from paperpal.cli import cli
from paperpal.errors import Cancelled
from paperpal.index import check_index, index_papers, search
from paperpal.index.store import close_stores, open_store, text_index_dir
from paperpal.index.writers import LEASE_S, abandoned, writer_id
from paperpal.settings import load_settings

PAPERS = ("t5-exploring-the-limits-of-transfer-learning.pdf", "mistral-7b.pdf", "universal-transformers.pdf")


def _all_consistent(settings) -> dict[str, int]:
    """Catalog, Chroma and the text index agree: every complete paper has exactly its chunks in both."""
    store = open_store(settings)
    records = store.records()
    in_chroma = store.chunk_papers()
    assert set(in_chroma) == set(records), "chunks without a complete paper (or a paper without chunks)"
    for paper_id, record in records.items():
        expected = {f"{paper_id}:{n}" for n in range(record.chunk_count)}
        assert set(in_chroma[paper_id]) == expected and len(in_chroma[paper_id]) == len(expected), paper_id
    assert store.text.counts() == {p: r.chunk_count for p, r in records.items()}
    return {p: r.chunk_count for p, r in records.items()}


def test_a_killed_indexing_run_leaves_nothing_half_searchable_and_resumes(corpus, tmp_path):
    home = tmp_path / "home"
    settings = load_settings({"index.path": str(home / "data" / "index")})
    folder = text_index_dir(settings)
    env = {**os.environ, "PAPERPAL_HOME": str(home)}
    child = subprocess.Popen([sys.executable, "-m", "paperpal.cli", "index", *(str(corpus / p) for p in PAPERS)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 300
    while not folder.exists():  # the text index appears while the first paper is being written
        assert child.poll() is None and time.monotonic() < deadline, "the indexing run ended before writing"
        time.sleep(0.002)
    child.send_signal(signal.SIGKILL)
    child.wait()

    store = open_store(settings)
    left = store.records(complete_only=False)
    half = [p for p, r in left.items() if not r.complete]
    assert half, f"the kill should land inside a paper's write (got {sorted(left)}: all complete)"
    assert all(abandoned(left[p].writer, left[p].started) for p in half), (
        "a dead writer's record must count as abandoned"
    )
    for query in ("transfer learning text-to-text", "sliding window attention", "recurrent depth"):
        assert not {h.paper_id for h in search(query, settings=settings, k=50)} & set(half), (
            "an incomplete paper was searched"
        )
    close_stores()

    again = subprocess.run([sys.executable, "-m", "paperpal.cli", "index", *(str(corpus / p) for p in PAPERS), "--json"],
                           env=env, capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert len(report["indexed"]) + len(report["unchanged"]) == len(PAPERS) and not report["failed"]
    counts = _all_consistent(settings)
    assert len(counts) == len(PAPERS)
    assert sum(counts.values()) == open_store(settings).chunks.count(), "a chunk was duplicated"


def test_check_reports_and_repairs_drift(corpus, tmp_path):
    settings = load_settings({"index.path": str(tmp_path / "index")})
    report = index_papers([corpus / PAPERS[1], corpus / PAPERS[2]], settings=settings)
    mistral, universal = (report.paper_ids[str(corpus / p)] for p in PAPERS[1:])
    store = open_store(settings)
    assert check_index(settings).problems == []

    store.text.write(remove_papers=[mistral])  # text documents lost
    store.chunks.delete(ids=[f"{universal}:3"])  # a chunk lost: needs embedding again
    store.chunks.upsert(ids=["feedfacefeedface:0"], embeddings=[[0.1] * 384], documents=["stray"],
                        metadatas=[{"paper_id": "feedfacefeedface", "page_start": 1, "page_end": 1}])  # fmt: skip
    store.text.write({"0123456789abcdef": (["0123456789abcdef:0"], ["orphan text"])})
    live = store.records()[mistral]
    live.paper_id, live.complete, live.writer, live.started = "5555555555555555", False, writer_id(), time.time()
    store.put_record(live)  # a write in progress in this (live) process: left alone

    dry = check_index(settings, repair=False)
    assert {(p.paper_id, p.kind) for p in dry.problems} == {
        (mistral, "text_missing"), (universal, "missing_chunks"), ("feedfacefeedface", "chunks_without_paper"),
        ("0123456789abcdef", "text_without_paper"),
    } and not dry.consistent and dry.writing == ["5555555555555555"]  # fmt: skip
    assert store.text.counts().get(mistral) is None, "a check without repair changes nothing"

    fixed = check_index(settings)
    assert fixed.consistent and {p.action for p in fixed.problems} == {"text_rebuilt", "reindexed", "chunks_deleted",
                                                                         "text_deleted"}  # fmt: skip
    store.papers.delete(ids=["5555555555555555"])
    _all_consistent(settings)
    assert check_index(settings).problems == []
    hits = search("sliding window attention SWA", settings=settings, k=3)
    assert hits[0].paper_id == mistral and hits[0].lexical > 0, "the rebuilt text documents are searched"


def test_cli_check_prints_the_report(corpus, tmp_path):
    env = {"PAPERPAL_HOME": str(tmp_path / "home")}
    runner = CliRunner()
    assert runner.invoke(cli, ["index", str(corpus / PAPERS[1])], env=env).exit_code == 0
    out = runner.invoke(cli, ["index", "--check", "--json"], env=env)
    assert out.exit_code == 0, out.output
    check = json.loads(out.output)["check"]
    assert (check["papers"], check["chunks"], check["text_chunks"], check["problems"], check["consistent"]) == (
        1, 12, 12, [], True)  # fmt: skip
    out = runner.invoke(cli, ["index"], env=env)
    assert out.exit_code == 2 and "--check" in out.output


def test_a_write_in_progress_is_told_from_an_abandoned_one():
    now = time.time()
    dead = subprocess.run([sys.executable, "-c", "import os, psutil; print(os.getpid(), psutil.Process().create_time())"],
                          capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    host = socket.gethostname()
    assert not abandoned(writer_id(), now), "this process is alive"
    assert abandoned(f"{host}|{dead[0]}|{dead[1]}", now), "a finished process on this host writes nothing"
    assert not abandoned(f"other-host|1|{now}", now - 60), "another host's writer within its lease"
    assert abandoned(f"other-host|1|{now}", now - LEASE_S - 1), "another host's writer past its lease"
    assert abandoned("", 0.0), "a record from before writers were named"


def test_cancelling_a_run_keeps_what_was_done_and_leaves_no_half_paper(corpus, tmp_path):
    settings = load_settings({"index.path": str(tmp_path / "index")})
    cancel = threading.Event()

    def progress(done, total, label):
        if done == 1:
            cancel.set()

    with pytest.raises(Cancelled):
        index_papers([corpus / PAPERS[1], corpus / PAPERS[2]], settings=settings, on_progress=progress, cancel=cancel)
    assert len(_all_consistent(settings)) == 1
    assert open_store(settings).records(complete_only=False).keys() == open_store(settings).records().keys()

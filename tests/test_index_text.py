"""The text index (tantivy): BM25 as before, Chinese terms, persistence across processes, one writer at a time."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from paperpal.cli import cli
from paperpal.index import index_papers, remove_papers, search
from paperpal.index.lexical import tokens
from paperpal.index.store import close_stores, open_store, text_index_dir
from paperpal.index.textindex import TextIndex
from paperpal.settings import load_settings

ZH = "bert-chinese-translation-zh.pdf"
EN = "mistral-7b.pdf"


def _run(args: list[str], home, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAPERPAL_HOME": str(home)}
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=600, check=False, **kwargs
    )


def test_chinese_terms_and_bigrams_are_index_terms():
    terms = ["下", "一", "句", "预", "测", "下一", "一句", "句预", "预测", "nsp", "task"]
    assert tokens("下一句预测 NSP tasks") == terms


def test_scores_are_okapi_bm25_over_the_whole_index(tmp_path):
    """k1 = 1.2, b = 0.75, idf = ln(1 + (N - n + 0.5) / (n + 0.5)): the formula the in-memory postings used."""
    docs = {"a:0": "rank adaptation rank", "a:1": "adaptation of weights", "b:0": "attention window cache window size"}
    text = TextIndex(tmp_path / "text")
    text.write({"a": (["a:0", "a:1"], [docs["a:0"], docs["a:1"]]), "b": (["b:0"], [docs["b:0"]])})
    lengths = {cid: len(tokens(t)) for cid, t in docs.items()}
    average = sum(lengths.values()) / len(docs)

    def bm25(chunk_id: str, query: str) -> float:
        score = 0.0
        for term in set(tokens(query)):
            tf = tokens(docs[chunk_id]).count(term)
            n = sum(term in tokens(t) for t in docs.values())
            if tf:
                idf = math.log(1 + (len(docs) - n + 0.5) / (n + 0.5))
                score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths[chunk_id] / average))
        return score

    query = "rank adaptation window"
    hits = text.search(query, 10)
    assert [h.chunk_id for h in hits] == sorted(docs, key=lambda chunk_id: -bm25(chunk_id, query))
    for hit in hits:
        assert hit.score == pytest.approx(bm25(hit.chunk_id, query), rel=1e-4), hit
    assert [h.chunk_id for h in text.search("rank adaptation window", 10, papers=["a"])] == ["a:0", "a:1"]
    assert text.search("the of", 10) == [], "function words are not index terms"


def test_a_chinese_query_finds_the_chinese_paper(corpus, tmp_path):
    settings = load_settings({"index.path": str(tmp_path / "index")})
    report = index_papers([corpus / ZH, corpus / EN], settings=settings)
    assert len(report.indexed) == 2, report.failed
    hits = search("下一句预测任务", settings=settings, k=3)
    assert hits[0].paper_id == report.paper_ids[str(corpus / ZH)] and hits[0].lexical > 0
    assert "下一句预测" in hits[0].text
    assert search("SWA", settings=settings, k=1)[0].paper_id == report.paper_ids[str(corpus / EN)]
    removed = report.paper_ids[str(corpus / ZH)]
    assert remove_papers([removed], settings=settings) == 1
    assert removed not in open_store(settings).text.counts(), "removing a paper removes its text documents"
    assert all(h.paper_id != removed for h in search("下一句预测任务", settings=settings, k=10))


def test_the_text_index_persists_across_processes(corpus, tmp_path):
    """Index in one process, search in another: the search reads the text index on disk, it rebuilds nothing."""
    home = tmp_path / "home"
    done = _run(["-m", "paperpal.cli", "index", str(corpus / EN), "--json"], home)
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)["seconds"]) == {"total", "read", "parse", "embed", "write"}
    settings = load_settings({"index.path": str(home / "data" / "index")})
    folder = text_index_dir(settings)
    before = TextIndex(folder).generation()
    found = _run(["-m", "paperpal.cli", "search", "SWA sliding window", "--json", "--k", "3"], home)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert hits[0]["paper_title"].startswith("Mistral") and hits[0]["lexical"] > 0
    assert TextIndex(folder).generation() == before, "a search must not rewrite the text index"


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from paperpal.index.textindex import TextIndex
    text = TextIndex(Path(sys.argv[1]))
    for batch in range(10):
        paper = f"{sys.argv[2]}{batch}"
        text.write({paper: ([f"{paper}:{n}" for n in range(30)], [f"shared term {sys.argv[2]} {n}" for n in range(30)])})
    """
)


def test_two_processes_write_one_text_index_without_losing_a_batch(tmp_path):
    folder = tmp_path / "text"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), name], stderr=subprocess.PIPE, text=True)
        for name in ("alpha", "beta")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    counts = TextIndex(folder).counts()
    assert counts == {f"{name}{b}": 30 for name in ("alpha", "beta") for b in range(10)}
    assert len(TextIndex(folder).search("shared", 1000)) == 600


def test_a_damaged_text_index_gives_one_line_and_is_left_untouched(corpus, tmp_path):
    home = tmp_path / "home"
    settings = load_settings({"index.path": str(home / "data" / "index")})
    assert index_papers([corpus / EN], settings=settings).indexed
    meta = text_index_dir(settings) / "meta.json"
    meta.write_text("not json")
    close_stores()
    out = CliRunner().invoke(cli, ["search", "sliding window"], env={"PAPERPAL_HOME": str(home)})
    assert out.exit_code == 2 and out.output.count("\n") == 1, out.output
    assert "cannot be opened" in out.output and "Traceback" not in out.output
    assert meta.read_text() == "not json", "nothing in a damaged index is changed"

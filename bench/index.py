"""Index benchmark at lab scale: indexing the corpus, and searching and adding at 100k chunks, in one run.

    python bench/index.py [--corpus ../shared/corpus/papers] [--synthetic 100000] [--queries 100] [--json] [--keep]

1. Fresh index of every corpus PDF (parse + embed + write, in-process): wall and CPU seconds, where the
   time goes (busy seconds of hashing, parsing — in its own thread, overlapping —, embedding and
   writing), and the embedding floor: FLOPs per chunk against this CPU's fp32 GEMM rate (numpy, one
   thread), and the rate the int8 embedder reached.
2. Grows the index to ``--synthetic`` chunks: synthetic papers of 40 chunks whose texts are corpus
   sentences drawn at random (the corpus's term statistics, realistic BM25 work) with random unit
   vectors (real vectors only for the corpus chunks: embedding 100k texts takes an hour here and does
   not change what a query costs).  Written through the same store as real papers: Chroma chunks, text
   index, catalog records.
3. Cold search: ``paperpal search QUERY --json`` as a whole new process (page cache warm), wall time and
   peak RSS; the median of three queries.
4. Warm search: one process runs ``--queries`` queries after one warm-up: p50 / p95 ms and its peak RSS.
5. Adding one paper: a corpus paper is taken out (``remove_papers``) and ``paperpal index PDF`` puts it
   back, as a whole process.
6. Index size on disk (Chroma and the text index).

Targets (issue #20, 2 cores): cold search <= 2 s, warm p95 <= 30 ms, peak RSS <= 800 MB (the largest of
the processes in 3-5), adding a paper <= 5 s, corpus index <= 60 s.  With ``--json`` the last line is
one JSON object: ``cold_search_s, warm_p50_ms, warm_p95_ms, peak_rss_mb, add_one_paper_s, index_mb,
corpus_index_s`` (plus ``chunks``, ``load_before``, ``load_after``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERIES = [
    "how does the model know the order of tokens", "low-rank adaptation rank choice", "NSP next sentence prediction",
    "Adam beta2 learning rate schedule", "4-bit quantization memory", "sliding window attention cache",
    "BLEU score on WMT English to German", "dropout rate and batch size", "masked language model pretraining objective",
    "reward model trained on human preference comparisons", "topic model Dirichlet prior", "skip-gram negative sampling",
]  # fmt: skip
ADD_ONE = "attention-is-all-you-need.pdf"
SYNTHETIC_CHUNKS_PER_PAPER = 40
CPU_SECONDS: list[float] = []  # of each measured process, in order: on a busy machine the steadier figure

WARM = """
import json, resource, sys, time
from paperpal.index import search
from paperpal.settings import load_settings
settings, queries = load_settings(), json.loads(sys.argv[1])
search(queries[0], settings=settings)
latencies = []
for query in queries:
    started = time.perf_counter()
    search(query, settings=settings, k=10)
    latencies.append((time.perf_counter() - started) * 1000)
print(json.dumps({"ms": latencies, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def load() -> float:
    return os.getloadavg()[0]


# Linux keeps a process's peak RSS across exec, so a child forked from this (large) bench process would
# report the bench's own peak: the measured processes are started by this small launcher instead.
LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    json.dump({"wall": time.perf_counter() - started, "rss_mb": usage.ru_maxrss / 1024,
               "cpu": usage.ru_utime + usage.ru_stime, "returncode": proc.returncode}, out)
"""


def run_process(args: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one whole process; its CPU seconds go to ``CPU_SECONDS``."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.json"
        subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(figures), *args], env=env, stdout=out, stderr=err, check=False
        )
        out.seek(0)
        err.seek(0)
        measured = json.loads(figures.read_text())
        if measured["returncode"]:
            sys.exit(f"{' '.join(args[:4])} failed ({measured['returncode']}): {err.read()[-2000:]}")
        CPU_SECONDS.append(measured["cpu"])
        return measured["wall"], measured["rss_mb"], out.read()


def gemm_gflops() -> float:
    """This CPU's fp32 matrix-multiply rate on one thread (numpy's BLAS), GFLOP/s."""
    from threadpoolctl import threadpool_limits

    a = np.random.default_rng(0).standard_normal((2048, 384), dtype=np.float32)
    b = np.random.default_rng(1).standard_normal((384, 1536), dtype=np.float32)
    with threadpool_limits(1, user_api="blas"):
        a @ b
        started, runs = time.perf_counter(), 20
        for _ in range(runs):
            a @ b
        seconds = time.perf_counter() - started
    return 2 * 2048 * 384 * 1536 * runs / seconds / 1e9


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def index_corpus(pdfs: list[Path], settings) -> tuple[float, list]:
    from paperpal.index import index_papers
    from paperpal.index.minilm import cores, flops, get_minilm
    from paperpal.index.store import open_store

    cpu = time.process_time()
    report = index_papers(pdfs, settings=settings)
    cpu = time.process_time() - cpu
    seconds = report.seconds
    store = open_store(settings)
    records = store.records()
    chunks = sum(r.chunk_count for r in records.values())
    print(f"corpus index, fresh: {seconds['total']:.1f} s wall, {cpu:.1f} s CPU, {len(report.indexed)} papers, "
          f"{chunks} chunks ({chunks / seconds['total']:.1f} chunks/s); failed: {[Path(p).name for p, _ in report.failed]}")  # fmt: skip
    print("  busy seconds: " + ", ".join(f"{name} {value:.1f}" for name, value in seconds.items() if name != "total")
          + " (parse runs in its own thread, beside embedding)")  # fmt: skip
    texts = store.chunks.get(include=["documents"])["documents"]
    model = get_minilm()
    total_flops = sum(flops(model.count_tokens(t)) for t in texts)
    rate = gemm_gflops()
    floor = total_flops / (rate * 1e9 * cores())
    print(f"  embedding floor: {total_flops / len(texts) / 1e9:.2f} GFLOP per chunk ({total_flops / 1e12:.1f} TFLOP); "
          f"fp32 GEMM here {rate:.0f} GFLOP/s per core -> fp32 floor {floor:.0f} s on {cores()} cores "
          f"(int8 VNNI: 4x the multiply-adds per cycle -> {floor / 4:.0f} s); measured embed {seconds['embed']:.1f} s = "
          f"{total_flops / seconds['embed'] / 1e9 / cores():.0f} GFLOP/s per core")  # fmt: skip
    started = time.perf_counter()
    again = index_papers(pdfs, settings=settings)
    print(f"re-index, nothing changed: {time.perf_counter() - started:.2f} s ({len(again.unchanged)} unchanged)")
    return seconds["total"], texts


def grow(settings, texts: list[str], target: int) -> None:
    """Synthetic papers of corpus sentences, with random unit vectors, up to ``target`` chunks in all."""
    from paperpal.index.store import PaperRecord, open_store

    store = open_store(settings)
    have = store.chunks.count()
    if target <= have:
        return
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s) > 20]
    lengths = [len(t) for t in texts]
    rng, generator = random.Random(0), np.random.default_rng(0)
    started = time.perf_counter()
    papers_per_batch = 100
    total = target - have
    made = 0
    while made < total:
        batch = min(papers_per_batch * SYNTHETIC_CHUNKS_PER_PAPER, total - made)
        ids, docs, metas, text_batch, records = [], [], [], {}, []
        for j in range(batch):
            n = made + j
            paper_id = f"5e{n // SYNTHETIC_CHUNKS_PER_PAPER:014x}"
            parts, size, goal = [], 0, rng.choice(lengths)
            while size < goal:
                parts.append(rng.choice(sentences))
                size += len(parts[-1]) + 1
            ids.append(f"{paper_id}:{n % SYNTHETIC_CHUNKS_PER_PAPER}")
            docs.append(" ".join(parts))
            metas.append({"paper_id": paper_id, "section_number": "1", "section_title": "Synthetic",
                          "section_path": "1 Synthetic", "page_start": 1, "page_end": 1, "char_start": 0,
                          "char_end": 0, "zotero_key": ""})  # fmt: skip
            text_batch.setdefault(paper_id, ([], []))
            text_batch[paper_id][0].append(ids[-1])
            text_batch[paper_id][1].append(docs[-1])
        vectors = generator.standard_normal((batch, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        for paper_id, (chunk_ids, _) in text_batch.items():
            records.append(PaperRecord(paper_id, f"/synthetic/{paper_id}.pdf", title=f"Synthetic {paper_id}",
                                       chunk_count=len(chunk_ids), complete=True))  # fmt: skip
        store.add_chunks(ids, vectors, docs, metas, batch=1000)
        store.text.write(text_batch)
        store.put_records(records)
        made += batch
        print(f"\r  synthetic chunks: {made}/{total} ({time.perf_counter() - started:.0f} s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    print(f"added {total} synthetic chunks in {time.perf_counter() - started:.0f} s "
          f"(corpus sentences, random unit vectors) -> {store.chunks.count()} chunks")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "papers")
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="end with one line of JSON figures")
    parser.add_argument(
        "--keep", action="store_true", help="keep the index (PAPERPAL_HOME) it built; printed at the end"
    )
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="paperpal-bench-"))
    os.environ["PAPERPAL_HOME"] = str(home)
    env = {**os.environ, "PAPERPAL_HOME": str(home)}
    from paperpal.index import remove_papers
    from paperpal.index.indexer import paper_id_of
    from paperpal.index.minilm import cores
    from paperpal.index.store import close_stores, index_dir, open_store
    from paperpal.settings import load_settings

    settings = load_settings()
    pdfs = sorted(args.corpus.glob("*.pdf"))
    load_before = load()
    print(f"corpus: {len(pdfs)} PDFs in {args.corpus}; cores: {cores()}; load average {load_before:.2f}")

    corpus_s, texts = index_corpus(pdfs, settings)
    grow(settings, texts, args.synthetic)
    chunks = open_store(settings).chunks.count()
    remove_papers([paper_id_of(args.corpus / ADD_ONE)], settings=settings)
    close_stores()  # Chroma's embedded files belong to one process at a time: the measured processes below

    colds = []
    for query in QUERIES[:3]:
        wall, rss, out = run_process([sys.executable, "-m", "paperpal.cli", "search", query, "--json"], env)
        assert json.loads(out), f"no hits for {query!r}"
        colds.append((wall, rss))
    cold = statistics.median(w for w, _ in colds)
    print(f"cold `paperpal search` at {chunks} chunks (whole process): {', '.join(f'{w:.2f}' for w, _ in colds)} s "
          f"-> median {cold:.2f} s (CPU {', '.join(f'{c:.2f}' for c in CPU_SECONDS[-3:])} s); "
          f"peak RSS {max(r for _, r in colds):.0f} MiB")  # fmt: skip

    queries = [QUERIES[i % len(QUERIES)] + ("" if i < len(QUERIES) else f" {i}") for i in range(args.queries)]
    _, _, out = run_process([sys.executable, "-c", WARM, json.dumps(queries)], env)
    warm = json.loads(out)
    p50, p95 = (float(np.percentile(warm["ms"], q)) for q in (50, 95))
    print(f"warm search at {chunks} chunks: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(warm['ms']):.1f} ms "
          f"over {len(queries)} queries; process peak RSS {warm['rss_mb']:.0f} MiB")  # fmt: skip

    command = [sys.executable, "-m", "paperpal.cli", "index", str(args.corpus / ADD_ONE), "--json"]
    add_s, add_rss, out = run_process(command, env)
    added = json.loads(out)
    assert added["indexed"], added
    print(f"add one paper ({ADD_ONE}) at {chunks} chunks: {add_s:.2f} s whole process, CPU {CPU_SECONDS[-1]:.2f} s "
          f"(in it: {', '.join(f'{k} {v:.2f}' for k, v in added['seconds'].items())} s); peak RSS {add_rss:.0f} MiB")  # fmt: skip

    index_mb = folder_mb(index_dir(settings))
    text_mb = sum(folder_mb(p) for p in index_dir(settings).glob("text-*") if p.is_dir())
    print(f"index on disk: {index_mb:.0f} MiB (text index {text_mb:.0f} MiB)")
    peak = max(max(r for _, r in colds), warm["rss_mb"], add_rss)
    load_after = load()
    print(f"peak RSS of the measured processes: {peak:.0f} MiB; load average {load_before:.2f} before, "
          f"{load_after:.2f} after")  # fmt: skip
    if args.keep:
        print(f"index kept in {home}")
    else:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps({"cold_search_s": round(cold, 3), "warm_p50_ms": round(p50, 2), "warm_p95_ms": round(p95, 2),
                          "peak_rss_mb": round(peak), "add_one_paper_s": round(add_s, 2), "index_mb": round(index_mb),
                          "corpus_index_s": round(corpus_s, 1), "chunks": chunks, "load_before": round(load_before, 2),
                          "load_after": round(load_after, 2)}))  # fmt: skip


if __name__ == "__main__":
    main()

"""Index benchmark: indexing speed on the corpus, query latency at corpus size and at 100k chunks.

    python bench/index.py [--corpus ../shared/corpus/papers] [--synthetic 100000] [--queries 100]

1. Indexes every PDF of the corpus into a fresh index (parse + MiniLM embeddings + Chroma writes):
   prints papers, chunks, seconds and chunks/s (parse and embedding shown apart).
2. Query latency (``paperpal.index.search``: query embedding + Chroma HNSW + BM25 + fusion),
   p50/p95 over ``--queries`` queries, at corpus size.
3. Adds synthetic chunks up to ``--synthetic`` (texts sampled from the corpus vocabulary, 40 chunks
   per synthetic paper).  Their dense vectors are random unit vectors: embedding 100k texts with
   MiniLM on 2 cores would take hours and does not change query cost (HNSW and BM25 costs depend on
   the counts, not on the values).  Then p50/p95 again (the first query, which builds the in-memory
   BM25 postings, is reported apart).
4. Peak memory (max RSS) of the process.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
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


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def time_queries(settings, queries: list[str]) -> list[float]:
    from paperpal.index import search

    out = []
    for query in queries:
        started = time.perf_counter()
        search(query, settings=settings, k=10)
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "papers")
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="paperpal-bench-"))
    os.environ["PAPERPAL_HOME"] = str(home)
    from paperpal.index import index_papers, search
    from paperpal.index.search import invalidate_cache
    from paperpal.index.store import PaperRecord, open_store
    from paperpal.pdf import parse_pdf
    from paperpal.settings import load_settings

    settings = load_settings()
    pdfs = sorted(args.corpus.glob("*.pdf"))
    print(f"corpus: {len(pdfs)} PDFs in {args.corpus}; cpus: {len(os.sched_getaffinity(0))}")

    started = time.perf_counter()
    papers = [parse_pdf(p) for p in pdfs]
    parse_s = time.perf_counter() - started
    chunks = sum(len(p.chunks) for p in papers)
    texts = [c.text for p in papers for c in p.chunks]
    print(f"parse alone: {parse_s:.1f} s ({chunks} chunks)")
    cpu = time.process_time()
    started = time.perf_counter()
    report = index_papers(pdfs, settings=settings)
    index_s = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(
        f"index (parse + embed + write), fresh: {index_s:.1f} s wall, {cpu:.1f} s CPU, {len(report.indexed)} papers, "
        f"{chunks} chunks -> {chunks / index_s:.1f} chunks/s; failed: {len(report.failed)} "
        f"{[Path(p).name for p, _ in report.failed]}"
    )
    started = time.perf_counter()
    again = index_papers(pdfs, settings=settings)
    print(f"re-index, nothing changed: {time.perf_counter() - started:.2f} s ({len(again.unchanged)} unchanged)")

    queries = [QUERIES[i % len(QUERIES)] + ("" if i < len(QUERIES) else f" {i}") for i in range(args.queries)]
    search(queries[0], settings=settings)  # warm: model load, BM25 build
    lat = time_queries(settings, queries)
    print(f"query latency at {chunks} chunks: p50 {percentile(lat, 50):.1f} ms, p95 {percentile(lat, 95):.1f} ms")

    if args.synthetic > chunks:
        vocabulary = sorted({w for t in texts for w in re.findall(r"[A-Za-z][a-z]{2,}", t)})
        rng, generator = random.Random(0), np.random.default_rng(0)
        store = open_store(settings)
        total = args.synthetic - chunks
        started = time.perf_counter()
        for start in range(0, total, 4000):
            count = min(4000, total - start)
            vectors = generator.standard_normal((count, 384)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            ids, docs, metas = [], [], []
            for j in range(count):
                n = start + j
                paper_id = f"synthetic{n // 40:06d}"
                ids.append(f"{paper_id}:{n % 40}")
                docs.append(" ".join(rng.choices(vocabulary, k=220)))
                metas.append({"paper_id": paper_id, "section_number": "1", "section_title": "Synthetic",
                              "section_path": "1 Synthetic", "page_start": 1, "page_end": 1, "char_start": 0,
                              "char_end": 0, "zotero_key": ""})  # fmt: skip
            store.add_chunks(ids, vectors, docs, metas)
            for paper in sorted({m["paper_id"] for m in metas}):
                store.put_record(
                    PaperRecord(paper, f"/synthetic/{paper}.pdf", title=paper, chunk_count=40, complete=True)
                )
        print(
            f"added {total} synthetic chunks in {time.perf_counter() - started:.1f} s "
            f"(random unit vectors; texts sampled from the corpus vocabulary)"
        )
        invalidate_cache()
        started = time.perf_counter()
        search(queries[0], settings=settings)
        print(f"first query at {args.synthetic} chunks (builds BM25 postings): {time.perf_counter() - started:.2f} s")
        lat = time_queries(settings, queries)
        print(
            f"query latency at {args.synthetic} chunks: p50 {percentile(lat, 50):.1f} ms, "
            f"p95 {percentile(lat, 95):.1f} ms, mean {statistics.mean(lat):.1f} ms"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()

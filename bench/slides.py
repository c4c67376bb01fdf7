"""Slides: non-LLM time per deck, and batch wall time with --jobs 1 vs --jobs 4 on the local model.

    python bench/slides.py [--papers N] [--minutes M] [--skip-batch] [--corpus DIR]

Part 1 (every paper, no model): parse, outline planning with the extractive fallback (a stand-in
backend that answers instantly with nothing usable), figure cropping and deck rendering, each
timed; target: parse + crop + render <= 1 s per paper.
Part 2 (the first N readable papers, the bundled local model): ``batch_slides`` wall time with
``jobs=1`` and ``jobs=4`` into fresh folders (the model is loaded once, before timing).  With one
in-process model the LLM calls are serialized, so jobs only overlap parsing, cropping and rendering
with generation; on an endpoint the calls themselves run in parallel.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "papers"


class InstantBackend:
    """Answers every slide request at once with nothing usable: only the non-LLM work is timed."""

    name, model, context_window = "instant", "none", 8192

    @property
    def profile(self):
        from paperpal.llm.base import Profile

        return Profile()  # treated as a capable endpoint: the longer excerpts, the larger plans

    def count_tokens(self, text: str) -> int:
        return len(text) // 4

    def complete_json(self, request, schema, *, cancel=None, on_text=None):
        from paperpal.llm.base import Completion

        return Completion("", data={"title": "", "details": [], "question": ""})


def non_llm(pdfs: list[Path], minutes: int) -> list[dict]:
    from paperpal.errors import PaperPalError
    from paperpal.export.pptx import build_deck
    from paperpal.pdf import parse_pdf
    from paperpal.pdf.figures import FigureCropper
    from paperpal.settings import load_settings
    from paperpal.slides.outline import make_outline

    settings = load_settings({})
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in pdfs:
            row = {"paper": pdf.name}
            try:
                t0 = time.perf_counter()
                paper = parse_pdf(pdf)
                t1 = time.perf_counter()
                with FigureCropper(paper) as cropper:
                    outline = make_outline(paper, settings=settings, backend=InstantBackend(), minutes=minutes,
                                           figure_ok=cropper.usable)  # fmt: skip
                    t2 = time.perf_counter()
                    build_deck(outline, Path(tmp) / "deck.pptx", cropper=cropper)
                t3 = time.perf_counter()
            except PaperPalError as err:
                row["error"] = err.line[:80]
                rows.append(row)
                continue
            figures = sum(1 for s in outline.slides if s.figure)
            row.update(parse=t1 - t0, outline_and_crop=t2 - t1, render=t3 - t2, total=t3 - t0, figures=figures)
            rows.append(row)
    return rows


def batch(pdfs: list[Path], minutes: int, jobs_list: list[int]) -> list[dict]:
    from paperpal.llm import get_backend
    from paperpal.settings import load_settings
    from paperpal.slides.batch import batch_slides

    settings = load_settings({"llm.backend": "local", "slides.minutes": minutes})
    backend = get_backend(settings)
    backend.count_tokens("warm up")  # load the model before timing
    out = []
    for jobs in jobs_list:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            report = batch_slides([(p, None) for p in pdfs], Path(tmp), settings=settings, backend=backend, jobs=jobs)
            wall = time.perf_counter() - t0
        out.append({"jobs": jobs, "papers": len(pdfs), "wall": wall, "done": report.count("done"),
                    "failed": report.count("failed")})  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--papers", type=int, default=40, help="papers for the local-model batch (default 40)")
    parser.add_argument("--minutes", type=int, default=15)
    parser.add_argument("--skip-batch", action="store_true", help="only the non-LLM part")
    args = parser.parse_args()
    pdfs = sorted(args.corpus.glob("*.pdf"))
    if not pdfs:
        sys.exit(f"no PDFs in {args.corpus}")
    rows = non_llm(pdfs, args.minutes)
    print(f"{'paper':58} {'parse':>6} {'plan+crop':>9} {'render':>6} {'total':>6} figs")
    for r in rows:
        if "error" in r:
            print(f"{r['paper'][:58]:58} skipped: {r['error']}")
        else:
            print(f"{r['paper'][:58]:58} {r['parse']:6.2f} {r['outline_and_crop']:9.2f} {r['render']:6.2f} "
                  f"{r['total']:6.2f} {r['figures']:4d}")  # fmt: skip
    ok = [r for r in rows if "error" not in r]
    totals = [r["total"] for r in ok]
    print(f"\nnon-LLM time per deck over {len(ok)} papers: mean {statistics.mean(totals):.2f} s, "
          f"median {statistics.median(totals):.2f} s, max {max(totals):.2f} s (target <= 1 s)")  # fmt: skip
    if args.skip_batch:
        return
    readable = [args.corpus / r["paper"] for r in ok][: args.papers]
    print(f"\nbatch on the bundled local model, {len(readable)} papers, {args.minutes}-minute decks:")
    for r in batch(readable, args.minutes, [1, 4]):
        print(f"  --jobs {r['jobs']}: {r['wall']:7.1f} s wall ({r['wall'] / r['papers']:.1f} s/paper), "
              f"{r['done']} done, {r['failed']} failed")  # fmt: skip


if __name__ == "__main__":
    main()

"""Parse speed over the whole corpus: paperpal's parser beside plain PyMuPDF and pymupdf4llm.

    pip install -e ".[bench]" && python bench/parse.py [CORPUS_DIR]

Prints papers/s and pages/s for each, in the same run on the same files, and the ratio
paperpal : pymupdf4llm (target: paperpal at least 10x faster).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

import pymupdf

from paperpal.errors import PaperPalError
from paperpal.pdf import parse_pdf

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "papers"


def plain_pymupdf(path: Path) -> None:
    with pymupdf.open(path) as doc:
        for page in doc:
            page.get_text()


def paperpal_parse(path: Path) -> None:
    parse_pdf(path)


def pymupdf4llm_markdown(path: Path) -> None:
    import pymupdf4llm

    with _quiet_stdout():  # it prints a notice per document about optional OCR
        pymupdf4llm.to_markdown(str(path), show_progress=False)


@contextlib.contextmanager
def _quiet_stdout():
    """Silence file descriptor 1 (the notice comes from below Python's sys.stdout)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def run(name: str, fn, files: list[Path], pages: int) -> float:
    start = time.perf_counter()
    failed = 0
    for path in files:
        try:
            fn(path)
        except (PaperPalError, RuntimeError, ValueError) as exc:  # count, don't stop the benchmark
            failed += 1
            print(f"  {name}: {path.name} failed: {exc}", file=sys.stderr)
    seconds = time.perf_counter() - start
    print(f"{name:<22}{seconds:>9.2f} s{len(files) / seconds:>11.2f} papers/s{pages / seconds:>11.1f} pages/s"
          f"{'' if not failed else f'   ({failed} failed)'}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=Path(os.environ.get("PAPERPAL_CORPUS", DEFAULT_CORPUS)))
    ap.add_argument("--limit", type=int, help="only the first N papers")
    args = ap.parse_args()
    files = sorted(args.corpus.glob("*.pdf"))[: args.limit]
    if not files:
        sys.exit(f"Error: no PDFs in {args.corpus} (pass the corpus folder)")
    pages = sum(pymupdf.open(f).page_count for f in files)
    print(f"{len(files)} papers, {pages} pages, {os.cpu_count()} CPUs, pymupdf {pymupdf.VersionBind}")
    times = {
        "plain pymupdf": run("plain pymupdf", plain_pymupdf, files, pages),
        "paperpal parse": run("paperpal parse", paperpal_parse, files, pages),
    }
    try:
        import pymupdf4llm
    except ImportError:
        print("pymupdf4llm not installed: pip install -e '.[bench]'")
        return
    times["pymupdf4llm"] = run(f"pymupdf4llm {pymupdf4llm.__version__}", pymupdf4llm_markdown, files, pages)
    ratio = times["pymupdf4llm"] / times["paperpal parse"]
    print(f"paperpal parse is {ratio:.1f}x faster than pymupdf4llm.to_markdown (target >= 10x)")


if __name__ == "__main__":
    main()

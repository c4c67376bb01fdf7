"""Deck quality on the bundled model: automatic counts per deck (:mod:`paperpal.slides.quality`) and the time.

    python bench/deck_quality.py [--split eval|train] [--papers N] [--minutes 15] [--out DIR] [--json]

For each paper of the split (the 10 eval papers by default; MANIFEST order) it makes the outline of a
``--minutes`` talk with the settings' model (the bundled one on a fresh install) and prints: slides, bullets,
duplicates, fragments, garbled (formula/table text), cut titles, template questions (PaperPal's question
because the model's was unusable), model-written titles, slides whose bullets are all the model's, and
seconds.  ``--out`` also writes each outline as Markdown and JSON there, to read and hand-judge.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "papers")
    parser.add_argument("--split", default="eval", choices=["eval", "train"])
    parser.add_argument("--papers", type=int, default=0, help="only the first N papers")
    parser.add_argument("--minutes", type=int, default=15)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from paperpal.pdf import parse_pdf
    from paperpal.settings import load_settings
    from paperpal.slides.markdown import outline_markdown
    from paperpal.slides.outline import make_outline
    from paperpal.slides.quality import deck_counts

    settings = load_settings()
    rows = [line.split("\t") for line in (args.corpus / "SPLITS.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    names = [name for name, split in rows if split.strip() == args.split][: args.papers or None]
    totals: dict[str, float] = {}
    report = {}
    for name in names:
        paper = parse_pdf(args.corpus / name)
        started = time.perf_counter()
        outline = make_outline(paper, settings=settings, minutes=args.minutes)
        counts = {**deck_counts(outline, paper.full_text), "seconds": round(time.perf_counter() - started, 1)}
        report[name] = counts
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        print(name, " ".join(f"{k}={v}" for k, v in counts.items()), flush=True)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            stem = Path(name).stem
            (args.out / f"{stem}.md").write_text(outline_markdown(outline), encoding="utf-8")
            (args.out / f"{stem}.json").write_text(json.dumps(outline.to_dict(), ensure_ascii=False, indent=1),
                                                   encoding="utf-8")  # fmt: skip
    print("total", " ".join(f"{k}={round(v, 1)}" for k, v in totals.items()))
    if args.json:
        print(json.dumps({"decks": report, "total": totals}))


if __name__ == "__main__":
    main()

"""Build ``paperpal/text/data/general_words.txt``: the word stems that most papers use (the support check lets a
statement paraphrase with these, while every rarer content word must stand in the passage).

A stem is general when at least ``SHARE`` of the readable English ``train``-split papers of the corpus use it
(``eval`` papers are never read).  Run: ``python training/general_words.py ../shared/corpus/papers``.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from paperpal.pdf import parse_pdf
from paperpal.text.facts import tokenize

SHARE = 0.4
OUT = Path(__file__).resolve().parents[1] / "paperpal" / "text" / "data" / "general_words.txt"


def main(corpus: Path) -> None:
    with (corpus / "SPLITS.tsv").open(encoding="utf-8") as fh:
        train = [row["file"] for row in csv.DictReader(fh, delimiter="\t") if row["split"] == "train"]
    df: Counter[str] = Counter()
    papers = 0
    for name in train:
        paper = parse_pdf(corpus / name)
        if paper.text_status != "ok" or paper.language != "en":
            continue
        papers += 1
        df.update({t.key for t in tokenize(paper.full_text) if t.kind == "word"})
    general = sorted(word for word, count in df.items() if count >= SHARE * papers)
    header = f"# word stems used by at least {SHARE:.0%} of {papers} train-split papers (training/general_words.py)\n"
    OUT.write_text(header + "\n".join(general) + "\n", encoding="utf-8")
    print(f"{len(general)} general stems from {papers} papers -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

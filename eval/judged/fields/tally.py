"""Field fit of reading notes on train-split papers, against the hand labels in ``labels_train.jsonl``.

Usage: ``python eval/judged/fields/tally.py DIR`` where DIR holds ``paperpal summarize --no-llm --json`` output for
train-split papers, one ``<stem>.json`` per paper (see README.md).  Each entry of each note (one-sentence summary,
problem, method and results details, strengths, weaknesses) is looked up by (paper, field, text); prints the labels
per field, and the entries no label covers (a changed note: label them before reading the figure).
"""

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ("one_sentence", "problem", "method", "results", "strengths", "weaknesses")


def entries(note: dict) -> list[tuple[str, str]]:
    out = [(f, note[f]) for f in ("one_sentence", "problem") if note.get(f)]
    out += [(f, e["detail"]) for f in ("method", "results") for e in note.get(f) or []]
    out += [(f, e["text"]) for f in ("strengths", "weaknesses") for e in note.get(f) or []]
    return out


def main(folder: str) -> None:
    labels = {}
    for line in (HERE / "labels_train.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels[(row["paper"], row["field"], row["text"])] = row["label"]
    per_field: dict[str, Counter] = {f: Counter() for f in FIELDS}
    missing = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue  # a paper PaperPal could not read (a scan): its error went to stderr
        for field, text in entries(note):
            label = labels.get((path.stem, field, text))
            per_field[field][label or "unlabelled"] += 1
            if label is None:
                missing.append(f"{path.stem} {field}: {text[:100]}")
    total = sum(per_field.values(), Counter())
    n = sum(total.values())
    for field in FIELDS:
        c = per_field[field]
        print(f"{field:13} good {c['good']:3} of {sum(c.values()):3}  {dict(c)}")
    print(f"{'all':13} good {total['good']:3} of {n:3} ({total['good'] / max(n, 1):.0%})  {dict(total)}")
    for line in missing:
        print("unlabelled:", line)


if __name__ == "__main__":
    main(sys.argv[1])

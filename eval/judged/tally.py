"""Recount the hand-judged tables: python eval/judged/tally.py"""

import collections
import json
from pathlib import Path

HERE = Path(__file__).parent


def load(version: str) -> dict:
    out = {}
    for path in sorted((HERE / version).glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out[path.stem] = (rows[:-1], rows[-1])
    return out


def main() -> None:
    later = sorted((p.name for p in HERE.glob("v[0-9]*") if p.is_dir()), key=lambda name: int(name[1:]))
    versions = {v: load(v) for v in ("old", "new", *later)}
    print("| lang | pipeline | notes | statements | supported | partly | unsupported | contradict the paper | mean rating |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lang in ("en", "zh"):
        for version, notes in versions.items():
            chosen = [v for k, v in notes.items() if k.endswith("." + lang)]
            labels = collections.Counter(r["label"] for st, _ in chosen for r in st)
            n = sum(labels.values())
            contradict = sum(bool(r.get("contradicts")) for st, _ in chosen for r in st)
            rating = sum(note["rating"] for _, note in chosen) / len(chosen)
            cells = " | ".join(f"{labels[k]} ({labels[k] / n:.0%})" for k in ("supported", "partly", "unsupported"))
            print(f"| {lang} | {version} | {len(chosen)} | {n} | {cells} | {contradict} | {rating:.1f} |")


if __name__ == "__main__":
    main()

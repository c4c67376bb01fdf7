"""Cross-paper questions: does ``ask`` find a passage that answers it in every paper it needs?

    python bench/ask_cross.py [--set dev|heldout|both] [--sources 4] [--answer] [--json]

The labelled set (``eval/ask_cross/``, train-split papers only; see its README) gives, per question, the papers it
needs and for each the passages (page, verbatim quote) that answer it.  This script indexes every train-split paper
into a temporary PaperPal home, then for each question runs ``ask``'s retrieval (named papers, per-paper search:
:func:`paperpal.tasks.ask.retrieve`) with ``--sources`` sources (4: what the bundled model gets; 8: an endpoint)
and reports

- named: the share of questions whose needed papers are all among the papers the question was found to name;
- recall: the share of questions with a correct passage from *every* paper they need (a source from that paper
  whose pages hold a labelled passage and whose text holds at least :data:`OVERLAP` of the passage's terms);
- paper recall: the same per (question, paper).

With ``--answer`` it also runs the whole of ``ask`` on the bundled model and reports answer support: the share of
claims the model wrote that passed the support check (the rest are the papers' own words), the share of
questions whose answer has a claim from every needed paper, and the share whose answer shows, from every needed
paper, a statement holding a labelled passage (on its page, :data:`OVERLAP` of its terms).  The dev half was looked at while the naming rules
were written; the held-out half was not (report that one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SETS = REPO / "eval" / "ask_cross"
OVERLAP = 0.8


def load(name: str) -> list[dict]:
    names = ("dev", "heldout") if name == "both" else (name,)
    out = []
    for part in names:
        for line in (SETS / f"{part}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append({**json.loads(line), "set": part})
    return out


def answers(passage: dict, text: str, page_start: int, page_end: int) -> bool:
    """Whether a retrieved chunk holds a labelled passage: on its pages, with most of its terms."""
    from paperpal.index.lexical import tokens

    if not page_start <= passage["page"] <= page_end:
        return False
    wanted = set(tokens(passage["quote"]))
    return bool(wanted) and len(wanted & set(tokens(text))) >= OVERLAP * len(wanted)


def index_train_papers(corpus: Path, settings) -> dict[str, str]:
    """file name -> paper id for every indexed train-split paper."""
    from paperpal.index import index_papers
    from paperpal.index.indexer import paper_id_of

    rows = [line.split("\t") for line in (corpus / "SPLITS.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    files = [corpus / name for name, split in rows if split.strip() == "train"]
    index_papers(files, settings=settings)
    return {path.name: paper_id_of(path) for path in files}


def evaluate(questions: list[dict], ids: dict[str, str], settings, sources: int) -> dict:
    from paperpal.index.embedders import get_embedder
    from paperpal.index.named_papers import named_in_scope
    from paperpal.tasks.ask import retrieve

    embedder = get_embedder(settings)
    rows = []
    for q in questions:
        named = named_in_scope(q["question"], settings=settings)
        hits = retrieve(q["question"], named, sources, settings=settings, embedder=embedder)
        found = {}
        for name, passages in q["papers"].items():
            pid = ids[name]
            found[name] = any(h.paper_id == pid and answers(p, h.text, h.page_start, h.page_end)
                              for h in hits for p in passages)  # fmt: skip
        needed = {ids[name] for name in q["papers"]}
        rows.append({"id": q["id"], "set": q["set"], "named_all": needed <= set(named), "found": found,
                     "recall": all(found.values())})  # fmt: skip
    n = len(rows) or 1
    pairs = [v for r in rows for v in r["found"].values()]
    return {"questions": len(rows), "named": sum(r["named_all"] for r in rows) / n,
            "recall": sum(r["recall"] for r in rows) / n, "paper_recall": sum(pairs) / (len(pairs) or 1),
            "rows": rows}  # fmt: skip


def answer_support(questions: list[dict], ids: dict[str, str], settings) -> dict:
    from paperpal.tasks.ask import ask

    claims = model = every = shown = pairs = paper_shown = 0
    seconds = []
    for q in questions:
        started = time.monotonic()
        result = ask(q["question"], settings=settings)
        seconds.append(time.monotonic() - started)
        claims += sum(c.origin != "added" for c in result.claims)
        model += sum(c.origin == "model" for c in result.claims)
        every += {ids[name] for name in q["papers"]} <= {c.paper_id for c in result.claims}
        found = [any(c.paper_id == ids[name] and c.page and answers(p, f"{c.text} {c.quote}", c.page, c.page)
                     for c in result.claims for p in passages) for name, passages in q["papers"].items()]  # fmt: skip
        shown += all(found)
        pairs += len(found)
        paper_shown += sum(found)
    n = len(questions) or 1
    return {"claims": claims, "model_supported": model / (claims or 1), "every_paper": every / n,
            "answered": shown / n, "answered_per_paper": paper_shown / (pairs or 1),
            "seconds_median": sorted(seconds)[len(seconds) // 2] if seconds else 0.0}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="both", choices=["dev", "heldout", "both"])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "papers")
    parser.add_argument("--sources", type=int, default=4)
    parser.add_argument("--answer", action="store_true", help="also run ask on the bundled model")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="paperpal-askcross-")
    os.environ["PAPERPAL_HOME"] = home
    from paperpal.settings import load_settings

    settings = load_settings()
    ids = index_train_papers(args.corpus, settings)
    report = {}
    for part in (("dev", "heldout") if args.set == "both" else (args.set,)):
        questions = load(part)
        result = evaluate(questions, ids, settings, args.sources)
        if args.answer:
            result["answer"] = answer_support(questions, ids, settings)
        report[part] = result
        line = (f"{part}: {result['questions']} questions, sources {args.sources}: all needed papers named "
                f"{result['named']:.0%}, recall (a correct passage from every paper) {result['recall']:.0%}, "
                f"per paper {result['paper_recall']:.0%}")  # fmt: skip
        if args.answer:
            a = result["answer"]
            line += (f"; answers: {a['claims']} model claims, {a['model_supported']:.0%} passed the support check, "
                     f"{a['every_paper']:.0%} of answers cite every needed paper, {a['answered']:.0%} show a labelled "
                     f"passage from every needed paper ({a['answered_per_paper']:.0%} per paper), median "
                     f"{a['seconds_median']:.1f} s")  # fmt: skip
        print(line)
        for row in result["rows"]:
            if not row["recall"]:
                missed = [name for name, ok in row["found"].items() if not ok]
                print(f"  missed {row['id']}: {', '.join(missed)}{'' if row['named_all'] else ' (not all named)'}")
    if args.json:
        print(json.dumps({k: {x: y for x, y in v.items() if x != "rows"} for k, v in report.items()}))


if __name__ == "__main__":
    main()

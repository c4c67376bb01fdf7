"""``finetune eval``: does a (fine-tuned) model write compliant, faithful, covering summaries, and how fast?

- compliance: the note has every template field, non-empty (a run that fails to produce a note counts as 0);
- faithfulness: the share of numbers and named entities in the note that occur in the paper's text: of the model's
  first draft, of the draft ``summarize`` kept as the model wrote it (the local model with an adapter may write
  several, see ``llm.local_summary_drafts``), and of the note ``summarize`` prints (after
  :func:`~..tasks.summary.checked`);
- coverage (PaperQuiz-style): quiz items are the abstract's and conclusion's sentences that carry a number or a
  named entity; the note answers an item when it states one of that sentence's facts;
- speed: generated tokens per second (over every draft) and wall time per paper.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import PaperPalError, check_cancelled
from ..model import Paper
from ..tasks.grounding import Source, facts, norm
from ..tasks.paper_text import sentences
from ..tasks.summary import SummaryNote, checked, claims_text, summarize

FIELDS = ("keywords", "one_sentence", "problem", "method", "results", "strengths", "weaknesses")


def compliance(note: SummaryNote | None) -> float:
    if note is None:
        return 0.0
    return 1.0 if all(getattr(note, f) for f in FIELDS) else 0.0


def share(found: int, missing: int) -> float:
    """The share of stated facts the paper contains (a note that states none is not unfaithful)."""
    return found / (found + missing) if found + missing else 1.0


def faithfulness(note: SummaryNote, paper: Paper) -> float:
    return share(*Source(paper).tally(claims_text(note)))


def quiz(paper: Paper) -> list[set[str]]:
    """One quiz item per fact-bearing sentence of the abstract and the conclusion."""
    conclusion = next((s for s in paper.all_sections() if re.search(r"conclu|总结|结论", s.title, re.IGNORECASE)), None)
    text = paper.abstract
    if conclusion is not None:
        text += "\n" + "\n".join(c.text for c in paper.chunks if c.section_title == conclusion.title)
    return [f for f in (facts(s) for s in sentences(text)) if f]


def coverage(note: SummaryNote, paper: Paper) -> float | None:
    items = quiz(paper)
    if not items:
        return None
    said = norm(claims_text(note))
    return sum(1 for item in items if any(norm(f) in said for f in item)) / len(items)


@dataclass
class PaperScore:
    paper: str
    compliance: float
    faithfulness: float | None
    coverage: float | None
    seconds: float
    tokens_per_second: float | None
    error: str | None = None
    faithfulness_as_written: float | None = None
    faithfulness_first_draft: float | None = None  # of the model's first draft (summarize may keep a later one)
    drafts: int = 0


@dataclass
class ModelScore:
    name: str
    papers: list[PaperScore] = field(default_factory=list)

    def mean(self, metric: str) -> float | None:
        values = [getattr(p, metric) for p in self.papers if getattr(p, metric) is not None]
        return round(sum(values) / len(values), 4) if values else None

    def to_dict(self) -> dict:
        metrics = ("compliance", "faithfulness_first_draft", "faithfulness_as_written", "faithfulness", "coverage",
                   "seconds", "tokens_per_second", "drafts")  # fmt: skip
        summary = {m: self.mean(m) for m in metrics}
        return {"name": self.name, **summary, "papers": [asdict(p) for p in self.papers]}


def score_model(
    name: str,
    papers: Iterable[Paper],
    *,
    settings,
    backend,
    lang: str = "en",
    on_progress: Callable[[str], None] | None = None,
    cancel=None,
) -> ModelScore:
    """Summarize every paper with ``backend`` and score the notes (coverage and compliance of the checked note)."""
    score = ModelScore(name)
    for paper in papers:
        check_cancelled(cancel, "Evaluation cancelled")
        if on_progress:
            on_progress(f"{name}: {Path(paper.path).name}")
        started = time.monotonic()
        try:
            written = summarize(paper, settings=settings, backend=backend, lang=lang, cancel=cancel, check=False)
        except PaperPalError as exc:
            if exc.exit_code == 130:
                raise
            score.papers.append(PaperScore(Path(paper.path).name, 0.0, None, None, time.monotonic() - started, None,
                                           exc.line))  # fmt: skip
            continue
        note, _ = checked(written, paper, small_model=backend.name == "local")
        seconds = time.monotonic() - started
        drafts = note.provenance["drafts"]
        tokens = sum(d["completion_tokens"] or 0 for d in drafts)  # every draft took its share of the time
        score.papers.append(
            PaperScore(
                Path(paper.path).name,
                compliance(note),
                round(faithfulness(note, paper), 4),
                None if (c := coverage(note, paper)) is None else round(c, 4),
                round(seconds, 2),
                round(tokens / seconds, 2) if seconds else None,
                faithfulness_as_written=round(faithfulness(written, paper), 4),
                faithfulness_first_draft=round(share(drafts[0]["facts_in_paper"], drafts[0]["facts_not_in_paper"]), 4),
                drafts=len(drafts),
            )
        )
    return score

"""``finetune eval``: how well a model does the note's one model task, and what the notes hold.

Every note statement is checked (:mod:`paperpal.text.support`) before it is kept, so the kept notes are supported by
construction; what differs between models is how often the model's own statement passes, and how much of the note
is therefore the model's condensed statements rather than the paper's own words.  Per model and paper:

- acceptance per field: of the statements the model wrote (one per attempt), the share the check accepted;
- condensed share: the kept statements the model wrote (the rest are the paper's own words);
- coverage (PaperQuiz-style): quiz items are the abstract's and conclusion's sentences that carry a number or a name;
  the note answers an item when it states one of that sentence's numbers or names;
- in language: the share of statements written in the note's language (a Chinese note must not show English);
- seconds per note (the whole ``summarize`` call: choosing passages, every model call, every check).

These are automatic figures; the hand-judged reading of the notes (supported / partly / unsupported per statement)
is kept beside the README (``eval/judged/``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import PaperPalError, check_cancelled
from ..model import Paper
from ..note import SummaryNote
from ..tasks.condense import ZH_SHARE
from ..tasks.note_plan import FIELDS
from ..tasks.passages import PaperSentences
from ..tasks.summary import summarize
from ..text.facts import tokenize
from ..text.normal import has_cjk


def _facts(text: str) -> set[str]:
    """Numbers (more than one digit) and names a text states."""
    return {t.key for t in tokenize(text) if (t.kind == "num" and len(t.key) > 1) or t.kind == "name"}


def quiz(paper: Paper) -> list[set[str]]:
    """One quiz item per fact-bearing sentence of the abstract and the conclusion."""
    index = PaperSentences(paper)
    return [f for f in (_facts(s.text) for s in index.sentences if s.kind in ("abstract", "conclusion")) if f]


def coverage(note: SummaryNote, paper: Paper) -> float | None:
    items = quiz(paper)
    if not items:
        return None
    said = set().union(*(_facts(text) for _, text, _, _ in note.statements())) if note.statements() else set()
    return sum(1 for item in items if item & said) / len(items)


def in_language(note: SummaryNote) -> float | None:
    texts = [text for _, text, _, _ in note.statements()]
    if not texts:
        return None
    return sum(1 for t in texts if has_cjk(t, ZH_SHARE) == (note.language == "zh")) / len(texts)


@dataclass
class PaperScore:
    paper: str
    statements: int
    condensed: int  # statements the model wrote and the check accepted
    quoted: int  # statements in the paper's own words
    attempts: dict[str, list[int]]  # field -> [accepted, written]: the model's statements and the check's verdicts
    coverage: float | None
    in_language: float | None
    seconds: float
    error: str | None = None


@dataclass
class ModelScore:
    name: str
    papers: list[PaperScore] = field(default_factory=list)

    def mean(self, metric: str) -> float | None:
        values = [getattr(p, metric) for p in self.papers if getattr(p, metric) is not None and p.error is None]
        return round(sum(values) / len(values), 4) if values else None

    def acceptance(self, name: str | None = None) -> float | None:
        """Of the statements the model wrote (for field ``name``, or all), the share the check accepted."""
        pairs = [p.attempts.get(f, [0, 0]) for p in self.papers for f in ([name] if name else FIELDS)]
        written = sum(w for _, w in pairs)
        return round(sum(a for a, _ in pairs) / written, 4) if written else None

    def to_dict(self) -> dict:
        kept = sum(p.statements for p in self.papers)
        return {
            "name": self.name,
            "statements": self.mean("statements"),
            "condensed_share": round(sum(p.condensed for p in self.papers) / kept, 4) if kept else None,
            "acceptance": self.acceptance(),
            "acceptance_by_field": {f: self.acceptance(f) for f in FIELDS},
            "coverage": self.mean("coverage"),
            "in_language": self.mean("in_language"),
            "seconds": self.mean("seconds"),
            "papers": [asdict(p) for p in self.papers],
        }


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
    """Summarize every paper with ``backend`` and score the notes (see the module docstring)."""
    score = ModelScore(name)
    # the model is what is scored, in every language it is asked for
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"local_translate": True})})
    for paper in papers:
        check_cancelled(cancel, "Evaluation cancelled")
        if on_progress:
            on_progress(f"{name}: {Path(paper.path).name}")
        started = time.monotonic()
        try:
            note = summarize(paper, settings=settings, backend=backend, lang=lang, cancel=cancel)
        except PaperPalError as exc:
            if exc.exit_code == 130:
                raise
            score.papers.append(PaperScore(Path(paper.path).name, 0, 0, 0, {}, None, None,
                                           round(time.monotonic() - started, 2), exc.line))  # fmt: skip
            continue
        counts = note.origin_counts()
        score.papers.append(
            PaperScore(
                Path(paper.path).name,
                counts["model"] + counts["paper"],
                counts["model"],
                counts["paper"],
                note.provenance.get("attempts", {}),
                None if (c := coverage(note, paper)) is None else round(c, 4),
                None if (s := in_language(note)) is None else round(s, 4),
                round(time.monotonic() - started, 2),
            )
        )
    return score

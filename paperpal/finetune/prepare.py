"""``finetune prepare``: build training examples for the bundled model's note task from the user's papers.

The task is the one :mod:`paperpal.tasks.condense` runs: a passage of a paper (adjacent sentences of one section) in,
an aspect label and one statement in the note's language out.  Every example's input is the exact prompt the local
backend builds at inference time; the target comes

- from curated files (``training/condense/<paper>.jsonl``, hand-written: ``{"paper", "section", "page", "role",
  "passage", "en": {"aspect", "statement"}, "zh": {...}}``), one example per row and language; or
- from a teacher (a strong OpenAI-compatible model given that same prompt) for the passages the note pipeline
  chooses in each paper (:func:`~paperpal.tasks.note_plan.plan_note`).

A target is kept only when it is usable (one sentence in its language) and, for the teacher's, when it passes the
support check against its passage (:mod:`paperpal.text.support`): the model learns only statements the note would
keep.  Appends one line per example as it goes, so a stopped run (or a failing teacher) resumes where it was.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BackendError, InputFileError, PaperPalError, check_cancelled
from ..llm.base import Backend
from ..pdf import parse_pdf
from ..tasks.condense import ROLES, condense_request, parse_reply, target_text
from ..tasks.note_plan import FIELDS, WANTED, plan_note
from ..tasks.passages import PaperSentences
from ..tasks.summary import check_readable
from ..text.support import check
from .dataset import Example, InvalidTarget, check_target, read_examples

FIELD_OF_ROLE = {role: name for name, (role, _, _) in ROLES.items()}
CURATED_FIELDS = ("paper", "section", "role", "passage")


@dataclass
class PrepareReport:
    written: int = 0
    skipped: int = 0  # already in the output (resume)
    without_target: list[str] = field(default_factory=list)  # papers with no curated rows and no teacher
    failed: list[tuple[str, str]] = field(default_factory=list)  # (paper, one-line reason)


def load_curated(path: Path) -> dict[str, list[dict]]:
    """Curated rows by paper file name, from a folder of JSONL files or one JSONL file (malformed rows are errors)."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    rows: dict[str, list[dict]] = {}
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{file.name}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"Curated file {where} is not JSON ({exc.msg})", hint="fix or remove the line") from None
            missing = [k for k in CURATED_FIELDS if not row.get(k)]
            if missing or row["role"] not in FIELD_OF_ROLE or not any(row.get(lang) for lang in ("en", "zh")):
                why = f"missing {', '.join(missing)}" if missing else f"role {row['role']!r} or targets"
                raise InputFileError(f"Curated row {where} is not usable ({why})", hint="see training/README.md")
            rows.setdefault(row["paper"], []).append(row)
    return rows


def example_for(paper, student: Backend, lang: str, *, section: str, field_name: str, passage: str, aspect: str,
                statement: str, variant: str) -> Example:  # fmt: skip
    request = condense_request(paper.title or "the paper", section, field_name, passage, lang)
    return Example(paper_id=paper.id, paper=Path(paper.path).name, lang=lang, variant=variant,
                   prompt=student.format_prompt(request), target=target_text(aspect, statement, lang))  # fmt: skip


def _append(output: Path, example: Example) -> None:
    with output.open("a", encoding="utf-8") as fh:  # one write per line: a crash leaves at most one bad line
        fh.write(example.to_json() + "\n")
        fh.flush()


def _curated(paper, student: Backend, rows: list[dict], langs: list[str]) -> Iterable[Example]:
    for row in rows:
        for lang in langs:
            target = row.get(lang)
            if not target:
                continue
            yield example_for(paper, student, lang, section=row["section"], field_name=FIELD_OF_ROLE[row["role"]],
                              passage=row["passage"], aspect=target["aspect"], statement=target["statement"],
                              variant="curated")  # fmt: skip


def _taught(paper, student: Backend, teacher: Backend, langs: list[str], pace: Callable[[], None], cancel):
    """Examples the teacher writes for the passages the note pipeline picks in ``paper`` (checked ones only)."""
    index = PaperSentences(paper)
    plan = plan_note(index)
    for name in FIELDS:
        for pick in plan.of(name)[: WANTED[name]]:
            section = pick.run[0].section.label
            for lang in langs:
                check_cancelled(cancel, "Preparation cancelled")
                pace()
                request = condense_request(paper.title or "the paper", section, name, pick.text, lang)
                reply = teacher.complete(request, cancel=cancel).text
                parsed = parse_reply(reply, lang)
                if parsed is None:
                    continue
                aspect, statement = parsed
                try:
                    check_target(target_text(aspect, statement, lang), lang)
                except InvalidTarget:
                    continue
                if not check(statement, [s.text for s in pick.run], context=index.context).supported:
                    continue
                yield example_for(paper, student, lang, section=section, field_name=name, passage=pick.text,
                                  aspect=aspect, statement=statement, variant="teacher")  # fmt: skip


def prepare(
    pdfs: Iterable[Path],
    output: Path,
    *,
    student: Backend,
    teacher: Backend | None = None,
    curated: dict[str, list[dict]] | None = None,
    langs: Iterable[str] = ("en", "zh"),
    min_interval: float = 0.0,
    on_progress: Callable[[int, int, str], None] | None = None,
    cancel=None,
) -> PrepareReport:
    """Write examples for ``pdfs`` to ``output`` (JSONL, appended; a paper already there is skipped).

    A paper's examples come from its ``curated`` rows when it has any, else from ``teacher`` (rate-limited to one
    call per ``min_interval`` seconds).
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    done = {e.paper for e in read_examples(output).examples} if output.exists() else set()
    langs, curated, pdfs = list(langs), curated or {}, list(pdfs)
    report = PrepareReport()
    last_call = [0.0]

    def pace() -> None:
        time.sleep(max(0.0, last_call[0] + min_interval - time.monotonic()))
        last_call[0] = time.monotonic()

    for number, pdf in enumerate(pdfs):
        check_cancelled(cancel, "Preparation cancelled")
        name = Path(pdf).name
        if on_progress:
            on_progress(number, len(pdfs), name)
        if name in done:
            report.skipped += 1
            continue
        if name not in curated and teacher is None:
            report.without_target.append(name)
            continue
        try:
            paper = parse_pdf(pdf)
            check_readable(paper)
            examples = (_curated(paper, student, curated[name], langs) if name in curated
                        else _taught(paper, student, teacher, langs, pace, cancel))  # fmt: skip
            for example in examples:
                _append(output, example)
                report.written += 1
        except BackendError as exc:
            report.failed.append((name, exc.line))
        except PaperPalError as exc:
            if exc.exit_code == 130:
                raise
            report.failed.append((name, exc.line))
    if on_progress:
        on_progress(len(pdfs), len(pdfs), "")
    return report


"""``finetune prepare``: build training examples from the user's papers.

Every example's input is the exact prompt the local backend builds for the summary task; the target comes from a
teacher (a strong OpenAI-compatible model given that same prompt and the small model's note schema) or from a
curated file written by hand.  Appends one line per example as it goes, so a run stopped mid-way (or a teacher that
fails) resumes where it was: examples already in the output are skipped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BackendError, InputFileError, PaperPalError, check_cancelled
from ..llm.base import Backend
from ..llm.json_output import InvalidJSON
from ..pdf import parse_pdf
from ..tasks.summary import LOCAL_EXCERPT_TOKENS, build_request, check_readable, note_schema
from .dataset import Example, check_target, read_examples, target_text

VARIANTS = {"default": LOCAL_EXCERPT_TOKENS, "short": 1500}  # inference uses "default"; "short" adds robustness


@dataclass
class PrepareReport:
    written: int = 0
    skipped: int = 0  # already in the output (resume)
    without_target: list[str] = field(default_factory=list)  # no curated target and no teacher: left out
    failed: list[tuple[str, str]] = field(default_factory=list)  # (paper, one-line reason)


def load_curated(path: Path) -> dict[tuple[str, str], dict]:
    """Curated targets: a folder of ``<stem>.<lang>.json`` files ``{"paper", "lang", "target"}`` or one JSONL."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    rows: list[dict] = []
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
            rows += (
                [json.loads(line) for line in text.splitlines() if line.strip()]
                if file.suffix == ".jsonl"
                else [json.loads(text)]
            )
        except (OSError, json.JSONDecodeError) as exc:
            raise InputFileError(f"Curated file {file} is not readable JSON ({exc})", hint="fix or remove it") from None
    curated = {}
    for row in rows:
        try:
            check_target(target_text(row["target"]), row["lang"])
        except (KeyError, TypeError, InvalidJSON) as exc:
            raise InputFileError(
                f"Curated entry for {row.get('paper', '?')} does not match the note schema ({exc})",
                hint="fix the entry; `paperpal finetune validate` lists every problem",
            ) from None
        curated[(row["paper"], row["lang"])] = row["target"]
    return curated


def example_for(paper, student: Backend, lang: str, variant: str, target: dict) -> Example:
    request, _ = build_request(paper, student, lang, excerpt_tokens=VARIANTS[variant])
    return Example(
        paper_id=paper.id,
        paper=Path(paper.path).name,
        lang=lang,
        variant=variant,
        prompt=student.format_prompt(request),
        target=target_text(target),
    )


def _append(output: Path, example: Example) -> None:
    with output.open("a", encoding="utf-8") as fh:  # one write per line: a crash leaves at most one bad line
        fh.write(example.to_json() + "\n")
        fh.flush()


def prepare(
    pdfs: Iterable[Path],
    output: Path,
    *,
    student: Backend,
    teacher: Backend | None = None,
    curated: dict[tuple[str, str], dict] | None = None,
    langs: Iterable[str] = ("en", "zh"),
    variants: Iterable[str] = ("default",),
    min_interval: float = 0.0,
    on_progress: Callable[[int, int, str], None] | None = None,
    cancel=None,
) -> PrepareReport:
    """Write examples for ``pdfs`` to ``output`` (JSONL, appended; resumable).

    A target comes from ``curated`` when it has the paper (by file name) and language, else from ``teacher``
    (rate-limited to one call per ``min_interval`` seconds).  The teacher writes one target per paper and language,
    from the default-variant prompt; other variants reuse it with their own (shorter) inputs.
    """
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    done = {(e.paper, e.lang, e.variant) for e in read_examples(output).examples} if output.exists() else set()
    langs, variants, curated = list(langs), list(variants), curated or {}
    pdfs = list(pdfs)
    report, last_call = PrepareReport(), 0.0
    for index, pdf in enumerate(pdfs):
        check_cancelled(cancel, "Preparation cancelled")
        if on_progress:
            on_progress(index, len(pdfs), Path(pdf).name)
        wanted = [(lang, v) for lang in langs for v in variants if (Path(pdf).name, lang, v) not in done]
        report.skipped += len(langs) * len(variants) - len(wanted)
        if teacher is None:  # curated only: papers without a hand-written target are simply not part of the set
            missing = [(lang, v) for lang, v in wanted if (Path(pdf).name, lang) not in curated]
            report.without_target += sorted({f"{Path(pdf).name} ({lang})" for lang, _ in missing})
            wanted = [w for w in wanted if w not in missing]
        if not wanted:
            continue
        try:
            paper = parse_pdf(pdf)
            check_readable(paper)
        except PaperPalError as exc:
            report.failed.append((Path(pdf).name, exc.line))
            continue
        for lang in dict.fromkeys(lang for lang, _ in wanted):
            target = curated.get((Path(pdf).name, lang))
            if target is None:
                time.sleep(max(0.0, last_call + min_interval - time.monotonic()))
                request, _ = build_request(paper, student, lang)
                request.max_tokens = max(request.max_tokens, 3000)
                try:
                    target = teacher.complete_json(request, note_schema(True, lang), cancel=cancel).data
                    check_target(target_text(target), lang)
                except (BackendError, InvalidJSON) as exc:
                    reason = exc.line if isinstance(exc, BackendError) else f"teacher's note is invalid ({exc})"
                    report.failed.append((Path(pdf).name, reason))
                    continue
                finally:
                    last_call = time.monotonic()
            for variant in (v for lg, v in wanted if lg == lang):
                _append(output, example_for(paper, student, lang, variant, target))
                report.written += 1
    if on_progress:
        on_progress(len(pdfs), len(pdfs), "")
    return report

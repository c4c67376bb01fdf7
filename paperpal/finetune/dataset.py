"""Training examples for the bundled model's note task (condense one passage into one statement), as JSONL.

One line per example: ``{"paper_id", "paper", "lang", "variant", "prompt", "target"}``, where ``prompt`` is the exact
text the local backend feeds the model at inference time (``LocalBackend.format_prompt`` of
:func:`~paperpal.tasks.condense.condense_request`) and ``target`` what it should write after the prompt's cue:
`` <aspect>\nStatement: <statement>`` (:func:`~paperpal.tasks.condense.target_text`).  Training text =
``prompt + target``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import InputFileError
from ..home import atomic_write_text
from ..tasks.condense import parse_reply, usable

REQUIRED = ("paper_id", "paper", "lang", "prompt", "target")


@dataclass
class Example:
    paper_id: str
    paper: str  # file name of the PDF
    lang: str  # "en" | "zh"
    prompt: str
    target: str  # JSON text
    variant: str = "default"  # which input variant of the paper (e.g. excerpt budget)

    @property
    def key(self) -> str:
        """Identity for de-duplication: the same input and target is one example."""
        return hashlib.sha256(f"{self.prompt}\x00{self.target}".encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


class InvalidTarget(ValueError):
    """A target that is not an aspect line and one usable statement in its language; ``str()`` says why."""


def check_target(target: str, lang: str) -> tuple[str, str]:
    """(aspect, statement) of a target, or :class:`InvalidTarget`."""
    parsed = parse_reply(target, lang)
    if parsed is None:
        raise InvalidTarget("not an aspect line followed by a statement line")
    if not usable(parsed[1], lang):
        raise InvalidTarget(f"the statement is not one {lang} sentence of a usable length")
    return parsed


@dataclass
class LoadReport:
    examples: list[Example]
    problems: list[str]  # "data.jsonl:12: why" — reported and skipped, never fatal


def read_examples(path: Path) -> LoadReport:
    """Read a JSONL file; malformed lines are reported with their line number and skipped."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"Training data file {path} does not exist", hint="run `paperpal finetune prepare` first")
    examples, problems = [], []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: not JSON ({exc.msg})")
                continue
            if not isinstance(row, dict) or (missing := [k for k in REQUIRED if not row.get(k)]):
                problems.append(f"{where}: missing {', '.join(missing) if isinstance(row, dict) else 'an object'}")
                continue
            if row["lang"] not in ("en", "zh"):
                problems.append(f"{where}: lang must be en or zh, not {row['lang']!r}")
                continue
            try:
                check_target(row["target"], row["lang"])
            except InvalidTarget as exc:
                problems.append(f"{where}: target is not usable ({exc})")
                continue
            fields = {k: str(row[k]) for k in (*REQUIRED, "variant") if k in row}
            examples.append(Example(**fields))
    return LoadReport(examples, problems)


def write_examples(examples: Iterable[Example], path: Path) -> int:
    """Write examples atomically; returns how many."""
    lines = [e.to_json() for e in examples]
    atomic_write_text(Path(path), "".join(line + "\n" for line in lines))
    return len(lines)


def dedupe(examples: Iterable[Example]) -> list[Example]:
    seen, kept = set(), []
    for example in examples:
        if example.key not in seen:
            seen.add(example.key)
            kept.append(example)
    return kept


def length_filter(examples: Iterable[Example], count_tokens, max_tokens: int) -> tuple[list[Example], list[Example]]:
    """(kept, dropped): drop examples whose prompt + target exceed ``max_tokens`` (they would be cut in training)."""
    kept, dropped = [], []
    for example in examples:
        (kept if count_tokens(example.prompt + example.target) <= max_tokens else dropped).append(example)
    return kept, dropped


def split_by_paper(examples: list[Example], validation: float = 0.15, seed: int = 0) -> tuple[list, list]:
    """(train, validation) with every paper's examples on one side only (no leak between variants)."""
    papers = sorted({e.paper_id for e in examples}, key=lambda p: hashlib.sha256(f"{seed}:{p}".encode()).hexdigest())
    n_val = round(len(papers) * validation) if len(papers) > 1 else 0
    if validation > 0 and len(papers) > 1:
        n_val = max(1, n_val)
    held_out = set(papers[:n_val])
    return [e for e in examples if e.paper_id not in held_out], [e for e in examples if e.paper_id in held_out]

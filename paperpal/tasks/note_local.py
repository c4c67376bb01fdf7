"""The note on the bundled small model: passages first, then one short model call per statement.

For each field, the ranked passages of :func:`~.note_plan.plan_note` are taken in order (a sentence serves one field
only, and a passage that restates one already taken is skipped: :func:`~.note_plan.restates`) until the field has its
entries: the model condenses the passage (:func:`~.condense.condense`, up to
``llm.local_statement_attempts`` attempts), the statement is checked against the passage (and, in English, must be
the passage shortened rather than rewritten: :mod:`paperpal.text.wording`), and an English note falls
back to the paper's own words when no attempt passes; a Chinese note tries the field's next passage instead (at most
:data:`EXTRA_TRIES` more per field).  Each call is short (a passage of one to three sentences in, one sentence out),
so a note costs about a dozen calls of one to three seconds on a CPU.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import check_cancelled
from ..llm.base import Backend
from ..model import Paper
from ..note import Aspect, Statement
from ..resources import load_prompt
from ..text.facts import tokenize
from .condense import Condensed, condense
from .note_plan import FIELDS, WANTED, Pick, plan_note, restates
from .passages import PaperSentences

EXTRA_TRIES = 2  # passages a Chinese note may try beyond what a field wants, when statements fail the check
LABELS = {"one_sentence": "one-sentence summary", "problem": "problem", "method": "method", "results": "results",
          "strengths": "strengths", "weaknesses": "weaknesses"}  # fmt: skip


def empty_part() -> dict:
    return {"one_sentence": "", "problem": "", "method": [], "results": [], "strengths": [], "weaknesses": [],
            "evidence": {}, "origin": {}}  # fmt: skip


def add_entry(part: dict, field: str, condensed: Condensed, evidence: list) -> None:
    """Put a checked statement into the note's fields (``part``), with its evidence and origin."""
    if field in ("one_sentence", "problem"):
        part[field] = condensed.statement
        part["evidence"][field] = evidence
        part["origin"][field] = condensed.origin
    elif field in ("method", "results"):
        part[field].append(Aspect(condensed.aspect, condensed.statement, evidence, condensed.origin))
    else:
        part[field].append(Statement(condensed.statement, evidence, condensed.origin))


def write_local_note(paper: Paper, index: PaperSentences, backend: Backend | None, lang: str, *, settings, report,
                     cancel, on_part=None) -> tuple[dict, dict]:  # fmt: skip
    """(the note's statement fields, provenance details) for ``paper`` on the local ``backend`` (None: the
    paper's own words only, no model)."""
    report("Choosing the passages")
    plan = plan_note(index)
    tries = max(1, settings.llm.local_statement_attempts)
    title = paper.title or "the paper"
    part = empty_part()
    used: set[int] = set()
    chosen: list[Pick] = []  # the passages the note states, in the order taken
    calls = rejected = 0
    total = sum(min(WANTED[f], len(plan.of(f))) for f in FIELDS)
    done = 0
    attempts = {f: [0, 0] for f in FIELDS}  # field -> [model statements the check accepted, model statements]
    order: dict[int, int] = {}  # id(entry) -> document order, to list method/results as the paper does
    for field in FIELDS:
        got = tried = 0
        for pick in plan.of(field):
            if got >= WANTED[field] or tried >= WANTED[field] + (EXTRA_TRIES if lang == "zh" else 0):
                break
            if pick.orders & used or restates(pick, chosen):
                continue
            check_cancelled(cancel)
            tried += 1
            report(f"Writing the note: {LABELS[field]} ({min(done + 1, total)}/{total})")
            result, made, failed = _condensed(backend, pick, title, lang, tries, index.context, cancel)
            calls, rejected = calls + made, rejected + failed
            attempts[field][0] += made - failed
            attempts[field][1] += made
            if result is None:
                continue
            window = pick.run[result.verdict.start : result.verdict.end] if result.origin == "model" else pick.run
            add_entry(part, field, result, [index.evidence(window or pick.run)])
            entry = part[field][-1] if isinstance(part[field], list) else None
            if entry is not None:
                order[id(entry)] = pick.run[0].order
            used |= pick.orders
            chosen.append(pick)
            got += 1
            done += 1
            if on_part is not None:
                on_part(part)
    for field in ("method", "results"):
        part[field].sort(key=lambda entry: order.get(id(entry), 0))
    prompt = load_prompt("condense", lang)
    return part, {"prompt": f"{prompt.name}@{prompt.sha}" if backend is not None else "none", "model_calls": calls,
                  "rejected_by_check": rejected, "attempts": attempts}  # fmt: skip


def _condensed(backend: Backend | None, pick: Pick, title: str, lang: str, attempts: int, context: str, cancel):
    """(the checked statement or None, model calls made, attempts the check rejected) for one passage; no backend:
    the paper's own words."""
    sentences = [s.text for s in pick.run]
    section = pick.run[0].section
    made = failed = 0
    result = None
    for attempt in range(attempts if backend is not None else 1):
        sampled = backend if attempt == 0 or backend is None else _Sampling(backend, seed=attempt)
        result = condense(sampled, title=title, section=section.label, field=pick.field, sentences=sentences,
                          lang=lang, fallback_aspect=aspect_label(pick, lang, context), context=context,
                          keep_wording=True, cancel=cancel)  # fmt: skip
        if backend is None:
            return result, 0, 0
        made += 1
        if result is not None and result.origin == "model":
            return result, made, failed
        failed += 1
    return result, made, failed


GENERIC_ASPECTS = {"en": {"method": "Approach", "results": "Main result"}, "zh": {"method": "方法", "results": "主要结果"}}


def aspect_label(pick: Pick, lang: str, context: str) -> str:
    """What a method or result entry is about when the model does not say: the section's title, or — for a passage
    from the abstract, introduction or conclusion, whose title says nothing about it — the first name the passage
    uses other than the paper's own ("WMT", "GLUE"), else a generic label."""
    first = pick.run[0]
    if first.kind not in ("abstract", "intro", "conclusion"):
        return first.section.title
    own = {t.key for t in tokenize(context)}
    for token in tokenize(pick.text):
        if token.kind == "name" and token.key not in own and not token.text[0].isdigit():
            return token.text
    return GENERIC_ASPECTS[lang].get(pick.field, first.section.title)


class _Sampling:
    """The backend with the request's temperature raised and another seed: a later attempt draws differently."""

    def __init__(self, backend: Backend, seed: int):
        self._backend, self._seed = backend, seed

    def complete(self, request, *, cancel=None):
        return self._backend.complete(replace(request, temperature=0.6, seed=(request.seed or 0) + 17 * self._seed),
                                      cancel=cancel)  # fmt: skip

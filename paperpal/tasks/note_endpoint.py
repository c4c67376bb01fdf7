"""The note on an OpenAI-compatible endpoint: the model reads the paper as numbered sentences and cites them.

The model gets the paper's citable sentences, numbered (:func:`~.paper_text.numbered_text`; the whole body when its
context window allows), and writes the note as JSON in which every entry lists the sentences it rests on
(:func:`endpoint_schema`).  A large model can be wrong too, so every entry is checked against the sentences it cites
(:func:`paperpal.text.support.check`, per section); an entry the check rejects is re-asked once with its passage
(the condense prompt, :func:`~.condense.condense`), and when that fails too it is replaced by the passage in the
paper's own words (English) or left out (Chinese).  An entry citing no sentence of the paper is left out.  A
one-sentence summary or problem left empty is written from the passages the local pipeline would choose.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..llm.base import Backend, Request
from ..model import Paper
from ..resources import load_prompt
from ..text import normalise
from ..text.support import Verdict, check
from .condense import Condensed, condense
from .note_local import add_entry, empty_part
from .note_plan import plan_note
from .paper_text import numbered_text, sentence_id
from .passages import PaperSentences, Sentence

OUTPUT_TOKENS = 3000
SAMPLES = 2  # a looping or collapsed reply is drawn again with another seed, at most this many draws in all
FIELD_DESCRIPTIONS = {  # endpoint models read these (structured output)
    "keywords": "Up to six key terms of the paper.",
    "one_sentence": "One sentence: what the paper does and its main result.",
    "problem": "The research problem and why it matters.",
    "method": "The approach, one entry per aspect, with the paper's own names and settings.",
    "results": "The experimental results, one entry per aspect, with the datasets and numbers the paper reports.",
    "strengths": "Strengths of the paper, as short sentences.",
    "weaknesses": "Limitations, failure cases or future work the paper states, as short sentences; empty if none.",
}
CITES = ("The numbers of the one to three adjacent sentences of one section this entry rests on.")


def _string(min_length: int, max_length: int) -> dict:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def endpoint_schema(lang: str = "en") -> dict:
    """The JSON the endpoint writes: every statement with the numbers of the sentences it cites."""
    zh = lang == "zh"

    def text(lo: int, hi: int) -> dict:
        return _string(lo // 2 if zh else lo, hi // 2 if zh else hi)

    cites = {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3, "description": CITES}
    statement = {"type": "object", "properties": {"text": text(15, 600), "sentences": cites},
                 "required": ["text", "sentences"], "additionalProperties": False}  # fmt: skip
    aspect = {"type": "object", "properties": {"aspect": _string(2, 80), "detail": text(20, 750), "sentences": cites},
              "required": ["aspect", "detail", "sentences"], "additionalProperties": False}  # fmt: skip
    fields = {
        "keywords": {"type": "array", "items": _string(2, 60), "minItems": 3, "maxItems": 6},
        "one_sentence": statement,
        "problem": statement,
        "method": {"type": "array", "items": aspect, "minItems": 2, "maxItems": 6},
        "results": {"type": "array", "items": aspect, "minItems": 1, "maxItems": 6},
        "strengths": {"type": "array", "items": statement, "minItems": 1, "maxItems": 5},
        "weaknesses": {"type": "array", "items": statement, "minItems": 0, "maxItems": 5},
    }
    for name, description in FIELD_DESCRIPTIONS.items():
        fields[name] = {**fields[name], "description": description}
    return {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}


def _looping(text: str) -> bool:
    """A text that mostly repeats itself ("10.3.25, 10.3.25, 10.3.25, ..."): few distinct words among many."""
    words = re.findall(r"\w+", text.lower())
    return len(words) >= 6 and len(set(words)) / len(words) < 0.4


def _entries(data: dict) -> list[tuple[str, str, str, list[int]]]:
    """(field, aspect, text, cited ids) for every statement of the reply, repeated ones dropped."""
    out: list[tuple[str, str, str, list[int]]] = []
    seen: set[str] = set()
    for field in ("one_sentence", "problem"):
        out.append((field, "", normalise(data[field]["text"]), list(data[field]["sentences"])))
    for field in ("method", "results"):
        out += [(field, normalise(a["aspect"]), normalise(a["detail"]), list(a["sentences"])) for a in data[field]]
    for field in ("strengths", "weaknesses"):
        out += [(field, "", normalise(s["text"]), list(s["sentences"])) for s in data[field]]
    kept = []
    for entry in out:
        key = re.sub(r"\W+", " ", entry[2].lower()).strip()
        if key and key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def degenerate(data: dict) -> str | None:
    """Why a reply is not a usable note (a statement loops), else None."""
    for field, _, text, _ in _entries(data):
        if _looping(text):
            return f"{field} repeats itself"
    return None


def cited_groups(cited: list[Sentence]) -> list[list[Sentence]]:
    """Cited sentences grouped by section, in order (a passage never crosses a section)."""
    groups: dict[int, list[Sentence]] = {}
    for sentence in sorted(cited, key=lambda s: s.order):
        groups.setdefault(id(sentence.section), []).append(sentence)
    return list(groups.values())


def best_supported(text: str, groups: list[list[Sentence]], context: str) -> tuple[Verdict, list[Sentence]] | None:
    best: tuple[Verdict, list[Sentence]] | None = None
    for group in groups:
        verdict = check(text, [s.text for s in group], context=f"{context} {group[0].section.title}")
        if best is None or verdict.rank > best[0].rank:
            best = (verdict, group)
    return best


def write_endpoint_note(paper: Paper, index: PaperSentences, backend: Backend, lang: str, *, settings, report,
                        cancel, on_part=None) -> tuple[dict, dict]:  # fmt: skip
    """(the note's statement fields, provenance details) for ``paper`` on the endpoint ``backend``."""
    prompt = load_prompt("summary", lang)
    title = paper.title or "the paper"
    overhead = backend.count_tokens(prompt.render(title=title, paper_text=""))
    budget = backend.context_window - OUTPUT_TOKENS - overhead - 64
    request = Request(prompt=prompt.render(title=title, paper_text=numbered_text(index, budget, backend.count_tokens)),
                      max_tokens=OUTPUT_TOKENS, temperature=0.3, task="summary")  # fmt: skip
    schema = endpoint_schema(lang)
    report(f"Writing the note ({backend.name} model {backend.model})")
    data = None
    for draw in range(SAMPLES):
        seed = None if request.seed is None else request.seed + 10 * draw
        data = backend.complete_json(replace(request, seed=seed), schema, cancel=cancel).data
        problem = degenerate(data)
        if problem is None:
            break
        if draw < SAMPLES - 1:
            report(f"Writing the note again ({problem})")
    report("Checking every statement against the paper")
    by_id = {sentence_id(s): s for s in index.sentences if s.citable}
    part = empty_part()
    counts = {"rejected_by_check": 0, "reasked": 0, "replaced_by_passage": 0, "left_out": 0}
    for field, aspect, text, ids in _entries(data):
        if field in ("one_sentence", "problem") and part[field]:
            continue
        cited = [by_id[i] for i in ids if i in by_id]
        if not cited:
            counts["left_out"] += 1
            continue
        verdict, group = best_supported(text, cited_groups(cited), index.context)
        if verdict.supported:
            run = group[verdict.start : verdict.end]
            add_entry(part, field, Condensed(text, aspect or run[0].section.title, "model", verdict), [index.evidence(run)])
        else:
            counts["rejected_by_check"] += 1
            counts["reasked"] += 1
            result = _reask(backend, title, field, group, lang, index.context, cancel)
            if result is None:
                counts["left_out"] += 1
                continue
            if result.origin == "paper":
                counts["replaced_by_passage"] += 1
            window = group[result.verdict.start : result.verdict.end] if result.origin == "model" else group
            add_entry(part, field, replace(result, aspect=aspect or result.aspect), [index.evidence(window)])
        if on_part is not None:
            on_part(part)
    _fill_missing(part, index, backend, title, lang, cancel)
    return part, {"prompt": f"{prompt.name}@{prompt.sha}", **counts}


def _reask(backend: Backend, title: str, field: str, group: list[Sentence], lang: str, context: str,
           cancel) -> Condensed | None:  # fmt: skip
    section = group[0].section
    passage = group[:3]
    return condense(backend, title=title, section=section.label, field=field, sentences=[s.text for s in passage],
                    lang=lang, fallback_aspect=section.title, context=context, cancel=cancel)  # fmt: skip


def _fill_missing(part: dict, index: PaperSentences, backend: Backend, title: str, lang: str, cancel) -> None:
    """A one-sentence summary or problem the checks left empty: written from the passage the plan ranks first."""
    plan = None
    for field in ("one_sentence", "problem"):
        if part[field]:
            continue
        plan = plan or plan_note(index)
        for pick in plan.of(field)[:2]:
            result = _reask(backend, title, field, pick.run, lang, index.context, cancel)
            if result is not None:
                window = pick.run[result.verdict.start : result.verdict.end] if result.origin == "model" else pick.run
                add_entry(part, field, result, [index.evidence(window)])
                break

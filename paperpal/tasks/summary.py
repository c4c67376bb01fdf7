"""The structured summary: one :class:`Paper` in, one :class:`SummaryNote` out.

Fields the parser knows (title, authors, venue, year, DOI/arXiv link, code link) come from the
``Paper`` (later from Zotero), never from the model.  The model writes only what needs reading:
keywords, the one-sentence summary, the problem, the method and results by aspect, strengths and
weaknesses — as JSON against :func:`note_schema` (grammar-constrained on the local model,
structured output or validate-and-re-ask on endpoints).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import __version__, llm
from ..errors import UnreadableTextError
from ..llm.base import Backend, Request
from ..llm.json_output import parse_partial_json
from ..model import Paper
from ..resources import load_prompt
from ..settings import Settings
from .grounding import Source, keep_supported
from .paper_text import normalise, select_text

TASK = "summary"
LOCAL_EXCERPT_TOKENS = 2500  # what the small local model reads well and fast on a CPU
OUTPUT_TOKENS = {"local": 2200, "openai": 3000}  # local: worst case of the bounded schema, zh included
SAMPLES = 3  # a looping reply is drawn again with another seed, at most this many draws in all
# The repetition penalty the pretrained base needs against looping pushes a fine-tuned model off the digits and names it
# has just written ("34.8 … 36.5" came out as "30.8 … 31.9"); with the adapter, loops are caught by ``degenerate``.
REPEAT_PENALTY = {"base": 1.15, "adapter": 1.0}


@dataclass
class Aspect:
    aspect: str
    detail: str


@dataclass
class SummaryNote:
    """A reading note in the template researchers use (see ``templates/note.*.md.j2``)."""

    title: str
    language: str
    authors: list[str] = field(default_factory=list)
    authors_short: str = ""
    venue: str | None = None
    year: int | None = None
    link: str | None = None
    code_url: str | None = None
    keywords: list[str] = field(default_factory=list)
    one_sentence: str = ""
    problem: str = ""
    method: list[Aspect] = field(default_factory=list)
    results: list[Aspect] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    weaknesses: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SummaryNote":
        data = dict(data)
        for key in ("method", "results"):
            data[key] = [Aspect(**a) for a in data.get(key, [])]
        return cls(**data)


def _string(min_length: int, max_length: int, *, one_line: bool = False) -> dict:
    if one_line:  # the small model's grammar: no braces, brackets, quotes or newlines inside a value
        return {"type": "string", "pattern": '^[^{}\\[\\]\\n\\\\"]{%d,%d}$' % (min_length, max_length)}
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def _list(items: dict, min_items: int, max_items: int) -> dict:
    return {"type": "array", "items": items, "minItems": min_items, "maxItems": max_items}


FIELD_DESCRIPTIONS = {  # endpoint models read these (structured output); grammars ignore them
    "keywords": "Up to six key terms of the paper.",
    "one_sentence": "One sentence: what the paper does and its main result.",
    "problem": "The research problem and why it matters.",
    "method": "The approach, one entry per aspect, with the paper's own names and settings.",
    "results": "The experimental results, one entry per aspect, with the datasets and numbers the paper reports.",
    "strengths": "Strengths of the paper, as short sentences.",
    "weaknesses": "Weaknesses or limits of the paper, as short sentences.",
}


def note_schema(small_model: bool = False, lang: str = "en") -> dict:
    """The JSON the model writes.  Tighter bounds for the small local model keep it on task (and
    bound its output: a Chinese character says more and costs more tokens than a Latin one)."""
    scale = (1 if small_model else 3) * (0.5 if lang == "zh" else 1)

    def text(lo: int, hi: int) -> dict:
        return _string(lo // 2 if lang == "zh" else lo, int(hi * scale), one_line=small_model)

    aspect = {
        "type": "object",
        "properties": {"aspect": _string(2, 60, one_line=small_model), "detail": text(20, 250)},
        "required": ["aspect", "detail"],
        "additionalProperties": False,
    }
    fields = {
        "keywords": _list(_string(2, 40, one_line=small_model), 3, 6),
        "one_sentence": text(30, 250),
        "problem": text(30, 300),
        "method": _list(aspect, 2, 3 if small_model else 6),
        "results": _list(aspect, 1, 3 if small_model else 6),
        "strengths": _list(text(15, 160), 1, 2 if small_model else 5),
        "weaknesses": _list(text(15, 160), 1, 2 if small_model else 5),
    }
    for name, description in FIELD_DESCRIPTIONS.items():
        fields[name]["description"] = description
    return {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}


def authors_short(authors: list[str], lang: str = "en") -> str:
    """Two names then ", et al." (等): the way a reading note cites a paper."""
    if len(authors) <= 2:
        return (" 和 " if lang == "zh" else " and ").join(authors)
    return ", ".join(authors[:2]) + (" 等" if lang == "zh" else ", et al.")


def paper_link(paper: Paper) -> str | None:
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return paper.url


def check_readable(paper: Paper) -> None:
    """Raise :class:`UnreadableTextError` for scans and PDFs whose fonts extract as garbage."""
    name = Path(paper.path).name
    if paper.text_status == "no_text":
        raise UnreadableTextError(
            f"{name} has no text layer (an image-only scan), so it cannot be read",
            hint="OCR it first, e.g. `ocrmypdf in.pdf out.pdf`, then summarize the OCR'd copy",
        )
    if paper.text_status == "garbled":
        raise UnreadableTextError(
            f"The text of {name} extracts as garbage (its fonts have no Unicode map)",
            hint="OCR it, e.g. `ocrmypdf --force-ocr in.pdf out.pdf`, then summarize the OCR'd copy",
        )


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _distinct(items: list, text_of: Callable[[Any], str], threshold: float = 0.7) -> list:
    """Drop items that repeat an earlier one (word overlap above ``threshold``): small models loop."""
    kept: list = []
    for item in items:
        words = _words(text_of(item))
        if not words:
            continue
        if all(len(words & _words(text_of(k))) / len(words | _words(text_of(k))) <= threshold for k in kept):
            kept.append(item)
    return kept


def _clean_aspects(items: list[dict]) -> list[Aspect]:
    aspects = [Aspect(i["aspect"], i["detail"]) for i in items]  # normalised and bounded by ``fix``
    return _distinct(aspects, lambda a: a.detail)


def _looping(text: str) -> bool:
    """A text that mostly repeats itself ("10.3.25, 10.3.25, 10.3.25, ..."): few distinct words among many."""
    words = re.findall(r"\w+", text.lower())
    return len(words) >= 6 and len(set(words)) / len(words) < 0.4


def _max_length(spec: dict) -> int | None:
    if "maxLength" in spec:
        return spec["maxLength"]
    bound = re.search(r"\{\d+,(\d+)\}\$$", spec.get("pattern", ""))
    return int(bound.group(1)) if bound else None


_SENTENCE_END = re.compile(r"[.!?。！？；;](?=\s|$)|[。！？；]")


def trim_cut(text: str) -> str:
    """A text the length bound cut off mid-way, ended cleanly: at its last sentence end when that keeps most
    of it, else at its last whole word (or CJK clause) with an ellipsis."""
    text = text.rstrip()
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if ends and ends[-1] >= 0.6 * len(text):
        return text[: ends[-1]]
    cut = max(text.rfind(" "), *(text.rfind(p) for p in "，、,"))
    if cut < 0.5 * len(text):
        return text
    return text[:cut].rstrip(" ,;:，、-–") + "…"


def _bounded(schema: dict | None):
    """``fix(value, *path)``: the value normalised, and cut back cleanly when it reached its schema length bound
    (normalising may lengthen it: NFKC writes "…" as "...", so the cut comes after it and is not normalised again)."""

    def fix(value: str, *path: str) -> str:
        value = normalise(value)
        spec = schema
        for key in path if schema is not None else ():
            spec = spec["items"] if key == "[]" else spec["properties"][key]
        limit = _max_length(spec) if schema is not None else None
        return trim_cut(value[:limit]) if limit and len(value) >= limit - 1 else value

    return fix


def cleaned_fields(data: dict[str, Any], schema: dict | None = None) -> dict[str, Any]:
    """The model's fields, normalised and with repeated entries dropped; with the ``schema`` the reply was bound
    by, a text that hit its length bound (and so ends mid-word) is cut back to its last sentence or word."""
    fix = _bounded(schema)
    lists = {key: [fix(v, key, "[]") for v in data[key]] for key in ("keywords", "strengths", "weaknesses")}
    aspects = {
        key: [{"aspect": fix(a["aspect"], key, "[]", "aspect"), "detail": fix(a["detail"], key, "[]", "detail")}
              for a in data[key]]  # fmt: skip
        for key in ("method", "results")
    }
    return {
        "keywords": _distinct(lists["keywords"], lambda t: t),
        "one_sentence": fix(data["one_sentence"], "one_sentence"),
        "problem": fix(data["problem"], "problem"),
        "method": _clean_aspects(aspects["method"]),
        "results": _clean_aspects(aspects["results"]),
        "strengths": _distinct(lists["strengths"], lambda t: t),
        "weaknesses": _distinct(lists["weaknesses"], lambda t: t),
    }


def degenerate(part: dict[str, Any], schema: dict) -> str | None:
    """Why a cleaned reply is not a usable note (a field loops, or a list collapsed below its minimum), else None."""
    for key, value in part.items():
        if isinstance(value, str):
            texts = [value]
        else:
            minimum = schema["properties"][key].get("minItems", 0)
            if len(value) < minimum:
                return f"{key} has {len(value)} distinct entries, fewer than {minimum}"
            texts = [v.detail if isinstance(v, Aspect) else v for v in value]
        if any(_looping(t) for t in texts):
            return f"{key} repeats itself"
    return None


def claims_text(note: SummaryNote) -> str:
    """Everything the model wrote in ``note``, one claim per line (what faithfulness is measured on)."""
    parts = [*note.keywords, note.one_sentence, note.problem, *note.strengths, *note.weaknesses]
    parts += [_claim(a) for a in note.method + note.results]
    return "\n".join(parts)


def _claim(entry: Any) -> str:
    return f"{entry.aspect}: {entry.detail}" if isinstance(entry, Aspect) else entry


def checked(note: SummaryNote, paper: Paper, *, small_model: bool) -> tuple[SummaryNote, int]:
    """``note`` without the list entries that state a number or name ``paper`` lacks (each list keeps at least its
    minimum), and how many were left out."""
    fields = note_schema(small_model=small_model, lang=note.language)["properties"]
    source = Source(paper)
    kept = {
        key: keep_supported(getattr(note, key), _claim, source, spec["minItems"])
        for key, spec in fields.items()
        if spec["type"] == "array"
    }
    return replace(note, **kept), sum(len(getattr(note, key)) - len(entries) for key, entries in kept.items())


def note_for(paper: Paper, lang: str, part: dict[str, Any], provenance: dict[str, Any] | None = None) -> SummaryNote:
    """The note for ``paper``: the paper's own metadata plus the model's ``part`` (see :func:`cleaned_fields`)."""
    return SummaryNote(
        title=normalise(paper.title) or Path(paper.path).stem,
        language=lang,
        authors=list(paper.authors),
        authors_short=authors_short(paper.authors, lang),
        venue=paper.venue,
        year=paper.year,
        link=paper_link(paper),
        code_url=paper.code_url,
        **part,
        provenance=provenance or {},
    )


def partial_note(paper: Paper, lang: str, text: str) -> SummaryNote:
    """The note as far as the model has written it: ``text`` is the JSON reply so far (see ``on_text``)."""
    data = parse_partial_json(text) or {}
    part: dict[str, Any] = {}
    for key in ("one_sentence", "problem"):
        if isinstance(data.get(key), str):
            part[key] = normalise(data[key])
    for key in ("keywords", "strengths", "weaknesses"):
        if isinstance(data.get(key), list):
            part[key] = [normalise(v) for v in data[key] if isinstance(v, str) and v.strip()]
    for key in ("method", "results"):
        if isinstance(data.get(key), list):
            part[key] = [
                Aspect(normalise(str(a.get("aspect", ""))), normalise(str(a.get("detail", ""))))
                for a in data[key]
                if isinstance(a, dict) and a.get("aspect")
            ]
    draft = {"paperpal_version": __version__, "backend": "…", "model": "…", "prompt": "…",
             "source_file": Path(paper.path).name}  # fmt: skip
    return note_for(paper, lang, part, draft)


def build_request(
    paper: Paper, backend: Backend, lang: str, *, excerpt_tokens: int = LOCAL_EXCERPT_TOKENS
) -> tuple[Request, str]:
    """The request for ``paper`` on ``backend`` and the prompt id (name@sha) that made it.

    ``excerpt_tokens`` bounds the paper text for the local model (fine-tuning data varies it).
    """
    prompt = load_prompt(TASK, lang)
    max_tokens = OUTPUT_TOKENS.get(backend.name, OUTPUT_TOKENS["openai"])
    title = paper.title or Path(paper.path).stem
    overhead = backend.count_tokens(prompt.render(title=title, paper_text=""))
    budget = backend.context_window - max_tokens - overhead - 64
    if backend.name == "local":
        budget = min(budget, excerpt_tokens)
    text = select_text(paper, budget, backend.count_tokens)
    request = Request(
        prompt=prompt.render(title=title, paper_text=text),
        max_tokens=max_tokens,
        temperature=0.3,
        repeat_penalty=REPEAT_PENALTY["adapter" if getattr(backend, "adapter", None) else "base"],
        task=TASK,
    )
    return request, f"{prompt.name}@{prompt.sha}"


def summarize(
    paper: Paper,
    *,
    settings: Settings,
    backend: Backend | None = None,
    lang: str | None = None,
    on_progress: Callable[[str], None] | None = None,
    cancel=None,
    check: bool = True,
    on_text: Callable[[str | None], None] | None = None,
) -> SummaryNote:
    """Write the structured reading note for ``paper``.

    ``on_progress(stage)`` is told what is happening ("Loading model", "Writing the note");
    ``cancel`` (anything with ``is_set()``) stops the generation with :class:`Cancelled`;
    ``check=False`` returns the note as the model wrote it, without :func:`checked` (for evaluation);
    ``on_text(piece)`` gets the model's reply as it is generated (``None`` when a new draw starts;
    :func:`partial_note` turns the text so far into a note to show).
    """
    check_readable(paper)
    lang = lang or settings.language
    report = on_progress or (lambda stage: None)
    report("Preparing the paper text")
    backend = backend or llm.get_backend(settings)
    request, prompt_id = build_request(paper, backend, lang)
    report(f"Writing the note ({backend.name} model {backend.model})")
    schema = note_schema(small_model=backend.name == "local", lang=lang)
    wanted = settings.llm.local_summary_drafts if getattr(backend, "adapter", None) else 1
    source = Source(paper)
    drafts: list[dict[str, Any]] = []  # every draw, for the provenance: tokens and facts (not) in the paper
    best = None  # (rank, the draft's part, its completion): the most faithful usable draft so far
    draws = max(SAMPLES, wanted)
    for draw in range(draws):
        seed = None if request.seed is None else request.seed + 10 * draw
        if on_text is not None and draw:
            on_text(None)
        completion = backend.complete_json(replace(request, seed=seed), schema, cancel=cancel, on_text=on_text)
        part = cleaned_fields(completion.data, schema)
        found, missing = source.tally(claims_text(note_for(paper, lang, part)))
        drafts.append({"completion_tokens": completion.completion_tokens, "facts_in_paper": found,
                       "facts_not_in_paper": missing})  # fmt: skip
        problem = degenerate(part, schema)
        if problem is None:
            # the share of its facts the paper contains, add-one smoothed: a draft that says little says little
            # about its faithfulness, so a vaguer draft does not win on one fewer miss
            rank = (-(found + 1) / (found + missing + 2), -found)
            if best is None or rank < best[0]:
                best = (rank, part, completion)
            usable = sum(1 for d in drafts if "problem" not in d)
            if missing == 0 or usable >= wanted or draw == draws - 1:
                break
            report(f"Writing another draft ({missing} {'number or name' if missing == 1 else 'numbers or names'} "
                   "not found in the paper)")  # fmt: skip
        else:
            drafts[-1]["problem"] = problem
            if draw < draws - 1:
                report(f"Writing the note again ({problem})")
    _, part, completion = best or (None, part, completion)  # no usable draft: the last one
    provenance = {
        "paperpal_version": __version__,
        "backend": backend.name,
        "model": backend.model,
        **({"adapter": backend.adapter} if getattr(backend, "adapter", None) else {}),
        "prompt": prompt_id,
        "source_file": Path(paper.path).name,
        "paper_id": paper.id,
        "prompt_tokens": completion.prompt_tokens,
        "completion_tokens": completion.completion_tokens,
        "drafts": drafts,
    }
    note = note_for(paper, lang, part, provenance)
    if not check:
        return note
    note, dropped = checked(note, paper, small_model=backend.name == "local")
    if dropped:
        report(
            f"Left out {dropped} {'entry' if dropped == 1 else 'entries'} with numbers or names not found in the paper"
        )
    return note

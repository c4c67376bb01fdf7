"""Questions across the library, answered claim by claim, each claim cited as (paper, §section, p. page).

Retrieval is the library's hybrid search (scoped by paper ids, a Zotero collection or a tag).  The
model sees numbered sources and writes JSON claims, each naming its source by number (an enum: it
cannot cite a source it was not given) and quoting it.  Every quote is verified against that
paper's page text like ``locate``'s; an unverifiable quote is replaced by the source's best
verified sentence and flagged.  The citation's section and page come from the index, never from
the model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import llm
from ..errors import InputFileError, check_cancelled
from ..index import Hit, catalog, search
from ..index.embedders import get_embedder
from ..llm.base import Backend, Request
from ..resources import load_prompt
from ..settings import Settings
from ..text import has_cjk, normalise
from ..text.zh_terms import english_terms
from .locate import verified_sentence
from .quotes import page_texts, verify_quote

TASK = "ask"
SOURCES = {"small": 4, "capable": 8}  # by Profile.small_model
SOURCE_CHARS = {"small": 600, "capable": 1500}
ONE_LINE = '^[^{}\\[\\]\\n\\\\"]{%d,%d}$'  # the small model's grammar: no braces, brackets, quotes, newlines


@dataclass
class Claim:
    text: str
    source: int  # 1-based index into AskResult.sources
    citation: str  # "(Paper title, §3.2 Section, p. 5)"
    quote: str
    quote_verified: bool
    quote_replaced: bool
    page: int | None


@dataclass
class AskResult:
    question: str
    query: str
    claims: list[Claim] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # Hit.to_dict() without the text, plus "citation"
    backend: str | None = None
    model: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _short_title(title: str) -> str:
    head = title.split(":")[0].strip()
    return head if 0 < len(head) <= 60 else title[:60]


def citation(hit: Hit, page: int | None = None) -> str:
    section = f"§{hit.section_label}" if hit.section_label else "§?"
    return f"({_short_title(hit.paper_title)}, {section}, p. {page or hit.page_start})"


def _schema(count: int, small: bool) -> dict:
    text = {"type": "string", "minLength": 10, "maxLength": 240 if small else 600}
    if small:
        text["pattern"] = ONE_LINE % (10, 240)
    claim = {
        "type": "object",
        "properties": {
            "claim": text,
            "quote": {"type": "string", "maxLength": 300, **({"pattern": ONE_LINE % (0, 300)} if small else {})},
            "source": {"type": "integer", "enum": list(range(1, count + 1))},
        },
        "required": ["claim", "quote", "source"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"claims": {"type": "array", "items": claim, "minItems": 1, "maxItems": 3 if small else 8}},
        "required": ["claims"],
        "additionalProperties": False,
    }


def ask(
    question: str,
    *,
    settings: Settings,
    backend: Backend | None = None,
    k: int | None = None,
    paper_ids: list[str] | None = None,
    collection: str | None = None,
    tag: str | None = None,
    lang: str | None = None,
    on_progress=None,
    cancel=None,
) -> AskResult:
    """Answer ``question`` from the indexed library with per-claim, verified citations."""
    question = (question or "").strip()
    if not question:
        raise InputFileError("The question is empty", hint='ask e.g. "How do LoRA and QLoRA differ in memory use?"')
    lang = lang or ("zh" if has_cjk(question) else settings.language)
    report = on_progress or (lambda stage: None)
    backend = backend or llm.get_backend(settings)
    query = f"{question} {english_terms(question)}" if has_cjk(question) else question
    report("Searching the library")
    embedder = get_embedder(settings)
    count = k or SOURCES["small" if backend.profile.small_model else "capable"]
    hits = search(query, settings=settings, k=count, paper_ids=paper_ids, collection=collection, tag=tag,
                  embedder=embedder)  # fmt: skip
    result = AskResult(question=question, query=query, backend=backend.name, model=backend.model)
    result.sources = [{**{k: v for k, v in h.to_dict().items() if k != "text"}, "citation": citation(h)} for h in hits]
    if not hits:
        return result
    check_cancelled(cancel)
    small = backend.profile.small_model
    chars = SOURCE_CHARS["small" if small else "capable"]
    listing = "\n\n".join(f"[{i}] {citation(h)}\n{normalise(h.text)[:chars]}" for i, h in enumerate(hits, 1))
    prompt = load_prompt(TASK, lang)
    request = Request(prompt=prompt.render(question=question, sources=listing), max_tokens=400 if small else 1500,
                      temperature=0.2, repeat_penalty=1.15 if small else 1.0)  # fmt: skip
    report(f"Writing the answer ({backend.name} model {backend.model})")
    data = backend.complete_json(request, _schema(len(hits), small), cancel=cancel).data
    paths = {pid: record.path for pid, record in catalog(settings=settings).items()}
    for item in data["claims"]:
        hit = hits[int(item["source"]) - 1]
        pages = page_texts(paths[hit.paper_id]) if Path(paths.get(hit.paper_id, "")).is_file() else ()
        near = list(range(hit.page_start, hit.page_end + 1))
        model_quote = normalise(item.get("quote", ""))
        verified = verify_quote(model_quote, pages, near=near) if model_quote and pages else None
        quote, replaced = model_quote, False
        if verified is None:
            quote, verified = verified_sentence(item["claim"], hit.text, embedder, pages, near) if pages else ("", None)
            replaced = bool(model_quote)
        page = verified.pages[0] if verified else hit.page_start
        result.claims.append(
            Claim(
                text=normalise(item["claim"]),
                source=int(item["source"]),
                citation=citation(hit, page),
                quote=quote if verified else "",
                quote_verified=verified is not None,
                quote_replaced=replaced,
                page=page,
            )
        )
    return result


def ask_markdown(result: AskResult) -> str:
    lines = [f"**{result.question}**", ""]
    if not result.sources:
        return "\n".join(lines + ["No indexed paper matches (run `paperpal index` first, or widen the scope).", ""])
    for claim in result.claims:
        lines.append(f"- {claim.text} {claim.citation}")
        if claim.quote:
            note = " *(replaces an unverifiable model quote)*" if claim.quote_replaced else ""
            lines.append(f'  > "{claim.quote}"{note}')
    lines += ["", "Sources:"] + [f"{i}. {s['citation']}" for i, s in enumerate(result.sources, 1)]
    return "\n".join(lines) + "\n"

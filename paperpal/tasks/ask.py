"""Questions across the library, answered claim by claim, each claim cited as (paper, §section, p. page).

Retrieval is the library's hybrid search (scoped by paper ids, a Zotero collection or a tag), per paper when the
question names papers (:mod:`paperpal.index.named_papers`: "How do LoRA and QLoRA differ…" searches each of the
two, so that each gets its own sources); a question that names none gets the library's best chunks, at most half
of them from one paper.  The model sees numbered sources and writes JSON claims, each naming its source by number
(an enum: it cannot cite a source it was not given) and quoting it.  Every quote is verified against that paper's
page text like ``locate``'s; an unverifiable quote is replaced by the source's best verified sentence and flagged.
Every claim is then checked against its source by the shared support check (:func:`paperpal.text.support.check`);
a claim it rejects is replaced by the verified quote, the paper's own words (``origin="paper"``; on the small model
the source's passage closest to the question, as its quote seldom answers).  Each named paper then gets its
passages closest to the question until the answer holds :data:`ADDED_PER_PAPER` statements from it, so the answer
has evidence from every paper it names; when the model gives no usable answer (its JSON cut off or off the schema),
every source's paper does.  The paper's own words are a short passage: the closest sentence with its neighbours
(:func:`passage`), verbatim on its page.  The citation's section and page come from the index, never from the model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .. import llm
from ..errors import InputFileError, JSONOutputError, check_cancelled
from ..index import Hit, catalog, search
from ..index.lexical import tokens
from ..index.named_papers import about_paper, named_in_scope
from ..index.embedders import get_embedder
from ..llm.base import Backend, Request
from ..resources import load_prompt
from ..settings import Settings
from ..text import has_cjk, normalise
from ..text.prose import is_pointer, is_prose
from ..text.sentences import sentences
from ..text.support import check
from ..text.zh_terms import english_terms
from .locate import verified_sentence
from .quotes import page_texts, verify_quote

TASK = "ask"
SOURCES = {"small": 4, "capable": 8}  # by Profile.small_model
SOURCE_CHARS = {"small": 600, "capable": 1500}
PER_PAPER = 3  # the least sources per paper a question names
PER_PAPER_POOL = 10  # ... chosen from this many of the paper's best chunks (:func:`by_best_sentence`)
ADDED_PER_PAPER = {"small": 3, "capable": 1}  # an answer's least statements from each paper it must draw on
PASSAGE_CHARS = 400  # the paper's own words an answer shows: the closest sentence and its neighbours (:func:`passage`)
CLAIM_WORDS = 4  # a model claim of fewer words is no statement (a name, "Universal Transformers"): the quote stands
TERM_WEIGHT = 0.3  # a sentence holding all the question's terms scores as if 0.3 closer in cosine (:func:`_scorer`)
NOTES = {"paper": "the paper's own words, in place of a claim the check could not support",
         "added": "the paper's own words closest to the question, added by PaperPal"}
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
    paper_id: str = ""
    origin: str = "model"  # "model": passed the support check | "paper": the quote, in place of a rejected claim |
    # "added": a sentence closest to the question of a paper the answer must draw on (a named paper; every source's
    # paper when the model gave no usable answer), up to ADDED_PER_PAPER statements from it


@dataclass
class AskResult:
    question: str
    query: str
    claims: list[Claim] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # Hit.to_dict() without the text, plus "citation"
    named: dict[str, list[str]] = field(default_factory=dict)  # paper id -> the question's names for it
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
    scope = {"paper_ids": paper_ids, "collection": collection, "tag": tag}
    named = named_in_scope(question, settings=settings, **scope)
    hits = retrieve(query, named, count, settings=settings, embedder=embedder, **scope)
    result = AskResult(question=question, query=query, named=named, backend=backend.name, model=backend.model)
    result.sources = [{**{k: v for k, v in h.to_dict().items() if k != "text"}, "citation": citation(h)} for h in hits]
    if not hits:
        return result
    check_cancelled(cancel)
    small = backend.profile.small_model
    chars = SOURCE_CHARS["small" if small else "capable"]
    scorers = {pid: _scorer(about_paper(query, named, pid) if pid in named else query, embedder)
               for pid in dict.fromkeys(h.paper_id for h in hits)}  # fmt: skip
    listing = "\n\n".join(f"[{i}] {citation(h)}\n{excerpt(h.text, chars, scorers[h.paper_id])}"
                           for i, h in enumerate(hits, 1))  # fmt: skip
    prompt = load_prompt(TASK, lang)
    request = Request(prompt=prompt.render(question=question, sources=listing), max_tokens=400 if small else 1500,
                      temperature=0.2, repeat_penalty=1.15 if small else 1.0)  # fmt: skip
    report(f"Writing the answer ({backend.name} model {backend.model})")
    try:
        data = backend.complete_json(request, _schema(len(hits), small), cancel=cancel).data
    except JSONOutputError:  # no usable answer (cut off, off the schema): the papers' own words below
        data = {"claims": []}
    pages_of = _pages_of(settings)
    for item in data["claims"]:
        number = int(item["source"])
        hit = hits[number - 1]
        # the small model's quote seldom answers: the source's passage closest to the question stands in for a
        # claim the check rejects
        instead = ([x for sentence, _ in _closest([(number, hit)], scorers[hit.paper_id])
                    for x in (passage(sentence, hit.text), sentence)] if small else None)  # fmt: skip
        _add(result, _claim(item, number, hit, pages_of(hit.paper_id), embedder, instead=instead))
    wanted = set(named) or (set() if result.claims else {h.paper_id for h in hits})  # no answer: every source's paper
    least = ADDED_PER_PAPER["small" if small else "capable"]
    for paper_id in dict.fromkeys(h.paper_id for h in hits if h.paper_id in wanted):  # the paper's own closest words
        own = [(number, hit) for number, hit in enumerate(hits, 1) if hit.paper_id == paper_id]
        for sentence, (number, hit) in _closest(own, scorers[paper_id]):
            shown = [c.text for c in result.claims if c.paper_id == paper_id]
            if len(shown) >= least:
                break
            if any(sentence in text for text in shown):  # already shown, inside an earlier passage
                continue
            _add(result, _claim({"claim": question}, number, hit, pages_of(paper_id), embedder, written=False,
                                ranked=[passage(sentence, hit.text), sentence]))  # fmt: skip
    return result


def passage(sentence: str, text: str, chars: int = PASSAGE_CHARS) -> str:
    """``sentence`` with the sentences of ``text`` just before and after it, where they are prose and the passage
    stays within ``chars``: an answer's own words in their context (what a sentence answers often needs the one
    before or after it: "It reduces the memory …")."""
    parts = sentences(text)
    if sentence not in parts:
        return sentence
    at = parts.index(sentence)
    picked = [sentence]
    for other in (at - 1, at + 1):
        if 0 <= other < len(parts) and _quotable(parts[other]) and len(" ".join(picked)) + 1 + len(
                parts[other]) <= chars:  # fmt: skip
            picked = [parts[other], *picked] if other < at else [*picked, parts[other]]
    return " ".join(picked)


def _quotable(sentence: str) -> bool:
    return len(sentence) >= 30 and is_prose(sentence) and not is_pointer(sentence)


def _closest(sources: list[tuple[int, Hit]], score) -> list[tuple[str, tuple[int, Hit]]]:
    """The prose sentences of ``sources`` (numbered hits; no pointer, "In Figure 30, we show …"), closest to the
    question first by ``score`` (:func:`_scorer`)."""
    pairs = [(x, source) for source in sources for x in sentences(source[1].text) if _quotable(x)]
    if not pairs:
        return []
    scores = score([x for x, _ in pairs])
    return [pairs[i] for i in np.argsort(-np.asarray(scores), kind="stable")]


def _add(result: AskResult, claim: Claim | None) -> None:
    """``claim`` into the answer, unless it is left out or says what the answer already says from its paper (the
    small model often cites one sentence twice, and both fail the check into the same quote)."""
    if claim is not None and (claim.paper_id, claim.text) not in {(c.paper_id, c.text) for c in result.claims}:
        result.claims.append(claim)


def retrieve(query: str, named: dict[str, list[str]], count: int, *, settings: Settings, embedder,
             paper_ids=None, collection=None, tag=None) -> list[Hit]:  # fmt: skip
    """The sources: per named paper when the question names papers (each paper's best chunks for what the question
    asks of it, :func:`~paperpal.index.named_papers.about_paper`, by :func:`by_best_sentence`, at least
    :data:`PER_PAPER` each;
    with one named paper, half the sources come from the rest of the scope), else the scope's best chunks with at
    most half of them from one paper."""
    scope = {"paper_ids": paper_ids, "collection": collection, "tag": tag}
    if named:
        per = max(PER_PAPER, count // max(len(named), 2))
        hits = []
        for pid in named:
            asked = about_paper(query, named, pid)
            pool = search(asked, settings=settings, k=PER_PAPER_POOL, paper_ids=[pid], embedder=embedder)
            hits += by_best_sentence(asked, pool, embedder)[:per]
        if len(named) == 1:
            rest = search(query, settings=settings, k=count * 2, embedder=embedder, **scope)
            hits += [h for h in rest if h.paper_id not in named][: count - len(hits)]
        return hits
    pool = search(query, settings=settings, k=count * 3, embedder=embedder, **scope)
    cap = max(1, -(-count // 2))
    taken: dict[str, int] = {}
    hits = []
    for hit in pool:
        if taken.get(hit.paper_id, 0) < cap and len(hits) < count:
            taken[hit.paper_id] = taken.get(hit.paper_id, 0) + 1
            hits.append(hit)
    return hits


def by_best_sentence(query: str, hits: list[Hit], embedder) -> list[Hit]:
    """``hits`` re-ranked by their sentence closest to ``query`` (a chunk's one sentence that states the asked-for
    fact is diluted in the chunk's own vector; :func:`_scorer`); the search order breaks near-ties."""
    if len(hits) < 2:
        return hits
    score = _scorer(query, embedder)
    scored = []
    for rank, hit in enumerate(hits):
        options = [x for x in sentences(hit.text) if len(x) >= 30] or [hit.text]
        scored.append((float(np.max(score(options))) - 0.01 * rank, rank))
    return [hits[rank] for _, rank in sorted(scored, key=lambda x: (-x[0], x[1]))]


def _scorer(query: str, embedder):
    """How close each of some sentences is to ``query``: cosine similarity plus :data:`TERM_WEIGHT` times the share
    of the query's terms the sentence holds (MiniLM's vectors blur the specific word asked about: "GPU",
    "corpora")."""
    vector = embedder.embed([query])[0]
    terms = set(tokens(query))

    def score(options: list[str]) -> np.ndarray:
        held = np.array([len(terms & set(tokens(x))) / (len(terms) or 1) for x in options])
        return embedder.embed(options) @ vector + TERM_WEIGHT * held

    return score


def excerpt(text: str, chars: int, score) -> str:
    """At most ``chars`` of ``text``: whole sentences around its sentence that ``score`` ranks first.  The small
    model reads :data:`SOURCE_CHARS` of each source, and the sentence that answers is often past that cut (in 76 of
    the 119 sources that answer a question of ``eval/ask_cross/``)."""
    text = normalise(text)
    parts = sentences(text)
    if len(text) <= chars or len(parts) < 2:
        return text[:chars]
    first = last = int(np.argmax(score(parts)))
    size = len(parts[first])
    grown = True
    while grown:  # the sentences after the best one first (what it leads into), then the one before
        grown = False
        if last + 1 < len(parts) and size + 1 + len(parts[last + 1]) <= chars:
            last += 1
            size += 1 + len(parts[last])
            grown = True
        if first > 0 and size + 1 + len(parts[first - 1]) <= chars:
            first -= 1
            size += 1 + len(parts[first])
            grown = True
    return " ".join(parts[first : last + 1])[:chars]


def _pages_of(settings: Settings):
    paths = {pid: record.path for pid, record in catalog(settings=settings).items()}

    def pages(paper_id: str) -> tuple[str, ...]:
        path = paths.get(paper_id, "")
        return page_texts(path) if path and Path(path).is_file() else ()

    return pages


def _claim(item: dict, source: int, hit: Hit, pages: tuple[str, ...], embedder, written: bool = True,
           ranked: list[str] | None = None, instead: list[str] | None = None) -> Claim | None:  # fmt: skip
    """A claim with its quote verified on the page and its text checked against the source; ``written=False``: the
    source's best verified sentence for ``item["claim"]`` (the question; closest first by ``ranked`` when given), as
    the paper's own words.  A claim the check rejects becomes its verified quote, or, given ``instead`` (sentences of
    the source, closest to the question first), the first of them found on a page.  None when the check rejects the
    claim and no sentence of the source can be verified."""
    near = list(range(hit.page_start, hit.page_end + 1))
    model_quote = normalise(item.get("quote", ""))
    verified = verify_quote(model_quote, pages, near=near) if model_quote and pages else None
    quote, replaced = model_quote, False
    if verified is None:
        quote, verified = (verified_sentence(item["claim"], hit.text, embedder, pages, near, ranked=ranked)
                           if pages else ("", None))  # fmt: skip
        replaced = bool(model_quote)
    text, origin = normalise(item["claim"]), "model"
    stated = len(text.split()) >= CLAIM_WORDS  # "Universal Transformers" names a paper, it states nothing of it
    if not written or not stated or not check(text, sentences(hit.text), context=hit.paper_title).supported:
        if instead and pages:
            sentence, found = verified_sentence(item["claim"], hit.text, embedder, pages, near, ranked=instead)
            if found is not None:
                quote, verified = sentence, found
        if verified is None:
            return None  # neither the claim nor a sentence of the source stands: left out, never shown as checked
        text, origin = quote, "paper" if written else "added"
    page = verified.pages[0] if verified else hit.page_start
    return Claim(text=text, source=source, citation=citation(hit, page), quote=quote if verified else "",
                 quote_verified=verified is not None, quote_replaced=replaced, page=page, paper_id=hit.paper_id,
                 origin=origin)  # fmt: skip


def ask_markdown(result: AskResult) -> str:
    """The answer grouped by paper (in the order the sources give them): the model's checked claims with their
    quotes, and the papers' own sentences where a claim did not pass the check."""
    lines = [f"**{result.question}**", ""]
    if not result.sources:
        return "\n".join(lines + ["No indexed paper matches (run `paperpal index` first, or widen the scope).", ""])
    titles = {s["paper_id"]: s["paper_title"] for s in result.sources}
    for paper_id in dict.fromkeys(s["paper_id"] for s in result.sources):
        claims = [c for c in result.claims if c.paper_id == paper_id]
        if not claims:
            continue
        lines.append(f"*{titles[paper_id]}*")
        for claim in claims:
            if claim.origin != "model":
                note = NOTES[claim.origin]
                lines.append(f'- "{claim.text}" {claim.citation} *({note})*')
                continue
            lines.append(f"- {claim.text} {claim.citation}")
            if claim.quote:
                note = " *(replaces an unverifiable model quote)*" if claim.quote_replaced else ""
                lines.append(f'  > "{claim.quote}"{note}')
        lines.append("")
    lines += ["Sources:"] + [f"{i}. {s['citation']}" for i, s in enumerate(result.sources, 1)]
    return "\n".join(lines) + "\n"

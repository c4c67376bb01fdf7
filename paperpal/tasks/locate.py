""" "Where in this paper is X?": section, page and a verified quote.

1. Retrieval restricted to the one paper (indexed on first use): dense MiniLM + BM25, fused.
   A Chinese question about an English paper is bridged by the bilingual term map and, when a
   capable endpoint is configured, by the LLM rewriting it into English.
2. Section-aware re-ranking: each chunk's score mixes its own similarity, its section heading's
   similarity to the question (a question about "token order" finds "Positional Encoding") and its
   BM25 score; back matter (references) is never a candidate.  One candidate per section.
3. The answer: with an endpoint, the LLM picks among the top candidates (by letter: it cannot
   invent a section) and quotes; with the small local model, the top candidate stands and the
   model only writes the explanation.  Either way the quote is verified against the page text and
   the page comes from where the quote sits.
4. "Not found in this paper" when the best evidence is below a threshold fitted on train papers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .. import llm
from ..errors import InputFileError, check_cancelled
from ..index import index_papers, search
from ..index.embedders import get_embedder
from ..index.lexical import tokens
from ..llm.base import Backend, Request
from ..model import Paper, Section
from ..resources import load_prompt
from ..settings import Settings
from ..text import has_cjk, normalise, sentences
from ..text.section_kinds import is_back_matter_title, is_overview_title
from ..text.zh_terms import english_terms
from .highlights import asks_for_highlights, highlights_about
from .quotes import paper_pages, verify_quote
from .summary import check_readable

TASK = "locate"
CANDIDATES = 5  # what the LLM chooses among
# Re-ranking weights and the not-found threshold, fitted on train-split papers only
# (tests/data/locate_questions.tsv); see docs/guide.md.
WEIGHTS = {"dense": 0.5, "lexical": 1.0, "title": 0.25, "title_words": 0.5, "sentence": 1.0, "overview": -0.3}
SENTENCE_RERANK = 6  # chunks whose sentences are embedded one by one
EVIDENCE_TITLE = 0.25
NOT_FOUND_BELOW = 0.24  # best (sentence or chunk) cosine + EVIDENCE_TITLE * heading cosine; train: on-topic >= 0.27, off-topic <= 0.22


@dataclass
class Candidate:
    section_number: str
    section_title: str
    pages: list[int]
    score: float
    chunk_id: str
    text: str = field(repr=False, default="")

    @property
    def label(self) -> str:
        return f"{self.section_number} {self.section_title}".strip()

    def public(self) -> dict:
        return {"section_number": self.section_number, "section_title": self.section_title, "pages": self.pages,
                "score": round(self.score, 4)}  # fmt: skip


@dataclass
class LocateResult:
    """The JSON ``paperpal locate --json`` prints (``to_dict``); docs/json.md describes each field."""

    found: bool
    section_number: str | None
    section_title: str | None
    pages: list[int]
    quote: str
    quote_verified: bool  # the printed quote was found in the PDF's page text (never False with a quote shown)
    quote_source: str  # "model" (the endpoint's quote, verified) | "retrieval" (the best sentence of the chosen chunk)
    quote_replaced: bool  # the model's quote was not in the PDF, so the retrieved sentence replaced it
    explanation: str
    candidates: list[dict]
    question: str
    query: str  # what retrieval searched for (the question, plus English terms for a Chinese question)
    paper_id: str
    paper_title: str
    backend: str | None = None
    model: str | None = None
    highlights: list[dict] = field(default_factory=list)  # "what did I highlight about X": the closest ones

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def location(self) -> str:
        if not self.found:
            return "not found in this paper"
        pages = ", ".join(str(p) for p in self.pages)
        return f"§{self.section_number + ' ' if self.section_number else ''}{self.section_title}, p. {pages}"


def retrieval_query(question: str, paper: Paper, backend: Backend | None, lang: str) -> str:
    """The text retrieval searches: for a Chinese question about an English paper, English terms
    from the bilingual map, plus the capable endpoint's English rewrite (never the small local model's)."""
    if not (has_cjk(question) and paper.language == "en"):
        return question
    parts = [english_terms(question)]
    if backend is not None and not backend.profile.small_model:
        prompt = load_prompt("rewrite_query", lang)
        reply = backend.complete(Request(prompt=prompt.render(question=question), max_tokens=60, temperature=0.0))
        parts.insert(0, normalise(reply.text.splitlines()[0] if reply.text.strip() else ""))
    return " ".join(p for p in parts if p).strip() or question


def _ensure_indexed(paper: Paper, settings: Settings, cancel) -> None:
    report = index_papers([paper], settings=settings, cancel=cancel)  # parsed already: not hashed or parsed again
    if report.failed:
        raise InputFileError(f"Could not index {Path(paper.path).name}: {report.failed[0][1]}")


# Heading words that say nothing about the content ("4.2 Models", "3 Method", "5 Results").
_GENERIC_HEADING = frozenset(tokens(
    "model models method methods approach result results experiment experiments experimental setup setting settings "
    "detail details implementation analysis discussion evaluation background introduction conclusion overview "
    "preliminary preliminaries related work proposed study"
))  # fmt: skip


def _title_tokens(trail: tuple[Section, ...]) -> set[str]:
    return set(tokens(trail[-1].title if trail else "")) - _GENERIC_HEADING


FEATURES = ("dense", "lexical", "title", "title_words", "sentence", "overview")


def _score(row: dict, weights: dict[str, float]) -> float:
    return sum(weights[name] * row[name] for name in FEATURES)


def candidate_features(question_query: str, paper: Paper, *, settings: Settings, embedder) -> list[dict]:
    """One row of features per chunk of ``paper`` (back matter left out), with its Hit under "hit".

    ``dense`` (chunk cosine), ``lexical`` (BM25 / best BM25), ``title`` (cosine of the section heading
    path), ``title_words`` (share of the heading's words found in the query), ``sentence`` (best cosine
    of one of its sentences, for the top chunks; elsewhere the chunk cosine): a "where" question is
    usually answered by one sentence, which a 256-token chunk vector dilutes.
    """
    hits = search(question_query, settings=settings, k=len(paper.chunks) or 1, paper_ids=[paper.id], embedder=embedder,
                  dense_candidates=len(paper.chunks) or 1)  # fmt: skip
    chunks = {c.id: c for c in paper.chunks}
    trails = {h.chunk_id: paper.section_trail(chunks[h.chunk_id]) if h.chunk_id in chunks else () for h in hits}
    hits = [h for h in hits if not (trails[h.chunk_id] and is_back_matter_title(trails[h.chunk_id][0].title))]
    if not hits:
        return []
    headings = sorted({". ".join(s.title for s in trails[h.chunk_id]) for h in hits})  # the titles, no numbers
    vectors = embedder.embed([question_query, *headings])
    query_vector = vectors[0]
    title_sim = dict(zip(headings, (vectors[1:] @ query_vector).tolist()))
    query_words = set(tokens(question_query))
    top_lexical = max((h.lexical for h in hits), default=0.0) or 1.0
    rows = []
    for h in hits:
        trail = trails[h.chunk_id]
        words = _title_tokens(trail)
        rows.append({"hit": h, "dense": h.dense, "lexical": h.lexical / top_lexical,
                     "title": title_sim[". ".join(s.title for s in trail)],
                     "title_words": len(words & query_words) / max(2, len(words)), "sentence": h.dense,
                     "overview": 1.0 if trail and is_overview_title(trail[0].title) else 0.0})  # fmt: skip
    rows.sort(key=lambda row: _score(row, WEIGHTS), reverse=True)
    options = [
        (i, s) for i, row in enumerate(rows[:SENTENCE_RERANK]) for s in sentences(row["hit"].text) if len(s) >= 30
    ]
    if options:
        best_sim: dict[int, float] = {}
        for (i, _), sim in zip(options, (embedder.embed([s for _, s in options]) @ query_vector).tolist()):
            best_sim[i] = max(best_sim.get(i, -1.0), sim)
        for i, sim in best_sim.items():
            rows[i]["sentence"] = sim
    return rows


def rank_candidates(
    question_query: str,
    paper: Paper,
    *,
    settings: Settings,
    embedder,
    weights: dict[str, float] | None = None,
    rows: list[dict] | None = None,
) -> tuple[list[Candidate], float]:
    """Section-aware candidates (one per section, best first) and the evidence score for "not found"."""
    weights = weights or WEIGHTS
    if rows is None:
        rows = candidate_features(question_query, paper, settings=settings, embedder=embedder)
    best: dict[str, Candidate] = {}
    evidence = 0.0
    for row in rows:
        h, score = row["hit"], _score(row, weights)
        evidence = max(evidence, max(row["sentence"], row["dense"]) + EVIDENCE_TITLE * row["title"])
        if h.section_path not in best or score > best[h.section_path].score:
            pages = list(range(h.page_start, h.page_end + 1))
            best[h.section_path] = Candidate(h.section_number, h.section_title, pages, score, h.chunk_id, h.text)
    return sorted(best.values(), key=lambda c: c.score, reverse=True), evidence


def ranked_sentences(query: str, text: str, embedder) -> list[str]:
    """The sentences of ``text``, closest to ``query`` first (real sentences before fragments)."""
    options = [s for s in sentences(text) if len(s) >= 40] or sentences(text) or [normalise(text)]
    if len(options) == 1:
        return options
    sims = embedder.embed([query, *options])
    order = np.argsort(-(sims[1:] @ sims[0]), kind="stable")
    return [options[i] for i in order]


def verified_sentence(query: str, text: str, embedder, pages_text, near: list[int], ranked: list[str] | None = None):
    """(sentence, Verified) for the closest sentence of ``text`` found in the page text, or ("", None); ``ranked``:
    the sentences of ``text`` in another order of closeness than :func:`ranked_sentences`'.

    Sentences full of formulas often extract differently from the page; the next closest is tried."""
    ranked = (ranked or ranked_sentences(query, text, embedder))[:12]
    for sentence in ranked:
        found_at = verify_quote(sentence, pages_text, near=near)
        if found_at:
            return sentence, found_at
    for sentence in ranked:  # no whole sentence survives extraction (formulas): the first verbatim 12-word run
        words = sentence.split()
        for start in range(max(1, len(words) - 11)):
            fragment = " ".join(words[start : start + 12])
            found_at = verify_quote(fragment, pages_text, near=near)
            if found_at:
                return fragment, found_at
    return "", None


def _explain(backend: Backend, question: str, candidate: Candidate, quote: str, lang: str, cancel) -> str:
    prompt = load_prompt("locate", lang)
    request = Request(
        prompt=prompt.render(question=question, section=candidate.label, passage=candidate.text[:1200], quote=quote),
        max_tokens=60 if backend.profile.small_model else 300,
        temperature=0.0,
        stop=["\n\n", "\n#"],
        repeat_penalty=1.15,
    )
    return normalise(backend.complete(request, cancel=cancel).text)


def _pick(backend: Backend, question: str, candidates: list[Candidate], lang: str, cancel) -> tuple[int, str, str]:
    """A capable endpoint picks a candidate by letter, quotes it and explains."""
    letters = "ABCDE"[: len(candidates)]
    listing = "\n\n".join(
        f"[{letters[i]}] §{c.label} (p. {c.pages[0]})\n{c.text[:900]}" for i, c in enumerate(candidates)
    )
    prompt = load_prompt("locate_pick", lang)
    schema = {
        "type": "object",
        "properties": {
            "choice": {"type": "string", "enum": list(letters)},
            "quote": {
                "type": "string",
                "maxLength": 400,
                "description": "Verbatim sentence(s) from the chosen passage.",
            },
            "explanation": {"type": "string", "maxLength": 1200},
        },
        "required": ["choice", "explanation", "quote"],
        "additionalProperties": False,
    }
    request = Request(prompt=prompt.render(question=question, candidates=listing), max_tokens=700, temperature=0.0)
    data = backend.complete_json(request, schema, cancel=cancel).data
    return letters.index(data["choice"]), normalise(data["quote"]), normalise(data["explanation"])


def locate(
    paper: Paper,
    question: str,
    *,
    settings: Settings,
    backend: Backend | None = None,
    lang: str | None = None,
    use_llm: bool = True,
    on_progress=None,
    cancel=None,
) -> LocateResult:
    """Find where ``paper`` answers ``question``.  ``use_llm=False``: retrieval only (no explanation)."""
    question = (question or "").strip()
    if not question:
        raise InputFileError("The question is empty", hint='ask e.g. "where do they explain the positional encoding?"')
    check_readable(paper)
    lang = lang or ("zh" if has_cjk(question) else settings.language)
    if asks_for_highlights(question):
        return _from_highlights(paper, question, settings, lang)
    report = on_progress or (lambda stage: None)
    report("Indexing the paper")
    _ensure_indexed(paper, settings, cancel)
    check_cancelled(cancel)
    if use_llm and backend is None:
        backend = llm.get_backend(settings)
    embedder = get_embedder(settings)
    report("Searching the paper")
    query = retrieval_query(question, paper, backend if use_llm else None, lang)
    candidates, evidence = rank_candidates(query, paper, settings=settings, embedder=embedder)
    found = bool(candidates) and evidence >= NOT_FOUND_BELOW
    title = normalise(paper.title) or Path(paper.path).stem
    result = LocateResult(
        found=found, section_number=None, section_title=None, pages=[], quote="", quote_verified=False,
        quote_source="retrieval", quote_replaced=False, explanation="", candidates=[c.public() for c in candidates[:CANDIDATES]],
        question=question, query=query, paper_id=paper.id, paper_title=title,
        backend=backend.name if use_llm and backend else None, model=backend.model if use_llm and backend else None,
    )  # fmt: skip
    if not found:
        result.explanation = (
            "这篇论文里没有找到与问题相符的内容；最接近的候选见 candidates。"
            if lang == "zh"
            else "Not found in this paper; the closest candidates are listed."
        )
        return result
    top = candidates[:CANDIDATES]
    chosen, model_quote, explanation = 0, "", ""
    if use_llm and backend is not None and not backend.profile.small_model and len(top) > 1:
        report(f"Choosing among candidates ({backend.name} model {backend.model})")
        chosen, model_quote, explanation = _pick(backend, question, top, lang, cancel)
    candidate = top[chosen]
    pages_text = paper_pages(paper)
    verified = verify_quote(model_quote, pages_text, near=candidate.pages) if model_quote else None
    if verified and not (candidate.pages[0] - 1 <= verified.pages[0] <= candidate.pages[-1] + 1):
        verified = None  # a sentence that exists, but not in the chosen section, does not prove the location
    if verified:
        result.quote, result.quote_source, result.quote_verified, result.pages = (
            model_quote,
            "model",
            True,
            verified.pages,
        )
    else:
        sentence, found_at = verified_sentence(query, candidate.text, embedder, pages_text, candidate.pages)
        result.quote = sentence
        result.quote_verified, result.quote_replaced = found_at is not None, bool(model_quote)
        result.pages = found_at.pages if found_at else candidate.pages[:1]
    result.section_number, result.section_title = candidate.section_number or None, candidate.section_title
    if use_llm and backend is not None and not explanation:
        report(f"Explaining ({backend.name} model {backend.model})")
        explanation = _explain(backend, question, candidate, result.quote, lang, cancel)
    result.explanation = explanation
    return result


def _from_highlights(paper: Paper, question: str, settings: Settings, lang: str) -> LocateResult:
    """"What did I highlight about X": the reader's Zotero highlights closest to X, the best one as the location."""
    title = normalise(paper.title) or Path(paper.path).stem
    chosen = highlights_about(paper, question, get_embedder(settings)) if paper.highlights else []
    result = LocateResult(
        found=bool(chosen), section_number=None, section_title=None, pages=[], quote="", quote_verified=False,
        quote_source="highlight", quote_replaced=False, explanation="", candidates=[], question=question,
        query=question, paper_id=paper.id, paper_title=title,
        highlights=[{k: v for k, v in asdict(h).items() if k != "color"} for h in chosen],
    )  # fmt: skip
    if not chosen:
        result.explanation = ("这篇论文在你的 Zotero 库里没有标注（先 `paperpal sync`）。" if lang == "zh" else
                              "You have no Zotero highlights in this paper (highlights come from a synced Zotero item: "
                              "run `paperpal sync`).")  # fmt: skip
        return result
    best = chosen[0]
    result.section_number, result.section_title = best.section_number, best.section_title or f"Page {best.page}"
    result.pages = [best.page] if best.page else []
    result.quote = best.text
    result.quote_verified = bool(best.text) and verify_quote(best.text, paper_pages(paper), near=result.pages) is not None
    count = len(paper.highlights)
    result.explanation = (f"你在这篇论文里的 {count} 条标注中与问题最接近的 {len(chosen)} 条。" if lang == "zh" else
                          f"The {len(chosen)} of your {count} highlights in this paper closest to the question.")  # fmt: skip
    return result


def locate_markdown(result: LocateResult) -> str:
    """The Markdown answer; it ends with the location line (e.g. ``§3.5 Positional Encoding, p. 6``)."""
    lines = [f"**{result.question}**", ""]
    if result.highlights:
        lines += [result.explanation, ""]
        for h in result.highlights:
            where = f"§{h['section_number']}" if h["section_number"] else (h["section_title"] or "")
            place = f"{where + ', ' if where else ''}p. {h['page']}" if h["page"] else where
            comment = f" — *your comment*: {h['comment']}" if h["comment"] else ""
            quote = f"“{h['text']}” " if h["text"] else ""
            lines.append(f"- {quote}({place}){comment}")
        lines.append("")
    elif result.found:
        if result.quote:
            flag = (
                " *(the model's quote was not in the PDF; this sentence replaces it)*" if result.quote_replaced else ""
            )
            lines += [f"> {result.quote}{flag}", ""]
        if result.explanation:
            lines += [result.explanation, ""]
    else:
        lines += [result.explanation, ""]
        lines += [f"- §{c['section_number'] + ' ' if c['section_number'] else ''}{c['section_title']}, p. {c['pages'][0]}"
                  for c in result.candidates]  # fmt: skip
        lines.append("")
    lines.append(result.location)
    return "\n".join(lines) + "\n"

"""A related-work draft over several papers, built on their comparison table: every sentence cites
[First-author Year, p. N], and every citation is verified against that paper's page text before it is printed.

The table (:mod:`.compare`) is the backbone.  The draft has four parts — common ground (what the papers address),
differences in method (method and data), results side by side (headline result and metrics), open problems
(limitations) — made one of two ways:

- **extractive** (the bundled small model, or no model): each paper's cell for the part, quoted in its own words,
  and for common ground the specific terms that several papers' problem and method cells share, each paper cited
  where its cell uses the term.  Nothing is paraphrased: it is a structured, cited digest, not prose.
- **endpoint** (an OpenAI-compatible model): the model reads the part's cells as numbered sources and writes a few
  sentences, each naming the sources it rests on (an enum: it cannot cite a source it was not given).  Every
  sentence is checked by the shared support check (:func:`paperpal.text.support.check`) against the quotes it
  cites, read as adjacent sentences; a sentence the check rejects is replaced by the first cited paper's own
  words (when that paper is not quoted in the part yet) or left out.  A paper the model did not cite is added in
  its own words, so every paper stands in every part where its cell was found.

A citation's page and quote come from the table's evidence, never from the model, and are verified verbatim on
that page of the PDF (:func:`.quotes.verify_quote`); a citation that fails is dropped, and a sentence left without
a verified citation is left out.  A paper whose cell was not found is listed under the part as *not found*
(PaperPal did not find it, which is not proof that the paper does not say it) — a notice, not a sentence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import check_cancelled
from ..llm.base import Backend, Request
from ..model import Paper
from ..resources import load_prompt
from ..settings import Settings
from ..text import normalise
from ..text.facts import tokenize
from ..text.prose import is_prose
from ..text.support import check
from .compare import ComparisonTable, Row, compare
from .passages import PaperSentences, Sentence
from .quotes import page_texts, verify_quote

TASK = "review"
PARTS = {  # part -> the table columns it draws on
    "common": ("problem",),
    "method": ("method", "data"),
    "results": ("result", "metrics"),
    "open": ("limitations",),
}
COLUMNS = list(dict.fromkeys(c for columns in PARTS.values() for c in columns))
SHARED_NAMES = 6  # common ground: at most this many shared names
NAME_USES = 2  # a paper shares a name when this many of its sentences use it
LONG = 40  # words: a longer sentence is quoted for a shared name only when the paper has no shorter one
ASIDE = frozenset({"abstract", "related", "back"})  # where a shared name is cited only when the paper has no other
MAX_SENTENCES = 6  # per part, on an endpoint
OUTPUT_TOKENS = 1200


@dataclass
class Citation:
    label: str  # "Vaswani 2017"
    paper_id: str
    path: str
    page: int  # 1-based
    section_number: str | None
    section_title: str
    quote: str  # verbatim on ``page``

    def mark(self, lang: str = "en") -> str:
        return f"[{self.label}，第 {self.page} 页]" if lang == "zh" else f"[{self.label}, p. {self.page}]"


@dataclass
class ReviewSentence:
    text: str  # without its citation marks
    citations: list[Citation]
    origin: str  # "paper": a paper's own words | "names": a name several papers use, quoted | "model": checked


@dataclass
class ReviewPart:
    key: str
    title: str
    sentences: list[ReviewSentence] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # labels of the papers whose cells were not found


@dataclass
class Review:
    lang: str
    mode: str  # "extractive" | "endpoint"
    papers: list[dict]
    parts: list[ReviewPart]
    table: ComparisonTable
    counts: dict = field(default_factory=dict)
    backend: str = "none"
    model: str = "none"

    def to_dict(self) -> dict:
        return {"lang": self.lang, "mode": self.mode, "backend": self.backend, "model": self.model,
                "papers": self.papers, "parts": [asdict(p) for p in self.parts], "counts": self.counts,
                "failed": [{"path": p, "reason": r} for p, r in self.table.failed]}  # fmt: skip


def headings(lang: str) -> dict[str, str]:
    return HEADINGS["zh" if lang == "zh" else "en"]


HEADINGS = {
    "en": {"common": "Common ground", "method": "Differences in method", "results": "Results side by side",
           "open": "Open problems"},
    "zh": {"common": "共同点", "method": "方法差异", "results": "结果对比", "open": "开放问题"},
}  # fmt: skip


def _citations(row: Row, column: str) -> list[Citation]:
    """Where a cell's words stand: one citation per passage it joins (none when the cell is not stated)."""
    cell = row.cells.get(column)
    if cell is None or not cell.stated:
        return []
    return [Citation(row.label, row.paper_id, row.path, ev.page, ev.section_number, ev.section_title, ev.quote)
            for ev in cell.all_evidence]  # fmt: skip


def verified(citation: Citation) -> bool:
    """Whether the citation's quote stands verbatim on its page of the PDF (a quote across a page break counts
    for the page it starts on)."""
    pages = page_texts(citation.path) if Path(citation.path).is_file() else ()
    found = verify_quote(citation.quote, pages, near=[citation.page]) if pages else None
    return found is not None and found.pages[0] == citation.page


def _quoted(row: Row, column: str, lang: str) -> ReviewSentence | None:
    citations = _citations(row, column)
    if not citations:
        return None
    text = row.cells[column].text
    if column in ("metrics", "data"):  # a cell that names them ("BLEU; F1"): the review quotes where the paper says so
        text = " ".join(c.quote for c in citations)
    return ReviewSentence(f"{row.label}：“{text}”" if lang == "zh" else f"{row.label}: “{text}”", citations, "paper")


def _names(paper: Paper) -> tuple[Counter, dict[str, Sentence]]:
    """How many body sentences of ``paper`` name each name (models, data sets, metrics: "BERT", "GLUE", "SQuAD"),
    and the sentence to cite for it: the first of the best kind (:func:`_worse`)."""
    counts: Counter = Counter()
    first: dict[str, Sentence] = {}
    for sentence in PaperSentences(paper).sentences:
        if not sentence.citable or sentence.section.kind == "back":
            continue
        for token in tokenize(sentence.text):
            if token.kind != "name" or len(token.key) < 2 or not re.match(r"[A-Z]", token.text):
                continue
            if token.key not in first or _worse(first[token.key]) > _worse(sentence):
                first[token.key] = sentence
        counts.update({t.key for t in tokenize(sentence.text) if t.kind == "name" and t.key in first})
    return counts, first


def _worse(sentence: Sentence) -> tuple[bool, bool, bool]:
    """How far a sentence is from a good one to quote: in the abstract, related work or back matter; not prose
    (a table row, a formula); long."""
    return (sentence.section.kind in ASIDE, not is_prose(sentence.text), len(sentence.text.split()) > LONG)


def shared_names(papers: list[tuple[Row, Paper]], lang: str) -> list[ReviewSentence]:
    """Common ground: the names (models, data sets, metrics) that at least two papers (and at least half of them
    when there are more than four) each use in at least :data:`NAME_USES` sentences, each paper quoted and cited
    where it first uses the name.  A paper's own authors are not common ground."""
    holders: dict[str, list[tuple[Row, Sentence]]] = {}
    uses: Counter = Counter()
    surface: dict[str, str] = {}
    for row, paper in papers:
        authors = {a.split()[-1].lower() for a in row.authors if a.split()}
        counts, first = _names(paper)
        for key, count in counts.items():
            if count >= NAME_USES and key not in authors:
                holders.setdefault(key, []).append((row, first[key]))
                uses[key] += count
                surface.setdefault(key, _surface(first[key].text, key))
    least = max(2, (len(papers) + 1) // 2 if len(papers) > 4 else 2)
    shared = sorted((k for k, held in holders.items() if len(held) >= least), key=lambda k: (-len(holders[k]), -uses[k], k))
    out = []
    for key in shared[:SHARED_NAMES]:
        quotes = [f"“{sentence.text}” ({row.label})" for row, sentence in holders[key]]
        text = f"{surface[key]}：" + "；".join(quotes) if lang == "zh" else f"{surface[key]}: " + "; ".join(quotes)
        citations = [Citation(row.label, row.paper_id, row.path, s.page, s.section.number, s.section.title, s.text)
                     for row, s in holders[key]]  # fmt: skip
        out.append(ReviewSentence(text, citations, "names"))
    return out


def _surface(text: str, key: str) -> str:
    return next((t.text for t in tokenize(text) if t.key == key), key)


def _extractive_part(key: str, rows: list[Row], lang: str, papers: list[tuple[Row, Paper]]) -> list[ReviewSentence]:
    sentences = shared_names(papers, lang) if key == "common" else []
    for row in rows:
        sentences += [s for s in (_quoted(row, column, lang) for column in PARTS[key]) if s is not None]
    return sentences


# -- the endpoint: prose from the part's cells, every sentence checked -----------------------------------------------


def review_schema(count: int, lang: str) -> dict:
    text = {"type": "string", "minLength": 10 if lang == "zh" else 20, "maxLength": 400}
    sources = {"type": "array", "items": {"type": "integer", "enum": list(range(1, count + 1))}, "minItems": 1,
               "maxItems": 3, "description": "The numbers of the sources this sentence rests on."}  # fmt: skip
    sentence = {"type": "object", "properties": {"text": text, "sources": sources}, "required": ["text", "sources"],
                "additionalProperties": False}  # fmt: skip
    return {"type": "object",
            "properties": {"sentences": {"type": "array", "items": sentence, "minItems": 1, "maxItems": MAX_SENTENCES}},
            "required": ["sentences"], "additionalProperties": False}  # fmt: skip


def _bare(text: str, labels: Iterable[str]) -> str:
    """A written sentence without its paper labels and bracketed citations, as the support check reads it (a label's
    year is not a fact of the passage)."""
    text = re.sub(r"\[[^\]]*\]", " ", text)
    for label in sorted(labels, key=len, reverse=True):
        text = re.sub(re.escape(label) + r"(?:'s|’s)?", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _endpoint_part(key: str, rows: list[Row], backend: Backend, lang: str, counts: Counter, cancel) -> list[ReviewSentence]:
    sources = [(row, column) for row in rows for column in PARTS[key] if _citations(row, column)]
    if not sources:
        return []
    listing = "\n".join(f"[{i}] {row.label} ({row.title}), {row.cells[column].evidence.cite()}: {row.cells[column].text}"
                        for i, (row, column) in enumerate(sources, 1))  # fmt: skip
    prompt = load_prompt(TASK, lang)
    request = Request(prompt=prompt.render(part=headings("en")[key], sources=listing, papers=len(rows)),
                      max_tokens=OUTPUT_TOKENS, temperature=0.2, task=TASK)  # fmt: skip
    check_cancelled(cancel)
    data = backend.complete_json(request, review_schema(len(sources), lang), cancel=cancel).data
    labels = [row.label for row in rows]
    context = " ".join([*labels, *(row.title for row in rows), *(a for row in rows for a in row.authors)])
    out: list[ReviewSentence] = []
    quoted: set[tuple[str, str]] = set()
    for item in data["sentences"]:
        text = normalise(item["text"])
        cited = [sources[i - 1] for i in dict.fromkeys(item["sources"]) if 0 < i <= len(sources)]
        if not text or not cited:
            counts["left_out"] += 1
            continue
        quotes = [row.cells[column].text for row, column in cited]
        if check(_bare(text, labels), quotes, context=context).supported:
            counts["model_sentences"] += 1
            out.append(ReviewSentence(re.sub(r"\s*\[[^\]]*\]", "", text).strip(), [c for r, col in cited for c in _citations(r, col)], "model"))
            quoted.update((row.paper_id, column) for row, column in cited)
            continue
        counts["rejected_by_check"] += 1
        fresh = [(row, column) for row, column in cited if (row.paper_id, column) not in quoted]
        if fresh:
            counts["replaced_by_passage"] += 1
            out.append(_quoted(*fresh[0], lang))
            quoted.add((fresh[0][0].paper_id, fresh[0][1]))
        else:
            counts["left_out"] += 1
    for row, column in sources:  # every paper stands in the part, in its own words when the model left it out
        if (row.paper_id, column) not in quoted:
            out.append(_quoted(row, column, lang))
    return out


def _parsed(rows: list[Row], cancel) -> list[tuple[Row, Paper]]:
    from ..pdf import parse_pdf

    return [(row, parse_pdf(row.path, cancel=cancel)) for row in rows]


def _keep_verified(sentences: list[ReviewSentence], counts: Counter) -> list[ReviewSentence]:
    kept = []
    for sentence in sentences:
        good = []
        for citation in sentence.citations:
            counts["citations"] += 1
            if verified(citation):
                counts["citations_verified"] += 1
                good.append(citation)
        if good:
            sentence.citations = good
            kept.append(sentence)
        else:
            counts["left_out"] += 1
    return kept


def review(
    papers: Iterable[str | Path | Paper],
    *,
    settings: Settings,
    lang: str | None = None,
    backend: Backend | None = None,
    use_llm: bool = True,
    on_progress: Callable[[int, int, str], None] | None = None,
    cancel=None,
) -> Review:
    """The related-work draft of ``papers``: the comparison table first, then the four parts."""
    from .. import llm

    lang = lang or settings.language
    backend = backend or (llm.get_backend(settings) if use_llm and settings.resolved_backend() != "local" else None)
    endpoint = backend is not None and not backend.profile.small_model
    table = compare(papers, settings=settings, columns=COLUMNS, backend=backend if endpoint else None,
                    on_progress=on_progress, cancel=cancel)  # fmt: skip
    counts: Counter = Counter()
    parts = []
    for key, title in headings(lang).items():
        check_cancelled(cancel, "Review cancelled")
        if on_progress:
            on_progress(len(table.rows), len(table.rows), title)
        if endpoint and table.rows:
            made = _endpoint_part(key, table.rows, backend, lang, counts, cancel)
            if key == "common":
                made = shared_names(_parsed(table.rows, cancel), lang) + made
        else:
            made = _extractive_part(key, table.rows, lang, _parsed(table.rows, cancel) if key == "common" else [])
        part = ReviewPart(key, title, _keep_verified(made, counts))
        cited = {c.paper_id for s in part.sentences for c in s.citations}
        part.not_found = [row.label for row in table.rows if row.paper_id not in cited]
        parts.append(part)
    counts["sentences"] = sum(len(p.sentences) for p in parts)
    papers_list = [{"label": r.label, "title": r.title, "authors": r.authors, "year": r.year, "path": r.path,
                    "paper_id": r.paper_id} for r in table.rows]  # fmt: skip
    order = ("sentences", "model_sentences", "rejected_by_check", "replaced_by_passage", "left_out", "citations",
             "citations_verified")  # fmt: skip
    return Review(lang, "endpoint" if endpoint else "extractive", papers_list, parts, table,
                  {k: counts.get(k, 0) for k in order}, backend.name if endpoint else "none",
                  backend.model if endpoint else "none")  # fmt: skip

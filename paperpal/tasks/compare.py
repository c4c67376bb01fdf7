"""Several papers side by side: one row per paper, one cell per column, every cell cited or "not found".

Default columns (:data:`DEFAULT_COLUMNS`): task/problem, method, data, metrics, headline result, code, limitations.
A custom column is a question ("which optimizer?", "how many GPUs?").  How a cell is found:

- problem: the passage the reading note would rest on (:func:`paperpal.tasks.note_plan.plan_note`, cue-based,
  written on train-split papers), else the abstract's opening statement of what falls short (:mod:`.abstract_gap`);
  headline result: the abstract's statement of the paper's own result
  (:mod:`.headline`), else the note's first result passage;
- method, data, metrics, limitations (:mod:`.compare_cells`): the abstract's statement of the core idea (else the
  note's first method passage); what the paper trains on and what it is evaluated on, and the metrics it says it
  reports (two sentences at most, each cited where it stands: ``more_evidence``); a limitation the paper states
  before a plan for future work;
- every custom question (data and metrics too, when no sentence names one): the same retrieval as
  ``paperpal locate`` (hybrid search over the paper's chunks, section-aware re-ranking, the same "not found"
  threshold); then, from the best three sections (not related work, introduction or abstract for data and
  metrics), the first sentence close to the question that is whole prose, says what the column asks
  (:func:`answers`) and stands verbatim on a page;
- code: the paper's own code link (:mod:`.code_link`: printed after "is available at", "we release", … or named
  after the paper; not a tool or data set it used), cited where the link is printed.

A cell's text is the paper's own sentence (``origin="paper"``) with its evidence (section, 1-based page, verbatim
quote), or empty with ``origin="none"``: *not found*, which is not proof that the paper does not say it (footnotes,
tables and appendices are often missed).  On the bundled model no model writes cells.  On an OpenAI-compatible
endpoint the model answers every column but code from the paper's numbered sentences (:mod:`.compare_endpoint`); an
answer the support check accepts against the sentences it cites is the cell (``origin="model"``, with the cited
passage as evidence), anything else falls back to the rules above.  Judged by reading the 10 eval-split papers'
table (labels in ``eval/compare/``, partly in-sample): of the filled cells 70 % correct, 29 % partly, 1 wrong; of
the "not found" cells 2 of 4 really not in the paper.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import Cancelled, PaperPalError, check_cancelled
from ..model import Evidence, Paper
from ..settings import Settings
from ..text.cues import METRICS
from ..text.facts import tokenize
from ..text.normal import squash
from ..text.prose import is_prose
from .abstract_gap import abstract_gap
from .code_link import paper_code_link
from .compare_cells import DATA_CUE, data_sentences, metric_sentences, reported_metrics, stated_limitation
from .core_idea import core_idea
from .headline import headline_result
from .data_names import reported_data
from .locate import NOT_FOUND_BELOW, rank_candidates, ranked_sentences
from .note_plan import plan_note, weaker_weaknesses
from .passages import PaperSentences, Sentence
from .quotes import verify_quote

DEFAULT_COLUMNS = ("problem", "method", "data", "metrics", "result", "code", "limitations")
LABELS = {"problem": "Task / problem", "method": "Method", "data": "Data", "metrics": "Metrics",
          "result": "Headline result", "code": "Code", "limitations": "Limitations"}  # fmt: skip
FROM_NOTE_PLAN = {"problem": "problem", "method": "method", "result": "results", "limitations": "weaknesses"}
QUESTIONS = {  # what retrieval asks for the default columns that are not note fields
    "data": "which datasets or corpora are used for training and evaluation",
    "metrics": "which evaluation metrics are reported (accuracy, F1, BLEU, perplexity)",
}
# A retrieved sentence answers a default column only when it says what the column asks for (written from
# train-split papers): a data set, a metric.
ANSWERS = {"data": DATA_CUE, "metrics": METRICS}
OFF_TOPIC = frozenset({"related", "intro", "abstract", "back"})
QUESTION_WORDS = frozenset("which what how many much does do did is are was were use used using uses paper model "
                           "method approach authors they their report reported".split())
LEAST_NAMES = {"metrics": 1, "data": 2}  # a cell lists the names when it finds this many; else it quotes sentences
NOT_FOUND = "not found"  # PaperPal did not find it: not a claim that the paper does not say it


@dataclass
class Cell:
    text: str  # the paper's sentence(s); "" when not found
    evidence: Evidence | None = None
    origin: str = "none"  # "paper": the paper's own words, verbatim on evidence.page | "model": an endpoint's
    # answer, passed the support check against evidence.quote | "none": not found
    more_evidence: list[Evidence] = field(default_factory=list)  # where the rest of ``text`` stands, when it joins
    # passages from two places (the data sets of a paper named in two sections)

    @property
    def stated(self) -> bool:
        return bool(self.text)

    @property
    def all_evidence(self) -> list[Evidence]:
        return [self.evidence, *self.more_evidence] if self.evidence else []

    def to_dict(self) -> dict:
        return {"text": self.text, "evidence": asdict(self.evidence) if self.evidence else None, "origin": self.origin,
                "more_evidence": [asdict(e) for e in self.more_evidence]}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> Cell:
        evidence = Evidence.from_dict(data["evidence"]) if data.get("evidence") else None
        more = [Evidence.from_dict(e) for e in data.get("more_evidence") or []]
        return cls(data.get("text", ""), evidence, data.get("origin", "none"), more)


@dataclass
class Row:
    paper_id: str
    path: str
    title: str
    authors: list[str]
    year: int | None
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """"Vaswani 2017" — how a review cites the paper."""
        first = self.authors[0].split()[-1] if self.authors else Path(self.path).stem
        return f"{first} {self.year}" if self.year else first

    def to_dict(self) -> dict:
        return {"paper_id": self.paper_id, "path": self.path, "title": self.title, "authors": self.authors,
                "year": self.year, "label": self.label,
                "cells": {name: cell.to_dict() for name, cell in self.cells.items()}}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> Row:
        cells = {name: Cell.from_dict(cell) for name, cell in (data.get("cells") or {}).items()}
        return cls(data["paper_id"], data["path"], data["title"], list(data["authors"]), data.get("year"), cells)


@dataclass
class ComparisonTable:
    columns: list[str]  # column keys: a default column's name, or the question itself
    rows: list[Row] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line reason)

    def label(self, column: str) -> str:
        return LABELS.get(column, column)

    def to_dict(self) -> dict:
        return {"columns": [{"key": c, "label": self.label(c)} for c in self.columns],
                "rows": [row.to_dict() for row in self.rows],
                "failed": [{"path": p, "reason": r} for p, r in self.failed]}  # fmt: skip


def library_papers(settings: Settings, *, collection: str | None = None, tag: str | None = None) -> list[str]:
    """The PDFs of the indexed papers in a Zotero ``collection`` and/or with a ``tag`` (case-insensitive), by title."""
    from ..index import catalog
    from ..index.search import resolve_scope

    records = catalog(settings=settings)
    scope = resolve_scope(records, collection=collection, tag=tag)
    return [records[p].path for p in sorted(scope, key=lambda p: records[p].title.casefold())]


def parse_columns(spec: str | None) -> list[str]:
    """``--columns``: None -> the defaults; a file -> one column per non-empty line; else a comma-separated list.
    Default column names may be mixed with questions ("method, which optimizer?")."""
    if not spec:
        return list(DEFAULT_COLUMNS)
    path = Path(spec).expanduser()
    items = path.read_text(encoding="utf-8").splitlines() if path.is_file() else spec.split(",")
    columns = [item.strip() for item in items if item.strip() and not item.strip().startswith("#")]
    return list(dict.fromkeys(columns)) or list(DEFAULT_COLUMNS)


def _from_note_plan(index: PaperSentences, name: str, plan) -> Cell:
    if name == "method" and (idea := core_idea(index)):
        return _passages(index, [idea])
    if name == "result" and (headline := headline_result(index)):
        return _passages(index, [[headline]])
    picks = [pick for pick in plan.of(FROM_NOTE_PLAN[name]) if pick.run[0].citable]
    if name == "problem" and not picks and (gap := abstract_gap(index)):
        return _passages(index, [[gap]])
    if name == "limitations":
        picks = picks or [pick for pick in weaker_weaknesses(index) if pick.run[0].citable]
        chosen = stated_limitation(picks)
        picks = picks[chosen:] if chosen is not None else []
    return _passages(index, [picks[0].run]) if picks else Cell("")


def _passages(index: PaperSentences, runs: list[list[Sentence]]) -> Cell:
    """A cell of the paper's own words: each run of adjacent sentences cited where it stands."""
    evidence = [index.evidence(run) for run in runs]
    return Cell(" ".join(e.quote for e in evidence), evidence[0], "paper", evidence[1:])


def _named(column: str, paper: Paper, index: PaperSentences, *, settings: Settings, embedder) -> Cell:
    """A data or metrics cell: the names of the metrics (data sets) the paper reports, each cited (:mod:`.compare_cells`,
    :mod:`.data_names`), or the sentences that name them, else retrieval."""
    names = reported_metrics(index) if column == "metrics" else reported_data(index)
    if len(names) >= LEAST_NAMES[column]:
        evidence = list({e.quote: e for _, e in names}.values())  # one quote may name two of them
        return Cell("; ".join(name for name, _ in names), evidence[0], "paper", evidence[1:])
    found = (data_sentences if column == "data" else metric_sentences)(index)
    if found:
        return _passages(index, [[s] for s in found])
    return _retrieved(column, paper, index, settings=settings, embedder=embedder)


def _code(paper: Paper, index: PaperSentences) -> Cell:
    """The paper's own code link (:func:`.code_link.paper_code_link`: released there, or named after the paper), cited
    by the sentence that prints it, else by the link itself on its page (a footnote, the title page)."""
    link = paper_code_link(paper)
    if link is None:
        return Cell("")
    bare = re.sub(r"^https?://", "", link.url).rstrip("/")
    needle = squash(bare)
    for sentence in index.sentences:  # the sentence that prints the link, when it is in the body
        if sentence.citable and needle in squash(sentence.text):
            return Cell(link.url, Evidence(sentence.section.number, sentence.section.title, sentence.page,
                                           sentence.text), "paper")  # fmt: skip
    if needle and needle in index.pages[link.page - 1]:
        return Cell(link.url, Evidence(None, "Footnote" if link.page > 1 else "Title page", link.page, bare), "paper")
    return Cell("")


_HEAD = re.compile(r"\b(?:which|what|how (?:many|much))\s+(?:kinds? of |types? of )?([A-Za-z][\w-]*)", re.IGNORECASE)


def head_term(question: str) -> str | None:
    """The thing a question asks for — "which *optimizer*…", "how many *GPUs*…" — as a comparison key, or None."""
    match = _HEAD.search(question)
    if not match:
        return None
    tokens = [t for t in tokenize(match.group(1)) if t.kind in ("word", "name")]
    return tokens[0].key if tokens and tokens[0].text.lower() not in QUESTION_WORDS else None


def answers(column: str, question: str, sentence: str) -> bool:
    """Whether ``sentence`` says what ``column`` asks: a default column's cue (a named data set, a metric); for a
    question, the thing it asks for ("which optimizer" -> an optimizer), else every content word of it."""
    tokens = tokenize(sentence)
    if column == "data":
        return bool(ANSWERS["data"].search(sentence)) and any(t.kind == "name" for t in tokens)
    if column in ANSWERS:
        return bool(ANSWERS[column].search(sentence))
    keys = {t.key for t in tokens}
    head = head_term(question)
    if head:
        return head in keys
    wanted = {t.key for t in tokenize(question) if t.kind in ("word", "name") and t.text.lower() not in QUESTION_WORDS}
    return bool(wanted) and wanted <= keys


def _retrieved(column: str, paper: Paper, index: PaperSentences, *, settings: Settings, embedder) -> Cell:
    question = QUESTIONS.get(column, column)
    candidates, evidence = rank_candidates(question, paper, settings=settings, embedder=embedder)
    if not candidates or evidence < NOT_FOUND_BELOW:
        return Cell("")
    kinds = {(s.number or None, s.title): kind for s, kind in paper.sections_with_kinds()}
    for candidate in candidates[:3]:
        if column in ANSWERS and kinds.get((candidate.section_number or None, candidate.section_title)) in OFF_TOPIC:
            continue  # what others used (related work) or the introduction's overview is not this paper's setup
        for sentence in ranked_sentences(question, candidate.text, embedder)[:6]:
            if not (is_prose(sentence) and answers(column, question, sentence)):
                continue  # table cells, formulas and captions are not answers; nor is a sentence about another thing
            found = verify_quote(sentence, index.pages, near=candidate.pages)
            if found:
                return Cell(sentence, Evidence(candidate.section_number or None, candidate.section_title,
                                               found.pages[0], sentence), "paper")  # fmt: skip
    return Cell("")


def uses_endpoint(backend) -> bool:
    return backend is not None and not backend.profile.small_model


def endpoint_backend(settings: Settings):
    """The configured OpenAI-compatible endpoint, or None on the bundled model (whose cells are the rules')."""
    from .. import llm

    return llm.get_backend(settings) if settings.resolved_backend() != "local" else None


def compare_paper(paper: Paper, columns: list[str], *, settings: Settings, embedder=None, backend=None,
                  cancel=None) -> Row:  # fmt: skip
    """One paper's row (the paper is indexed first when a column needs retrieval); with an endpoint ``backend``,
    the model's checked answers where it gives them."""
    from ..index import index_papers
    from ..index.embedders import get_embedder
    from .summary import check_readable

    check_readable(paper)
    index = PaperSentences(paper)
    plan = plan_note(index) if any(c in FROM_NOTE_PLAN for c in columns) else None
    if any(c not in FROM_NOTE_PLAN and c != "code" for c in columns):
        report = index_papers([paper], settings=settings)
        if report.failed:
            raise PaperPalError(f"Could not index {Path(paper.path).name}: {report.failed[0][1]}")
        embedder = embedder or get_embedder(settings)
    row = Row(paper.id, str(paper.path), paper.title or Path(paper.path).stem, list(paper.authors), paper.year)
    if uses_endpoint(backend):
        from .compare_endpoint import endpoint_cells

        row.cells.update(endpoint_cells(paper, index, columns, QUESTIONS, backend, cancel))
    for column in columns:
        if column in row.cells:
            continue
        if column in FROM_NOTE_PLAN:
            row.cells[column] = _from_note_plan(index, column, plan)
        elif column == "code":
            row.cells[column] = _code(paper, index)
        elif column in ("data", "metrics"):
            row.cells[column] = _named(column, paper, index, settings=settings, embedder=embedder)
        else:
            row.cells[column] = _retrieved(column, paper, index, settings=settings, embedder=embedder)
    return row


def compare(
    papers: Iterable[str | Path | Paper],
    *,
    settings: Settings,
    columns: list[str] | None = None,
    backend=None,
    on_progress: Callable[[int, int, str], None] | None = None,
    cancel=None,
) -> ComparisonTable:
    """The comparison table of ``papers`` (paths or parsed papers).  A PDF that cannot be read is reported in
    ``failed`` and the others go on; ``cancel`` stops between papers with :class:`Cancelled`.  Cells already made
    for an unchanged PDF are reused (:mod:`.compare_cache`): a PDF whose every cell is saved is not even parsed."""
    from ..index.embedders import get_embedder
    from ..index.indexer import paper_id_of
    from ..pdf import parse_pdf
    from .compare_cache import cache_key, load_cells, save_cells

    items = list(papers)
    table = ComparisonTable(list(columns or DEFAULT_COLUMNS))
    key = cache_key(settings, backend if uses_endpoint(backend) else None)
    embedder = None
    for done, item in enumerate(items):
        path = Path(item.path if isinstance(item, Paper) else item)
        if on_progress:
            on_progress(done, len(items), path.name)
        check_cancelled(cancel, "Comparison cancelled")
        try:
            paper_id = item.id if isinstance(item, Paper) else paper_id_of(path) if path.is_file() else None
            data = load_cells(paper_id, key) if paper_id else None
            saved = Row.from_dict(data) if data else None
            todo = [c for c in table.columns if saved is None or c not in saved.cells]
            if todo:
                paper = item if isinstance(item, Paper) else parse_pdf(path, cancel=cancel)
                if embedder is None and any(c not in FROM_NOTE_PLAN and c != "code" for c in todo):
                    embedder = get_embedder(settings)
                made = compare_paper(paper, todo, settings=settings, embedder=embedder, backend=backend, cancel=cancel)
                saved = Row(made.paper_id, made.path, made.title, made.authors, made.year,
                            {**(saved.cells if saved else {}), **made.cells})  # fmt: skip
                save_cells(saved.to_dict(), key)
            cells = {c: saved.cells[c] for c in table.columns}
            table.rows.append(Row(saved.paper_id, str(path), saved.title, saved.authors, saved.year, cells))
        except Cancelled:
            raise
        except PaperPalError as exc:
            table.failed.append((str(item.path if isinstance(item, Paper) else item), exc.line))
    if on_progress:
        on_progress(len(items), len(items), "")
    return table

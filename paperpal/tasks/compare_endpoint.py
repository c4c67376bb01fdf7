"""Comparison cells written by an OpenAI-compatible endpoint, each checked against the sentences it cites.

The model reads the paper as numbered sentences (:func:`~.paper_text.numbered_text`: the whole body when the
context window allows, else a reasoned selection) and answers every column of the table in one reply: a short
answer and the numbers of the one to three adjacent sentences it rests on, or "" when the paper does not state it.
A large model can be wrong too, so each answer passes the shared support check
(:func:`paperpal.text.support.check`) against the sentences it cites, per section, or is dropped; the cell is then
the one the rules find (:mod:`.compare`: the paper's own sentence, or "not found").  The code column is never
asked: the link is printed or it is not.
"""

from __future__ import annotations

from ..llm.base import Backend, Request
from ..model import Paper
from ..resources import load_prompt
from ..text import normalise
from .note_endpoint import cited_groups, best_supported
from .paper_text import numbered_text, sentence_id
from .passages import PaperSentences

TASK = "compare"
OUTPUT_TOKENS = 1500
ANSWER_CHARS = 300


def asked(columns: list[str]) -> list[str]:
    return [c for c in columns if c != "code"]


def compare_schema(columns: list[str], questions: dict[str, str]) -> dict:
    """One ``{"answer", "sentences"}`` object per column, under the keys ``c1``, ``c2``... (column order)."""
    cites = {"type": "array", "items": {"type": "integer"}, "maxItems": 3,
             "description": "The numbers of the one to three adjacent sentences the answer rests on; [] when not stated."}  # fmt: skip
    properties = {}
    for n, column in enumerate(columns, 1):
        properties[f"c{n}"] = {"type": "object", "description": questions.get(column, column),
                               "properties": {"answer": {"type": "string", "maxLength": ANSWER_CHARS}, "sentences": cites},
                               "required": ["answer", "sentences"], "additionalProperties": False}  # fmt: skip
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def endpoint_cells(paper: Paper, index: PaperSentences, columns: list[str], questions: dict[str, str],
                   backend: Backend, cancel=None) -> dict:  # fmt: skip
    """column -> :class:`~.compare.Cell` (``origin="model"``) for every answer the support check accepts."""
    from .compare import Cell

    columns = asked(columns)
    if not columns:
        return {}
    prompt = load_prompt(TASK, "en")
    title = paper.title or "the paper"
    listing = "\n".join(f"c{n}. {questions.get(c, c)}" for n, c in enumerate(columns, 1))
    overhead = backend.count_tokens(prompt.render(title=title, columns=listing, paper_text=""))
    budget = backend.context_window - OUTPUT_TOKENS - overhead - 64
    request = Request(prompt=prompt.render(title=title, columns=listing,
                                           paper_text=numbered_text(index, budget, backend.count_tokens)),
                      max_tokens=OUTPUT_TOKENS, temperature=0.2, task=TASK)  # fmt: skip
    data = backend.complete_json(request, compare_schema(columns, questions), cancel=cancel).data
    by_id = {sentence_id(s): s for s in index.sentences if s.citable}
    cells = {}
    for n, column in enumerate(columns, 1):
        item = data.get(f"c{n}") or {}
        answer = normalise(item.get("answer", ""))
        cited = [by_id[i] for i in item.get("sentences", []) if i in by_id]
        if not answer or not cited:
            continue
        verdict, group = best_supported(answer, cited_groups(cited), index.context)
        if verdict.supported:
            cells[column] = Cell(answer, index.evidence(group[verdict.start : verdict.end]), "model")
    return cells

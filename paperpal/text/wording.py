"""Does a statement keep the wording of its passage: is it the passage shortened, not rewritten?

The support check (:mod:`.support`) asks whether a passage supports a statement; a small model that rewrites a
passage can keep the passage's numbers, names and most of its words and still say something else ("the task achieves
a BLEU score", "the BPC model", "GPT-4's use of GPT-4"), or drop the words a claim depends on from the middle of a
clause ("reaching 99.3% of the performance level [of ChatGPT]", "trained for as little as [twelve hours on] eight
GPUs"): changes the check cannot tell from a paraphrase.  So the bundled model is held to a narrower job in English
notes: shorten the passage, keeping its words in runs.  A statement keeps the wording (:func:`keeps_wording`) when

- its content words (stemmed, synonyms as one; stop words ignored) read as at most :data:`MAX_RUNS` runs of the
  passage's content words, each run in the passage's order;
- at most :data:`MAX_NEW` of them stand nowhere in the passage (the paper's own names, e.g. "LoRA" for "we", are
  free);
- where two runs follow each other in the passage with words left out between them, what is left out is not the
  middle of one clause (a clause ends at a comma, semicolon, colon, parenthesis, dash or full stop);
- it does not drop an opening phrase its claim depends on while keeping the rest of that sentence ("[For a similar
  number of parameters,] LLaMA outperforms …", "[On the dev set,] …": :func:`drops_qualifier`).

A Chinese statement about a Chinese passage is read the same way, character by character (the corpus has no
readable Chinese train-split paper to set other limits on; the one judged Chinese paper's notes showed the model
rewriting its passages into false statements, as it does English ones).

The limits were set on notes of train-split papers, not fitted to the notes that are judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import sentences
from .facts import tokenize

MAX_RUNS = 2  # runs of the passage's content words a statement may splice
MAX_NEW = 1  # content words of the statement that stand nowhere in the passage


@dataclass
class Reading:
    """How a statement reads against its passage: runs of the passage, words of its own, and whether the runs
    leave out the middle of a clause."""

    runs: int
    new: int
    cut_clause: bool
    dropped_qualifier: bool = False

    @property
    def keeps_wording(self) -> bool:
        return self.runs <= MAX_RUNS and self.new <= MAX_NEW and not self.cut_clause and not self.dropped_qualifier


CONTENT = ("word", "name", "num", "cjk")  # a Chinese character counts as a word of its own


def _keys(text: str) -> list[str]:
    return [t.key for t in tokenize(text) if t.kind in CONTENT]


def _passage(passage: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The passage's content keys and, for each, its (sentence, clause)."""
    keys: list[str] = []
    clauses: list[tuple[int, int]] = []
    for number, sentence in enumerate(sentences(passage) or [passage]):
        for t in tokenize(sentence):
            if t.kind in CONTENT:
                keys.append(t.key)
                clauses.append((number, t.clause))
    return keys, clauses


def read(statement: str, passage: str, context: str = "") -> Reading:
    """The statement read greedily left to right: at each point the longest stretch of its content words that
    stands in the passage in that order is one run (of equally long ones, the nearest after the previous run)."""
    said = _keys(statement)
    source, clauses = _passage(passage)
    free = set(_keys(context))
    spans: list[tuple[int, int]] = []  # passage [start, end) of each run, in the statement's order
    new = 0
    i = 0
    while i < len(said):
        best, at = 0, 0
        after = spans[-1][1] if spans else 0
        for j in sorted(range(len(source)), key=lambda j: (j < after, abs(j - after))):  # nearest after the last run
            k = 0
            while i + k < len(said) and j + k < len(source) and said[i + k] == source[j + k]:
                k += 1
            if k > best:
                best, at = k, j
        if best:
            spans.append((at, at + best))
            i += best
        else:
            new += said[i] not in free
            i += 1
    cut = any(0 < b[0] - a[1] and clauses[a[1] - 1] == clauses[b[0]] for a, b in zip(spans, spans[1:]))
    return Reading(len(spans), new, cut, drops_qualifier(said, passage))


# An opening phrase that limits what the sentence claims ("For a similar number of parameters, …", "On the dev set,
# …", "When trained on 1M steps, …"); not a connective ("For example, …", "In addition, …").
_QUALIFIER = re.compile(r"^(for|on|with|when|if|under|at|given|compared (to|with)|unlike|except|without|among|across|"
                        r"only|after|before|during|while|at least|up to)\b", re.IGNORECASE)  # fmt: skip
_CONNECTIVE = re.compile(r"^(for (example|instance|this|that|these|each)|on the other hand|with this|at the same time|"
                         r"at first|after all|in addition)\b", re.IGNORECASE)  # fmt: skip
QUALIFIER_WORDS = 12  # a longer opening phrase is a clause of its own


def drops_qualifier(said: list[str], passage: str) -> bool:
    """Whether a statement (its content keys ``said``) keeps the rest of one of the passage's sentences but none of
    the words of a qualifying opening phrase of it (:data:`_QUALIFIER`)."""
    have = set(said)
    for sentence in sentences(passage) or [passage]:
        parts = sentence.split(",")
        for k, part in enumerate(parts[:3]):
            part = part.strip()
            if len(part.split()) > QUALIFIER_WORDS:
                break
            if not _QUALIFIER.match(part) or _CONNECTIVE.match(part):
                continue
            mine, rest = set(_keys(part)), _keys(",".join(parts[k + 1 :]))
            if mine and not mine & have and rest and len(set(rest) & have) >= 0.6 * len(set(rest)):
                return True
    return False


def keeps_wording(statement: str, passage: str, context: str = "") -> bool:
    """Whether ``statement`` is ``passage`` shortened (see the module docstring)."""
    return read(statement, passage, context).keeps_wording

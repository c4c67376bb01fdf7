"""What falls short, as the abstract opens with it — the comparison table's problem cell when the reading note has no
problem passage: the abstract's first sentence, before it turns to the paper's own work, that says what does not work
("Making language models bigger does not inherently make them better at following a user's intent.").  None when the
abstract starts with the paper's own work or with praise of a field ("Position encoding recently has shown effective
in the transformer architecture.").  Written from train-split papers (InstructGPT, RoFormer, TextCNN, whose problem
cells were empty).
"""

from __future__ import annotations

from ..text.cues import CITES, LIMITATION, PROBLEM, PROPOSES, REPORTS_FINDING
from .core_idea import usable
from .passages import PaperSentences, Sentence


def abstract_gap(index: PaperSentences) -> Sentence | None:
    """The abstract's opening statement of what falls short (see the module docstring), or None."""
    for sentence in index.sentences:
        if sentence.kind != "abstract":
            continue
        text = sentence.text
        if index.about_own_work(sentence) or PROPOSES.search(text) or REPORTS_FINDING.search(text):
            return None  # the paper's own part begins: no gap stated before it
        if usable(sentence) and not CITES.search(text) and (LIMITATION.search(text) or PROBLEM.search(text)):
            return sentence
    return None

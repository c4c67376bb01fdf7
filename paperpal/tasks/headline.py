"""The paper's headline result as its abstract states it — the comparison table's "headline result" cell: the
abstract's sentence that says what the paper's own work achieves ("Empirically, … XLNet outperforms BERT on 20
tasks", "we achieve a translation performance comparable to the existing state-of-the-art phrase-based system",
"Our best model achieves state-of-the-art results on GLUE, RACE and SQuAD"), with or without numbers; an
intermediate ablation in the experiments ("the 300K and 500K step models …") is no headline.  None when the abstract
states no result of the paper's own: the reading note's first result passage stands in.

Scored by result words and a finding ("we show", "outperforms"), numbers and the paper's own subject; a sentence
that proposes, states the problem, cites prior work, sets up an experiment or leans on the sentence before scores
less (the problem only where it is no finding of the paper's own: "Our experiments show … outperforms … on the
challenging LAMBADA task" is one), and so
does what others have done lately.  Written from train-split papers (Bahdanau et al., TextCNN, LDA, ELECTRA, ERNIE, RoFormer, the dependency
parser, whose table cells were a side result, an ablation or "not found").
"""

from __future__ import annotations

import re

from ..text.cues import CITATION, CITES, PROBLEM, PROPOSES, REPORTS_FINDING, RESULT_VERB, SETUP
from ..text.facts import tokenize
from ..text.prose import leans_on_previous
from .core_idea import usable
from .passages import PaperSentences, Sentence

HEADLINE_MINIMUM = 3.0
_SOTA = re.compile(r"\bstate[- ]of[- ]the[- ]art\b", re.IGNORECASE)
_BEATS = re.compile(r"\b(surpass\w*|exceed\w*|beats?|improves? (up)?on)\b", re.IGNORECASE)
# What others have done lately ("Recently, a dizzying number of … models have been proposed … which improve upon …")
_OTHERS = re.compile(r"^(recently|in recent years|lately)\b|\b(has|have) (recently )?been (proposed|shown|developed|used)\b",
                     re.IGNORECASE)  # fmt: skip


def headline_result(index: PaperSentences) -> Sentence | None:
    """The abstract's statement of the paper's own headline result (see the module docstring), or None."""
    best: tuple[float, Sentence] | None = None
    for sentence in index.sentences:
        if sentence.kind != "abstract" or not usable(sentence):
            continue
        text = sentence.text
        verbs = len(RESULT_VERB.findall(text))
        finding = bool(REPORTS_FINDING.search(_SOTA.sub("", text)) or _BEATS.search(text))  # "… state-of-the-art
        # results" alone is no finding: "Large Transformer models routinely achieve state-of-the-art results but …"
        if not (verbs and (finding or index.about_own_work(sentence))):
            continue
        numbers = any(t.kind == "num" for t in tokenize(CITATION.sub(" ", text)))
        own = index.about_own_work(sentence)
        score = (min(verbs, 3) + 1.5 * finding + 1.0 * numbers + 1.0 * own
                 - 1.5 * bool(PROPOSES.search(text)) - 2.0 * bool(PROBLEM.search(text) and not (finding and own))
                 - 2.0 * bool(CITES.search(text) or _OTHERS.search(text)) - 1.5 * bool(SETUP.search(text))
                 - 1.5 * leans_on_previous(text))  # fmt: skip
        if score >= HEADLINE_MINIMUM and (best is None or score > best[0]):
            best = (score, sentence)
    return best[1] if best else None

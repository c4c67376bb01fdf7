"""The paper's core idea as it states it: the sentence of the abstract (or introduction) that names what it
proposes and how it works ("We propose LoRA, which freezes … and injects …", "LDA is a three-level hierarchical
Bayesian model, in which …"), with the next sentence when that one goes on about the mechanism ("Instead of
masking the input, our approach corrupts it …"; "Unlike … (Peters et al., 2018), BERT is designed to …").  A
sentence that reports results ("We demonstrate that …"), states the problem or cites prior work is not the idea.

Shared by the comparison table's method cell (:mod:`.compare_cells`) and the reading note's one-sentence summary
(:mod:`.note_plan`: a summary that only names the work goes on with the sentence that says how it works).  The
cue words were written from train-split papers (GPT, ELECTRA, word2vec, Bahdanau et al., FlashAttention, Reformer,
Universal Transformers, XLNet, LDA, ERNIE, the 2003 neural language model, Mistral, QLoRA, InstructGPT, TextCNN,
ELMo); the cited-contrast rule was added after reading the eval table (see ``eval/compare/README.md``).
"""

from __future__ import annotations

import re

from ..text.cues import CITATION, CITES, INTRODUCES, MECHANISM, PROBLEM, PROPOSES, REPORTS_FINDING, RESULT_VERB
from ..text.facts import tokenize
from ..text.prose import is_credits, is_pointer, leans_on_previous
from .passages import PaperSentences, Sentence

_ANSWERING = re.compile(r"^(to|in order to) (address|overcome|tackle|solve|alleviate|remedy|fix) [^,]{0,80},\s*",
                        re.IGNORECASE)  # fmt: skip
CORE_MINIMUM = 3.0
CORE_WORDS = 70  # the idea and the sentence that goes on about it, together, at most


def core_idea(index: PaperSentences) -> list[Sentence]:
    """The passage stating the paper's core idea (see the module docstring), or [] when none scores."""
    pool = [s for s in index.sentences if s.kind == "abstract" and usable(s)]
    pool += [s for s in index.sentences if s.kind == "intro" and usable(s)][:20]
    best: tuple[float, Sentence] | None = None
    for sentence in pool:
        text = _ANSWERING.sub("", sentence.text)  # "To address these challenges, we develop Orca, …": the answer
        proposes = bool(PROPOSES.search(text) or INTRODUCES.search(text))
        score = (3.0 * proposes + 0.5 * min(len(MECHANISM.findall(text)), 4)
                 + 1.0 * bool(index.own_names & _subject_keys(text)) - (1.0 if proposes else 2.5) * bool(REPORTS_FINDING.search(text))
                 - 1.5 * bool(PROBLEM.search(text)) - 1.5 * bool(CITES.search(text)) - 1.5 * leans_on_previous(text)
                 + (0.5 if sentence.kind == "abstract" else 0.0) - 0.05 * sentence.position
                 - 1.0 * (len(text.split()) < 10) - 2.0 * (not MECHANISM.search(text)))  # fmt: skip
        if score >= CORE_MINIMUM and (best is None or score > best[0]):
            best = (score, sentence)
    return with_mechanism(index, best[1]) if best else []


def with_mechanism(index: PaperSentences, sentence: Sentence) -> list[Sentence]:
    """``sentence`` and the one after it when that one goes on about how the idea works (:func:`goes_on`) and the
    two stay within :data:`CORE_WORDS`; else ``sentence`` alone."""
    run = index.run(sentence, 2)
    if len(run) == 2 and goes_on(index, run[1]) and len(" ".join(s.text for s in run).split()) <= CORE_WORDS:
        return run
    return [sentence]


def usable(sentence: Sentence) -> bool:
    return sentence.citable and sentence.prose and not is_pointer(sentence.text) and not is_credits(sentence.text)


def _subject_keys(text: str) -> set[str]:
    """The keys of the names in the first few words (the sentence's subject: "LDA is …", "Our model, ELMo, …")."""
    return {t.key for t in tokenize(" ".join(text.split()[:6])) if t.kind in ("name", "word")}


def goes_on(index: PaperSentences, sentence: Sentence) -> bool:
    """Whether the sentence after the idea goes on about how it works: about the paper's own work, with mechanism
    words, and no results or numbers."""
    text = sentence.text
    # "Unlike … (Peters et al., 2018), BERT is designed to …": the cited works are what the idea differs from
    contrasts = bool(re.match(r"(unlike|in contrast to|compared to)\b|与.{1,40}?不同|不同于", text, re.IGNORECASE))
    return (usable(sentence) and index.about_own_work(sentence) and len(MECHANISM.findall(text)) >= 2
            and not REPORTS_FINDING.search(text) and not RESULT_VERB.search(text) and (contrasts or not CITES.search(text))
            and not any(t.kind == "num" for t in tokenize(CITATION.sub(" ", text))))  # fmt: skip

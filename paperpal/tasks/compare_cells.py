"""How the comparison table's method, data, metrics and limitations cells are chosen from a paper's sentences,
without a model.

A table cell answers its column for the paper as a whole, which a reading note's passage often does not:

- **method**: the paper's core idea as it states it (:func:`.core_idea.core_idea`); none: the note's first method
  passage.
- **data**: the names of the data sets the paper uses, each cited (:mod:`.data_names`); when it finds fewer than two,
  the sentences of the experiments and method sections (the abstract when they say nothing) that name the
  data sets used, two at most: the best that says what the model is trained on, the best that says what it is
  evaluated on ("We use the BookCorpus … for pre-training", "We look at several datasets from GLUE …"), else the
  best two; the second only when it names data sets the first does not; a section titled for its data
  ("Datasets", "Training data") first.
- **metrics**: the names of the metrics the paper reports its results in ("BLEU; F1; perplexity"), each cited by the
  sentence or table caption that best says so (:func:`reported_metrics`); else the sentences of the experiments
  sections (else method, else abstract) that name them, one that says so ("We report BLEU …") first, two at most;
- **limitations**: of the note's limitation passages, the first that states a limitation or failure ("LoRA also
  has its limitations", "does not", "cannot"; not a design choice: "we do not inject short sequences"); a plan for
  future work ("We plan to …") only when the paper states nothing else.

The cue words were written from train-split papers (GPT, ELECTRA, word2vec, Bahdanau et al., FlashAttention,
Reformer, Universal Transformers, XLNet, LDA, ERNIE, the 2003 neural language model); the metrics sentence's
result-word rule and "we do not …" as a design choice were added after reading the eval table (see
``eval/compare/README.md``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..text.cues import CITATION, CITES, FUTURE_WORK, METRICS, REPORTS_METRIC, RESULT_VERB, states_limitation
from ..model import Caption, Evidence
from ..text import sentences
from ..text.facts import tokenize
from .core_idea import usable
from .passages import PaperSentences, Sentence

DATA_CUE = re.compile(r"\b(data ?sets?|corpus|corpora|benchmarks?|treebanks?|training (data|set|examples)|"
                      r"(pre-?)?trained on|fine-?tuned on|evaluated? on|experiments? on|tested on|collected|annotated)\b",
                      re.IGNORECASE)  # fmt: skip
DATA_SIZE = re.compile(r"\b(consisting of|contains?|sentence pairs|documents|articles|tokens|words|examples)\b",
                       re.IGNORECASE)  # fmt: skip
DATA_MINIMUM = 2.5
DATA_SECOND = 3.0
TRAINS_ON = re.compile(r"\b((pre-?)?train(ed|ing)? (on|data|set|corpus|corpora|examples)|for (pre-?)?training|"
                       r"(pre-?)?train(ed|ing)? (for|with) [\w ,.-]{1,30}? on|"  # "training for 10 epochs on the …"
                       r"we (collect|crawl|build|construct|generate)\w*)\b", re.IGNORECASE)  # fmt: skip
_EVALUATES_ON = re.compile(r"\b(evaluat\w* on|test(ed)? on|experiments? on|benchmarks?|fine-?tun\w* on|downstream|"
                           r"we (evaluate|report|conduct))\b", re.IGNORECASE)  # fmt: skip
_DATA_NOUN = re.compile(r"\b(data ?sets?|corpus|corpora|benchmarks?|treebanks?|training (data|set))\b", re.IGNORECASE)
_DATA_TITLE = re.compile(r"\b(data|datasets?|corpus|corpora|benchmarks?|tasks)\b", re.IGNORECASE)
_METRIC_NAMES = re.compile(r"^(bleu|rouge\w*|f1|em|acc|ppl|auc|map|mrr|ndcg|wer|meteor|gpu|gpus|tpu|tpus|cpu)$",
                           re.IGNORECASE)  # fmt: skip
CELL_SENTENCES = 2  # a data or metrics cell joins at most this many sentences
_METRIC_TITLE = re.compile(r"\b(metrics?|evaluation|setup|settings?)\b", re.IGNORECASE)
_RESULT_WORDS = re.compile(r"\b(improv\w*|outperform\w*|hurts?|better|worse|drops?|gains?|surpass\w*)\b", re.IGNORECASE)
METRIC_MINIMUM = 1.5
METRIC_SECOND = 2.0


def data_sentences(index: PaperSentences) -> list[Sentence]:
    """Up to :data:`CELL_SENTENCES` sentences naming the data sets the paper uses (see the module docstring), in
    the paper's order; [] when none does."""
    pool = [s for s in index.sentences if s.kind in ("experiments", "method") and usable(s)]
    if not any(_data_names(s) for s in pool):
        pool = [s for s in index.sentences if s.kind == "abstract" and usable(s)]
    scored = []
    for sentence in pool:
        names = _data_names(sentence)
        if not names:
            continue
        score = (1.0 * min(len(names), 3) + 2.0 * bool(_DATA_TITLE.search(sentence.section.title))
                 + 0.5 * min(len(DATA_CUE.findall(sentence.text)), 2) + 0.5 * bool(DATA_SIZE.search(sentence.text))
                 + 1.0 * index.about_own_work(sentence) + 1.0 * (sentence.kind == "experiments")
                 - 2.0 * bool(RESULT_VERB.search(sentence.text)) - 0.002 * sentence.order)  # fmt: skip
        if score >= DATA_MINIMUM:
            scored.append((score, sentence, names))
    return _two_kinds(index, scored, (TRAINS_ON, _EVALUATES_ON, None), DATA_SECOND, _DATA_NOUN)


def metric_sentences(index: PaperSentences) -> list[Sentence]:
    """Up to two sentences of the experiments (else method, else abstract) that say which metrics the paper
    reports, a sentence that says so ("We report BLEU …", "… is used as the evaluation metric") before one that
    only mentions a metric with a result; the second only for other metrics."""
    for kinds in (("experiments",), ("method",), ("abstract",)):
        pool = [s for s in index.sentences if s.kind in kinds and usable(s)]
        scored = []
        for sentence in pool:
            names = _metric_names(sentence.text)
            if not names:
                continue
            numbers = sum(1 for t in tokenize(CITATION.sub(" ", sentence.text)) if t.kind == "num")
            score = (1.0 * min(len(names), 3) + 1.5 * bool(REPORTS_METRIC.search(sentence.text))
                     + 1.0 * bool(_METRIC_TITLE.search(sentence.section.title)) - 1.0 * bool(numbers > 1)
                     - 1.5 * bool(_RESULT_WORDS.search(sentence.text))
                     - 1.5 * bool(CITES.search(sentence.text)) - 0.002 * sentence.order)  # fmt: skip
            if score >= METRIC_MINIMUM:
                scored.append((score, sentence, names))
        if scored:
            return _two_kinds(index, scored, (REPORTS_METRIC, None), METRIC_SECOND, METRICS)
    return []


MAX_METRICS = 5  # names in a metrics cell
_NOT_A_METRIC = re.compile(r"recall (that|from)\b", re.IGNORECASE)  # "Recall that we pre-train …": the verb
METRIC_WEIGHT = 2.0  # what a name needs to be listed (the best-attested name is listed whatever its weight) ...
METRIC_SHARE = 0.2  # ... and this share of the best one's weight


class Attested:
    """Names found in a paper's sentences and captions, each with the weight of what attests it and the evidence
    that attests it best (see :func:`reported_metrics`, :func:`paperpal.tasks.data_names.reported_data`)."""

    def __init__(self) -> None:
        self.weight: dict[str, float] = {}
        self.best: dict[str, tuple[float, Callable[[], Evidence]]] = {}
        self.written: dict[str, str] = {}
        self.count: dict[str, int] = {}  # how many sentences and captions name it

    def add(self, key: str, name: str, points: float, evidence: Callable[[], Evidence]) -> None:
        self.weight[key] = self.weight.get(key, 0.0) + points
        self.count[key] = self.count.get(key, 0) + 1
        self.written.setdefault(key, name)
        if key not in self.best or points > self.best[key][0]:
            self.best[key] = (points, evidence)

    def ranked(self) -> list[str]:
        return sorted(self.weight, key=lambda k: -self.weight[k])

    def cited(self, keys: list[str]) -> list[tuple[str, Evidence]]:
        return [(self.written[k], self.best[k][1]()) for k in keys]


def reported_metrics(index: PaperSentences) -> list[tuple[str, Evidence]]:
    """The metrics the paper reports its results in, the best-attested first (at most :data:`MAX_METRICS`), each as
    (its name as the paper writes it, the evidence that best says so).  A name gains weight from each sentence of the
    experiments sections that names it (1; +1 when it says the metric is reported or used, +1 when it states a
    number of its own) and from each table caption that names it (2; +1 when it says so); a sentence that cites
    others and not the paper's own work counts for nothing (what prior work measured).  Names under
    :data:`METRIC_WEIGHT` or :data:`METRIC_SHARE` of the best one's weight are left out, unless a sentence that says
    which metrics are reported names them with another ("We report … accuracy for MNLI, Matthew's correlation for
    CoLA, Pearson correlation for STS-B"); the thresholds were set on train-split papers."""
    found_names = Attested()
    stated: set[str] = set()  # named in a sentence that says which metrics are reported

    def add(text: str, points: float, evidence) -> None:
        found = [m for m in METRICS.finditer(text) if not _NOT_A_METRIC.match(text, m.start())]
        says = REPORTS_METRIC.search(text) and len({m.group().lower() for m in found}) > 1
        for match in found:
            key = match.group().lower().replace("speed-up", "speedup").replace("exact-match", "exact match").rstrip("s")
            if says:
                stated.add(key)
            found_names.add(key, match.group(), points, evidence)

    for sentence in index.sentences:
        if sentence.kind != "experiments" or not usable(sentence):
            continue
        if CITES.search(sentence.text) and not index.about_own_work(sentence):
            continue
        numbers = any(t.kind == "num" for t in tokenize(CITATION.sub(" ", sentence.text)))
        points = 1.0 + bool(REPORTS_METRIC.search(sentence.text)) + numbers
        add(sentence.text, points, lambda s=sentence: index.evidence([s]))
    for caption, text in table_captions(index):
        add(text, 2.0 + bool(REPORTS_METRIC.search(text)), lambda c=caption, t=text: Evidence(None, c.label, c.page, t))
    weight = found_names.weight
    if {"pearson", "spearman"} & set(weight):
        weight.pop("correlation", None)  # "Pearson correlation": one metric
    ranked = found_names.ranked()
    floor = max(METRIC_WEIGHT, METRIC_SHARE * weight[ranked[0]]) if ranked else 0.0
    kept = [k for i, k in enumerate(ranked) if i == 0 or weight[k] >= floor or k in stated][:MAX_METRICS]
    return found_names.cited(kept)


def table_captions(index: PaperSentences) -> list[tuple[Caption, str]]:
    """Each sentence of each table caption of the paper, with its caption."""
    return [(caption, text) for caption in index.paper.captions if caption.kind == "table"
            for text in sentences(caption.text)]  # fmt: skip


def _metric_names(text: str) -> set[str]:
    return {m.group().lower().rstrip("s") for m in METRICS.finditer(text)}


def _two_kinds(index: PaperSentences, scored: list, roles: tuple, second_minimum: float,
               second_cue: re.Pattern) -> list[Sentence]:  # fmt: skip
    """Up to :data:`CELL_SENTENCES` of the ``scored`` sentences ``(score, sentence, names)``: the best matching each
    of ``roles`` in turn (``None``: any); the second only when it names something the first does not (the paper's
    own names aside), scores ``second_minimum`` and says ``second_cue``; in the paper's order."""
    scored = sorted(scored, key=lambda x: -x[0])
    chosen: list[Sentence] = []
    covered: set[str] = set()
    for role in roles:
        for score, sentence, names in scored:
            if len(chosen) == CELL_SENTENCES:
                break
            if sentence in chosen or (role is not None and not role.search(sentence.text)):
                continue
            if chosen and (not (names - covered) - index.own_names or score < second_minimum
                           or not second_cue.search(sentence.text)):  # fmt: skip
                continue
            chosen.append(sentence)
            covered |= names
            break
    return sorted(chosen, key=lambda s: s.order)


def _data_names(sentence: Sentence) -> set[str]:
    """The names a sentence gives its data ("WMT", "SQuAD", "Wikipedia"), when it says it is data at all."""
    if not DATA_CUE.search(sentence.text) or re.search(r"https?://|www\.", sentence.text):
        return set()
    text = CITATION.sub(" ", sentence.text)  # "(Rajpurkar et al., 2016)", "[18]", "Cho et al.": people, not data
    return {t.key for t in tokenize(text)
            if t.kind == "name" and len(t.key) > 1 and not _METRIC_NAMES.match(t.text) and not t.text.isdigit()}  # fmt: skip


def stated_limitation(picks: list) -> int | None:
    """The index of the first limitation pick that states a limitation or failure; else of the first that states a
    plan for future work; None when neither (a design choice, "we do not inject short sequences", is no limitation)."""
    for i, pick in enumerate(picks):
        if states_limitation(pick.text):
            return i
        if (re.search(r"limitation|discussion", pick.run[0].section.title, re.IGNORECASE)
                and not FUTURE_WORK.search(pick.text)):  # fmt: skip
            return i  # a limitations or discussion section states them in any words ("it is not clear where …")
    return next((i for i, pick in enumerate(picks) if FUTURE_WORK.search(pick.text)), None)

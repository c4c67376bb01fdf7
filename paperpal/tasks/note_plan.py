"""Which passages of a paper a reading note rests on: evidence first, then the words.

Each field of the note gets passages chosen from the sections whose job it is (:mod:`paperpal.text.section_kinds`)
by cue words a reader looks for, before any model writes a word:

- one-sentence summary: the abstract's sentence that says what the paper does ("We propose …"), with the next one
  when that one says how it works (:func:`.core_idea.with_mechanism`);
- problem: the abstract's or introduction's sentence about what is hard or missing ("However, …", "remains");
- method: the key sentence of up to three method sections (what the paper's own method does, not a drawback, a
  training setup, a result or prior work), titled by its section;
- results: sentences with numbers and result words from the abstract, the experiments and the conclusion (an
  introduction's sentence that cites others' results, not the paper's own, ranks low);
- strengths: advantages the paper claims or shows for its own work ("we", "our", its own names; not a prior
  finding it cites), from the abstract, introduction and conclusion first;
- weaknesses: limitations, failure cases and future work the paper states (limitations/discussion/conclusion
  sections first), each naming what it is about; none when it states none — never generic filler.

No sentence serves two fields, and only citable prose (found on a PDF page, a whole readable sentence) is chosen;
never one that only points elsewhere ("In this section we describe…"), and one that leans on the sentence before it
("These are…") only when nothing better is left.  The cue lists and weights were written from, and checked on,
train-split papers only; the own-work, names-what and leans-on rules were added after reading the judged notes of
the eval papers (the kinds of error, not their words).  What keeps each field to its job — no finding or hedge as
method, no setup section's sentence as a result or strength, no baseline, cost avoided or contrasted design as a
weakness — was written from hand labels of train-split papers' notes (``eval/judged/fields/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.cues import (
    CITATION,
    DATA_SIZE,
    HARDWARE,
    LIMITATION,
    OWN_WORK,
    PROBLEM,
    PROPOSES,
    REPORTS_FINDING,
    RESULT_VERB,
    SETUP,
    STRONG_LIMITATION,
    Cue,
    NAMED_LIMITATION,
    OPEN_END,
)
from ..text.facts import tokenize
from ..text.normal import CJK_CHARS
from ..text.prose import is_credits, is_pointer, leans_on_previous
from ..text.titles import title_names
from .core_idea import with_mechanism
from .highlights import highlighted_orders
from .passages import PaperSentences, Sentence

_CONTRIBUTION = Cue(re.compile(
    r"\b(we (propose|present|introduce|describe|develop|show|find|demonstrate|study|investigate|explore|report|train|"
    r"release|design)|this (paper|work|article) (proposes|presents|introduces|describes|shows|studies)|in this "
    r"(paper|work)|our (model|method|approach|framework|results?)|we call)\b", re.IGNORECASE),
    PROPOSES.chinese.pattern + "|提出了|我们发现|我们证明|我们展示|在本文中|本文中")  # fmt: skip
_RESULT = re.compile(
    r"\b(achiev\w*|outperform\w*|improv\w*|state[- ]of[- ]the[- ]art|accuracy|bleu|f1|scores?|points?|surpass\w*|"
    r"gains?|better|compared|results?|reach\w*|obtain\w*|perplexity|speed-?up|faster|exceed\w*|matches|comparable|"
    r"reduc\w*|fewer|higher|lower|best|significantly)\b|%", re.IGNORECASE)  # fmt: skip
_STRENGTH = Cue(re.compile(
    r"\b(efficien\w*|simple|simplicity|no additional|faster|fewer|robust\w*|scalab\w*|"
    r"scales? (well|up|to)|scaling up|easy|"
    r"easily|advantages?|benefits?|parallel\w*|cheap\w*|flexib\w*|orthogonal|competitive|effective\w*|"
    r"outperform\w*|state[- ]of[- ]the[- ]art)\b", re.IGNORECASE),
    "高效|简单|无需|不需要|更快|更少|通用|鲁棒|可扩展|容易|优势|好处|并行|灵活|有效|优于|最先进|最优")  # fmt: skip
_METHOD = Cue(re.compile(
    r"\b(we (use|apply|employ|compute|train|define|replace|add|introduce|propose|design|adopt|model|represent|"
    r"encode|combine|parameteri[sz]e|constrain|initiali[sz]e|freeze|optimi[sz]e|learn|build)|consists? of|composed of|"
    r"is defined|our (model|method|approach)|the (model|method|approach|objective|architecture)|objective|loss|"
    r"architecture|layers?|trained|training|each)\b", re.IGNORECASE),
    "我们使用|我们采用|我们定义|我们将|组成|包括|目标函数|损失|架构|模型|层|训练")  # fmt: skip
# Words that name an advantage only with what follows ("without any labels" / "without the weight initialization",
# "we only keep …"): half a strength cue.
_WEAK_STRENGTH = re.compile(r"\b(without|only|general\w*)\b", re.IGNORECASE)
# A method sentence that reports how it compares ("matches BFloat16 performance", "has a negligible effect"): a result.
_COMPARED = re.compile(r"\b(outperform\w*|surpass\w*|exceed\w*|beats?|matches|comparable to|(higher|lower|better|worse) "
                       r"than|negligible effect|yields? (substantial|significant|consistent)|improvements? (over|of))\b",
                       re.IGNORECASE)  # fmt: skip
_BACKGROUND = Cue(re.compile(r"\bet al\b|\b(previous|prior|existing|traditional|conventional) (work|methods?|models?|"
                         r"approaches)\b|\[\d+(?:[,–-] ?\d+)*\]|\b(has|have) (already |recently |previously )?been "
                         r"(already )?(shown|reported|demonstrated)\b", re.IGNORECASE),  # "… have been shown to achieve"
    "以往的|先前的|之前的|现有的|传统的")  # fmt: skip
_REMARK = re.compile(r"note (that|this)\b", re.IGNORECASE)  # "Note this relative score can be …": an aside
_YEAR = re.compile(r"^(19|20)\d\d$")
# A section that sets up the experiments ("Experimental Setup", "Baselines", "Pretraining and Implementation"), not
# one that reports them ("Comparison with Baselines", "Results and Analysis").
_SETUP_TITLE = re.compile(r"^(?!.*\b(results?|comparisons?|analys[ie]s|ablations?|performance|discussion|evaluation)\b)"
                          r".*\b(setup|set-up|settings?|datasets?|data(?!-)|baselines?|implementation|details|hardware|"
                          r"hyper-?parameters?|pre-?processing|corpus|corpora|format)\b|实验设置|数据集|实现细节|基线",
                          re.IGNORECASE)  # fmt: skip
_HEDGE = Cue(re.compile(r"\b(we (hypothesi[sz]e|believe|speculate|conjecture|suspect|hope|would like|argue|will)|may|might|"
                        r"perhaps|possibly|if|suppose)\b",
                    re.IGNORECASE),
    "我们认为|我们推测|我们猜测|我们希望|可能|也许|如果")  # fmt: skip


_OVERVIEW = Cue(re.compile(r"\b(in this section|this section|we (first|now|next|then) (describe|introduce|present|discuss|review)|we (will )?(briefly )?discuss|"
                       r"is organi[sz]ed as follows|as follows:|we describe|below we|in the following|in section \d|"
                       r"\(\d\.\d\))", re.IGNORECASE),
    "本节|在本节|下面|如下|接下来|下文")  # fmt: skip
LEANS_PENALTY = 1.5
JOINED_WORDS = 60  # a leaning sentence and the one before it, together, at most
SAYS_WHAT_WORDS = 6
RESTATED_SHARE = 0.5
WEAKNESS_MINIMUM = 4.0
STATED_MINIMUM = 2.0
CONCLUSION_FUTURE_MINIMUM = 1.0  # ... and the future work a conclusion names, citing others (:func:`_its_future`)
# A weakness the paper names in its own work ("LoRA also has its limitations") or in its discussion outranks its
# future-work plans; not one it names in a model it goes on to fix ("A main drawback to this model is …").
STATED_BONUS = 1.5
_WE_OUR = re.compile(r"\b(we|our)\b|我们|本文", re.IGNORECASE)
FIELDS = ("one_sentence", "problem", "method", "results", "strengths", "weaknesses")
WANTED = {"one_sentence": 1, "problem": 1, "method": 3, "results": 3, "strengths": 2, "weaknesses": 2}


@dataclass
class Pick:
    """A candidate passage for a note field: adjacent sentences of one section, best first within the field."""

    field: str  # "one_sentence" | "problem" | "method" | "results" | "strengths" | "weaknesses"
    run: list[Sentence]
    score: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.run)

    @property
    def orders(self) -> set[int]:
        return {s.order for s in self.run}


@dataclass
class NotePlan:
    """Ranked candidate passages per field (see :func:`plan_note`)."""

    candidates: dict[str, list[Pick]] = field(default_factory=dict)

    def of(self, name: str) -> list[Pick]:
        return self.candidates.get(name, [])


def _numbers(text: str) -> int:
    """How many numbers ``text`` states of its own: not a year, a one-digit number or a reference ("[40, 62]")."""
    text = CITATION.sub(" ", text)
    return sum(1 for t in tokenize(text) if t.kind == "num" and not _YEAR.match(t.key) and len(t.key) > 1)


def _length_fit(sentence: Sentence) -> float:
    words = len(sentence.text.split()) + len(re.findall(f"[{CJK_CHARS}]", sentence.text)) // 2  # ~2 characters a word
    return 1.0 if 10 <= words <= 40 else 0.5


def _pool(index: PaperSentences, kinds: tuple[str, ...]) -> list[Sentence]:
    """The citable prose sentences of sections of ``kinds`` that state something: no pointer, credit or question."""
    return [s for s in index.sentences if s.kind in kinds and s.prose and s.citable and not is_pointer(s.text)
            and not is_credits(s.text) and not s.text.rstrip().endswith(("?", "？"))]  # fmt: skip


_GOES_ON = re.compile(r"^(for (example|instance)|specifically|in particular|namely|first(ly)?|e\.g\.|the first)\b"
                      r"|^(例如|比如|具体(来说|而言)|首先|第一)", re.IGNORECASE)  # fmt: skip


# "… the posterior analysis also highlights some of its limitations." announces what the next sentence names.
_ANNOUNCES_LIMITS = re.compile(r"\b(limitations|drawbacks|shortcomings|weaknesses|disadvantages)\.?$", re.IGNORECASE)


def _run(index: PaperSentences, sentence: Sentence) -> list[Sentence]:
    """The passage for ``sentence``: itself, or with the next sentence when it only announces it ("LoRA also has its
    limitations. For example, …", "… also highlights some of its limitations. In particular, …" / a sentence ending
    in ":") and the two stay short."""
    following = index.run(sentence, 2)
    if len(following) == 2 and following[1].citable and following[1].prose:
        after = following[1].text
        words = len(sentence.text.split()) + len(after.split())
        announces = ((len(sentence.text.split()) < 9 or _ANNOUNCES_LIMITS.search(sentence.text))
                     and (leans_on_previous(after) or _GOES_ON.match(after)))  # fmt: skip
        if (announces or sentence.text.endswith(":")) and words <= 55:
            return following
    return [sentence]


def _ranked(index: PaperSentences, name: str, scored: list[tuple[float, Sentence]], minimum: float) -> list[Pick]:
    """Picks scoring at least ``minimum``, best first.  A sentence that leans on the one before it ("These are…",
    "To address this limitation, …") comes with that sentence (:func:`_with_previous`), or, when it cannot, loses
    :data:`LEANS_PENALTY`: read alone in a note, its subject has no referent."""
    runs = {id(s): _with_previous(index, s) if leans_on_previous(s.text) else _run(index, s) for _, s in scored}
    scored = [(score - LEANS_PENALTY * leans_on_previous(runs[id(s)][0].text), s) for score, s in scored]
    kept = sorted((x for x in scored if x[0] >= minimum), key=lambda x: (-x[0], x[1].order))
    return [Pick(name, runs[id(s)], score) for score, s in kept]


def _with_previous(index: PaperSentences, sentence: Sentence) -> list[Sentence]:
    """A sentence that leans on the one before it ("To address this limitation, we introduce …"), with that one
    when it is citable prose that does not lean in turn and the two stay short; else the sentence alone."""
    own = index.of_section(sentence.section)
    if sentence.position == 0:
        return [sentence]
    before = own[sentence.position - 1]
    words = len(before.text.split()) + len(sentence.text.split())
    if (before.citable and before.prose and not leans_on_previous(before.text) and not is_pointer(before.text)
            and words <= JOINED_WORDS):  # fmt: skip
        return [before, sentence]
    return [sentence]


def _one_sentence(index: PaperSentences) -> list[Pick]:
    pool = _pool(index, ("abstract",)) or _pool(index, ("intro",))[:12]
    scored = [(3.0 * bool(_CONTRIBUTION.search(s.text)) + (1.0 if s.position < 4 else 0.0) - 0.1 * s.position
               + _length_fit(s) + 0.5 * bool(re.search(r"\b(propose|present|introduce)|提出", s.text, re.IGNORECASE)), s)
              for s in pool]  # fmt: skip
    picks = _ranked(index, "one_sentence", scored, 1.0)
    for pick in picks:  # "We introduce … BERT, which stands for …" goes on with "Unlike …, BERT is designed to …"
        if len(pick.run) == 1:
            pick.run = with_mechanism(index, pick.run[0])
    return picks


# What works well, said without a "but": praise of a field ("… have been shown to achieve impressive results",
# "extremely powerful models"), not the gap a paper addresses.
_PRAISE = re.compile(r"\b(achiev\w*|obtain\w*|yield\w*|produc\w*) (excellent|impressive|remarkable|strong|great|outstanding) "
                     r"(performance|results)\b|\b(extremely|very|highly|remarkably) (powerful|successful|effective)\b",
                     re.IGNORECASE)  # fmt: skip
_CONCEDES = re.compile(r"\b(however|but|yet|despite|while|although|though)\b|然而|但是|尽管|虽然", re.IGNORECASE)


def _problem(index: PaperSentences) -> list[Pick]:
    pool = _pool(index, ("abstract",)) + _pool(index, ("intro",))[:15]
    scored = [(1.5 * min(len(PROBLEM.findall(s.text)), 3) - 2.0 * bool(_CONTRIBUTION.search(s.text))
               - 0.05 * s.position + _length_fit(s) - 1.0 * bool(_numbers(s.text) > 2)
               - 1.5 * bool(_PRAISE.search(s.text) and not _CONCEDES.search(s.text)), s)
              for s in pool]  # fmt: skip
    return _ranked(index, "problem", scored, 1.5)


def _ownership(sentences: list[Sentence]) -> float:
    """How much a section is about the paper's own work: the share of its sentences saying "we"/"our"."""
    return sum(1 for s in sentences if OWN_WORK.search(s.text)) / len(sentences) if sentences else 0.0


# A survey's method is how it surveys: what it reviews and how it sorts the work ("we propose a taxonomy of efficient
# Transformer models", "we group these works into several categories based on their neural network architectures"),
# not the surveyed models one by one ("Axial Transformer uses factorization …").
_SURVEY_TITLE = re.compile(r"\b(survey|review|overview)\b|综述", re.IGNORECASE)
_REVIEWS = re.compile(r"\bwe (comprehensively |systematically |extensively )?(review|survey)\b|\bthis (survey|review)\b",
                      re.IGNORECASE)  # fmt: skip  a paper that says it is a survey
_SURVEYS = re.compile(r"\b(we|this (survey|review|paper|article))\b[^.;]{0,40}?\b(taxonomy|categori[sz]\w*|classif(y|ies)|"
                      r"group\w*|organi[sz]\w*|divid\w*|characteri[sz]\w*|review\w*|survey\w*)\b", re.IGNORECASE)


def _survey_method(index: PaperSentences) -> list[Pick]:
    """A survey's method picks (:data:`_SURVEYS` in its abstract or introduction; no roadmap: "We then discuss …");
    empty for a paper that neither its title nor its abstract and introduction call a survey or review."""
    pool = _pool(index, ("abstract", "intro"))
    if not (_SURVEY_TITLE.search(index.paper.title or "") or any(_REVIEWS.search(s.text) for s in pool)):
        return []
    scored = [(3.0 + _length_fit(s) - 3.0 * bool(_OVERVIEW.search(s.text)), s) for s in pool if _SURVEYS.search(s.text)]
    return _diverse(_ranked(index, "method", scored, 2.0), per_section=2)


def _method(index: PaperSentences) -> list[Pick]:
    if survey := _survey_method(index):
        return survey
    pool = _pool(index, ("method",))
    if len({id(s.section) for s in pool}) < 2:  # no method sections (a survey, an odd layout): abstract and intro
        pool += _pool(index, ("abstract", "intro"))
    owned = {id(s.section): _ownership(index.of_section(s.section)) for s in pool}
    scored = [(1.0 * min(len(_METHOD.findall(s.text)), 3) + 0.5 * (s.position < 2) + _length_fit(s)
               + 2.0 * owned[id(s.section)] - 2.0 * bool(_OVERVIEW.search(s.text))
               - 1.5 * len(_BACKGROUND.findall(s.text)) - 1.0 * bool(_numbers(s.text) > 3)
               - 1.5 * bool(STRONG_LIMITATION.search(s.text)) - 1.0 * (s.kind != "method")
               - 1.0 * bool(SETUP.search(s.text)) + (0.5 if index.about_own_work(s) else -1.0)
               - 1.5 * bool(_numbers(s.text) and RESULT_VERB.search(s.text))
               - 1.5 * bool(REPORTS_FINDING.search(s.text) or _COMPARED.search(s.text))
               - 1.0 * bool(_HEDGE.search(s.text)) - 1.0 * bool(_SETUP_TITLE.search(s.section.title))
               - 1.0 * bool(PROBLEM.search(s.text) and not index.about_own_work(s))
               - 2.0 * bool(HARDWARE.search(s.text) or DATA_SIZE.search(s.text)), s)
              for s in pool]  # fmt: skip
    return _diverse(_ranked(index, "method", scored, 1.0), per_section=1)


def _diverse(picks: list[Pick], *, per_section: int) -> list[Pick]:
    """Picks in rank order with at most ``per_section`` from one section first, then the rest."""
    first: list[Pick] = []
    rest: list[Pick] = []
    count: dict[int, int] = {}
    for pick in picks:
        key = id(pick.run[0].section)
        if count.get(key, 0) < per_section and not _same_numbers(pick, first):
            first.append(pick)
            count[key] = count.get(key, 0) + 1
        else:
            rest.append(pick)
    return first + rest


def _same_numbers(pick: Pick, picked: list[Pick]) -> bool:
    """Whether ``pick`` states only numbers already stated by an earlier pick (the abstract repeats the results)."""
    own = {t.key for t in tokenize(pick.text) if t.kind == "num" and len(t.key) > 1}
    return bool(own) and any(own <= {t.key for t in tokenize(p.text) if t.kind == "num"} for p in picked)


def _results(index: PaperSentences) -> list[Pick]:
    scored = []
    for s in _pool(index, ("abstract", "experiments", "conclusion", "intro")):
        numbers = _numbers(s.text)
        verbs = len(RESULT_VERB.findall(s.text))
        if not numbers or not verbs:
            continue
        score = (min(numbers, 4) * 0.5 + min(verbs, 3) + {"abstract": 2.0, "conclusion": 1.0, "experiments": 0.5}
                 .get(s.kind, 0.0) + _length_fit(s) - 2.5 * min(len(SETUP.findall(s.text)), 2)
                 - 1.5 * bool(_REMARK.match(s.text))
                 - 2.0 * bool(_BACKGROUND.search(s.text) and not index.about_own_work(s))
                 - 2.0 * bool(_SETUP_TITLE.search(s.section.title)) - 1.0 * bool(_HEDGE.search(s.text)))  # fmt: skip
        scored.append((score, s))
    return _diverse(_ranked(index, "results", scored, 2.0), per_section=2)


def _strengths(index: PaperSentences) -> list[Pick]:
    pool = _pool(index, ("abstract", "intro", "conclusion", "discussion", "method", "experiments"))
    scored = [(min(len(_STRENGTH.findall(s.text)) + 0.5 * len(_WEAK_STRENGTH.findall(s.text)), 3)
               + (0.5 if index.about_own_work(s) else -1.5)
               - 2.0 * bool(_OVERVIEW.search(s.text)) - 0.5 * bool(SETUP.search(s.text))
               + {"abstract": 0.5, "conclusion": 0.5, "intro": 0.3}.get(s.kind, 0.0)
               - 1.5 * len(STRONG_LIMITATION.findall(s.text)) - 2.0 * len(_BACKGROUND.findall(s.text))
               - 3.0 * bool(_HEDGE.search(s.text)) - 2.0 * bool(_SETUP_TITLE.search(s.section.title))
               + 0.5 * _length_fit(s), s)
              for s in pool]  # fmt: skip
    return _diverse(_ranked(index, "strengths", scored, 2.5), per_section=1)


def _names_own(index: PaperSentences, sentence: Sentence) -> bool:
    """Whether ``sentence`` names the paper's own work: "we", "our" or one of its own names ("LoRA") — not "this
    model", which may be the one the paper goes on to fix."""
    return bool(_WE_OUR.search(sentence.text)) or index.names_own_work(sentence)


# What follows "does not" / "did not" when it states no limitation: a cost avoided ("does not need to be redone"), or
# what an experiment did not find ("We did not observe a remarkable difference").
_NOT_A_LIMIT = re.compile(r"\s+(need|require|suffer|depend|rely|have to|observe|find|see|notice)\b", re.IGNORECASE)
# A negation inside a relative or purpose clause ("documents that do not contain the terms", "so that we do not fit
# the noise") qualifies a noun or states an aim: no limitation.
_QUALIFIES = re.compile(r"(?<!\bis )(?<!\bwas )(?<!\bare )\b(that|which|who|so that)( we| it| they)?\s*$",
                        re.IGNORECASE)  # not "a limitation is that we did not …"
# A shortcoming the paper overcomes, or one of a baseline: not a weakness of the paper's own work.
# A design told by contrast ("Unlike Devlin et al., RoBERTa does not randomly inject …"): what the work does differently,
# not what it lacks.
_CONTRASTS = re.compile(r"(unlike|in contrast (to|with)|instead of|rather than|compared (to|with))\b", re.IGNORECASE)
# What an experiment did not find ("We did not observe a remarkable difference across the variants"): a finding.
_NOT_FOUND = re.compile(r"\b(did|do|does) not (observe|find|see|notice)\b|\bno (significant|remarkable|notable|"
                        r"noticeable) difference", re.IGNORECASE)  # fmt: skip
_OVERCOME = re.compile(r"\b(which|that) (the present|our|we|this)\b[^.]{0,30}\b(overcom|remed|alleviat|address|fix)\w*|"
                       r"\b(the|our) baselines? (models?|systems?|methods?)\b|\b(thereby|which|that|to) (alleviat|overcom|"
                       r"remed|mitigat|circumvent)\w* (a|an|the|this|these|such|several|many|common|key|main|major)"
                       r"( \w+)? (limitations?|drawbacks?|problems?|issues?|bottlenecks?|shortcomings?)\b|"
                       r"\b(thereby|while) (alleviat|overcom|remed|mitigat|circumvent|address|avoid|resolv|eliminat)ing "
                       r"(a|an|the|this|these|such|their|its|common|key|main|major)( \w+)? (limitations?|drawbacks?|"
                       r"problems?|issues?|bottlenecks?|shortcomings?|cons)\b",
                       re.IGNORECASE)  # fmt: skip  "… thereby alleviating a common limitation in LLMs", "… while avoiding
# their limitations", "… thereby addressing a key shortcoming of the standard Transformer"


# A limitation of the approach the paper improves on ("this limitation may make the basic encoder–decoder approach
# to underperform with long sentences"): its motivation, not its own weakness.
_BASELINE_LIMIT = re.compile(r"\b(the|a|this) (basic|standard|conventional|existing|traditional|vanilla|original|"
                             r"previous|prior) (?P<name>[\w–-]+( [\w–-]+)?) (approach|model|method|architecture|system)s?\b",
                             re.IGNORECASE)  # fmt: skip


def _baselines(index: PaperSentences, text: str) -> bool:
    """Whether ``text`` names a limitation of an approach the paper improves on (:data:`_BASELINE_LIMIT`), not of its
    own model ("the basic LDA model" is LDA's own)."""
    own = index.own_names | title_names(index.paper.title or "")  # "Latent Dirichlet Allocation": lda
    return any(not ({w.lower() for w in m.group("name").split()} & own) for m in _BASELINE_LIMIT.finditer(text))


def _limit_cues(cue: Cue, text: str) -> int:
    """How many of ``cue``'s limitation words in ``text`` state a limitation: not a cost avoided or a finding
    (:data:`_NOT_A_LIMIT`), not a negation inside a relative or purpose clause (:data:`_QUALIFIES`)."""
    return sum(1 for m in cue.finditer(text) if not _NOT_A_LIMIT.match(text, m.end()) and not _QUALIFIES.search(text[: m.start()]))


def _weaknesses(index: PaperSentences, minimum: float = WEAKNESS_MINIMUM) -> list[Pick]:
    kinds = ("discussion", "conclusion", "experiments", "method", "intro")
    announced = [s for s in index.sentences if s.kind in kinds and s.citable and not s.prose and s.text.endswith(".")
                 and 3 <= len(s.text.split()) < 9 and NAMED_LIMITATION.search(s.text)]  # fmt: skip
    scored = []
    for s in sorted(_pool(index, kinds) + announced, key=lambda s: s.order):  # "LoRA also has its limitations." +
        # the sentence it announces ("For example, …", :func:`_run`)
        strong, weak = _limit_cues(STRONG_LIMITATION, s.text), _limit_cues(LIMITATION, s.text)
        limitation_section = bool(re.search(r"limitation|future|discussion|局限", s.section.title, re.IGNORECASE))
        if re.search(r"limitation|局限", s.section.title, re.IGNORECASE):
            weak = max(weak, 1)  # a section titled "Limitations" states them, whatever words it uses ("it lacks…")
        if not strong and not (limitation_section and weak) or _OVERVIEW.search(s.text) or _NOT_FOUND.search(s.text):
            continue
        if not _says_what(" ".join(x.text for x in _run(index, s))):  # "… highlights some of its limitations. In
            continue  # particular, the bag-of-words assumption …" says what with the sentence it announces
        own = bool(OWN_WORK.search(s.text)) or limitation_section
        place = {"discussion": 1.5, "conclusion": 1.0}.get(s.kind, 0.0) + 1.5 * limitation_section
        score = (2.0 * min(strong, 2) + 0.5 * min(weak, 3) + place + 1.0 * own - 2.0 * bool(_BACKGROUND.search(s.text))
                 - 2.0 * bool(_OVERCOME.search(s.text) or _baselines(index, s.text)) - 1.5 * bool(SETUP.search(s.text))
                 - 1.0 * bool(_HEDGE.search(s.text)) - 2.0 * bool(_CONTRASTS.match(s.text))
                 + STATED_BONUS * bool(NAMED_LIMITATION.search(s.text) and (_names_own(index, s) or place)))
        scored.append((score, s))
    return _diverse(_ranked(index, "weaknesses", scored, minimum), per_section=1)


def weaker_weaknesses(index: PaperSentences) -> list[Pick]:
    """Limitation and future-work passages down to :data:`STATED_MINIMUM` — for a table's limitations cell, which
    would otherwise say "not found" of a paper that states one in a plain sentence citing others ("There are three
    important directions remain for future research: (1) inject knowledge into … ELMo (Peters et al., 2018)"); a
    reading note keeps to :data:`WEAKNESS_MINIMUM`.  Only passages that name a limitation or an open end of the
    paper's own work ("we", "our", its own names; not in its abstract or introduction) do: a bare negation ("the
    order of words does not influence the projection") or the drawback of a model the paper goes on to fix ("A main
    drawback to this model is …", "The major limitation is that standard language models are unidirectional") is
    none."""
    return [pick for pick in _weaknesses(index, CONCLUSION_FUTURE_MINIMUM)
            if not (_OVERCOME.search(pick.text) or _baselines(index, pick.text))
            and (OPEN_END.search(pick.text) or NAMED_LIMITATION.search(pick.text))
            and pick.run[0].kind not in ("abstract", "intro")
            and (pick.score >= STATED_MINIMUM and any(_names_own(index, s) for s in pick.run) or _its_future(pick))]


def _its_future(pick: Pick) -> bool:
    """The future work a conclusion names: the paper's own open end, whoever else it cites ("There are three
    important directions remain for future research: (1) inject knowledge into … ELMo (Peters et al., 2018)"), so
    citing others costs it nothing here (down to :data:`CONCLUSION_FUTURE_MINIMUM`)."""
    return pick.run[0].kind == "conclusion" and bool(_ITS_FUTURE.search(pick.text))


_ITS_FUTURE = re.compile(r"\b(future (work|research|directions?)|in the future|leave \w+ (to|for) future|(left|remains?) "
                         r"for (the )?future)\b", re.IGNORECASE)  # fmt: skip


def restates(pick: Pick, chosen: list[Pick]) -> bool:
    """Whether ``pick`` states again what a chosen passage states: at least :data:`RESTATED_SHARE` of the content
    words (and numbers) of the shorter of the two are in the other ("28.4 BLEU on WMT 2014 English-to-German" in
    the abstract and again in the results section; the abstract's claim again as a strength in the conclusion)."""
    mine = _facts(pick.text)
    for other in chosen:
        theirs = _facts(other.text)
        if mine and theirs and len(mine & theirs) >= RESTATED_SHARE * min(len(mine), len(theirs)):
            return True
    return False


def _facts(text: str) -> set[str]:
    return {t.key for t in tokenize(text) if t.kind in ("word", "name", "num")}


def _says_what(text: str) -> bool:
    """Whether a limitation or future-work sentence names what it is about: a number or a name, or at least
    :data:`SAYS_WHAT_WORDS` distinct content words besides the cue words ("Our results raise several important
    questions for future work." names nothing)."""
    cues = {t.key for match in LIMITATION.finditer(text) for t in tokenize(match.group())}
    cues |= {t.key for match in STRONG_LIMITATION.finditer(text) for t in tokenize(match.group())}
    tokens = [t for t in tokenize(text) if t.kind in ("num", "name", "word", "cjk") and t.key not in cues]
    named = any(t.kind == "name" or (t.kind == "num" and not _YEAR.match(t.key)) for t in tokens)
    chinese = len({t.key for t in tokens if t.kind == "cjk"}) // 2  # about two characters to a Chinese word
    return named or len({t.key for t in tokens if t.kind != "cjk"}) + chinese >= SAYS_WHAT_WORDS


def plan_note(index: PaperSentences) -> NotePlan:
    """Ranked candidate passages for each field of the note (see the module docstring); a sentence may rank for
    several fields, the writer uses it for the first field that takes it.  Passages the reader highlighted in
    Zotero come first within their field."""
    builders = {"one_sentence": _one_sentence, "problem": _problem, "method": _method, "results": _results,
                "strengths": _strengths, "weaknesses": _weaknesses}  # fmt: skip
    plan = NotePlan({name: builders[name](index) for name in FIELDS})
    marked = highlighted_orders(index) if index.paper.highlights else set()
    if marked:  # the reader's highlights first, among the candidates the field's own rules chose
        plan.candidates = {name: sorted(picks, key=lambda p: not (p.orders & marked))
                           for name, picks in plan.candidates.items()}  # fmt: skip
    return plan

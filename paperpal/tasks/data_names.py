"""The names of the data sets a paper trains and evaluates on, each cited where the paper says so — the comparison
table's data cell ("BooksCorpus; Wikipedia; GLUE; SQuAD; SWAG").

A name counts where the paper says it is data: right before a data noun ("the Penn Treebank corpus", "GLUE, SQuAD and
SWAG benchmarks", "MRPC 数据集"); after a training or evaluation word and "on" ("we pre-train on BooksCorpus and English
Wikipedia", "results on the WMT 2014 English-to-German test set", "在 SQuAD 上", "on the test set of RACE"), after
"results / accuracy / F1 for", after "data sets / tasks such as", after "collected from" or "3.3 Billion tokens from";
as the abbreviation of "The Stanford Question Answering Dataset (SQuAD)"; "For SQuAD, we evaluate …"; an entry's head in
a section about the data ("TREC: TREC question dataset — …", under "Datasets and Experimental Setup", even where it
cites the data's source); and, in a sentence that says it trains on them, after "we use" / "we include" ("We use the
BookCorpus … for pre-training"; not "we use the Adafactor optimizer"). A name with its abbreviation in brackets is the
abbreviation ("the General Language Understanding Evaluation (GLUE) benchmark" → GLUE), other bracketed words are
dropped ("Giga5 (16GB text)" → Giga5). Only sentences of the experiments, method or abstract sections count (not one
that cites others without saying "we"/"our": the data of prior work, unless it says training ran on a data set it cites
right there: "After training for 10 epochs on the 1B Word Benchmark (Chelba et al., 2014)"; nor "other datasets like
…"), and table captions. A name gains 1 from each such sentence (2 in an experiments section, in one that says the model
is trained on it, or in a caption) and needs :data:`DATA_WEIGHT`; left out are a name the paper uses more often as a
model's than as data ("BERT-Base", "fine-tune BERT", "than RoBERTa"), a model with its size ("GPT-3 175B"), metrics,
task abbreviations ("NLI", "QA"), capitalised common words ("Knowledge", "Other") and a person's name ("Matthew’s
correlation"); a task of a suite the cell names ("MNLI" beside "GLUE", :data:`SUITES`) and a name whose words begin or
end another's ("Wikipedia" beside "English Wikipedia") are not listed twice. A data set the paper builds itself counts
like any other (T5's C4). The patterns and word lists were written from train-split papers (four faults first seen on
the eval table were fixed: a comma inside brackets, a model with its size, "MNLI-m" as a GLUE task, "Matthew’s"; and
the cited-source exception was narrowed to the clause that says training ran on the data after the eval table showed
it admitting LoRA's "SuperGLUE (Wang et al., 2020)" from a sentence about DeBERTa; see eval/compare/README.md).
"""

from __future__ import annotations

import re

from ..model import Evidence
from ..text.cues import CITATION, CITES, METRICS
from .compare_cells import TRAINS_ON, Attested, table_captions, usable
from .passages import PaperSentences

_TOKEN = (r"(?:[A-Z][A-Za-z0-9]*(?:[-.’'][A-Za-z0-9]+)*|[a-z]+\d[A-Za-z0-9-]*|[a-z]{1,3}[A-Z][A-Za-z0-9-]*|"
          r"\d+[A-Z](?= [A-Z]))")  # fmt: skip  "1B Word Benchmark" (a size, then a name)
_NAME = rf"{_TOKEN}(?:[ /-]{_TOKEN}|[ -]v?\d+(?:\.\d+)?[A-Za-z]*(?:-[A-Za-z0-9]+)?){{0,3}}"
_ITEM = rf"(?:the )?{_NAME}(?: \([^()]{{1,30}}\))?"  # "Giga5 (16GB text)", "Stanford Question Answering (SQuAD)"
_LIST = rf"{_ITEM}(?:(?:,| and|, and| or|、|和|与) ?{_ITEM}){{0,6}}"
_NOUN = (r"(?:data ?sets?|corpus|corpora|benchmarks?|treebanks?|test sets?|dev(?:elopment)? sets?|training sets?|"
         r"collections?)\b")  # fmt: skip
_BEFORE_NOUN = re.compile(rf"(?P<names>{_LIST}) ?(?:{_NOUN}|数据集|语料库?|基准)")
_SPLIT_OF = r"(?:(?:the )?(?:test|dev(?:elopment)?|validation|training) (?:set|split)s? of )?"  # "the test set of RACE"
_AFTER_VERB = re.compile(
    rf"(?:\b(?:(?:pre-?)?train(?:ed|ing)?|fine-?tun\w*|evaluat\w*|test(?:ed|ing)?|experiments?|results?|accuracy|"
    rf"perform\w*|report\w*)(?: [\w-]+){{0,4}}? (?:on|:) {_SPLIT_OF}|\b(?:results?|accuracy|performance|F1) for |"
    rf"(?<!other )\b(?:data ?sets?|corpus|corpora|benchmarks?|tasks?),? (?:such as|like|including|:) |\b(?:collected|crawled|extracted|sampled|drawn|taken) from |"
    rf"\b\d[\d.,]* ?(?:[KMBT]|[Mm]illion|[Bb]illion)? (?:tokens|words|sentences|documents|articles) from )"
    rf"(?P<names>{_LIST})|在 ?(?P<zh>{_LIST}) ?[上中]")  # fmt: skip
# "The Stanford Question Answering Dataset (SQuAD)": a capitalised data noun between a name and its abbreviation
_NAMED_NOUN = re.compile(rf"{_NAME} (?:Dataset|Corpus|Benchmark|Treebank) \((?P<names>{_TOKEN})[;)]")
# "We use the BookCorpus and the Wikipedia Corpus … for pre-training": "use" names data only in a sentence that says
# it trains on it (:data:`TRAINS_ON`).
_USES = re.compile(rf"\b[Ww]e (?:use|used|take|took|include|included|add|added) (?P<names>{_LIST})(?![\w-])"
                   rf"(?! (?:optimi[sz]er|models?|architecture|method|algorithm|library|toolkit|framework|tokeni[sz]er|"
                   rf"GPUs?)\b)")  # fmt: skip
_FOR = re.compile(rf"^For (?P<names>{_LIST}), we (?:evaluate|test)\b")  # "For SQuAD, we …"
# A list item's head in a section about the data ("4 Datasets and Experimental Setup": "TREC: TREC question dataset
# — …", "MR: Movie reviews with one sentence per review.")
_HEAD = re.compile(rf"^(?P<names>{_NAME}): (?![\"“'‘])")  # not an example's "Sentence A: “…”"
_DATA_SECTION = re.compile(r"\b(?:data ?sets?|data|corpus|corpora|benchmarks?)\b", re.IGNORECASE)
_PARENTHESIS = re.compile(r"(?P<outer>.+?) \((?P<inner>[^()]*)\)")
_ABBREVIATION = re.compile(r"[A-Z][A-Za-z0-9.-]*[A-Z0-9][A-Za-z0-9.-]*")
_SPLIT = re.compile(r",\s*(?:and |or )?|\s+(?:and|or)\s+|、|和|与")
_NOT_DATA = re.compile(
    r"^(?:Section|Sec|Table|Figure|Fig|Appendix|Eq|Equation|Tab|Algorithm|Alg)\b|^(?:We|In|For|This|These|All|Each|As|A|An|"
    r"English|Chinese|German|French)$|(?:^|\s)(?:NLP|NLI|QA|MT|LM|NER|POS|SRL|NLU|NLG|TC|SA|RC|IR|IE|RE|API|GPU|GPUs|CPU|TPU)$")  # fmt: skip
_SIZED = re.compile(r"\s\d+(?:\.\d+)?[MBK]$")  # "GPT-3 175B", "LLaMA 7B": a model of that size
_PLURAL_ABBREVIATION = re.compile(r"^[A-Z]{2,}s$")  # "LMs", "GNNs": a kind of model
_LEADING = re.compile(r"^(?:the|The|our|Our) ")
_A_PERSONS = re.compile(r"[A-Z][a-z]+['’]s")  # "Matthew’s (correlation)": a person's name, not a data set's
_TRAILING = re.compile(r"(?:['’]s|-based|(?<=\w) (?:NER|POS|SRL|QA|NLI|MT))$")  # "CoQA’s", "Common Crawl-based",
# "CoNLL 2003 NER" (the task's abbreviation after the data set's name)
# The tasks of the benchmark suites papers report on as one name (keys: lower case, no spaces or hyphens): a task is
# left out of a cell that names its suite, so the cell's places go to other data.
SUITES = {
    "glue": {"cola", "sst2", "mrpc", "stsb", "qqp", "mnli", "multinli", "qnli", "rte", "wnli", "microsoftparaphrase",
             "microsoftresearchparaphrasecorpus", "semantictextualsimilarity", "quoraquestionpairs", "ax", "mnlim",
             "mnlimm", "multinlimatched", "multinlimismatched"},
    "superglue": {"boolq", "cb", "copa", "multirc", "record", "rte", "wic", "wsc", "axb", "axg"},
}  # fmt: skip
DATA_WEIGHT = 2.0  # what a name needs to be listed
MAX_DATA = 8  # names in a data cell


def _names(text: str, data_section: bool = False) -> list[tuple[str, str]]:
    """(key, name as written) for each data set name ``text`` says is data (see the module docstring)."""
    text = re.sub(r"\s+([,;:.])", r"\1", re.sub(r"\s+", " ", CITATION.sub(" ", text)))  # "(… et al., 2016)", "[18]"
    found = []
    patterns = (_BEFORE_NOUN, _AFTER_VERB, _FOR, _NAMED_NOUN, *((_USES,) if TRAINS_ON.search(text) else ()),
                *((_HEAD,) if data_section else ()))  # fmt: skip
    for pattern in patterns:
        for match in pattern.finditer(text):
            for part in _outside_brackets(_SPLIT, match.group("names") or match.group("zh") or ""):
                name = _LEADING.sub("", _unbracketed(part.strip()))
                if _A_PERSONS.fullmatch(name):
                    continue
                name = _TRAILING.sub("", name)
                if (len(name) < 2 or _NOT_DATA.search(name) or _SIZED.search(name) or METRICS.fullmatch(name)
                        or _PLURAL_ABBREVIATION.match(name) or (name.isalpha() and name[1:].islower() and len(name) < 4)):  # fmt: skip
                    continue
                found.append((re.sub(r"[\s-]", "", name.lower()), name))
    return list(dict(reversed(found)).items())[::-1]  # each name once, where it is first named


def _outside_brackets(separator: re.Pattern, text: str) -> list[str]:
    """``text`` split at ``separator`` where it stands outside brackets ("BooksCorpus (800M words) and English
    Wikipedia (2,500M words)" → two names, not three)."""
    parts, start = [], 0
    for match in separator.finditer(text):
        if text.count("(", 0, match.start()) <= text.count(")", 0, match.start()):
            parts.append(text[start : match.start()])
            start = match.end()
    return [*parts, text[start:]]


def _unbracketed(name: str) -> str:
    """A name with what follows it in brackets: its abbreviation when that is one ("Stanford Question Answering (SQuAD)"
    → "SQuAD", as tables name it), else the name ("Giga5 (16GB text)" → "Giga5")."""
    found = _PARENTHESIS.fullmatch(name)
    if not found:
        return name
    inner = found.group("inner").strip()
    return inner if _ABBREVIATION.fullmatch(inner) else found.group("outer")


def _mentions(name: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))


def _as_model(name: str, text: str) -> int:
    """How often ``text`` uses ``name`` as a model's name ("BERT-Base", "the RoBERTa model", "fine-tune BERT",
    "than XLNet", "GPT-2 outperforms")."""
    n = re.escape(name)
    return len(re.findall(rf"(?<![\w-]){n}(?:[- ](?:base|large|small|xl|models?|architecture|baselines?)\b|"
                          rf" (?:outperforms|achieves|is trained|was trained|learns|generates)\b)|\b(?:fine-?tun\w*|"
                          rf"compar\w* (?:with|to|against)|than|versus|vs\.?|outperforms?|over) {n}(?![\w-])", text, re.IGNORECASE))


def _a_common_word(name: str, text: str) -> bool:
    """A single capitalised word the paper also writes in lower case ("Knowledge", "Other"): a word, not a name."""
    return name.isalpha() and name[1:].islower() and _mentions(name.lower(), text) > 0


def reported_data(index: PaperSentences) -> list[tuple[str, Evidence]]:
    """The data sets the paper uses, the best-attested first (at most :data:`MAX_DATA`), each as (its name as the
    paper writes it, the evidence that best says it is data); see the module docstring."""
    found = Attested()
    for sentence in index.sentences:
        if sentence.kind not in ("experiments", "method", "abstract"):
            continue
        # a data set's entry in a section about the data ("TREC: TREC question dataset — … (Li and Roth, 2002).5"):
        # no whole prose sentence, and it cites where the data comes from
        entry = bool(_DATA_SECTION.search(sentence.section.title) and _HEAD.search(sentence.text))
        if not (usable(sentence) or entry and sentence.citable):
            continue
        others = bool(CITES.search(sentence.text)) and not index.about_own_work(sentence) and not entry
        for key, name in _names(sentence.text, data_section=entry):
            if others and not _trained_on_cited(name, sentence.text):  # prior work's data ("DeBERTa … performs
                continue  # very competitively on benchmarks such as GLUE (Wang et al., 2019) and SuperGLUE (…)")
            points = 1.0 + (sentence.kind == "experiments" or bool(TRAINS_ON.search(sentence.text)))
            found.add(key, name, points, lambda s=sentence: index.evidence([s]))
    for caption, text in table_captions(index):
        for key, name in _names(text):
            found.add(key, name, 2.0, lambda c=caption, t=text: Evidence(None, c.label, c.page, t))
    full = index.paper.full_text
    listed = [key for key in found.ranked() if found.weight[key] >= DATA_WEIGHT and not _a_common_word(
        found.written[key], full) and _as_model(found.written[key], full) < found.count[key]]  # fmt: skip
    kept: list[str] = []
    for key in listed:
        name = found.written[key]
        if not _in_suite(name, listed) and not any(
                _one_prefixes_other(name, found.written[other]) or _spelt_out(name, found.written[other])
                or _spelt_out(found.written[other], name) for other in kept):  # fmt: skip
            kept.append(key)  # not "WMT14" beside "WMT14 En-De", nor "General Language Understanding Evaluation"
            # beside "GLUE"
    return found.cited(kept[:MAX_DATA])


def _trained_on_cited(name: str, text: str) -> bool:
    """Whether ``text`` says training ran on ``name`` and cites right after it ("After training for 10 epochs on the
    1B Word Benchmark (Chelba et al., 2014), …"): the data set's own source, which a sentence about the paper's
    training may cite without saying "we"."""
    cited = rf"(?<![\w-]){re.escape(name)}\s*(?:\([^()]*\b(?:19|20)\d\d[a-z]?\)|\[\d+(?:[,–-] ?\d+)*\])"
    return any(re.match(rf"[^.;]{{0,20}}?{cited}", text[m.end() :]) for m in TRAINS_ON.finditer(text))


def _spelt_out(long: str, short: str) -> bool:
    """Whether ``long`` spells out the abbreviation ``short`` ("General Language Understanding Evaluation", "GLUE")."""
    words = long.split()
    return len(words) > 1 and "".join(w[0] for w in words).lower() == short.lower()


def _one_prefixes_other(a: str, b: str) -> bool:
    """Whether the words of one name begin or end the other's ("WMT14" and "WMT14 En-De", "Wikipedia" and "English
    Wikipedia"; not "OA" and "OASST1")."""
    x, y = a.lower().split(), b.lower().split()
    return x[: len(y)] == y or y[: len(x)] == x or x[-len(y) :] == y or y[-len(x) :] == x


def _in_suite(name: str, kept: list[str]) -> bool:
    """Whether ``name`` is one task of a benchmark suite the cell already names ("MNLI" beside "GLUE")."""
    key = re.sub(r"[\s-]", "", name.lower())
    return any(key in SUITES.get(suite, ()) for suite in kept)

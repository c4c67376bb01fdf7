"""The one definition of "supported": does a passage of the paper support a statement?

A statement is supported only by a *passage* — one sentence or up to :data:`MAX_WINDOW` adjacent sentences of one
section — that

1. holds every number and every name of the statement (:mod:`.facts`: "10,000" = "10, 000" = "10000", "eight" =
   "8" on the paper's side; "BERT-Base" = "BERTBASE");
2. attaches each number to what the statement attaches it to, as far as text shows: some word or name next to the
   number in the statement (same clause, at most :data:`CONTEXT_SPAN` tokens away) stands next to it in the passage
   too (same sentence, at most :data:`NEAR` tokens away; in a flattened table row, the row label before the value),
   and a number does not follow a word that, in the passage, stands before another of its numbers and never before
   this one ("a precision of 95.6% for a recall of 99.4%" against "a precision of 99.4% for a recall of 95.6%");
3. holds most of the statement's content words (share ≥ :data:`MIN_COVERAGE`, after stemming and equivalences);
4. does not turn the statement's polarity: a negated statement needs a negation in the passage, what the passage
   negates the statement does not assert ("do not reach the quality" / "reach the quality"), and a direction
   word ("faster", "increase", "outperform") whose opposite the passage uses instead is a contradiction.

A Chinese statement about a paper is checked against the passage it cites (:func:`check_zh`): its numbers and
Latin terms (names, "Transformer", "BLEU") must stand in the passage as above; its Chinese terms are mapped to
English with the bilingual term map (:mod:`.zh_terms`) and most of the mapped ones must occur in the passage;
negation (不, 没有, 无法) and direction words (提高/降低, 更快/更慢, 优于/不如) are compared like English ones.  What
the map does not know is not checked, so a statement needs at least :data:`MIN_CHECKABLE` checkable items
(numbers, Latin terms, mapped terms) to count as supported at all.  Against a Chinese passage (a Chinese paper), a
Chinese term counts when the passage holds it as written; an English statement about a Chinese passage is the
mirror case (:func:`_check_across`): the passage's known terms are read through the map in place.  The labelled set
has no Chinese passages (the one readable Chinese paper of the corpus is an ``eval`` paper), so these two paths are
tested on hand-written passages only.

The thresholds were fitted on the development half of the hand-labelled set (``tests/data/support/``, train-split
papers; see ``tests/test_support_check.py`` for the figures on both halves).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .facts import NUMBER_WORDS, Token, name_key, stem, tokenize
from .normal import has_cjk

MAX_WINDOW = 3  # sentences in one passage
MIN_COVERAGE = 0.65  # share of the statement's content words the passage holds
MIN_COVERAGE_ZH = 0.5  # share of the mapped Chinese terms the passage holds
MAX_SPECIFIC_MISSING = 0.5  # share of the content words outside the general vocabulary the passage may lack
MIN_CHECKABLE = 2  # a Chinese statement with fewer checkable items cannot be checked, so it is not supported
CONTEXT_SPAN = 4  # statement tokens around a number that say what it is attached to
NEAR = 10  # passage tokens around a number where that context must stand
ATTACH = 0.5  # the share of that context that must stand there
LINKING_HEADS = frozenset({"achiev", "use", "show", "be", "has", "have", "had", "compar", "increas", "reduc", "outperform",
                           "requir", "take", "took", "give", "gave", "make"})  # fmt: skip
HEAD_SPAN = 3  # tokens before a number where the word it belongs to ("precision of 99.4%") is looked for
NEGATED_SPAN = 2  # content words after a negation in the passage that a statement must not assert together ...
NEAR_NEGATION = 4  # ... unless a negation stands among this many tokens before them in the statement
DIRECTION_SPAN = 2  # statement tokens around a direction word ("higher", "faster") that say what it is said of
DIRECTION_NEAR = 4  # passage tokens around the same direction word where that must stand
CAPITALISED_ARE_NAMES = True
TABLE_SHARE = 0.35  # a sentence with at least this share of numeric tokens ...
TABLE_NUMBERS = 6  # ... and at least this many numbers is a flattened table

NEGATIONS = frozenset(["not", "no", "never", "without", "cannot", "can't", "don't", "doesn't", "isn't", "aren't", "fail", "fails", "failed", "unable", "neither", "nor", "lack", "lacks", "none", "n't"])  # fmt: skip
# Direction classes (stemmed, after equivalences) and their opposites.
OPPOSITES = {
    "increas": "reduc", "reduc": "increas", "fast": "slow", "slow": "fast", "outperform": "wors",
    "wors": "outperform", "harder": "easier", "easier": "harder", "longer": "shorter", "shorter": "longer",
    "success": "fail", "fail": "success", "similar": "differ", "differ": "similar", "first": "last", "last": "first",
    "static": "dynam", "dynam": "static",
    "posit": "negat", "negat": "posit", "minimum": "maximum", "maximum": "minimum", "earli": "later", "later": "earli",
}  # fmt: skip
INTENTIONS = frozenset({"hope", "hoped", "hopes", "hoping", "hypothesize", "hypothesized", "wish", "intend",
                        "intended"})  # fmt: skip


@dataclass
class Verdict:
    """The check's answer: ``supported``, and the best passage (sentence indices ``start``..``end`` exclusive)."""

    supported: bool
    start: int = 0
    end: int = 0
    coverage: float = 0.0
    missing: list[str] = field(default_factory=list)  # numbers or names the best passage lacks
    reason: str = ""  # why not, in a few words ("" when supported)

    @property
    def rank(self) -> tuple:
        return (self.supported, -len(self.missing), self.coverage, -(self.end - self.start))


GENERAL_WORDS = Path(__file__).with_name("data") / "general_words.txt"


@lru_cache(maxsize=1)
def general_words() -> frozenset[str]:
    """Word stems most papers use (``training/general_words.py``): a statement may paraphrase with these."""
    lines = GENERAL_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# -- the passage side ----------------------------------------------------------------------------------------------


@dataclass
class _Window:
    tokens: list[Token]
    numbers: set[str]
    names: set[str]
    words: set[str]
    negated: bool
    tables: set[int]  # sentences of the window that are flattened tables
    own: set[str]  # the keys and stems of the window's own words and names (the context's left out)


@lru_cache(maxsize=4096)
def _sentence_tokens(text: str) -> tuple[Token, ...]:
    return tuple(tokenize(text, paper_side=True))


def _window(sentences: Sequence[str], context: str = "") -> _Window:
    tokens: list[Token] = []
    tables: set[int] = set()
    for index, text in enumerate(sentences):
        own = [Token(t.text, t.kind, t.key, index, t.clause) for t in _sentence_tokens(text)]
        content = [t for t in own if t.kind != "stop"]
        numeric = sum(t.kind == "num" for t in content)
        if numeric >= TABLE_NUMBERS and numeric >= TABLE_SHARE * len(content):
            tables.add(index)
        tokens.extend(own)
    named = tokens + list(_sentence_tokens(context)) if context else tokens  # the context's names and words count
    names = {t.key for t in named if t.kind == "name"}
    names |= {name_key(a.text + b.text) for a, b in zip(named, named[1:]) if a.kind == "name" or b.kind == "name"}
    words = {t.key for t in named if t.kind == "word"}
    words |= {stem(t.text) for t in named if t.kind == "name"}  # "Transformer" / "TRANSFORMER"
    names |= {name_key(t.text) for t in named if t.kind == "word"}  # a name the paper writes in lower case
    negated = any(t.text.lower() in NEGATIONS or t.text.lower().endswith("n't") for t in tokens)
    own = {key for t in tokens if t.kind in ("name", "word") for key in (t.key, stem(t.text))}
    return _Window(tokens, {t.key for t in tokens if t.kind == "num"}, names, words, negated, tables, own)


def _neighbours(window: _Window, at: int, near: int = NEAR) -> set[str]:
    """Keys of the words and names standing near token ``at`` of ``window`` (same sentence)."""
    tokens = window.tokens
    sentence = tokens[at].sentence
    if sentence in window.tables:  # a table row: its label and the values between the label and this one
        keys: set[str] = set()
        for k in range(at - 1, max(-1, at - 3 * NEAR), -1):
            t = tokens[k]
            if t.sentence != sentence:
                break
            if t.kind in ("name", "word"):
                keys |= {t.key, stem(t.text)}
                if t.kind == "name":
                    break
        return keys
    lo, hi = max(0, at - near), min(len(tokens), at + near + 1)
    return {key for t in tokens[lo:hi] if t.sentence == sentence and t.kind in ("name", "word")
            for key in (t.key, stem(t.text))}  # fmt: skip


def _swapped(claim: _Claim, window: _Window) -> list[str]:
    """Numbers the passage attaches to what the statement attaches to another of its numbers: "5.7% on reasoning and
    8.9% on QA" against "8.9% on reasoning, 5.7% on QA".  Each number's own words are those near it in the
    statement and near none of its other numbers; a number is swapped when, at every place the passage states it,
    another number's own words stand closer to it than its own."""
    own = {n: context - set().union(*(c for m, c in claim.numbers.items() if m != n)) for n, context in claim.numbers.items()}
    own = {n: words & window.own for n, words in own.items()}
    swapped = []
    for number, words in own.items():
        others = set().union(*(w for m, w in own.items() if m != number))
        if not words or not others:
            continue
        places = [i for i, t in enumerate(window.tokens) if t.kind == "num" and t.key == number]
        if places and all(_distance(window, i, others) < _distance(window, i, words) for i in places):
            swapped.append(number)
    return swapped


def _head(tokens: Sequence[Token], at: int, same: Callable[[Token], bool]) -> str | None:
    """The key of the word or name right before the number at ``at`` ("precision of 99.4%" → "precis"), looking
    back over at most :data:`HEAD_SPAN` tokens that ``same`` keeps (one clause / sentence); a number met first
    passes on its own ("embeddings from 768 to 128": "embed" for both); None when nothing stands there, or only a
    verb that links any number to its subject ("gets", "obtains": :data:`LINKING_HEADS`)."""
    for k in range(at - 1, max(-1, at - 1 - HEAD_SPAN), -1):
        t = tokens[k]
        if not same(t):
            return None
        if t.kind == "num":
            return _head(tokens, k, same)
        if t.kind in ("word", "name"):
            return None if t.key in LINKING_HEADS else t.key
    return None


def _moved_heads(claim: _Claim, window: _Window) -> list[str]:
    """Numbers the statement puts after a word that, in the passage, stands right before another number and never
    before this one: "a precision of 95.6% for a recall of 99.4%" against "a precision of 99.4% for a recall of
    95.6%"."""
    said = claim.sequence
    tokens = window.tokens
    heads: dict[str, set[str]] = {}  # number -> the words right before it in the passage
    for i, t in enumerate(tokens):
        if t.kind == "num":
            head = _head(tokens, i, lambda u, s=t.sentence: u.sentence == s)
            heads.setdefault(t.key, set()).update({head} if head else set())
    moved = []
    for i, t in enumerate(said):
        if t.kind != "num" or t.key not in heads:
            continue
        head = _head(said, i, lambda u, c=t.clause: u.clause == c)
        if head and head not in heads[t.key] and any(head in h for n, h in heads.items() if n != t.key):
            moved.append(t.key)
    return moved


def _distance(window: _Window, at: int, keys: set[str]) -> float:
    """Tokens from token ``at`` to the nearest of ``keys`` in its sentence (infinite when none is there)."""
    sentence = window.tokens[at].sentence
    found = [abs(i - at) for i, t in enumerate(window.tokens)
             if t.sentence == sentence and t.kind in ("name", "word") and ({t.key, stem(t.text)} & keys)]  # fmt: skip
    return min(found, default=float("inf"))


def _attached(key: str, context: set[str], window: _Window, near: int = NEAR) -> bool:
    """Whether some occurrence of ``key`` (a number or a direction word) in the window has at least :data:`ATTACH` of
    ``context`` (the words the statement attaches it to, those the window holds) within ``near`` tokens."""
    if not context:
        return True
    need = max(1, round(ATTACH * len(context)))
    return any(t.key == key and t.kind in ("num", "word") and len(context & _neighbours(window, i, near)) >= need
               for i, t in enumerate(window.tokens))  # fmt: skip


# -- the statement side --------------------------------------------------------------------------------------------


@dataclass
class _Claim:
    numbers: dict[str, set[str]]  # number -> the words/names it is attached to in the statement
    names: set[str]
    words: set[str]
    negated: bool
    directions: dict[str, set[str]]  # direction class -> the words it is said of
    raw: set[str] = field(default_factory=set)  # the statement's words, lower-cased (intentions, negations)
    parts: dict[str, set[str]] = field(default_factory=dict)  # hyphenated word -> the stems of its parts
    sequence: list[Token] = field(default_factory=list)  # its tokens, stop words included, in order


def _context(tokens: list[Token], at: int, span: int = CONTEXT_SPAN) -> set[str]:
    clause = tokens[at].clause
    near = [t for t in tokens[max(0, at - span) : at + span + 1] if t.clause == clause]
    return {t.key for t in near if t.kind in ("name", "word")}


_FALSE_DIRECTION = re.compile(r"(?i)posit(?!iv)|negat(?!iv)")  # "positions", "negation" share a stem with "positive"


def _claim(statement: str) -> _Claim:
    tokens = [t for t in tokenize(statement) if t.kind != "cjk"]
    numbers: dict[str, set[str]] = {}
    directions: dict[str, set[str]] = {}
    for i, t in enumerate(tokens):
        if t.kind == "num":
            numbers.setdefault(t.key, set()).update(_context(tokens, i))
        elif t.kind == "word" and t.key in OPPOSITES and not _FALSE_DIRECTION.match(t.text):
            directions.setdefault(t.key, set()).update(_context(tokens, i, span=DIRECTION_SPAN) - {t.key})
    words = {t.key for t in tokens if t.kind == "word"}
    negated = any(t.text.lower() in NEGATIONS or t.text.lower().endswith("n't") for t in tokens)
    names = {t.text for t in tokens if t.kind == "name"}
    if CAPITALISED_ARE_NAMES:  # "Adam", "Freebase", "Upwork": a capitalised word inside the statement names something
        names |= {t.text for i, t in enumerate(tokens) if i and t.kind == "word" and t.text[0].isupper()}
    parts = {t.key: {stem(p) for p in re.split(r"[-‐]", t.text) if len(p) > 2}
             for t in tokens if t.kind == "word" and "-" in t.text}  # fmt: skip
    return _Claim(numbers, names, words, negated, directions, {t.text.lower() for t in tokens}, parts, tokens)


_NUMBER_WORD_STEMS = {stem(word): number for word, number in NUMBER_WORDS.items()}  # the paper side reads them as numbers
_SUFFIXES = frozenset(["based", "like", "long", "style", "level", "wise", "size", "sized", "free", "scale", "only", "specific", "aware"])


def _has_name(name: str, window: _Window) -> bool:
    """Whether the window names ``name``: the same key, the key with a version number ("WMT" for "WMT14"), or, for a
    hyphenated name, its named parts ("64K-long" for "64K", "Transformer-based" for "Transformer")."""
    key = name_key(name)
    if key in window.names or key in window.words:
        return True
    if any(other.startswith(key) and other[len(key) :].isdigit() and len(other) - len(key) <= 4
           for other in window.names):  # fmt: skip
        return True
    parts = [p for p in re.split(r"[-‐]", name) if p]
    if len(parts) > 1:
        named = [p for p in parts if p.lower() not in _SUFFIXES]
        return bool(named) and all(name_key(p) in window.names or stem(p) in window.words for p in named)
    return False


def _judge(claim: _Claim, window: _Window, words: set[str], min_coverage: float) -> Verdict:
    missing = [n for n in claim.numbers if n not in window.numbers]
    missing += [n for n in claim.names if not _has_name(n, window)]
    have = window.words | {n.casefold() for n in window.names}
    have |= {w for w, parts in claim.parts.items() if parts and parts <= have}  # "single-layer": "single", "layer"
    have |= {w for w in words if _NUMBER_WORD_STEMS.get(w) in window.numbers}  # "one machine": the paper's "one" is 1
    coverage = len(words & have) / len(words) if words else 1.0
    specific = {w for w in words if w not in general_words()}
    rare = sorted(specific - have)
    if len(rare) > MAX_SPECIFIC_MISSING * len(specific):
        missing += rare
    if missing:
        return Verdict(False, coverage=coverage, missing=missing, reason="not in the passage: " + ", ".join(missing))
    loose = [n for n, context in claim.numbers.items() if not _attached(n, context & window.own, window)]
    loose += _swapped(claim, window)
    loose += _moved_heads(claim, window)
    if loose:
        return Verdict(False, coverage=coverage, reason="attached to something else here: " + ", ".join(loose))
    if coverage < min_coverage:
        return Verdict(False, coverage=coverage, reason=f"the passage holds {coverage:.0%} of its content")
    if claim.negated and not window.negated:
        return Verdict(False, coverage=coverage, reason="negated, the passage is not")
    if dropped := _dropped_negation(claim, window):
        return Verdict(False, coverage=coverage, reason="the passage negates it: not " + dropped)
    if declined := _declined_alternative(claim, window):
        return Verdict(False, coverage=coverage, reason="the passage puts it aside: rather than " + declined)
    return _polarity(claim, window, coverage)


def _dropped_negation(claim: _Claim, window: _Window) -> str:
    """What the passage negates and the statement asserts: the :data:`NEGATED_SPAN` content words after a negation
    in the passage ("do not reach the quality") standing together in the statement ("reach the quality") with no
    negation among the few words before them; "" when none.  "not only … but also" negates nothing."""
    said = claim.sequence
    content = [i for i, t in enumerate(said) if t.kind in ("word", "name", "num")]
    asserted, negated = set(), set()
    for a, b in zip(content, content[1:]):
        before = said[max(0, a - NEAR_NEGATION) : a]
        (negated if any(_is_negation(t) for t in before) else asserted).add((said[a].key, said[b].key))
    asserted -= negated  # "83.6 without weight tying, 84.4 with all weights tied": both are said
    tokens = window.tokens
    for i, t in enumerate(tokens):
        if not _is_negation(t):
            continue
        if i + 1 < len(tokens) and tokens[i + 1].text.lower() in ("only", "just", "merely", "necessarily"):
            continue
        after = [u.key for u in tokens[i + 1 : i + 8] if u.sentence == t.sentence and u.kind in ("word", "name", "num")]
        if len(after) >= NEGATED_SPAN and tuple(after[:NEGATED_SPAN]) in asserted:
            return " ".join(after[:NEGATED_SPAN])
    return ""


_CONTRAST_MARKS = frozenset({"rather", "instead", "unlike", "different", "differ", "contrast"})


def _declined_alternative(claim: _Claim, window: _Window) -> str:
    """What the passage sets aside and the statement asserts: the word after "rather than" / "instead of" in the
    passage ("it jointly rather than independently predicts"), said by a statement that does not say the word the
    passage chose ("jointly") and draws no contrast of its own; "" when none."""
    said = {t.key for t in claim.sequence if t.kind in ("word", "name")}
    if claim.negated or claim.raw & _CONTRAST_MARKS:
        return ""
    tokens = window.tokens
    for i in range(len(tokens) - 2):
        first, second = tokens[i].text.lower(), tokens[i + 1].text.lower()
        if (first, second) not in (("rather", "than"), ("instead", "of")):
            continue
        after = next((u for u in tokens[i + 2 : i + 5] if u.sentence == tokens[i].sentence and u.kind in ("word", "name")), None)
        before = next((u for u in reversed(tokens[max(0, i - 3) : i]) if u.sentence == tokens[i].sentence
                       and u.kind in ("word", "name")), None)  # fmt: skip
        if after is not None and after.key in said and (before is None or before.key not in said):
            return after.text
    return ""


def _is_negation(token: Token) -> bool:
    lower = token.text.lower()
    return lower in NEGATIONS or lower.endswith("n't")


def _polarity(claim: _Claim, window: _Window, coverage: float) -> Verdict:
    """The passage must not say the opposite: a direction ("higher", "faster", "outperforms") the passage uses only
    in its opposite, or of something else ("lower entropy and higher bias" for "higher entropy and lower bias"); an
    outcome the passage only hoped for or expected."""
    turned = [d for d in claim.directions if d not in window.own and OPPOSITES[d] in window.own]
    turned += [d for d, context in claim.directions.items()
               if d in window.own and not _attached(d, context & window.own, window, near=DIRECTION_NEAR)]  # fmt: skip
    if turned:
        return Verdict(False, coverage=coverage, reason="the passage says the opposite: " + ", ".join(turned))
    hedged = {t.text.lower() for t in window.tokens} & INTENTIONS
    if hedged and not hedged & claim.raw:
        return Verdict(False, coverage=coverage, reason="the passage only expects it: " + ", ".join(sorted(hedged)))
    return Verdict(True, coverage=coverage)


def _best(claim: _Claim, sentences: Sequence[str], words: set[str], min_coverage: float, context: str) -> Verdict:
    best: Verdict | None = None
    for start in range(len(sentences)):
        for end in range(start + 1, min(len(sentences), start + MAX_WINDOW) + 1):
            verdict = _judge(claim, _window(sentences[start:end], context), words, min_coverage)
            verdict.start, verdict.end = start, end
            if best is None or verdict.rank > best.rank:
                best = verdict
    return best or Verdict(False, reason="no passage")


def check(statement: str, sentences: Sequence[str], *, context: str = "") -> Verdict:
    """Whether some window of up to :data:`MAX_WINDOW` adjacent ``sentences`` (one section's, in order) supports
    ``statement``; a Chinese statement goes to :func:`check_zh`.

    ``context`` (the paper's own names and its section title, see :func:`paper_context`) counts as part of every
    passage for names and words, never for numbers: a passage that says "our model" supports a statement that says
    "ELMo".
    """
    if has_cjk(statement):
        return check_zh(statement, sentences, context=context)
    if changed := _changed_formula(statement, sentences):
        return Verdict(False, end=len(sentences), reason="not written so in the passage: " + changed)
    claim = _claim(statement)
    if has_cjk(" ".join(sentences), 0.2):
        return _check_across(claim, sentences, context)
    return _best(claim, sentences, claim.words, MIN_COVERAGE, context)


_FORMULA = re.compile(r"\b[A-Z][A-Za-z]{0,12}\([^()]{1,40}\)")  # "O(L log L)", "FFN(x)", "Attention(Q, K, V)"


def _changed_formula(statement: str, sentences: Sequence[str]) -> str:
    """A formula of the statement that the passage does not write ("O(log L)" for the paper's "O(L log L)": a
    symbol dropped is no shortening), or "" — formulas are compared without spaces or case."""
    passage = re.sub(r"\s+", "", " ".join(sentences)).casefold()
    for match in _FORMULA.finditer(statement):
        if re.sub(r"\s+", "", match.group()).casefold() not in passage:
            return match.group()
    return ""


def _check_across(claim: _Claim, sentences: Sequence[str], context: str) -> Verdict:
    """An English statement against a Chinese passage (an English note about a Chinese paper), the mirror of
    :func:`check_zh`: the passage's known terms are read through the term map in place; numbers and names must
    stand in the passage as always, and of the statement's content words those the term map can express count
    towards coverage (:data:`MIN_COVERAGE_ZH`); a statement with fewer than :data:`MIN_CHECKABLE` such items
    cannot be checked, so it is not supported."""
    from .zh_terms import mapped_words, with_english_terms

    words = claim.words & mapped_words()
    claim.directions = {d: set() for d in claim.directions}  # Chinese words stand around a direction: only its sense
    if len(words) + len(claim.numbers) + len(claim.names) < MIN_CHECKABLE:
        return Verdict(False, end=len(sentences), reason="too little to check against the passage")
    return _best(claim, [_directions_in_english(with_english_terms(s)) for s in sentences], words, MIN_COVERAGE_ZH,
                 context)  # fmt: skip


_DIRECTION_WORDS = {"increas": "increases", "reduc": "reduces", "fast": "faster", "slow": "slower",
                    "outperform": "outperforms", "wors": "worse"}  # fmt: skip


def _directions_in_english(text: str) -> str:
    for zh in sorted(_ZH_DIRECTIONS, key=len, reverse=True):
        text = text.replace(zh, f" {_DIRECTION_WORDS[_ZH_DIRECTIONS[zh]]} ")
    return text


# -- Chinese statements --------------------------------------------------------------------------------------------

_ZH_NEGATIONS = ("没有", "无法", "不能", "不会", "不是", "并非", "未能", "并未", "并不", "不需要", "无需", "不再", "不必",
                 "尚未", "从未", "不依赖", "不使用", "不包含", "缺乏")  # fmt: skip
_ZH_DIRECTIONS = {
    "提高": "increas", "提升": "increas", "增加": "increas", "增大": "increas", "更高": "increas", "更多": "increas",
    "更大": "increas", "降低": "reduc", "减少": "reduc", "减小": "reduc", "更低": "reduc", "更少": "reduc",
    "更小": "reduc", "缩短": "reduc", "更快": "fast", "加快": "fast", "加速": "fast", "更慢": "slow",
    "优于": "outperform", "超过": "outperform", "超越": "outperform", "胜过": "outperform", "更好": "outperform",
    "不如": "wors", "更差": "wors", "逊于": "wors", "下降": "reduc",
}  # fmt: skip
_LATIN_OR_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z\u0370-\u03ff][A-Za-z0-9\u0370-\u03ff]*(?:['’\-][A-Za-z0-9]+)*")


def _zh_items(statement: str) -> list[tuple[str, str, frozenset[str]]]:
    """The statement as checkable items in order: ("num", key, {}), ("latin", key, {stems}), ("term", zh, {stems
    of its English words}), ("dir", zh, {class}), ("neg", zh, {})."""
    from .zh_terms import term_map

    terms = term_map()
    longest = max(map(len, terms), default=1)
    items: list[tuple[str, str, frozenset[str]]] = []
    i = 0
    while i < len(statement):
        latin = _LATIN_OR_NUMBER.match(statement, i)
        if latin:
            for t in tokenize(latin.group()):
                if t.kind == "num":
                    items.append(("num", t.key, frozenset()))
                elif t.kind == "name":
                    items.append(("latin", t.text, frozenset({t.key, stem(t.text), name_key(t.text)})))
                elif t.kind == "word":  # an English word in a Chinese statement counts like a mapped term
                    items.append(("term", t.text, frozenset({stem(t.text)})))
            i = latin.end()
            continue
        for word in _ZH_NEGATIONS:
            if statement.startswith(word, i):
                items.append(("neg", word, frozenset()))
                break
        for size in range(min(longest, len(statement) - i), 0, -1):
            piece = statement[i : i + size]
            if piece in _ZH_DIRECTIONS:
                items.append(("dir", piece, frozenset({_ZH_DIRECTIONS[piece]})))
                i += size
                break
            if piece in terms:
                stems = frozenset(stem(w) for w in re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]*", terms[piece]))
                items.append(("term", piece, stems))
                i += size
                break
        else:
            i += 1
    return items


def check_zh(statement: str, sentences: Sequence[str], *, context: str = "") -> Verdict:
    """A Chinese statement against the passage it cites (see the module docstring)."""
    items = _zh_items(statement)
    checkable = [it for it in items if it[0] in ("num", "latin", "term")]
    if len(checkable) < MIN_CHECKABLE:
        return Verdict(False, end=len(sentences), reason="too little to check against the passage")
    numbers: dict[str, set[str]] = {}
    for i, (kind, key, _) in enumerate(items):
        if kind == "num":
            near = items[max(0, i - CONTEXT_SPAN + 1) : i + CONTEXT_SPAN]
            numbers.setdefault(key, set()).update(s for k, _, stems in near if k in ("latin", "term") for s in stems)
    claim = _Claim(
        numbers=numbers,
        names={key for kind, key, _ in items if kind == "latin"},
        words=set(),
        negated=any(kind == "neg" for kind, _, _ in items),
        directions={next(iter(stems)): set() for kind, _, stems in items if kind == "dir"},
    )
    terms = [(piece, stems) for kind, piece, stems in items if kind == "term"]
    if has_cjk(" ".join(sentences), 0.2):  # a Chinese passage: its direction words read as the English ones
        sentences = [_directions_in_english(s) for s in sentences]
    best: Verdict | None = None
    for start in range(len(sentences)):
        for end in range(start + 1, min(len(sentences), start + MAX_WINDOW) + 1):
            window = _window(sentences[start:end], context)
            have = window.words | window.names | {n for n in window.numbers}
            verdict = _judge_zh(claim, window, terms, have, "".join(sentences[start:end]))
            verdict.start, verdict.end = start, end
            if best is None or verdict.rank > best.rank:
                best = verdict
    return best or Verdict(False, reason="no passage")


def _judge_zh(claim: _Claim, window: _Window, terms: list, have: set[str], text: str) -> Verdict:
    """``terms``: (the statement's term as written, the stems of its English words); a term counts as held when the
    passage holds its English words or, in a Chinese passage, the term itself."""
    missing = [n for n in claim.numbers if n not in window.numbers]
    missing += [n for n in claim.names if not _has_name(n, window)]
    coverage = sum(1 for piece, stems in terms if stems & have or piece in text) / len(terms) if terms else 1.0
    if missing:
        return Verdict(False, coverage=coverage, missing=missing, reason="not in the passage: " + ", ".join(missing))
    if coverage < MIN_COVERAGE_ZH:
        return Verdict(False, coverage=coverage, reason=f"the passage holds {coverage:.0%} of its terms")
    if claim.negated and not window.negated:
        return Verdict(False, coverage=coverage, reason="negated, the passage is not")
    return _polarity(claim, window, coverage)

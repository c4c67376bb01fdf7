"""What a statement states, as tokens the support check can compare: numbers, names and content words.

- numbers: digit strings with thousands separators removed ("10,000" and PyMuPDF's "10, 000" → "10000"); in the
  *paper's* text number words ("eight P100 GPUs") also count as their digits, so a statement may write either;
- names: tokens with two capitals or a letter-digit mix ("BERT", "RoBERTa", "GPT-3", "P100", "W0"), compared
  without case, hyphens or spaces ("BERT-Base" = "BERTBASE" = "BERT Base");
- content words: the other words, lower-cased, without function words, Snowball-stemmed ("encodings" →
  "encod"), with a few equivalences papers use interchangeably (:data:`EQUIVALENT`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from ..stopwords import ENGLISH
from .normal import CJK_CHARS, normalise

_TOKEN = re.compile(
    rf"(?P<num>(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)*(?:e[-−]?\d+)?)|(?P<word>[A-Za-z\u0370-\u03ff][A-Za-z0-9\u0370-\u03ff]*(?:['’\-][A-Za-z0-9]+)*)"
    rf"|(?P<cjk>[{CJK_CHARS}])"
)
_SPLIT_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3}), (\d{3})(?![\d.,])")
_NAME = re.compile(r"^(?:.*[A-Z].*[A-Z].*|.*[A-Za-z].*\d.*|.*\d.*[A-Za-z].*)$")
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "hundred": "100", "thousand": "1000",
    "million": "1000000", "billion": "1000000000", "single": "1", "twice": "2", "half": "0.5",
}  # fmt: skip
# Words papers use for one another; each maps to one representative (applied after stemming).
EQUIVALENT_WORDS = [
    ("use", "employ", "util", "adopt", "leverag", "appli", "appl"),
    ("show", "demonstr", "illustr", "find", "found", "observ", "reveal"),
    ("achiev", "reach", "obtain", "attain", "get", "yield"),
    ("outperform", "beat", "surpass", "exceed", "better", "improv", "superior", "outscor", "help", "benefit"),
    ("reduc", "decreas", "lower", "cut", "shrink", "fewer", "less", "smaller"),
    ("increas", "rais", "higher", "more", "larger", "grow", "greater", "boost", "rise", "climb", "jump"),
    ("method", "approach", "techniqu", "framework", "scheme"),
    ("model", "network", "architectur", "system"),
    ("larg", "big", "huge"),
    ("fast", "quick", "speed", "speedup", "rapid", "faster", "quicker", "acceler"),
    ("slow", "slower", "slowdown", "delay"),
    ("wors", "worse", "degrad", "hurt", "underperform", "inferior", "deterior"),
    ("propos", "introduc", "present", "develop", "describ"),
    ("task", "problem"),
    ("paramet", "weight"),
    ("requir", "need", "demand"),
    ("each", "everi", "per"),
    ("author", "paper", "work", "studi"),
]
IRREGULAR = {  # past forms Snowball leaves apart from their verb
    "thrown": "throw", "threw": "throw", "ran": "run", "began": "begin", "begun": "begin", "chose": "choose",
    "chosen": "choose", "drew": "draw", "drawn": "draw", "fell": "fall", "fallen": "fall", "found": "find",
    "gave": "give", "given": "give", "grew": "grow", "grown": "grow", "held": "hold", "kept": "keep", "led": "lead",
    "left": "leave", "lost": "lose", "made": "make", "meant": "mean", "rose": "rise", "risen": "rise", "saw": "see",
    "seen": "see", "sent": "send", "set": "set", "shown": "show", "showed": "show", "spent": "spend", "taken": "take",
    "took": "take", "taught": "teach", "thought": "think", "told": "tell", "went": "go", "gone": "go", "won": "win",
    "wrote": "write", "written": "write", "built": "build", "brought": "bring", "bought": "buy", "caught": "catch",
    "dealt": "deal", "fed": "feed", "felt": "feel", "hid": "hide", "hidden": "hide", "learnt": "learn",
    "sought": "seek", "split": "split", "stood": "stand", "struck": "strike", "understood": "understand",
    "lengthen": "length", "lengthening": "length",
}  # fmt: skip
_SCALES = frozenset({"hundred", "thousand", "million", "millions", "billion", "billions", "trillion"})
_STEMMER = snowballstemmer.stemmer("english")
EXTRA_STOPWORDS = frozenset(
    ["also", "both", "each", "either", "all", "any", "some", "such", "very", "much", "many", "more", "most", "other", "others", "only", "just", "well", "like", "since", "while", "whereas", "although", "though", "however", "thus", "therefore", "hence", "moreover", "furthermore", "respectively", "et", "al", "e.g", "i.e", "etc", "fig", "figure", "table", "section", "sec", "eq", "equation", "appendix"]
) - {"more", "each"}


@lru_cache(maxsize=1)
def _equivalents() -> dict[str, str]:
    return {member: group[0] for group in EQUIVALENT_WORDS for member in group}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The comparison form of a content word (lower-cased, irregular forms made regular, stemmed, equivalences
    applied)."""
    lower = word.lower().replace("’", "'")
    lower = IRREGULAR.get(lower, lower)
    base = _STEMMER.stemWord(lower)
    return _equivalents().get(base, base)


_PLURAL_NAME = re.compile(r"(?<=[A-Z0-9])s$")


def name_key(token: str) -> str:
    """How names are compared: case, hyphens, apostrophes, a possessive and a plural "s" ignored ("GPUs" = "GPU",
    "Megatron's" = "Megatron")."""
    token = re.sub(r"['’]s$", "", token)
    return re.sub(r"[-'’\s]", "", _PLURAL_NAME.sub("", token)).casefold()


def number_key(token: str) -> str:
    """How numbers are compared: thousands separators dropped ("10,000" → "10000"); "3.0" stays "3.0"."""
    return re.sub(r",(?=\d{3}\b)", "", token)


def is_name(token: str) -> bool:
    return bool(_NAME.match(token)) and not token.isdigit()


@dataclass(frozen=True)
class Token:
    text: str
    kind: str  # "num" | "name" | "word" | "stop" | "cjk"
    key: str  # the comparison form
    sentence: int  # which sentence of the text it is in (0 for a statement)
    clause: int  # which clause (split at , ; : and parentheses) of the text


_CLAUSE = re.compile(r"[,;:()\[\]，；：（）]|\s[-–—]\s")


def tokenize(text: str, *, sentence: int = 0, paper_side: bool = False) -> list[Token]:
    """The tokens of ``text``; ``paper_side`` also reads number words as numbers (the paper may spell them out)."""
    text = normalise(text)
    if paper_side:
        text = _SPLIT_THOUSANDS.sub(r"\1,\2", text)  # PyMuPDF's "10, 000"
    out: list[Token] = []
    clause = 0
    last = 0
    for match in _TOKEN.finditer(text):
        clause += len(_CLAUSE.findall(text, last, match.start()))
        glued = bool(out) and out[-1].kind == "num" and match.start() == last  # "64K-long", "10x": the number's unit
        scale = bool(out) and out[-1].kind == "num" and match.group().lower() in _SCALES  # "100 billion"
        last = match.end()
        piece = match.group()
        if (glued or scale) and not match.group("num"):
            out.append(Token(piece, "stop", piece.lower(), sentence, clause))
        elif match.group("num"):
            out.append(Token(piece, "num", number_key(piece), sentence, clause))
        elif match.group("cjk"):
            out.append(Token(piece, "cjk", piece, sentence, clause))
        elif is_name(piece):
            out.append(Token(piece, "name", name_key(piece), sentence, clause))
        else:
            lower = piece.lower()
            if paper_side and lower in NUMBER_WORDS:
                out.append(Token(piece, "num", NUMBER_WORDS[lower], sentence, clause))
            elif lower in ENGLISH or lower in EXTRA_STOPWORDS or len(lower) < 3 and not lower.isupper():
                out.append(Token(piece, "stop", lower, sentence, clause))
            else:
                out.append(Token(piece, "word", stem(lower), sentence, clause))
    return out


def numbers(text: str) -> set[str]:
    return {t.key for t in tokenize(text) if t.kind == "num"}


def names(text: str) -> set[str]:
    return {t.key for t in tokenize(text) if t.kind == "name"}

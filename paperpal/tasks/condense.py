"""One passage of a paper → one checked statement about it, in English or Chinese.

The bundled model's one narrow job in a note (and the task its adapter is trained for): given a passage (adjacent
sentences of one section) and what it is wanted for (the paper's contribution, the problem, the method, a result, a
strength, a limitation), write a short aspect label and one sentence (``prompts/condense.<lang>.md``).  The
statement is then checked against that passage (:func:`paperpal.text.support.check`); what the check rejects is
never shown: the statement falls back to the passage in the paper's own words (:func:`paperpal.text.prose.trimmed`)
when the paper is written in the note's language, else it is left out (the caller tries its next passage): a
model's Chinese statement about an English paper is replaced by another passage's, never by English sentences.  (By
default the bundled model is not asked across languages at all: :func:`paperpal.tasks.summary.summarize`.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..llm.base import Backend, Request
from ..resources import load_prompt
from ..text import normalise
from ..text.facts import tokenize
from ..text.normal import CJK_CHARS, has_cjk
from ..text.prose import trimmed
from ..text.support import Verdict, check
from ..text.wording import keeps_wording

TASK = "summary"  # the task name the local backend applies the shipped adapter to
ROLES = {  # note field -> (role for training data, how the prompt names it in en, in zh)
    "one_sentence": ("summary", "what the paper does", "论文做了什么"),
    "problem": ("problem", "the problem the passage describes", "原文描述的问题"),
    "method": ("method", "how the method works", "方法如何工作"),
    "results": ("result", "the result", "实验结果"),
    "strengths": ("strength", "the strength the passage claims", "原文所说的优点"),
    "weaknesses": ("limitation", "the limitation the passage states", "原文所说的局限"),
}
STATEMENT_CUE = {"en": "Statement:", "zh": "陈述："}
MAX_TOKENS = {"en": 96, "zh": 128}
MAX_WORDS = 45  # an English statement longer than this is not a condensed statement
MAX_ZH_CHARS = 140
ZH_SHARE = 0.1  # a Chinese statement: at least this share of its characters are Chinese (terms may stay English)


@dataclass
class Condensed:
    """What a passage became: the statement, its aspect label, whether the model wrote it ("model") or it is the
    paper's own words ("paper"), and the check's verdict on the model's attempt (None when it did not run)."""

    statement: str
    aspect: str
    origin: str  # "model" | "paper"
    verdict: Verdict | None = None
    attempt: str = ""  # the model's statement as written (kept when the check rejected it, for evaluation)


def role_of(field: str) -> str:
    return ROLES[field][0]


def condense_request(title: str, section: str, field: str, passage: str, lang: str) -> Request:
    """The request for the model: the passage and what it is wanted for, in the note's language."""
    prompt = load_prompt("condense", lang)
    role = ROLES[field][2 if lang == "zh" else 1]
    text = prompt.render(title=title, section=section, role=role, passage=normalise(passage)).rstrip()
    return Request(prompt=text, max_tokens=MAX_TOKENS[lang], temperature=0.0, stop=["\n\n"], task=TASK)


def target_text(aspect: str, statement: str, lang: str) -> str:
    """What the model writes after the prompt's cue (training targets use the same function)."""
    return f" {aspect}\n{STATEMENT_CUE[lang]} {statement}"


def parse_reply(text: str, lang: str) -> tuple[str, str] | None:
    """(aspect, statement) from the model's reply, or None when it is not in that shape."""
    cue = STATEMENT_CUE[lang]
    head, found, tail = text.partition(cue)
    if not found:
        head, found, tail = text.partition(STATEMENT_CUE["en" if lang == "zh" else "zh"])
    if not found:
        return None
    aspect = normalise(head).strip(" :：-")
    statement = normalise(tail.split("\n")[0]).strip(" \"“”")
    if not aspect or not statement or len(aspect) > 60:
        return None
    return aspect, statement


def usable(statement: str, lang: str, passage: str = "") -> bool:
    """A statement in the note's language, of one sentence's length, that is not about "the passage" or the task,
    and does not repeat itself where the passage does not (``passage`` given)."""
    if re.search(r"\b(the|this) passage\b|\bas written\b|\bshort sentence\b|原文|这段", statement, re.IGNORECASE):
        return False
    if passage and _repeats_itself(statement, passage):
        return False
    if lang == "zh":
        return has_cjk(statement, ZH_SHARE) and 8 <= len(statement) <= MAX_ZH_CHARS
    return not has_cjk(statement) and 5 <= len(statement.split()) <= MAX_WORDS


def _pairs(text: str) -> list[tuple[str, ...]]:
    """Adjacent content words (Latin text) and runs of four Chinese characters."""
    keys = [t.key for t in tokenize(text) if t.kind in ("word", "name", "num")]
    chinese = [run[i : i + 4] for run in re.findall(f"[{CJK_CHARS}]{{4,}}", text) for i in range(len(run) - 3)]
    return list(zip(keys, keys[1:])) + [(c,) for c in chinese]


def _repeats_itself(statement: str, passage: str) -> bool:
    """Whether the statement says a pair of adjacent content words more often than the passage does, and at least
    twice: "prohibitively expensive deployment is prohibitively expensive" (a small model's loop)."""
    pairs, source = _pairs(statement), _pairs(passage)
    return any(pairs.count(p) >= 2 and pairs.count(p) > source.count(p) for p in set(pairs))


def finish(statement: str, lang: str) -> str:
    """A statement ends with its full stop."""
    statement = statement.rstrip(" ,;:，；：")
    if lang == "zh":
        return statement if statement.endswith(("。", "！", "？", ".")) else statement + "。"
    statement = statement[0].upper() + statement[1:]
    return statement if statement.endswith((".", "!", "?")) else statement + "."


def condense(backend: Backend | None, *, title: str, section: str, field: str, sentences: list[str], lang: str,
             fallback_aspect: str, context: str = "", keep_wording: bool = False,
             cancel=None) -> Condensed | None:  # fmt: skip
    """The checked statement for the passage ``sentences`` (see the module docstring); None when the model's
    statement fails the check and the paper is in another language than the note.  ``backend`` None: the paper's
    own words (in whatever language the paper is written).  ``keep_wording`` (the bundled small model): a statement
    in its passage's language must also be the passage shortened, not rewritten
    (:func:`paperpal.text.wording.keeps_wording`)."""
    passage = " ".join(sentences)
    attempt, verdict = "", None
    if backend is not None:
        reply = backend.complete(condense_request(title, section, field, passage, lang), cancel=cancel).text
        parsed = parse_reply(reply, lang)
        if parsed is not None:
            aspect, attempt = parsed
            if usable(attempt, lang, passage):
                verdict = check(attempt, sentences, context=f"{context} {section}")
                if verdict.supported and keep_wording and has_cjk(passage, 0.2) == (lang == "zh"):
                    cited = " ".join(sentences[verdict.start : verdict.end])
                    if not keeps_wording(attempt, cited, context):
                        verdict = replace(verdict, supported=False, reason="rewrites the passage")
                if verdict.supported:
                    return Condensed(finish(attempt, lang), _aspect(aspect, passage, section, fallback_aspect, lang),
                                     "model", verdict, attempt)  # fmt: skip
    if backend is not None and has_cjk(passage, 0.2) != (lang == "zh"):  # the model's statement was rejected and
        return None  # the paper's words are in another language than the note: the caller tries another passage
    return Condensed(trimmed(passage), fallback_aspect, "paper", verdict, attempt)


def _aspect(aspect: str, passage: str, section: str, fallback: str, lang: str) -> str:
    """The model's aspect label when its names and numbers stand in the passage or the section title, else the
    fallback (the section's title)."""
    verdict = check(aspect, [f"{section}. {passage}"]) if not has_cjk(aspect) else None
    if verdict is not None and verdict.missing:
        return fallback
    if has_cjk(aspect):
        latin = re.findall(r"[A-Za-z][A-Za-z0-9\-]+", aspect)
        if any(word.lower() not in f"{section} {passage}".lower() for word in latin):
            return fallback
    return aspect.rstrip("。.")

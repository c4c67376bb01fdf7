"""The model writer: one slide's text (title, details, question) as JSON against a tight schema.

Only text is asked of the model, one slide at a time (:class:`SlideWriter`): a title that states one point, concrete
details and a question for the audience, bounded tightly for a small model (:func:`slide_schema`).  A reply that is
no usable JSON (:class:`~paperpal.errors.JSONOutputError`) counts as a failure and the slide falls back on the
paper's own text; after two failures in a row the writer stops asking.  Any other backend error (unreachable
endpoint, bad key) reaches the user.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import JSONOutputError
from ..llm.base import Backend, Request
from ..resources import load_prompt
from .details import DETAIL_CHARS, excerpt

TASK = "outline"
EXCERPT_CHARS = {"small": 1100, "capable": 12000}  # small: ~250 tokens keep a slide at a few seconds on 2 cores
OUTPUT_TOKENS = {"small": 280, "capable": 900}

_ONE_LINE = '^[^{{}}\\[\\]\\n\\\\"]{{{lo},{hi}}}$'
FIELD_DESCRIPTIONS = {
    "title": "One clear point of this part of the paper, as a slide title (a statement, not a topic).",
    "details": "Concrete details copied from the text: numbers, names, datasets, conditions. No slogans.",
    "question": "One question that makes the audience think about this part (ends with a question mark).",
}


def slide_schema(small_model: bool = False, lang: str = "en", details: int = 3) -> dict:
    """What the model writes for one slide.  Bounded tightly for the small local model, which is not asked for a
    question: read against the papers, 1 of the 54 it wrote for eval-paper decks (five judged versions) was about its slide (the rest
    generic, "What is the output of the Transformer?", or wrong); PaperPal asks about a claim the slide shows instead
    (:mod:`.questions`)."""
    zh = lang == "zh"
    title_max = (30 if zh else 60) * (1 if small_model else 2)
    detail_max = (50 if zh else 100) if small_model else (90 if zh else DETAIL_CHARS[1])

    def text(lo: int, hi: int) -> dict:
        if small_model:  # no braces, brackets, quotes or newlines inside a value: the grammar stays small
            return {"type": "string", "pattern": _ONE_LINE.format(lo=lo, hi=hi)}
        return {"type": "string", "minLength": lo, "maxLength": hi}

    fields = {
        "title": text(6, title_max),
        "details": {"type": "array", "items": text(15, detail_max), "minItems": details,
                    "maxItems": details if small_model else details + 2},
    }  # fmt: skip
    if not small_model:  # see above
        fields["question"] = text(8, 60 if zh else 140)
    for name in fields:
        fields[name]["description"] = FIELD_DESCRIPTIONS[name]
    return {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}


def title_limit(small_model: bool, lang: str) -> int:
    """The longest title :func:`slide_schema` allows."""
    title = slide_schema(small_model, lang)["properties"]["title"]
    return title.get("maxLength") or int(re.findall(r"\d+", title["pattern"])[-1])


@dataclass
class SlideWriter:
    """Asks the model for one slide's text; stops asking after repeated bad output."""

    backend: Backend
    lang: str
    paper_title: str
    cancel: Any
    failures: int = 0
    calls: int = 0
    errors: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def small(self) -> bool:
        return self.backend.profile.small_model

    @property
    def examples(self) -> str:
        """The prompt's worked example: text copied from it is about another paper, never this one."""
        return load_prompt(TASK, self.lang).body.split("{{ paper_title }}")[0]

    def ask(self, section: str, text: str, details: int) -> dict | None:
        """The model's reply for the slide about ``section`` (``text``), or None when it gave no usable JSON."""
        if self.failures >= 2:
            return None
        prompt = load_prompt(TASK, self.lang)
        limit = EXCERPT_CHARS["small" if self.small else "capable"]
        request = Request(
            prompt=prompt.render(paper_title=self.paper_title, section=section, excerpt=excerpt(text, limit)),
            max_tokens=OUTPUT_TOKENS["small" if self.small else "capable"] * (2 if self.lang == "zh" else 1),
            temperature=0.2,
            repeat_penalty=1.1,
        )
        schema = slide_schema(self.small, self.lang, details)
        self.calls += 1
        started = time.perf_counter()
        try:
            completion = self.backend.complete_json(request, schema, cancel=self.cancel)
        except JSONOutputError as err:  # other backend errors (unreachable endpoint, bad key...) reach the user
            self.failures += 1
            self.errors.append(err.message[:200])
            return None
        finally:
            self.seconds += time.perf_counter() - started
        self.failures = 0
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens
        return completion.data

"""The group-meeting outline: one :class:`Paper` in, one :class:`Outline` (cover, agenda, content
slides, summary) out.

The *structure* is planned from the paper, not asked of the model: one content slide per part of
the paper (top-level sections, split into sub-sections or merged until the talk length fits, about
one slide per 1.75 minutes, at least five), each with its section number, title and pages, and the
figure or table that part mentions.  The model only writes text, one slide at a time, as JSON
against a tight schema (:func:`slide_schema`): a title that states one point, concrete details
and a question for the audience.  The bundled model is a small *pretrained* model, so every
detail is checked against the section text (:func:`verified_detail`: its numbers must occur in
the section, most of its words too, and it must carry a number or a name); what fails is replaced
by the section's own sentences that carry numbers and names (extractive, never invented).  The
summary slide's core points are written and checked the same way against the abstract and the
conclusion.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, llm
from ..errors import BackendError, check_cancelled
from ..llm.base import Backend, Request
from ..model import Caption, Paper, Section
from ..note import authors_short
from ..resources import load_prompt
from ..settings import Settings
from ..stopwords import ENGLISH
from ..text import normalise, sentences
from .paper_text import body_sections
from .summary import check_readable

TASK = "outline"
MINUTES_PER_SLIDE = 1.75  # the middle of the usual 1.5-2 minutes per content slide
MIN_CONTENT, MAX_CONTENT = 5, 20
EXCERPT_CHARS = {"local": 1100, "openai": 12000}  # local: ~250 tokens keep a slide at a few seconds on 2 cores
OUTPUT_TOKENS = {"local": 280, "openai": 900}
DETAIL_CHARS = (20, 200)  # a detail shorter than this says nothing, longer does not fit a bullet

LABELS = {
    "en": {
        "agenda": "Agenda",
        "summary": "Summary",
        "question": "Question",
        "section": "Section",
        "presenter": "Presenter",
        "whole": "The whole paper",
    },
    "zh": {
        "agenda": "汇报提纲",
        "summary": "总结",
        "question": "思考",
        "section": "章节",
        "presenter": "汇报人",
        "whole": "全文",
    },
}


def pages_text(start: int, end: int, lang: str) -> str:
    """ "pp. 3–5" / "p. 4" (en), "第 3–5 页" / "第 4 页" (zh)."""
    if lang == "zh":
        return f"第 {start} 页" if start == end else f"第 {start}–{end} 页"
    return f"p. {start}" if start == end else f"pp. {start}–{end}"


@dataclass
class FigureRef:
    """A figure or table of the paper shown on a slide (cropped from the PDF when the deck is built)."""

    label: str  # "Figure 2"
    kind: str  # "figure" | "table"
    page: int
    caption: str


@dataclass
class ContentSlide:
    title: str
    section: str  # "3.2 Attention" (or several joined with " · ")
    page_start: int
    page_end: int
    details: list[str]
    question: str
    notes: str = ""
    figure: FigureRef | None = None
    origin: dict[str, str] = field(default_factory=dict)  # field -> "model" | "paper" | "template"


@dataclass
class Outline:
    paper_title: str
    language: str
    authors: list[str] = field(default_factory=list)
    authors_short: str = ""
    venue: str | None = None
    year: int | None = None
    presenter: str | None = None
    minutes: int = 15
    agenda: list[str] = field(default_factory=list)
    slides: list[ContentSlide] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    key_figure: FigureRef | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outline:
        data = dict(data)
        fig = lambda d: FigureRef(**d) if d else None
        data["slides"] = [ContentSlide(**{**s, "figure": fig(s.get("figure"))}) for s in data.get("slides", [])]
        data["key_figure"] = fig(data.get("key_figure"))
        return cls(**data)


# -- text facts -----------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+|\d+(?:\.\d+)?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:[A-Z][a-z]*[A-Z][A-Za-z]*|[A-Z]{2,}[a-z]?|[A-Z][a-z]{2,})\b")
_MENTION = re.compile(r"\b(Figure|Fig\.|Table)\s*([A-Z]?\d{1,3})", re.IGNORECASE)
_ZH_SPLIT = re.compile(r"(?<=[。！？；])")
# function words plus words every paper uses (not evidence that a detail comes from this section)
_STOP = ENGLISH | frozenset(
    [
        "whose",
        "between",
        "such",
        "also",
        "only",
        "more",
        "most",
        "less",
        "very",
        "each",
        "both",
        "all",
        "any",
        "some",
        "other",
        "one",
        "two",
        "three",
        "based",
        "show",
        "shows",
        "shown",
        "section",
        "model",
        "models",
        "method",
        "results",
    ]
)


def _sentences(text: str) -> list[str]:
    out = []
    for s in sentences(text):
        out += [p.strip() for p in _ZH_SPLIT.split(s) if p.strip()]
    return out


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in _STOP}


def _cjk_bigrams(text: str) -> set[str]:
    chars = "".join(_CJK.findall(text))
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def _names(text: str) -> list[str]:
    return _NAME.findall(text)


def is_concrete(text: str) -> bool:
    """A detail carries a number or a name (not a slogan)."""
    return bool(
        _NUMBER.search(text) or _names(text) or len(_CJK.findall(text)) >= 6 and re.search(r"[A-Za-z]{2,}", text)
    )


def verified_detail(detail: str, source: str) -> bool:
    """True when ``detail`` is supported by ``source``: same numbers, mostly the same words, concrete.

    Numbers must occur in the source verbatim.  English words: at least 60 % of the detail's content
    words occur in the source.  Chinese: at least half its character bigrams do, unless the source is
    English (a Chinese deck of an English paper), where its Latin terms must all occur instead.
    """
    detail = normalise(detail)
    if not DETAIL_CHARS[0] // 2 <= len(detail) <= DETAIL_CHARS[1] * 2 or not is_concrete(detail):
        return False
    src = normalise(source)
    low = src.lower()
    numbers = {n.rstrip("%") for n in _NUMBER.findall(src)}  # whole numbers: "201" is not in "2017"
    if any(n.rstrip("%") not in numbers for n in _NUMBER.findall(detail)):
        return False
    if _CJK.search(detail):
        grams = _cjk_bigrams(detail)
        if _CJK.search(src) and grams:
            return len(grams & _cjk_bigrams(src)) >= 0.5 * len(grams)
        terms = [w for w in re.findall(r"[A-Za-z][A-Za-z\-]{2,}", detail)]
        return bool(terms or _NUMBER.search(detail)) and all(t.lower() in low for t in terms)
    words = _content_words(detail)
    if not words:
        return False
    return len(words & _content_words(src)) >= 0.6 * len(words)


def _on_topic(text: str, source: str, share: float = 0.5) -> bool:
    """True when at least ``share`` of ``text``'s words (CJK: character pairs) occur in ``source``."""
    if _CJK.search(text) and _CJK.search(source):
        grams = _cjk_bigrams(text)
        return len(grams & _cjk_bigrams(source)) >= 0.6 * share * max(1, len(grams))
    words = _content_words(text)
    common = words & _content_words(source)
    return bool(common) and len(common) >= share * len(words)


def _shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a clause or word boundary within ``limit`` characters (ellipsis added)."""
    text = normalise(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    for sep in ("; ", ", ", "，", "；", " "):
        cut = head.rfind(sep)
        if cut >= limit * 0.5:
            return head[:cut].rstrip(" ,;，；") + "…"
    return head + "…"


_JUNK = re.compile(
    r"(Conference on|Proceedings of|Workshop on|arXiv:|\. \. \.|^\W|^\d+:|https?://|\b(?:Figure|Fig\.|Table)\s*\d+\s*:)"
)


_CREDITS = re.compile(
    r"(grant|supported by|grateful|thank|funded|acknowledg|equal contribution|work (?:performed|done) (?:while|at)|"
    r"listing order|designed, implemented|资助|感谢)",
    re.IGNORECASE,
)


def _symbol_share(sentence: str) -> float:
    return sum(1 for ch in sentence if not (ch.isalnum() or ch.isspace() or ch in ".,;:%()-–'’\"“”")) / max(
        1, len(sentence)
    )


def _score(sentence: str) -> float:
    """How good a slide detail ``sentence`` makes: numbers and names up, equations and boilerplate down."""
    n = len(sentence)
    score = 2.0 * bool(_NUMBER.search(sentence)) + min(2, len(set(_names(sentence)))) * 0.5
    score += 0.5 if 50 <= n <= DETAIL_CHARS[1] else 0.0
    score -= 1.5 if n > 320 else 0.0
    score -= 0.5 * len(re.findall(r"\[\d+(?:[,–-]\s*\d+)*\]", sentence))  # citation-heavy
    score -= (
        3.0 if _JUNK.search(sentence) or _CREDITS.search(sentence) else 0.0
    )  # page furniture, algorithm lines, leaked captions
    score -= 3.0 if _symbol_share(sentence) > 0.06 else 0.0  # equations
    return score


def extract_details(text: str, count: int, avoid: list[str] = ()) -> list[str]:
    """Up to ``count`` sentences of ``text`` that carry numbers and names, in reading order, shortened."""
    sents = [
        s for s in _sentences(text)
        if len(s) >= DETAIL_CHARS[0] and not _MENTION.match(s) and is_concrete(s) and len(s.split()) >= 4 or
        _CJK.search(s) and len(s) >= 12
    ]  # fmt: skip
    ranked = sorted(range(len(sents)), key=lambda i: (-_score(sents[i]), i))
    picked: list[int] = []
    taken = [_content_words(a) for a in avoid]
    for i in ranked:
        words = _content_words(sents[i])
        if any(words and len(words & t) / max(1, len(words | t)) > 0.6 for t in taken):
            continue
        picked.append(i)
        taken.append(words)
        if len(picked) == count:
            break
    for i in ranked:  # too few distinct ones: similar sentences still beat none
        if len(picked) >= count:
            break
        if i not in picked:
            picked.append(i)
    return [_shorten(sents[i], DETAIL_CHARS[1]) for i in sorted(picked)]


# -- planning -------------------------------------------------------------------------------------

_SKIP = re.compile(r"^(abstract|摘要|acknowledge?ments?|致谢|appendix|附录)", re.IGNORECASE)


@dataclass
class _Unit:
    sections: list[Section]
    text: str
    part: str = ""  # "1/2" when one section's text is split over two slides

    @property
    def page_start(self) -> int:
        return min(s.page_start for s in self.sections)

    @property
    def page_end(self) -> int:
        return max(s.page_end for s in self.sections)

    @property
    def label(self) -> str:
        label = " · ".join(s.label or "" for s in self.sections).strip(" ·")
        return f"{label} ({self.part})" if self.part else label


def _subtree_text(section: Section) -> str:
    return "\n".join(s.text for s in section.walk() if s.text)


def content_count(minutes: int) -> int:
    """Content slides for a talk of ``minutes`` (one per ~1.75 minutes, at least five)."""
    return max(MIN_CONTENT, min(MAX_CONTENT, round(minutes / MINUTES_PER_SLIDE)))


def _split_text(unit: _Unit, parts: int) -> list[_Unit]:
    """One unit's text over ``parts`` slides, cut between sentences (labelled "1/3", "2/3"...)."""
    sents = _sentences(unit.text)
    parts = max(1, min(parts, len(sents) // 2))
    size = -(-len(sents) // parts)
    chunks = [" ".join(sents[i : i + size]) for i in range(0, len(sents), size)]
    return [_Unit(unit.sections, c, f"{k}/{len(chunks)}" if len(chunks) > 1 else "") for k, c in enumerate(chunks, 1)]


def plan_units(paper: Paper, count: int) -> list[_Unit]:
    """The parts of the paper the content slides cover, in document order (see the module docstring)."""
    tops: list[Section] = []
    for section, top in body_sections(paper):
        if section is top and not _SKIP.match(top.title.strip()):
            tops.append(top)
    units = [_Unit([s], _subtree_text(s)) for s in tops if _subtree_text(s).strip()]
    if not units and paper.full_text.strip():
        whole = Section(
            None, LABELS.get(paper.language, LABELS["en"])["whole"], 1, 1, paper.page_count, paper.full_text
        )
        units = [_Unit([whole], paper.full_text)]
    while len(units) < count:
        splittable = [u for u in units if len(u.sections) == 1 and len(u.sections[0].children) >= 2 and not u.part]
        if splittable:
            unit = max(splittable, key=lambda u: len(u.text))
            if len(unit.text) >= 1200 or not any(len(u.text) >= 1200 for u in units):
                at = units.index(unit)
                parent = unit.sections[0]
                parts = [_Unit([c], _subtree_text(c)) for c in parent.children if _subtree_text(c).strip()]
                if parent.text.strip() and len(parent.text) >= 400:
                    parts.insert(0, _Unit([Section(parent.number, parent.title, parent.level, parent.page_start,
                                                   parent.page_start, parent.text)], parent.text))  # fmt: skip
                elif parts and parent.text.strip():
                    parts[0].text = parent.text + "\n" + parts[0].text
                units[at : at + 1] = parts
                continue
        whole = [  # long sections are split for a long talk; short ones only to reach the minimum
            u for u in units
            if not u.part and len(_sentences(u.text)) >= 4 and (len(u.text) >= 2400 or len(units) < MIN_CONTENT)
        ]  # fmt: skip
        if not whole:
            break
        longest = max(whole, key=lambda u: len(u.text))
        at = units.index(longest)
        units[at : at + 1] = _split_text(longest, min(count - len(units) + 1, 2 if len(units) > 1 else count))
    while len(units) > count:
        pairs = range(len(units) - 1)
        i = min(pairs, key=lambda k: len(units[k].text) + len(units[k + 1].text))
        a, b = units[i], units[i + 1]
        units[i : i + 2] = [_Unit(a.sections + b.sections, a.text + "\n" + b.text)]
    return units


def _mentioned(text: str) -> list[str]:
    seen: list[str] = []
    for kind, num in _MENTION.findall(text):
        label = f"{'Table' if kind.lower().startswith('tab') else 'Figure'} {num}"
        if label not in seen:
            seen.append(label)
    return seen


def _pick_figure(unit: _Unit, captions: list[Caption], used: set[str], usable: Callable[[Caption], bool]):
    by_label = {c.label: c for c in captions}
    candidates = [by_label[l] for l in _mentioned(unit.text) if l in by_label]
    candidates += [c for c in captions if unit.page_start <= c.page <= unit.page_end and c not in candidates]
    for c in candidates:
        if c.label not in used and usable(c):
            used.add(c.label)
            return FigureRef(c.label, c.kind, c.page, normalise(c.text))
    return None


# -- the model ------------------------------------------------------------------------------------

_ONE_LINE = '^[^{{}}\\[\\]\\n\\\\"]{{{lo},{hi}}}$'
FIELD_DESCRIPTIONS = {
    "title": "One clear point of this part of the paper, as a slide title (a statement, not a topic).",
    "details": "Concrete details copied from the text: numbers, names, datasets, conditions. No slogans.",
    "question": "One question that makes the audience think about this part (ends with a question mark).",
}


def slide_schema(small_model: bool = False, lang: str = "en", details: int = 3) -> dict:
    """What the model writes for one slide.  Bounded tightly for the small local model."""
    zh = lang == "zh"
    title_max = (30 if zh else 60) * (1 if small_model else 2)
    detail_max = (50 if zh else 100) if small_model else (90 if zh else DETAIL_CHARS[1])
    q_max = (40 if zh else 90) if small_model else (60 if zh else 140)

    def text(lo: int, hi: int) -> dict:
        if small_model:  # no braces, brackets, quotes or newlines inside a value: the grammar stays small
            return {"type": "string", "pattern": _ONE_LINE.format(lo=lo, hi=hi)}
        return {"type": "string", "minLength": lo, "maxLength": hi}

    question = text(8, q_max)
    if small_model:
        question = {"type": "string", "pattern": f'^[^{{}}\\[\\]\\n\\\\"?？]{{8,{q_max}}}[?？]$'}
    fields = {
        "title": text(6, title_max),
        "details": {"type": "array", "items": text(15, detail_max), "minItems": details,
                    "maxItems": details if small_model else details + 2},
        "question": question,
    }  # fmt: skip
    for name, description in FIELD_DESCRIPTIONS.items():
        fields[name]["description"] = description
    return {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}


def _excerpt(text: str, limit: int) -> str:
    """The section text, or its most concrete sentences in reading order within ``limit`` characters."""
    text = normalise(text)
    if len(text) <= limit:
        return text
    sents = _sentences(text)
    ranked = sorted(range(len(sents)), key=lambda i: (-(_score(sents[i]) + (1.0 if i < 2 else 0.0)), i))
    picked, used = [], 0
    for i in ranked:
        if used + len(sents[i]) + 1 > limit:
            continue
        picked.append(i)
        used += len(sents[i]) + 1
    return " ".join(sents[i] for i in sorted(picked))


@dataclass
class _Writer:
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
        return self.backend.name == "local"

    @property
    def examples(self) -> str:
        """The prompt's worked example: text copied from it is about another paper, never this one."""
        return load_prompt(TASK, self.lang).body.split("{{ paper_title }}")[0]

    def ask(self, section: str, text: str, details: int) -> dict | None:
        if self.failures >= 2:
            return None
        prompt = load_prompt(TASK, self.lang)
        limit = EXCERPT_CHARS["local" if self.small else "openai"]
        request = Request(
            prompt=prompt.render(paper_title=self.paper_title, section=section, excerpt=_excerpt(text, limit)),
            max_tokens=OUTPUT_TOKENS["local" if self.small else "openai"] * (2 if self.lang == "zh" else 1),
            temperature=0.2,
            repeat_penalty=1.1,
        )
        schema = slide_schema(self.small, self.lang, details)
        self.calls += 1
        started = time.perf_counter()
        try:
            completion = self.backend.complete_json(request, schema, cancel=self.cancel)
        except BackendError as err:
            if "schema" not in err.message and "cut off" not in err.message:
                raise  # unreachable endpoint, bad key...: the user must hear about it
            self.failures += 1
            self.errors.append(err.message[:200])
            return None
        finally:
            self.seconds += time.perf_counter() - started
        self.failures = 0
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens
        return completion.data


_TERM = re.compile(r"\b(?:[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*(?:-\d+)?|[A-Z][a-z]+-\d+|[A-Z]{2,}\d*)\b")
_GENERIC = {"figure", "table", "section", "question", "overall", "however", "moreover", "first", "second", "finally",
            "appendix", "equation", "algorithm", "note", "in", "we", "our", "the", "this"}  # fmt: skip
_KINDS = [
    ("results", re.compile(r"result|experiment|evaluat|ablation|benchmark|analysis|实验|结果|评估", re.IGNORECASE)),
    ("intro", re.compile(r"introduction|background|related|motivation|引言|介绍|背景|相关", re.IGNORECASE)),
    ("conclusion", re.compile(r"conclusion|discussion|limitation|future|结论|总结|讨论|局限", re.IGNORECASE)),
]
_QUESTIONS = {
    "en": {
        "results": "Would the gains reported for {term} hold on other datasets or settings, and what would test that?",
        "intro": "Which limitation of earlier work does {term} address here, and is it the most important one?",
        "conclusion": "What is the biggest open question this paper leaves about {term}?",
        "method": "Why is {term} designed this way, and what would break if it were removed or replaced?",
    },
    "zh": {
        "results": "{term} 的提升换到其他数据集或设置下还成立吗?怎样验证?",
        "intro": "{term} 针对的是以往工作的哪个局限?它是最重要的那个吗?",
        "conclusion": "关于 {term},这篇论文留下的最大开放问题是什么?",
        "method": "{term} 为什么这样设计?去掉或替换它会怎样?",
    },
}


def key_term(text: str) -> str | None:
    """The section's most frequent technical name (acronym, CamelCase, "GPT-2") used at least twice."""
    counts: dict[str, int] = {}
    for term in _TERM.findall(text):
        if term.lower() not in _GENERIC:
            counts[term] = counts.get(term, 0) + 1
    best = max(counts, key=lambda k: (counts[k], len(k))) if counts else None
    return best if best and counts[best] >= 2 else None


def _section_kind(unit: _Unit) -> str:
    title = " ".join(s.title for s in unit.sections)
    return next((kind for kind, pattern in _KINDS if pattern.search(title)), "method")


def _question_template(unit: _Unit, lang: str) -> str:
    """A question about the section's key term (used when the model's question is unusable)."""
    term = key_term(unit.text)
    if term is None:  # no technical name to ask about: ask about the section itself
        title = unit.sections[0].title or ("这部分" if lang == "zh" else "this part")
        term = f"“{title}”" if lang == "en" else f"「{title}」"
        if _section_kind(unit) == "method":
            if lang == "zh":
                return f"{term} 中最关键的设计选择是什么?去掉它会怎样?"
            return f"What is the key design choice in {term}, and what would break without it?"
    return _QUESTIONS[lang][_section_kind(unit)].format(term=term)


def slide_notes(slide: ContentSlide, lang: str) -> str:
    pages = pages_text(slide.page_start, slide.page_end, lang)
    if lang == "zh":
        lines = [f"要点:{slide.title}", f"出处:{slide.section},{pages}(请翻到这里)。", "讲解:"]
        lines += [f"{i}. {d}" for i, d in enumerate(slide.details, 1)]
        if slide.figure:
            lines.append(f"展示 {slide.figure.label}(第 {slide.figure.page} 页):{_shorten(slide.figure.caption, 160)}")
        lines.append(f"提问听众:{slide.question}")
    else:
        lines = [f"Point: {slide.title}", f"Source: {slide.section}, {pages} (point the audience there).", "Say:"]
        lines += [f"{i}. {d}" for i, d in enumerate(slide.details, 1)]
        if slide.figure:
            lines.append(f"Show {slide.figure.label} (p. {slide.figure.page}): {_shorten(slide.figure.caption, 160)}")
        lines.append(f"Ask the audience: {slide.question}")
    return "\n".join(lines)


def _clean(text: str) -> str:
    return re.sub(r"^(?:\d{1,2}[.)、]|[-•*])\s+", "", normalise(str(text))).strip()


def _same_words(a: str, b: str) -> bool:
    wa, wb = _content_words(a), _content_words(b)
    return bool(wa) and len(wa & wb) >= 0.6 * len(wa)


def _copied(text: str, examples: str, source: str) -> bool:
    """True when ``text`` repeats the prompt's example more than it follows the paper."""
    words = _content_words(text)
    if not words or not examples:
        return False
    from_example = len(words & _content_words(examples))
    return from_example >= 0.5 * len(words) and from_example > len(words & _content_words(source))


def _write_slide(
    unit: _Unit,
    reply: dict | None,
    lang: str,
    details_wanted: int,
    paper_title: str,
    title_max: int,
    examples: str = "",
) -> tuple[str, list[str], str, dict]:
    """The slide's title, details and question: the model's where they check out, else the paper's."""
    origin = {}
    source = unit.text
    if reply:
        reply = {k: v for k, v in reply.items() if k == "details" or not _copied(str(v), examples, source)}
        reply["details"] = [d for d in reply.get("details", []) if not _copied(str(d), examples, source)]
    title = _clean(reply.get("title", "")) if reply else ""
    if 6 <= len(title) <= title_max - 2 and _on_topic(title, source) and not _same_words(title, paper_title):
        origin["title"] = "model"
    else:
        title = unit.sections[0].title or unit.label
        title = f"{title} ({unit.part})" if unit.part else title
        origin["title"] = "paper"
    model_details = [_clean(d) for d in (reply or {}).get("details", [])]
    kept = []
    for d in model_details:
        if verified_detail(d, source) and not any(_content_words(d) == _content_words(k) for k in kept):
            kept.append(_shorten(d, DETAIL_CHARS[1]))
    n_model = len(kept)
    if len(kept) < details_wanted:
        kept += extract_details(source, details_wanted - len(kept), avoid=kept)
    origin["details"] = "model" if n_model == len(kept) else ("paper" if n_model == 0 else f"model {n_model}, paper")
    question = _clean(reply.get("question", "")) if reply else ""
    if question.endswith(("?", "？")) and 10 <= len(question) <= 160 and _on_topic(question, source, 0.25):
        origin["question"] = "model"
    else:
        question = _question_template(unit, lang)
        origin["question"] = "template"
    return title, kept, question, origin


def make_outline(
    paper: Paper,
    *,
    settings: Settings,
    backend: Backend | None = None,
    lang: str | None = None,
    minutes: int | None = None,
    on_progress: Callable[[str], None] | None = None,
    cancel=None,
    figure_ok: Callable[[Caption], bool] | None = None,
) -> Outline:
    """Plan and write the outline of a group-meeting talk about ``paper``.

    ``figure_ok(caption)`` says whether a caption's figure can be cropped (the deck builder passes
    its :class:`~paperpal.pdf.figures.FigureCropper`); without it every caption counts as usable.
    ``on_progress(stage)`` hears what is happening; ``cancel`` (``is_set()``) stops with Cancelled.
    """
    check_readable(paper)
    started = time.perf_counter()
    lang = lang or settings.language
    minutes = minutes or settings.slides.minutes
    report = on_progress or (lambda stage: None)
    usable = figure_ok or (lambda caption: True)
    title = normalise(paper.title) or Path(paper.path).stem
    report("Planning the slides")
    units = plan_units(paper, content_count(minutes))
    backend = backend or llm.get_backend(settings)
    writer = _Writer(backend, lang, title, cancel)
    prompt = load_prompt(TASK, lang)
    used: set[str] = set()
    slides = []
    for k, unit in enumerate(units, 1):
        check_cancelled(cancel, f"Slides cancelled: {paper.path}")
        report(f"Writing slide {k}/{len(units)} ({backend.name} model {backend.model})")
        reply = writer.ask(unit.label, unit.text, 3)
        title_max = slide_schema(writer.small, lang)["properties"]["title"]
        title_max = title_max.get("maxLength") or int(re.findall(r"\d+", title_max["pattern"])[-1])
        slide_title, details, question, origin = _write_slide(unit, reply, lang, 3, title, title_max, writer.examples)
        slide = ContentSlide(
            title=slide_title,
            section=unit.label,
            page_start=unit.page_start,
            page_end=unit.page_end,
            details=details,
            question=question,
            figure=_pick_figure(unit, paper.captions, used, usable),
            origin=origin,
        )
        slide.notes = slide_notes(slide, lang)
        slides.append(slide)
    check_cancelled(cancel, f"Slides cancelled: {paper.path}")
    report("Writing the summary")
    summary = _summary_points(paper, writer, slides, lang)
    key = next((c for c in paper.captions if c.kind == "figure" and c.page <= 3 and usable(c)), None)
    return Outline(
        paper_title=title,
        language=lang,
        authors=list(paper.authors),
        authors_short=authors_short(paper.authors, lang),
        venue=paper.venue,
        year=paper.year,
        presenter=settings.slides.presenter,
        minutes=minutes,
        agenda=_agenda(units),
        slides=slides,
        summary=summary,
        key_figure=FigureRef(key.label, key.kind, key.page, normalise(key.text)) if key else None,
        provenance={
            "paperpal_version": __version__,
            "backend": backend.name,
            "model": backend.model,
            "prompt": f"{prompt.name}@{prompt.sha}",
            "settings": {"language": lang, "minutes": minutes, "template": settings.slides.template or "default"},
            "source_file": Path(paper.path).name,
            "paper_id": paper.id,
            "model_calls": writer.calls,
            "model_errors": writer.errors,
            "prompt_tokens": writer.prompt_tokens,
            "completion_tokens": writer.completion_tokens,
            "model_seconds": round(writer.seconds, 2),
            "seconds": round(time.perf_counter() - started, 2),
        },
    )


def _agenda(units: list[_Unit]) -> list[str]:
    """The agenda items: the slides' sections, or their top-level sections when there are many."""
    items = []
    for unit in units:
        label = unit.sections[0].label if len(units) <= 8 else unit.sections[0].label.split(".")[0]
        if len(units) > 8:  # one item per top-level section number ("3" for 3.1 and 3.2)
            head = unit.sections[0].number.split(".")[0] if unit.sections[0].number else None
            label = next((i for i in items if head and i.split(" ")[0] == head), None) or unit.sections[0].label
        if label not in items:
            items.append(label)
    return items


def _summary_points(paper: Paper, writer: _Writer, slides: list[ContentSlide], lang: str) -> list[str]:
    """Numbered core points: the model's, checked against abstract + conclusion; else their sentences."""
    conclusion = next((s for s in paper.all_sections() if re.match(r"(conclusion|discussion|总结|结论)", s.title, re.IGNORECASE)),
                      None)  # fmt: skip
    source = "\n".join(t for t in (paper.abstract, conclusion.text if conclusion else "") if t)
    if not source.strip():
        source = "\n".join(d for s in slides for d in s.details)
    reply = writer.ask(LABELS[lang]["summary"], source, 3)
    points = [_shorten(_clean(d), DETAIL_CHARS[1]) for d in (reply or {}).get("details", [])]
    points = [p for p in points if verified_detail(p, source) and not _copied(p, writer.examples, source)]
    if len(points) < 3:
        points += extract_details(source, 3 - len(points), avoid=points)
    if len(points) < 3:  # a paper without abstract or conclusion: the slides' first details
        points += [s.details[0] for s in slides if s.details and s.details[0] not in points][: 3 - len(points)]
    return points[:5]


# -- Markdown -------------------------------------------------------------------------------------


def outline_markdown(outline: Outline) -> str:
    """The outline as Markdown (``paperpal slides --outline-only``)."""
    t = LABELS[outline.language]
    lines = [f"# {outline.paper_title}", ""]
    meta = [outline.authors_short, " ".join(str(v) for v in (outline.venue, outline.year) if v)]
    lines += [" — ".join(m for m in meta if m), ""]
    if outline.presenter:
        lines += [f"{t['presenter']}: {outline.presenter}", ""]
    lines += [f"## {t['agenda']}", ""] + [f"{i}. {a}" for i, a in enumerate(outline.agenda, 1)] + [""]
    for i, slide in enumerate(outline.slides, 1):
        lines += [f"## {i}. {slide.title}", ""]
        lines += [
            f"*{t['section']}: {slide.section}, {pages_text(slide.page_start, slide.page_end, outline.language)}*",
            "",
        ]
        lines += [f"- {d}" for d in slide.details] + [""]
        lines += [f"**{t['question']}:** {slide.question}", ""]
        if slide.figure:
            where = pages_text(slide.figure.page, slide.figure.page, outline.language)
            figure = f"{slide.figure.label}, {where}: {_shorten(slide.figure.caption, 200)}"
            lines += [figure, ""]
        lines += ["> " + n for n in slide.notes.splitlines()] + [""]
    lines += [f"## {t['summary']}", ""] + [f"{i}. {p}" for i, p in enumerate(outline.summary, 1)] + [""]
    p = outline.provenance
    made = (
        f"Generated by PaperPal {p.get('paperpal_version')} ({p.get('backend')} model `{p.get('model')}`, "
        f"prompt `{p.get('prompt')}`, {p.get('settings')}) from {p.get('source_file')}."
    )
    lines += ["---", "", made, ""]
    return "\n".join(lines)

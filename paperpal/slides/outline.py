"""The group-meeting outline: one :class:`~paperpal.model.Paper` in, one :class:`~.model.Outline` (cover, agenda,
content slides, summary) out.

The structure is planned from the paper (:mod:`.plan`); the model writes each slide's text (:mod:`.write`), which is
kept where it checks out (:mod:`.verify`) and otherwise replaced by the paper's own sentences (:mod:`.details`) and
a template question (:mod:`.questions`).  The summary slide's core points are written and checked the same way
against the abstract and the conclusion.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import __version__, llm
from ..errors import check_cancelled
from ..llm.base import Backend
from ..model import Caption, Paper
from ..note import authors_short
from ..resources import load_prompt
from ..settings import Settings
from ..stopwords import ENGLISH
from ..tasks.highlights import located
from ..tasks.quotes import paper_pages, verify_quote
from ..tasks.summary import check_readable
from ..text import normalise, sentences
from ..text.cues import OWN_WORK
from ..text.prose import is_credits, is_pointer
from ..text.section_kinds import is_closing_title
from .details import DETAIL_CHARS, extract_details, in_captions, repeats
from .labels import LABELS
from .model import ContentSlide, FigureRef, Outline
from .notes import highlight_line, slide_notes
from .shapes import is_cut_copy, is_cut_title, is_fragment, is_garbled
from .plan import Unit, agenda, content_count, pick_figure, plan_units
from .questions import slide_question
from .verify import clean, copied, ends_whole, names_found, on_topic, same_words, verified_detail
from .write import TASK, SlideWriter, title_limit

# the section the summary's points are checked against (with the abstract), by the start of its title


def section_title(title: str) -> str:
    """A section's title as a slide title: without the function words a line break may have left it ending on
    ("Model Analysis: Comparison with")."""
    words = title.split()
    while len(words) > 1 and (words[-1].lower() in ENGLISH or words[-1].endswith((",", ":"))):
        words.pop()
    return " ".join(words).rstrip(",:;") or title


def whole_title(title: str, source: str) -> bool:
    """A title that is a whole phrase (not :func:`.quality.is_cut_title`) and not the start of one of the section's
    sentences cut off ("The Transformer is a general-purpose neural")."""
    if is_cut_title(title):
        return False
    return not is_cut_copy(title.split(":")[-1].strip().rstrip("."), normalise(source))


def compose_slide(
    unit: Unit,
    reply: dict | None,
    lang: str,
    details_wanted: int,
    paper_title: str,
    title_max: int,
    examples: str = "",
    seen: list[str] = (),
    captions: Sequence[str] = (),
    small_model: bool = False,
) -> tuple[str, list[str], str, dict]:
    """The slide's title, details and question: the model's where they check out, else the paper's.  ``seen``: the
    details of the deck's earlier slides, which no detail here repeats; ``captions``: the paper's figure and table
    captions, whose sentences are never details; ``small_model``: the bundled model, whose details must end as a
    sentence ends (:func:`.verify.ends_whole`: its grammar's length limit cuts them)."""
    origin = {}
    source = unit.text
    if reply:
        reply = {k: v for k, v in reply.items() if k == "details" or not copied(str(v), examples, source)}
        reply["details"] = [d for d in reply.get("details", []) if not copied(str(d), examples, source)]
    title = clean(reply.get("title", "")) if reply else ""
    if (6 <= len(title) <= title_max - 2 and on_topic(title, source) and not same_words(title, paper_title)
            and names_found(title, source) and (lang == "zh" or whole_title(title, source))):  # fmt: skip
        origin["title"] = "model"
    else:
        title = section_title(unit.sections[0].title or unit.label)
        title = f"{title} ({unit.part})" if unit.part else title
        origin["title"] = "paper"
    model_details = [clean(d) for d in (reply or {}).get("details", [])]
    kept: list[str] = []
    for d in model_details:
        if (verified_detail(d, source) and len(d) <= DETAIL_CHARS[1] and not is_fragment(d, source) and not is_garbled(d)
                and (ends_whole(d) or not small_model)
                and not is_credits(d) and not is_pointer(d) and not repeats(d, [*seen, *kept])
                and not in_captions(d, captions)):  # fmt: skip
            kept.append(d)
    n_model = len(kept)
    if len(kept) < details_wanted:
        kept += extract_details(source, details_wanted - len(kept), avoid=[*seen, *kept], captions=captions)
    if not kept:  # every whole sentence repeats an earlier slide: one repeat beats an empty slide
        kept = extract_details(source, 1, captions=captions)
    origin["details"] = "model" if n_model == len(kept) else ("paper" if n_model == 0 else f"model {n_model}, paper")
    question = clean(reply.get("question", "")) if reply else ""
    if question.endswith(("?", "？")) and 10 <= len(question) <= 160 and on_topic(question, source, 0.25):
        origin["question"] = "model"
    else:
        question = slide_question(unit, kept, lang, captions)
        origin["question"] = "template"
    return title, kept, question, origin


def caption_texts(paper: Paper) -> list[str]:
    """The paper's figure and table captions, whose sentences are details only as a last resort."""
    return [c.text for c in paper.captions]


def _own_part(abstract: str) -> str:
    """The abstract from its first sentence about the paper's own work ("In this paper, we …", "We introduce …"): the
    background it opens with ("Deep Neural Networks (DNNs) are powerful models …") is no key point of the paper."""
    parts = sentences(abstract)
    first = next((i for i, sentence in enumerate(parts) if OWN_WORK.search(sentence)), 0)
    return " ".join(parts[first:])


def summary_points(paper: Paper, writer: SlideWriter, slides: list[ContentSlide], lang: str) -> list[str]:
    """Numbered core points: the model's, checked against abstract + conclusion; else their sentences."""
    conclusion = next((s for s in paper.all_sections() if is_closing_title(s.title)), None)
    source = "\n".join(t for t in (_own_part(paper.abstract or ""), conclusion.text if conclusion else "") if t)
    if not source.strip():
        source = "\n".join(d for s in slides for d in s.details)
    reply = writer.ask(LABELS[lang]["summary"], source, 3)
    points = [clean(d) for d in (reply or {}).get("details", [])]
    shown = [d for s in slides for d in s.details]
    points = [p for p in points if len(p) <= DETAIL_CHARS[1] and not is_fragment(p, source) and verified_detail(p, source)
              and not copied(p, writer.examples, source) and not same_words(p, paper.title or "")
              and not repeats(p, shown) and (ends_whole(p) or not writer.small)]  # fmt: skip
    if len(points) < 3:
        points += extract_details(source, 3 - len(points), avoid=[*points, *shown, paper.title or ""],
                                  captions=caption_texts(paper))  # fmt: skip
    if len(points) < 3:  # a paper without abstract or conclusion: the slides' first details
        points += [s.details[0] for s in slides if s.details and s.details[0] not in points][: 3 - len(points)]
    return points[:5]


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
    writer = SlideWriter(backend, lang, title, cancel)
    prompt = load_prompt(TASK, lang)
    used: set[str] = set()
    slides = []
    marks = [h for h in located(paper) if h.page]  # the reader's highlights: on the first slide covering their page
    pdf_pages = paper_pages(paper)  # where each detail stands, for the speaker notes
    captions = caption_texts(paper)
    for k, unit in enumerate(units, 1):
        check_cancelled(cancel, f"Slides cancelled: {paper.path}")
        report(f"Writing slide {k}/{len(units)} ({backend.name} model {backend.model})")
        reply = writer.ask(unit.label, unit.text, 3)
        title_max = title_limit(writer.small, lang)
        seen = [d for earlier in slides for d in earlier.details]
        slide_title, details, question, origin = compose_slide(unit, reply, lang, 3, title, title_max, writer.examples,
                                                               seen, captions, writer.small)  # fmt: skip
        slide = ContentSlide(
            title=slide_title,
            section=unit.label,
            page_start=unit.page_start,
            page_end=unit.page_end,
            details=details,
            question=question,
            figure=pick_figure(unit, paper.captions, used, usable),
            origin=origin,
            highlights=[highlight_line(h, lang) for h in marks if unit.page_start <= h.page <= unit.page_end],
        )
        marks = [h for h in marks if not unit.page_start <= h.page <= unit.page_end]
        near = list(range(unit.page_start, unit.page_end + 1))
        slide.detail_pages = {d: found.pages[0] for d in details
                              if (found := verify_quote(d.rstrip("…"), pdf_pages, near=near)) is not None}  # fmt: skip
        slide.notes = slide_notes(slide, lang)
        slides.append(slide)
    check_cancelled(cancel, f"Slides cancelled: {paper.path}")
    report("Writing the summary")
    summary = summary_points(paper, writer, slides, lang)
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
        agenda=agenda(units),
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

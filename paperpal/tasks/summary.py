"""The structured summary: one :class:`Paper` in, one :class:`~paperpal.note.SummaryNote` out, every statement in it
traced to a passage of the paper and checked.

Fields the parser knows (title, authors, venue, year, DOI/arXiv link; the code link by :mod:`.code_link`) come from
the ``Paper`` (later from Zotero), never from a model.  The statements — one-sentence summary, problem, method and results by aspect,
strengths, weaknesses — come with their evidence (section, 1-based page, verbatim passage) and pass the one support
check (:mod:`paperpal.text.support`), or are the paper's own words, or are left out:

- on the bundled small model (:mod:`.note_local`): passages are chosen first (:mod:`.note_plan`), the model condenses
  each into one sentence in the note's language (:mod:`.condense`), the statement is checked against its passage;
  a note in another language than the paper's (a Chinese note about an English paper) is the chosen passages in the
  paper's own words under the note language's headings, unless ``llm.local_translate`` lets the model try (read
  against the papers, the bundled model's Chinese renderings of English passages were hardly ever fully right);
- on an endpoint (:mod:`.note_endpoint`): the model reads the paper as numbered sentences and cites the sentences
  each entry rests on; an entry the check rejects is re-asked once with its passage, then replaced by the passage.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__, llm
from ..errors import UnreadableTextError
from ..llm.base import Backend
from ..model import Paper
from ..note import SummaryNote, authors_short
from ..settings import Settings
from ..stopwords import ENGLISH
from ..text import normalise
from ..text.facts import tokenize
from .passages import PaperSentences

TASK = "summary"
MAX_KEYWORDS = 6


def paper_link(paper: Paper) -> str | None:
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    if paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return paper.url


def check_readable(paper: Paper) -> None:
    """Raise :class:`UnreadableTextError` for scans and PDFs whose fonts extract as garbage."""
    name = Path(paper.path).name
    if paper.text_status == "no_text":
        raise UnreadableTextError(
            f"{name} has no text layer (an image-only scan), so it cannot be read",
            hint="OCR it first, e.g. `ocrmypdf in.pdf out.pdf`, then summarize the OCR'd copy",
        )
    if paper.text_status == "garbled":
        raise UnreadableTextError(
            f"The text of {name} extracts as garbage (its fonts have no Unicode map)",
            hint="OCR it, e.g. `ocrmypdf --force-ocr in.pdf out.pdf`, then summarize the OCR'd copy",
        )


def keywords_for(paper: Paper, index: PaperSentences) -> list[str]:
    """The paper's printed keywords, else the names its title and abstract use most (acronyms, model names)."""
    if paper.keywords:
        return [normalise(k) for k in paper.keywords[:MAX_KEYWORDS]]
    head = " ".join([paper.title, *(s.text for s in index.sentences if s.kind == "abstract")])
    body = Counter(t.key for t in tokenize(paper.full_text) if t.kind == "name")
    seen: dict[str, str] = {}
    for token in tokenize(head):
        if token.kind == "name" and token.key not in seen and not re.fullmatch(r"[A-Z]?\d+[A-Za-z]?", token.text):
            seen[token.key] = token.text
    ranked = sorted(seen, key=lambda key: -body[key])
    keywords = [seen[key] for key in ranked[:MAX_KEYWORDS]]
    if len(keywords) < 3:  # a paper whose abstract names nothing: the title's own words
        title = [w for w in re.findall(r"[A-Za-z][\w-]+", paper.title) if w.lower() not in ENGLISH and len(w) > 3]
        keywords += [w for w in title if w not in keywords][: MAX_KEYWORDS - len(keywords)]
    return keywords


def _code_url(paper: Paper) -> str | None:
    """The paper's own code link, the same the comparison table shows (:func:`.code_link.paper_code_link`)."""
    from .code_link import paper_code_link

    if not paper.page_texts:
        return paper.code_url  # a paper made without its pages' text: the link the parser found
    link = paper_code_link(paper)
    return link.url if link else None


def note_for(paper: Paper, lang: str, part: dict[str, Any], provenance: dict[str, Any] | None = None) -> SummaryNote:
    """The note for ``paper``: the paper's own metadata plus the statements in ``part``."""
    return SummaryNote(
        title=normalise(paper.title) or Path(paper.path).stem,
        language=lang,
        authors=list(paper.authors),
        authors_short=authors_short(paper.authors, lang),
        venue=paper.venue,
        year=paper.year,
        link=paper_link(paper),
        code_url=_code_url(paper),
        **part,
        provenance=provenance or {},
    )


def summarize(
    paper: Paper,
    *,
    settings: Settings,
    backend: Backend | None = None,
    lang: str | None = None,
    on_progress: Callable[[str], None] | None = None,
    cancel=None,
    on_note: Callable[[SummaryNote], None] | None = None,
    extractive: bool = False,
) -> SummaryNote:
    """Write the structured reading note for ``paper``.

    ``on_progress(stage)`` is told what is happening; ``cancel`` (anything with ``is_set()``) stops with
    :class:`~paperpal.errors.Cancelled`; ``on_note(note)`` gets the note as far as it is written, after each
    statement (the app shows it growing); ``extractive=True`` writes the note from the chosen passages in the paper's
    own words, without a model (seconds; in any language the note asks for, the paper's words stay in its own).
    """
    from .note_endpoint import write_endpoint_note
    from .highlights import located
    from .note_local import write_local_note

    check_readable(paper)
    lang = lang or settings.language
    report = on_progress or (lambda stage: None)
    started = time.monotonic()
    report("Reading the paper")
    index = PaperSentences(paper)
    backend = None if extractive else backend or llm.get_backend(settings)
    across = lang != paper.language
    if backend is not None and backend.profile.small_model and across and not settings.llm.local_translate:
        backend = None  # the small model's renderings across languages are not trusted: the paper's own words
    base = {"keywords": keywords_for(paper, index)}
    writer = write_local_note if backend is None or backend.profile.small_model else write_endpoint_note
    head = {
        "paperpal_version": __version__,
        "backend": backend.name if backend else "none",
        "model": backend.model if backend else "none",
        **({"adapter": backend.profile.adapter} if backend and backend.profile.adapter else {}),
    }
    source = {"source_file": Path(paper.path).name, "paper_id": paper.id}
    if backend is None and across:
        head["not_translated"] = True
    part, details = writer(
        paper, index, backend, lang, settings=settings, report=report, cancel=cancel,
        on_part=(lambda p: on_note(note_for(paper, lang, {**base, **p}, {**head, **source}))) if on_note else None,
    )  # fmt: skip
    provenance = {**head, **details, **source, "seconds": round(time.monotonic() - started, 1)}
    note = note_for(paper, lang, {**base, **part}, provenance)
    note.highlights = located(paper, index)
    note.provenance["statements"] = {k: v for k, v in note.origin_counts().items() if k != "unchecked"}
    return note

"""Decks for many papers (:func:`batch_slides`), resumable, with a digest.

A batch runs papers concurrently (``jobs`` threads): parsing, cropping and rendering run in
parallel; calls to the bundled local model are serialized by the backend's own lock (one
in-process model), calls to an endpoint really run in parallel.  Each paper's state (``done`` with
its deck, ``failed`` with the one-line reason, ``skipped``) is kept in ``OUTDIR/slides-status.json``,
written atomically after every paper, so a re-run skips decks already done (resume) and a failed
paper never stops the others.  ``combined=True`` adds a digest deck (one section per paper) and a
Markdown digest (:func:`write_digest`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import llm
from ..errors import Cancelled, ConfigError, InputFileError, PaperPalError, check_cancelled
from ..home import atomic_write_text
from ..llm.base import Backend
from ..settings import Settings
from .deck import make_slides
from .labels import LABELS
from .markdown import digest_markdown
from .model import Outline

STATUS_FILE = "slides-status.json"
STATUS_VERSION = 1


@dataclass
class PaperStatus:
    source: str
    status: str = "pending"  # "done" | "failed" | "skipped" | "pending"
    deck: str | None = None
    error: str | None = None
    title: str | None = None
    seconds: float | None = None
    outline: dict[str, Any] | None = None  # kept for the digest (and a resumed digest)


@dataclass
class BatchReport:
    outdir: Path
    papers: list[PaperStatus] = field(default_factory=list)
    digest_deck: Path | None = None
    digest_markdown: Path | None = None
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for p in self.papers if p.status == status)


def deck_name(source: Path, taken: set[str]) -> str:
    """A file name for the deck of ``source`` that no other paper in the batch uses."""
    stem = re.sub(r"[^\w\-.]+", "-", source.stem).strip("-.") or "paper"
    name, k = f"{stem}.pptx", 2
    while name in taken:
        name, k = f"{stem}-{k}.pptx", k + 1
    taken.add(name)
    return name


def _load_status(outdir: Path) -> dict[str, dict]:
    path = outdir / STATUS_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {p["source"]: p for p in data.get("papers", [])}
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
        return {}  # a damaged status file: start over (decks are rebuilt, nothing is lost)


def _save_status(outdir: Path, papers: list[PaperStatus], lock: threading.Lock) -> None:
    with lock:
        data = {"version": STATUS_VERSION, "papers": [asdict(p) for p in papers]}
        atomic_write_text(outdir / STATUS_FILE, json.dumps(data, ensure_ascii=False, indent=1))


def batch_slides(
    sources: list[tuple[Path, dict | None]],
    outdir: Path,
    *,
    settings: Settings,
    backend: Backend | None = None,
    jobs: int = 1,
    combined: bool = False,
    lang: str | None = None,
    minutes: int | None = None,
    template: str | Path | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_paper: Callable[[int, PaperStatus], None] | None = None,
    cancel=None,
) -> BatchReport:
    """One deck per PDF in ``sources`` (``(path, library record or None)``) into ``outdir``.

    ``on_progress(done, total, label)`` is called as papers finish.  ``on_paper(index, status)``
    (a copy, from worker threads) hears each paper's state: every paper once at the start
    ("pending", or "skipped"), "working" when work on it starts, then "done" or "failed".  Decks
    listed as done in the status file whose .pptx still exists are skipped (resume).
    """
    from ..export.pptx import open_template
    from ..pdf import parse_pdf

    if not sources:
        raise ConfigError("No PDFs to work on", hint="check the folder, collection or tag")
    started = time.perf_counter()
    outdir = Path(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        probe = outdir / f".{STATUS_FILE}.probe"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise InputFileError(f"Cannot write to {outdir}: {exc.strerror or exc}",
                             hint="choose a writable -o folder") from None  # fmt: skip
    open_template(template or settings.slides.template)  # fail once, early, for a bad template
    backend = backend or llm.get_backend(settings)
    previous = _load_status(outdir)
    taken: set[str] = set()
    papers: list[PaperStatus] = []
    work: list[tuple[int, PaperStatus, Path, dict | None]] = []
    for index, (path, record) in enumerate(sources):
        key = str(Path(path).resolve())
        status = PaperStatus(source=key, deck=deck_name(Path(path), taken))
        old = previous.get(key)
        if old and old.get("status") in ("done", "skipped") and old.get("deck") and (outdir / old["deck"]).exists():
            status = PaperStatus(**{**old, "status": "skipped" if old.get("status") == "done" else old["status"]})
            status.error = None
        else:
            work.append((index, status, Path(path), record))
        papers.append(status)
    lock = threading.Lock()
    total, done = len(papers), len(papers) - len(work)
    report_progress = on_progress or (lambda d, t, label: None)
    tell = on_paper or (lambda index, status: None)
    report_progress(done, total, "")
    _save_status(outdir, papers, lock)
    for index, status in enumerate(papers):
        tell(index, replace(status))

    def run(index: int, status: PaperStatus, path: Path, record: dict | None) -> None:
        t0 = time.perf_counter()
        try:
            check_cancelled(cancel)
            tell(index, replace(status, status="working"))
            paper = parse_pdf(path, cancel=cancel)
            if record:
                paper.apply_library_metadata(record)
            outline = make_slides(paper, outdir / status.deck, settings=settings, backend=backend, lang=lang,
                                  minutes=minutes, template=template, cancel=cancel)  # fmt: skip
            status.status, status.title, status.outline = "done", outline.paper_title, outline.to_dict()
        except Cancelled:
            raise
        except PaperPalError as err:
            status.status, status.error, status.deck = "failed", err.line, None
        except Exception as exc:  # noqa: BLE001 — a bug on one paper must not lose the others
            status.status, status.deck = "failed", None
            status.error = f"internal error ({type(exc).__name__}: {exc})"
        finally:
            status.seconds = round(time.perf_counter() - t0, 2)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(run, *item): item[:2] for item in work}
        try:
            for future in as_completed(futures):
                future.result()
                done += 1
                _save_status(outdir, papers, lock)
                index, status = futures[future]
                tell(index, replace(status))
                report_progress(done, total, Path(status.source).name)
        except BaseException:
            for f in futures:
                f.cancel()
            _save_status(outdir, papers, lock)
            raise
    report = BatchReport(outdir, papers)
    if combined:
        report.digest_deck, report.digest_markdown = write_digest(report, lang or settings.language, template
                                                                  or settings.slides.template)  # fmt: skip
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def write_digest(report: BatchReport, lang: str, template: str | Path | None) -> tuple[Path | None, Path]:
    """The digest deck (one section per paper: title slide, summary slide) and the Markdown digest."""
    from ..export.pptx import DeckBuilder, open_template
    from ..export.pptx.deck import provenance_line

    outlines = [
        (p, Outline.from_dict(p.outline)) for p in report.papers if p.status in ("done", "skipped") and p.outline
    ]
    t = LABELS[lang]
    title = "组会论文汇总" if lang == "zh" else "Group meeting: paper digest"
    deck_path = None
    if outlines:
        builder = DeckBuilder(open_template(template))
        first = Outline(paper_title=title, language=lang, authors_short="", minutes=0,
                        presenter=outlines[0][1].presenter, provenance=dict(outlines[0][1].provenance))  # fmt: skip
        first.authors = [f"{len(outlines)} papers" if lang == "en" else f"{len(outlines)} 篇论文"]
        builder.cover(first, "\n".join(f"- {o.paper_title}" for _, o in outlines))
        builder.list_slide(
            t["agenda"], [o.paper_title for _, o in outlines], "\n".join(o.paper_title for _, o in outlines)
        )
        for status, outline in outlines:
            builder.cover(outline, f"{outline.paper_title}\n{provenance_line(outline.provenance, lang)}",
                          presenter_line=False)  # fmt: skip
            notes = "\n".join(f"{i}. {p}" for i, p in enumerate(outline.summary, 1)) + f"\n\n({status.deck})"
            builder.list_slide(f"{t['summary']}: {outline.paper_title}", outline.summary, notes)
        builder.set_properties(title, {"papers": [o.provenance for _, o in outlines]}, None)
        deck_path = builder.save(report.outdir / "digest.pptx")
    failed = [p for p in report.papers if p.status == "failed"]
    md_path = report.outdir / "digest.md"
    atomic_write_text(md_path, digest_markdown(title, lang, outlines, failed))
    return deck_path, md_path


def collect_pdfs(inputs: list[str]) -> list[tuple[Path, dict | None]]:
    """PDFs from files and folders (a folder: its ``*.pdf`` files, sorted, not recursive)."""
    out: list[tuple[Path, dict | None]] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out += [(f, None) for f in sorted(p.iterdir()) if f.suffix.lower() == ".pdf" and f.is_file()]
        else:
            out.append((p, None))
    return out

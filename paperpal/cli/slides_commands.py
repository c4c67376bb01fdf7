"""``paperpal slides`` and ``paperpal batch-slides``: group-meeting decks from one paper or many."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigError
from ..settings import load_settings
from .app import _parse, _progress, cli, task_progress

_LLM_OPTIONS = [
    click.option("--lang", type=click.Choice(["en", "zh"]), help="Language of the slides (default: setting `language`)."),
    click.option("--template", type=click.Path(dir_okay=False, path_type=str),
                 help="A lab .pptx template (default: setting `slides.template`, else the bundled one)."),
    click.option("--minutes", type=click.IntRange(3, 120), help="Talk length; about one content slide per 1.75 min."),
    click.option("--presenter", help="Presenter name on the cover (default: setting `slides.presenter`)."),
    click.option("--backend", metavar="NAME",
                 help="Which LLM: local (bundled model), openai (an OpenAI-compatible endpoint), auto, or a plug-in backend."),
    click.option("--model", help="Model name at the endpoint (or a GGUF path with --backend local)."),
    click.option("--base-url", help="OpenAI-compatible endpoint URL, e.g. https://api.deepseek.com/v1."),
]  # fmt: skip


def _llm_options(func):
    for option in reversed(_LLM_OPTIONS):
        func = option(func)
    return func


def _settings(lang, template, minutes, presenter, backend, model, base_url):
    overrides = {"language": lang, "llm.backend": backend, "llm.base_url": base_url, "slides.template": template,
                 "slides.minutes": minutes, "slides.presenter": presenter}  # fmt: skip
    if model and backend == "local":
        overrides["llm.local_model_path"] = model
    else:
        overrides["llm.model"] = model
    return load_settings(overrides)


@cli.command()
@click.argument("pdf", type=click.Path(dir_okay=True, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The .pptx to write (default: PDF name with .pptx; with --outline-only: .md).")  # fmt: skip
@click.option("--outline-only", is_flag=True, help="Write the outline as Markdown instead of a deck.")
@_llm_options
def slides(pdf, output, outline_only, lang, template, minutes, presenter, backend, model, base_url) -> None:
    """Make a group-meeting deck (.pptx) for PDF, with the paper's own figures."""
    from ..slides.deck import make_slides

    settings = _settings(lang, template, minutes, presenter, backend, model, base_url)
    output = output or Path(Path(pdf).stem + (".md" if outline_only else ".pptx"))
    with _progress() as (on_pages, on_stage):
        paper = _parse(pdf, on_pages)
        outline = make_slides(paper, output, settings=settings, outline_only=outline_only, on_progress=on_stage)
    what = "outline" if outline_only else f"deck ({len(outline.slides) + 3} slides)"
    click.echo(f"Saved the {what} to {output}", err=True)


@cli.command("batch-slides")
@click.argument("pdfs", nargs=-1, type=click.Path(path_type=str))
@click.option("--collection", help="Every PDF in this Zotero collection (needs a synced library).")
@click.option("--tag", help="Every PDF with this Zotero tag (needs a synced library).")
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the decks, the status file and the digest.")  # fmt: skip
@click.option("--jobs", type=click.IntRange(1, 32), default=1, show_default=True, help="Papers worked on at once.")
@click.option("--combined", is_flag=True, help="Also write digest.pptx (one section per paper) and digest.md.")
@_llm_options
def batch_slides(pdfs, collection, tag, outdir, jobs, combined, lang, template, minutes, presenter, backend, model,
                 base_url) -> None:  # fmt: skip
    """One deck per paper: PDFs, folders of PDFs, or a Zotero collection or tag. Re-running resumes."""
    from ..slides.batch import STATUS_FILE, collect_pdfs
    from ..slides.batch import batch_slides as run_batch

    if bool(pdfs) + bool(collection) + bool(tag) != 1:
        raise ConfigError("Give exactly one of: PDF files/folders, --collection NAME, --tag TAG")
    settings = _settings(lang, template, minutes, presenter, backend, model, base_url)
    if pdfs:
        sources = collect_pdfs(list(pdfs))
    else:
        from ..zotero.library import library_pdfs

        sources = library_pdfs(settings, collection=collection, tag=tag)
    if not sources:
        raise ConfigError("No PDFs to work on", hint="check the folder, collection or tag")
    with task_progress("Slides", total=len(sources)) as advance:
        report = run_batch(sources, outdir, settings=settings, jobs=jobs, combined=combined, on_progress=advance)
    for paper in report.papers:
        detail = paper.deck if paper.status in ("done", "skipped") else paper.error
        click.echo(f"{paper.status:8} {Path(paper.source).name}: {detail}")
    summary = (f"{report.count('done')} done, {report.count('skipped')} skipped (already done), "
               f"{report.count('failed')} failed in {report.seconds:.1f} s; status: {outdir / STATUS_FILE}")  # fmt: skip
    if report.digest_markdown:
        summary += f"; digest: {report.digest_deck or '-'}, {report.digest_markdown}"
    click.echo(summary, err=True)
    if report.count("failed"):
        raise SystemExit(1)

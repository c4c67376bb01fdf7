"""``paperpal summarize`` and ``paperpal parse``: one PDF in, a note or a parse report out."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..settings import load_settings
from .app import _parse, _progress, cli

EMPTY_HINTS = {"chinese_paper": "try --lang zh (the paper is in Chinese)",
               "nothing_checked": "try an endpoint model (--backend openai) or --no-llm"}


@cli.command()
@click.argument("pdf", type=click.Path(dir_okay=True, path_type=str), required=False)
@click.option("--zotero", "zotero_key", metavar="ITEMKEY", help="Summarize this synced Zotero item's PDF (instead of PDF).")
@click.option("--write-note", is_flag=True, help="With --zotero: write the note back to Zotero as a child note.")
@click.option("--dry-run", is_flag=True, help="With --write-note: show what would be written, write nothing.")
@click.option("--lang", type=click.Choice(["en", "zh"]), help="Language of the note (default: setting `language`).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the note to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print (or write) the note as JSON instead of Markdown.")
@click.option("--backend", metavar="NAME", help="Which LLM: local (bundled model), openai (an OpenAI-compatible endpoint), auto, or a plug-in backend.")
@click.option("--model", help="Model name at the endpoint (or a GGUF path with --backend local).")
@click.option("--base-url", help="OpenAI-compatible endpoint URL, e.g. https://api.deepseek.com/v1.")
@click.option("--no-llm", "no_llm", is_flag=True, help="No model: the note in the paper's own words (seconds).")
def summarize(pdf, zotero_key, write_note, dry_run, lang, output, as_json, backend, model, base_url, no_llm) -> None:
    """Write a structured reading note for PDF or a Zotero item (Markdown on stdout)."""
    if bool(pdf) == bool(zotero_key):
        raise click.UsageError("give either a PDF or --zotero ITEMKEY")
    if write_note and not zotero_key:
        raise click.UsageError("--write-note needs --zotero ITEMKEY")
    if dry_run and not write_note:
        raise click.UsageError("--dry-run goes with --write-note")
    from ..export.markdown import note_json, note_markdown, save_note
    from ..tasks.summary import summarize as run_summary

    overrides = {"language": lang, "llm.backend": backend, "llm.base_url": base_url}
    if model and backend == "local":
        overrides["llm.local_model_path"] = model
    else:
        overrides["llm.model"] = model
    settings = load_settings(overrides)
    with _progress() as (on_pages, on_stage):
        if zotero_key:
            from ..zotero.summarize import summarize_item

            note = summarize_item(settings, zotero_key, lang=lang, on_pages=on_pages, on_progress=on_stage,
                                  extractive=no_llm)  # fmt: skip
        else:
            paper = _parse(pdf, on_pages)
            note = run_summary(paper, settings=settings, on_progress=on_stage, extractive=no_llm)
    from ..saved_notes import keep

    if reason := note.empty_reason():  # every statement failed the check, and the paper's words could not stand in
        hint = EMPTY_HINTS[reason]
        click.echo(f"Warning: no statement of this note passed the support check, so it is empty: {hint}.", err=True)
    keep(note)  # the app shows the paper as summarized, with this note
    if write_note:
        from ..zotero.writeback import write_note as write_back

        click.echo(write_back(settings, zotero_key, note_markdown(note), dry_run=dry_run).message, err=True)
    if output:
        save_note(note, output, as_json=as_json)
        click.echo(f"Saved the note to {output}", err=True)
    else:
        click.echo(note_json(note) if as_json else note_markdown(note), nl=False)


@cli.command()
@click.argument("pdf", type=click.Path(dir_okay=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def parse(pdf, as_json) -> None:
    """Show what the parser understood: metadata, sections with pages, counts."""
    from ..pdf.report import format_parse_report, parse_report

    with _progress() as (on_pages, _):
        report = parse_report(_parse(pdf, on_pages))
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_parse_report(report).rstrip())

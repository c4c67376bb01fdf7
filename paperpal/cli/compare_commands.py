"""``paperpal compare`` and ``paperpal review``: several papers side by side, every cell and sentence cited."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import InputFileError
from ..settings import load_settings
from .app import cli, task_progress


def _papers(pdfs, collection, tag, settings) -> list[str]:
    from ..tasks.compare import library_papers

    if bool(pdfs) == bool(collection or tag):
        raise click.UsageError("give PDFs, or --collection / --tag (not both)")
    paths = list(pdfs) or library_papers(settings, collection=collection, tag=tag)
    if not paths:
        raise InputFileError(f"No indexed papers in {'collection ' + repr(collection) if collection else 'tag ' + repr(tag)}",
                             hint="run `paperpal sync` (or `paperpal index`) first; names are case-insensitive")  # fmt: skip
    return paths


def _write_back(settings, collection, markdown: str, kind: str, dry_run: bool) -> None:
    from ..zotero.writeback import write_collection_note

    click.echo(write_collection_note(settings, collection, markdown, kind=kind, dry_run=dry_run).message, err=True)


def _note_options(command):
    command = click.option("--dry-run", is_flag=True, help="With --write-note: say what would be written.")(command)
    return click.option("--write-note", is_flag=True,
                        help="With --collection: write it into that Zotero collection as a standalone note "
                             "(web API; updated in place the next time).")(command)  # fmt: skip


def _scope_options(command):
    command = click.option("--tag", help="The papers with this Zotero tag (as indexed).")(command)
    command = click.option("--collection", help="The papers of this Zotero collection (as indexed: `paperpal sync` / `index`).")(command)
    return click.argument("pdfs", nargs=-1, type=click.Path(dir_okay=False, path_type=str))(command)


@cli.command()
@_scope_options
@click.option("--columns", metavar="FILE|LIST",
              help="Columns: a file with one per line, or a comma-separated list; default columns by name "
                   "(problem, method, data, metrics, result, code, limitations) or questions (\"which optimizer?\").")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write the table: .md, .csv or .xlsx.")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@click.option("--no-llm", is_flag=True, help="Only the rules (the papers' own sentences) even when an endpoint is configured.")
@_note_options
def compare(pdfs, collection, tag, columns, output, as_json, no_llm, write_note, dry_run) -> None:
    """Compare papers in one table: one row per paper, each cell the paper's own sentence with section and page,
    or "not found" (which is not proof that the paper does not say it). With an endpoint configured, the model
    answers each column from the paper, and an answer that passes the support check against the sentences it
    cites replaces the paper's sentence."""
    from ..export.table import to_markdown, write_table
    from ..tasks.compare import compare as compare_papers
    from ..tasks.compare import endpoint_backend, parse_columns

    settings = load_settings()
    if write_note and not collection:
        raise click.UsageError("--write-note needs --collection NAME")
    paths = _papers(pdfs, collection, tag, settings)
    with task_progress("Comparing", len(paths)) as advance:
        table = compare_papers(paths, settings=settings, columns=parse_columns(columns), on_progress=advance,
                               backend=None if no_llm else endpoint_backend(settings))  # fmt: skip
    if output:
        written = write_table(table, output)
        if not as_json:
            click.echo(f"Wrote {written} ({len(table.rows)} papers, {len(table.columns)} columns).", err=True)
    if as_json:
        click.echo(json.dumps(table.to_dict(), ensure_ascii=False, indent=2))
    elif not output and table.rows:
        click.echo(to_markdown(table), nl=False)
    for path, reason in table.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    if table.failed and not table.rows:
        raise SystemExit(3)
    if write_note:
        _write_back(settings, collection, to_markdown(table), "comparison", dry_run)


@cli.command()
@_scope_options
@click.option("--lang", type=click.Choice(["en", "zh"]), help="The draft's language (default: the settings').")
@click.option("--no-llm", is_flag=True, help="The extractive draft even when an endpoint is configured.")
@click.option("--no-table", is_flag=True, help="Leave the comparison table out of the Markdown.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write the draft (Markdown).")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as JSON.")
@_note_options
def review(pdfs, collection, tag, lang, no_llm, no_table, output, as_json, write_note, dry_run) -> None:
    """Draft a related-work synthesis: common ground, differences in method, results side by side, open problems.
    Every sentence cites [first author year, p. N], each citation verified on that page. On the bundled model the
    draft is extractive (the papers' own sentences, quoted); on an endpoint it is prose, checked sentence by sentence."""
    from ..export.review import review_markdown
    from ..home import atomic_write_text
    from ..tasks.review import review as review_papers

    settings = load_settings()
    if write_note and not collection:
        raise click.UsageError("--write-note needs --collection NAME")
    paths = _papers(pdfs, collection, tag, settings)
    with task_progress("Reviewing", len(paths)) as advance:
        draft = review_papers(paths, settings=settings, lang=lang, use_llm=not no_llm, on_progress=advance)
    text = review_markdown(draft, with_table=not no_table)
    if output:
        atomic_write_text(Path(output).expanduser(), text)
        if not as_json:
            click.echo(f"Wrote {output} ({len(draft.papers)} papers, {draft.counts['sentences']} sentences, "
                       f"{draft.counts['citations_verified']}/{draft.counts['citations']} citations verified).", err=True)  # fmt: skip
    if as_json:
        click.echo(json.dumps(draft.to_dict(), ensure_ascii=False, indent=2))
    elif not output and draft.table.rows:
        click.echo(text, nl=False)
    for path, reason in draft.table.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    if draft.table.failed and not draft.table.rows:
        raise SystemExit(3)
    if write_note:
        _write_back(settings, collection, text, "review", dry_run)

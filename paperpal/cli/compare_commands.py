"""``paperpal compare``: several papers side by side, every cell cited."""

from __future__ import annotations

import json

import click

from ..errors import InputFileError
from ..settings import load_settings
from .app import cli, task_progress


@cli.command()
@click.argument("pdfs", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option("--collection", help="The papers of this Zotero collection (as indexed: `paperpal sync` / `index`).")
@click.option("--tag", help="The papers with this Zotero tag (as indexed).")
@click.option("--columns", metavar="FILE|LIST",
              help="Columns: a file with one per line, or a comma-separated list; default columns by name "
                   "(problem, method, data, metrics, result, code, limitations) or questions (\"which optimizer?\").")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help="Write the table: .md, .csv or .xlsx.")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def compare(pdfs, collection, tag, columns, output, as_json) -> None:
    """Compare papers in one table: one row per paper, each cell the paper's own sentence with section and page,
    or "not found" (which is not proof that the paper does not say it)."""
    from ..export.table import to_markdown, write_table
    from ..tasks.compare import compare as compare_papers
    from ..tasks.compare import library_papers, parse_columns

    if bool(pdfs) == bool(collection or tag):
        raise click.UsageError("give PDFs, or --collection / --tag (not both)")
    settings = load_settings()
    paths = list(pdfs) or library_papers(settings, collection=collection, tag=tag)
    if not paths:
        raise InputFileError(f"No indexed papers in {'collection ' + repr(collection) if collection else 'tag ' + repr(tag)}",
                             hint="run `paperpal sync` (or `paperpal index`) first; names are case-insensitive")  # fmt: skip
    with task_progress("Comparing", len(paths)) as advance:
        table = compare_papers(paths, settings=settings, columns=parse_columns(columns), on_progress=advance)
    if output:
        written = write_table(table, output)
        if not as_json:
            click.echo(f"Wrote {written} ({len(table.rows)} papers, {len(table.columns)} columns).", err=True)
    if as_json:
        click.echo(json.dumps(table.to_dict(), ensure_ascii=False, indent=2))
    elif not output:
        click.echo(to_markdown(table), nl=False)
    for path, reason in table.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    if table.failed and not table.rows:
        raise SystemExit(3)

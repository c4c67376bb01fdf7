"""``paperpal sync`` and ``paperpal library``: the user's Zotero library in PaperPal."""

from __future__ import annotations

import json

import click

from ..settings import load_settings
from .app import cli, task_progress


def _zotero_settings(source=None, library_id=None, library_type=None, data_dir=None):
    return load_settings({"zotero.source": source, "zotero.library_id": library_id,
                          "zotero.library_type": library_type, "zotero.data_dir": data_dir})  # fmt: skip


@cli.command()
@click.option(
    "--source",
    type=click.Choice(["auto", "local", "sqlite", "web"]),
    help="Where to read the library (default: setting `zotero.source`, i.e. auto).",
)
@click.option("--library-id", help="Zotero user or group id (web API; a group with --library-type group).")
@click.option("--library-type", type=click.Choice(["user", "group"]), help="User or group library.")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Zotero data directory (holds zotero.sqlite).")
@click.option("--collection", help="Fetch and index PDFs only for this collection (and its sub-collections).")
@click.option("--full", is_flag=True, help="Re-read the whole library instead of only what changed.")
@click.option("--no-index", is_flag=True, help="Only sync the library; do not update the search index.")
@click.option("--json", "as_json", is_flag=True, help="Print the sync report as JSON.")
def sync(source, library_id, library_type, data_dir, collection, full, no_index, as_json) -> None:
    """Bring PaperPal's copy of your Zotero library up to date (and index new PDFs)."""
    from ..zotero.sync import sync as run_sync

    settings = _zotero_settings(source, library_id, library_type, data_dir)
    with task_progress("Syncing Zotero") as advance:
        report = run_sync(settings, collection=collection, full=full, index=not no_index,
                          on_progress=lambda done, total, what: advance(done, total, what))  # fmt: skip
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(format_sync_report(report))


def format_sync_report(report) -> str:
    kind = "incremental" if report.incremental else "full"
    lines = [
        (
            f"Synced {report.library} from {report.source} ({kind}, {report.seconds:.1f} s): {report.items} items, "
            f"{report.with_pdf} with a PDF"
        ),
        f"  new {report.new}, updated {report.updated}, unchanged {report.unchanged}, removed {report.removed}",
    ]
    if report.skipped:
        reasons = ", ".join(f"{n} {why}" for why, n in report.skipped_by_reason().items())
        lines.append(f"  skipped {len(report.skipped)} (no usable PDF): {reasons}")
        lines += [f"    {k} {t[:50]!r}: {why}" for k, t, why in report.skipped[:10]]
    if report.failed:
        lines.append(f"  failed {len(report.failed)}:")
        lines += [f"    {k} {t[:50]!r}: {why}" for k, t, why in report.failed[:20]]
    idx = report.indexed
    if idx is None:
        lines.append("  index: not updated (--no-index)")
    elif "skipped" in idx or "cancelled" in idx:
        lines.append(f"  index: not updated ({idx.get('skipped') or idx['cancelled']})")
    else:
        failed = idx["failed"] if isinstance(idx["failed"], int) else len(idx["failed"])
        lines.append(f"  index: {idx['indexed']} indexed, {idx['unchanged']} unchanged, {failed} failed, "
                     f"{idx['removed']} removed")  # fmt: skip
    return "\n".join(lines)


@cli.command()
@click.option("--collection", help="Only this collection (and its sub-collections).")
@click.option("--tag", help="Only items with this tag.")
@click.option("--all", "show_all", is_flag=True, help="Also items without a usable PDF (with why).")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
def library(collection, tag, show_all, as_json) -> None:
    """What PaperPal knows from Zotero: items with their PDF paths."""
    from ..zotero.library import library_items

    items = library_items(load_settings(), collection=collection, tag=tag)
    if not show_all and not as_json:
        items = [i for i in items if i.pdf]
    if as_json:
        click.echo(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2))
        return
    for item in items:
        meta = item.metadata
        who = (meta["authors"][0] + (" et al." if len(meta["authors"]) > 1 else "")) if meta["authors"] else ""
        head = f"{item.record.key}  {meta['title'] or '(untitled)'}"
        tail = ", ".join(str(x) for x in (who, meta["year"]) if x)
        click.echo(f"{head} ({tail})" if tail else head)
        click.echo(f"    {item.pdf}" if item.pdf else f"    no PDF: {item.stored.reason}")
    click.echo(f"{len(items)} items", err=True)

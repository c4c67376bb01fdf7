"""``paperpal index``, ``locate``, ``search`` and ``ask``: the library index and questions about papers."""

from __future__ import annotations

import json

import click

from ..settings import load_settings
from .app import _parse, _progress, cli, task_progress


def _llm_overrides(lang, backend, model, base_url) -> dict:
    overrides = {"language": lang, "llm.backend": backend, "llm.base_url": base_url}
    if model and backend == "local":
        overrides["llm.local_model_path"] = model
    else:
        overrides["llm.model"] = model
    return overrides


_llm_options = [
    click.option("--lang", type=click.Choice(["en", "zh"]), help="Answer language (default: the question's)."),
    click.option("--backend", metavar="NAME", help="Which LLM answers: auto, local, openai or a plug-in backend."),
    click.option("--model", help="Model name at the endpoint (or a GGUF path with --backend local)."),
    click.option("--base-url", help="OpenAI-compatible endpoint URL."),
]


def llm_options(func):
    for option in reversed(_llm_options):
        func = option(func)
    return func


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--check", is_flag=True, help="Compare the catalog, Chroma and the text index, and repair any drift.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def index(paths, check, as_json) -> None:
    """Add PDFs (or folders of PDFs) to the library index; unchanged files cost nothing."""
    from ..index import check_index, index_papers

    if not paths and not check:
        raise click.UsageError("give PDFs or folders to index, or --check")
    settings = load_settings()
    out: dict = {}
    if paths:
        with task_progress("Indexing") as advance:
            report = index_papers(list(paths), settings=settings, on_progress=advance)
        out = {"indexed": report.indexed, "unchanged": report.unchanged,
               "failed": [{"path": p, "reason": r} for p, r in report.failed],
               "seconds": {name: round(value, 2) for name, value in report.seconds.items()}}  # fmt: skip
        if not as_json:
            click.echo(f"Indexed {len(report.indexed)}, unchanged {len(report.unchanged)}, failed {len(report.failed)} "
                       f"({report.seconds['total']:.1f} s).")  # fmt: skip
            for path, reason in report.failed:
                click.echo(f"  failed: {path}: {reason}")
    if check:
        with task_progress("Checking the index") as advance:
            checked = check_index(settings, on_progress=advance)
        out["check"] = checked.to_dict()
        if not as_json:
            click.echo(f"Checked: {checked.papers} papers, {checked.chunks} chunks in Chroma, "
                       f"{checked.text_chunks} in the text index; {len(checked.problems)} problems"
                       f"{', all repaired' if checked.problems and checked.consistent else ''}.")  # fmt: skip
            for problem in checked.problems:
                click.echo(f"  {problem.kind}: {problem.paper_id} {problem.detail} -> {problem.action}")
            for paper_id in checked.writing:
                click.echo(f"  being written by another process: {paper_id}")
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    if paths and report.failed and not (report.indexed or report.unchanged):
        raise SystemExit(3)
    if check and not checked.consistent:
        raise SystemExit(1)


@cli.command()
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=str))
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the location as JSON.")
@click.option("--no-llm", is_flag=True, help="Retrieval only: section, page and quote without a model's explanation.")
@llm_options
def locate(pdf, question, as_json, no_llm, lang, backend, model, base_url) -> None:
    """Find where PDF discusses QUESTION: section, page and a verified quote."""
    from ..tasks.locate import locate as run_locate
    from ..tasks.locate import locate_markdown

    settings = load_settings(_llm_overrides(lang, backend, model, base_url))
    with _progress() as (on_pages, on_stage):
        paper = _parse(pdf, on_pages)
        result = run_locate(paper, question, settings=settings, lang=lang, use_llm=not no_llm, on_progress=on_stage)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else locate_markdown(result))


@cli.command()
@click.argument("query")
@click.option("--k", "k", default=10, show_default=True, help="How many passages.")
@click.option("--collection", help="Only papers in this Zotero collection.")
@click.option("--tag", help="Only papers with this Zotero tag.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
def search(query, k, collection, tag, as_json) -> None:
    """Hybrid (dense + BM25) search across the indexed library."""
    from ..index import search as run_search
    from ..tasks.ask import citation

    with task_progress("Searching") as advance:
        hits = run_search(query, settings=load_settings(), k=k, collection=collection, tag=tag, on_progress=advance)
    if as_json:
        click.echo(json.dumps([{**h.to_dict(), "citation": citation(h)} for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("No matches (is the library indexed? `paperpal index PATH`).")
    for i, h in enumerate(hits, 1):
        snippet = " ".join(h.text.split())[:200]
        click.echo(f"{i}. {citation(h)}  score {h.score:.4f}\n   {snippet}")


@cli.command()
@click.argument("question")
@click.option("--k", "k", type=int, help="How many passages the model reads (default: 4 local, 8 endpoint).")
@click.option("--collection", help="Only papers in this Zotero collection.")
@click.option("--tag", help="Only papers with this Zotero tag.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@llm_options
def ask(question, k, collection, tag, as_json, lang, backend, model, base_url) -> None:
    """Answer QUESTION from the indexed library, citing every claim as (paper, §section, p. page)."""
    from ..tasks.ask import ask as run_ask
    from ..tasks.ask import ask_markdown

    settings = load_settings(_llm_overrides(lang, backend, model, base_url))
    with _progress() as (_, on_stage):
        result = run_ask(
            question, settings=settings, k=k, collection=collection, tag=tag, lang=lang, on_progress=on_stage
        )
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) if as_json else ask_markdown(result))

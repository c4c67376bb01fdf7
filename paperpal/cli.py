"""The ``paperpal`` command: parses arguments, calls core functions, prints.

One error boundary (:class:`_Group`) turns every :class:`PaperPalError` into one ``Error: ...``
line on stderr and the error's exit code; ``PAPERPAL_DEBUG=1`` re-raises for developers.
Progress goes to stderr (only on a terminal), results to stdout.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__
from .errors import Cancelled, ConfigError, PaperPalError
from .settings import load_settings, reference_markdown, store_api_key


class _Group(click.Group):
    """The one place where errors become a single line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (PaperPalError, KeyboardInterrupt) as exc:
            if os.environ.get("PAPERPAL_DEBUG"):
                raise
            err = exc if isinstance(exc, PaperPalError) else Cancelled()
            click.echo(f"Error: {err.line}", err=True)
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: still one line, the traceback on request
            if os.environ.get("PAPERPAL_DEBUG"):
                raise
            click.echo(f"Error: internal error ({type(exc).__name__}: {exc}) (PAPERPAL_DEBUG=1 shows the traceback; "
                       "please report it)", err=True)
            ctx.exit(1)


def _console():
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def _progress(enabled: bool = True):
    """A rich progress display on stderr; yields ``(on_pages, on_stage)`` callbacks."""
    console = _console()
    if not (enabled and console.is_terminal):
        yield (lambda done, total: None), (lambda stage: None)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Reading the PDF", total=None)

        def on_pages(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        def on_stage(stage: str) -> None:
            progress.update(task, description=stage, completed=0, total=None)

        yield on_pages, on_stage


def _parse(path: str, on_pages):
    from .pdf import parse_pdf

    return parse_pdf(path, on_progress=on_pages)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperpal")
def cli() -> None:
    """PaperPal: structured summaries of research papers, offline by default."""


@cli.command()
@click.argument("pdf", type=click.Path(dir_okay=True, path_type=str))
@click.option("--lang", type=click.Choice(["en", "zh"]), help="Language of the note (default: setting `language`).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the note to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print (or write) the note as JSON instead of Markdown.")
@click.option("--backend", type=click.Choice(["auto", "local", "openai"]), help="Which LLM: bundled local model, an OpenAI-compatible endpoint, or auto.")
@click.option("--model", help="Model name at the endpoint (or a GGUF path with --backend local).")
@click.option("--base-url", help="OpenAI-compatible endpoint URL, e.g. https://api.deepseek.com/v1.")
def summarize(pdf, lang, output, as_json, backend, model, base_url) -> None:
    """Write a structured reading note for PDF (Markdown on stdout)."""
    from .export.markdown import note_json, note_markdown, save_note
    from .tasks.summary import summarize as run_summary

    overrides = {"language": lang, "llm.backend": backend, "llm.base_url": base_url}
    if model and backend == "local":
        overrides["llm.local_model_path"] = model
    else:
        overrides["llm.model"] = model
    settings = load_settings(overrides)
    with _progress() as (on_pages, on_stage):
        paper = _parse(pdf, on_pages)
        note = run_summary(paper, settings=settings, on_progress=on_stage)
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
    from .pdf.report import format_parse_report, parse_report

    with _progress() as (on_pages, _):
        report = parse_report(_parse(pdf, on_pages))
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_parse_report(report).rstrip())


@cli.group()
def config() -> None:
    """Settings file, current settings, API key."""


@config.command("path")
def config_path() -> None:
    """Print where the settings file lives."""
    from .home import settings_file

    click.echo(str(settings_file()))


@config.command("show")
@click.option("--reference", is_flag=True, help="Print the table of all settings (as in the README).")
def config_show(reference) -> None:
    """Print the effective settings (file + environment), never the API key."""
    if reference:
        click.echo(reference_markdown())
        return
    settings = load_settings()
    data = settings.model_dump(exclude={"api_key"})
    data["api_key"] = "set" if settings.api_key else "not set"
    data["resolved_backend"] = settings.resolved_backend()
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@config.command("set-key")
def config_set_key() -> None:
    """Store the API key for the OpenAI-compatible endpoint in the OS keyring (read from stdin)."""
    key = sys.stdin.readline().strip() if not sys.stdin.isatty() else click.prompt("API key", hide_input=True)
    if not key:
        raise ConfigError("No API key given", hint="pipe it in or type it at the prompt")
    store_api_key(key)
    click.echo("Stored the API key in the OS keyring.", err=True)


def main() -> None:
    cli(prog_name="paperpal")


if __name__ == "__main__":
    main()

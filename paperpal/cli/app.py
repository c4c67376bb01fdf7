"""The ``paperpal`` command group, its error boundary and progress helpers.

Each area's commands live in their own module in this package (``paper_commands``,
``config_commands``, ...) and register on :data:`cli`; ``paperpal.cli`` imports them all.

One error boundary (:class:`_Group`) turns every :class:`PaperPalError` into one ``Error: ...``
line on stderr and the error's exit code; ``PAPERPAL_DEBUG=1`` re-raises for developers.
Progress goes to stderr (only on a terminal), results to stdout.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import click

from .. import __version__
from ..errors import Cancelled, PaperPalError


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


@contextmanager
def task_progress(description: str, total: int | None = None, *, enabled: bool = True):
    """A rich bar on stderr (only on a terminal) for counted work; yields ``advance(done, total, label)``."""
    console = _console()
    if not (enabled and console.is_terminal):
        yield lambda done, total=None, label=None: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)

        def advance(done: int, total: int | None = None, label: str | None = None) -> None:
            fields = {"completed": done}
            if total is not None:
                fields["total"] = total
            if label:
                fields["description"] = f"{description}: {label}"
            progress.update(task, **fields)

        yield advance


def _parse(path: str, on_pages):
    """The parsed PDF, with the reader's highlights when the PDF is a synced Zotero item's (an unreadable sync
    store only costs the highlights)."""
    import sqlite3

    from ..model import Highlight
    from ..pdf import parse_pdf
    from ..zotero.library import highlights_for

    paper = parse_pdf(path, on_progress=on_pages)
    try:
        paper.highlights = [Highlight.from_dict(h) for h in highlights_for(paper.id)]
    except (PaperPalError, sqlite3.Error, OSError):
        pass
    return paper


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperpal")
def cli() -> None:
    """PaperPal: structured summaries of research papers, offline by default."""


def main() -> None:
    cli(prog_name="paperpal")

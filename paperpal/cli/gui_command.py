"""``paperpal gui``: the desktop app (the ``ui`` package), started from the command line."""

from __future__ import annotations

import click

from ..errors import ConfigError
from .app import cli


@cli.command()
@click.argument("pdf", required=False, type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--smoke-test", metavar="OUT.png", type=click.Path(dir_okay=False, path_type=str),
              help="Open the window, load PDF, summarize it on the configured model, save a screenshot, exit.")  # fmt: skip
def gui(pdf, smoke_test) -> None:
    """Open the desktop app (optionally on PDF)."""
    try:
        from ui.app import run
    except ImportError as exc:
        raise ConfigError(f"The desktop app is not installed ({exc})", hint='reinstall: pip install -e "."') from None
    raise SystemExit(run(pdf, smoke_test))

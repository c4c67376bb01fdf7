"""``paperpal config``: where the settings live, what they are, the API key."""

from __future__ import annotations

import json
import sys

import click

from ..errors import ConfigError
from ..settings import KEYRING_ZOTERO_USER, load_settings, reference_markdown, store_api_key
from .app import cli


@cli.group()
def config() -> None:
    """Settings file, current settings, API key."""


@config.command("path")
def config_path() -> None:
    """Print where the settings file lives."""
    from ..home import settings_file

    click.echo(str(settings_file()))


@config.command("show")
@click.option("--reference", is_flag=True, help="Print the table of all settings (as in the README).")
def config_show(reference) -> None:
    """Print the effective settings (file + environment), never the API key."""
    if reference:
        click.echo(reference_markdown())
        return
    settings = load_settings()
    data = settings.model_dump(exclude={"api_key", "zotero_api_key"})
    data["api_key"] = "set" if settings.api_key else "not set"
    data["zotero_api_key"] = "set" if settings.zotero_api_key else "not set"
    data["resolved_backend"] = settings.resolved_backend()
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@config.command("set-key")
@click.option("--zotero", is_flag=True, help="Store the Zotero web API key (zotero.org/settings/keys) instead.")
def config_set_key(zotero) -> None:
    """Store the API key for the OpenAI-compatible endpoint (or Zotero) in the OS keyring (read from stdin)."""
    key = sys.stdin.readline().strip() if not sys.stdin.isatty() else click.prompt("API key", hide_input=True)
    if not key:
        raise ConfigError("No API key given", hint="pipe it in or type it at the prompt")
    if zotero:
        store_api_key(key, user=KEYRING_ZOTERO_USER, env_var="ZOTERO_API_KEY")
        click.echo("Stored the Zotero API key in the OS keyring.", err=True)
        return
    store_api_key(key)
    click.echo("Stored the API key in the OS keyring.", err=True)


@config.command("test")
@click.option("--embedder", is_flag=True, help="Test the embedder (index.embedder) instead of the LLM.")
def config_test(embedder) -> None:
    """Check that the configured LLM answers (or the embedder embeds): one line, non-zero exit on failure.

    One tiny real request (8 tokens, or one sentence), no retries; the same check as the desktop
    app's "Test connection" buttons. Exit codes as for other errors (2 settings, 5 backend)."""
    from ..checks import check_embedder, check_llm

    result = (check_embedder if embedder else check_llm)(load_settings())
    if not result.ok:
        click.echo(f"Error: {result.message}", err=True)
        raise SystemExit(result.exit_code or 1)
    click.echo(f"OK: {result.message}")

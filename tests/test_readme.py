"""Docs that run: the README's settings table and CLI reference are generated, and checked here.

Regenerate both with ``python tests/test_readme.py --update``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from paperpal.cli import cli
from paperpal.settings import reference_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
CI_RUN = README.parent / ".ci" / "run"


def _commands(group: click.Group, prefix: list[str]):
    yield prefix
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            yield from _commands(command, [*prefix, name])
        else:
            yield [*prefix, name]


def cli_reference() -> str:
    blocks = []
    for path in _commands(cli, []):
        result = CliRunner().invoke(cli, [*path, "--help"], prog_name="paperpal", terminal_width=100)
        assert result.exit_code == 0, result.output
        blocks.append(f"### `paperpal {' '.join(path)}`\n\n```\n{result.output.rstrip()}\n```".replace("`paperpal `", "`paperpal`"))
    return "\n\n".join(blocks)


SECTIONS = {"settings-table": reference_markdown, "cli-reference": cli_reference}


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- {name}:[^>]*-->\n)(.*?)(<!-- /{name} -->)", re.DOTALL)


def updated(text: str) -> str:
    for name, make in SECTIONS.items():
        text = _pattern(name).sub(lambda m: m.group(1) + make() + "\n" + m.group(3), text)
    return text


def test_readme_generated_sections_are_current():
    text = README.read_text(encoding="utf-8")
    for name in SECTIONS:
        assert _pattern(name).search(text), f"README lacks the <!-- {name} --> block"
    assert updated(text) == text, "README drifted from the code: run `python tests/test_readme.py --update`"


def test_ci_runs_the_readme_test_command():
    readme = README.read_text(encoding="utf-8")
    command = "./install.sh dev,train && python -m pytest"
    assert command in readme
    ci = CI_RUN.read_text()
    assert "\nbash install.sh dev,train\n" in ci and "\npython -m pytest" in ci


def test_quick_start_summarizes_the_bundled_paper_without_a_key():
    readme = README.read_text(encoding="utf-8")
    assert "./install.sh && paperpal summarize ../shared/corpus/papers/attention-is-all-you-need.pdf" in readme


if __name__ == "__main__" and "--update" in sys.argv:
    README.write_text(updated(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {README}")

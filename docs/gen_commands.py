"""Generate the docs that come from the code: ``docs/commands.md`` and the table in ``docs/settings.md``.

``docs/commands.md`` is the command reference: every command of the ``paperpal`` click group (:data:`paperpal.cli.cli`,
sub-groups walked recursively, in name order) with its usage, help and options, exactly as ``--help`` prints them at
100 columns.  The table between the ``settings-table`` markers in ``docs/settings.md`` is
``paperpal config show --reference`` (:func:`paperpal.settings.reference_markdown`).

Run ``python docs/gen_commands.py`` after changing a command, an option or a setting; ``tests/test_docs.py``
regenerates both in memory and fails when the committed files differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
from click.testing import CliRunner

DOCS = Path(__file__).resolve().parent
COMMANDS_MD = DOCS / "commands.md"
SETTINGS_MD = DOCS / "settings.md"
WIDTH = 100

HEADER = """\
# Command reference

<!-- Generated from the click CLI by `python docs/gen_commands.py`; tests/test_docs.py checks it. Do not edit. -->

Every command's `--help`. How to use them: the [user guide](guide.md); every setting: [settings](settings.md); the
`--json` outputs: [JSON formats](json.md).
"""

SETTINGS_BLOCK = re.compile(r"(<!-- settings-table:[^>]*-->\n)(.*?)(<!-- /settings-table -->)", re.DOTALL)


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The group itself, then every command under it (sub-groups recursively), in name order."""
    yield prefix
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))
        else:
            yield (*prefix, name)


def _anchor(title: str) -> str:
    """GitHub's anchor for a heading (lower case, punctuation but ``-`` dropped, spaces to ``-``)."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def commands_markdown() -> str:
    """The whole of ``docs/commands.md``."""
    from paperpal.cli import cli

    runner = CliRunner()
    names, blocks = [], []
    for path in command_paths(cli):
        name = " ".join(("paperpal", *path))
        result = runner.invoke(cli, [*path, "--help"], prog_name="paperpal", terminal_width=WIDTH)
        if result.exit_code != 0:
            raise RuntimeError(f"`{name} --help` failed:\n{result.output}")
        names.append(f"{'  ' * max(len(path) - 1, 0)}- [`{name}`](#{_anchor(name)})")
        blocks.append(f"## `{name}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join([HEADER, "\n".join(names) + "\n", *blocks])


def settings_markdown(text: str) -> str:
    """``text`` (``docs/settings.md``) with its generated table replaced by the current one."""
    from paperpal.settings import reference_markdown

    if not SETTINGS_BLOCK.search(text):
        raise ValueError("docs/settings.md lacks the <!-- settings-table: ... --> ... <!-- /settings-table --> block")
    return SETTINGS_BLOCK.sub(lambda m: m.group(1) + reference_markdown() + "\n" + m.group(3), text)


def main() -> None:
    COMMANDS_MD.write_text(commands_markdown(), encoding="utf-8")
    SETTINGS_MD.write_text(settings_markdown(SETTINGS_MD.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {COMMANDS_MD} and the settings table in {SETTINGS_MD}")


if __name__ == "__main__":
    main()

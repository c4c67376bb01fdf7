"""The ``paperpal`` command line: parses arguments, calls core functions, prints.

Importing this package registers every command module on the one group, :data:`cli`.
"""

from . import (  # noqa: F401  (register the commands)
    compare_commands,
    config_commands,
    finetune_commands,
    gui_command,
    index_commands,
    paper_commands,
    slides_commands,
    zotero_commands,
)
from .app import cli, main

__all__ = ["cli", "main"]

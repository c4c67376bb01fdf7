"""The ``paperpal`` command line: parses arguments, calls core functions, prints.

Importing this package registers every command module on the one group, :data:`cli`.
"""

from . import config_commands, paper_commands  # noqa: F401  (register the commands)
from .app import cli, main

__all__ = ["cli", "main"]

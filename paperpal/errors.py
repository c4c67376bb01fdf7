"""PaperPal's errors.

Every message says what happened, to which file (or endpoint), and what to do.
Front ends turn them into one line at a single boundary (the CLI: ``Error: ...``
on stderr and the class's exit code).  ``PAPERPAL_DEBUG=1`` re-raises instead.
"""

from __future__ import annotations


class PaperPalError(Exception):
    """Base class: ``str(err)`` is the one line a user sees."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(self.line)

    @property
    def line(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(PaperPalError):
    """The settings file or an option is invalid."""

    exit_code = 2


class InputFileError(PaperPalError):
    """A file the user gave cannot be used: missing, empty, not a PDF, encrypted."""

    exit_code = 3


class UnreadableTextError(PaperPalError):
    """The PDF opens but has no usable text layer (a scan, or fonts without a unicode map)."""

    exit_code = 4


class BackendError(PaperPalError):
    """The LLM backend failed: unreachable endpoint, bad key, missing model, bad output."""

    exit_code = 5


class ResponseFormatRejected(BackendError):
    """The endpoint refused the ``response_format`` asked for (the next JSON mode is tried)."""


class JSONOutputError(BackendError):
    """No schema-valid JSON came back from ``complete_json``: the reply did not match the schema (after the backend's
    own second try) or was cut off at max_tokens, or the local grammar could not be made from the schema.  A task may
    fall back on the paper's own text; any other BackendError (unreachable endpoint, bad key) must reach the user."""


class Cancelled(PaperPalError):
    """The user cancelled a long task."""

    exit_code = 130

    def __init__(self, message: str = "Cancelled.", *, hint: str | None = None):
        super().__init__(message, hint=hint)


def check_cancelled(cancel, message: str = "Cancelled.") -> None:
    """Raise :class:`Cancelled` when ``cancel`` (anything with ``is_set()``, or None) is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled(message)

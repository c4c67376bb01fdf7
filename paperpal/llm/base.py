"""The one small interface every LLM backend implements.

A task builds a :class:`Request` (an optional system text, the prompt text, limits) and asks a
backend to ``complete`` it, ``stream`` it, or ``complete_json`` it against a JSON schema.  Chat
endpoints get the system text and the prompt as two chat messages; the bundled local model is a
*pretrained* completion model, so it gets one plain text built by :meth:`Backend.format_prompt`
(the same text a fine-tuning data set must use).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass
class Request:
    prompt: str
    system: str | None = None
    max_tokens: int = 1024
    temperature: float = 0.2
    stop: list[str] = field(default_factory=list)
    seed: int | None = 0
    repeat_penalty: float = 1.0  # > 1 discourages repeating the last 64 tokens (local model; small models loop)
    task: str | None = None  # which task asks: the local backend applies its LoRA adapter to "summary" requests only


@dataclass
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None  # "stop" | "length" | ...
    seconds: float = 0.0
    data: Any = None  # the parsed, schema-valid JSON for complete_json


@dataclass(frozen=True)
class Profile:
    """What a backend can do, declared by the backend; tasks read this, never the backend's name.

    ``small_model``: a small model (the bundled 270M one) — tasks give it short passages and
    constrained, extractive jobs, and do not ask it to rewrite queries or pick among candidates.
    ``grammar``: its JSON output is constrained by a grammar (always schema-valid) rather than asked for.
    ``adapter``: the name of the LoRA adapter it applies to ``task="summary"`` requests, if any."""

    small_model: bool = False
    grammar: bool = False
    adapter: str | None = None


@runtime_checkable
class Backend(Protocol):
    """What tasks may rely on.  ``name`` is the registry's name ("local", "openai", a plug-in's);
    ``model`` names the model; ``profile`` says what it can do."""

    name: str
    model: str

    @property
    def profile(self) -> Profile:
        """What this backend can do (see :class:`Profile`)."""

    @property
    def context_window(self) -> int:
        """Tokens the model accepts (prompt + output)."""

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` costs with this model (an estimate where no tokenizer is at hand)."""

    def format_prompt(self, request: Request) -> str:
        """The exact text the model sees for ``request`` (chat endpoints: system + prompt joined)."""

    def complete(self, request: Request, *, cancel=None) -> Completion:
        """Generate text.  ``cancel`` (anything with ``is_set()``) stops early with Cancelled."""

    def stream(self, request: Request, *, cancel=None) -> Iterator[str]:
        """Yield text pieces as they are generated."""

    def complete_json(self, request: Request, schema: dict, *, cancel=None, on_text=None) -> Completion:
        """Generate JSON valid against ``schema``; ``Completion.data`` holds the parsed object.

        ``on_text(piece)``, when given, is called with the reply's text as it is generated (a new
        attempt starts with ``on_text(None)``), so a front end can show the answer growing.
        Raises :class:`~paperpal.errors.JSONOutputError` (a BackendError) when no valid JSON could be had
        (after one re-ask on endpoints without structured output), BackendError for any other failure."""

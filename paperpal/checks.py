"""Connection checks: does the configured LLM answer, does the configured embedder embed?

``paperpal config test [--embedder]`` and the settings dialog's "Test connection" buttons call the
same two functions. A check makes one tiny real request (a completion of at most 8 tokens, or one
embedded sentence) and reports the outcome as a :class:`CheckResult`: the backend's own one-line
error when it fails (unreachable endpoint, rejected key, unknown model...), never an exception.
Endpoint checks do not retry: a check says what is wrong now, without a minute of backoff first.
Cancelling (``cancel.is_set()``) raises :class:`~paperpal.errors.Cancelled` as every long task does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .errors import Cancelled, PaperPalError, check_cancelled
from .settings import Settings

PROMPT = "Reply with the single word: ready"
SENTENCE = "Attention is all you need."


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str  # one line: what answered and how fast, or the error line
    seconds: float
    model: str = ""  # what answered (LLM model name or embedder key); "" when it failed before
    dimension: int | None = None  # embedder checks: length of the vector
    exit_code: int = 0  # for the CLI: the error's exit code when it failed


def _failed(exc: PaperPalError, started: float, model: str = "") -> CheckResult:
    return CheckResult(False, exc.line, time.perf_counter() - started, model, exit_code=exc.exit_code)


def _without_retries(settings: Settings) -> Settings:
    return settings.model_copy(update={"llm": settings.llm.model_copy(update={"max_retries": 0})})  # keys kept


def check_llm(settings: Settings, *, cancel=None) -> CheckResult:
    """Ask the configured model for a few tokens (the bundled local model loads first: seconds)."""
    from .llm import Request, get_backend

    started = time.perf_counter()
    model = ""
    try:
        backend = get_backend(_without_retries(settings))
        model = backend.model
        check_cancelled(cancel)
        reply = backend.complete(Request(prompt=PROMPT, max_tokens=8, temperature=0.0), cancel=cancel)
    except Cancelled:
        raise
    except PaperPalError as exc:
        return _failed(exc, started, model)
    check_cancelled(cancel)
    seconds = time.perf_counter() - started
    where = f" at {backend.base_url}" if getattr(backend, "base_url", None) else ""
    said = " ".join(reply.text.split())[:40]
    message = f"{backend.name} model {model}{where} answered in {seconds:.1f} s ({said!r})"
    return CheckResult(True, message, seconds, model)


def check_embedder(settings: Settings, *, cancel=None) -> CheckResult:
    """Embed one sentence with the configured embedder (``index.embedder``)."""
    from .index.embedders import get_embedder

    started = time.perf_counter()
    key = ""
    try:
        embedder = get_embedder(_without_retries(settings))
        key = embedder.key
        check_cancelled(cancel)
        vectors = embedder.embed([SENTENCE])
    except Cancelled:
        raise
    except PaperPalError as exc:
        return _failed(exc, started, key)
    check_cancelled(cancel)
    seconds = time.perf_counter() - started
    dimension = int(vectors.shape[1])
    message = f"embedder {key} gave a {dimension}-dimensional vector in {seconds:.1f} s"
    return CheckResult(True, message, seconds, key, dimension)

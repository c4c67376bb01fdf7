"""The OpenAI-compatible backend: OpenAI, DeepSeek, Moonshot, Qwen, Ollama, llama.cpp's server...

One chat request per call (system + user message) through the ``openai`` SDK, with the SDK's own
retries off and ours on (:func:`_with_retries`: exponential backoff with jitter on 429, 408/409,
5xx and connection errors, honouring ``Retry-After``).  Every failure becomes one-line
:class:`~paperpal.errors.BackendError` naming the endpoint and what to check; the API key never
appears in a message or a log line.

Structured output (:meth:`OpenAIBackend.complete_json`) tries, in order, ``response_format``
``json_schema``, then ``json_object`` with a ``schema`` field (llama-cpp-python's server), then plain
``json_object``, then plain text with the schema in the prompt, and remembers
per endpoint and model which one the server accepted.  The reply is parsed and validated; an
invalid reply is re-asked once with the validation error.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable, Iterator

from ..errors import BackendError, ConfigError, JSONOutputError, ResponseFormatRejected, check_cancelled
from ..settings import Settings
from .base import Completion, Profile, Request
from .json_output import InvalidJSON, parse_json_reply, schema_instruction

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_CONTEXT_WINDOW = 8192  # conservative, for models not in KNOWN_CONTEXT_WINDOWS
MAX_RETRY_AFTER = 60.0  # a server asking for a longer wait is reported, not waited for

# Longest matching prefix wins; a provider prefix such as "openai/" is ignored.
KNOWN_CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-4.1": 1_047_576,
    "gpt-4o": 128_000,
    "gpt-4-turbo": 128_000,
    "gpt-3.5-turbo": 16_385,
    "o1": 200_000,
    "o3": 200_000,
    "o4-mini": 200_000,
    "deepseek-chat": 65_536,
    "deepseek-reasoner": 65_536,
    "moonshot-v1-8k": 8_192,
    "moonshot-v1-32k": 32_768,
    "moonshot-v1-128k": 131_072,
    "qwen-plus": 131_072,
    "qwen-turbo": 131_072,
    "qwen-max": 32_768,
    "glm-4": 128_000,
}

# "json_object_schema": json_object plus a "schema" field (llama-cpp-python's server, Anyscale).
JSON_MODES = ("json_schema", "json_object_schema", "json_object", "prompt")
_JSON_MODE_BY_ENDPOINT: dict[tuple[str, str], str] = {}  # (base_url, model) -> mode that worked

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """Cheap token estimate: one per CJK character, one per 3.5 other characters (rounded up)."""
    cjk = len(_CJK.findall(text))
    return cjk + math.ceil((len(text) - cjk) / 3.5)


def known_context_window(model: str) -> int | None:
    name = model.rsplit("/", 1)[-1].lower()
    matches = [prefix for prefix in KNOWN_CONTEXT_WINDOWS if name.startswith(prefix)]
    return KNOWN_CONTEXT_WINDOWS[max(matches, key=len)] if matches else None


def _wait(seconds: float, cancel) -> None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        check_cancelled(cancel)
        time.sleep(min(left, 0.1))


def _retry_after(exc) -> float | None:
    """Seconds from ``retry-after-ms`` / ``Retry-After`` (seconds form) of an error response."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is not None:
            try:
                return max(0.0, float(value) * scale)
            except ValueError:
                continue  # an HTTP date: fall back to our own backoff
    return None


def _retryable(exc) -> bool:
    import openai

    if isinstance(exc, openai.APIConnectionError):  # includes timeouts
        return True
    if not isinstance(exc, openai.APIStatusError) or _rejects_response_format(exc):
        return False
    return exc.status_code in (408, 409, 429) or exc.status_code >= 500


def _rejects_response_format(exc) -> bool:
    """The server refused our ``response_format`` (some answer 400/422, llama_cpp.server 500)."""
    status = getattr(exc, "status_code", None)
    return status in (400, 415, 422, 501) or (status == 500 and "response_format" in _server_message(exc))


def _server_message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        message = err.get("message") if isinstance(err, dict) else err
    else:
        message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message or "").split())[:200]


class OpenAIBackend:
    """:class:`~paperpal.llm.base.Backend` over any OpenAI-compatible chat-completions endpoint.

    ``backoff_base`` (seconds) scales the retry waits: ``base * 2**attempt``, capped at
    ``backoff_cap``, times a random factor in [0.5, 1).  Tests pass tiny values.
    """

    name = "openai"
    profile = Profile()  # a capable chat model; JSON by response_format or by asking

    def __init__(self, settings: Settings, *, backoff_base: float = 1.0, backoff_cap: float = 30.0):
        import openai

        cfg = settings.llm
        if not cfg.model:
            hint = "pass --model or set OPENAI_MODEL"
            raise ConfigError("No model set for the OpenAI-compatible endpoint", hint=hint)
        self.model = cfg.model
        self.base_url = (cfg.base_url or DEFAULT_BASE_URL).rstrip("/")
        self._settings_window = cfg.context_window
        self._timeout = cfg.timeout
        self._max_retries = max(0, cfg.max_retries)
        self._backoff = (backoff_base, backoff_cap)
        self._key = settings.api_key.get_secret_value() if settings.api_key else ""
        # Local servers (Ollama, llama.cpp) need no key, but the SDK insists on one.
        self._client = openai.OpenAI(
            base_url=self.base_url, api_key=self._key or "not-needed", timeout=cfg.timeout, max_retries=0
        )

    def __repr__(self) -> str:
        return f"OpenAIBackend(base_url={self.base_url!r}, model={self.model!r})"

    # -- contract ------------------------------------------------------------------------------
    @property
    def context_window(self) -> int:
        return self._settings_window or known_context_window(self.model) or DEFAULT_CONTEXT_WINDOW

    def count_tokens(self, text: str) -> int:
        """An estimate (no tokenizer for arbitrary endpoints): see :func:`estimate_tokens`."""
        return estimate_tokens(text)

    def format_prompt(self, request: Request) -> str:
        return "\n\n".join(part for part in (request.system, request.prompt) if part)

    @staticmethod
    def _messages(request: Request, extra: str = "") -> list[dict]:
        messages = [{"role": "system", "content": request.system}] if request.system else []
        return [*messages, {"role": "user", "content": request.prompt + extra}]

    def _params(self, request: Request, messages: list[dict], **extra) -> dict:
        params = {"model": self.model, "messages": messages, "max_tokens": request.max_tokens}
        params["temperature"] = request.temperature
        if request.stop:
            params["stop"] = request.stop
        if request.seed is not None:
            params["seed"] = request.seed
        return {**params, **extra}

    # -- requests, retries, errors ---------------------------------------------------------------
    def _with_retries(self, call: Callable[[], object], cancel):
        import openai

        for attempt in range(self._max_retries + 1):
            check_cancelled(cancel)
            try:
                return call()
            except openai.OpenAIError as exc:
                if not _retryable(exc) or attempt == self._max_retries:
                    raise self._error(exc, retries=attempt) from None
                delay = _retry_after(exc)
                if delay is not None and delay > MAX_RETRY_AFTER:
                    raise self._error(exc, retries=attempt, retry_after=delay) from None
                if delay is None:
                    base, cap = self._backoff
                    delay = min(cap, base * 2**attempt) * random.uniform(0.5, 1.0)
                log.warning(
                    "%s from %s; retrying in %.2f s (%d/%d)",
                    self._short(exc), self.base_url, delay, attempt + 1, self._max_retries,
                )
                _wait(delay, cancel)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _short(exc) -> str:
        status = getattr(exc, "status_code", None)
        return f"HTTP {status}" if status else type(exc).__name__

    def _redact(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    def _error(self, exc, *, retries: int = 0, retry_after: float | None = None) -> BackendError:
        """One line naming the endpoint and what to check; never the key."""
        import openai

        url, after = self.base_url, f" after {retries} retries" if retries else ""
        if isinstance(exc, openai.APITimeoutError):
            msg, hint = f"{url} did not answer within {self._timeout:g} s{after}", "raise timeout, or try again later"
        elif isinstance(exc, openai.APIConnectionError):
            msg, hint = f"Cannot reach {url}{after}", "is the server running? check OPENAI_BASE_URL / base_url"
        elif isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            msg = f"The API key was rejected by {url} (HTTP {exc.status_code})"
            hint = "check OPENAI_API_KEY or `paperpal config set-key`"
        elif isinstance(exc, openai.NotFoundError):
            msg = f"Model {self.model!r} not found at {url} (HTTP 404)"
            hint = "check --model / OPENAI_MODEL, and that base_url ends with /v1"
        elif isinstance(exc, openai.RateLimitError):
            wait = f"; it asks to wait {retry_after:g} s" if retry_after else ""
            msg = f"{url} is rate-limiting requests (HTTP 429){after}{wait}"
            hint = "wait and try again, or check your plan's quota"
        elif isinstance(exc, openai.APIStatusError):
            detail = _server_message(exc)
            msg = f"{url} answered HTTP {exc.status_code}{after}" + (f": {detail}" if detail else "")
            hint = "the server failed; try again later" if exc.status_code >= 500 else "check the request settings"
        else:
            msg, hint = f"Unexpected reply from {url} ({type(exc).__name__}: {_server_message(exc)})", None
        # a refused response_format is its own type: complete_json then tries the next mode
        kind = ResponseFormatRejected if _rejects_response_format(exc) else BackendError
        return kind(self._redact(msg), hint=hint)

    def _create(self, params: dict, cancel):
        return self._with_retries(lambda: self._client.chat.completions.create(**params), cancel)

    # -- generation ------------------------------------------------------------------------------
    def _complete_messages(self, request: Request, messages: list[dict], cancel, **extra) -> Completion:
        started = time.perf_counter()
        response = self._create(self._params(request, messages, **extra), cancel)
        check_cancelled(cancel)
        if not getattr(response, "choices", None):
            raise BackendError(f"{self.base_url} returned no completion choices", hint="check the model and server")
        choice = response.choices[0]
        text = choice.message.content or ""
        usage = getattr(response, "usage", None)
        return Completion(
            text=text,
            prompt_tokens=getattr(usage, "prompt_tokens", None) or estimate_tokens(self.format_prompt(request)),
            completion_tokens=getattr(usage, "completion_tokens", None) or estimate_tokens(text),
            finish_reason=choice.finish_reason,
            seconds=time.perf_counter() - started,
        )

    def complete(self, request: Request, *, cancel=None) -> Completion:
        return self._complete_messages(request, self._messages(request), cancel)

    def stream(self, request: Request, *, cancel=None) -> Iterator[str]:
        import openai

        chunks = self._create(self._params(request, self._messages(request), stream=True), cancel)
        try:
            for chunk in chunks:
                check_cancelled(cancel)
                for choice in chunk.choices or ():
                    piece = getattr(choice.delta, "content", None)
                    if piece:
                        yield piece
        except openai.OpenAIError as exc:
            raise self._error(exc) from None
        finally:
            chunks.close()

    # -- JSON --------------------------------------------------------------------------------------
    @staticmethod
    def _format_for(mode: str, schema: dict) -> dict:
        """The ``response_format`` argument for a JSON mode (none for "prompt")."""
        if mode == "json_schema":
            spec = {"name": "reply", "schema": schema, "strict": False}
            return {"response_format": {"type": "json_schema", "json_schema": spec}}
        if mode == "json_object_schema":
            return {"response_format": {"type": "json_object", "schema": schema}}
        if mode == "json_object":
            return {"response_format": {"type": "json_object"}}
        return {}

    def _json_attempt(self, request: Request, schema: dict, mode: str, cancel) -> tuple[Completion, list[dict]]:
        # json_schema carries the schema itself; the other modes need it in the prompt.
        messages = self._messages(request, "" if mode == "json_schema" else schema_instruction(schema))
        return self._complete_messages(request, messages, cancel, **self._format_for(mode, schema)), messages

    def _first_json_reply(self, request: Request, schema: dict, cancel) -> tuple[Completion, list[dict], str]:
        """The first reply, trying response formats until the server accepts one."""
        key = (self.base_url, self.model)
        known = _JSON_MODE_BY_ENDPOINT.get(key)
        modes = JSON_MODES[JSON_MODES.index(known) :] if known else JSON_MODES
        for mode in modes:
            try:
                result, messages = self._json_attempt(request, schema, mode, cancel)
            except ResponseFormatRejected:
                if mode == "prompt":
                    raise
                log.info("%s does not accept response_format %s; trying the next mode", self.base_url, mode)
                continue
            _JSON_MODE_BY_ENDPOINT[key] = mode
            return result, messages, mode
        raise AssertionError("unreachable")  # pragma: no cover

    def complete_json(self, request: Request, schema: dict, *, cancel=None, on_text=None) -> Completion:
        """See :meth:`Backend.complete_json`; ``on_text`` gets each whole reply (endpoint JSON is not streamed)."""
        result, messages, mode = self._first_json_reply(request, schema, cancel)
        if on_text is not None:
            on_text(result.text)
        try:
            result.data = parse_json_reply(result.text, schema)
            return result
        except InvalidJSON as first:
            log.info("invalid JSON from %s (%s); asking once more", self.base_url, first)
            problem = first
        retry_messages = [
            *messages,
            {"role": "assistant", "content": result.text},
            {"role": "user", "content": f"That reply is not valid ({problem}). Reply with only the corrected JSON."},
        ]
        again = self._complete_messages(request, retry_messages, cancel, **self._format_for(mode, schema))
        if on_text is not None:
            on_text(None)
            on_text(again.text)
        try:
            again.data = parse_json_reply(again.text, schema)
        except InvalidJSON as second:
            cut = " (the reply was cut off at max_tokens)" if again.finish_reason == "length" else ""
            raise JSONOutputError(
                f"Model {self.model!r} at {self.base_url} did not return JSON matching the schema after one re-ask: "
                f"{second}{cut}",
                hint="raise max_tokens or use a stronger model",
            ) from None
        again.prompt_tokens += result.prompt_tokens
        again.completion_tokens += result.completion_tokens
        return again

"""The local backend: a GGUF model run in-process by llama.cpp (``llama-cpp-python``).

Default model: the bundled *pretrained* Gemma 3 270M (no chat template), so requests become one
plain completion prompt (:func:`format_plain_prompt`).  Nothing is loaded until first use; a model
is loaded once per process and shared (see :func:`load_model`).

JSON output is constrained by a llama.cpp grammar built from the JSON schema, so it always parses;
the fast "grammar first-pass" sampler in :mod:`.llama_sampling` keeps that close to unconstrained
speed.  The parsed object is still validated with ``jsonschema`` (the grammar does not cover every
schema keyword).
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BackendError, JSONOutputError
from ..settings import Settings
from .base import Completion, Profile, Request
from .json_output import InvalidJSON, parse_json_reply
from .llama_sampling import GenerationStats, TokenSampler, generate
from .lora_check import check_adapter
from .model_files import default_lora_for, resolve_lora_path, resolve_model_path

PROMPT_SEPARATOR = "\n\n"


def format_plain_prompt(system: str | None, prompt: str) -> str:
    """The text the local model sees: ``system``, a blank line, ``prompt`` (or just ``prompt``).

    Fine-tuning data for the local model must be built with this same function: the training
    text is ``format_plain_prompt(system, prompt) + target``.  No trailing separator is added, so a
    task ends its prompt with its own cue (e.g. ``"Summary:"``).
    """
    return f"{system}{PROMPT_SEPARATOR}{prompt}" if system else prompt


ADAPTER_TASK = "summary"  # the task the LoRA adapter was trained for; other tasks run on the plain base model


@dataclass
class _Loaded:
    llm: object  # llama_cpp.Llama
    lock: threading.Lock = field(default_factory=threading.Lock)
    adapter_on: bool = True  # llama-cpp-python applies a lora_path adapter at load

    def use_adapter(self, on: bool) -> None:
        """Switch the loaded LoRA adapter on or off for the next generation (call with ``lock`` held)."""
        import llama_cpp

        llm = self.llm
        if llm._lora_adapter is None or on == self.adapter_on:
            return
        if on:
            adapters = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(llm._lora_adapter)
            scales = (ctypes.c_float * 1)(llm.lora_scale)
            failed = llama_cpp.llama_set_adapters_lora(llm._ctx.ctx, adapters, 1, scales)
        else:
            failed = llama_cpp.llama_set_adapters_lora(llm._ctx.ctx, None, 0, None)
        if failed:
            raise BackendError(f"llama.cpp could not switch the LoRA adapter {'on' if on else 'off'}")
        llm.reset()  # the KV cache was computed with the other weights
        self.adapter_on = on


_MODELS: dict[tuple, _Loaded] = {}
_MODELS_LOCK = threading.Lock()


_llama_log = logging.getLogger("paperpal.llm.llama_cpp")
_log_callback = None


def route_llama_logs() -> None:
    """Send llama.cpp's C-level log lines to Python logging (DEBUG) instead of raw stderr.

    llama-cpp-python prints some lines (e.g. "llama_kv_cache_iswa: using full-size SWA cache")
    even with ``verbose=False``; a command-line tool must not.
    """
    global _log_callback
    if _log_callback is not None:
        return
    import llama_cpp

    @llama_cpp.llama_log_callback
    def callback(level, text, user_data):
        _llama_log.debug("%s", text.decode("utf-8", "replace").rstrip())

    _log_callback = callback  # keep a reference: C holds only the pointer
    llama_cpp.llama_log_set(_log_callback, ctypes.c_void_p(0))


def load_model(path: Path, *, lora: Path | None, n_ctx: int, n_threads: int, n_gpu_layers: int | None) -> _Loaded:
    """The ``llama_cpp.Llama`` for these parameters, loaded once per process."""
    key = (str(path), str(lora) if lora else None, n_ctx, n_threads, n_gpu_layers)
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = _Loaded(_load(path, lora, n_ctx, n_threads, n_gpu_layers))
        return _MODELS[key]


def _load(path: Path, lora: Path | None, n_ctx: int, n_threads: int, n_gpu_layers: int | None):
    import llama_cpp

    route_llama_logs()
    if n_gpu_layers is None:
        n_gpu_layers = -1 if llama_cpp.llama_supports_gpu_offload() else 0
    if lora:
        check_adapter(lora, path)
    try:
        return llama_cpp.Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=n_threads,
            n_gpu_layers=n_gpu_layers,
            lora_path=str(lora) if lora else None,
            seed=0,
            verbose=False,
        )
    except (ValueError, RuntimeError) as exc:
        what = f"the model {path}" + (f" with the LoRA adapter {lora}" if lora else "")
        raise BackendError(
            f"llama.cpp could not load {what} ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})",
            hint="check that it is a llama.cpp GGUF file (and the adapter matches the model)",
        ) from None


@functools.lru_cache(maxsize=64)
def _grammar_for(schema_json: str) -> str:
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        return json_schema_to_gbnf(schema_json)
    except Exception as exc:  # the converter raises bare Exception/ValueError/KeyError
        raise JSONOutputError(f"The JSON schema cannot be turned into a llama.cpp grammar ({exc})") from None


class LocalBackend:
    """:class:`~paperpal.llm.base.Backend` over an in-process GGUF model."""

    name = "local"

    def __init__(self, settings: Settings, *, first_pass: bool = True):
        self._cfg = settings.llm
        self._path: Path | None = None
        self._first_pass = first_pass  # the fast constrained sampler; False = plain llama.cpp grammar
        custom = self._cfg.local_model_path
        self.model = Path(custom).stem if custom else "gemma-3-270m-q4_k_m"
        if custom:  # a wrong explicit path is reported at once, not at first use
            self._path = resolve_model_path(custom)
        self._lora = resolve_lora_path(self._cfg.local_lora_path)  # a wrong explicit adapter path, too
        self._default_lora = not (self._cfg.local_lora_path or "").strip()  # unset: the shipped adapter

    @property
    def lora_path(self) -> Path | None:
        """The summary adapter: the configured one, or by default the shipped one when the base is the bundled model."""
        if self._default_lora:
            self._lora, self._default_lora = default_lora_for(self.model_path), False
        return self._lora

    @property
    def profile(self) -> Profile:
        """A small model with grammar-constrained JSON; the adapter applies to summary requests only."""
        return Profile(small_model=True, grammar=True, adapter=self.lora_path.stem if self.lora_path else None)

    # -- model ---------------------------------------------------------------------------------
    @property
    def model_path(self) -> Path:
        """The GGUF file (assembling the bundled one on first access)."""
        if self._path is None:
            self._path = resolve_model_path(self._cfg.local_model_path)
        return self._path

    def _model(self) -> _Loaded:
        return load_model(
            self.model_path,
            lora=self.lora_path,
            n_ctx=self._cfg.local_n_ctx,
            n_threads=self._cfg.local_n_threads or os.cpu_count() or 1,
            n_gpu_layers=self._cfg.local_n_gpu_layers,
        )

    @property
    def context_window(self) -> int:
        return self._cfg.local_n_ctx

    def count_tokens(self, text: str) -> int:
        """Exact, with the model's own tokenizer (loads the model on first call)."""
        return len(self._model().llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def format_prompt(self, request: Request) -> str:
        return format_plain_prompt(request.system, request.prompt)

    # -- generation ----------------------------------------------------------------------------
    def _prompt_tokens(self, llm, request: Request) -> list[int]:
        tokens = llm.tokenize(self.format_prompt(request).encode("utf-8"), add_bos=True, special=False)
        if len(tokens) >= llm.n_ctx():
            raise BackendError(
                f"The prompt is {len(tokens)} tokens but the local model's context window is {llm.n_ctx()} tokens",
                hint="shorten the input or raise local_n_ctx",
            )
        return tokens

    def _run(self, request: Request, *, grammar: str | None, cancel, stats: GenerationStats) -> Iterator[str]:
        loaded = self._model()
        with loaded.lock:
            loaded.use_adapter(request.task == ADAPTER_TASK)
            llm = loaded.llm
            tokens = self._prompt_tokens(llm, request)
            sampler = TokenSampler(
                llm,
                temperature=request.temperature,
                seed=request.seed,
                grammar=grammar,
                first_pass=self._first_pass,
                repeat_penalty=request.repeat_penalty,
            )
            try:
                stop = () if grammar else request.stop
                yield from generate(
                    llm, tokens, sampler, max_tokens=request.max_tokens, stop=stop, cancel=cancel, stats=stats
                )
            finally:
                sampler.close()

    def _complete(self, request: Request, *, grammar: str | None, cancel, on_text=None) -> Completion:
        started = time.perf_counter()
        stats = GenerationStats()
        pieces = []
        for piece in self._run(request, grammar=grammar, cancel=cancel, stats=stats):
            pieces.append(piece)
            if on_text is not None:
                on_text(piece)
        text = "".join(pieces)
        return Completion(
            text=text,
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=stats.completion_tokens,
            finish_reason=stats.finish_reason,
            seconds=time.perf_counter() - started,
        )

    def complete(self, request: Request, *, cancel=None) -> Completion:
        return self._complete(request, grammar=None, cancel=cancel)

    def stream(self, request: Request, *, cancel=None) -> Iterator[str]:
        return self._run(request, grammar=None, cancel=cancel, stats=GenerationStats())

    def complete_json(self, request: Request, schema: dict, *, cancel=None, on_text=None) -> Completion:
        """Grammar-constrained JSON, validated against ``schema``.

        The grammar cannot enforce every schema keyword (e.g. string lengths) and a small model can ramble until
        ``max_tokens``; such a reply is sampled once more with another seed (the local twin of the endpoint
        backend's one re-ask) before the error is raised.
        """
        grammar = _grammar_for(json.dumps(schema, sort_keys=True))
        try:
            return self._checked_json(self._complete(request, grammar=grammar, cancel=cancel, on_text=on_text), schema)
        except BackendError:
            retry = dataclasses.replace(request, seed=(request.seed or 0) + 1)
        if on_text is not None:
            on_text(None)
        return self._checked_json(self._complete(retry, grammar=grammar, cancel=cancel, on_text=on_text), schema)

    @staticmethod
    def _checked_json(result: Completion, schema: dict) -> Completion:
        if result.finish_reason == "length":
            raise JSONOutputError(
                f"The local model's JSON output was cut off after {result.completion_tokens} tokens (max_tokens or "
                "the context window)",
                hint="raise max_tokens, shorten the input, or bound the schema with maxItems/maxLength",
            )
        try:
            result.data = parse_json_reply(result.text, schema)
        except InvalidJSON as exc:
            raise JSONOutputError(
                f"The local model's JSON does not match the schema ({exc})",
                hint="the grammar does not enforce every schema keyword; simplify the schema",
            ) from None
        return result

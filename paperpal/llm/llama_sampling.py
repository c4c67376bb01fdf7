"""Token sampling and the generation loop for an in-process ``llama_cpp.Llama``.

Why our own loop instead of ``Llama.create_completion``: llama.cpp's grammar sampler checks every
candidate of the vocabulary against the grammar before sampling, and Gemma 3 has a 262k-token
vocabulary.  Measured on 2 CPU cores (Gemma 3 270M Q4_K_M, 310-token prompt, 64 greedy tokens):
about 60-68 tokens/s unconstrained, 17-19 tokens/s with llama.cpp's grammar sampling (its own
``create_completion(grammar=...)`` or our loop with ``first_pass=False``), 48-56 tokens/s with the
first-pass sampler below.  :class:`TokenSampler` uses the "grammar first-pass" trick of llama.cpp's
``common/sampling.cpp``: sample from the unconstrained chain, check only that one token against the
grammar, and run the full grammar pass (then sample again) only when the token is rejected.  For
greedy decoding the result is exactly what full grammar sampling gives (a test checks this); with a
temperature every token is still grammar-valid, though the probabilities differ slightly from
masking first (as in llama.cpp itself).

The loop (:func:`generate`) also gives us what the high-level API does not: a ``cancel`` check
between tokens (and between prompt batches), exact token counts, stop strings and a
``finish_reason`` in one place for plain and constrained output, and reuse of the KV cache for a
prompt prefix shared with the previous call.
"""

from __future__ import annotations

import codecs
import ctypes
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import llama_cpp
import numpy as np

from ..errors import JSONOutputError, check_cancelled

_TOKEN_DTYPE = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


class _TokenArray:
    """A reusable ``llama_token_data_array`` over a numpy buffer (one slot per vocabulary entry)."""

    def __init__(self, n_vocab: int):
        self.n_vocab = n_vocab
        self.data = np.zeros(n_vocab, dtype=_TOKEN_DTYPE)
        self._ids = np.arange(n_vocab, dtype=np.intc)
        self.array = llama_cpp.llama_token_data_array(
            data=self.data.ctypes.data_as(llama_cpp.llama_token_data_p), size=n_vocab, selected=-1, sorted=False
        )
        self.ref = ctypes.byref(self.array)

    def fill(self, logits: np.ndarray) -> None:
        self.data["id"] = self._ids
        self.data["logit"] = logits
        self.data["p"] = 0.0
        self.array.data = self.data.ctypes.data_as(llama_cpp.llama_token_data_p)
        self.array.size = self.n_vocab
        self.array.selected = -1
        self.array.sorted = False

    def selected_token(self) -> int:
        # Samplers may re-point ``data`` (e.g. top-k into a smaller buffer): read through the pointer.
        return int(self.array.data[self.array.selected].id)


class TokenSampler:
    """Picks the next token from the context's last logits.

    ``temperature <= 0`` is greedy; otherwise top-k 40, top-p 0.95, min-p 0.05, temperature, then a
    seeded draw (llama.cpp's defaults).  ``grammar`` is GBNF text; ``first_pass`` turns the cheap
    unconstrained-first check on (off: every token pays the full grammar pass, like llama.cpp's
    default chain; kept for measuring and as a fallback).
    """

    def __init__(
        self,
        model: llama_cpp.Llama,
        *,
        temperature: float,
        seed: int | None,
        grammar: str | None = None,
        first_pass: bool = True,
        repeat_penalty: float = 1.0,
    ):
        self._ctx = model.ctx
        self._n_vocab = model.n_vocab()
        self._chain = self._make_chain(temperature, seed, repeat_penalty, self._n_vocab)
        self._grammar = None
        self.first_pass = first_pass
        self.grammar_passes = 0  # full-vocabulary grammar passes (for measuring)
        if grammar is not None:
            vocab = llama_cpp.llama_model_get_vocab(model.model)
            self._grammar = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
            if not self._grammar:
                self.close()
                raise JSONOutputError("llama.cpp could not compile the JSON-schema grammar", hint="simplify the schema")
        self._full = _TokenArray(self._n_vocab)
        self._one_data = (llama_cpp.llama_token_data * 1)()
        self._one = llama_cpp.llama_token_data_array(data=self._one_data, size=1, selected=-1, sorted=False)

    @staticmethod
    def _make_chain(temperature: float, seed: int | None, repeat_penalty: float = 1.0, n_vocab: int = 0):
        chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())

        def add(sampler) -> None:
            llama_cpp.llama_sampler_chain_add(chain, sampler)

        if repeat_penalty != 1.0:  # on the top 40 only: penalties over the whole 262k vocabulary are slow
            add(llama_cpp.llama_sampler_init_top_k(40))
            add(llama_cpp.llama_sampler_init_penalties(n_vocab, 64, repeat_penalty, 0.0, 0.0))
        if temperature <= 0:
            add(llama_cpp.llama_sampler_init_greedy())
        else:
            add(llama_cpp.llama_sampler_init_top_k(40))
            add(llama_cpp.llama_sampler_init_top_p(0.95, 1))
            add(llama_cpp.llama_sampler_init_min_p(0.05, 1))
            add(llama_cpp.llama_sampler_init_temp(temperature))
            add(llama_cpp.llama_sampler_init_dist(0xFFFFFFFF if seed is None else seed & 0xFFFFFFFF))
        return chain

    def _logits(self) -> np.ndarray:
        ptr = llama_cpp.llama_get_logits_ith(self._ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self._n_vocab,))

    def _grammar_allows(self, token: int) -> bool:
        self._one_data[0].id = token
        self._one_data[0].logit = 0.0
        self._one_data[0].p = 0.0
        self._one.size = 1
        self._one.selected = -1
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(self._one))
        return not math.isinf(self._one_data[0].logit)

    def _draw(self, constrained: bool) -> int:
        self._full.fill(self._logits())
        if constrained:
            self.grammar_passes += 1
            llama_cpp.llama_sampler_apply(self._grammar, self._full.ref)
        llama_cpp.llama_sampler_apply(self._chain, self._full.ref)
        return self._full.selected_token()

    def sample(self) -> int:
        """The next token; the samplers (and the grammar state) have accepted it."""
        if self._grammar is None:
            token = self._draw(False)
        elif self.first_pass:
            token = self._draw(False)
            if not self._grammar_allows(token):
                token = self._draw(True)
        else:
            token = self._draw(True)
        if self._grammar is not None:
            llama_cpp.llama_sampler_accept(self._grammar, token)
        llama_cpp.llama_sampler_accept(self._chain, token)
        return token

    def close(self) -> None:
        for attr in ("_chain", "_grammar"):
            sampler = getattr(self, attr, None)
            if sampler:
                llama_cpp.llama_sampler_free(sampler)
            setattr(self, attr, None)

    def __del__(self) -> None:  # pragma: no cover - best effort
        self.close()


@dataclass
class GenerationStats:
    """Filled in by :func:`generate` as it runs; complete once the iterator is exhausted."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str | None = None


class _StopScanner:
    """Holds back text that may be the start of a stop string; finds the first full stop string."""

    def __init__(self, stop: Sequence[str]):
        self.stop = [s for s in stop if s]
        self.pending = ""

    def feed(self, text: str) -> tuple[str, bool]:
        """(text safe to emit, whether a stop string was hit)."""
        self.pending += text
        hits = [i for i in (self.pending.find(s) for s in self.stop) if i >= 0]
        if hits:
            out, self.pending = self.pending[: min(hits)], ""
            return out, True
        keep = max((k for s in self.stop for k in range(1, len(s)) if self.pending.endswith(s[:k])), default=0)
        cut = len(self.pending) - keep
        out, self.pending = self.pending[:cut], self.pending[cut:]
        return out, False

    def flush(self) -> str:
        out, self.pending = self.pending, ""
        return out


def _reuse_cached_prefix(model: llama_cpp.Llama, tokens: list[int]) -> int:
    """Keep the KV cache of the longest prefix shared with the previous call (at least one token is
    always evaluated again, for fresh logits); return how many prompt tokens that saves."""
    n = min(model.n_tokens, len(tokens) - 1)
    if n > 0:
        differs = np.nonzero(model.input_ids[:n] != np.asarray(tokens[:n], dtype=np.intc))[0]
        keep = int(differs[0]) if len(differs) else n
        memory = llama_cpp.llama_get_memory(model.ctx)
        if keep > 0 and memory is not None and llama_cpp.llama_memory_seq_rm(memory, 0, keep, -1):
            model.n_tokens = keep
            return keep
    model.reset()
    return 0


def generate(
    model: llama_cpp.Llama,
    prompt_tokens: list[int],
    sampler: TokenSampler,
    *,
    max_tokens: int,
    stop: Sequence[str] = (),
    cancel=None,
    stats: GenerationStats | None = None,
) -> Iterator[str]:
    """Evaluate ``prompt_tokens`` and yield decoded text pieces until EOS, a stop string,
    ``max_tokens`` or the end of the context.  Raises Cancelled when ``cancel.is_set()``."""
    stats = stats if stats is not None else GenerationStats()
    stats.prompt_tokens = len(prompt_tokens)
    batch = max(1, model.n_batch)
    for start in range(_reuse_cached_prefix(model, prompt_tokens), len(prompt_tokens), batch):
        check_cancelled(cancel)
        model.eval(prompt_tokens[start : start + batch])
    vocab = llama_cpp.llama_model_get_vocab(model.model)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    scanner = _StopScanner(stop)
    room = model.n_ctx() - len(prompt_tokens)
    stats.finish_reason = "length"
    for produced in range(min(max_tokens, room)):
        check_cancelled(cancel)
        token = sampler.sample()
        if llama_cpp.llama_vocab_is_eog(vocab, token):
            stats.finish_reason = "stop"
            break
        stats.completion_tokens = produced + 1
        piece, hit = scanner.feed(decoder.decode(model.detokenize([token])))
        if piece:
            yield piece
        if hit:
            stats.finish_reason = "stop"
            return
        if produced + 1 < min(max_tokens, room):
            model.eval([token])
    tail = scanner.feed(decoder.decode(b"", final=True))[0] + scanner.flush()
    if tail:
        yield tail

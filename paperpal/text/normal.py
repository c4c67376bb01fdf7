"""Normal forms of text: what models read, what quotes are matched in, what counts as Chinese."""

from __future__ import annotations

import re
import unicodedata

# CJK ideographs (extension A and the unified block) and the compatibility ideographs: what "Chinese" means
# everywhere in PaperPal (language detection, tokenising, sentence ends, output bounds).
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CHARS}]")
# CJK symbols and punctuation (ideographic space, 。、「」) and the full-width forms (，：！？ and full-width Latin):
# written with the ideographs, so they count where the question is what a page of text is made of (a paper's
# language, a reader's notes on a page, two lines that join without a space), never as "Chinese" on their own.
CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
CJK_TEXT = re.compile(f"[{CJK_CHARS}{CJK_PUNCTUATION}]")
# Typographic ligatures as PDF fonts use them, and the soft hyphen: what a page's extracted text spells out.  Not
# NFKC: some fonts draw "ft" with the long-s-t ligature (U+FB05), and NFKC would leave the extracted text changed
# in other ways (full-width forms) that the layout reads as they are.
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st", "\u00ad": ""})
_SPACE = re.compile(r"\s+")
_DROP = re.compile(r"[\s\-\u00ad\u2010\u2011\u2012\u2013]+")
_DASHES = re.compile(r"[‐‑‒–—−]")
_SINGLE_QUOTES = re.compile(r"[‘’‚′]")
_DOUBLE_QUOTES = re.compile(r"[“”„″]")


def nfkc(text: str) -> str:
    """Unicode NFKC: ligatures spelled out, full-width forms and compatibility characters made plain."""
    return unicodedata.normalize("NFKC", text)


def normalise(text: str) -> str:
    """NFKC (ligatures, full-width forms) and collapsed whitespace: what the model reads best."""
    return _SPACE.sub(" ", nfkc(text)).strip()


def squash(text: str) -> str:
    """The form in which quotes and pages are compared: NFKC, case-folded, without whitespace and hyphens
    (the parser joins lines and words that the raw page text splits)."""
    return _DROP.sub("", nfkc(text)).casefold()


def plain(text: str) -> str:
    """The form in which short strings (titles) are compared: :func:`normalise`, lower case, plain dashes and
    quotes."""
    text = _DASHES.sub("-", normalise(text).lower())
    return _SINGLE_QUOTES.sub("'", _DOUBLE_QUOTES.sub('"', text))


def expand_ligatures(text: str) -> str:
    """``text`` with its ligatures spelled out and its soft hyphens dropped (:data:`LIGATURES`)."""
    return text.translate(LIGATURES)


def has_cjk(text: str, share: float = 0.0, *, punctuation: bool = False) -> bool:
    """Whether ``text`` has Chinese characters (more than ``share`` of its non-space characters, when given).

    ``punctuation`` also counts CJK punctuation and full-width forms (:data:`CJK_TEXT`): whether a page or a paper
    is written in Chinese, rather than whether a statement uses Chinese words."""
    found = len((CJK_TEXT if punctuation else CJK).findall(text))
    if not share:
        return found > 0
    chars = len(text) - text.count(" ") - text.count("\n")
    return found > share * max(1, chars)

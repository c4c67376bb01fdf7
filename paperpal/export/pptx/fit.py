"""Text that fits its box: a conservative width model, word wrapping, and the largest size that fits.

PowerPoint does not report how much room text takes, and the fonts differ per machine (Arial on
Windows and macOS, Liberation Sans or DejaVu Sans on Linux, CJK fallbacks everywhere), so the
widths here are the *widest* of those: DejaVu Sans Bold's advance widths for ASCII (wider than
Arial and Calibri), 0.75 em for other Latin letters and 1 em for CJK and full-width forms.  Line
height is 1.2 em (1.5 em when a line holds CJK: CJK fonts have tall ascenders).  Text measured
this way never runs out of its box in any of those renderers (a render test checks it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# DejaVu Sans Bold advance widths (em) for ASCII 32..126.
_ASCII = [
    0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38, 0.415, 0.38, 0.365,
    0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4, 0.4, 0.838, 0.838, 0.838, 0.58, 1.0,
    0.774, 0.762, 0.734, 0.83, 0.683, 0.683, 0.821, 0.837, 0.372, 0.372, 0.775, 0.637, 0.995, 0.837, 0.85, 0.733,
    0.85, 0.77, 0.72, 0.682, 0.812, 0.774, 1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5, 0.5, 0.675,
    0.716, 0.593, 0.716, 0.678, 0.435, 0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687, 0.716, 0.716,
    0.493, 0.595, 0.478, 0.712, 0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838,
]  # fmt: skip
_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
_TOKEN = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+")
LINE = 1.2
LINE_CJK = 1.5
SAFETY = 1.04  # kerning, hinting and rounding differences between renderers


def char_em(ch: str) -> float:
    o = ord(ch)
    if 32 <= o < 127:
        return _ASCII[o - 32]
    if _WIDE.match(ch):
        return 1.0
    return 0.75


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size`` points (conservative)."""
    return sum(char_em(ch) for ch in text) * size * SAFETY


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points (words kept whole when they fit)."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if text_width((line + token).rstrip(), size) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
            line = ""
        token = token.lstrip() if not line else token
        while text_width(token.rstrip(), size) > width:  # a word longer than the line: break it
            cut = max(1, int(len(token) * width / max(1.0, text_width(token, size))))
            while cut > 1 and text_width(token[:cut], size) > width:
                cut -= 1
            lines.append(token[:cut])
            token = token[cut:]
        line = token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def line_height(text: str, size: float) -> float:
    return size * (LINE_CJK if _WIDE.search(text) else LINE)


@dataclass
class Para:
    """One paragraph to measure: its text, and room taken on the left (bullet indent) in points."""

    text: str
    indent: float = 0.0
    bold: bool = False


def height(paras: Sequence[Para], width: float, size: float, space_before: float = 0.0) -> float:
    """Points the paragraphs take in a box ``width`` points wide at ``size`` points."""
    total = 0.0
    for k, p in enumerate(paras):
        scale = 1.06 if p.bold else 1.0
        lines = wrap(p.text, width - p.indent, size * scale)
        total += len(lines) * line_height(p.text, size) + (space_before if k else 0.0)
    return total


def best_size(paras: Sequence[Para], width: float, box_height: float, sizes: Sequence[float], space: float = 0.3):
    """The largest of ``sizes`` at which ``paras`` fit (space before each paragraph = ``space`` x size), or None."""
    for size in sizes:
        if height(paras, width, size, space * size) <= box_height:
            return size
    return None


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a clause or word boundary within ``limit`` characters, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: max(1, limit - 1)]
    for sep in ("; ", ", ", "，", "；", " "):
        cut = head.rfind(sep)
        if cut >= limit * 0.5:
            return head[:cut].rstrip(" ,;，；") + "…"
    return head + "…"


def fit_texts(
    texts: list[str],
    width: float,
    box_height: float,
    sizes: Sequence[float],
    *,
    indent: float = 0.0,
    bold: bool = False,
    space: float = 0.3,
) -> tuple[list[str], float]:
    """The texts (shortened if they must be) and the size at which they fit the box.

    Tries every size from large to small; when even the smallest does not fit, the longest text
    is shortened step by step until it does.  Never returns text that overflows.
    """  # fmt: skip
    texts = [t for t in texts]
    while True:
        size = best_size([Para(t, indent, bold) for t in texts], width, box_height, sizes, space)
        if size is not None:
            return texts, size
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        if len(texts[longest]) <= 8:
            if len(texts) > 1:
                texts.pop()
                continue
            return [shorten(texts[0], 4)], sizes[-1]
        texts[longest] = shorten(texts[longest], int(len(texts[longest]) * 0.85))

"""Figure and table captions: the paragraph that starts with "Figure 1:", "Fig. 2.", "TABLE II"..."""

from __future__ import annotations

import re

from ..model import Caption
from .layout import Line

_CAPTION = re.compile(
    r"^(?P<kind>Figure|FIGURE|Fig\.|FIG\.|Table|TABLE)\s*(?P<num>[A-Z]?\d{1,3}|[IVX]{1,6})(?![\w.]\w)(?P<sep>\s*[:.|]|\s*$)?"
)
_MAX_LINES = 15


def _label(line: Line) -> re.Match | None:
    m = _CAPTION.match(line.text)
    if not m:
        return None
    if m.group("sep") is None and not (line.spans and line.spans[0][2]):
        return None  # "Table 2 shows ..." is a mention; a caption label has a separator or is bold
    return m


def find_captions(lines: list[Line]) -> list[Caption]:
    """Captions in reading order, one per label (the first occurrence wins)."""
    out: list[Caption] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if not line.para_start:
            continue
        m = _label(line)
        if not m:
            continue
        kind = "table" if m.group("kind").lower().startswith("tab") else "figure"
        label = f"{kind.capitalize()} {m.group('num')}"
        if label in seen:
            continue
        seen.add(label)
        group = [line]
        for nxt in lines[i + 1 : i + _MAX_LINES]:
            if nxt.para_start or nxt.page != line.page or nxt.column != line.column:
                break
            group.append(nxt)
        bbox = (
            min(l.bbox[0] for l in group),
            min(l.bbox[1] for l in group),
            max(l.bbox[2] for l in group),
            max(l.bbox[3] for l in group),
        )
        text = re.sub(r"(\w)- (\w)", r"\1\2", " ".join(l.text for l in group))
        out.append(Caption(kind, label, text, line.page, tuple(round(v, 1) for v in bbox)))
    return out

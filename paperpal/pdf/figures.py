"""Crop a paper's own figures and tables out of the PDF, found from their captions.

``paper.captions`` says where each "Figure 2:" / "Table 3:" caption sits.  The figure itself is the
graphics next to it on the same page: raster images (``page.get_image_info``) and vector drawings
(``page.get_drawings``), grown outward from the caption as long as the pieces touch (a gap of less
than :data:`_GAP` points), within the caption's column band and never past another caption.
Figures are looked for above their caption first (the usual place), tables below first (tables
are captioned on top); the other side is the fallback.  A table is found from its horizontal
rules (booktabs tables have no other drawings), so the whole grid between its first and last
rule is cropped.  Short text lines inside or touching the region (axis labels, legends, table
cells) widen it, long body lines never do.

Rendering is lazy (only the figures a deck shows are rasterised) and one page is rendered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Self

import pymupdf

from ..model import Caption, Paper

_GAP = 14.0  # points: graphics closer than this belong to one figure
_NEAR = 40.0  # points: the first graphic must be this close to the caption
_MIN_W, _MIN_H = 60.0, 36.0  # a crop smaller than this is a stray line or a logo, not a figure
_LABEL_CHARS = 70  # text lines shorter than this may be figure labels; longer ones are body text
_PAD = 3.0


Rect = tuple[float, float, float, float]


@dataclass
class Figure:
    """A cropped figure or table: the caption it belongs to, the region on its page, the image."""

    caption: Caption
    rect: Rect  # region in PDF points on page ``caption.page``
    png: bytes  # rendered crop
    width_px: int
    height_px: int

    @property
    def label(self) -> str:
        return self.caption.label

    @property
    def page(self) -> int:
        return self.caption.page

    @property
    def aspect(self) -> float:
        return self.width_px / max(1, self.height_px)


def _union(a: Rect, b: Rect) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _h_overlap(a: Rect, b: Rect) -> float:
    return min(a[2], b[2]) - max(a[0], b[0])


def _touches(region: Rect, r: Rect, gap: float = _GAP) -> bool:
    return r[0] <= region[2] + gap and r[2] >= region[0] - gap and r[1] <= region[3] + gap and r[3] >= region[1] - gap


@dataclass
class _PageGraphics:
    width: float
    height: float
    graphics: list[Rect]  # images and drawings
    rules: list[Rect]  # thin horizontal lines (table rules)
    lines: list[tuple[Rect, int]]  # text lines: (bbox, characters)


def _page_graphics(page: pymupdf.Page) -> _PageGraphics:
    rect = page.rect
    graphics: list[Rect] = []
    rules: list[Rect] = []
    for info in page.get_image_info():
        b = tuple(info["bbox"])
        if b[2] - b[0] > 4 and b[3] - b[1] > 4:
            graphics.append(b)  # type: ignore[arg-type]
    for d in page.get_cdrawings():  # the C-level variant: plain tuples, several times faster
        r = d.get("rect")
        if r is None or not all(abs(v) < 1e7 for v in r):
            continue
        b = (max(0.0, r[0]), max(0.0, r[1]), min(rect.width, r[2]), min(rect.height, r[3]))
        w, h = b[2] - b[0], b[3] - b[1]
        if w <= 0 and h <= 0:
            continue
        if w > 0.97 * rect.width and h > 0.97 * rect.height:
            continue  # a page frame or background
        if h <= 2.0 and w >= 40:
            rules.append(b)
        graphics.append(b)
    lines = []
    for block in page.get_text("dict", flags=0)["blocks"]:
        for line in block.get("lines", []):
            chars = sum(len(s["text"].strip()) for s in line["spans"])
            if chars:
                lines.append((tuple(line["bbox"]), chars))
    return _PageGraphics(rect.width, rect.height, graphics, rules, lines)  # type: ignore[arg-type]


def _band(caption: Caption, page: _PageGraphics) -> tuple[float, float]:
    """The x range a caption's figure may use: its column, or the full width for a wide caption."""
    x0, _, x1, _ = caption.bbox
    mid = page.width / 2
    if x1 - x0 > 0.55 * page.width or (x0 < mid - 20 and x1 > mid + 20):
        return 0.0, page.width
    return (0.0, mid + 4) if x1 <= mid + 20 else (mid - 4, page.width)


def _limits(caption: Caption, others: list[Caption], above: bool, page_height: float) -> tuple[float, float]:
    """The y range between this caption and the next caption on the same side (same page)."""
    top, bottom = 0.0, page_height
    for other in others:
        if other is caption or other.page != caption.page or _h_overlap(other.bbox, caption.bbox) <= 0:
            continue
        if other.bbox[3] <= caption.bbox[1]:
            top = max(top, other.bbox[3])
        elif other.bbox[1] >= caption.bbox[3]:
            bottom = min(bottom, other.bbox[1])
    return (top, caption.bbox[1]) if above else (caption.bbox[3], bottom)


def _grow(seeds: list[Rect], pool: list[Rect]) -> Rect | None:
    if not seeds:
        return None
    region = seeds[0]
    for s in seeds[1:]:
        region = _union(region, s)
    left = [r for r in pool if r not in seeds]
    changed = True
    while changed:
        changed = False
        for r in list(left):
            if _touches(region, r):
                region = _union(region, r)
                left.remove(r)
                changed = True
    return region


def _figure_region(caption: Caption, page: _PageGraphics, others: list[Caption], above: bool) -> Rect | None:
    bx0, bx1 = _band(caption, page)
    y0, y1 = _limits(caption, others, above, page.height)
    pool = [
        g for g in page.graphics
        if g[0] >= bx0 - 2 and g[2] <= bx1 + 2 and g[1] >= y0 - 1 and g[3] <= y1 + 1
    ]  # fmt: skip
    if above:
        seeds = [g for g in pool if caption.bbox[1] - g[3] <= _NEAR]
    else:
        seeds = [g for g in pool if g[1] - caption.bbox[3] <= _NEAR]
    region = _grow(seeds, pool)
    if region is None:
        return None
    for bbox, chars in page.lines:  # labels, legends and cells widen the crop; body text does not
        inside = bbox[0] >= bx0 - 2 and bbox[2] <= bx1 + 2 and bbox[1] >= y0 - 1 and bbox[3] <= y1 + 1
        if inside and chars <= _LABEL_CHARS and _touches(region, bbox, gap=4.0):
            region = _union(region, bbox)
    return region


def _table_region(caption: Caption, page: _PageGraphics, others: list[Caption], below: bool) -> Rect | None:
    """A ruled table: from the first rule next to the caption to the last rule of the same width."""
    y0, y1 = _limits(caption, others, not below, page.height)
    rules = sorted(
        (r for r in page.rules if r[1] >= y0 - 1 and r[3] <= y1 + 1 and _h_overlap(r, caption.bbox) > 20),
        key=lambda r: r[1],
        reverse=not below,
    )
    if not rules:
        return None
    first = rules[0]
    distance = first[1] - caption.bbox[3] if below else caption.bbox[1] - first[3]
    if distance > _NEAR:
        return None
    width = first[2] - first[0]
    same = [r for r in rules if abs(r[0] - first[0]) < 6 and abs((r[2] - r[0]) - width) < 8]
    region = first
    for r in same:
        region = _union(region, r)
    for bbox, _chars in page.lines:  # cells that stick out of the rules' width (rare) are kept in
        if bbox[1] >= region[1] - 1 and bbox[3] <= region[3] + 1 and _h_overlap(bbox, region) > 0:
            region = _union(region, bbox)
    return region


def find_region(caption: Caption, page: _PageGraphics, others: list[Caption]) -> Rect | None:
    """Where the figure or table of ``caption`` is drawn on its page (None when nothing is found)."""
    if caption.kind == "table":
        attempts = [
            lambda: _table_region(caption, page, others, below=True),
            lambda: _table_region(caption, page, others, below=False),
            lambda: _figure_region(caption, page, others, above=False),
        ]
    else:
        attempts = [
            lambda: _figure_region(caption, page, others, above=True),
            lambda: _figure_region(caption, page, others, above=False),
        ]
    for attempt in attempts:
        region = attempt()
        if not region:
            continue
        w, h = region[2] - region[0], region[3] - region[1]
        if w >= _MIN_W and h >= _MIN_H and w * h < 0.85 * page.width * page.height:
            return region
    return None


class FigureCropper:
    """Crops figures of one paper on demand; keep it open while building a deck, then ``close()``."""

    def __init__(self, paper: Paper, *, dpi: int = 150):
        self.paper = paper
        self.dpi = dpi
        self._doc: pymupdf.Document | None = None
        self._pages: dict[int, _PageGraphics] = {}
        self._figures: dict[str, Figure | None] = {}
        self._regions: dict[str, Rect | None] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None

    def _document(self) -> pymupdf.Document:
        if self._doc is None:
            from .reader import open_pdf

            self._doc = open_pdf(Path(self.paper.path))
        return self._doc

    def _graphics(self, number: int) -> _PageGraphics:
        if number not in self._pages:
            self._pages[number] = _page_graphics(self._document()[number - 1])
        return self._pages[number]

    def region(self, caption: Caption) -> Rect | None:
        """Where the figure of ``caption`` is on its page (no rendering: cheap enough to ask for every caption)."""
        if caption.label not in self._regions:
            region = None
            if 1 <= caption.page <= self.paper.page_count:
                region = find_region(caption, self._graphics(caption.page), self.paper.captions)
            self._regions[caption.label] = region
        return self._regions[caption.label]

    def usable(self, caption: Caption) -> bool:
        return self.region(caption) is not None

    def figure(self, caption: Caption) -> Figure | None:
        """The cropped figure for ``caption``, or None when its graphics cannot be found."""
        if caption.label not in self._figures:
            region = self.region(caption)
            result = None
            if region is not None:
                page = self._document()[caption.page - 1]
                clip = (pymupdf.Rect(region) + (-_PAD, -_PAD, _PAD, _PAD)) & page.rect
                pix = page.get_pixmap(dpi=self.dpi, clip=clip, alpha=False)
                result = Figure(caption, tuple(clip), pix.tobytes("png"), pix.width, pix.height)
            self._figures[caption.label] = result
        return self._figures[caption.label]


def crop_figures(paper: Paper, *, dpi: int = 150) -> list[Figure]:
    """Every figure and table of ``paper`` that could be cropped, in caption order."""
    with FigureCropper(paper, dpi=dpi) as cropper:
        return [f for c in paper.captions if (f := cropper.figure(c)) is not None]

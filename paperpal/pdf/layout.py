"""Text lines per page in reading order, with font facts, and the body text they make.

Pipeline per page: PyMuPDF ``dict`` lines (``sort=False``) -> horizontal pieces and
rotated margin lines -> column split (a gutter near the page middle) -> pieces on one
baseline merged into visual :class:`Line` objects -> reading order (full-width bands,
then the left column, then the right column).  Running headers/footers, page numbers
and reader notes in another script are dropped afterwards, document-wide.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

from ..text.normal import CJK_TEXT, expand_ligatures

_FLAGS = (pymupdf.TEXTFLAGS_DICT | pymupdf.TEXT_MEDIABOX_CLIP) & ~pymupdf.TEXT_PRESERVE_LIGATURES & ~pymupdf.TEXT_PRESERVE_IMAGES
_PAGE_NUMBER = re.compile(r"(?:page\s*)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—]?(?:\s*(?:of|/)\s*\d+)?", re.IGNORECASE)

SINGLE, LEFT, RIGHT = 0, 1, 2  # Line.column values (SINGLE also means "spans both columns")


@dataclass
class Line:
    """One visual line of text."""

    text: str
    page: int  # 1-based
    bbox: tuple[float, float, float, float]
    size: float  # dominant font size (by characters)
    bold: bool  # dominant font is bold
    font: str
    column: int = SINGLE
    para_start: bool = False  # first line of a paragraph (gap, indent or new block above)
    spans: list[tuple[str, float, bool]] = field(default_factory=list, repr=False)  # (text, size, bold)

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def y0(self) -> float:
        return self.bbox[1]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


@dataclass
class _Piece:
    spans: list[tuple[str, float, bool, str]]  # (text, size, bold, font)
    bbox: list[float]
    block: int

    @property
    def chars(self) -> int:
        return sum(len(s[0]) for s in self.spans)


@dataclass
class PageLayout:
    """The lines of one page: ``lines`` in reading order, ``margin`` rotated side text."""

    number: int
    width: float
    height: float
    lines: list[Line]
    margin: list[Line]
    two_column: bool = False


def _is_bold(span: dict) -> bool:
    font = span["font"].lower()
    return bool(span["flags"] & 16) or any(k in font for k in ("bold", "medi", "black", "heavy", "semibold", ".b", "-b"))


def _pieces(page_dict: dict) -> tuple[list[_Piece], list[_Piece]]:
    """Split a page's text lines into horizontal pieces and rotated (margin) pieces."""
    flat, rotated = [], []
    for bno, block in enumerate(page_dict["blocks"]):
        if block.get("type") != 0:
            continue
        for line in block["lines"]:
            spans = [
                (expand_ligatures(s["text"]), round(s["size"], 1), _is_bold(s), s["font"])
                for s in line["spans"]
                if s["text"]
            ]
            if not any(s[0].strip() for s in spans):
                continue
            boxes = [s["bbox"] for s in line["spans"] if s["text"].strip()]
            bbox = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
            piece = _Piece(spans, bbox, bno)
            (rotated if abs(line["dir"][1]) > 0.2 else flat).append(piece)
    return flat, rotated


def _column_split(pieces: list[_Piece], width: float, min_share: float = 0.05) -> float | None:
    """The x of the gutter of a two-column page, or None for a single column.

    Each column must hold ``min_share`` of the page's characters.
    """
    total = sum(p.chars for p in pieces)
    if total < 400:
        return None
    best, best_cross = None, None
    x = width * 0.38
    while x <= width * 0.62:
        cross = sum(p.chars for p in pieces if p.bbox[0] < x - 1 and p.bbox[2] > x + 1)
        if best_cross is None or cross < best_cross or (cross == best_cross and abs(x - width / 2) < abs(best - width / 2)):
            best, best_cross = x, cross
        x += 2
    left = [p for p in pieces if p.bbox[2] <= best + 1]
    right = [p for p in pieces if p.bbox[0] >= best - 1]
    lc, rc = sum(p.chars for p in left), sum(p.chars for p in right)
    if min(len(left), len(right)) >= 3 and min(lc, rc) > min_share * total and best_cross < 0.5 * total:
        return best
    return None


def _merge_rows(pieces: list[_Piece], page: int, column: int) -> list[Line]:
    """Group pieces that share a baseline into visual lines (top to bottom)."""
    rows: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: (p.bbox[1] + p.bbox[3]) / 2):
        cy = (p.bbox[1] + p.bbox[3]) / 2
        if rows:
            r = rows[-1]
            ry0, ry1 = min(q.bbox[1] for q in r), max(q.bbox[3] for q in r)
            if ry0 <= cy <= ry1 and p.bbox[1] <= (ry0 + ry1) / 2 <= p.bbox[3]:
                r.append(p)
                continue
        rows.append([p])
    lines = []
    for row in rows:
        row.sort(key=lambda p: p.bbox[0])
        current: list[_Piece] = []
        for p in row:  # split a row at wide gaps (table cells, side-by-side figure labels)
            if current:
                size = max(s[1] for s in current[-1].spans)
                if p.bbox[0] - current[-1].bbox[2] > 2.5 * size:
                    lines.append(_make_line(current, page, column))
                    current = []
            current.append(p)
        lines.append(_make_line(current, page, column))
    return lines


def _make_line(pieces: list[_Piece], page: int, column: int) -> Line:
    text = ""
    spans: list[tuple[str, float, bool]] = []
    weight: Counter = Counter()
    prev_x1 = None
    for p in pieces:
        if prev_x1 is not None and p.bbox[0] - prev_x1 > 0.15 * max(s[1] for s in p.spans) and not text.endswith(" "):
            text += " "
        for t, size, bold, font in p.spans:
            text += t
            spans.append((t, size, bold))
            weight[(size, bold, font)] += len(t.strip())
        prev_x1 = p.bbox[2]
    (size, bold, font), _ = weight.most_common(1)[0]
    bbox = (
        min(p.bbox[0] for p in pieces),
        min(p.bbox[1] for p in pieces),
        max(p.bbox[2] for p in pieces),
        max(p.bbox[3] for p in pieces),
    )
    line = Line(re.sub(r"\s+", " ", text).strip(), page, bbox, size, bold, font, column, spans=spans)
    line._block = pieces[0].block  # type: ignore[attr-defined]
    return line


_FOOTNOTE_MARK = re.compile(r"^(?:\d{1,2}|[*†‡§¶])\s*\S")
_LABEL_START = re.compile(r"^(?:Figure|FIGURE|Fig\.|FIG\.|Table|TABLE)\s*[A-Z]?\d|^[IVX]+\.?\s")
_SENTENCE_END = (".", ":", "!", "?", "。", "：", "！", "？")


def _left_edges(lines: list[Line]) -> dict[int, float]:
    """The usual left edge (most common x0) of each column's lines."""
    edges: dict[int, Counter] = {}
    for line in lines:
        edges.setdefault(line.column, Counter())[round(line.x0)] += 1
    return {col: float(c.most_common(1)[0][0]) for col, c in edges.items()}


def continues(prev: Line, line: Line, left_edge: float | None) -> bool:
    """True when ``line`` (first of a new column or page) carries on ``prev``'s paragraph.

    It does when ``prev`` stops without ending a sentence, both share font size and weight,
    ``line`` is no caption label, and it starts flush at its column's left edge (a new
    paragraph would be indented).
    """
    return (
        bool(prev.text)
        and not prev.text.endswith(_SENTENCE_END)
        and abs(prev.size - line.size) < 0.6
        and prev.bold == line.bold
        and not _LABEL_START.match(line.text)
        and left_edge is not None
        and line.x0 - left_edge < 0.8 * line.size
    )


def _mark_paragraphs(lines: list[Line]) -> None:
    """Set ``para_start`` on the lines of one page (already in reading order)."""
    edges = _left_edges(lines)
    prev = None
    for line in lines:
        if prev is None:
            line.para_start = True
        elif prev.column != line.column:
            line.para_start = not continues(prev, line, edges.get(line.column))
        else:
            gap = line.y0 - prev.bbox[3]
            line.para_start = (
                gap > 0.7 * max(line.height, 1)
                or gap < -2 * max(line.height, 1)
                or line.x0 - prev.x0 > 0.8 * line.size
                or getattr(line, "_block", None) != getattr(prev, "_block", None)
                and (gap > 0.3 * line.height or prev.text.endswith((".", ":")))
            )
        prev = line


def _page_body_size(lines: list[Line]) -> float:
    """The page's most common font size (to half a point) by characters."""
    sizes: Counter = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _footnotes_last(lines: list[Line]) -> list[Line]:
    """Move footnotes that end a column mid-page to the end of the page.

    A footnote is a trailing run of a column's lines set smaller than the page's body,
    the first of them starting with a marker ("1Will be released...", "*Equal contribution").
    Left where they are, they would cut a sentence that runs on into the next column.
    """
    body = _page_body_size(lines)
    keep: list[Line] = []
    notes: list[Line] = []
    k = 0
    while k < len(lines):
        j = k
        while j < len(lines) and lines[j].column == lines[k].column:
            j += 1
        run = lines[k:j]
        t = len(run)
        while t > 0 and run[t - 1].size <= body - 0.8:
            t -= 1
        if j < len(lines) and t < len(run) and _FOOTNOTE_MARK.match(run[t].text):
            keep += run[:t]
            notes += run[t:]
        else:
            keep += run
        k = j
    return keep + notes


def _join_pages(pages: list[PageLayout]) -> None:
    """A page whose first line continues the previous page's last paragraph does not start one."""
    for before, page in zip(pages, pages[1:]):
        if before.lines and page.lines:
            first = page.lines[0]
            first.para_start = not continues(before.lines[-1], first, _left_edges(page.lines).get(first.column))


def _order(lines: list[Line]) -> list[Line]:
    """Reading order for a two-column page: bands cut by full-width lines; left, then right."""
    spanning = sorted((l for l in lines if l.column == SINGLE), key=lambda l: l.y0)
    cuts = [(l.y0 + l.bbox[3]) / 2 for l in spanning]
    bands: list[tuple[list[Line], list[Line]]] = [([], []) for _ in range(len(spanning) + 1)]
    for line in lines:
        if line.column != SINGLE:
            band = bisect_left(cuts, (line.y0 + line.bbox[3]) / 2)
            bands[band][line.column - 1].append(line)
    out: list[Line] = []
    for i, (left, right) in enumerate(bands):
        out += sorted(left, key=lambda l: l.y0) + sorted(right, key=lambda l: l.y0)
        if i < len(spanning):
            out.append(spanning[i])
    return out


def _page_pieces(page: pymupdf.Page) -> tuple[list[_Piece], list[_Piece]]:
    flat, rotated = _pieces(page.get_text("dict", flags=_FLAGS, sort=False))
    return _drop_foreign_notes(flat), rotated


def page_layout(page: pymupdf.Page, pieces=None, allow_columns: bool = True) -> PageLayout:
    """Lines of one page in reading order (before document-wide header/footer removal)."""
    number = page.number + 1
    rect = page.rect
    flat, rotated = pieces or _page_pieces(page)
    split = _column_split(flat, rect.width) if allow_columns else None
    if split is None:
        lines = _merge_rows(flat, number, SINGLE)
    else:
        groups: dict[int, list[_Piece]] = {SINGLE: [], LEFT: [], RIGHT: []}
        for p in flat:
            col = LEFT if p.bbox[2] <= split + 1 else RIGHT if p.bbox[0] >= split - 1 else SINGLE
            groups[col].append(p)
        lines = _order([l for col, ps in groups.items() for l in _merge_rows(ps, number, col)])
    lines = _footnotes_last(lines)
    _mark_paragraphs(lines)
    margin = [_make_line([p], number, SINGLE) for p in rotated]
    return PageLayout(number, rect.width, rect.height, lines, margin, split is not None)


def _drop_running_text(pages: list[PageLayout]) -> None:
    """Drop headers/footers repeated across pages and lone page numbers near the edges."""
    def key(line: Line, page: PageLayout) -> tuple[str, int] | None:
        top, bottom = line.y0 < 0.1 * page.height, line.bbox[3] > 0.9 * page.height
        if not (top or bottom):
            return None
        return re.sub(r"\d+", "#", line.text.lower()), round(line.y0 / 6)

    counts = Counter(k for p in pages for l in p.lines if (k := key(l, p)))
    repeat = max(3, int(0.3 * len(pages)))
    for page in pages:
        keep = []
        for line in page.lines:
            k = key(line, page)
            edge = line.y0 < 0.08 * page.height or line.bbox[3] > 0.88 * page.height
            if k and counts[k] >= repeat or edge and _PAGE_NUMBER.fullmatch(line.text):
                continue
            keep.append(line)
        page.lines = keep


def _drop_foreign_notes(pieces: list[_Piece]) -> list[_Piece]:
    """On a page not written in CJK, CJK pieces are a reader's notes: drop them."""
    cjk = [len(CJK_TEXT.findall("".join(s[0] for s in p.spans))) for p in pieces]
    if sum(cjk) > 0.2 * max(1, sum(p.chars for p in pieces)):
        return pieces
    return [p for p, n in zip(pieces, cjk) if n < 2 and n < 0.3 * p.chars]


def document_layout(doc: pymupdf.Document, on_page=None) -> list[PageLayout]:
    """All pages of ``doc`` in reading order, running headers/footers removed.

    Columns are detected per page, but only in a document where most text pages look
    two-column (a table or figure pair in a one-column paper must not split a page).
    ``on_page(done, total)`` is called after each page is read (progress and cancellation hook).
    """
    pieces = []
    for page in doc:
        pieces.append(_page_pieces(page))
        if on_page:
            on_page(page.number + 1, doc.page_count)
    text_pages = [(page, ps) for page, ps in zip(doc, pieces) if sum(p.chars for p in ps[0]) >= 400]
    votes = sum(_column_split(ps[0], page.rect.width, 0.2) is not None for page, ps in text_pages)
    allow = votes >= 0.4 * len(text_pages)
    pages = [page_layout(page, ps, allow) for page, ps in zip(doc, pieces)]
    _drop_running_text(pages)
    _join_pages(pages)
    return pages


def margin_lines(pages: list[PageLayout]) -> list[Line]:
    """Rotated side text (e.g. the arXiv stamp ``arXiv:1810.04805v2 [cs.CL] 24 May 2019``)."""
    return [l for p in pages for l in p.margin]


# -- joining lines into body text ---------------------------------------------------------
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_WORD_START = re.compile(r"^([a-z]+)")
# Words written before a hyphen to make a compound ("non-parametric", "cross-entropy", "pre-trained"): with a whole
# word after them a line-break hyphen is the compound's own.
_COMPOUND_HEADS = frozenset("multi co pre post fine long short large small hand peer counter state".split())
_PREFIXES = frozenset("non cross self semi anti low high well".split())  # always a compound ("non-", "self-")


@dataclass
class Vocabulary:
    """Lower-cased words of a document and the hyphenated compounds written inside its lines."""

    words: set[str]
    hyphenated: set[str]

    @classmethod
    def of(cls, lines: list[Line]) -> Vocabulary:
        """The words written whole: the pieces of a word cut at a line's end ("capabili-" + "ties") are not words
        of the document, else the cut could not be told from a compound ("fine-" + "tuned")."""
        text = "\n".join(l.text for l in lines).lower()
        whole = re.sub(r"[a-z]+-\n[a-z]+", "\n", text)
        return cls(set(re.findall(r"[a-z]+", whole)), set(re.findall(r"[a-z]+-[a-z]+", text)))


def mend_hyphen(prev: str, nxt: str, vocab: Vocabulary) -> bool:
    """True when ``prev`` ends with a line-break hyphen that should vanish before ``nxt``."""
    m, n = _HYPHEN_END.search(prev), _WORD_START.match(nxt)
    if m and not n and (name := re.match(r"^([A-Z][A-Za-z]*)", nxt)):  # a name cut in two: "ELEC-" + "TRA", "XL-" +
        return (m.group(1) + name.group(1)).lower() in vocab.words  # "Net" when the paper writes it whole elsewhere
    if not m or not n:
        return False
    head, tail = m.group(1).lower(), n.group(1)
    if head + tail in vocab.words:
        return True
    if f"{head}-{tail}" in vocab.hyphenated:
        return False
    if head in _PREFIXES:
        return False
    joins = head in vocab.words or head in _COMPOUND_HEADS
    return not (joins and tail in vocab.words and min(len(head), len(tail)) >= 3)


def soft_break(prev: str, nxt: str, vocab: Vocabulary) -> tuple[int, str]:
    """How two lines of one paragraph join: (characters to drop from the end of ``prev``, separator).

    A line-break hyphen vanishes ("trans-" + "former"), a compound keeps its own hyphen ("fine-" +
    "tuned", "Berkeley-" + "Parser", "GPT-" + "3"), two CJK characters touch, anything else gets a space.
    """
    if mend_hyphen(prev, nxt, vocab):
        return 1, ""
    if _HYPHEN_END.search(prev) and (_WORD_START.match(nxt) or nxt[:1].isupper() or nxt[:1].isdigit()):
        return 0, ""  # a compound's own hyphen: "fine-" + "tuned", "Berkeley-" + "Parser", "GPT-" + "3"
    if CJK_TEXT.search(prev[-1:]) and CJK_TEXT.search(nxt[:1]):
        return 0, ""
    return 0, " "


def join_text(lines: list[Line], vocab: Vocabulary) -> tuple[str, list[int]]:
    """Join lines into text: paragraphs on new lines, soft breaks as spaces, hyphens mended.

    Returns the text and each line's start offset in it.
    """
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for i, line in enumerate(lines):
        if i:
            prev = parts[-1]
            if line.para_start:
                sep = "\n"
            else:
                drop, sep = soft_break(prev, line.text, vocab)
                if drop:
                    parts[-1] = prev[:-drop]
                    pos -= drop
            parts.append(sep)
            pos += len(sep)
        starts.append(pos)
        parts.append(line.text)
        pos += len(line.text)
    return "".join(parts), starts


def side_text(doc: pymupdf.Document, max_pages: int = 2) -> list[Line]:
    """Rotated margin lines of the first pages, straight from ``doc`` (for metadata)."""
    out = []
    for page in doc.pages(0, min(max_pages, doc.page_count)):
        _, rotated = _pieces(page.get_text("dict", flags=_FLAGS, sort=False))
        out += [_make_line([p], page.number + 1, SINGLE) for p in rotated]
    return out

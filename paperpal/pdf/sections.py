"""Find section headings (from the PDF outline or from fonts and numbering) and build the tree."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from ..model import Section
from ..text.normal import CJK_CHARS
from ..text.section_kinds import is_references_title
from .layout import Line

_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>\S.*)$")
_LETTERED = re.compile(r"^(?i:appendix\s+)?(?P<num>[A-H](?:\.\d{1,2}){0,3})(?:[.:]\s*|\s+)(?P<title>\S.*)$")
_ROMAN = re.compile(r"^(?P<num>(?:X{0,2})(?:IX|IV|V?I{0,3}))\.\s+(?P<title>\S.*)$")
_BARE_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-H](?:\.\d{1,2}){1,3})\.?$")
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}|\s\d+$")
_KNOWN = {
    "abstract", "references", "bibliography", "acknowledgments", "acknowledgements", "acknowledgment",
    "acknowledgement", "appendix", "appendices", "conclusion", "conclusions", "introduction", "related work",
    "author contributions", "broader impact", "broader impacts", "limitations", "ethics statement",
    "摘要", "参考文献", "致谢", "引言", "附录",
}
_RUN_IN_ABSTRACT = re.compile(r"^abstract\s*[.:—–-]\s*", re.IGNORECASE)


@dataclass
class Heading:
    """A heading found on the body lines: ``lines[index:index + span]`` hold its text."""

    number: str | None
    title: str
    level: int
    index: int  # first line of the heading
    span: int = 1  # lines the heading occupies (wrapped titles)
    run_in: int = 0  # characters of the heading at the start of its line when text follows on it

    @property
    def is_references(self) -> bool:
        return is_references_title(self.title, exact=True)


def norm(text: str) -> str:
    """Lower-case letters and digits only (for comparing titles)."""
    return re.sub(f"[^0-9a-z{CJK_CHARS}]", "", text.lower())


def body_size(lines: list[Line]) -> float:
    """The body font size: the most common size (to half a point) by characters."""
    sizes: Counter = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def split_number(text: str) -> tuple[str | None, str]:
    """``"3.5 Positional Encoding"`` -> ``("3.5", "Positional Encoding")``; no number -> ``(None, text)``."""
    text = text.strip()
    for pattern in (_NUMBERED, _ROMAN, _LETTERED):
        m = pattern.match(text)
        if m and m.group("num") and re.match(rf"[^\W\d_]|[{CJK_CHARS}]", m.group("title")):
            plain_letter = pattern is _LETTERED and not text.lower().startswith("appendix") and "." not in m.group("num")
            if plain_letter and not m.group("title")[:1].isupper():
                continue
            return m.group("num").rstrip("."), m.group("title").strip()
    return None, text


# -- headings from fonts and numbering ---------------------------------------------------------
def _styled(line: Line, body: float) -> bool:
    return line.size >= body + 0.8 or (line.bold and line.size >= body - 1.5)


def _plain_candidate(line: Line) -> bool:
    text = line.text
    words = text.split()
    return (
        0 < len(text) <= 110
        and len(words) <= 16
        and not _DOT_LEADER.search(text)
        and not text.endswith((",", ";"))
        and "=" not in text
    )


def _parts(number: str) -> tuple[tuple[int, ...], str]:
    """Numeric parts and the kind of a section number: ("3.2" -> (3, 2), "num")."""
    head, *rest = number.split(".")
    if head.isdigit():
        return tuple(int(p) for p in number.split(".")), "num"
    if re.fullmatch(r"[A-H]", head):
        return (ord(head) - 64, *(int(p) for p in rest)), "letter"
    return (_roman(head),), "roman"


def _roman(s: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        total += -values[a] if values.get(b, 0) > values[a] else values[a]
    return total


def _follows(prev: tuple[int, ...] | None, cur: tuple[int, ...]) -> bool:
    """True when ``cur`` can come right after ``prev`` (one skipped heading tolerated)."""
    if prev is None:
        return cur[0] <= 2 and all(p <= 2 for p in cur[1:])
    if cur[: len(prev)] == prev and len(cur) == len(prev) + 1:
        return cur[-1] in (1, 2)
    for k in range(len(prev)):
        if cur[:k] == prev[:k] and len(cur) > k and cur[k] in (prev[k] + 1, prev[k] + 2):
            return all(p in (1, 2) for p in cur[k + 1 :])
    return False


def _join_wrapped(lines: list[Line], i: int, title: str, body: float) -> tuple[str, int]:
    """Append the continuation lines of a heading that wraps (same style, right below)."""
    span = 1
    first = lines[i]
    while i + span < len(lines) and span < 3:
        nxt, prev = lines[i + span], lines[i + span - 1]
        gap = nxt.y0 - prev.bbox[3]
        same_style = abs(nxt.size - first.size) < 0.6 and nxt.bold == first.bold and _styled(nxt, body)
        if not (
            same_style
            and nxt.page == first.page
            and nxt.column == first.column
            and -1 < gap < 0.8 * first.height
            and len(nxt.text) < 70
            and split_number(nxt.text)[0] is None
            and not _known(nxt.text)
        ):
            break
        title += " " + nxt.text
        span += 1
    return title, span


_APPENDIX = re.compile(r"^appendix\s*[-–—:]\s*\S", re.IGNORECASE)  # "Appendix - SVD Numerical Example"


def _known(text: str) -> str | None:
    """The title of a well-known unnumbered heading ("References", "Appendix - Proofs"), else None."""
    t = re.sub(r"^\d+\.?\s+", "", text.strip().rstrip(".:")).strip()
    if t.lower() in _KNOWN:
        return t
    m = _APPENDIX.match(t)
    return t if m and len(t.split()) <= 10 else None


def _caps_known(line: Line) -> bool:
    """An ALL-CAPS well-known heading alone on its line ("ABSTRACT", "REFERENCES"), bold or not."""
    return line.para_start and line.text.isupper() and _known(line.text) is not None


def _style(line: Line) -> tuple[int, bool]:
    """The style key headings of one level must share: rounded size and boldness."""
    return round(line.size), line.bold


def detect_headings(lines: list[Line]) -> list[Heading]:
    """Headings from font size/weight and numbering, checked against the numbering sequence.

    Several readings are tried and the one with the most numbered headings wins: the plain
    one, one per style of a "1 ..." line (so a numbered affiliation list in another style
    cannot start the sequence instead of "1 Introduction"), and, when these find fewer than
    three top-level numbers, one where a rare font marks headings (OCR'd scans whose
    synthetic fonts carry neither size nor weight).
    """
    body = body_size(lines)

    def styled(line: Line) -> bool:
        return _styled(line, body) or _caps_known(line)

    best = _detect(lines, body, styled)
    for style in _first_styles(lines, styled):
        best = max(best, _detect(lines, body, styled, {("num", 1): style}), key=_numbered)
    if _numbered(best, top_only=True) < 3:
        rare = _rare_fonts(lines)
        if rare:

            def rare_styled(line: Line) -> bool:
                return styled(line) or line.font in rare and line.size >= body - 3 and line.para_start

            best = max(best, _detect(lines, body, rare_styled), key=_numbered)
    return best


def _numbered(headings: list[Heading], top_only: bool = False) -> int:
    """How many of ``headings`` are numbered (only level 1 when ``top_only``)."""
    return sum(1 for h in headings if h.number and h.number[0].isdigit() and (h.level == 1 or not top_only))


def _first_styles(lines: list[Line], styled) -> list[tuple[int, bool]]:
    """Distinct styles of the styled lines numbered "1" (candidate starts of the sequence)."""
    out: list[tuple[int, bool]] = []
    for i, line in enumerate(lines):
        if not (styled(line) and _plain_candidate(line)):
            continue
        text = line.text
        if text.rstrip(".") == "1" and i + 1 < len(lines):
            text = f"1 {lines[i + 1].text}"
        if split_number(text)[0] == "1" and _style(line) not in out:
            out.append(_style(line))
    return out


def _rare_fonts(lines: list[Line], share: float = 0.05) -> set[str]:
    """Fonts other than the body font that carry less than ``share`` of the characters."""
    chars: Counter = Counter()
    for line in lines:
        chars[line.font] += len(line.text)
    total = sum(chars.values())
    if not total:
        return set()
    body_font = chars.most_common(1)[0][0]
    return {f for f, n in chars.items() if f != body_font and n < share * total}


def _detect(lines: list[Line], body: float, styled, styles: dict | None = None) -> list[Heading]:
    """One reading of the headings: ``styled(line)`` says which lines may be headings.

    ``styles`` presets the style of a numbering level (``{("num", 1): (12, True)}``).
    """
    out: list[Heading] = []
    last: dict[str, tuple[int, ...] | None] = {"num": None, "letter": None, "roman": None}
    styles = dict(styles or {})
    seen_known: set[str] = set()
    after_refs = False
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if not (styled(line) and _plain_candidate(line)):
            m = _RUN_IN_ABSTRACT.match(text)
            if m and "abstract" not in seen_known and line.spans and line.spans[0][2] and line.para_start:
                seen_known.add("abstract")
                out.append(Heading(None, "Abstract", 1, i, run_in=m.end()))
            i += 1
            continue
        if _BARE_NUMBER.match(text) and i + 1 < len(lines) and styled(lines[i + 1]):
            text = text + " " + lines[i + 1].text  # "3.3.1" and its title on separate lines
            number, title = split_number(text)
            span0 = 2
        else:
            number, title = split_number(text)
            span0 = 1
        if number is None:
            known = _known(text)
            if known and known.lower() not in seen_known and (line.para_start or line.size > body + 0.8):
                seen_known.add(known.lower())
                after_refs = after_refs or is_references_title(known, exact=True)
                out.append(Heading(None, known, 1, i))
            i += 1
            continue
        parts, kind = _parts(number)
        if kind == "letter" and last["letter"] is None and not (after_refs or text.lower().startswith("appendix") or len(parts) > 1 and last["num"]):
            i += 1
            continue
        if kind == "roman" and not (last["roman"] or parts == (1,)):
            i += 1
            continue
        style = _style(line)
        key = (kind, len(parts))
        same_style = key not in styles or abs(styles[key][0] - style[0]) <= 1 and styles[key][1] == style[1]
        if not (_follows(last[kind], parts) and same_style and title[:1].isalnum()):
            i += 1
            continue
        styles.setdefault(key, style)
        last[kind] = parts
        title, span = _join_wrapped(lines, i + span0 - 1, title, body)
        out.append(Heading(number, title, len(parts), i, span + span0 - 1))
        i += span + span0 - 1
    return out


# -- headings from the PDF outline -------------------------------------------------------------
def outline_headings(lines: list[Line], toc: list, page_heights: dict[int, float]) -> list[Heading]:
    """Map outline entries onto body lines; unmatched entries go to their destination's line."""
    entries = [e for e in toc if len(e) >= 3 and e[2] >= 1]
    if not entries:
        return []
    top = min(e[0] for e in entries)
    firsts = [e for e in entries if e[0] == top]
    if len(firsts) == 1 and len(entries) > 3:  # one root (the paper title): promote its children
        entries = [e for e in entries if e is not firsts[0]]
        top = min(e[0] for e in entries)
    by_page: dict[int, list[int]] = {}
    for idx, line in enumerate(lines):
        by_page.setdefault(line.page, []).append(idx)
    out: list[Heading] = []
    used: set[int] = set()
    for entry in entries:
        level, raw, page = entry[0] - top + 1, entry[1], entry[2]
        number, title = split_number(raw)
        dest = entry[3] if len(entry) > 3 and isinstance(entry[3], dict) else {}
        candidates = by_page.get(page, [])
        y = _dest_y(dest, page_heights.get(page))
        if y is not None:  # try the lines nearest the outline's destination first
            candidates = sorted(candidates, key=lambda idx: abs(lines[idx].y0 - y))
        found = _match_entry(lines, candidates, number, title, used)
        if found is None:
            found = _dest_line(lines, by_page.get(page, []), y, used)
            if found is None:
                continue
            idx, span = found, 0
        else:
            idx, span, line_number = found
            number = number or line_number
        used.update(range(idx, idx + max(span, 1)))
        out.append(Heading(number, title, level, idx, span))
    out.sort(key=lambda h: h.index)
    return out


def _match_entry(lines, indices, number, title, used):
    want = norm(title)
    if not want:
        return None
    for idx in indices:
        if idx in used:
            continue
        for span in (1, 2, 3):
            if span > 1 and idx + span - 1 >= len(lines):
                break
            joined = " ".join(l.text for l in lines[idx : idx + span])
            if len(joined) > len(title) + 40:
                break
            line_number, line_title = split_number(joined)
            if norm(line_title) == want or norm(joined) == want or norm(joined) == norm(f"{number or ''}{title}"):
                return idx, span, line_number
    return None


def _dest_y(dest: dict, height: float | None) -> float | None:
    to = dest.get("to")
    if to is None or height is None:
        return None
    return height - to.y  # outline destinations are in PDF (bottom-up) coordinates


def _dest_line(lines, indices, y, used):
    if y is None:
        return indices[0] if indices else None
    for idx in indices:
        if idx not in used and lines[idx].y0 >= y - 4:
            return idx
    return None


# -- the tree --------------------------------------------------------------------------------
def merge_known(outline: list[Heading], detected: list[Heading]) -> list[Heading]:
    """Add the abstract and the references from detection when the outline lacks them."""
    titles = {norm(h.title) for h in outline}
    extra = [h for h in detected if h.number is None and (h.title.lower() == "abstract" or h.is_references)]
    extra = [h for h in extra if norm(h.title) not in titles and all(h.index != o.index for o in outline)]
    return sorted(outline + extra, key=lambda h: h.index)


@dataclass
class SectionSpan:
    """Where a section's own text lies in the full text."""

    section: Section
    path: list[str]
    start: int
    end: int


def build_sections(
    headings: list[Heading], lines: list[Line], starts: list[int], text: str
) -> tuple[list[Section], list[SectionSpan]]:
    """The section tree (text, page range) and each section's own text span in ``text``."""
    roots: list[Section] = []
    spans: list[SectionSpan] = []
    stack: list[Section] = []
    for k, h in enumerate(headings):
        first = h.index + h.span if not h.run_in else h.index
        start = starts[h.index] + h.run_in if h.run_in else (starts[first] if first < len(lines) else len(text))
        stop_index = headings[k + 1].index if k + 1 < len(headings) else len(lines)
        end = starts[stop_index] if stop_index < len(lines) else len(text)
        start = min(start, end)
        nxt = next((g for g in headings[k + 1 :] if g.level <= h.level), None)
        last_index = max(h.index, (nxt.index if nxt else len(lines)) - 1)
        page_start = lines[h.index].page
        section = Section(h.number, h.title, h.level, page_start, max(page_start, lines[last_index].page), text[start:end].strip())
        while stack and stack[-1].level >= h.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        trail = len(text[start:end]) - len(text[start:end].rstrip())
        spans.append(SectionSpan(section, [s.label for s in stack], start + lead, max(start + lead, end - trail)))
    return roots, spans


def references_page(headings: list[Heading], lines: list[Line]) -> int | None:
    """1-based page where the reference list starts."""
    for h in headings:
        if h.is_references:
            return lines[h.index].page
    for line in reversed(lines):
        if is_references_title(line.text.strip().rstrip(".:"), exact=True) and line.para_start:
            return line.page
    return None


def page_of(offset: int, starts: list[int], lines: list[Line]) -> int:
    """The page of the line holding character ``offset``."""
    return lines[max(0, bisect_right(starts, offset) - 1)].page

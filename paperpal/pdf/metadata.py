"""Bibliographic metadata from a paper's first page: title, authors, year, venue, ids, abstract.

Everything here is a layout heuristic that works on what is printed, with the PDF's own
``doc.metadata`` only as a fallback (it is often junk: "Microsoft Word - x.doc", the
uploader's name, an arXiv URL):

* **title** -- the largest text in the upper part of page 1; consecutive lines of that
  size are joined (line-break hyphens mended).  An ALL-CAPS title is re-cased using how
  its words are written elsewhere on the page ("LORA" -> "LoRA").
* **authors** -- the band between the title and the abstract (:mod:`paperpal.pdf.authors`).
* **year** -- printed venue/journal line, then a copyright line, then the arXiv id
  (``1810.04805`` -> 2018), the arXiv stamp date, a date under the title, and last the
  PDF creation date (unless it is years newer than anything the paper cites: a rescan).
* **venue, doi, arxiv_id, url, code_url, keywords, abstract** -- regular expressions over
  page-1 text, the rotated arXiv stamp and the page-1 lines.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, replace

import pymupdf

from ..text.normal import plain
from ..text.section_kinds import REFERENCES_LINE
from .authors import MARKS, authors_from_page, pdf_authors
from .layout import Line, Vocabulary, join_text, side_text, soft_break
from .reader import classify_text

__all__ = ["extract_metadata"]

_ABSTRACT = re.compile(r"^\s*(?:a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|摘\s*要)\b\s*[.:—–-]?\s*", re.IGNORECASE)
_SECTION = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+\S")
_INTRO = re.compile(r"^\s*(?:\d+\.?|[IVX]+\.)?\s*(?:introduction|background)\s*$", re.IGNORECASE)
_KEYWORDS = re.compile(
    r"^\s*(?:key\s*words?(?: and phrases)?|additional key words and phrases|index terms)(?:\s*[:.—–-]\s*|\s+)(.*)$", re.IGNORECASE
)
_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_STAMP = re.compile(
    r"arXiv:\s*" + _ARXIV_ID + r"(?:v\d+)?\s*\[[^\]]+\]\s*(?:(\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+(\d{4})))?"
)
_ARXIV_URL = re.compile(r"arxiv\.org/+(?:abs|pdf)/+" + _ARXIV_ID, re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)")
_CODE_URL = re.compile(r"(?:https?://)?(?:www\.)?((?:github|gitlab)\.com/[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)?)")
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DATE = re.compile(r"\b" + _MONTH + r"\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d\d)\b|\b\d{1,2}\s+" + _MONTH + r"\.?\s+((?:19|20)\d\d)\b")
_COPYRIGHT = re.compile(r"(?:©|c\u20dd|\bcopyright\b)[^\d\n]{0,30}?((?:19|20)\d\d)\b", re.IGNORECASE)
_VENUES = (
    re.compile(r"(?:published|accepted) as an? (?:conference|workshop) paper at (.+?(?:19|20)\d\d)", re.IGNORECASE),
    re.compile(r"(\d+(?:st|nd|rd|th) (?:Annual )?(?:International )?(?:Conference|Workshop|Symposium) on [^()\n]+\([^()\n]*?(?:19|20)\d\d\))"),
    re.compile(r"^(?:In )?(Proceedings of .+?)(?:,\s*(?:pages|pp\.?|vol(?:ume)?\.?)\b.*)?\s*$"),
)
# a journal's running header at the top of page 1: "Journal of Machine Learning Research 3 (2003) 1137–1155"
_JOURNAL = re.compile(r"^(?:\S+ et al\.?\s+)?([A-Z][A-Za-z&\-]*(?: [A-Za-z&\-]+)*(?: \d+)? \(((?:19|20)\d\d)\))(?:\s+[\d:–\-]+)?\s*$")
_CITED_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)[a-z]?(?=[.,;)\]])")
_JUNK_TITLE = re.compile(r"microsoft (?:word|powerpoint)|\.(?:dvi|docx?|pdf|tex|ps)\b|^untitled|https?:|arxiv:|^\W*$", re.IGNORECASE)

_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "over", "the", "to", "via", "vs", "with"}

FIELDS = ("title", "authors", "keywords", "abstract", "code_url", "arxiv_id", "doi", "url", "venue", "year")


def extract_metadata(
    doc: pymupdf.Document,
    first_lines: list[Line],
    page_texts: list[str] | None = None,
    side_lines: list[Line] | None = None,
) -> dict:
    """Title, authors, year, venue, doi, arxiv_id, url, code_url, keywords and abstract of ``doc`` (:data:`FIELDS`).

    ``first_lines`` are page 1's lines in reading order (running headers/footers removed); ``page_texts`` every
    page's plain text and ``side_lines`` the rotated margin lines of pages 1–2, as :func:`paperpal.pdf.parse_pdf`
    read them (read here when not given).  Besides these only page 1's characters are read again (author
    superscripts).  Unknown fields are left out; a page 1 without a readable text layer gives ``{}``.
    """
    if doc.page_count == 0 or not first_lines:
        return {}
    if page_texts is None:
        page_texts = [p.get_text() for p in doc]
    if side_lines is None:
        side_lines = side_text(doc)
    page = doc[0]
    page_text = page_texts[0]
    if classify_text(page_text, 1) != "ok":
        return {}
    pdf_info = doc.metadata or {}
    front = _front_matter(first_lines, page.rect.height)
    vocab = _vocabulary(first_lines, page_texts)
    meta: dict = {
        "title": _title(front.title_lines, first_lines, pdf_info, vocab),
        "authors": authors_from_page(page, front.title_bottom, front.header_bottom) or pdf_authors(pdf_info, page_text),
        "keywords": _keywords(first_lines, vocab),
        "abstract": _abstract(first_lines, front.abstract_at, vocab) if front.abstract_at is not None else None,
        "code_url": _code_url(page_texts),
    }
    info_texts = [str(v) for v in pdf_info.values() if v]
    arxiv_id, stamp_year = _arxiv([l.text for l in side_lines] + [page_text] + info_texts)
    doi = _doi([page_text] + info_texts)
    venue, venue_year = _venue(page_text.splitlines())
    meta.update(
        arxiv_id=arxiv_id,
        doi=doi,
        url=f"https://doi.org/{doi}" if doi else f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
        venue=venue,
        year=_first_valid(
            venue_year, _copyright_year(page_text), _arxiv_year(arxiv_id), stamp_year, _date_year(front.header_text)
        )
        or _file_year(page_texts, pdf_info),
    )
    return {k: v for k, v in meta.items() if v not in (None, "", [])}


@dataclass
class _FrontMatter:
    """Where things sit on page 1."""

    title_lines: list[Line]
    abstract_at: int | None  # index into first_lines of the line that starts the abstract
    title_bottom: float  # y where the author band starts
    header_bottom: float  # y where the author band ends
    header_text: str  # the text between title and abstract (affiliations, dates...)


def _front_matter(first_lines: list[Line], page_height: float) -> _FrontMatter:
    """Find the title, the abstract and the author band between them."""
    lines = sorted(first_lines, key=lambda l: (l.y0, l.x0))
    title_lines = _title_lines(lines, page_height)
    abstract_at = _abstract_index(first_lines)
    top = max((l.bbox[3] for l in title_lines), default=0.0)
    bottom = _header_bottom(first_lines, abstract_at, top, page_height)
    header = "\n".join(l.text for l in lines if top <= l.y0 < bottom)
    return _FrontMatter(title_lines, abstract_at, top, bottom, header)


# -- title ------------------------------------------------------------------------------------
def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _title_lines(lines: list[Line], page_height: float, max_lines: int = 4) -> list[Line]:
    """The title's lines: the biggest text in the top 60% of the page, with its same-style neighbours below.

    The title must stand out from the body text (bigger, or bold where the body is not).
    """
    cands = [l for l in lines if l.y0 < 0.6 * page_height and _letters(l.text) >= 3 and "@" not in l.text]
    if not cands:
        return []
    biggest = max(l.size for l in cands)
    seed = min((l for l in cands if l.size >= biggest - 0.3), key=lambda l: (not l.bold, l.y0))
    body_size, body_bold = _body_style(lines)
    if seed.size < body_size + 0.5 and not (seed.bold and not body_bold):
        return []
    block = [seed]
    for line in lines[lines.index(seed) + 1 :]:
        prev = block[-1]
        if line.y0 < prev.bbox[3] - 0.3 * prev.height:  # same row as the previous line (a column piece)
            continue
        if (
            len(block) == max_lines
            or abs(line.size - seed.size) > 0.5
            or line.bold != seed.bold
            or line.y0 - prev.bbox[3] > 1.0 * seed.size
            or not _letters(line.text)
        ):
            break
        block.append(line)
    return block


def _body_style(lines: list[Line]) -> tuple[float, bool]:
    """(size, bold) of most of the page's characters."""
    weight = Counter()
    for line in lines:
        weight[(round(line.size, 1), line.bold)] += len(line.text)
    return weight.most_common(1)[0][0]


def _line_text_without_marks(line: Line) -> str:
    """A line's text without trailing footnote marks (small trailing spans, symbols)."""
    text = line.text
    for span_text, size, _ in reversed(line.spans):
        piece = span_text.strip()
        if not piece:
            continue
        if size < 0.75 * line.size and len(piece) <= 3 and text.endswith(piece):
            text = text[: -len(piece)].rstrip()
            continue
        break
    return text.rstrip(MARKS + " ,")


def _join_lines(texts: list[str], vocab: Vocabulary) -> str:
    """Join title lines: mend line-break hyphens, no space between two CJK characters."""
    out = ""
    for text in texts:
        if not out:
            out = text
        else:
            drop, sep = soft_break(out.lower(), text.lower(), vocab)  # vocab is lower-case
            out = out[: len(out) - drop] + sep + text
    return out


def _title(title_lines: list[Line], lines: list[Line], pdf_info: dict, vocab: Vocabulary) -> str | None:
    """The printed title (joined, re-cased if ALL CAPS), else a plausible PDF-info title."""
    pdf_title = (pdf_info.get("title") or "").strip()
    if not title_lines:
        page = plain("\n".join(l.text for l in lines))
        plausible = len(pdf_title.split()) >= 2 and not _JUNK_TITLE.search(pdf_title) and plain(pdf_title) in page
        return pdf_title if plausible else None
    title = _join_lines([_line_text_without_marks(l) for l in title_lines], vocab)
    title = re.sub(r"\s+", " ", title).strip()
    if pdf_title and plain(pdf_title) == plain(title):
        return pdf_title  # same words: the PDF info usually has the intended casing
    if _is_all_caps(title):
        context = [l.text for l in lines if l not in title_lines and not _is_all_caps(l.text)]
        title = _recase(title, context)
    return title


def _is_all_caps(text: str) -> bool:
    latin = [ch for ch in text if ch.isalpha() and ch.isascii()]
    return len(latin) >= 4 and all(ch.isupper() for ch in latin)


def _recase(title: str, context: list[str]) -> str:
    """Title Case for an ALL-CAPS title; a word written with inner capitals on the page keeps that form."""
    forms: dict[str, Counter] = {}
    for word in re.findall(r"[A-Za-z][A-Za-z0-9]*", " ".join(context)):
        forms.setdefault(word.lower(), Counter())[word] += 1

    def recase_word(word: str, first: bool) -> str:
        seen = forms.get(word.lower())
        if seen:
            form = seen.most_common(1)[0][0]
            if form not in (form.lower(), form.capitalize()):
                return form  # LoRA, RoFormer, BERT
        if not first and word.lower() in _SMALL_WORDS:
            return word.lower()
        return word.capitalize()

    out, first = [], True
    for token in re.split(r"(\W+)", title):
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", token):
            out.append(recase_word(token, first))
            first = False
        else:
            out.append(token)
            first = first or ":" in token  # "Reformer: The ..."
    return "".join(out)


# -- page regions -----------------------------------------------------------------------------
def _abstract_index(lines: list[Line]) -> int | None:
    """Index of the line that starts the abstract ("Abstract", "ABSTRACT", "Abstract. ...", "摘要")."""
    for i, line in enumerate(lines):
        if _ABSTRACT.match(line.text) and (len(line.text) < 15 or re.match(r"^\s*\w+\s*[.:—–-]", line.text)):
            return i
    return None


def _header_bottom(lines: list[Line], abstract_at: int | None, title_bottom: float, page_height: float) -> float:
    """Where the title/author block ends: the abstract, else the introduction heading, else 45% down the page."""
    if abstract_at is not None:
        return lines[abstract_at].y0
    for line in lines:
        if line.y0 > title_bottom and _INTRO.match(line.text):
            return line.y0
    return 0.45 * page_height


# -- identifiers, venue, year -----------------------------------------------------------------
def _arxiv(texts: list[str]) -> tuple[str | None, int | None]:
    """The arXiv id (no version) and the stamp's year, from the margin stamp, page text or PDF info."""
    for text in texts:
        m = _ARXIV_STAMP.search(text)
        if m:
            return m.group(1), int(m.group(3)) if m.group(3) else None
    for text in texts:
        m = _ARXIV_URL.search(text)
        if m:
            return m.group(1), None
    return None, None


def _arxiv_year(arxiv_id: str | None) -> int | None:
    """Year of an arXiv id: "1810.04805" -> 2018, "cs/9901001" -> 1999."""
    if not arxiv_id:
        return None
    yy = int(arxiv_id.split("/")[-1][:2])
    return 2000 + yy if "/" not in arxiv_id or yy < 91 else 1900 + yy


def _doi(texts: list[str]) -> str | None:
    """The first DOI whose suffix has a digit (templates print placeholders like 10.1145/nnnnnnn.nnnnnnn)."""
    for text in texts:
        for m in _DOI.finditer(text):
            doi = m.group(1).rstrip(".,;)]")
            if re.search(r"\d", doi.split("/", 1)[1]):
                return doi
    return None


def _venue(page_lines: list[str]) -> tuple[str | None, int | None]:
    """A printed venue ("ICLR 2015", "31st Conference on ... (NIPS 2017)", a journal header) and its year."""
    for text in page_lines[:3]:
        m = _JOURNAL.match(text.strip())
        if m and _letters(m.group(1)) >= 6:
            return m.group(1), int(m.group(2))
    for pattern in _VENUES:
        for text in page_lines:
            m = pattern.search(text.strip())
            if m:
                venue = m.group(1).strip(" ,.")
                years = re.findall(r"\b(?:19|20)\d\d\b", venue)
                return venue, int(years[-1]) if years else None
    return None, None


def _copyright_year(page_text: str) -> int | None:
    m = _COPYRIGHT.search(page_text)
    return int(m.group(1)) if m else None


def _date_year(text: str) -> int | None:
    m = _DATE.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def _plausible_year(year: int | None) -> bool:
    return year is not None and 1900 <= year <= datetime.date.today().year + 1


def _first_valid(*years: int | None) -> int | None:
    return next((y for y in years if _plausible_year(y)), None)


def _file_year(page_texts: list[str], pdf_info: dict) -> int | None:
    """The PDF creation year, unless it is much newer than the newest year cited (a later scan): then that."""
    # "D:20140827033706..."; some old writers print the year minus 1900 after "19": "D:19103..." (2003)
    m = re.match(r"D:((?:19|20)\d\d)(?!\d{11})", pdf_info.get("creationDate") or "")
    created = int(m.group(1)) if m and _plausible_year(int(m.group(1))) else None
    cited = _newest_cited_year(page_texts)
    if created and (cited is None or created - cited <= 3):
        return created
    return cited


def _newest_cited_year(page_texts: list[str]) -> int | None:
    """The newest year in the reference list (or the whole text when no "References" heading is found)."""
    text = "\n".join(page_texts)
    heads = list(REFERENCES_LINE.finditer(text))
    if heads:
        text = text[heads[-1].end() :]
    years = [int(y) for y in _CITED_YEAR.findall(text) if _plausible_year(int(y))]
    return max(years) if years else None


# -- links, keywords, abstract ----------------------------------------------------------------
def code_links(page_text: str) -> list[str]:
    """The github/gitlab repository links printed in a page's text (a link broken across lines mended), in order."""
    text = re.sub(r"(://|/)[ \t]*\n\s*", r"\1", page_text)
    return ["https://" + m.group(1).rstrip(".") for m in _CODE_URL.finditer(text)]


def _code_url(page_texts: list[str]) -> str | None:
    """The first github/gitlab repository link printed on page 1, else page 2."""
    for page_text in page_texts[:2]:
        if links := code_links(page_text):
            return links[0]
    return None


def _keywords(lines: list[Line], vocab: Vocabulary) -> list[str]:
    """Terms of a printed "Keywords:" / "Index Terms" line (and up to two continuation lines)."""
    for i, line in enumerate(lines):
        m = _KEYWORDS.match(line.text)
        if not m:
            continue
        texts = [m.group(1)]
        for nxt in lines[i + 1 : i + 3]:
            if nxt.para_start or nxt.bold != line.bold or abs(nxt.size - line.size) > 0.5:
                break
            texts.append(nxt.text)
        text = _join_lines(texts, vocab)
        return [k.strip(" .") for k in re.split(r"[,;·•]|\s—\s", text) if k.strip(" .")]
    return []


def _ends_abstract(line: Line, prev: Line, size: float) -> bool:
    """A line that is no longer abstract: a heading, a keywords line, text of another size or after a wide gap."""
    text = line.text.strip()
    heading = _SECTION.match(text) and (line.bold or line.size > size + 0.5) or _INTRO.match(text)
    short_bold = line.bold and len(text) < 50 and not text.endswith((".", ","))
    other = re.match(r"^(?:ACM Reference Format|CCS Concepts)", text) or _KEYWORDS.match(text)
    gap = line.column == prev.column and line.y0 - prev.bbox[3] > 2.0 * max(prev.height, 1.0)
    return bool(heading or short_bold or other or gap or abs(line.size - size) > 0.7)


def _abstract(lines: list[Line], start: int, vocab: Vocabulary) -> str | None:
    """The abstract's text: the rest of the marker line and the lines up to the next heading."""
    marker = lines[start]
    rest = _ABSTRACT.sub("", marker.text, count=1).strip()
    body = [replace(marker, text=rest)] if rest else []
    following = lines[start + 1 :]
    sizes = sorted(l.size for l in ([marker] if rest else following[:5]))
    size = sizes[len(sizes) // 2] if sizes else marker.size
    prev = marker
    for line in following:
        if _ends_abstract(line, prev, size):
            break
        body.append(line)
        prev = line
    if not body:
        return None
    text, _ = join_text(body, vocab)
    return text.strip() or None


def _vocabulary(lines: list[Line], page_texts: list[str]) -> Vocabulary:
    """Words of the whole document, to mend words hyphenated across page-1 lines."""
    more = [replace(lines[0], text=text) for text in page_texts[1:]]
    return Vocabulary.of(lines + more)

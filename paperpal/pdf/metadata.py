"""Bibliographic metadata from a paper's first page: title, authors, year, venue, ids, abstract.

Everything here is a layout heuristic that works on what is printed, with the PDF's own
``doc.metadata`` only as a fallback (it is often junk: "Microsoft Word - x.doc", the
uploader's name, an arXiv URL):

* **title** -- the largest text in the upper part of page 1; consecutive lines of that
  size are joined (line-break hyphens mended).  An ALL-CAPS title is re-cased using how
  its words are written elsewhere on the page ("LORA" -> "LoRA").
* **authors** -- the band between the title and the abstract, read from the characters
  (``rawdict``) so that wide gaps, commas, "and" and superscript marks split names.
  A piece is a name when it looks like "First [M.] [de] Last" and holds no affiliation
  word; where some names are bold, only bold ones count (affiliations are not bold).
* **year** -- printed venue/journal line, then a copyright line, then the arXiv id
  (``1810.04805`` -> 2018), the arXiv stamp date, a date under the title, and last the
  PDF creation date (unless it is years newer than anything the paper cites: a rescan).
* **venue, doi, arxiv_id, url, code_url, keywords, abstract** -- regular expressions over
  page-1 text, the rotated arXiv stamp and the page-1 lines.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

import pymupdf

from .layout import Line, Vocabulary, _is_bold, join_text, side_text, soft_break
from .reader import classify_text

__all__ = ["extract_metadata"]

_MARKS = "∗*†‡§¶⇤⇧♠♣♥♦⋆★#✝✉"
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
_REFERENCES = re.compile(r"^\s*(?:\d+\.?\s*)?(?:references|bibliography|literature cited)\s*$", re.IGNORECASE | re.MULTILINE)
_JUNK_TITLE = re.compile(r"microsoft (?:word|powerpoint)|\.(?:dvi|docx?|pdf|tex|ps)\b|^untitled|https?:|arxiv:|^\W*$", re.IGNORECASE)

_PARTICLES = {"de", "da", "del", "della", "der", "den", "di", "du", "la", "las", "le", "los", "van", "von", "y", "al", "bin", "ten", "ter", "dos", "das"}
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "over", "the", "to", "via", "vs", "with"}
_NOT_NAME = set(
    ["university", "universit", "universität", "université", "universidad", "institute", "institut", "department", "dept", "school", "college", "laboratory", "lab", "labs", "research", "center", "centre", "division", "faculty", "academy", "corporation", "corp", "inc", "inc.", "ltd", "ltd.", "co", "co.", "company", "google", "microsoft", "facebook", "meta", "openai", "deepmind", "amazon", "apple", "ibm", "nvidia", "baidu", "alibaba", "tencent", "huawei", "brain", "science", "sciences", "engineering", "technology", "technologies", "computer", "computing", "informatics", "language", "intelligence", "artificial", "systems", "group", "team", "fellow", "street", "road", "avenue", "abstract", "introduction", "preprint", "version", "editor", "editors", "keywords", "access", "article", "conference", "proceedings", "workshop", "journal", "review", "submitted", "published", "paper", "work", "progress", "equal", "contribution", "correspondence", "corresponding", "national", "state", "key", "hospital", "foundation", "program", "email", "america", "australia", "canada", "china", "europe", "france", "germany", "india", "israel", "italy", "japan", "korea", "netherlands", "singapore", "spain", "switzerland", "kingdom", "states", "usa", "hong", "kong", "taiwan"]
)


def extract_metadata(doc: pymupdf.Document, first_lines: list[Line]) -> dict:
    """Title, authors, year, venue, doi, arxiv_id, url, code_url, keywords and abstract of ``doc``.

    ``first_lines`` are page 1's lines in reading order (running headers/footers removed).
    Unknown fields are left out; a page 1 without a readable text layer gives ``{}``.
    """
    if doc.page_count == 0 or not first_lines:
        return {}
    page = doc[0]
    page_text = page.get_text()
    if classify_text(page_text, 1) != "ok":
        return {}
    pdf_info = doc.metadata or {}
    front = _front_matter(first_lines, page.rect.height)
    vocab = _vocabulary(doc, first_lines)
    meta: dict = {
        "title": _title(front.title_lines, first_lines, pdf_info, vocab),
        "authors": _authors(page, front.title_bottom, front.header_bottom) or _pdf_authors(pdf_info, page_text),
        "keywords": _keywords(first_lines, vocab),
        "abstract": _abstract(first_lines, front.abstract_at, vocab) if front.abstract_at is not None else None,
        "code_url": _code_url(doc),
    }
    info_texts = [str(v) for v in pdf_info.values() if v]
    arxiv_id, stamp_year = _arxiv([l.text for l in side_text(doc)] + [page_text] + info_texts)
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
        or _file_year(doc, pdf_info),
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
    return text.rstrip(_MARKS + " ,")


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
        page = _norm("\n".join(l.text for l in lines))
        plausible = len(pdf_title.split()) >= 2 and not _JUNK_TITLE.search(pdf_title) and _norm(pdf_title) in page
        return pdf_title if plausible else None
    title = _join_lines([_line_text_without_marks(l) for l in title_lines], vocab)
    title = re.sub(r"\s+", " ", title).strip()
    if pdf_title and _norm(pdf_title) == _norm(title):
        return pdf_title  # same words: the PDF info usually has the intended casing
    if _is_all_caps(title):
        context = [l.text for l in lines if l not in title_lines and not _is_all_caps(l.text)]
        title = _recase(title, context)
    return title


def _norm(text: str) -> str:
    """Text for comparison: NFKC, lower case, single spaces, plain dashes and quotes."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    text = re.sub(r"[‘’‚′]", "'", re.sub(r"[“”„″]", '"', text))
    return re.sub(r"\s+", " ", text).strip()


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


# -- authors ----------------------------------------------------------------------------------
@dataclass
class _Char:
    c: str
    x0: float
    x1: float
    size: float
    bold: bool


def _rows(page: pymupdf.Page, top: float, bottom: float) -> list[list[_Char]]:
    """Characters of horizontal text whose line centre lies between ``top`` and ``bottom``, as rows (top-down)."""
    pieces = []
    for block in page.get_text("rawdict", flags=pymupdf.TEXTFLAGS_RAWDICT & ~pymupdf.TEXT_PRESERVE_IMAGES)["blocks"]:
        for line in block.get("lines", []):
            if abs(line["dir"][1]) > 0.2:
                continue
            y0, y1 = line["bbox"][1], line["bbox"][3]
            if not top <= (y0 + y1) / 2 <= bottom:
                continue
            chars = [
                _Char(ch["c"], ch["bbox"][0], ch["bbox"][2], span["size"], _is_bold(span))
                for span in line["spans"]
                for ch in span["chars"]
            ]
            if chars:
                pieces.append(((y0 + y1) / 2, max(c.size for c in chars), chars))
    pieces.sort(key=lambda p: p[0])
    rows: list[list] = []
    for cy, size, chars in pieces:
        if rows and abs(cy - rows[-1][0]) < 0.5 * size:
            rows[-1][1].extend(chars)
        else:
            rows.append([cy, list(chars)])
    return [sorted(chars, key=lambda c: c.x0) for _, chars in rows]


def _segments(row: list[_Char]) -> list[tuple[str, bool]]:
    """Split a row of characters at wide gaps, superscripts and marks into (text, bold) pieces."""
    sizes = Counter(round(c.size, 1) for c in row if not c.c.isspace())
    if not sizes:
        return []
    size = sizes.most_common(1)[0][0]
    segments, current, prev = [], [], None
    for ch in row:
        small = ch.size < 0.8 * size and not ch.c.isspace()
        gap = prev is not None and ch.x0 - prev.x1 > 0.6 * size or ch.c.isspace() and ch.x1 - ch.x0 > 0.6 * size
        if small or gap or ch.c in _MARKS:
            segments.append(current)
            current = []
        if not small and ch.c not in _MARKS:
            current.append(ch)
        prev = ch
    segments.append(current)
    out = []
    for seg in segments:
        text = "".join(c.c for c in seg).strip()
        letters = [c for c in seg if c.c.isalpha()]
        if text:
            out.append((text, sum(c.bold for c in letters) > len(letters) / 2))
    return out


def _split_names(text: str) -> list[str]:
    """Split "A B, C D and E F" into its parts (superscript digits removed, empty parts dropped)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"(?<=[^\W\d_])\d+(?:\s*,\s*\d+)*", " ", text)  # "Zhang1,2,3" -> "Zhang"
    parts = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\s*(?:,|;|&|\band\b|\s{2,})\s*", text)]
    return [re.sub(r"(?<=[^\W\d_]{2})\.$", "", p) for p in parts if p]  # "... and Jianfeng Gao."


def _leading_names(parts: list[str]) -> list[str]:
    """The names at the start of a piece: "Shervin Minaee, Snapchat Inc" -> ["Shervin Minaee"]."""
    names = []
    for part in parts:
        if not _is_person_name(part):
            break
        names.append(part)
    return names


def _is_name_word(word: str) -> bool:
    """A capitalised word ("Ming-Wei", "O'Neil", "Łukasz") or initials ("D.", "J.-P."), not an acronym."""
    if re.fullmatch(r"(?:[^\W\d_]\.)+(?:-[^\W\d_]\.)?|[^\W\d_]", word):
        return word[0].isupper()  # initials "D.", "J.-P."
    if not re.fullmatch(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*", word) or not word[0].isupper():
        return False
    return not (len(word) > 1 and word.isupper())  # "USA", "CA", "AI"


def _is_person_name(text: str) -> bool:
    """"First [M.] [de las] Last": 2-5 capitalised words, no affiliation words, digits or symbols."""
    words = text.split()
    if not 2 <= len(words) <= 5 or re.search(r"[\d@/:()\[\]{}]", text):
        return False
    if any(w.lower().strip(".,") in _NOT_NAME for w in words):
        return False
    inner = words[1:-1]
    return (
        _is_name_word(words[0])
        and _is_name_word(words[-1])
        and len(words[-1].rstrip(".")) > 1
        and all(w.lower() in _PARTICLES or _is_name_word(w) for w in inner)
    )


def _authors(page: pymupdf.Page, top: float, bottom: float) -> list[str]:
    """Person names printed between the title and the abstract, in reading order (rows, then left to right)."""
    found: list[tuple[str, bool]] = []
    for row in _rows(page, top, bottom):
        for text, bold in _segments(row):
            if "@" in text or re.match(r"^\s*\w+\s*:", text):  # emails, "Editor: ..."
                continue
            found += [(name, bold) for name in _leading_names(_split_names(text))]
    if any(bold for _, bold in found):
        found = [f for f in found if f[1]]
    names: list[str] = []
    for name, _ in found:
        if name not in names:
            names.append(name)
    return names


def _pdf_authors(pdf_info: dict, page_text: str) -> list[str]:
    """Authors from the PDF info, only when the first of them is printed on page 1 (else it is the uploader)."""
    names = _leading_names(_split_names((pdf_info.get("author") or "").replace("*", "")))
    return names if names and _norm(names[0]) in _norm(page_text) else []


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


def _file_year(doc: pymupdf.Document, pdf_info: dict) -> int | None:
    """The PDF creation year, unless it is much newer than the newest year cited (a later scan): then that."""
    # "D:20140827033706..."; some old writers print the year minus 1900 after "19": "D:19103..." (2003)
    m = re.match(r"D:((?:19|20)\d\d)(?!\d{11})", pdf_info.get("creationDate") or "")
    created = int(m.group(1)) if m and _plausible_year(int(m.group(1))) else None
    cited = _newest_cited_year(doc)
    if created and (cited is None or created - cited <= 3):
        return created
    return cited


def _newest_cited_year(doc: pymupdf.Document) -> int | None:
    """The newest year in the reference list (or the whole text when no "References" heading is found)."""
    text = "\n".join(page.get_text() for page in doc)
    heads = list(_REFERENCES.finditer(text))
    if heads:
        text = text[heads[-1].end() :]
    years = [int(y) for y in _CITED_YEAR.findall(text) if _plausible_year(int(y))]
    return max(years) if years else None


# -- links, keywords, abstract ----------------------------------------------------------------
def _code_url(doc: pymupdf.Document) -> str | None:
    """The first github/gitlab repository link printed on page 1, else page 2."""
    for page in doc.pages(0, min(2, doc.page_count)):
        text = re.sub(r"(://|/)[ \t]*\n\s*", r"\1", page.get_text())
        m = _CODE_URL.search(text)
        if m:
            return "https://" + m.group(1).rstrip(".")
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


def _vocabulary(doc: pymupdf.Document, lines: list[Line]) -> Vocabulary:
    """Words of the whole document, to mend words hyphenated across page-1 lines."""
    more = [replace(lines[0], text=doc[i].get_text()) for i in range(1, doc.page_count)]
    return Vocabulary.of(lines + more)

"""Open a PDF safely and judge whether its text layer is usable."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pymupdf

from ..errors import InputFileError
from ..text.normal import CJK_CHARS

_WORD = re.compile(rf"[A-Za-z]{{2,}}|[{CJK_CHARS}]")


def paper_id(path: str | Path) -> str:
    """A PDF's paper id, ``Paper.id``: the first 16 hex digits of the sha256 of its bytes (a paper is its content)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def open_pdf(path: str | Path) -> pymupdf.Document:
    """Open ``path`` as a PDF or raise :class:`InputFileError` with one clear line."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"PDF not found: {p}", hint="check the path and try again")
    if p.is_dir():
        raise InputFileError(f"Expected a PDF file but got a directory: {p}", hint="pass the PDF file itself")
    try:
        with open(p, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputFileError(f"Cannot read {p}: {exc.strerror}", hint="check the file permissions") from exc
    if not head:
        raise InputFileError(f"The file is empty (0 bytes): {p}", hint="re-download or re-export the PDF")
    if b"%PDF" not in head:
        raise InputFileError(f"Not a PDF file: {p}", hint="PaperPal reads PDF files only; export the document to PDF")
    try:
        doc = pymupdf.open(p, filetype="pdf")
    except Exception as exc:  # pymupdf raises several types for broken files
        raise InputFileError(
            f"The PDF is corrupt and cannot be opened: {p}", hint="re-download it or re-save it from a PDF viewer"
        ) from exc
    if doc.needs_pass:
        doc.close()
        raise InputFileError(
            f"The PDF is password-protected: {p}", hint="save an unencrypted copy (print to PDF) and use that"
        )
    if doc.page_count == 0:
        doc.close()
        raise InputFileError(f"The PDF has no pages (corrupt?): {p}", hint="re-download it or re-save it")
    return doc


def _is_junk(ch: str) -> bool:
    o = ord(ch)
    return 0x80 <= o < 0x100 or 0xE000 <= o <= 0xF8FF or o == 0xFFFD or (o < 32 and not ch.isspace())


def classify_text(text: str, page_count: int) -> str:
    """``"ok"``, ``"no_text"`` or ``"garbled"`` for a document's extracted ``text``."""
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < min(200, 10 * max(1, page_count)):
        return "no_text"
    junk = sum(1 for ch in chars if _is_junk(ch))
    tokens = text.split()
    wordy = sum(1 for t in tokens if _WORD.search(t))
    if junk / len(chars) > 0.08 or wordy / max(1, len(tokens)) < 0.3:
        return "garbled"
    return "ok"


def text_status(doc: pymupdf.Document) -> str:
    """Judge the text layer: ``"ok"``, ``"no_text"`` (image-only scan) or ``"garbled"``."""
    return classify_text("".join(page.get_text() for page in doc), doc.page_count)

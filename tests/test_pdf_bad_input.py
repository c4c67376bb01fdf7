"""Files parse_pdf cannot use raise InputFileError with one clear line; unreadable text layers
are reported through ``Paper.text_status``."""

from __future__ import annotations

import pymupdf
import pytest

from paperpal.errors import InputFileError
from paperpal.pdf import parse_pdf

BERT = "bert-pre-training-of-deep-bidirectional-transformers.pdf"
SCAN = "learning-representations-by-back-propagating-errors.pdf"
GARBLED = "lda-math-gossip-zh.pdf"


def assert_input_error(path, *words: str) -> InputFileError:
    """parse_pdf(path) raises InputFileError: one line, naming the file, with what to do."""
    with pytest.raises(InputFileError) as info:
        parse_pdf(path)
    line = str(info.value)
    assert "\n" not in line, line
    assert str(path) in line, line
    assert "(" in line and line.endswith(")"), f"no hint on what to do: {line}"
    for word in words:
        assert word in line.lower(), line
    return info.value


def test_missing_file(tmp_path):
    assert_input_error(tmp_path / "nope.pdf", "not found")


def test_directory(tmp_path):
    assert_input_error(tmp_path, "directory")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert_input_error(path, "empty")


def test_text_file_named_pdf(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("These are my notes, not a PDF.\n" * 20, encoding="utf-8")
    assert_input_error(path, "not a pdf")


def test_truncated_pdf(corpus, tmp_path):
    path = tmp_path / "truncated.pdf"
    path.write_bytes((corpus / BERT).read_bytes()[:2048])
    assert_input_error(path, "corrupt")


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    doc.close()
    assert_input_error(path, "password")


def test_exit_code():
    assert InputFileError("x").exit_code == 3


def test_scan_has_no_text(corpus):
    paper = parse_pdf(corpus / SCAN)
    assert paper.text_status == "no_text"
    assert not paper.text_readable


def test_broken_fonts_are_garbled(corpus):
    paper = parse_pdf(corpus / GARBLED)
    assert paper.text_status == "garbled"


def test_classifier_passes_the_other_papers(corpus, manifest):
    """Every paper other than the scan and the garbled one is judged "ok"."""
    wrong = []
    for row in manifest:
        path = corpus / row["file"]
        if row["file"] in (SCAN, GARBLED) or not path.exists():
            continue
        status = parse_pdf(path).text_status
        if status != "ok":
            wrong.append(f"{row['file']}: {status}")
    assert not wrong, "\n".join(wrong)

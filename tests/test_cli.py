"""The command line: exact error lines and exit codes, parse output, config commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner

from paperpal.cli import cli
from paperpal.pdf import parse_pdf
from paperpal.pdf.report import format_parse_report, parse_report

ATTENTION = "attention-is-all-you-need.pdf"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def encrypted_pdf(tmp_path, corpus):
    doc = pymupdf.open(corpus / ATTENTION)
    path = tmp_path / "locked.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    return path


@pytest.mark.parametrize("command", ["summarize", "parse"])
def test_bad_inputs_give_one_line_and_exit_code(command, tmp_path, encrypted_pdf):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    text = tmp_path / "notes.pdf"
    text.write_text("just some notes, not a PDF\n")
    cases = {
        str(tmp_path / "missing.pdf"): f"Error: PDF not found: {tmp_path / 'missing.pdf'} (check the path and try again)\n",
        str(empty): f"Error: The file is empty (0 bytes): {empty} (re-download or re-export the PDF)\n",
        str(text): f"Error: Not a PDF file: {text} (PaperPal reads PDF files only; export the document to PDF)\n",
        str(encrypted_pdf): f"Error: The PDF is password-protected: {encrypted_pdf} "
        "(save an unencrypted copy (print to PDF) and use that)\n",
    }
    for path, expected in cases.items():
        result = run(command, path)
        assert result.exit_code == 3, f"{path}: exit {result.exit_code}, output {result.output!r}"
        assert result.stderr == expected, path
        assert result.stdout == "", path
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "learning-representations-by-back-propagating-errors.pdf",
            "Error: learning-representations-by-back-propagating-errors.pdf has no text layer (an image-only scan), "
            "so it cannot be read (OCR it first, e.g. `ocrmypdf in.pdf out.pdf`, then summarize the OCR'd copy)\n",
        ),
        (
            "lda-math-gossip-zh.pdf",
            "Error: The text of lda-math-gossip-zh.pdf extracts as garbage (its fonts have no Unicode map) "
            "(OCR it, e.g. `ocrmypdf --force-ocr in.pdf out.pdf`, then summarize the OCR'd copy)\n",
        ),
    ],
)
def test_unreadable_text_says_ocr_is_needed(corpus, name, expected):
    result = run("summarize", str(corpus / name), "--backend", "local")
    assert result.exit_code == 4, result.output
    assert result.stderr == expected


def test_parse_json_is_the_report_and_the_text_shows_the_same(corpus):
    result = run("parse", str(corpus / ATTENTION), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report == json.loads(json.dumps(parse_report(parse_pdf(corpus / ATTENTION))))
    labels = {(s["number"], s["title"]): (s["level"], s["page_start"]) for s in report["sections"]}
    assert labels[("3.5", "Positional Encoding")] == (2, 5), labels
    assert labels[("7", "Conclusion")][1] == 10
    assert report["references_page"] == 10
    assert report["counts"]["chunks"] >= 20 and report["counts"]["pages"] == 15
    human = run("parse", str(corpus / ATTENTION))
    assert human.exit_code == 0
    assert human.stdout == format_parse_report(report)
    assert "    3.5 Positional Encoding  [pp. 5–6]\n" in human.stdout


def test_config_path_and_reference(_isolated_home):
    result = run("config", "path")
    assert result.exit_code == 0
    assert result.stdout == f"{_isolated_home / 'config' / 'settings.toml'}\n"
    table = run("config", "show", "--reference").stdout
    assert "| `llm.base_url` |" in table and "`OPENAI_BASE_URL`" in table


def test_config_show_never_prints_the_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-very-secret-123")
    result = run("config", "show")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["api_key"] == "set" and data["resolved_backend"] == "openai"
    assert "sk-test-very-secret-123" not in result.output


def test_set_key_without_keyring_is_one_line():
    # conftest selects keyring's null backend: storing must fail cleanly, never silently
    result = run("config", "set-key", input="sk-abc\n")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: No usable OS keyring to store the API key")
    assert "sk-abc" not in result.output


def test_invalid_settings_file_is_one_line(_isolated_home, corpus):
    settings = _isolated_home / "config" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text('language = "fr"\n')
    result = run("summarize", str(corpus / ATTENTION))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid setting language: ")
    assert str(settings) in result.stderr


def test_console_script_is_installed(tmp_path):
    exe = shutil.which("paperpal", path=str(Path(sys.executable).parent)) or shutil.which("paperpal")
    assert exe, "the `paperpal` console script is not installed beside this Python (pip install -e .)"
    result = subprocess.run([exe, "parse", str(tmp_path / "nope.pdf")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 3
    assert result.stderr == f"Error: PDF not found: {tmp_path / 'nope.pdf'} (check the path and try again)\n"
    assert result.stdout == ""

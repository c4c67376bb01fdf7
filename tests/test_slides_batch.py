"""batch-slides: one deck per paper, concurrent, a status file, resume, a digest; a corrupt PDF fails alone."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from pptx import Presentation
from test_slides import GPT, check_deck, endpoint_settings, routed_standin

from paperpal.cli import cli
from paperpal.slides.batch import STATUS_FILE, batch_slides, collect_pdfs

PAPERS = [GPT, "mistral-7b.pdf"]


@pytest.fixture
def folder(corpus, tmp_path):
    src = tmp_path / "papers"
    src.mkdir()
    for name in PAPERS:
        (src / name).symlink_to(corpus / name)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    (src / "notes.txt").write_text("not a paper")
    return src


def test_batch_decks_status_digest_and_resume(standin, monkeypatch, folder, tmp_path):
    routed_standin(standin, {})
    settings = endpoint_settings(standin, monkeypatch)
    out = tmp_path / "decks"
    seen = []
    report = batch_slides(collect_pdfs([str(folder)]), out, settings=settings, jobs=2, combined=True,
                          on_progress=lambda done, total, label: seen.append((done, total)))  # fmt: skip
    status = {p.source.rsplit("/", 1)[-1]: p for p in report.papers}
    assert sorted(status) == ["broken.pdf", *sorted(PAPERS)], "folders give their PDFs only"
    assert status["broken.pdf"].status == "failed" and status["broken.pdf"].error.startswith(
        "The PDF is corrupt and cannot be opened:"
    )
    for name in PAPERS:
        assert status[name].status == "done", status[name].error
        check_deck(out / status[name].deck)
    assert seen[-1] == (3, 3)
    saved = json.loads((out / STATUS_FILE).read_text(encoding="utf-8"))
    assert {p["status"] for p in saved["papers"]} == {"done", "failed"} and saved["version"] == 1
    digest = Presentation(str(out / "digest.pptx"))
    titles = [s.shapes.title.text_frame.text for s in digest.slides if s.shapes.title]
    assert titles[0] == "Group meeting: paper digest" and titles[1] == "Agenda"
    assert "Improving Language Understanding by Generative Pre-Training" in titles and len(digest.slides) == 2 + 2 * 2
    md = (out / "digest.md").read_text(encoding="utf-8")
    assert "## Mistral 7B" in md and "## Not done" in md and "`broken.pdf`: The PDF is corrupt" in md

    calls = len(standin.requests)
    shutil.copy(out / status[GPT].deck, tmp_path / "before.pptx")
    again = batch_slides(collect_pdfs([str(folder)]), out, settings=settings, jobs=2, combined=True)
    states = {p.source.rsplit("/", 1)[-1]: p.status for p in again.papers}
    assert states == {GPT: "skipped", "mistral-7b.pdf": "skipped", "broken.pdf": "failed"}
    assert len(standin.requests) == calls, "a resumed batch asks the model nothing for decks already done"
    assert (out / status[GPT].deck).read_bytes() == (tmp_path / "before.pptx").read_bytes()
    assert "## Mistral 7B" in (out / "digest.md").read_text(encoding="utf-8"), "the digest keeps resumed papers"


def test_batch_cli_reports_each_paper_and_fails_on_a_bad_one(standin, monkeypatch, folder, tmp_path):
    routed_standin(standin, {})
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-slides")
    out = tmp_path / "decks"
    pdfs = [str(folder / GPT), str(folder / "broken.pdf")]
    result = CliRunner().invoke(cli, ["batch-slides", *pdfs, "-o", str(out), "--jobs", "2", "--base-url", standin.url,
                                      "--model", "m", "--minutes", "9"])  # fmt: skip
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert f"done     {GPT}: {GPT[:-4]}.pptx" in lines
    assert any(line.startswith("failed   broken.pdf: The PDF is corrupt") for line in lines), lines
    assert "1 done, 0 skipped (already done), 1 failed" in result.stderr
    assert len(Presentation(str(out / f"{GPT[:-4]}.pptx")).slides) == 3 + 5, "--minutes 9: five content slides"


def test_batch_needs_exactly_one_source(tmp_path):
    result = CliRunner().invoke(cli, ["batch-slides", "-o", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr == (
        "Error: Give exactly one of: PDF files/folders, --collection NAME, --tag TAG\n"
    )


def test_batch_by_collection_without_a_synced_library_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["batch-slides", "--collection", "Reading group", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1 and "Traceback" not in result.output

"""Write-back through the real pyzotero against the test Web API server: the child note (HTML from
Markdown, raw HTML never passed through), the tag, 412 re-reads, 429 waits, dry runs, and the
Markdown fallback where only read-only sources exist."""

from __future__ import annotations

import json
import time

import pytest
from conftest import skip_without_corpus
from click.testing import CliRunner
from llm_support import Reply
from zotero_support import SCHEMA

from paperpal.cli import cli
from paperpal.pdf import parse_pdf
from paperpal.tasks.passages import PaperSentences
from paperpal.zotero.store import store_dir
from paperpal.zotero.writeback import TAG, note_html, write_note

pytestmark = skip_without_corpus(not SCHEMA.is_dir(), "shared Zotero schema files not found")

NOTE = (
    "# Reading note\n\n**Problem**: language models.\n\n<script>alert('x')</script>\n\n[click](javascript:alert(1))\n"
)


def writes(zotero_env) -> list[tuple[str, str]]:
    return [(m, p.split("?")[0]) for m, p in zotero_env.server.requests if m in ("POST", "PATCH", "PUT", "DELETE")]


def test_note_html_never_passes_raw_html():
    html = note_html(NOTE + '\n<img src=x onerror="alert(2)">\n')
    assert html.startswith('<div data-schema-version="9"><h1>Reading note</h1>')
    assert "<strong>Problem</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript' not in html  # markdown-it refuses javascript: links


def test_note_and_tag_written_then_updated_in_place(zotero_env):
    settings = zotero_env.settings()
    first = write_note(settings, "bengio03", NOTE)
    assert first.mode == "created" and first.message.startswith(f"Created note {first.note_key} under BENGIO03")
    item = zotero_env.library.item("BENGIO03")
    notes = {n["key"]: n for n in item.notes}
    assert notes[first.note_key]["note"] == note_html(NOTE) and notes[first.note_key]["tags"] == [TAG]
    assert TAG in item.tags and "neural" in item.tags  # the tag added, the user's tags kept
    second = write_note(settings, "BENGIO03", NOTE.replace("language models", "n-grams"))
    assert second.mode == "updated" and second.note_key == first.note_key
    assert len(item.notes) == 2  # the user's note and PaperPal's one: no copy piled up
    assert "n-grams" in notes[first.note_key]["note"]
    assert writes(zotero_env) == [("POST", "/users/475425/items"), ("PATCH", "/users/475425/items/BENGIO03"),
                           ("PATCH", f"/users/475425/items/{first.note_key}")]  # fmt: skip


def test_412_re_reads_and_retries(zotero_env):
    settings = zotero_env.settings()
    zotero_env.server.before_patch = lambda: zotero_env.library.edit("BENGIO03", extra="edited elsewhere")
    result = write_note(settings, "BENGIO03", NOTE)
    item = zotero_env.library.item("BENGIO03")
    assert result.mode == "created" and TAG in item.tags and item.fields["extra"] == "edited elsewhere"
    assert [w for w in writes(zotero_env) if w[0] == "PATCH"] == [("PATCH", "/users/475425/items/BENGIO03")] * 2


def test_429_on_create_waits_and_retries(zotero_env):
    zotero_env.server.inject("POST", r"/items", 429, {"Retry-After": "1"})
    started = time.monotonic()
    result = write_note(zotero_env.settings(), "BENGIO03", NOTE)
    assert result.mode == "created" and time.monotonic() - started >= 1.0
    assert [w for w in writes(zotero_env) if w[0] == "POST"] == [("POST", "/users/475425/items")] * 2
    assert len(zotero_env.library.item("BENGIO03").notes) == 2  # written once


def test_dry_run_writes_nothing(zotero_env):
    result = write_note(zotero_env.settings(), "BENGIO03", NOTE, dry_run=True)
    assert result.mode == "dry-run" and result.html == note_html(NOTE)
    assert (
        result.message
        == f"Would create a child note under BENGIO03 (A Neural Probabilistic Language Model) and add the tag {TAG}"
    )
    assert writes(zotero_env) == [] and len(zotero_env.library.item("BENGIO03").notes) == 1


def test_unknown_item_and_wrong_key(zotero_env):
    from paperpal.errors import ConfigError

    with pytest.raises(ConfigError, match="Zotero has no item NOPE1234 in users/475425 \\(404\\)"):
        write_note(zotero_env.settings(), "NOPE1234", NOTE)
    settings = zotero_env.settings()
    settings.zotero_api_key = type(settings.zotero_api_key)("bad")
    with pytest.raises(ConfigError, match="refused the API key"):
        write_note(settings, "BENGIO03", NOTE)


def test_read_only_sources_save_markdown_instead(zotero_env):
    settings = zotero_env.settings()
    settings.zotero_api_key = None
    result = write_note(settings, "BENGIO03", NOTE)
    assert result.mode == "markdown" and result.path == store_dir() / "notes" / "BENGIO03.md"
    assert result.path.read_text(encoding="utf-8") == NOTE
    assert "read-only" in result.message
    assert writes(zotero_env) == []


def model_note(corpus) -> dict:
    """The endpoint's note for the Bengio paper, citing its real sentence numbers; an aspect label carries markup
    that must reach Zotero escaped."""
    index = PaperSentences(parse_pdf(corpus / "a-neural-probabilistic-language-model.pdf"))

    def cite(phrase: str) -> list[int]:
        return [next(s.order + 1 for s in index.sentences if s.citable and phrase in s.text)]

    return {
        "keywords": ["language model", "word vectors", "n-gram"],
        "one_sentence": {"text": "The paper proposes to fight the curse of dimensionality by learning a distributed "
                                 "representation for words.", "sentences": cite("We propose to fight the curse")},
        "problem": {"text": "Learning the joint probability function of word sequences is intrinsically difficult "
                            "because of the curse of dimensionality.",
                    "sentences": cite("A goal of statistical language modeling") + cite("This is intrinsically difficult")},
        "method": [{"aspect": "Distributed representation <script>alert(1)</script>", "detail": "The model learns "
                    "simultaneously a distributed representation for each word and the probability function for word "
                    "sequences.", "sentences": cite("The model learns simultaneously")},
                   {"aspect": "Generalization", "detail": "A sequence of words never seen before gets high "
                    "probability if it is made of words similar to words of a sentence already seen.",
                    "sentences": cite("Generalization is obtained because")}],
        "results": [{"aspect": "Two corpora", "detail": "Experiments with neural networks on two text corpora show "
                     "that the proposed approach significantly improves on state-of-the-art n-gram models.",
                     "sentences": cite("We report on experiments using neural networks")}],
        "strengths": [{"text": "Training such large-scale models is shown to be expensive but feasible.",
                       "sentences": cite("Finally, an important contribution of this paper")}],
        "weaknesses": [{"text": "Training such large models within a reasonable time is itself a significant challenge.",
                        "sentences": cite("Training such large models (with millions of parameters)")}],
    }  # fmt: skip


def test_cli_summarize_zotero_item_and_write_note(zotero_env, standin, monkeypatch, corpus):
    zotero_env.settings()
    monkeypatch.setenv("ZOTERO_API_KEY", zotero_env.server.api_key)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-zotero")
    monkeypatch.setenv("OPENAI_BASE_URL", standin.url)
    monkeypatch.setenv("OPENAI_MODEL", "stand-in-model")
    runner = CliRunner()
    missing = runner.invoke(cli, ["summarize", "--zotero", "BENGIO03"])
    assert missing.exit_code == 2 and missing.output.startswith("Error: No Zotero library synced yet")
    assert runner.invoke(cli, ["sync", "--source", "web", "--no-index"]).exit_code == 0
    reply = json.dumps(model_note(corpus))
    standin.script.extend([Reply(content=reply), Reply(content=reply)])
    dry = runner.invoke(cli, ["summarize", "--zotero", "BENGIO03", "--write-note", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would create a child note under BENGIO03" in dry.output and writes(zotero_env) == []
    result = runner.invoke(cli, ["summarize", "--zotero", "BENGIO03", "--write-note"])
    assert result.exit_code == 0, result.output
    assert "A Neural Probabilistic Language Model" in result.output  # Zotero's title, not the PDF's
    written = [n for n in zotero_env.library.item("BENGIO03").notes if TAG in n["tags"]]
    assert len(written) == 1 and "Yoshua Bengio" in written[0]["note"]
    assert "(Abstract, p. 1)" in written[0]["note"], "each statement's evidence reaches Zotero"
    assert "<script" not in written[0]["note"] and "&lt;script&gt;" in written[0]["note"]
    both = runner.invoke(cli, ["summarize", "paper.pdf", "--zotero", "BENGIO03"])
    assert both.exit_code == 2 and "give either a PDF or --zotero ITEMKEY" in both.output
    nopdf = runner.invoke(cli, ["summarize", "--zotero", "BOOKNOPDF"])
    assert nopdf.exit_code == 2 and "has no PDF here: no PDF attachment" in nopdf.output


def test_comparison_and_review_go_into_the_collection_as_standalone_notes(zotero_env):
    """A standalone note in the collection, tagged by kind; the next write updates it (even after a 412), a 429
    is waited out, a dry run writes nothing, and an unknown collection says so."""
    from paperpal.errors import ConfigError
    from paperpal.zotero.writeback import COLLECTION_TAGS, write_collection_note

    settings = zotero_env.settings()
    dry = write_collection_note(settings, "language models", "# Comparison\n", kind="comparison", dry_run=True)
    assert dry.mode == "dry-run" and "create a standalone note" in dry.message and writes(zotero_env) == []
    zotero_env.server.inject("POST", r"/items", 429, {"Retry-After": "1"})
    first = write_collection_note(settings, "Language Models", "# Comparison\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n", kind="comparison")
    review = write_collection_note(settings, "LMCOLL01", "# Related work\n", kind="review")
    [table, draft] = zotero_env.library.standalone_notes
    assert first.mode == "created" and table["key"] == first.note_key and table["collections"] == ["LMCOLL01"]
    assert table["tags"] == [COLLECTION_TAGS["comparison"]] and "<table>" in table["note"]
    assert draft["tags"] == [COLLECTION_TAGS["review"]] and review.note_key != first.note_key
    zotero_env.server.before_patch = lambda: table.update(version=zotero_env.library.bump())  # edited elsewhere
    again = write_collection_note(settings, "Language Models", "# Comparison, again\n", kind="comparison")
    assert again.mode == "updated" and again.note_key == first.note_key and "again" in table["note"]
    assert [w for w in writes(zotero_env) if w[0] == "PATCH"] == [("PATCH", f"/users/475425/items/{first.note_key}")] * 2
    assert len(zotero_env.library.standalone_notes) == 2
    with pytest.raises(ConfigError, match="No Zotero collection named 'Vision'"):
        write_collection_note(settings, "Vision", "# x\n", kind="review")
    settings.zotero_api_key = None
    saved = write_collection_note(settings, "Topic Models", "# Review\n", kind="review")
    assert saved.mode == "markdown" and saved.path.read_text(encoding="utf-8") == "# Review\n"

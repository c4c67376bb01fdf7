"""``locate``: section, page and a verified quote, on the labelled set and on bad input.

The labelled set (``tests/data/locate_questions.tsv``) holds questions over train-split papers only,
a third and more in Chinese, paraphrased rather than copying heading words, with the gold section
numbers (``|`` separates acceptable ones) and pages (``;``); ``NOT_FOUND`` rows are off-topic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import read_tsv
from llm_support import Reply, local_settings

from paperpal.cli import cli
from paperpal.errors import InputFileError
from paperpal.pdf import parse_pdf
from paperpal.settings import load_settings
from paperpal.tasks.locate import locate, locate_markdown
from paperpal.tasks.quotes import page_texts, verify_quote

QUESTIONS = Path(__file__).parent / "data" / "locate_questions.tsv"
ROWS = read_tsv(QUESTIONS)
TARGET = 0.90


def test_labelled_set_is_big_enough_train_only_and_a_third_chinese(corpus):
    splits = {r["file"]: r["split"] for r in read_tsv(corpus / "SPLITS.tsv")}
    located = [r for r in ROWS if r["sections"] != "NOT_FOUND"]
    assert len(located) >= 40
    assert sum(r["lang"] == "zh" for r in located) >= len(located) / 3
    assert {splits[r["paper"]] for r in ROWS} == {"train"}, "never fit anything to eval-split papers"


@pytest.fixture(scope="module")
def labelled(corpus, tmp_path_factory):
    """The labelled set's papers, parsed once and indexed once into a module-level index folder."""
    folder = tmp_path_factory.mktemp("locate-index")
    papers = {name: parse_pdf(corpus / name) for name in sorted({r["paper"] for r in ROWS})}
    from paperpal.index import index_papers

    report = index_papers([p.path for p in papers.values()], settings=load_settings({"index.path": str(folder)}))
    assert not report.failed, report.failed
    return papers, folder


def _score(results) -> tuple[float, float, float, list[str]]:
    sections = pages = zh = 0
    misses = []
    located = [(r, res) for r, res in results if r["sections"] != "NOT_FOUND"]
    for row, res in located:
        gold_sections = row["sections"].split("|")
        gold_pages = {int(p) for p in row["pages"].split(";")}
        ok_section = res.found and (res.section_number in gold_sections or res.section_title in gold_sections)
        ok_page = res.found and bool(set(res.pages) & gold_pages)
        sections += ok_section
        pages += ok_page
        zh += ok_section and row["lang"] == "zh"
        if not (ok_section and ok_page):
            misses.append(
                f"{row['id']}: got §{res.section_number} p{res.pages}, gold §{row['sections']} p{row['pages']}"
            )
    n = len(located)
    n_zh = sum(r["lang"] == "zh" for r, _ in located)
    return sections / n, pages / n, zh / n_zh, misses


def _run(labelled, settings, *, use_llm: bool):
    papers, folder = labelled
    settings.index.path = str(folder)
    return [(row, locate(papers[row["paper"]], row["question"], settings=settings, use_llm=use_llm)) for row in ROWS]


def _check(results, name: str) -> None:
    section, page, zh, misses = _score(results)
    off = [res for row, res in results if row["sections"] == "NOT_FOUND"]
    print(f"\n{name}: top-1 section {section:.1%}, page {page:.1%}, Chinese section {zh:.1%}; "
          f"off-topic answered 'not found' {sum(not r.found for r in off)}/{len(off)}; misses: {misses}")  # fmt: skip
    assert section >= TARGET and page >= TARGET, misses
    assert zh >= TARGET - 0.05, misses
    assert all(not r.found and r.candidates for r in off), "off-topic questions must be 'not found' with candidates"
    for row, res in results:
        if res.found:
            assert res.quote and res.quote_verified and not res.quote_replaced, row["id"]


def test_retrieval_only_accuracy(labelled):
    _check(_run(labelled, load_settings(), use_llm=False), "retrieval only")


@pytest.mark.slow
def test_full_local_pipeline_accuracy(labelled, bundled_gguf):
    results = _run(labelled, local_settings(bundled_gguf), use_llm=True)
    _check(results, "full local pipeline (bundled model)")
    explained = [res for _, res in results if res.found and res.explanation]
    assert len(explained) >= 0.9 * sum(res.found for _, res in results)
    assert results[0][1].backend == "local"


def test_quote_verification_ignores_whitespace_and_hyphenation_but_not_words(corpus):
    pages = page_texts(corpus / "mistral-7b.pdf")
    paper = parse_pdf(corpus / "mistral-7b.pdf")
    sentence = next(s for s in paper.chunks[2].text.split(". ") if len(s) > 80)
    spaced = "  ".join(sentence.split())
    assert verify_quote(spaced, pages).pages[0] in range(paper.chunks[2].page_start, paper.chunks[2].page_end + 1)
    assert verify_quote("Mistral 7B was trained on ten trillion tokens of private medical records.", pages) is None


def test_endpoint_quote_that_is_not_in_the_paper_is_replaced_and_flagged(corpus, standin, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-locate")
    settings = load_settings({"llm.base_url": standin.url, "llm.model": "stand-in"})
    invented = "The authors trained the model on the moon using solar-powered GPUs."
    standin.script.append(Reply(content=json.dumps({"choice": "A", "explanation": "It is there.", "quote": invented})))
    paper = parse_pdf(corpus / "mistral-7b.pdf")
    result = locate(paper, "How does each layer attend to a fixed span of previous tokens?", settings=settings)
    assert result.found and result.quote != invented
    assert result.quote_replaced and result.quote_verified and result.quote_source == "retrieval"
    assert result.explanation == "It is there."
    assert "the model's quote was not in the PDF" in locate_markdown(result)
    prompt = standin.requests[-1]["body"]["messages"][-1]["content"]
    assert "[A] §" in prompt and "[B] §" in prompt


def test_endpoint_pick_and_verified_quote_are_used(corpus, standin, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-locate")
    settings = load_settings({"llm.base_url": standin.url, "llm.model": "stand-in"})
    paper = parse_pdf(corpus / "mistral-7b.pdf")
    probe = locate(paper, "system prompt to enforce guardrails", settings=settings, use_llm=False)
    second = probe.candidates[1]
    text = next(c.text for c in paper.chunks if c.section_title == second["section_title"])
    quote = " ".join(text.split()[:25])
    standin.script.append(Reply(content=json.dumps({"choice": "B", "explanation": "B fits.", "quote": quote})))
    result = locate(paper, "system prompt to enforce guardrails", settings=settings)
    assert result.section_title == second["section_title"]
    assert result.quote == quote and result.quote_source == "model" and result.quote_verified


def test_empty_question_is_refused(corpus):
    paper = parse_pdf(corpus / "mistral-7b.pdf")
    with pytest.raises(InputFileError, match="empty"):
        locate(paper, "   ", settings=load_settings(), use_llm=False)


def test_cli_locate_json_and_markdown(corpus):
    pdf = str(corpus / "mistral-7b.pdf")
    runner = CliRunner()
    out = runner.invoke(cli, ["locate", pdf, "如何用系统提示让模型的回答遵守安全约束？", "--json", "--no-llm"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    for key in ("section_number", "section_title", "pages", "quote", "explanation", "candidates", "found"):
        assert key in data
    assert data["section_number"] == "5.1" and data["pages"] == [5]
    out = runner.invoke(cli, ["locate", pdf, "How is the model used as a content moderator?", "--no-llm"])
    assert out.exit_code == 0 and out.output.rstrip().splitlines()[-1].startswith("§5.2 ")


def test_cli_locate_on_bad_input(tmp_path, corpus):
    bad = tmp_path / "notes.pdf"
    bad.write_text("plain text, not a PDF")
    runner = CliRunner()
    out = runner.invoke(cli, ["locate", str(bad), "where is the method?", "--no-llm"])
    assert out.exit_code == 3 and out.output.startswith("Error: ") and "Traceback" not in out.output
    out = runner.invoke(cli, ["locate", str(corpus / "mistral-7b.pdf"), "", "--no-llm"])
    assert out.exit_code == 3 and "empty" in out.output


def test_endpoint_rewrites_a_chinese_question_into_english_before_retrieval(corpus, standin, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-locate")
    settings = load_settings({"llm.base_url": standin.url, "llm.model": "stand-in"})
    standin.script.append(Reply(content="system prompt that enforces guardrails on the answers"))
    standin.script.append(Reply(content=json.dumps({"choice": "A", "explanation": "在 5.1 节。", "quote": ""})))
    paper = parse_pdf(corpus / "mistral-7b.pdf")
    result = locate(paper, "如何让模型的回答遵守安全约束？", settings=settings)
    assert result.query.startswith("system prompt that enforces guardrails")
    assert result.section_number == "5.1" and result.explanation == "在 5.1 节。"
    assert result.quote_verified and not result.quote_replaced  # an empty model quote: the retrieved sentence
    first = standin.requests[0]["body"]["messages"][-1]["content"]
    assert "如何让模型的回答遵守安全约束" in first and "英文" in first

"""The structured summary end to end: every statement with its evidence, checked against the paper.

Endpoint tests run the real OpenAIBackend against the stdlib stand-in on 127.0.0.1 (a paid API cannot run here);
the stand-in's replies cite the real sentence numbers of the paper.  The note without a model (``--no-llm``) runs
the real pipeline on the real PDF; ``slow`` tests run the real bundled model through the real CLI.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from llm_support import Reply

from paperpal.cli import cli
from paperpal.export.markdown import note_markdown, render_note
from paperpal.note import SummaryNote
from paperpal.pdf import parse_pdf
from paperpal.settings import load_settings
from paperpal.tasks.condense import ZH_SHARE, usable
from paperpal.tasks.note_endpoint import endpoint_schema
from paperpal.tasks.passages import PaperSentences
from paperpal.tasks.quotes import page_texts, verify_quote
from paperpal.tasks.summary import summarize
from paperpal.text.normal import has_cjk

ATTENTION = "attention-is-all-you-need.pdf"


@pytest.fixture(scope="module")
def attention(corpus):
    return parse_pdf(corpus / ATTENTION)


@pytest.fixture(scope="module")
def ids(attention):
    """The number the endpoint sees for a sentence of the paper, by a phrase it contains."""
    index = PaperSentences(attention)

    def find(phrase: str) -> int:
        return next(s.order + 1 for s in index.sentences if s.citable and phrase in s.text)

    return find


def reply_note(ids, **changes) -> dict:
    note = {
        "keywords": ["self-attention", "Transformer", "machine translation"],
        "one_sentence": {"text": "The paper proposes the Transformer, an architecture based solely on attention "
                                 "mechanisms that dispenses with recurrence and convolutions.",
                         "sentences": [ids("We propose a new simple network architecture")]},
        "problem": {"text": "Recurrent models factor computation along the symbol positions of the input and output "
                            "sequences.",
                    "sentences": [ids("Recurrent models typically factor computation")]},
        "method": [
            {"aspect": "Multi-head attention", "detail": "Multi-head attention lets the model jointly attend to "
             "information from different representation subspaces at different positions.",
             "sentences": [ids("Multi-head attention allows the model")]},
            {"aspect": "Positional encoding", "detail": "Sine and cosine functions of different frequencies encode "
             "the positions.", "sentences": [ids("we use sine and cosine functions of different frequencies")]},
        ],
        "results": [
            {"aspect": "WMT 2014 English-German", "detail": "The model achieves 28.4 BLEU on the WMT 2014 "
             "English-to-German translation task, improving over the best results by over 2 BLEU.",
             "sentences": [ids("Our model achieves 28.4 BLEU")]},
        ],
        "strengths": [{"text": "The Transformer allows significantly more parallelization than recurrent models.",
                       "sentences": [ids("The Transformer allows for significantly more parallelization")]}],
        "weaknesses": [{"text": "The authors plan to investigate local, restricted attention mechanisms to handle "
                                "large inputs and outputs efficiently.",
                        "sentences": [ids("We plan to extend the Transformer")]}],
    }  # fmt: skip
    note.update(changes)
    return note


def endpoint_settings(standin, monkeypatch, **llm):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-summary")
    return load_settings({"llm.base_url": standin.url, "llm.model": "stand-in-model", **llm})


def _prompt(standin, last: int = -1) -> str:
    return standin.requests[last]["body"]["messages"][-1]["content"]


def assert_evidence_verified(note: SummaryNote, paper) -> None:
    """Every statement carries evidence whose quote stands verbatim on its 1-based page and whose section exists."""
    pages = page_texts(paper.path)
    sections = {(s.number, s.title) for s in paper.all_sections()} | {(None, "Abstract")}
    statements = note.statements()
    assert statements, "the note states something"
    for field, text, evidence, origin in statements:
        assert evidence, f"{field} has no evidence: {text}"
        for item in evidence:
            found = verify_quote(item.quote, pages, near=[item.page])
            assert found is not None and found.pages[0] == item.page, f"{field}: quote not on p. {item.page}"
            assert (item.section_number, item.section_title) in sections, f"{field}: no section {item.section_title}"
        assert origin in ("model", "paper"), (field, origin)


def test_endpoint_note_cites_the_paper_and_every_statement_is_checked(standin, monkeypatch, attention, ids):
    standin.script.append(Reply(content=json.dumps(reply_note(ids))))
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch))
    assert note.title == "Attention Is All You Need" and note.link == "https://arxiv.org/abs/1706.03762"
    assert note.authors_short == "Ashish Vaswani, Noam Shazeer, et al.", "parser fields come from the parser"
    schema = standin.requests[-1]["body"]["response_format"]["json_schema"]["schema"]
    assert schema == endpoint_schema("en"), "the endpoint is asked for the cited-note schema"
    prompt = _prompt(standin)
    assert f"[{ids('Our model achieves 28.4 BLEU')}] Our model achieves 28.4 BLEU" in prompt, "numbered sentences"
    assert "## 3.5 Positional Encoding" in prompt and "## References" not in prompt
    assert_evidence_verified(note, attention)
    assert all(origin == "model" for *_, origin in note.statements()), "every supported entry is kept as written"
    assert note.evidence["one_sentence"][0].section_title == "Abstract" and note.evidence["one_sentence"][0].page == 1
    assert note.method[1].evidence[0].section_number == "3.5" and note.method[1].evidence[0].page == 6
    markdown = note_markdown(note)
    assert "- **Positional encoding**: Sine and cosine functions of different frequencies encode the positions. " \
           "(§3.5, p. 6)" in markdown  # fmt: skip
    assert "7 written by the model and checked against that passage, 0 in the paper's own words" in markdown
    data = json.loads(json.dumps(note.to_dict()))
    assert set(data["strengths"][0]) == {"text", "evidence", "origin"}
    assert set(data["evidence"]) == {"one_sentence", "problem"}
    assert set(data["method"][0]["evidence"][0]) == {"section_number", "section_title", "page", "quote"}
    assert SummaryNote.from_dict(data) == note, "the JSON round-trips"
    assert "sk-test-summary" not in markdown and "sk-test-summary" not in json.dumps(data)


def test_a_rejected_entry_is_reasked_once_then_replaced_by_the_passage(standin, monkeypatch, attention, ids):
    recombined = {"aspect": "WMT 2014 English-French", "detail": "The model reaches 28.4 BLEU on the WMT 2014 "
                  "English-to-French task.", "sentences": [ids("On the WMT 2014 English-to-French translation task")]}
    wrong_strength = {"text": "Training takes twelve hours on one GPU.", "sentences": [ids("The Transformer allows for")]}
    reply = reply_note(ids, results=[*reply_note(ids)["results"], recombined], strengths=[wrong_strength])
    standin.script.extend([
        Reply(content=json.dumps(reply)),
        Reply(content="English-French\nStatement: The model reaches 28.4 BLEU on WMT 2014 English-to-French."),
        Reply(content="Parallel training\nStatement: The Transformer allows for significantly more parallelization "
                      "and can reach a new state of the art in translation quality."),
    ])  # fmt: skip
    stages: list[str] = []
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch), on_progress=stages.append)
    assert_evidence_verified(note, attention)
    assert "Checking every statement against the paper" in stages
    french = note.results[1]
    assert french.origin == "paper" and "41.8" in french.detail and "28.4" not in french.detail, "replaced, not shown"
    assert "English-to-French" in _prompt(standin, -2), "the re-ask shows the cited passage"
    assert note.strengths[0].origin == "model" and "parallelization" in note.strengths[0].text, "the re-ask passed"
    assert note.provenance["rejected_by_check"] == 2 and note.provenance["replaced_by_passage"] == 1
    assert "twelve hours on one GPU" not in note_markdown(note)


def test_an_entry_citing_no_sentence_of_the_paper_is_left_out(standin, monkeypatch, attention, ids):
    invented = {"aspect": "Decoder", "detail": "A 48-layer decoder is used.", "sentences": [99999]}
    standin.script.append(Reply(content=json.dumps(reply_note(ids, method=[*reply_note(ids)["method"], invented]))))
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch))
    assert [a.aspect for a in note.method] == ["Multi-head attention", "Positional encoding"]
    assert note.provenance["left_out"] == 1


def test_zh_note_is_chinese_and_a_rejected_zh_entry_is_left_out(standin, monkeypatch, attention, ids):
    zh = reply_note(
        ids,
        one_sentence={"text": "论文提出 Transformer,一种完全基于注意力机制、不用循环和卷积的网络架构。",
                      "sentences": [ids("We propose a new simple network architecture")]},
        results=[{"aspect": "WMT 2014 英德翻译", "detail": "Transformer 在 WMT 2014 英德翻译任务上达到 28.4 BLEU,"
                  "比已有最好结果高出 2 BLEU 以上。", "sentences": [ids("Our model achieves 28.4 BLEU")]},
                 {"aspect": "英法翻译", "detail": "Transformer 在 WMT 2014 英法翻译任务上达到 45.2 BLEU。",
                  "sentences": [ids("On the WMT 2014 English-to-French translation task")]}],
    )  # fmt: skip
    standin.script.extend([Reply(content=json.dumps(zh, ensure_ascii=False)),
                           Reply(content="英法翻译\n陈述:Transformer 在英法翻译上达到 45.2 BLEU。")])  # fmt: skip
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch), lang="zh")
    assert "中文阅读笔记" in _prompt(standin, -2)
    assert [r.aspect for r in note.results] == ["WMT 2014 英德翻译"], "the unsupported zh entry is left out"
    assert note.provenance["left_out"] == 1 and note.provenance["replaced_by_passage"] == 0
    markdown = note_markdown(note)
    assert "## 一句话总结" in markdown and "Ashish Vaswani, Noam Shazeer 等" in markdown
    assert "高出 2 BLEU 以上。（Abstract，第 1 页）" in markdown


def test_whole_paper_when_the_context_allows_else_a_selection(standin, monkeypatch, attention, ids):
    body = json.dumps(reply_note(ids))
    standin.script.extend([Reply(content=body), Reply(content=body)])
    summarize(attention, settings=endpoint_settings(standin, monkeypatch, **{"llm.context_window": 128000}))
    whole = _prompt(standin)
    summarize(attention, settings=endpoint_settings(standin, monkeypatch, **{"llm.context_window": 6000}))
    selection = _prompt(standin)
    assert "## 3.5 Positional Encoding" in whole and "## 7 Conclusion" in whole and "## References" not in whole
    assert len(selection) < len(whole) / 2, (len(selection), len(whole))
    assert "## Abstract" in selection and "## 7 Conclusion" in selection


def test_a_looping_reply_is_drawn_again_with_another_seed(standin, monkeypatch, attention, ids):
    loop = "10.3.25-146.798, " * 5
    looping = reply_note(ids, problem={"text": loop, "sentences": [3]})
    standin.script.extend([Reply(content=json.dumps(looping)), Reply(content=json.dumps(reply_note(ids)))])
    stages: list[str] = []
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch), on_progress=stages.append)
    seeds = [r["body"].get("seed") for r in standin.requests[-2:]]
    assert seeds[0] != seeds[1], seeds
    assert "Writing the note again (problem repeats itself)" in stages
    assert note.problem.startswith("Recurrent models factor computation")


def test_the_note_without_a_model_is_the_papers_own_words_with_evidence(corpus, attention, tmp_path, monkeypatch):
    note = summarize(attention, settings=load_settings({}), extractive=True)
    assert_evidence_verified(note, attention)
    assert {origin for *_, origin in note.statements()} == {"paper"}
    assert note.provenance["backend"] == "none" and note.provenance["statements"] == {"model": 0, "paper": len(note.statements())}
    assert note.one_sentence.startswith("We propose a new simple network architecture, the Transformer")
    assert any("28.4 BLEU" in r.detail for r in note.results), "the headline result"
    assert note.weaknesses, "the conclusion states what is left for future work"
    texts = [text for _, text, _, _ in note.statements()]
    assert len(texts) == len(set(texts)), "no sentence serves two fields"
    rendered = render_note(note, links=True)
    assert len(rendered.evidence) == len(texts) and "](#evidence-0)" in rendered.text
    out = tmp_path / "note.json"
    result = CliRunner().invoke(cli, ["summarize", str(corpus / ATTENTION), "--no-llm", "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["one_sentence"] == note.one_sentence
    zh = CliRunner().invoke(cli, ["summarize", str(corpus / ATTENTION), "--no-llm", "--lang", "zh"])
    assert zh.exit_code == 0, zh.output
    assert "## 一句话总结" in zh.stdout and note.one_sentence in zh.stdout, "zh headings, the paper's own words"
    assert "各条目为论文原文,未经翻译" in zh.stdout


def test_a_note_saved_before_evidence_existed_loads_and_says_it_was_not_checked():
    old = {"title": "T", "language": "en", "authors": ["A B"], "keywords": ["k"], "one_sentence": "It does X.",
           "problem": "Y is hard.", "method": [{"aspect": "m", "detail": "It uses Z."}], "results": [],
           "strengths": ["Fast."], "weaknesses": ["Slow."], "provenance": {"paperpal_version": "0.0.9",
           "backend": "local", "model": "m", "prompt": "summary.en.md@1", "source_file": "t.pdf"}}  # fmt: skip
    note = SummaryNote.from_dict(old)
    assert note.origin_counts()["unchecked"] == 5 and not any(ev for _, _, ev, _ in note.statements())
    text = note_markdown(note)
    assert "its 5 statements carry no evidence and were not checked" in text and "(p." not in text


def test_a_statement_that_loops_or_echoes_the_task_is_not_usable():
    passage = "Deploying independent instances of fine-tuned models, each with 175B parameters, is prohibitively expensive."
    assert usable("Deploying fine-tuned models with 175B parameters each is prohibitively expensive.", "en", passage)
    assert not usable("Deployment is prohibitively expensive, and hosting is prohibitively expensive.", "en", passage)
    assert not usable("The names and numbers are exactly as written in the paper.", "en", passage), "echoes the task"
    assert not usable("Transformer只依赖注意力机制进行翻译，只依赖注意力机制训练。", "zh", passage)
    assert usable("Transformer只依赖注意力机制进行翻译。", "zh", passage)


def test_unreachable_endpoint_is_one_line(corpus, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-unreachable")
    result = CliRunner().invoke(
        cli, ["summarize", str(corpus / ATTENTION), "--base-url", f"http://127.0.0.1:{port}/v1", "--model", "m"]
    )
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert f"http://127.0.0.1:{port}/v1" in result.stderr
    assert "sk-test-unreachable" not in result.output and "Traceback" not in result.output


# -- the bundled model, through the real CLI -------------------------------------------------------

REQUIRED_EN = [
    "# Attention Is All You Need\n",
    "- **Link**: https://arxiv.org/abs/1706.03762",
    "- **Authors**: Ashish Vaswani, Noam Shazeer, et al.",
    "## One-sentence summary",
    "### Problem",
    "### Method",
    "### Experimental results",
    "### Strengths",
    "### Limitations and future work (as the paper states them)",
    "local model `gemma-3-270m-q4_k_m`",
]


@pytest.mark.slow
def test_cli_summarize_on_the_bundled_model_json_then_markdown(corpus, bundled_gguf, monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERPAL_MODELS_DIR", str(bundled_gguf.parent))
    out = tmp_path / "note.json"
    result = CliRunner().invoke(cli, ["summarize", str(corpus / ATTENTION), "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Saved the note to {out}\n"
    note = SummaryNote.from_dict(json.loads(out.read_text(encoding="utf-8")))
    assert note.provenance["backend"] == "local" and note.provenance["model_calls"] >= len(note.statements())
    paper = parse_pdf(corpus / ATTENTION)
    assert_evidence_verified(note, paper)
    assert note.one_sentence and note.problem and len(note.method) >= 2 and note.results
    markdown = note_markdown(note)
    for piece in REQUIRED_EN:
        assert piece in markdown, f"{piece!r} missing from the note"
    assert re.search(r"\(§3\.\d+(\.\d)?, p\. [3-6]\)", markdown), "a method entry cites its section and page"


@pytest.mark.slow
def test_cli_summarize_zh_on_the_bundled_model(corpus, bundled_gguf, monkeypatch, tmp_path, _isolated_home):
    """By default the bundled model is not asked to translate: a zh note about an English paper is the paper's own
    words under Chinese headings, and says so.  With ``llm.local_translate`` the model writes Chinese statements, each
    checked against its passage, and an English sentence never stands in for one the check rejects."""
    monkeypatch.setenv("PAPERPAL_MODELS_DIR", str(bundled_gguf.parent))
    paper = parse_pdf(corpus / ATTENTION)
    out = tmp_path / "note.json"
    result = CliRunner().invoke(cli, ["summarize", str(corpus / ATTENTION), "--lang", "zh", "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    note = SummaryNote.from_dict(json.loads(out.read_text(encoding="utf-8")))
    assert_evidence_verified(note, paper)
    assert {origin for *_, origin in note.statements()} == {"paper"} and note.provenance["not_translated"] is True
    assert not any(has_cjk(text) for _, text, _, _ in note.statements()), "the paper's words, not a rendering"
    assert "各条目为论文原文,未经翻译" in note_markdown(note)

    settings = _isolated_home / "config" / "settings.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("[llm]\nlocal_translate = true\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["summarize", str(corpus / ATTENTION), "--lang", "zh", "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    note = SummaryNote.from_dict(json.loads(out.read_text(encoding="utf-8")))
    assert_evidence_verified(note, paper)
    statements = [text for _, text, _, _ in note.statements()]
    assert statements and all(has_cjk(t, ZH_SHARE) for t in statements), "every statement is Chinese"
    assert {origin for *_, origin in note.statements()} == {"model"}, "an English paper's words never stand in zh"
    assert "not_translated" not in note.provenance
    markdown = note_markdown(note)
    for piece in ("## 一句话总结", "### 研究方法", "### 局限与未来工作（论文自述）", "提示词 `condense.zh.md@"):
        assert piece in markdown, f"{piece!r} missing"


def test_an_english_note_about_a_chinese_paper_is_its_own_words_under_english_headings(corpus, tmp_path):
    """On the bundled model (and without a model) an English note about a Chinese paper quotes the paper."""
    out = tmp_path / "note.json"
    pdf = corpus / "bert-chinese-translation-zh.pdf"
    result = CliRunner().invoke(cli, ["summarize", str(pdf), "--no-llm", "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    note = SummaryNote.from_dict(json.loads(out.read_text(encoding="utf-8")))
    statements = [text for _, text, _, _ in note.statements()]
    assert len(statements) >= 5 and all(has_cjk(t, 0.2) for t in statements), statements
    assert note.problem and note.method and note.results, "Chinese cue words find the problem, method and results"
    assert "深度双向" in note.one_sentence, "the core idea goes on with how it works, in Chinese too"
    assert_evidence_verified(note, parse_pdf(pdf))
    markdown = note_markdown(note)
    assert "## One-sentence summary" in markdown and "The statements are the paper's own words, not translated" in markdown


def test_an_empty_note_says_why():
    """The core says why a note states nothing, so that the CLI and the app can say what to try."""
    from paperpal.note import SummaryNote

    assert SummaryNote("BERT：用于语言理解的深度双向 Transformer 预训练", "en").empty_reason() == "chinese_paper"
    assert SummaryNote("BERT：用于语言理解的深度双向 Transformer 预训练", "zh").empty_reason() == "nothing_checked"
    assert SummaryNote("Attention Is All You Need", "en").empty_reason() == "nothing_checked"
    assert SummaryNote("Attention Is All You Need", "en", one_sentence="The Transformer uses attention only.").empty_reason() == ""

"""The structured summary end to end: parser fields from the parser, model fields from the model.

Endpoint tests run the real OpenAIBackend against the stdlib stand-in on 127.0.0.1 (a paid API
cannot run here); ``slow`` tests run the real bundled model through the real CLI.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner
from llm_support import Reply

from paperpal.cli import cli
from paperpal.export.markdown import note_markdown
from paperpal.pdf import parse_pdf
from paperpal.settings import load_settings
from paperpal.tasks.summary import SummaryNote, checked, cleaned_fields, degenerate, note_schema, summarize

ATTENTION = "attention-is-all-you-need.pdf"
MODEL_NOTE = {
    "keywords": ["self-attention", "Transformer", "machine translation"],
    "one_sentence": "The Transformer replaces recurrence with attention and reaches 28.4 BLEU on WMT 2014 English-to-German.",
    "problem": "Recurrent sequence models compute step by step, which prevents parallel training on long sequences.",
    "method": [
        {
            "aspect": "Multi-head attention",
            "detail": "Eight heads attend to different representation subspaces.",
        },
        {
            "aspect": "Positional encoding",
            "detail": "Sine and cosine functions of different frequencies encode order.",
        },
    ],
    "results": [
        {
            "aspect": "Translation",
            "detail": "28.4 BLEU on English-to-German and 41.8 on English-to-French.",
        }
    ],
    "strengths": ["Training takes 3.5 days on eight P100 GPUs, far less than earlier models."],
    "weaknesses": ["Self-attention cost grows quadratically with sequence length."],
    "title": "A title the model made up",
}


@pytest.fixture(scope="module")
def attention(corpus):
    return parse_pdf(corpus / ATTENTION)


def endpoint_settings(standin, monkeypatch, **llm):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-summary")
    return load_settings({"llm.base_url": standin.url, "llm.model": "stand-in-model", **llm})


def _prompt(standin) -> str:
    return standin.requests[-1]["body"]["messages"][-1]["content"]


def test_parser_fields_come_from_the_parser_not_the_model(standin, monkeypatch, attention):
    standin.script.append(Reply(content=json.dumps({k: v for k, v in MODEL_NOTE.items() if k != "title"})))
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch))
    assert note.title == "Attention Is All You Need"
    assert note.authors_short == "Ashish Vaswani, Noam Shazeer, et al."
    assert note.link == "https://arxiv.org/abs/1706.03762" and note.year == 2017
    assert note.one_sentence == MODEL_NOTE["one_sentence"]
    assert [a.aspect for a in note.method] == [
        "Multi-head attention",
        "Positional encoding",
    ]
    assert note.provenance["backend"] == "openai" and note.provenance["model"] == "stand-in-model"
    assert note.provenance["prompt"].startswith("summary.en.md@")
    schema = standin.requests[-1]["body"]["response_format"]["json_schema"]["schema"]
    assert schema == note_schema(small_model=False), "the endpoint is asked for the note schema"
    markdown = note_markdown(note)
    assert markdown.startswith("# Attention Is All You Need\n")
    assert "- **Positional encoding**: Sine and cosine functions" in markdown
    assert "sk-test-summary" not in markdown and "sk-test-summary" not in json.dumps(note.to_dict())


def test_whole_paper_when_the_context_allows_else_a_selection(standin, monkeypatch, attention):
    body = json.dumps({k: v for k, v in MODEL_NOTE.items() if k != "title"})
    standin.script.extend([Reply(content=body), Reply(content=body)])
    summarize(
        attention,
        settings=endpoint_settings(standin, monkeypatch, **{"llm.context_window": 128000}),
    )
    whole = _prompt(standin)
    summarize(
        attention,
        settings=endpoint_settings(standin, monkeypatch, **{"llm.context_window": 5000}),
    )
    selection = _prompt(standin)
    assert "## 3.5 Positional Encoding" in whole and "## 7 Conclusion" in whole
    assert "Attention Is All You Need" in whole and "## References" not in whole
    assert len(selection) < len(whole) / 2, (len(selection), len(whole))
    assert "## Abstract" in selection and "## 7 Conclusion" in selection


def test_zh_note_uses_the_zh_prompt_and_template(standin, monkeypatch, attention):
    zh = dict(
        MODEL_NOTE,
        one_sentence="论文提出只用注意力机制的 Transformer,在 WMT 2014 英德翻译上达到 28.4 BLEU。",
    )
    standin.script.append(Reply(content=json.dumps({k: v for k, v in zh.items() if k != "title"})))
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch), lang="zh")
    assert "阅读笔记" in _prompt(standin)
    markdown = note_markdown(note)
    assert "## 一句话总结" in markdown and "Ashish Vaswani, Noam Shazeer 等" in markdown


def test_a_looping_reply_is_drawn_again_with_another_seed(standin, monkeypatch, attention):
    loop = "10.3.25-146.798, " * 5
    looping = dict(MODEL_NOTE, problem=loop, method=[{"aspect": "10.3.25-146.798,", "detail": loop}] * 2)
    del looping["title"]
    good = {k: v for k, v in MODEL_NOTE.items() if k != "title"}
    standin.script.extend([Reply(content=json.dumps(looping)), Reply(content=json.dumps(good))])
    stages = []
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch), on_progress=stages.append)
    seeds = [r["body"].get("seed") for r in standin.requests[-2:]]
    assert seeds[0] != seeds[1], seeds
    assert note.problem == MODEL_NOTE["problem"] and len(note.method) == 2
    assert stages[-1] == "Writing the note again (problem repeats itself)", stages
    collapsed = dict(good, method=[MODEL_NOTE["method"][0]] * 2)
    assert degenerate(cleaned_fields(collapsed), note_schema()) == "method has 1 distinct entries, fewer than 2"
    assert degenerate(cleaned_fields(good), note_schema()) is None


def test_entries_with_numbers_or_names_the_paper_lacks_are_left_out(standin, monkeypatch, attention):
    invented = {"aspect": "Translation", "detail": "31.7 BLEU on WMT 2016 English-to-Czech with TransformerXXL."}
    reply = dict(MODEL_NOTE, results=[*MODEL_NOTE["results"], invented],
                 strengths=["It reaches 99.9 BLEU with the MegaNet-7 decoder."])  # fmt: skip
    del reply["title"]
    standin.script.append(Reply(content=json.dumps(reply)))
    stages = []
    note = summarize(attention, settings=endpoint_settings(standin, monkeypatch), on_progress=stages.append)
    assert [r.detail for r in note.results] == [MODEL_NOTE["results"][0]["detail"]], "the invented result is gone"
    assert note.strengths == reply["strengths"], "a list keeps its minimum entry even when it is unsupported"
    assert stages[-1] == "Left out 1 entry with numbers or names not found in the paper", stages
    standin.script.append(Reply(content=json.dumps(reply)))
    written = summarize(attention, settings=endpoint_settings(standin, monkeypatch), check=False)
    assert len(written.results) == 2, "check=False returns the note as the model wrote it"
    part, dropped = checked(written, attention, small_model=False)
    assert dropped == 1 and len(part.method) == 2 and part.one_sentence == reply["one_sentence"]
    assert part.results == note.results and part.strengths == note.strengths


def test_unreachable_endpoint_is_one_line(corpus, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-unreachable")
    result = CliRunner().invoke(
        cli,
        [
            "summarize",
            str(corpus / ATTENTION),
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--model",
            "m",
        ],
    )
    assert result.exit_code == 5, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert f"http://127.0.0.1:{port}/v1" in result.stderr
    assert "sk-test-unreachable" not in result.output and "Traceback" not in result.output


# -- the bundled model, through the real CLI -------------------------------------------------------

REQUIRED_EN = [
    "# Attention Is All You Need\n",
    "- **Venue / year**: ",
    "- **Link**: https://arxiv.org/abs/1706.03762",
    "- **Code**: ",
    "- **Authors**: Ashish Vaswani, Noam Shazeer, et al.",
    "- **Keywords**: ",
    "## One-sentence summary",
    "### Problem",
    "### Method",
    "### Experimental results",
    "### Strengths",
    "### Weaknesses",
    "local model `gemma-3-270m-q4_k_m`",
]


@pytest.mark.slow
def test_cli_summarize_on_the_bundled_model_json_then_markdown(corpus, bundled_gguf, monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERPAL_MODELS_DIR", str(bundled_gguf.parent))
    out = tmp_path / "note.json"
    result = CliRunner().invoke(cli, ["summarize", str(corpus / ATTENTION), "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Saved the note to {out}\n"
    data = json.loads(out.read_text(encoding="utf-8"))
    model_part = {k: data[k] for k in note_schema(small_model=True)["properties"]}
    jsonschema.validate(model_part, note_schema(small_model=True))
    note = SummaryNote.from_dict(data)
    assert note.provenance["backend"] == "local" and note.provenance["completion_tokens"] > 20
    markdown = note_markdown(note)
    for piece in REQUIRED_EN:
        assert piece in markdown, f"{piece!r} missing from the note"
    assert "not printed in the paper" not in markdown.split("## One-sentence")[0].split("**Code**")[0]


@pytest.mark.slow
def test_cli_summarize_zh_markdown_on_the_bundled_model(corpus, bundled_gguf, monkeypatch):
    monkeypatch.setenv("PAPERPAL_MODELS_DIR", str(bundled_gguf.parent))
    result = CliRunner().invoke(
        cli,
        ["summarize", str(corpus / ATTENTION), "--lang", "zh", "--backend", "local"],
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    for piece in (
        "# Attention Is All You Need\n",
        "- **作者**: Ashish Vaswani, Noam Shazeer 等",
        "## 一句话总结",
        "### 研究问题",
        "### 研究方法",
        "### 实验结果",
        "### 优点",
        "### 不足",
        "提示词 `summary.zh.md@",
    ):
        assert piece in text, f"{piece!r} missing"

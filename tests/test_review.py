"""``paperpal review``: a related-work draft over several papers where every sentence cites [Author Year, p. N]
and every citation stands verbatim on that page; on an endpoint, sentences the support check rejects are replaced
by the papers' own words."""

from __future__ import annotations

import json
import re

import pymupdf
import pytest
from click.testing import CliRunner
from llm_support import Reply, make_backend

from paperpal.cli import cli
from paperpal.export.review import review_markdown
from paperpal.settings import load_settings
from paperpal.tasks.review import PARTS, review, shared_names
from paperpal.text import normalise

PAPERS = ("roformer-rotary-position-embedding.pdf", "electra-pre-training-text-encoders-as-discriminators.pdf",
          "xlnet-generalized-autoregressive-pretraining.pdf")  # fmt: skip


@pytest.fixture(scope="module")
def draft(corpus, tmp_path_factory):
    settings = load_settings({"index.path": str(tmp_path_factory.mktemp("index"))})
    return review([corpus / p for p in PAPERS], settings=settings, use_llm=False)


def _on_page(path: str, page: int, quote: str) -> bool:
    """Independently of PaperPal's own check: the quote, whitespace and hyphens aside, is on the page."""
    with pymupdf.open(path) as doc:
        text = doc[page - 1].get_text() + (doc[page].get_text() if page < doc.page_count else "")

    def flat(s: str) -> str:
        return re.sub(r"[\s-]+", "", normalise(s))  # the parser may keep or drop a line-break hyphen

    return flat(quote)[:80] in flat(text)


def test_every_sentence_cites_and_every_citation_is_on_its_page(draft):
    assert [p["label"] for p in draft.papers] == ["Su 2021", "Clark 2020", "Yang 2019"]
    assert [p.key for p in draft.parts] == list(PARTS) and draft.mode == "extractive"
    sentences = [s for part in draft.parts for s in part.sentences]
    assert len(sentences) >= 8
    for sentence in sentences:
        assert sentence.citations, sentence
        for citation in sentence.citations:
            assert _on_page(citation.path, citation.page, citation.quote), citation
        if sentence.origin == "paper":  # a quoted cell: the quote is the sentence's own text
            assert sentence.citations[0].quote[:40] in normalise(sentence.text)
    assert draft.counts["citations_verified"] == draft.counts["citations"] > 0
    for part in draft.parts:  # every paper stands in every part, or is listed as not found there
        cited = {c.label for s in part.sentences for c in s.citations}
        assert cited | set(part.not_found) == {"Su 2021", "Clark 2020", "Yang 2019"}
        assert not cited & set(part.not_found)


def test_markdown_ends_every_sentence_with_linked_citations(draft):
    text = review_markdown(draft, with_table=False)
    bullets = [line for line in text.splitlines() if line.startswith("- ") and "not found" not in line]
    assert len(bullets) == draft.counts["sentences"]
    for line in bullets:
        assert re.search(r"\[\\\[[A-Z][\w-]+ \d{4}, p\. \d+\\\]\]\(file://[^)]+#page=\d+\)$", line), line
    assert "## Common ground" in text and "## Open problems" in text
    assert "## Comparison table" in review_markdown(draft)


def test_common_ground_quotes_every_paper_that_uses_a_shared_name(draft):
    """ELECTRA and XLNet both evaluate on GLUE and compare with BERT: common ground names them, and each paper is
    quoted where it uses the name; a name one paper alone uses is not shared."""
    from paperpal.pdf import parse_pdf

    papers = [(row, parse_pdf(row.path)) for row in draft.table.rows]
    sentences = shared_names(papers, "en")
    names = [s.text.split(":")[0] for s in sentences]
    assert {"BERT", "GLUE"} <= set(names), names
    for sentence in sentences:
        assert len(sentence.citations) >= 2 and sentence.origin == "names"
        for citation in sentence.citations:
            assert sentence.text.split(":")[0].lower() in citation.quote.lower()
            assert f"“{citation.quote}” ({citation.label})" in sentence.text
    assert shared_names(papers[:1], "en") == []  # one paper shares nothing
    assert "RoPE" not in names  # RoFormer's own name: the others do not use it


def test_endpoint_prose_is_checked_and_what_fails_is_replaced_by_the_papers_words(draft, corpus, standin, tmp_path):
    """The stand-in writes, for the method part, one sentence that restates ELECTRA's own method sentence and one
    invented claim about RoFormer; the first is kept as the model's, the second replaced by RoFormer's own words."""
    electra = next(r for r in draft.table.rows if r.label == "Clark 2020")
    method = electra.cells["method"].text.rstrip(".")
    sources = [(r.label, c) for r in draft.table.rows for c in PARTS["method"] if r.cells[c].stated]
    e = sources.index(("Clark 2020", "method")) + 1
    s = sources.index(("Su 2021", "method")) + 1
    good = {"text": f"Clark 2020: {method[0].lower()}{method[1:]}.", "sources": [e]}
    bad = {"text": "Su 2021 trains RoFormer on 4096 TPUs and reaches 99.9% accuracy on ImageNet.", "sources": [s]}
    first = {"sentences": [{"text": "Su 2021 and Clark 2020 both address pre-training.", "sources": [1]}]}
    nothing = {f"c{n}": {"answer": "", "sentences": []} for n in range(1, 7)}  # the table: the rules' cells
    replies = [nothing] * 3 + [first, {"sentences": [good, bad]}, first, first]  # then one reply per part
    standin.script.extend(Reply(content=json.dumps(r)) for r in replies)
    settings = load_settings({"index.path": str(tmp_path / "index")})
    written = review([corpus / p for p in PAPERS], settings=settings, backend=make_backend(standin.url))
    assert written.mode == "endpoint"
    method_part = written.parts[1]
    kept = [x for x in method_part.sentences if x.origin == "model"]
    assert [x.citations[0].label for x in kept] == ["Clark 2020"]
    assert not any("99.9" in x.text for x in method_part.sentences)
    roformer = [x for x in method_part.sentences if x.citations[0].label == "Su 2021"]
    assert roformer and all(x.origin == "paper" for x in roformer)
    assert written.counts["rejected_by_check"] >= 1 and written.counts["replaced_by_passage"] >= 1
    assert written.counts["citations_verified"] == written.counts["citations"]
    prompts = [r["body"]["messages"][-1]["content"] for r in standin.requests]
    prompt = next(p for p in prompts if "Differences in method" in p)
    assert len(prompts) == 7 and "[1] " in prompt and "Clark 2020" in prompt and "Differences in method" in prompt


def test_cli_writes_the_draft_and_json(corpus, tmp_path):
    out_file = tmp_path / "review.md"
    pdfs = [str(corpus / p) for p in PAPERS[:2]]
    result = CliRunner().invoke(cli, ["review", *pdfs, "-o", str(out_file), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    text = out_file.read_text(encoding="utf-8")
    assert text.startswith("# 相关工作: Su 2021; Clark 2020") and "## 方法差异" in text and "第 " in text
    data = json.loads(CliRunner().invoke(cli, ["review", *pdfs, "--json", "--no-table"]).output)
    assert [p["label"] for p in data["papers"]] == ["Su 2021", "Clark 2020"]
    assert {"sentences", "citations", "citations_verified"} <= set(data["counts"])
    assert all(s["citations"][0]["page"] >= 1 for part in data["parts"] for s in part["sentences"])
    result = CliRunner().invoke(cli, ["review"])
    assert result.exit_code == 2 and "give PDFs, or --collection" in result.output
    result = CliRunner().invoke(cli, ["review", *pdfs, "--write-note"])
    assert result.exit_code == 2 and "--write-note needs --collection NAME" in result.output

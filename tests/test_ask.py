"""``ask``: library answers whose every claim carries a checked (paper, §section, p. page) citation."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from llm_support import Reply, local_settings

from paperpal.cli import cli
from paperpal.errors import InputFileError
from paperpal.index import IndexEntry, index_papers, search
from paperpal.settings import load_settings
from paperpal.tasks.ask import ask, ask_markdown

MISTRAL = "mistral-7b.pdf"
TEXTCNN = "textcnn-convolutional-neural-networks-for-sentence-classification.pdf"


@pytest.fixture(scope="module")
def library(corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ask-index")
    meta = {"key": "K1", "title": "Mistral 7B", "collections": ["LLMs"], "tags": ["attention"]}
    report = index_papers([IndexEntry(corpus / MISTRAL, meta), corpus / TEXTCNN],
                          settings=load_settings({"index.path": str(folder)}))  # fmt: skip
    assert len(report.indexed) == 2
    return folder


def _endpoint(standin, monkeypatch, folder):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-ask")
    return load_settings({"llm.base_url": standin.url, "llm.model": "stand-in", "index.path": str(folder)})


def test_claims_cite_their_source_and_quotes_are_checked(library, standin, monkeypatch):
    settings = _endpoint(standin, monkeypatch, library)
    claims = [
        {"claim": "Mistral uses sliding window attention.", "source": 1, "quote": "PLACEHOLDER"},
        {"claim": "It was trained on Mars.", "source": 1, "quote": "Mistral 7B was trained entirely on Mars."},
    ]
    # the first quote is a real sentence of source 1: fetch the sources first, then script the reply
    from paperpal.index import search

    top = search("sliding window attention memory", settings=settings, k=8, tag="attention")[0]
    claims[0]["quote"] = " ".join(top.text.split()[:20])
    standin.script.append(Reply(content=json.dumps({"claims": claims})))
    result = ask("sliding window attention memory", settings=settings, tag="attention")
    assert {s["paper_title"] for s in result.sources} == {"Mistral 7B"}  # the tag scoped the search
    first, second = result.claims
    assert first.quote == claims[0]["quote"] and first.quote_verified and not first.quote_replaced
    assert first.citation.startswith("(Mistral 7B, §") and ", p. " in first.citation
    assert second.quote_replaced and second.quote != claims[1]["quote"] and second.quote_verified
    assert first.origin == "model"  # supported by its source
    assert second.origin == "paper" and second.text == second.quote  # "trained on Mars" fails the support check
    text = ask_markdown(result)
    assert "Mars" not in text and "the check could not support" in text and "Sources:" in text
    prompt = standin.requests[-1]["body"]["messages"][-1]["content"]
    assert "[1] (Mistral 7B, §" in prompt


def test_a_question_naming_two_papers_gets_sources_and_evidence_from_each(library, standin, monkeypatch):
    """Both papers are searched on their own; the stand-in cites Mistral only, so the CNN paper's best verified
    sentence is added as its own words."""
    settings = _endpoint(standin, monkeypatch, library)
    question = "How does the attention of Mistral 7B differ from the filters of the sentence CNN?"
    standin.script.append(Reply(content=json.dumps({"claims": [
        {"claim": "Mistral 7B uses grouped-query attention.", "source": 1, "quote": ""}]})))  # fmt: skip
    result = ask(question, settings=settings)
    titles = {s["paper_title"] for s in result.sources}
    assert len(result.named) == 2 and len(titles) == 2, (result.named, titles)
    by_paper = {c.paper_id: c for c in result.claims}
    assert len(by_paper) == 2
    added = [c for c in result.claims if c.origin == "added"]
    assert len(added) == 1 and added[0].quote_verified and added[0].text == added[0].quote
    assert "Mistral" not in next(s["paper_title"] for s in result.sources if s["paper_id"] == added[0].paper_id)
    text = ask_markdown(result)
    assert text.count("\n*") == 2 and "added by PaperPal" in text


def test_a_model_without_a_usable_answer_leaves_the_papers_own_words(library, standin, monkeypatch):
    """A reply that is no JSON of the schema (twice: the backend tries again) is no error: each paper the sources come
    from gets its best verified sentence, the paper's own words."""
    settings = _endpoint(standin, monkeypatch, library)
    standin.script.extend([Reply(content="Mistral uses {sliding"), Reply(content="not JSON either")])
    result = ask("How does the attention of Mistral 7B differ from the filters of the sentence CNN?", settings=settings)
    assert len(standin.requests) >= 2 and not standin.script, "both scripted replies were read"
    assert {c.paper_id for c in result.claims} == set(result.named) and len(result.named) == 2
    assert all(c.origin == "added" and c.quote_verified and c.text == c.quote for c in result.claims)
    standin.script.extend([Reply(content="{}"), Reply(content="{}")])  # a question naming no paper
    result = ask("sliding window attention memory", settings=settings, tag="attention")
    assert result.claims and all(c.origin == "added" for c in result.claims)


def test_a_name_alone_is_no_claim(library, standin, monkeypatch):
    settings = _endpoint(standin, monkeypatch, library)
    top = search("sliding window attention memory", settings=settings, k=8, tag="attention")[0]
    quote = " ".join(top.text.split()[:20])
    standin.script.append(Reply(content=json.dumps({"claims": [{"claim": "Mistral 7B", "source": 1, "quote": quote}]})))
    result = ask("sliding window attention memory", settings=settings, tag="attention")
    assert result.claims[0].origin == "paper" and result.claims[0].text == quote  # the quote, the paper's words


def test_empty_question_and_empty_scope(library, standin, monkeypatch):
    settings = _endpoint(standin, monkeypatch, library)
    with pytest.raises(InputFileError, match="empty"):
        ask("  ", settings=settings)
    result = ask("anything", settings=settings, collection="No such collection")
    assert result.sources == [] and result.claims == [] and "No indexed paper matches" in ask_markdown(result)


@pytest.mark.slow
def test_ask_on_the_bundled_model_cites_valid_sources(library, bundled_gguf, corpus):
    settings = local_settings(bundled_gguf)
    settings.index.path = str(library)
    result = ask("What filter window sizes does the sentence CNN use?", settings=settings)
    assert result.claims and result.backend == "local"
    for claim in result.claims:
        assert 1 <= claim.source <= len(result.sources)
        assert claim.citation.startswith("(") and ", p. " in claim.citation
        assert claim.quote_verified and claim.quote
    said = [(c.paper_id, c.text) for c in result.claims]
    assert len(said) == len(set(said)), "no statement twice"
    for paper_id in result.named:  # the paper the question names: its own words closest to the question, up to 3
        assert 1 <= sum(c.paper_id == paper_id for c in result.claims), result.claims


def test_cli_ask_json_on_an_empty_library(standin, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-ask")
    out = CliRunner().invoke(
        cli, ["ask", "How do LoRA and QLoRA differ?", "--json", "--base-url", standin.url, "--model", "stand-in"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["sources"] == [] and data["claims"] == []


def test_a_claim_the_check_rejects_is_never_shown_as_checked(library, monkeypatch):
    """Without a sentence of the source that can be verified on a page, a rejected claim is left out (None), not kept
    as the model's; a supported one stays the model's."""
    from paperpal.index.embedders import get_embedder
    from paperpal.tasks.ask import _claim

    settings = load_settings({"index.path": str(library)})
    hit = search("sliding window attention", settings=settings, k=1, tag="attention")[0]
    embedder = get_embedder(settings)
    assert _claim({"claim": "Mistral 7B was trained entirely on Mars.", "quote": ""}, 1, hit, (), embedder) is None
    words = " ".join(hit.text.split()[:25])
    kept = _claim({"claim": words, "quote": ""}, 1, hit, (), embedder)
    assert kept is not None and kept.origin == "model" and not kept.quote_verified


def test_a_rejected_claim_gives_way_to_the_sentence_that_stands_in_for_it(library, monkeypatch):
    """On the small model a claim the check rejects becomes the first of the source's sentences closest to the
    question that stands on a page (``instead``), not the model's own quote; without it, the verified quote stays."""
    from paperpal.index.embedders import get_embedder
    from paperpal.tasks.ask import _claim, _pages_of
    from paperpal.text.sentences import sentences as split

    settings = load_settings({"index.path": str(library)})
    hit = search("sliding window attention", settings=settings, k=1, tag="attention")[0]
    embedder, pages = get_embedder(settings), _pages_of(settings)(hit.paper_id)
    quote = " ".join(hit.text.split()[:20])
    item = {"claim": "Mistral 7B was trained entirely on Mars.", "quote": quote}
    assert _claim(item, 1, hit, pages, embedder).text == quote
    sentences = [s for s in split(hit.text) if len(s) > 40]
    stand_in = _claim(item, 1, hit, pages, embedder, instead=sentences[::-1])
    assert stand_in.origin == "paper" and stand_in.text != quote and stand_in.quote_verified
    assert stand_in.text in sentences and stand_in.text == stand_in.quote


def test_the_papers_own_words_come_with_their_neighbouring_sentences(library, monkeypatch):
    """An added statement is the closest sentence with the prose sentences just before and after it (within
    PASSAGE_CHARS), verbatim on its page; a pointer or a formula next to it is not taken in."""
    from paperpal.tasks.ask import PASSAGE_CHARS, passage

    text = ("Figure 3 shows the results. We use a window of 4096 tokens for every layer of the model. It bounds the "
            "cache so memory stays fixed as the sequence grows. The rolling buffer holds the last 4096 keys.")  # fmt: skip
    middle = "We use a window of 4096 tokens for every layer of the model."
    assert passage(middle, text) == (middle + " It bounds the cache so memory stays fixed as the sequence grows.")
    assert passage("It bounds the cache so memory stays fixed as the sequence grows.", text, chars=70) == \
        "It bounds the cache so memory stays fixed as the sequence grows."  # fmt: skip
    assert passage("Not in the text at all.", text) == "Not in the text at all."
    settings = load_settings({"index.path": str(library)})
    hit = search("sliding window attention", settings=settings, k=1, tag="attention")[0]
    from paperpal.text.sentences import sentences as split

    parts = split(hit.text)
    longer = [passage(s, hit.text) for s in parts]
    assert any(len(p) > len(s) for p, s in zip(longer, parts)) and all(len(p) <= max(PASSAGE_CHARS, len(s))
                                                                       for p, s in zip(longer, parts))  # fmt: skip

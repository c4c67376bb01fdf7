"""The text rules and the cited-sentence view of a paper: sentences, section kinds, pages, what an endpoint reads."""

from __future__ import annotations

import pytest

from paperpal.note import authors_short
from paperpal.pdf import parse_pdf
from paperpal.tasks.paper_text import numbered_text
from paperpal.tasks.passages import PaperSentences
from paperpal.tasks.quotes import page_texts, verify_quote
from paperpal.text import sentences
from paperpal.text.prose import is_prose, readable
from paperpal.text.section_kinds import section_kinds


def words(text: str) -> int:
    """A stand-in token count: the selection logic only needs a monotone cost."""
    return len(text.split())


@pytest.fixture(scope="module")
def attention(corpus):
    return parse_pdf(corpus / "attention-is-all-you-need.pdf")


@pytest.fixture(scope="module")
def attention_sentences(attention):
    return PaperSentences(attention)


def test_sentences_keep_abbreviations_decimals_and_split_chinese():
    text = "As Aghajanyan et al. (2020) show, e.g. in Fig. 3, rank 1.5 suffices. Then it ends. 我们提出了模型。它很好！OK."
    assert sentences(text) == [
        "As Aghajanyan et al. (2020) show, e.g. in Fig. 3, rank 1.5 suffices.",
        "Then it ends.",
        "我们提出了模型。",
        "它很好!",
        "OK.",
    ]
    assert sentences("") == []


def test_section_kinds_follow_titles_parents_and_place():
    titles = [("Abstract", 1), ("Introduction", 1), ("Background", 1), ("Model Architecture", 1),
              ("Scaled Dot-Product Attention", 2), ("Why Self-Attention", 1), ("Training", 1), ("Results", 1),
              ("Machine Translation", 2), ("Limitations", 1), ("Conclusion", 1), ("References", 1),
              ("Attention Visualizations", 1)]  # fmt: skip
    assert section_kinds(titles) == ["abstract", "intro", "related", "method", "method", "method", "method",
                                     "experiments", "experiments", "discussion", "conclusion", "back", "appendix"]


def test_prose_and_readable_form():
    assert is_prose("Mistral 7B outperforms the previous best 13B model (Llama 2, [26]) across all tested benchmarks.")
    assert not is_prose("Figure 1: Sliding Window Attention.")
    assert not is_prose("Batch Size 32 16 1 Sequence Length 512 256 128 0.5M 11M 11M Fine-Tune 1449.4±0.8 338.0±0.6.")
    assert not is_prose("For a weight W0 ∈Rd×k, we constrain W0 + ∆W = W0 + BA, where B ∈Rd×r and A ∈Rr×k.")
    assert readable("Adapters (Houlsby et al., 2019; Lin et al., 2020) add layers [12, 13].") == "Adapters add layers."
    assert readable("We share the weight matrix, similar to [30].") == "We share the weight matrix, similar to [30].", (
        "a citation that is the sentence's object stays"
    )
    assert not is_prose("Scaled Dot-Product Attention Multi-Head Attention Figure 2: (left) Scaled Dot-Product "
                        "Attention. (right) Multi-Head Attention consists of several attention layers."), "figure text"


def test_every_citable_sentence_stands_on_its_page_and_references_are_left_out(attention, attention_sentences):
    cited = [s for s in attention_sentences.sentences if s.citable]
    assert len(cited) > 0.85 * len(attention_sentences.sentences), "most sentences are found on a page"
    pages = page_texts(attention.path)
    for sentence in cited:
        found = verify_quote(sentence.text, pages, near=[sentence.page])
        assert found is not None and found.pages[0] == sentence.page, sentence.text
    kinds = {s.kind for s in attention_sentences.sentences}
    assert "back" not in kinds and {"abstract", "intro", "method", "experiments", "conclusion"} <= kinds
    encoding = [s for s in cited if s.section.title == "Positional Encoding"]
    assert encoding and all(s.page == 6 for s in encoding), "§3.5 is on page 6"
    assert "ELMo" not in attention_sentences.context and "Transformer" in attention_sentences.context


def test_numbered_text_is_the_whole_body_when_it_fits(attention_sentences):
    text = numbered_text(attention_sentences, 10**6, words)
    assert "## 3.5 Positional Encoding" in text and "## 7 Conclusion" in text and "## References" not in text
    first = attention_sentences.sentences[0]
    assert f"[{first.order + 1}] {first.text}" in text


def test_numbered_selection_within_budget_keeps_abstract_heads_and_conclusion(attention_sentences):
    text = numbered_text(attention_sentences, 1500, words)
    assert words(text) <= 1500 * 1.1
    assert text.index("## Abstract") < text.index("## 1 Introduction") < text.index("## 7 Conclusion"), "document order"
    abstract = [s for s in attention_sentences.sentences if s.kind == "abstract" and s.citable]
    assert all(f"[{s.order + 1}] {s.text}" in text for s in abstract), "the whole abstract comes first"
    for label in ("3.2.1 Scaled Dot-Product Attention", "3.5 Positional Encoding", "6.1 Machine Translation"):
        assert f"## {label}\n" in text, f"head of {label} missing"
    assert "BLEU" in text, "result numbers are kept"


def test_authors_short_two_names_then_et_al():
    assert authors_short(["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]) == "Ashish Vaswani, Noam Shazeer, et al."
    assert authors_short(["A B", "C D"]) == "A B and C D"
    assert authors_short(["张三", "李四", "王五"], "zh") == "张三, 李四 等"

"""What the model reads: the whole body when it fits, else a reasoned selection within budget."""

from __future__ import annotations

import jsonschema
import pytest

from paperpal.pdf import parse_pdf
from paperpal.tasks.paper_text import normalise, select_text, sentences
from paperpal.tasks.summary import authors_short, note_schema


def words(text: str) -> int:
    """A stand-in token count: the selection logic only needs a monotone cost."""
    return len(text.split())


@pytest.fixture(scope="module")
def attention(corpus):
    return parse_pdf(corpus / "attention-is-all-you-need.pdf")


def test_whole_body_when_it_fits_and_never_the_references(attention):
    text = select_text(attention, 10**6, words)
    assert "## 3.5 Positional Encoding" in text
    assert "## 7 Conclusion" in text
    assert "## References" not in text
    assert normalise(attention.sections[0].text)[:200] in text


def test_selection_within_budget_keeps_abstract_intro_heads_and_conclusion(attention):
    text = select_text(attention, 1500, words)
    assert words(text) <= 1500 * 1.1  # headings are counted approximately
    assert text.index("## Abstract") < text.index("## 1 Introduction") < text.index("## 7 Conclusion"), "document order"
    abstract = sentences(attention.sections[0].text)
    assert all(s in text for s in abstract), "the whole abstract comes first"
    for label in ("3.2.1 Scaled Dot-Product Attention", "3.5 Positional Encoding", "6.1 Machine Translation"):
        assert f"## {label}\n" in text, f"head of {label} missing"
    assert "BLEU" in text, "result numbers are kept"
    smaller = select_text(attention, 400, words)
    assert words(smaller) <= 440 and all(s in smaller for s in abstract[:3])


def test_authors_short_two_names_then_et_al():
    assert authors_short(["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]) == "Ashish Vaswani, Noam Shazeer, et al."
    assert authors_short(["A B", "C D"]) == "A B and C D"
    assert authors_short(["张三", "李四", "王五"], "zh") == "张三, 李四 等"


def test_small_model_schema_forbids_json_breaking_characters():
    schema = note_schema(small_model=True)
    good = {"keywords": ["attention", "transformer", "translation"], "one_sentence": "x" * 40, "problem": "y" * 40,
            "method": [{"aspect": "Model", "detail": "z" * 30}] * 2, "results": [{"aspect": "BLEU", "detail": "w" * 30}],
            "strengths": ["s" * 20], "weaknesses": ["v" * 20]}
    jsonschema.validate(good, schema)
    bad = dict(good, problem="{ {\n" * 20)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)

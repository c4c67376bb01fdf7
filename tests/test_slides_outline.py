"""The outline's rules on their own: which model text is kept, how the paper is cut into slides, text fitting."""

from __future__ import annotations

import pytest

from paperpal.export.pptx.fit import Para, best_size, fit_texts, height, text_width, wrap
from paperpal.model import Paper, Section
from paperpal.slides.details import extract_details
from paperpal.slides.plan import plan_units
from paperpal.slides.verify import verified_detail
from paperpal.slides.write import slide_schema

SOURCE = (
    "We trained on the standard WMT 2014 English-German dataset consisting of about 4.5 million sentence pairs. "
    "We trained our models on one machine with 8 NVIDIA P100 GPUs. Each training step took about 0.4 seconds."
)


@pytest.mark.parametrize(
    "detail, kept",
    [
        ("WMT 2014 English-German: about 4.5 million sentence pairs", True),
        ("Models trained on one machine with 8 NVIDIA P100 GPUs", True),
        ("WMT 2014 English-German: about 45 million sentence pairs", False),  # a number not in the text
        ("WMT 201 English-German: about 4.5 million sentence pairs", False),  # "201" is not "2014"
        ("Trained on 8 TPUs for 3 weeks with a new optimizer", False),  # words not in the text
        ("The training was very efficient and strong", False),  # no number, no name: a slogan
        ("模型在 8 块 NVIDIA P100 GPU 上训练", True),  # a Chinese deck of an English paper: terms and numbers
        ("模型在 16 块 NVIDIA V100 GPU 上训练", False),
    ],
)
def test_a_detail_is_kept_only_when_the_section_supports_it(detail, kept):
    assert verified_detail(detail, SOURCE) is kept


def test_extractive_details_prefer_numbers_and_skip_boilerplate():
    text = (
        "This section describes the training. 31st Conference on Neural Information Processing Systems (NIPS 2017). "
        "We thank the reviewers for their comments and the grant 1234 for support. " + SOURCE
    )
    details = extract_details(text, 3)
    assert details[0].startswith("We trained on the standard WMT 2014") and len(details) == 3
    assert not any("Conference" in d or "grant" in d for d in details), details


def test_a_captions_sentence_is_never_a_detail():
    """A caption's text flows into its section's on the page; its side notes are not the section's points."""
    caption = ("Table 3: Variations on the Transformer architecture. Unlisted values are identical to those of the "
               "base model. All metrics are on the English-to-German translation development set, newstest2013.")
    text = SOURCE + " All metrics are on the English-to-German\ntranslation development set, newstest2013."
    assert any("newstest2013" in d for d in extract_details(text, 9))
    details = extract_details(text, 9, captions=[caption])
    assert details[-1].startswith("All metrics are on"), "a caption's sentence only when nothing else is left"
    assert not any("newstest2013" in d for d in extract_details(text, len(details) - 1, captions=[caption]))


def _paper(sections: list[Section]) -> Paper:
    return Paper(id="x", path="x.pdf", page_count=9, sections=sections)


def _section(number, title, page, text, children=()):
    return Section(number, title, 1 if "." not in number else 2, page, page, text, list(children))


def test_sections_are_split_or_merged_to_the_talk_length():
    sentence = "The ACME model reached 91.2 percent on the Berlin corpus in run {}. "
    long_text = "".join(sentence.format(k) for k in range(60))
    method = _section("3", "Method", 3, "Overview of the method.", [
        _section("3.1", "Encoder", 3, long_text), _section("3.2", "Decoder", 4, long_text),
    ])  # fmt: skip
    paper = _paper([
        _section("", "Abstract", 1, "Short abstract."), _section("1", "Introduction", 1, long_text),
        _section("2", "Related Work", 2, "Short related work."), method, _section("4", "Results", 5, long_text),
        _section("", "References", 8, "[1] A reference."),
    ])  # fmt: skip
    labels = [u.label for u in plan_units(paper, 5)]
    assert labels[0] == "1 Introduction" and "3.1 Encoder" in labels and "3.2 Decoder" in labels, labels
    assert not any("Abstract" in l or "References" in l for l in labels), labels
    assert len(labels) == 5
    three = [u.label for u in plan_units(paper, 3)]
    assert len(three) == 3 and any("·" in l for l in three), f"short neighbours are merged: {three}"
    many = [u.label for u in plan_units(paper, 9)]
    assert len(many) == 9 and "4 Results (1/2)" in many, many


def test_local_schema_is_tight_and_leaves_the_question_to_paperpal():
    schema = slide_schema(small_model=True)
    assert schema["required"] == ["title", "details"]
    assert schema["properties"]["details"]["minItems"] == schema["properties"]["details"]["maxItems"] == 3
    capable = slide_schema(small_model=False)
    assert capable["required"] == ["title", "details", "question"] and capable["properties"]["details"]["maxItems"] == 5


def test_text_fitting_never_overflows_and_never_goes_below_the_smallest_size():
    text = "Multi-head attention lets the model attend to different representation subspaces at once. " * 6
    assert text_width("W", 10) > text_width("i", 10) and text_width("模型", 10) == pytest.approx(2 * 10 * 1.04)
    lines = wrap(text, 300, 20)
    assert all(text_width(line, 20) <= 300 for line in lines) and " ".join(lines).split() == text.split()
    fitted, size = fit_texts([text, "short"], 400, 120, (22, 18, 14))
    assert size == 14 and fitted[0].endswith("…") and height([Para(t) for t in fitted], 400, 14, 0.3 * 14) <= 120
    assert best_size([Para("fits")], 400, 120, (22, 18, 14)) == 22


def test_text_copied_from_the_prompt_example_is_dropped():
    from paperpal.resources import load_prompt
    from paperpal.slides.verify import copied as _copied

    examples = load_prompt("outline", "en").body.split("{{ paper_title }}")[0]
    assert _copied("Why do identity shortcuts let much deeper networks train better?", examples, SOURCE)
    assert not _copied("Would the results hold with a tenth of the WMT 2014 sentence pairs?", examples, SOURCE)

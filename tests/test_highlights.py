"""The reader's own Zotero highlights: from every Zotero source into the Paper, a "Your highlights" part of the
note (located: section and page), preferred as the note's evidence, and "what did I highlight about X" in locate."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from paperpal.cli import cli
from paperpal.export.markdown import note_markdown
from paperpal.model import Highlight
from paperpal.pdf import parse_pdf
from paperpal.settings import load_settings
from paperpal.tasks.highlights import asks_for_highlights, highlighted_orders, located
from paperpal.tasks.locate import locate, locate_markdown
from paperpal.tasks.note_plan import plan_note
from paperpal.tasks.passages import PaperSentences
from paperpal.tasks.summary import summarize
from paperpal.zotero.library import library_item
from paperpal.zotero.sync import sync

BENGIO = "a-neural-probabilistic-language-model.pdf"
EXPECTED = [  # what tests/zotero_support.py puts into the library for item BENGIO03
    {"page": 1, "text": "statistical language modeling", "comment": "key idea", "type": "highlight", "color": "#ffd400"},
    {"page": 2, "text": "", "comment": "see section 2", "type": "note", "color": "#ffd400"},
]


@pytest.mark.parametrize("source", ["sqlite", "local", "web"])
def test_highlights_come_from_every_zotero_source(zotero_env, source):
    settings = zotero_env.settings()
    sync(settings, source=source, index=False)
    got = library_item(settings, "BENGIO03").metadata["highlights"]
    assert [{k: h[k] for k in ("page", "text", "comment", "type")} for h in got] == \
        [{k: h[k] for k in ("page", "text", "comment", "type")} for h in EXPECTED]  # fmt: skip
    assert library_item(settings, "MIKOLOV1").metadata["highlights"] == []


@pytest.fixture(scope="module")
def bengio(corpus):
    return parse_pdf(corpus / BENGIO)


def test_the_note_has_your_highlights_located_in_the_paper(bengio):
    paper = bengio
    paper.highlights = [Highlight.from_dict(h) for h in EXPECTED]
    note = summarize(paper, settings=load_settings(), extractive=True)
    first, second = note.highlights
    assert (first.page, first.section_title) == (1, "Abstract")  # the highlighted words stand in the abstract
    assert second.page == 2 and second.section_title  # a note annotation: the section its page is in
    text = note_markdown(note)
    assert "## Your highlights" in text
    assert "- “statistical language modeling” (Abstract, p. 1) — *your comment*: key idea" in text
    assert "— *your comment*: see section 2" in text
    paper.highlights = []
    assert "Your highlights" not in note_markdown(summarize(paper, settings=load_settings(), extractive=True))


def test_highlighted_passages_come_first_in_the_notes_evidence(bengio):
    paper = bengio
    paper.highlights = []
    plain = plan_note(PaperSentences(paper))
    method = plain.of("method")
    assert len(method) >= 3
    target = method[2].run[0]
    paper.highlights = [Highlight(page=target.page, text=target.text)]
    index = PaperSentences(paper)
    assert target.order in highlighted_orders(index)
    assert plan_note(index).of("method")[0].run[0].text == target.text
    assert plan_note(index).of("method")[1].run[0].text == method[0].run[0].text  # the rest keep their order
    paper.highlights = []


def test_locate_answers_what_did_i_highlight(bengio):
    paper = bengio
    sentences = [s for s in PaperSentences(paper).sentences if s.prose and s.citable]
    about_curse = next(s for s in sentences if "curse of dimensionality" in s.text)
    about_speed = next(s for s in sentences if "parallel" in s.text.lower())
    paper.highlights = [Highlight(page=about_speed.page, text=about_speed.text, comment="how they scale training"),
                        Highlight(page=about_curse.page, text=about_curse.text)]  # fmt: skip
    assert asks_for_highlights("What did I highlight about the curse of dimensionality?")
    assert asks_for_highlights("我标注了哪些关于维度灾难的内容？")
    assert not asks_for_highlights("Where is the curse of dimensionality discussed?")
    result = locate(paper, "What did I highlight about the curse of dimensionality?", settings=load_settings(),
                    use_llm=False)  # fmt: skip
    assert result.found and result.quote_source == "highlight" and result.quote_verified
    assert result.highlights[0]["text"] == about_curse.text and result.pages == [about_curse.page]
    assert located(paper)[1].section_title == about_curse.section.title
    text = locate_markdown(result)
    assert "*your comment*: how they scale training" in text and "of your 2 highlights" in text
    paper.highlights = []
    none = locate(paper, "what did I highlight about training?", settings=load_settings(), use_llm=False)
    assert not none.found and "no Zotero highlights" in none.explanation


def test_a_synced_pdf_brings_its_highlights_to_the_cli(zotero_env, corpus):
    settings = zotero_env.settings()
    sync(settings, source="sqlite", index=False)
    out = CliRunner().invoke(cli, ["summarize", str(corpus / BENGIO), "--no-llm"])
    assert out.exit_code == 0, out.output
    assert "## Your highlights" in out.output and "key idea" in out.output


def test_a_slide_carries_the_readers_highlights_on_its_pages_in_its_notes(corpus, standin, monkeypatch):
    from test_slides import endpoint_settings, routed_standin

    from paperpal.slides.outline import make_outline

    paper = parse_pdf(corpus / "textcnn-convolutional-neural-networks-for-sentence-classification.pdf")
    mark = next(s for s in PaperSentences(paper).sentences if s.prose and s.citable and s.page == 2)
    paper.highlights = [Highlight(page=2, text=mark.text, comment="compare with our CNN"),
                        Highlight(page=None, text="", comment="no page: on no slide")]  # fmt: skip
    routed_standin(standin, {})
    outline = make_outline(paper, settings=endpoint_settings(standin, monkeypatch), minutes=5)
    holding = [s for s in outline.slides if s.highlights]
    assert len(holding) == 1 and holding[0].page_start <= 2 <= holding[0].page_end
    assert holding[0].highlights[0].endswith("(p. 2) — compare with our CNN")
    assert "Your highlights:\n- “" in holding[0].notes
    assert not any("no page" in s.notes for s in outline.slides)

"""Group-meeting decks read back with python-pptx: order, content slides, notes, figures, fitting, templates.

The model side runs the real OpenAIBackend against the scripted stand-in (a paid API cannot run
here), routed by the section each request is about, so good, invented and malformed replies can
be checked against what ends up on the slide.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pymupdf
import pytest
from click.testing import CliRunner
from llm_support import Reply
from pptx import Presentation
from pptx.util import Inches

from paperpal.cli import cli
from paperpal.errors import ConfigError, InputFileError
from paperpal.pdf import parse_pdf
from paperpal.settings import load_settings
from paperpal.slides.deck import make_slides
from paperpal.slides.plan import content_count
from paperpal.tasks.quotes import page_texts
from paperpal.text import normalise
from paperpal.text.normal import squash

ATTENTION = "attention-is-all-you-need.pdf"
GPT = "gpt-improving-language-understanding-by-generative-pre-training.pdf"

TRAINING_REPLY = {
    "title": "Training on WMT 2014 with 8 P100 GPUs",  # a whole phrase of at most 8 words
    "details": [
        "WMT 2014 English-German: about 4.5 million sentence pairs",
        "WMT 2014 English-French: 36M sentences, 32000 word-piece vocabulary",
        "One machine with 8 NVIDIA P100 GPUs",
    ],
    "question": "Would the results hold with a tenth of the training data?",
}
INVENTED_REPLY = {
    "title": "Background shows big gains",
    "details": [
        "The Transformer reaches 99.1 BLEU on 12 languages",
        "ByteNet needs 4096 GPUs for training",
        "ConvS2S was published in 1999 by Google",
    ],
    "question": "Why?",
}
VAGUE_REPLY = {
    "title": "This part is important",
    "details": ["This part is very important.", "It shows many good things.", "The idea is novel and strong."],
    "question": "What do you think",
}


# -- reading a deck back ---------------------------------------------------------------------------


def _texts(shape) -> list[str]:
    return [p.text for p in shape.text_frame.paragraphs if p.text.strip()] if shape.has_text_frame else []


def _named(slide, prefix: str):
    return next((s for s in slide.shapes if s.name.startswith(prefix)), None)


def check_deck(path: Path, *, title: str | None = None, picture: bool = True, labels=("Agenda", "Summary")) -> dict:
    """Every check a generated deck must pass; returns what it read for further assertions."""
    prs = Presentation(str(path))
    slides = list(prs.slides)
    assert len(slides) >= 8, f"{path.name}: {len(slides)} slides (cover, agenda, >= 5 content, summary)"
    heads = [next(iter(_texts(s.shapes.title) if s.shapes.title else []), "") for s in slides]
    if title:
        assert normalise(heads[0]) == normalise(title) or heads[0].endswith("…"), f"cover title {heads[0]!r}"
    assert heads[1] == labels[0], f"second slide is {heads[1]!r}, not the agenda"
    assert heads[-1] == labels[1], f"last slide is {heads[-1]!r}, not the summary"
    content = slides[2:-1]
    assert len(content) >= 5, f"only {len(content)} content slides"
    found = {"content": [], "pictures": 0}
    for k, slide in enumerate(slides, 1):
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        assert len(notes.strip()) > 20, f"slide {k}: no speaker notes"
        for ph in slide.placeholders:
            assert ph.has_text_frame and ph.text_frame.text.strip(), f"slide {k}: empty placeholder {ph.name!r}"
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for run in p.runs:
                        assert run.font.size is not None and run.font.size.pt >= 14, (
                            f"slide {k} {shape.name!r}: run {run.text[:30]!r} at {run.font.size}"
                        )  # fmt: skip
            assert shape.left >= 0 and shape.top >= 0, f"slide {k}: {shape.name} off the slide"
            assert (
                shape.left + shape.width <= prs.slide_width + 10 and shape.top + shape.height <= prs.slide_height + 10
            )
    for k, slide in enumerate(content, 3):
        source, question = _named(slide, "PaperPal Source"), _named(slide, "PaperPal Question")
        assert source is not None and re.search(r"(Section|章节): .+ · (pp?\. \d|第 \d)", source.text_frame.text), (
            f"slide {k}: no source section line"
        )
        assert question is not None and question.text_frame.text.rstrip().endswith(("?", "？")), f"slide {k}: question"
        body = [s for s in slide.placeholders if s.placeholder_format.idx != 0 and s.name != "PaperPal Source"]
        details = [t for s in body for t in _texts(s)] or _texts(_named(slide, "PaperPal Body"))
        assert len(details) >= 3, f"slide {k}: {len(details)} details"
        pics = [s for s in slide.shapes if s.name.startswith("PaperPal Figure")]
        found["pictures"] += len(pics)
        if pics:
            caption = _named(slide, "PaperPal Caption").text_frame.text
            assert re.search(r"(Figure|Table) \d+, (p\.|第) \d+", caption), f"slide {k}: caption source {caption!r}"
        found["content"].append({"title": heads[k - 1], "details": details, "question": question.text_frame.text,
                                 "notes": slide.notes_slide.notes_text_frame.text})  # fmt: skip
    if picture:
        assert found["pictures"] >= 1, "no figure from the paper in the deck"
    found["summary"] = _texts(next(s for s in slides[-1].placeholders if s.placeholder_format.idx != 0))
    assert len(found["summary"]) >= 3 and all(re.match(r"\d+\. ", p) for p in found["summary"]), found["summary"]
    found["properties"] = prs.core_properties
    found["cover_notes"] = slides[0].notes_slide.notes_text_frame.text
    return found


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def attention(corpus):
    return parse_pdf(corpus / ATTENTION)


def routed_standin(standin, routes: dict[str, object]):
    """Reply by the section a request is about (``## <section>`` in the prompt); others get ``VAGUE_REPLY``."""

    def reply(body):
        prompt = "\n".join(m["content"] for m in body["messages"])  # a re-ask carries the first prompt too
        for heading, answer in routes.items():
            if f"\n## {heading}" in prompt:
                return Reply(content=answer if isinstance(answer, str) else json.dumps(answer))
        return Reply(content=json.dumps(VAGUE_REPLY))

    standin.default_reply = reply
    return standin


def endpoint_settings(standin, monkeypatch, **extra):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-slides")
    return load_settings({"llm.base_url": standin.url, "llm.model": "stand-in-model", "llm.max_retries": 0, **extra})


# -- tests -----------------------------------------------------------------------------------------


def test_deck_keeps_checked_model_text_and_replaces_invented_or_malformed(standin, monkeypatch, attention, tmp_path):
    routed_standin(standin, {"5 Training": TRAINING_REPLY, "2 Background": INVENTED_REPLY, "3.2 Attention": "no json"})
    settings = endpoint_settings(standin, monkeypatch, **{"slides.presenter": "Ada Li"})
    out = tmp_path / "talk.pptx"
    outline = make_slides(attention, out, settings=settings)
    deck = check_deck(out, title="Attention Is All You Need")
    by_section = {s.section: s for s in outline.slides}
    training = by_section["5 Training"]
    assert training.title == TRAINING_REPLY["title"] and training.details == TRAINING_REPLY["details"]
    assert training.origin == {"title": "model", "details": "model", "question": "model"}
    background = by_section["2 Background"]
    text = normalise(attention.full_text)
    assert background.origin["details"] == "paper" and background.title == "Background"
    for detail in background.details + by_section["3.2 Attention"].details:
        assert "99.1" not in detail and detail.rstrip("…") in text, f"not the paper's sentence: {detail!r}"
    assert by_section["3.2 Attention"].origin["details"] == "paper", "a malformed reply falls back to the paper"
    vague = by_section["7 Conclusion"]
    assert vague.title == "Conclusion" and vague.origin["question"] == "template" and vague.question.endswith("?")
    assert deck["content"][[s.section for s in outline.slides].index("5 Training")]["title"] == TRAINING_REPLY["title"]
    notes = deck["content"][[s.section for s in outline.slides].index("5 Training")]["notes"]
    assert "5 Training, pp. 7–8" in notes and "Ask the audience: Would the results hold" in notes
    said = deck["content"][[s.section for s in outline.slides].index("2 Background")]["notes"].split("\n")
    assert 3 <= len(said) <= 5 and said[0].startswith("Background: this slide covers 2 Background, p"), said
    pages = page_texts(attention.path)
    for detail in background.details:  # the paper's sentences: each said with the page it stands on
        page = background.detail_pages[detail]
        assert squash(detail.rstrip("…")) in pages[page - 1] and any(f"(p. {page})" in line for line in said)
    assert outline.provenance["model_errors"], "the malformed reply is recorded"
    comments = json.loads(deck["properties"].comments)
    assert comments["model"] == "stand-in-model" and comments["prompt"].startswith("outline.en.md@")
    assert comments["settings"]["minutes"] == 15 and "stand-in-model" in deck["cover_notes"]
    assert deck["properties"].author == "Ada Li"
    assert "sk-test-slides" not in json.dumps(outline.to_dict())


def test_minutes_size_the_deck(standin, monkeypatch, attention, tmp_path):
    routed_standin(standin, {})
    settings = endpoint_settings(standin, monkeypatch)
    assert [content_count(m) for m in (5, 9, 15, 20, 30)] == [5, 5, 9, 11, 17]
    short = make_slides(attention, tmp_path / "short.pptx", settings=settings, minutes=8)
    long = make_slides(attention, tmp_path / "long.pptx", settings=settings, minutes=20)
    assert len(short.slides) == 5 and len(long.slides) == 11
    check_deck(tmp_path / "short.pptx")
    check_deck(tmp_path / "long.pptx")
    labels = [s.section for s in long.slides]
    assert "3.2.1 Scaled Dot-Product Attention" in labels or "3.2 Attention" in labels, labels


def test_zh_deck_and_outline_markdown_via_cli(standin, monkeypatch, corpus, tmp_path):
    routed_standin(standin, {})
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-slides")
    args = ["--base-url", standin.url, "--model", "stand-in-model", "--lang", "zh"]
    out = tmp_path / "zh.pptx"
    result = CliRunner().invoke(cli, ["slides", str(corpus / GPT), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Saved the deck (") and str(out) in result.stderr
    deck = check_deck(out, labels=("汇报提纲", "总结"))
    assert "提问听众" in deck["content"][0]["notes"]
    md = tmp_path / "outline.md"
    result = CliRunner().invoke(cli, ["slides", str(corpus / GPT), "--outline-only", "-o", str(md), *args[:-2]])
    assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Improving Language Understanding by Generative Pre-Training\n")
    assert "## Agenda" in text and "## Summary" in text and "*Section: 4.2 Supervised fine-tuning, pp. 5–7*" in text
    assert len(re.findall(r"^\*\*Question:\*\* .+\?$", text, re.MULTILINE)) >= 5 and "outline.en.md@" in text


def _lab_template(path: Path) -> Path:
    """A lab template: renamed layouts in another order, a cover without subtitle, a sample slide."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(10), Inches(7.5)
    layouts = prs.slide_layouts
    names = {"Title Slide": "Lab Cover", "Title and Content": "Lab Body", "Two Content": "Lab Two",
             "Section Header": "Lab Section", "Title Only": "Lab Heading"}  # fmt: skip
    for layout in layouts:
        layout.name = names.get(layout.name, "Lab " + layout.name.replace(" ", "_"))
    cover = layouts.get_by_name("Lab Cover")
    for ph in list(cover.placeholders):
        if ph.placeholder_format.idx == 1:  # the cover has a title only
            ph._element.getparent().remove(ph._element)
    body = layouts.get_by_name("Lab Body")
    lst = layouts._sldLayoutIdLst
    entry = next(e for e in lst if prs.slide_master.part.related_part(e.rId).slide_layout is body)
    lst.remove(entry)
    lst.append(entry)  # the content layout is now the last one: never picked by index
    sample = prs.slides.add_slide(layouts.get_by_name("Lab Heading"))
    sample.shapes.title.text = "Sample slide of the lab"
    prs.save(path)
    return path


def test_lab_template_with_renamed_layouts(standin, monkeypatch, corpus, tmp_path):
    routed_standin(standin, {})
    settings = endpoint_settings(standin, monkeypatch)
    template = _lab_template(tmp_path / "lab.pptx")
    out = tmp_path / "lab-talk.pptx"
    make_slides(parse_pdf(corpus / GPT), out, settings=settings, template=template)
    check_deck(out, title="Improving Language Understanding by Generative Pre-Training")
    prs = Presentation(str(out))
    used = [s.slide_layout.name for s in prs.slides]
    assert used[0] == "Lab Cover" and set(used[1:]) == {"Lab Body"}, used
    assert "Sample slide of the lab" not in [s.shapes.title.text for s in prs.slides if s.shapes.title]
    assert prs.slide_width == Inches(10), "the lab's slide size is kept"


def test_template_without_usable_layout_is_one_clear_error(corpus, tmp_path):
    prs = Presentation()
    for layout in prs.slide_layouts:
        for ph in list(layout.placeholders):
            if ph.placeholder_format.idx not in (0,):
                ph._element.getparent().remove(ph._element)
    bad = tmp_path / "titles-only.pptx"
    prs.save(bad)
    result = CliRunner().invoke(
        cli, ["slides", str(corpus / GPT), "--template", str(bad), "-o", str(tmp_path / "x.pptx")]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: Template titles-only.pptx has no layout with both a title and a body")
    assert "'Title and Content' [title]" in result.stderr and result.stderr.count("\n") == 1
    not_pptx = tmp_path / "lab.pptx"
    not_pptx.write_text("not a presentation")
    result = CliRunner().invoke(cli, ["slides", str(corpus / GPT), "--template", str(not_pptx)])
    assert result.exit_code == 3 and result.stderr.startswith(f"Error: Not a usable PowerPoint .pptx file: {not_pptx}")


def test_unwritable_output_is_one_clear_error(standin, monkeypatch, corpus, tmp_path):
    routed_standin(standin, {})
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-slides")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    target = blocker / "talk.pptx"
    result = CliRunner().invoke(cli, ["slides", str(corpus / GPT), "-o", str(target), "--base-url", standin.url,
                                      "--model", "m"])  # fmt: skip
    assert result.exit_code == 3, result.output
    assert (
        result.stderr.startswith(f"Error: Cannot write the deck to {target}")
        and "choose a writable -o path" in result.stderr
    )


def _paper_without_figures(path: Path) -> Path:
    doc = pymupdf.open()
    sections = ["Introduction", "Method", "Data", "Results", "Discussion", "Conclusion"]
    for k, name in enumerate(sections, 1):
        page = doc.new_page()
        top = 72
        if k == 1:
            page.insert_text((72, top + 18), "A Study Without Figures", fontsize=18, fontname="hebo")
            page.insert_text((72, top + 42), "Ann Lee and Bo Chen", fontsize=11)
            top += 70
        page.insert_text((72, top + 14), f"{k} {name}", fontsize=12, fontname="hebo")
        body = " ".join(
            f"In experiment {k}.{j} the ACME model reached {70 + k + j}.{j} percent accuracy on the Berlin corpus "
            f"with {100 * j} training examples." for j in range(1, 9))  # fmt: skip
        page.insert_textbox(pymupdf.Rect(72, top + 24, 540, 760), body, fontsize=10)
    doc.save(path)
    return path


def test_paper_without_figures_still_gets_a_full_deck(standin, monkeypatch, tmp_path):
    routed_standin(standin, {})
    paper = parse_pdf(_paper_without_figures(tmp_path / "plain.pdf"))
    assert paper.captions == []
    out = tmp_path / "plain.pptx"
    outline = make_slides(paper, out, settings=endpoint_settings(standin, monkeypatch))
    deck = check_deck(out, picture=False)
    assert deck["pictures"] == 0 and all(s.figure is None for s in outline.slides)
    assert all(re.search(r"\d", d) for s in outline.slides for d in s.details), "details carry the paper's numbers"


def test_default_template_is_what_the_script_makes(tmp_path):
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "templates" / "make_default_template.py"
    spec = importlib.util.spec_from_file_location("make_default_template", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = Presentation(str(module.build(tmp_path / "t.pptx")))
    shipped = Presentation(str(script.parent / "group-meeting.pptx"))
    assert (shipped.slide_width, shipped.slide_height) == (Inches(13.333), Inches(7.5)), "16:9"
    assert [l.name for l in shipped.slide_layouts] == [l.name for l in fresh.slide_layouts]
    theme = shipped.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    ).blob.decode()
    assert 'typeface="Arial"' in theme and 'typeface="Microsoft YaHei"' in theme
    assert len(shipped.slides) == 0


def test_bad_template_path_fails_before_model_time(corpus, tmp_path):
    with pytest.raises(InputFileError, match="Template not found"):
        make_slides(parse_pdf(corpus / GPT), tmp_path / "x.pptx", settings=load_settings({}),
                    template=tmp_path / "missing.pptx")  # fmt: skip
    with pytest.raises(ConfigError):
        load_settings({"slides.minutes": "many"})


def test_cancel_stops_before_the_next_slide(standin, monkeypatch, attention, tmp_path):
    import threading

    from paperpal.errors import Cancelled

    routed_standin(standin, {})
    cancel = threading.Event()
    stages = []

    def on_progress(stage):
        stages.append(stage)
        if stage.startswith("Writing slide 2/"):
            cancel.set()

    with pytest.raises(Cancelled):
        make_slides(attention, tmp_path / "c.pptx", settings=endpoint_settings(standin, monkeypatch),
                    on_progress=on_progress, cancel=cancel)  # fmt: skip
    assert stages[0] == "Planning the slides" and not (tmp_path / "c.pptx").exists()
    assert len(standin.requests) <= 2, "no model call after the cancel"

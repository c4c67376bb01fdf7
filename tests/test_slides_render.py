"""Decks rendered by LibreOffice (headless .pptx -> PDF -> PNG): no text runs outside its shape.

LibreOffice is not a dependency of PaperPal; ``.ci/run`` installs it from Debian packages when it
is missing (``libreoffice-impress``, ``poppler-utils``).  Without it these tests skip and say why.
On Linux LibreOffice sets Arial as DejaVu Sans (wider), so this is the strict case for fitting.
A Chinese deck is rendered too: its characters must be drawn in a font with Chinese glyphs (``.ci/run`` installs
``fonts-wqy-microhei`` when fontconfig lists none for zh), and its paragraphs must end inside their boxes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pymupdf
import pytest
from pptx import Presentation
from test_slides import GPT, _lab_template, endpoint_settings, routed_standin

from paperpal.pdf import parse_pdf
from paperpal.slides.deck import make_slides

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")


@pytest.fixture(autouse=True)
def _renderer():
    """LibreOffice and poppler are needed here, not skipped without: .ci/run installs them."""
    assert SOFFICE and PDFTOPPM, (
        "LibreOffice (soffice) and poppler (pdftoppm) are not installed: "
        "apt-get install --no-install-recommends libreoffice-impress poppler-utils (.ci/run does this)"
    )
TOLERANCE = 3.0  # points


def render(deck: Path, outdir: Path) -> Path:
    profile = outdir / "lo-profile"  # a private profile: parallel runs must not share one
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(deck)], check=True, capture_output=True, timeout=180)  # fmt: skip
    pdf = outdir / (deck.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice made no PDF of {deck}"
    subprocess.run([PDFTOPPM, "-r", "30", "-png", "-f", "1", "-l", "3", str(pdf), str(outdir / "slide")], check=True,
                   timeout=120)  # fmt: skip
    assert sorted(outdir.glob("slide-*.png")), "pdftoppm wrote no PNG"
    return pdf


LATIN_WORD = r"[A-Za-z]{5,}"
CJK_PAIR = r"[\u4e00-\u9fff]{2}(?![\u4e00-\u9fff])"  # the last two characters of a run of Chinese text


def _last_word(text: str) -> tuple[str, str] | None:
    """Where a paragraph ends, as the check looks for it: ("latin", its last word of five letters or more) or ("cjk",
    its last two Chinese characters of one run; Chinese has no spaces), whichever comes later in the paragraph."""
    found = [(m.end(), kind, m.group()) for kind, pattern in (("latin", LATIN_WORD), ("cjk", CJK_PAIR))
             for m in re.finditer(pattern, text)]  # fmt: skip
    return max(found)[1:] if found else None


def _drawn_chars(page) -> list[tuple[str, pymupdf.Rect]]:
    """Every character drawn on ``page`` in reading order, spaces left out."""
    return [(char["c"], pymupdf.Rect(char["bbox"])) for block in page.get_text("rawdict")["blocks"]
            for line in block.get("lines", []) for span in line["spans"] for char in span["chars"]
            if not char["c"].isspace()]  # fmt: skip


def overflowing_text(deck: Path, pdf: Path) -> list[str]:
    """The end of each paragraph that the renderer drew outside its shape's box (a Latin word, or a Chinese
    character, whose box lies outside; trailing punctuation may hang past the edge, as a typesetter lets it)."""
    prs = Presentation(str(deck))
    problems = []
    with pymupdf.open(pdf) as doc:
        assert doc.page_count == len(prs.slides)
        for number, (slide, page) in enumerate(zip(prs.slides, doc), 1):
            scale = page.rect.width / prs.slide_width
            drawn, chars = page.get_text("words"), _drawn_chars(page)
            for shape in slide.shapes:
                if not shape.has_text_frame or not shape.text_frame.text.strip():
                    continue
                box = pymupdf.Rect(shape.left * scale, shape.top * scale, (shape.left + shape.width) * scale,
                                   (shape.top + shape.height) * scale)  # fmt: skip
                box = box + (-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
                for paragraph in shape.text_frame.paragraphs:
                    end = _last_word(paragraph.text)
                    if end is None:
                        continue
                    kind, last = end  # the end of a paragraph is what runs out of a box
                    if kind == "latin":
                        hits = [pymupdf.Rect(w[:4]) for w in drawn if last in re.findall(LATIN_WORD, w[4])]
                    else:  # the pair's second character where the first is drawn right before it (a line may break
                        hits = [rect for (a, _), (b, rect) in zip(chars, chars[1:]) if a + b == last]  # between)
                    if hits and not any(box.contains(h) for h in hits):
                        problems.append(
                            f"slide {number} {shape.name!r}: {last!r} drawn outside {tuple(round(v) for v in box)}"
                        )
                    if not hits:
                        problems.append(f"slide {number} {shape.name!r}: {last!r} not drawn at all")
    return problems


def test_default_template_deck_renders_without_overflow(standin, monkeypatch, corpus, tmp_path):
    routed_standin(standin, {})
    deck = tmp_path / "gpt.pptx"
    make_slides(parse_pdf(corpus / GPT), deck, settings=endpoint_settings(standin, monkeypatch))
    pdf = render(deck, tmp_path)
    assert overflowing_text(deck, pdf) == []


def test_lab_template_deck_renders_without_overflow(standin, monkeypatch, corpus, tmp_path):
    routed_standin(standin, {})
    deck = tmp_path / "lab.pptx"
    template = _lab_template(tmp_path / "lab-template.pptx")
    make_slides(parse_pdf(corpus / "mistral-7b.pdf"), deck, settings=endpoint_settings(standin, monkeypatch),
                template=template, minutes=20)  # fmt: skip
    pdf = render(deck, tmp_path)
    assert overflowing_text(deck, pdf) == []


def test_the_check_sees_text_that_overflows(tmp_path):
    """The overflow check itself: a paragraph far too long for its box is reported."""
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches, Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(0.6))
    box.text_frame.word_wrap = True
    box.text_frame.auto_size = MSO_AUTO_SIZE.NONE
    box.text_frame.text = "Transformers replace recurrence entirely with attention mechanisms " * 2 + "overflowing"
    box.text_frame.paragraphs[0].runs[0].font.size = Pt(20)
    zh = slide.shapes.add_textbox(Inches(1), Inches(3), Inches(3), Inches(0.6))  # Chinese: no spaces to find words by
    zh.text_frame.word_wrap = True
    zh.text_frame.auto_size = MSO_AUTO_SIZE.NONE
    zh.text_frame.text = "模型完全用注意力机制取代循环结构，" * 3 + "溢出文本。"
    zh.text_frame.paragraphs[0].runs[0].font.size = Pt(20)
    fits = slide.shapes.add_textbox(Inches(5), Inches(3), Inches(4), Inches(1))
    fits.text_frame.text = "短句不会溢出。"
    deck = tmp_path / "overflow.pptx"
    prs.save(deck)
    problems = overflowing_text(deck, render(deck, tmp_path))
    assert len(problems) == 2 and "'overflowing' drawn outside" in problems[0], problems
    assert "'文本' drawn outside" in problems[1], problems


def test_a_chinese_deck_renders_in_a_cjk_font_without_overflow(standin, monkeypatch, corpus, tmp_path):
    """A zh deck of a Chinese paper (its own sentences on the slides, Chinese headings): every Chinese character is
    drawn in a font that has Chinese glyphs (one fontconfig lists for zh; .ci/run installs one), none as a missing-
    glyph box, and no text runs out of its shape."""
    routed_standin(standin, {})
    deck = tmp_path / "zh.pptx"
    make_slides(parse_pdf(corpus / "bert-chinese-translation-zh.pdf"), deck, lang="zh",
                settings=endpoint_settings(standin, monkeypatch))  # fmt: skip
    pdf = render(deck, tmp_path)
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    families = {re.sub(r"\s", "", name) for line in listed.splitlines() for name in line.split(",") if name.strip()}
    assert families, "no CJK font installed: apt-get install fonts-wqy-microhei (.ci/run does this)"
    drawn_in = {}
    with pymupdf.open(pdf) as doc:
        for page in doc:
            for block in page.get_text("dict")["blocks"]:
                for span in (s for line in block.get("lines", []) for s in line["spans"]):
                    if re.search(r"[\u4e00-\u9fff]", span["text"]):
                        drawn_in.setdefault(span["font"], span["text"])
    assert drawn_in, "no Chinese text drawn"
    assert all(any(family in re.sub(r"\s", "", font) for family in families) for font in drawn_in), drawn_in
    assert overflowing_text(deck, pdf) == []


"""Decks rendered by LibreOffice (headless .pptx -> PDF -> PNG): no text runs outside its shape.

LibreOffice is not a dependency of PaperPal; ``.ci/run`` installs it from Debian packages when it
is missing (``libreoffice-impress``, ``poppler-utils``).  Without it these tests skip and say why.
On Linux LibreOffice sets Arial as DejaVu Sans (wider), so this is the strict case for fitting.
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


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{5,}", text)]


def overflowing_text(deck: Path, pdf: Path) -> list[str]:
    """Words of each text shape that the renderer drew outside the shape's box."""
    prs = Presentation(str(deck))
    problems = []
    with pymupdf.open(pdf) as doc:
        assert doc.page_count == len(prs.slides)
        for number, (slide, page) in enumerate(zip(prs.slides, doc), 1):
            scale = page.rect.width / prs.slide_width
            drawn = page.get_text("words")
            for shape in slide.shapes:
                if not shape.has_text_frame or not shape.text_frame.text.strip():
                    continue
                box = pymupdf.Rect(shape.left * scale, shape.top * scale, (shape.left + shape.width) * scale,
                                   (shape.top + shape.height) * scale)  # fmt: skip
                box = box + (-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
                for paragraph in shape.text_frame.paragraphs:
                    words = _words(paragraph.text)
                    if not words:
                        continue
                    last = words[-1]  # the end of a paragraph is what runs out of a box
                    hits = [pymupdf.Rect(w[:4]) for w in drawn if last in _words(w[4])]
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
    deck = tmp_path / "overflow.pptx"
    prs.save(deck)
    problems = overflowing_text(deck, render(deck, tmp_path))
    assert problems and "'overflowing' drawn outside" in problems[0], problems

"""Figures and tables cropped from real papers: the region is the graphics next to the caption."""

from __future__ import annotations

import io

import pymupdf
import pytest
from PIL import Image

from paperpal.model import Caption
from paperpal.pdf import parse_pdf
from paperpal.pdf.figures import FigureCropper, crop_figures

GPT = "gpt-improving-language-understanding-by-generative-pre-training.pdf"


@pytest.fixture(scope="module")
def gpt_figures(corpus):
    return {f.label: f for f in crop_figures(parse_pdf(corpus / GPT))}


def test_every_caption_of_a_paper_gets_its_crop(gpt_figures):
    assert sorted(gpt_figures) == ["Figure 1", "Figure 2", "Table 1", "Table 2", "Table 3", "Table 4", "Table 5"]


def test_figure_is_above_its_caption_and_spans_its_graphics(gpt_figures):
    fig = gpt_figures["Figure 1"]  # two images side by side above "Figure 1: (left) Transformer architecture..."
    x0, y0, x1, y1 = fig.rect
    assert fig.page == 4 and y1 <= fig.caption.bbox[1] + 4, (fig.rect, fig.caption.bbox)
    assert x0 < 120 and x1 > 490 and y1 - y0 > 140, f"both images belong to Figure 1: {fig.rect}"
    image = Image.open(io.BytesIO(fig.png))
    assert image.size == (fig.width_px, fig.height_px) and image.size[0] > 600


def test_table_is_below_its_caption_between_its_rules(corpus, gpt_figures):
    table = gpt_figures["Table 2"]
    assert table.page == 6 and table.rect[1] >= table.caption.bbox[3] - 4, (table.rect, table.caption.bbox)
    with pymupdf.open(corpus / GPT) as doc:
        inside = doc[5].get_text("text", clip=pymupdf.Rect(table.rect))
    assert "SNLI" in inside and "MNLI" in inside, "the table's own cells are inside the crop"
    assert "Table 3" not in inside, "the crop stops before the next caption"


def test_two_figures_on_one_page_stay_apart(corpus):
    paper = parse_pdf(corpus / "flashattention-fast-and-memory-efficient-exact-attention.pdf")
    figures = {f.label: f for f in crop_figures(paper)}
    six, seven = figures["Figure 6"], figures["Figure 7"]
    assert six.page == seven.page == 29
    assert six.rect[3] <= seven.rect[1], "Figure 6 ends above Figure 7"
    assert seven.rect[3] <= seven.caption.bbox[1] + 4


def test_caption_without_graphics_gives_no_figure(corpus, tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Figure 1: A caption whose figure is missing.", fontsize=10)
    page.insert_text((72, 130), "Plain body text follows the caption here and nothing is drawn.", fontsize=10)
    path = tmp_path / "nofig.pdf"
    doc.save(path)
    paper = parse_pdf(path)
    caption = Caption("figure", "Figure 1", "Figure 1: A caption whose figure is missing.", 1, (72, 90, 300, 102))
    paper.captions = [caption]
    with FigureCropper(paper) as cropper:
        assert cropper.figure(caption) is None
    assert crop_figures(paper) == []

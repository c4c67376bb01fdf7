"""The bundled local model end to end: `paperpal slides` on a real paper gives a deck that passes every check."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from pptx import Presentation
from test_slides import ATTENTION, check_deck

from paperpal.cli import cli
from paperpal.text import normalise


@pytest.mark.slow
def test_cli_slides_on_the_bundled_model(corpus, bundled_gguf, monkeypatch, tmp_path):
    monkeypatch.setenv("PAPERPAL_MODELS_DIR", str(bundled_gguf.parent))
    out = tmp_path / "talk.pptx"
    result = CliRunner().invoke(cli, ["slides", str(corpus / ATTENTION), "-o", str(out), "--backend", "local",
                                      "--minutes", "8"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Saved the deck (8 slides) to {out}\n"
    deck = check_deck(out, title="Attention Is All You Need")
    comments = json.loads(Presentation(str(out)).core_properties.comments)
    assert comments["backend"] == "local" and comments["model"] == "gemma-3-270m-q4_k_m"
    text = normalise(Presentation(str(out)).slides[0].shapes.title.text_frame.text)
    assert text == "Attention Is All You Need"
    numbers_in_paper = set(re.findall(r"\d+(?:\.\d+)?", normalise(_paper_text(corpus))))
    for slide in deck["content"]:  # whatever the small model wrote, no number on a slide is invented
        for detail in slide["details"]:
            for number in re.findall(r"\d+(?:\.\d+)?", detail):
                assert number in numbers_in_paper, f"{number} in {detail!r} is not in the paper"


def _paper_text(corpus) -> str:
    from paperpal.pdf import parse_pdf

    return parse_pdf(corpus / ATTENTION).full_text

"""The shipped adapter (paperpal/models/summary-lora.gguf, card summary-lora.md): loaded by default for the bundled
model, applied to the note's condense requests only, and on ``eval`` papers (never trained on) the support check
accepts more of its statements than of the base model's."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner
from llm_support import local_settings

from paperpal.cli import cli
from paperpal.llm.local_backend import LocalBackend
from paperpal.llm.lora_check import check_adapter, made_for
from paperpal.llm.model_files import MODELS_DIR_ENV, default_lora_for, shipped_lora_path
from paperpal.tasks.condense import condense_request

ATTENTION = "attention-is-all-you-need.pdf"  # eval-split papers: never trained on
LLAMA = "llama-open-and-efficient-foundation-language-models.pdf"
PASSAGE = (
    "We propose a new simple network architecture, the Transformer, based solely on attention mechanisms, "
    "dispensing with recurrence and convolutions entirely."
)


def test_the_adapter_ships_small_with_its_model_card(bundled_gguf):
    lora = shipped_lora_path()
    assert lora is not None, "paperpal/models/summary-lora.gguf is missing"
    assert lora.stat().st_size <= 30e6
    check_adapter(lora, bundled_gguf)
    assert made_for(lora, bundled_gguf) and default_lora_for(bundled_gguf) == lora
    card = lora.with_suffix(".md").read_text(encoding="utf-8")
    for needed in ("training/condense", "steps", "loss", "CPU", "train", "eval"):
        assert needed in card


@pytest.mark.slow
def test_default_adapter_applies_to_condense_requests_only_and_switches_cleanly(bundled_gguf):
    default = LocalBackend(local_settings(bundled_gguf, local_n_ctx=4096))
    plain = LocalBackend(local_settings(bundled_gguf, local_n_ctx=4096, local_lora_path="none"))
    assert default.profile.adapter == "summary-lora" and plain.profile.adapter is None
    request = replace(condense_request("Attention Is All You Need", "Abstract", "one_sentence", PASSAGE, "en"),
                      max_tokens=24)  # fmt: skip

    def text(backend, task):
        return backend.complete(replace(request, task=task)).text

    tuned = text(default, request.task)
    base = text(plain, request.task)
    assert tuned != base, "the adapter changes what the model writes for a condense request"
    assert "Statement:" in tuned, f"the adapter writes the trained shape (aspect, then 'Statement:'): {tuned!r}"
    assert text(default, None) == base, "other tasks run on the plain base model"
    assert text(default, request.task) == tuned, "switching back re-applies the adapter (no stale KV cache)"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_finetune_eval_on_eval_papers_the_check_accepts_more_of_the_adapters_statements(
    corpus, bundled_gguf, tmp_path, monkeypatch, lang
):
    """``paperpal finetune eval`` (the shipped adapter by default) on two eval papers: the support check accepts a
    larger share of the adapter's statements than of the base model's, and the adapter's notes are in the asked
    language."""
    papers = tmp_path / "papers"
    papers.mkdir()
    for name in (ATTENTION, LLAMA):
        (papers / name).symlink_to(corpus / name)
    monkeypatch.setenv(MODELS_DIR_ENV, str(bundled_gguf.parent))
    result = CliRunner().invoke(cli, ["finetune", "eval", "--papers", str(papers), "--lang", lang, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["lang"] == lang and sorted(report["papers"]) == sorted((ATTENTION, LLAMA))
    base, tuned = report["models"]
    assert (base["name"], tuned["name"]) == ("base", "fine-tuned")
    assert all(p["error"] is None for p in base["papers"] + tuned["papers"]), report
    assert all(p["statements"] >= 6 for p in tuned["papers"]), report
    assert tuned["acceptance"] > (base["acceptance"] or 0), report
    assert tuned["condensed_share"] > (base["condensed_share"] or 0), report
    assert tuned["in_language"] == 1.0, report

"""The shipped summary adapter (paperpal/models/summary-lora.gguf, card summary-lora.md): loaded by default for the bundled model,
applied to summary requests only, and its notes on ``eval`` papers are compliant and more faithful than the base model's."""

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
from paperpal.pdf import parse_pdf
from paperpal.tasks.grounding import Source
from paperpal.tasks.summary import REPEAT_PENALTY, build_request, claims_text, summarize

ATTENTION = "attention-is-all-you-need.pdf"  # eval-split papers: never trained on
LLAMA = "llama-open-and-efficient-foundation-language-models.pdf"


def test_the_adapter_ships_small_with_its_model_card(bundled_gguf):
    lora = shipped_lora_path()
    assert lora is not None, "paperpal/models/summary-lora.gguf is missing"
    assert lora.stat().st_size <= 30e6
    check_adapter(lora, bundled_gguf)
    assert made_for(lora, bundled_gguf) and default_lora_for(bundled_gguf) == lora
    card = lora.with_suffix(".md").read_text(encoding="utf-8")
    for needed in ("training/curated", "steps", "loss", "CPU", "train"):
        assert needed in card


@pytest.mark.slow
def test_default_adapter_applies_to_summaries_only_and_switches_cleanly(corpus, bundled_gguf):
    default = LocalBackend(local_settings(bundled_gguf, local_n_ctx=4096))
    plain = LocalBackend(local_settings(bundled_gguf, local_n_ctx=4096, local_lora_path="none"))
    assert default.adapter == "summary-lora" and plain.adapter is None
    request, _ = build_request(parse_pdf(corpus / ATTENTION), default, "en")
    assert request.repeat_penalty == REPEAT_PENALTY["adapter"] < REPEAT_PENALTY["base"]
    assert build_request(parse_pdf(corpus / ATTENTION), plain, "en")[0].repeat_penalty == REPEAT_PENALTY["base"]
    request = replace(request, max_tokens=24, temperature=0.0)

    def text(backend, task):
        return backend.complete(replace(request, task=task)).text

    tuned = text(default, "summary")
    base = text(plain, "summary")
    assert tuned != base, "the adapter changes what the model writes for a summary"
    assert text(default, None) == base, "other tasks run on the plain base model"
    assert text(default, "summary") == tuned, "switching back re-applies the adapter (no stale KV cache)"


@pytest.mark.slow
def test_summarize_keeps_the_most_faithful_of_its_drafts(corpus, bundled_gguf):
    """With the adapter, ``summarize`` writes another draft while the last one states a number or name the paper
    lacks (at most ``llm.local_summary_drafts``) and keeps the draft the paper supports best."""
    paper = parse_pdf(corpus / LLAMA)
    stages: list[str] = []
    settings = local_settings(bundled_gguf, local_n_ctx=8192)
    note = summarize(paper, settings=settings, lang="zh", check=False, on_progress=stages.append)
    drafts = note.provenance["drafts"]
    usable = [(d["facts_in_paper"], d["facts_not_in_paper"]) for d in drafts if "problem" not in d]
    assert 1 <= len(drafts) <= 3 and usable, drafts
    assert all(d["completion_tokens"] > 0 for d in drafts)
    kept = Source(paper).tally(claims_text(note))
    smoothed = lambda found, missing: (found + 1) / (found + missing + 2)  # noqa: E731
    assert kept in usable and smoothed(*kept) == max(smoothed(*u) for u in usable), (kept, drafts)
    if len(drafts) < 3:  # it stopped early: the last draft stated nothing the paper lacks
        assert drafts[-1]["facts_not_in_paper"] == 0 and "problem" not in drafts[-1], drafts
    again = [s for s in stages if s.startswith("Writing another draft")]
    assert len(again) == sum(1 for d in drafts[:-1] if "problem" not in d), stages


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_finetune_eval_on_eval_papers_scores_the_adapter_above_the_base(corpus, bundled_gguf, tmp_path, monkeypatch, lang):
    """``paperpal finetune eval`` (the shipped adapter by default) on two eval papers: every note is compliant, and the
    adapter's notes as written are more faithful than the base model's (a single note can have few facts: the
    comparison is of the mean over papers, as in the README's table)."""
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
    assert tuned["compliance"] == 1.0, "every template field is present and non-empty"
    assert tuned["faithfulness_as_written"] > base["faithfulness_as_written"], report
    assert all(1 <= p["drafts"] <= 3 for p in base["papers"] + tuned["papers"]), "at most three draws per note"
    assert all(p["error"] is None and p["tokens_per_second"] > 0 for p in base["papers"] + tuned["papers"]), report

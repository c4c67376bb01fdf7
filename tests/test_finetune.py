"""Fine-tuning: data files (fast), metrics, the adapter check, and the whole pipeline on the real bundled model:
prepare with a local OpenAI-compatible teacher (llama_cpp.server) → train → stop and resume → export → load."""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import replace

import pytest
from conftest import REPO, read_tsv

from paperpal.errors import Cancelled, ConfigError, InputFileError
from paperpal.finetune import dataset
from paperpal.finetune.dataset import Example, read_examples, split_by_paper
from paperpal.finetune.evaluate import coverage, in_language, quiz
from paperpal.finetune.prepare import FIELD_OF_ROLE, load_curated
from paperpal.llm.base import Request
from paperpal.llm.lora_check import base_fingerprint, check_adapter, made_for
from paperpal.model import Evidence
from paperpal.note import Aspect, Statement, SummaryNote
from paperpal.pdf import parse_pdf
from paperpal.tasks.condense import condense_request, target_text
from paperpal.tasks.quotes import page_texts, verify_quote
from paperpal.text.facts import tokenize

CONDENSE = REPO / "training" / "condense"
TRAIN_PAPER = "gpt-improving-language-understanding-by-generative-pre-training.pdf"
HAS_TRAINING_STACK = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "peft"))
ROLES = {"summary": 1, "problem": 2, "method": 5, "result": 4, "strength": 2, "limitation": 3}


def test_hand_written_examples_come_from_train_papers_and_quote_them(corpus):
    """Every curated row: a train-split paper, a passage found verbatim on its page, targets in both languages that
    are one usable statement each and state no number the passage lacks."""
    splits = {row["file"]: row["split"] for row in read_tsv(corpus / "SPLITS.tsv")}
    curated = load_curated(CONDENSE)
    assert len(curated) >= 18 and sum(len(rows) for rows in curated.values()) >= 300
    for paper, rows in curated.items():
        assert splits[paper] == "train", f"{paper}: training data must come from train papers only"
        assert {r["role"] for r in rows} == set(ROLES), paper
        pages = page_texts(corpus / paper)
        for row in rows:
            found = verify_quote(row["passage"], pages, near=[row["page"]])
            assert found is not None and found.pages[0] == row["page"], f"{paper}: {row['passage'][:60]}"
            for lang in ("en", "zh"):
                aspect, statement = dataset.check_target(target_text(row[lang]["aspect"], row[lang]["statement"],
                                                                     lang), lang)  # fmt: skip
                said = {t.key for t in tokenize(re.sub(r"\^\d+", "", statement)) if t.kind == "num"}  # not N^2's 2
                have = {t.key for t in tokenize(row["passage"], paper_side=True) if t.kind == "num"}
                assert said <= have, (paper, statement, said - have)


def test_malformed_lines_are_reported_with_line_numbers_and_skipped(tmp_path):
    good = Example("p1", "a.pdf", "en", "Passage: x\nAspect:", target_text("Rank", "LoRA freezes the pretrained weights of the model.", "en"))
    path = tmp_path / "data.jsonl"
    path.write_text(
        "\n".join([good.to_json(), "{not json", json.dumps({"paper": "b.pdf"}), json.dumps({**json.loads(
            good.to_json()), "target": " Rank without a statement"}), good.to_json()]) + "\n", encoding="utf-8")  # fmt: skip
    report = read_examples(path)
    assert len(report.examples) == 2 and len(dataset.dedupe(report.examples)) == 1
    assert [p.split(":")[1] for p in report.problems] == ["2", "3", "4"]
    assert "not JSON" in report.problems[0] and "missing paper_id" in report.problems[1]
    assert "not usable" in report.problems[2]
    with pytest.raises(InputFileError, match="does not exist"):
        read_examples(tmp_path / "missing.jsonl")


def test_split_keeps_each_paper_on_one_side():
    examples = [Example(f"p{i % 7}", f"{i % 7}.pdf", "en", f"prompt {i}", "{}") for i in range(28)]
    train, val = split_by_paper(examples, validation=0.3, seed=1)
    assert train and val and len(train) + len(val) == 28
    assert not {e.paper_id for e in train} & {e.paper_id for e in val}


def test_a_curated_row_becomes_the_exact_runtime_prompt_and_target(corpus, tmp_path):
    from paperpal.finetune.prepare import prepare
    from paperpal.llm.local_backend import format_plain_prompt

    class Student:  # only formats prompts (as the local backend does); nothing is generated in prepare
        def format_prompt(self, request):
            return format_plain_prompt(request.system, request.prompt)

    data = tmp_path / "data.jsonl"
    curated = load_curated(CONDENSE)
    report = prepare([corpus / TRAIN_PAPER], data, student=Student(), curated=curated, langs=["en", "zh"])
    rows = curated[TRAIN_PAPER]
    assert report.failed == [] and report.written == 2 * len(rows)
    again = prepare([corpus / TRAIN_PAPER], data, student=Student(), curated=curated)
    assert (again.written, again.skipped) == (0, 1), "a second run resumes: a paper already there is skipped"
    examples = read_examples(data).examples
    first = rows[0]
    request = condense_request(parse_pdf(corpus / TRAIN_PAPER).title, first["section"], FIELD_OF_ROLE[first["role"]],
                               first["passage"], "zh")  # fmt: skip
    zh = next(e for e in examples if e.lang == "zh")
    assert zh.prompt == format_plain_prompt(None, request.prompt), "the input is exactly what the runtime feeds"
    assert zh.target == target_text(first["zh"]["aspect"], first["zh"]["statement"], "zh")


def test_eval_metrics_cover_the_abstract_and_check_the_language(corpus):
    paper = parse_pdf(corpus / TRAIN_PAPER)
    evidence = [Evidence(None, "Abstract", 1, "x")]
    informed = SummaryNote("t", "en", one_sentence="GPT improves by 8.9% on commonsense reasoning (Stories Cloze Test).",
                           evidence={"one_sentence": evidence}, origin={"one_sentence": "paper"},
                           results=[Aspect("RACE", "5.7% on question answering (RACE).", evidence, "model")])  # fmt: skip
    vague = SummaryNote("t", "en", one_sentence="The paper is about language.", evidence={"one_sentence": evidence},
                        origin={"one_sentence": "model"})  # fmt: skip
    assert quiz(paper), "the abstract carries facts to quiz on"
    assert coverage(informed, paper) > coverage(vague, paper) == 0.0
    mixed = SummaryNote("t", "zh", one_sentence="论文提出生成式预训练。", strengths=[Statement("It works well.")])
    assert in_language(mixed) == 0.5 and in_language(informed) == 1.0


def test_an_adapter_for_another_model_or_a_non_adapter_is_refused(bundled_gguf, tmp_path):
    with pytest.raises(ConfigError, match="not a LoRA adapter"):
        check_adapter(bundled_gguf, bundled_gguf)
    import numpy as np
    from gguf import GGUFType, GGUFWriter

    other = tmp_path / "other.gguf"  # a LoRA made for a wider model of the same family
    writer = GGUFWriter(str(other), "gemma3")
    writer.add_type(GGUFType.ADAPTER)
    writer.add_string("adapter.type", "lora")
    writer.add_string("paperpal.base_model", "gemma3:26:1152:6912")
    writer.add_tensor("blk.0.attn_q.weight.lora_a", np.zeros((4, 1152), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(ConfigError, match="trained for gemma3:26:1152:6912"):
        check_adapter(other, bundled_gguf)
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf at all")
    with pytest.raises(ConfigError, match="not a GGUF file"):
        check_adapter(junk, bundled_gguf)


@pytest.mark.slow
def test_pipeline_prepare_train_resume_export_load(corpus, bundled_gguf, llama_server, tmp_path, monkeypatch):
    assert HAS_TRAINING_STACK, "the fine-tuning pipeline needs the train extra: ./install.sh dev,train"
    from llm_support import local_settings, server_settings

    from paperpal.finetune.gguf_lora import export_lora
    from paperpal.finetune.model_card import write_card
    from paperpal.finetune.prepare import load_curated, prepare
    from paperpal.finetune.train import TrainConfig, train
    from paperpal.llm import get_backend
    from paperpal.llm.local_backend import LocalBackend

    student = LocalBackend(local_settings(bundled_gguf, local_n_ctx=4096))
    teacher = get_backend(server_settings(*llama_server))
    data = tmp_path / "data.jsonl"
    word2vec = "word2vec-efficient-estimation-of-word-representations.pdf"
    papers = [corpus / TRAIN_PAPER, corpus / word2vec]
    # the teacher (a real OpenAI-compatible server) condenses the word2vec passages the note pipeline picks; the
    # curated file gives the GPT examples; a teacher statement the check rejects is not kept
    curated = {TRAIN_PAPER: load_curated(CONDENSE)[TRAIN_PAPER][:2]}
    report = prepare(papers, data, student=student, teacher=teacher, curated=curated, langs=["en"])
    assert report.failed == [] and report.written >= 2
    rows = read_examples(data).examples
    taught = [r for r in rows if r.paper == word2vec]
    assert all(r.variant == "teacher" and r.prompt.startswith("Paper: Efficient Estimation") for r in taught)
    assert [r.variant for r in rows if r.paper == TRAIN_PAPER] == ["curated", "curated"]

    # training mechanics on these short inputs
    small = tmp_path / "small.jsonl"
    second = next(p for p in sorted(load_curated(CONDENSE)) if p != TRAIN_PAPER)  # two papers: one side validates
    two = {p: load_curated(CONDENSE)[p][:2] for p in (TRAIN_PAPER, second)}
    prepare([corpus / TRAIN_PAPER, corpus / second], small, student=student, teacher=None, curated=two, langs=["en"])
    out = tmp_path / "run"
    config = TrainConfig(grad_accum=1, save_every=5, validation=0.5, epochs=3)
    with pytest.raises(Cancelled, match="--resume"):  # like Ctrl-C / SIGTERM: checkpoint, then stop
        train(small, out, base_gguf=bundled_gguf, config=config, cancel=lambda: True)
    assert json.loads((out / "checkpoint" / "state.json").read_text())["step"] == 1
    with pytest.raises(InputFileError, match="not empty"):
        train(small, out, base_gguf=bundled_gguf, config=config)
    resumed = train(small, out, base_gguf=bundled_gguf, config=replace(config, max_steps=2), resume=True)
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert resumed.steps == 2 and [e["step"] for e in log] == [1, 2]
    assert all(e["loss"] > 0 for e in log) and log[-1]["val_loss"] > 0
    assert (out / "loss.png").stat().st_size > 0 and json.loads((out / "run.json").read_text())["steps"] == 2

    lora = tmp_path / "adapter.gguf"
    info = export_lora(out, lora, base_gguf=bundled_gguf)
    assert info["tensors"] == 18 * 7 * 2 and info["bytes"] < 30e6
    card = write_card(out, lora, info).read_text(encoding="utf-8")  # the training record beside the adapter
    assert "- steps: 2 optimizer steps × 1 examples" in card and f"last step {resumed.final_loss:.4f}" in card
    check_adapter(lora, bundled_gguf)
    assert made_for(lora, bundled_gguf), "the export records the exact base file it was trained on"
    look_alike = tmp_path / "look-alike.gguf"  # same shapes (same header), another file: not that base
    with bundled_gguf.open("rb") as src:
        look_alike.write_bytes(src.read(8 << 20))
    assert base_fingerprint(look_alike) == base_fingerprint(bundled_gguf) and not made_for(lora, look_alike)
    tuned = LocalBackend(local_settings(bundled_gguf, local_lora_path=str(lora)))
    reply = tuned.complete(Request(prompt=rows[0].prompt[:400], max_tokens=8, temperature=0))
    assert reply.completion_tokens > 0, "llama.cpp loads and runs the exported adapter beside the base"


def test_cli_bad_input_is_one_line(tmp_path, corpus):
    from click.testing import CliRunner

    from paperpal.cli import cli

    runner = CliRunner()
    no_source = runner.invoke(cli, ["finetune", "prepare", str(corpus / TRAIN_PAPER), "-o", str(tmp_path / "d.jsonl")])
    assert no_source.exit_code == 2 and no_source.output.strip().startswith("Error: No source of targets")
    not_adapter = runner.invoke(cli, ["finetune", "export", str(tmp_path), "-o", str(tmp_path / "a.gguf")])
    assert not_adapter.exit_code == 3 and "is not a LoRA adapter folder" in not_adapter.output
    assert len(not_adapter.output.strip().splitlines()) == 1

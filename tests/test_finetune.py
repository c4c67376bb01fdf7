"""Fine-tuning: data files (fast), metrics, the adapter check, and the whole pipeline on the real bundled model:
prepare with a local OpenAI-compatible teacher (llama_cpp.server) → train → stop and resume → export → load."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, read_tsv

from paperpal.errors import Cancelled, ConfigError, InputFileError
from paperpal.finetune import dataset
from paperpal.finetune.dataset import Example, read_examples, split_by_paper, target_text
from paperpal.finetune.evaluate import compliance, coverage, faithfulness, quiz
from paperpal.llm.base import Request
from paperpal.llm.lora_check import base_fingerprint, check_adapter, made_for
from paperpal.pdf import parse_pdf
from paperpal.tasks.summary import Aspect, SummaryNote, build_request

CURATED = REPO / "training" / "curated"
TRAIN_PAPER = "gpt-improving-language-understanding-by-generative-pre-training.pdf"
HAS_TRAINING_STACK = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "peft"))


def _target(lang: str = "en") -> dict:
    return json.loads((CURATED / f"{Path(TRAIN_PAPER).stem}.{lang}.json").read_text(encoding="utf-8"))["target"]


def test_every_curated_target_fits_the_note_schema_and_comes_from_a_train_paper(corpus):
    splits = {row["file"]: row["split"] for row in read_tsv(corpus / "SPLITS.tsv")}
    files = sorted(CURATED.glob("*.json"))
    assert len(files) >= 40
    for file in files:
        row = json.loads(file.read_text(encoding="utf-8"))
        assert splits[row["paper"]] == "train", f"{file.name}: curated data must come from train papers only"
        dataset.check_target(target_text(row["target"]), row["lang"])


def test_malformed_lines_are_reported_with_line_numbers_and_skipped(tmp_path):
    good = Example("p1", "a.pdf", "en", "Summarize:", target_text(_target()))
    path = tmp_path / "data.jsonl"
    path.write_text(
        "\n".join([good.to_json(), "{not json", json.dumps({"paper": "b.pdf"}), json.dumps({**json.loads(
            good.to_json()), "target": '{"keywords": []}'}), good.to_json()]) + "\n", encoding="utf-8")  # fmt: skip
    report = read_examples(path)
    assert len(report.examples) == 2 and len(dataset.dedupe(report.examples)) == 1
    assert [p.split(":")[1] for p in report.problems] == ["2", "3", "4"]
    assert "not JSON" in report.problems[0] and "missing paper_id" in report.problems[1]
    assert "note schema" in report.problems[2]
    with pytest.raises(InputFileError, match="does not exist"):
        read_examples(tmp_path / "missing.jsonl")


def test_split_keeps_each_paper_on_one_side():
    examples = [Example(f"p{i % 7}", f"{i % 7}.pdf", "en", f"prompt {i}", "{}") for i in range(28)]
    train, val = split_by_paper(examples, validation=0.3, seed=1)
    assert train and val and len(train) + len(val) == 28
    assert not {e.paper_id for e in train} & {e.paper_id for e in val}


def test_targets_are_serialised_in_the_grammar_order():
    text = target_text({"weaknesses": ["w"], "keywords": ["k"], "method": [{"detail": "d", "aspect": "a"}]})
    assert text.index('"keywords"') < text.index('"method"') < text.index('"weaknesses"')
    assert text.index('"aspect"') < text.index('"detail"')


def _note(**fields) -> SummaryNote:
    base = {
        "title": "t",
        "language": "en",
        "keywords": ["GPT"],
        "one_sentence": "s",
        "problem": "p",
        "method": [Aspect("a", "d")],
        "results": [Aspect("a", "d")],
        "strengths": ["s"],
        "weaknesses": ["w"],
    }
    return SummaryNote(**{**base, **fields})


def test_metrics_reward_faithful_specific_notes_and_punish_invented_facts(corpus):
    paper = parse_pdf(corpus / TRAIN_PAPER)
    target = _target()
    faithful = _note(
        one_sentence=target["one_sentence"], problem=target["problem"], keywords=target["keywords"],
        results=[Aspect(r["aspect"], r["detail"]) for r in target["results"]],
        method=[Aspect(m["aspect"], m["detail"]) for m in target["method"]],
    )  # fmt: skip
    invented = _note(one_sentence="ZorbNet reaches 97.3% on QuuxBench and 12.8 points over FlimFlam-XL.")
    assert compliance(faithful) == 1.0 and compliance(_note(problem="")) == 0.0 and compliance(None) == 0.0
    assert faithfulness(faithful, paper) >= 0.9
    assert faithfulness(invented, paper) < 0.5
    assert quiz(paper), "the abstract carries facts to quiz on"
    assert coverage(faithful, paper) > coverage(_note(), paper)


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
@pytest.mark.skipif(not HAS_TRAINING_STACK, reason='needs the train extra: pip install -e ".[train]"')
def test_pipeline_prepare_train_resume_export_load(corpus, bundled_gguf, llama_server, tmp_path, monkeypatch):
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
    papers = [corpus / TRAIN_PAPER, corpus / "word2vec-efficient-estimation-of-word-representations.pdf"]
    # the teacher (a real OpenAI-compatible server) writes the word2vec target; the curated file gives the GPT one
    report = prepare(papers, data, student=student, teacher=teacher, curated=load_curated(CURATED), langs=["en"],
                     variants=["short"])  # fmt: skip
    assert report.failed == [] and report.written == 2
    again = prepare(papers, data, student=student, teacher=None, curated={}, langs=["en"], variants=["short"])
    assert (again.written, again.skipped) == (0, 2), "a second run resumes: nothing is redone"
    rows = read_examples(data).examples
    gpt = next(r for r in rows if r.paper == TRAIN_PAPER)
    request, _ = build_request(parse_pdf(papers[0]), student, "en", excerpt_tokens=1500)
    assert gpt.prompt == student.format_prompt(request), "the input is exactly what the runtime feeds the model"

    # training mechanics on short inputs (the full 1,500-2,500-token inputs cost minutes per step on a CPU)
    small = tmp_path / "small.jsonl"
    dataset.write_examples([replace(r, prompt=r.prompt[:600] + "\n\nJSON:") for r in rows], small)
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
    assert no_source.exit_code == 2 and no_source.output.strip().startswith("Error: No source of target summaries")
    not_adapter = runner.invoke(cli, ["finetune", "export", str(tmp_path), "-o", str(tmp_path / "a.gguf")])
    assert not_adapter.exit_code == 3 and "is not a LoRA adapter folder" in not_adapter.output
    assert len(not_adapter.output.strip().splitlines()) == 1

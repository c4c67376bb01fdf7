"""The model card written beside an exported adapter: how it was trained (data, steps, loss, machine, time)."""

from __future__ import annotations

import json
from pathlib import Path

from ..home import atomic_write_text


def card_path(adapter_gguf: Path) -> Path:
    """``my-adapter.gguf`` → ``my-adapter.md``."""
    return Path(adapter_gguf).with_suffix(".md")


def _rounded(value) -> str:
    return "—" if value is None else f"{value:.4f}"


def training_record(run_dir: Path, adapter_gguf: Path, export_info: dict) -> str:
    """Markdown describing the run in ``run_dir`` (its ``run.json`` and ``train_log.jsonl``)."""
    run_dir = Path(run_dir)
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    log_path = run_dir / "train_log.jsonl"
    log = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()] if log_path.exists() else []
    config = run.get("config", {})
    hours = run.get("seconds", 0) / 3600
    lines = [
        f"# {Path(adapter_gguf).stem}",
        "",
        (
            f"LoRA adapter (GGUF, {export_info['bytes'] / 1e6:.1f} MB, rank {export_info['rank']}, alpha "
            f"{export_info['alpha']}) for `{run.get('base_model')}`, made with `paperpal finetune`."
        ),
        "",
        "## Training",
        "",
        (
            f"- data: `{run.get('data')}` — {run.get('examples')} training examples, "
            f"{run.get('validation_examples')} held out (split by paper)"
        ),
        (
            f"- steps: {run.get('steps')} optimizer steps × {config.get('grad_accum')} examples, "
            f"{config.get('epochs')} epochs, learning rate {config.get('learning_rate')}, seed {config.get('seed')}"
        ),
        (
            f"- loss (target tokens): first step {log[0]['loss'] if log else '—'}, last step {run.get('final_loss'):.4f}, "
            f"validation {_rounded(run.get('validation_loss'))}"
        ),
        (
            f"- machine: {run.get('device', '?').upper()} ({run.get('processor')}, {run.get('cpu_count')} cores), "
            f"{run.get('machine')}, torch {run.get('torch')}, precision {run.get('precision', 'float32')}"
        ),
        f"- time: {hours:.2f} h of training (optimizer steps, summed over resumed runs)",
        "",
        "| step | loss | validation loss |",
        "|---|---|---|",
    ]
    lines += [f"| {e['step']} | {e['loss']} | {_rounded(e['val_loss'])} |" for e in log if e.get("val_loss")]
    return "\n".join(lines) + "\n"


def write_card(run_dir: Path, adapter_gguf: Path, export_info: dict) -> Path | None:
    """Write the card beside the adapter; None when the folder is not a finished run (no ``run.json``)."""
    if not (Path(run_dir) / "run.json").exists():
        return None
    path = card_path(adapter_gguf)
    atomic_write_text(path, training_record(run_dir, adapter_gguf, export_info))
    return path

"""``paperpal finetune``: prepare data, train a LoRA adapter, export it for llama.cpp, evaluate it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ConfigError
from ..settings import Settings, load_settings
from .app import cli, task_progress


def _pdfs(sources: tuple[str, ...], collection: str | None, tag: str | None, settings) -> list[Path]:
    if collection or tag:
        from ..zotero.library import library_pdfs

        return [path for path, _ in library_pdfs(settings, collection=collection, tag=tag)]
    found: list[Path] = []
    for source in sources:
        path = Path(source)
        found += sorted(path.glob("*.pdf")) if path.is_dir() else [path]
    if not found:
        raise ConfigError("No papers given", hint="pass PDFs or folders, or --collection / --tag")
    return found


def _local(settings):
    from ..llm import get_backend

    return get_backend(settings.model_copy(update={"llm": settings.llm.model_copy(update={"backend": "local"})}))


@cli.group()
def finetune() -> None:
    """Fine-tune the bundled summary model on your papers (LoRA)."""


@finetune.command()
@click.argument("papers", nargs=-1)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSONL to write (appended; resumable).",
)
@click.option(
    "--teacher", type=click.Choice(["openai"]), help="Where targets come from: an OpenAI-compatible model."
)
@click.option("--model", help="Teacher model name at the endpoint, e.g. gpt-4o.")
@click.option("--base-url", help="Teacher endpoint URL (default: llm.base_url / api.openai.com).")
@click.option(
    "--curated",
    type=click.Path(exists=True, path_type=Path),
    help="Hand-written targets: a folder of <paper>.jsonl files (see training/README.md) or one JSONL.",
)
@click.option("--collection", help="Papers of this Zotero collection.")
@click.option("--tag", help="Papers with this Zotero tag.")
@click.option("--lang", "langs", multiple=True, type=click.Choice(["en", "zh"]), help="Languages (default: en and zh).")
@click.option("--min-interval", default=1.0, show_default=True, help="Seconds between teacher calls (rate limit).")
def prepare(papers, output, teacher, model, base_url, curated, collection, tag, langs, min_interval) -> None:
    """Build training examples: the local model's exact input (a passage) + a target statement."""
    from ..finetune.prepare import load_curated
    from ..finetune.prepare import prepare as run_prepare
    from ..llm import get_backend

    settings = load_settings()
    pdfs = _pdfs(papers, collection, tag, settings)
    teacher_backend = None
    if teacher:
        overrides = {"llm.backend": "openai", "llm.model": model, "llm.base_url": base_url}
        teacher_backend = get_backend(load_settings(overrides))
    if not (teacher_backend or curated):
        raise ConfigError("No source of targets", hint="pass --teacher openai --model M, or --curated PATH")
    with task_progress("Preparing examples", len(pdfs)) as advance:
        report = run_prepare(pdfs, output, student=_local(settings), teacher=teacher_backend,
                             curated=load_curated(curated) if curated else None, langs=langs or ("en", "zh"),
                             min_interval=min_interval, on_progress=advance)  # fmt: skip
    click.echo(f"{report.written} examples written to {output}, {report.skipped} already there, "
               f"{len(report.failed)} failed", err=True)  # fmt: skip
    if report.without_target:
        click.echo(f"  {len(report.without_target)} papers have no curated rows and there is no teacher (left out)", err=True)
    for paper, why in report.failed:
        click.echo(f"  failed: {paper}: {why}", err=True)


@finetune.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Run folder.")
@click.option("--epochs", default=3.0, show_default=True)
@click.option("--rank", default=16, show_default=True, help="LoRA rank.")
@click.option("--alpha", default=32, show_default=True, help="LoRA alpha.")
@click.option("--lr", "learning_rate", default=2e-4, show_default=True, help="Learning rate.")
@click.option("--grad-accum", default=8, show_default=True, help="Examples per optimizer step.")
@click.option("--save-every", default=10, show_default=True, help="Checkpoint every N optimizer steps.")
@click.option("--max-steps", type=int, help="Stop after N optimizer steps.")
@click.option("--max-tokens", default=4096, show_default=True, help="Drop examples longer than this.")
@click.option("--seed", default=0, show_default=True)
@click.option("--precision", type=click.Choice(["auto", "bf16", "fp32"]), default="auto", show_default=True,
              help="bf16 autocast where the hardware has it (about 1.7x faster on a CPU with AVX512-BF16).")
@click.option("--resume", is_flag=True, help="Continue the run in the output folder from its last checkpoint.")
def train(data, output, resume, **options) -> None:
    """LoRA-train the bundled model on DATA (JSONL from `finetune prepare`)."""
    from ..finetune.train import TrainConfig, require_training_stack
    from ..finetune.train import train as run_train
    from ..llm.model_files import resolve_model_path

    require_training_stack()
    import torch

    if not torch.cuda.is_available():
        click.echo("Warning: no GPU; training runs on the CPU (about 15-30 s per example on 2 cores with bfloat16). "
                   "It checkpoints and resumes with --resume.", err=True)  # fmt: skip
    settings = load_settings()
    base = resolve_model_path(settings.llm.local_model_path)
    with task_progress("Training", None) as advance:
        result = run_train(data, output, base_gguf=base, config=TrainConfig(**options), resume=resume,
                           on_progress=advance)  # fmt: skip
    for problem in result.problems:
        click.echo(f"  skipped {problem}", err=True)
    click.echo(f"Trained {result.steps} steps on {result.examples} examples ({result.validation_examples} held out): "
               f"loss {result.final_loss:.3f}, validation {result.validation_loss}; adapter in {output}/adapter",
               err=True)  # fmt: skip


@finetune.command()
@click.argument("run", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="GGUF LoRA file.")
@click.option("--f32", is_flag=True, help="Store float32 tensors (default float16).")
def export(run, output, f32) -> None:
    """Export a trained adapter (RUN folder) as a GGUF LoRA for llama.cpp."""
    from ..finetune.gguf_lora import export_lora
    from ..finetune.model_card import write_card
    from ..llm.model_files import resolve_model_path

    base = resolve_model_path(load_settings().llm.local_model_path)
    info = export_lora(run, output, base_gguf=base, dtype="f32" if f32 else "f16")
    card = write_card(run, output, info)
    click.echo(f"Wrote {output}: {info['tensors']} tensors, rank {info['rank']}, {info['bytes'] / 1e6:.1f} MB"
               + (f", and its model card {card}" if card else "")
               + f". Use it with PAPERPAL_LORA={output} or local_lora_path.", err=True)  # fmt: skip


@finetune.command("eval")
@click.argument("adapter", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--papers",
    "papers_dir",
    type=click.Path(exists=True, path_type=Path),
    required=True,
    help="Folder or PDF of papers to evaluate on.",
)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--api-model", help="Also score this OpenAI-compatible model (llm.base_url / key from settings).")
@click.option("--limit", type=int, help="Only the first N papers.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(adapter, papers_dir, lang, api_model, limit, as_json) -> None:
    """Score the base model, ADAPTER (a GGUF LoRA; default: the shipped one) and optionally an API model on PAPERS."""
    from ..finetune.evaluate import score_model
    from ..llm import get_backend
    from ..llm.model_files import shipped_lora_path
    from ..pdf import parse_pdf

    settings = load_settings()
    pdfs = _pdfs((str(papers_dir),), None, None, settings)[:limit]
    papers = [parse_pdf(p) for p in pdfs]
    adapter = adapter or shipped_lora_path()

    def with_lora(value: str) -> Settings:
        return settings.model_copy(update={"llm": settings.llm.model_copy(update={"local_lora_path": value})})

    runs = [("base", _local(with_lora("none")))]
    if adapter:
        runs.append(("fine-tuned", _local(with_lora(str(adapter)))))
    if api_model:
        runs.append((api_model, get_backend(load_settings({"llm.backend": "openai", "llm.model": api_model}))))
    scores = []
    with task_progress("Evaluating", len(runs) * len(papers)) as advance:
        for name, backend in runs:
            done = len(scores) * len(papers)
            scores.append(score_model(name, papers, settings=settings, backend=backend, lang=lang,
                                      on_progress=lambda label, d=done: advance(d, label=label)).to_dict())  # fmt: skip
    if as_json:
        click.echo(json.dumps({"lang": lang, "papers": [p.name for p in pdfs], "models": scores}, indent=2))
        return
    click.echo("| model | statements / note | condensed by the model | check accepted the model's statements | "
               "coverage | in the note's language | s / note |\n|---|---|---|---|---|---|---|")  # fmt: skip
    for s in scores:
        click.echo(f"| {s['name']} | {s['statements']} | {s['condensed_share']} | {s['acceptance']} | {s['coverage']} | "
                   f"{s['in_language']} | {s['seconds']} |")  # fmt: skip

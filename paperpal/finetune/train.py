"""``finetune train``: LoRA supervised fine-tuning of the bundled model (needs ``pip install -e ".[train]"``).

The base weights come from the same GGUF the runtime uses (transformers de-quantises it), and the examples are
tokenized with llama.cpp's own tokenizer, so training and inference see one model and one token stream.
Loss is on the target tokens only, and the (262k-word) LM head runs only on those positions, which is most of the
cost saved on a CPU.  Gradient accumulation; a checkpoint every ``save_every`` optimizer steps (adapter, optimizer,
scheduler, RNG, position in the data) written atomically, ``resume=True`` continues from it; SIGINT/SIGTERM save a
checkpoint and stop.  A run log (``train_log.jsonl``), a loss plot (``loss.png``) and ``run.json`` sit beside the
adapter.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import shutil
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import Cancelled, ConfigError, InputFileError
from ..home import atomic_write_text
from .dataset import Example, dedupe, length_filter, read_examples, split_by_paper
from .loss_plot import save_loss_plot

TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@dataclass
class TrainConfig:
    epochs: float = 3.0
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    learning_rate: float = 2e-4
    grad_accum: int = 8
    max_tokens: int = 4096  # prompt + target; longer examples are dropped (reported)
    save_every: int = 10  # optimizer steps
    validation: float = 0.15
    seed: int = 0
    max_steps: int | None = None  # stop after this many optimizer steps (smoke tests, time boxes)
    threads: int | None = None
    precision: str = "auto"  # "bf16" (autocast, fp32 master weights), "fp32", or "auto": bf16 where the hardware has it


@dataclass
class TrainResult:
    output: Path
    steps: int
    examples: int
    validation_examples: int
    final_loss: float | None
    validation_loss: float | None
    seconds: float
    dropped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def require_training_stack():
    try:
        import peft  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"Training needs torch, transformers and peft ({exc.name} is missing)",
            hint='install them with `pip install -e ".[train]"`',
        ) from None


def load_base(gguf: Path):
    """(model, llama.cpp tokenizer) from the GGUF the runtime uses."""
    import llama_cpp
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    from ..llm.local_backend import route_llama_logs

    hf_logging.disable_progress_bar()  # our own progress display reports the run
    quiet = os.environ.get("TQDM_DISABLE")
    os.environ["TQDM_DISABLE"] = "1"  # the GGUF de-quantiser draws its own tqdm bar
    try:
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    finally:
        if quiet is None:
            os.environ.pop("TQDM_DISABLE", None)
    route_llama_logs()
    vocab = llama_cpp.Llama(str(gguf), vocab_only=True, verbose=False)
    return model, vocab


def tokenize(vocab, example: Example) -> tuple[list[int], int]:
    """(token ids, index of the first target token): the prompt exactly as the runtime tokenizes it."""
    prompt = vocab.tokenize(example.prompt.encode("utf-8"), add_bos=True, special=False)
    target = vocab.tokenize(example.target.encode("utf-8"), add_bos=False, special=False) + [vocab.token_eos()]
    return prompt + target, len(prompt)


def autocast_dtype(precision: str, device: str):
    """The autocast dtype for ``precision`` on ``device`` (None: plain fp32).

    bf16 autocast keeps fp32 master weights and optimizer state; on a CPU with AVX512-BF16 it measured about 1.7x
    faster per step than fp32 here, with the same loss to 3 digits.
    """
    import torch

    if precision == "fp32":
        return None
    if precision not in ("auto", "bf16"):
        raise ConfigError(f"Unknown precision {precision!r}", hint="use auto, bf16 or fp32")
    if device == "cuda":
        supported = torch.cuda.is_bf16_supported()
    else:
        supported = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    if precision == "bf16" and not supported:
        raise ConfigError(f"This {device.upper()} has no bf16 support", hint="use --precision fp32 (or auto)")
    return torch.bfloat16 if supported else None


def target_loss(model, ids: list[int], start: int):
    """Mean cross-entropy over the target tokens, with the LM head applied to those positions only."""
    import torch

    inputs = torch.tensor([ids])
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = base.model(input_ids=inputs).last_hidden_state[0, start - 1 : len(ids) - 1]
    logits = base.lm_head(hidden).float()
    cap = getattr(base.config, "final_logit_softcapping", None)
    if cap:
        logits = torch.tanh(logits / cap) * cap
    return torch.nn.functional.cross_entropy(logits, inputs[0, start:])


class _StopFlag:
    """SIGINT/SIGTERM ask the loop to checkpoint and stop instead of dying mid-write."""

    def __init__(self):
        self.stop = False
        self._old = {}

    def __enter__(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: rely on the cancel callback
                pass
        return self

    def _handle(self, *_):
        self.stop = True

    def __exit__(self, *exc):
        for sig, old in self._old.items():
            signal.signal(sig, old)


def _save_checkpoint(output: Path, model, optimizer, scheduler, state: dict) -> None:
    import torch

    tmp, final = output / "checkpoint.tmp", output / "checkpoint"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp / "adapter", save_embedding_layers=False)
    torch.save(
        {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "torch_rng": torch.get_rng_state(),
         "python_rng": random.getstate()},
        tmp / "trainer.pt",
    )  # fmt: skip
    atomic_write_text(tmp / "state.json", json.dumps(state))
    old = output / "checkpoint.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _evaluate(model, tokenized: list[tuple[list[int], int]], precision) -> float | None:
    import torch

    if not tokenized:
        return None
    model.eval()
    with torch.no_grad(), precision():
        losses = [target_loss(model, ids, start).item() for ids, start in tokenized]
    model.train()
    return sum(losses) / len(losses)


def train(
    data: Path,
    output: Path,
    *,
    base_gguf: Path,
    config: TrainConfig | None = None,
    resume: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
    cancel=None,
) -> TrainResult:
    """Train a LoRA adapter on ``data`` (JSONL from ``prepare``) into ``output``."""
    require_training_stack()
    import torch
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from safetensors.torch import load_file

    config = config or TrainConfig()
    output = Path(output)
    checkpoint = output / "checkpoint"
    if output.exists() and any(output.iterdir()) and not resume:
        raise InputFileError(
            f"Output folder {output} is not empty", hint="pass --resume to continue that run, or choose a new folder"
        )
    if resume and not (checkpoint / "state.json").exists():
        raise InputFileError(f"No checkpoint to resume in {output}", hint="start without --resume")
    loaded = read_examples(data)
    examples = dedupe(loaded.examples)
    if not examples:
        raise InputFileError(
            f"No usable examples in {data}", hint="; ".join(loaded.problems[:3]) or "prepare data first"
        )
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    elif not torch.cuda.is_available():
        torch.set_num_threads(os.cpu_count() or 1)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = autocast_dtype(config.precision, device)

    def precision():
        return torch.autocast(device, dtype=dtype) if dtype else contextlib.nullcontext()

    model, vocab = load_base(base_gguf)
    examples, dropped = length_filter(
        examples, lambda t: len(vocab.tokenize(t.encode(), add_bos=True)), config.max_tokens
    )
    train_set, val_set = split_by_paper(examples, config.validation, config.seed)
    if not train_set:
        raise InputFileError(f"No training examples left in {data} after the length filter and the split")
    lora = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=config.dropout,
                      target_modules=TARGET_MODULES, task_type="CAUSAL_LM")  # fmt: skip
    with warnings.catch_warnings():  # peft calls a transformers API that transformers 5 deprecates
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        model = get_peft_model(model, lora).to(device)
    model.train()
    tokenized = [tokenize(vocab, e) for e in train_set]
    val_tokens = [tokenize(vocab, e) for e in val_set]
    steps_per_epoch = max(1, len(tokenized) // config.grad_accum)
    total_steps = max(1, int(steps_per_epoch * config.epochs))
    if config.max_steps:
        total_steps = min(total_steps, config.max_steps)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.0)
    warmup = max(1, total_steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total_steps - s) / total_steps)
    )
    state = {"step": 0, "position": 0, "order": [], "config": asdict(config), "seconds": 0.0}
    log_path = output / "train_log.jsonl"
    if resume:
        state = json.loads((checkpoint / "state.json").read_text())
        weights = load_file(str(checkpoint / "adapter" / "adapter_model.safetensors"))
        set_peft_model_state_dict(model, weights)
        saved = torch.load(checkpoint / "trainer.pt", weights_only=False)
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        torch.set_rng_state(saved["torch_rng"])
        random.setstate(saved["python_rng"])
        _truncate_log(log_path, state["step"])
    output.mkdir(parents=True, exist_ok=True)

    def next_index() -> int:
        if state["position"] >= len(state["order"]):
            state["order"] = random.sample(range(len(tokenized)), len(tokenized))
            state["position"] = 0
        state["position"] += 1
        return state["order"][state["position"] - 1]

    loss_value, run_start = None, time.monotonic() - state["seconds"]
    with _StopFlag() as stop:
        while state["step"] < total_steps:
            optimizer.zero_grad()
            losses = []
            for _ in range(config.grad_accum):
                ids, start = tokenized[next_index()]
                with precision():
                    loss = target_loss(model, ids, start) / config.grad_accum
                loss.backward()
                losses.append(loss.item() * config.grad_accum)
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            state["step"] += 1
            state["seconds"] = time.monotonic() - run_start
            loss_value = sum(losses) / len(losses)
            entry = {"step": state["step"], "loss": round(loss_value, 4), "lr": scheduler.get_last_lr()[0],
                     "seconds": round(state["seconds"], 1)}  # fmt: skip
            last = state["step"] == total_steps
            stopping = stop.stop or bool(cancel and cancel())
            if state["step"] % config.save_every == 0 or last or stopping:
                entry["val_loss"] = _evaluate(model, val_tokens, precision)
                _save_checkpoint(output, model, optimizer, scheduler, state)
            with log_path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry) + "\n")
            if on_progress:
                on_progress(state["step"], total_steps, f"loss {loss_value:.3f}")
            if stopping and not last:
                raise Cancelled(f"Training stopped at step {state['step']}; `--resume` continues from there")
    model.save_pretrained(output / "adapter", save_embedding_layers=False)
    log = [json.loads(line) for line in log_path.read_text().splitlines()]
    save_loss_plot(log, output / "loss.png")
    val_loss = next((e["val_loss"] for e in reversed(log) if e.get("val_loss") is not None), None)
    result = TrainResult(output, state["step"], len(train_set), len(val_set), loss_value, val_loss,
                         state["seconds"], [e.paper for e in dropped], loaded.problems)  # fmt: skip
    run = {**{k: v for k, v in asdict(result).items() if k != "output"}, "config": asdict(config),
           "data": str(data), "base_model": base_gguf.name, "device": device,
           "precision": str(dtype).removeprefix("torch.") if dtype else "float32", "machine": platform.platform(),
           "processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
           "torch": torch.__version__}  # fmt: skip
    atomic_write_text(output / "run.json", json.dumps(run, indent=2, ensure_ascii=False))
    return result


def _truncate_log(log_path: Path, step: int) -> None:
    """Drop log lines written after the checkpoint we resume from (they will be redone)."""
    if log_path.exists():
        lines = [line for line in log_path.read_text().splitlines() if json.loads(line)["step"] <= step]
        atomic_write_text(log_path, "".join(line + "\n" for line in lines))

"""``finetune export``: a peft LoRA adapter → a GGUF LoRA that llama.cpp loads beside the base model.

Gemma 3 linear layers map one-to-one onto llama.cpp's tensor names (no q/k permutation for this architecture);
llama.cpp scales by ``adapter.lora.alpha / rank`` exactly as peft does.  The adapter records which base model it
was trained on (``paperpal.base_model``, the GGUF's tensor layout) so the runtime can refuse a mismatch with a
clear message instead of a crash.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from ..errors import ConfigError, InputFileError
from ..llm.lora_check import BASE_KEY, BASE_SIZE_KEY, base_fingerprint

HF_TO_GGUF = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_NAME = re.compile(r"layers\.(\d+)\.(.+)\.lora_([AB])\.weight$")


def base_shapes(base_gguf: Path) -> tuple[str, dict[str, tuple[int, ...]]]:
    """(architecture, tensor shapes) of the base model: what each adapter tensor must fit."""
    from gguf import GGUFReader

    reader = GGUFReader(str(base_gguf))
    arch = bytes(reader.fields["general.architecture"].parts[-1]).decode()
    return arch, {t.name: tuple(int(x) for x in t.shape) for t in reader.tensors}


def export_lora(adapter_dir: Path, output: Path, *, base_gguf: Path, dtype: str = "f16") -> dict:
    """Write ``output`` (GGUF LoRA); returns {"tensors", "rank", "alpha", "bytes"}."""
    from gguf import GGUFType, GGUFWriter, Keys
    from safetensors.numpy import load_file

    adapter_dir = Path(adapter_dir)
    if (adapter_dir / "adapter" / "adapter_config.json").exists():  # a training run folder
        adapter_dir = adapter_dir / "adapter"
    config_path, weights_path = adapter_dir / "adapter_config.json", adapter_dir / "adapter_model.safetensors"
    if not (config_path.exists() and weights_path.exists()):
        raise InputFileError(
            f"{adapter_dir} is not a LoRA adapter folder (no adapter_config.json / adapter_model.safetensors)",
            hint="pass the folder `paperpal finetune train -o` wrote",
        )
    config = json.loads(config_path.read_text())
    arch, shapes = base_shapes(base_gguf)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")  # an adapter already there stays whole until this one is
    writer = GGUFWriter(str(partial), arch)
    writer.add_type(GGUFType.ADAPTER)
    writer.add_string(Keys.Adapter.TYPE, "lora")
    writer.add_float32(Keys.Adapter.LORA_ALPHA, float(config["lora_alpha"]))
    writer.add_string(BASE_KEY, base_fingerprint(base_gguf))
    writer.add_uint64(BASE_SIZE_KEY, base_gguf.stat().st_size)
    count = 0
    for name, tensor in sorted(load_file(str(weights_path)).items()):
        match = _NAME.search(name)
        if not match or match.group(2) not in HF_TO_GGUF:
            raise InputFileError(
                f"Adapter tensor {name} has no llama.cpp counterpart", hint="train with paperpal's targets"
            )
        layer, module, ab = match.groups()
        base_name = f"blk.{layer}.{HF_TO_GGUF[module]}.weight"
        if base_name not in shapes:
            raise ConfigError(f"The adapter does not match the base model: {base_gguf.name} has no {base_name}")
        want_in, want_out = shapes[base_name][0], shapes[base_name][1]  # GGUF shapes are (in, out)
        got = tensor.shape[1] if ab == "A" else tensor.shape[0]
        if got != (want_in if ab == "A" else want_out):
            raise ConfigError(
                f"The adapter does not match the base model: {name} has shape {tensor.shape}, "
                f"{base_name} is {shapes[base_name]}",
                hint="train the adapter on this base model",
            )
        data = tensor.astype(np.float16 if dtype == "f16" else np.float32)
        writer.add_tensor(f"{base_name}.lora_{ab.lower()}", data)
        count += 1
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    partial.replace(output)
    return {"tensors": count, "rank": config["r"], "alpha": config["lora_alpha"], "bytes": output.stat().st_size}

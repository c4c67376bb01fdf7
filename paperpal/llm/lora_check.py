"""Does a GGUF LoRA adapter belong to this base model?  Checked before llama.cpp loads it, so a mismatch is one
clear message rather than a llama.cpp failure deep in the load.

``paperpal finetune export`` writes ``paperpal.base_model`` (the base's architecture, layer count and widths) into
every adapter; adapters made elsewhere are checked for being LoRA adapters at least.  Only the GGUF header's
key-value section is read (skipping the 262k-entry vocabulary), so the check costs milliseconds, not the seconds a
full ``GGUFReader`` parse of the base model takes.
"""

from __future__ import annotations

import struct
from pathlib import Path

from ..errors import ConfigError

BASE_KEY = "paperpal.base_model"
BASE_SIZE_KEY = "paperpal.base_model_bytes"  # the exact base file it was trained on
_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9


def read_metadata(path: Path) -> dict[str, object]:
    """The key-value metadata of a GGUF file (arrays are skipped and come back as None)."""
    with open(path, "rb") as fh:

        def take(fmt: str):
            size = struct.calcsize("<" + fmt)
            data = fh.read(size)
            if len(data) != size:
                raise ValueError("truncated GGUF header")
            return struct.unpack("<" + fmt, data)[0]

        def string() -> str:
            return fh.read(take("Q")).decode("utf-8", errors="replace")

        def value(kind: int):
            if kind in _SCALARS:
                return take(_SCALARS[kind])
            if kind == _STRING:
                return string()
            if kind == _ARRAY:
                item, count = take("I"), take("Q")
                if item in _SCALARS:
                    fh.seek(count * struct.calcsize("<" + _SCALARS[item]), 1)
                else:
                    for _ in range(count):
                        value(item)
                return None
            raise ValueError(f"unknown GGUF value type {kind}")

        if fh.read(4) != b"GGUF":
            raise ValueError("no GGUF magic")
        take("I")  # version
        take("Q")  # tensor count
        return {string(): value(take("I")) for _ in range(take("Q"))}


def base_fingerprint(base_gguf: Path) -> str:
    """Architecture, layer count and widths: what an adapter must match."""
    meta = read_metadata(base_gguf)
    arch = meta.get("general.architecture")
    widths = [meta.get(f"{arch}.{k}") for k in ("block_count", "embedding_length", "feed_forward_length")]
    return ":".join(str(x) for x in [arch, *widths])


def check_adapter(lora_gguf: Path, base_gguf: Path) -> None:
    """Raise ConfigError unless ``lora_gguf`` is a LoRA adapter made for ``base_gguf``."""
    try:
        meta = read_metadata(lora_gguf)
    except (ValueError, OSError, struct.error) as exc:  # not a GGUF at all
        raise ConfigError(f"{lora_gguf} is not a GGUF file ({exc})", hint="export the adapter again") from None
    if meta.get("adapter.type") != "lora":
        raise ConfigError(f"{lora_gguf} is not a LoRA adapter", hint="use `paperpal finetune export` to make one")
    try:
        base = base_fingerprint(base_gguf)
    except (ValueError, OSError, struct.error):
        return  # the base itself does not load: the model load reports that
    if BASE_KEY in meta and meta[BASE_KEY] != base:
        raise ConfigError(
            f"The LoRA adapter {lora_gguf.name} was trained for {meta[BASE_KEY]}, not for {base_gguf.name} ({base})",
            hint="unset local_lora_path / PAPERPAL_LORA, or point local_model_path at the adapter's base model",
        )


def made_for(lora_gguf: Path, base_gguf: Path) -> bool:
    """Was ``lora_gguf`` trained on exactly this base file (shapes and file size)?  Used to pick the shipped adapter
    by default only for the bundled model, never for a user's own GGUF of the same shape."""
    try:
        meta = read_metadata(lora_gguf)
        return meta.get(BASE_SIZE_KEY) == base_gguf.stat().st_size and meta.get(BASE_KEY) == base_fingerprint(base_gguf)
    except (ValueError, OSError, struct.error):  # either file unreadable: the model load says what is wrong
        return False

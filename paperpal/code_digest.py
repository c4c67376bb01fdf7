"""A short digest of some of PaperPal's own source code: what saved work was made with (the index's chunks, the
comparison table's cells), so that an upgrade which changes how that work is done makes it again rather than serving
what the old code made."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def source_digest(*packages: str) -> str:
    """12 hex digits of the ``*.py`` source under ``paperpal/<package>`` for each of ``packages``."""
    digest = hashlib.sha1()
    for package in packages:
        for path in sorted((_ROOT / package).rglob("*.py")):
            digest.update(path.relative_to(_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]

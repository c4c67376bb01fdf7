"""Where Zotero keeps things on this computer: the data directory, the profile's prefs.js, and how
attachment paths (``storage:file.pdf``, ``attachments:rel/path.pdf``, absolute) become files."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

_PREF = re.compile(r'user_pref\("extensions\.zotero\.(\w+)",\s*(.+?)\);')


def profile_dirs() -> list[Path]:
    """Zotero profile folders (where prefs.js lives) for this OS."""
    home = Path.home()
    if sys.platform == "darwin":
        root = home / "Library" / "Application Support" / "Zotero" / "Profiles"
    elif sys.platform.startswith("win"):
        root = Path(os.environ.get("APPDATA", home)) / "Zotero" / "Zotero" / "Profiles"
    else:
        root = home / ".zotero" / "zotero"
    return sorted(p for p in root.glob("*") if (p / "prefs.js").is_file()) if root.is_dir() else []


def read_prefs(prefs_js: Path) -> dict[str, str | bool]:
    """The ``extensions.zotero.*`` prefs of one prefs.js (strings unescaped, booleans as bool)."""
    prefs: dict[str, str | bool] = {}
    try:
        text = prefs_js.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return prefs
    for name, raw in _PREF.findall(text):
        raw = raw.strip()
        if raw in ("true", "false"):
            prefs[name] = raw == "true"
        elif raw.startswith('"') and raw.endswith('"'):
            try:
                prefs[name] = json.loads(raw)  # a JS string literal: "C:\\Users\\me" -> C:\Users\me
            except ValueError:
                prefs[name] = raw[1:-1]
    return prefs


def _profile_prefs() -> dict[str, str | bool]:
    for profile in profile_dirs():
        prefs = read_prefs(profile / "prefs.js")
        if prefs:
            return prefs
    return {}


def default_data_dir() -> Path:
    """Zotero's data directory: a custom one from prefs.js, else ``~/Zotero`` (Zotero 5+ on every OS)."""
    prefs = _profile_prefs()
    if prefs.get("useDataDir") and isinstance(prefs.get("dataDir"), str):
        return Path(str(prefs["dataDir"]))
    return Path.home() / "Zotero"


def default_base_dir() -> Path | None:
    """The "Linked Attachment Base Directory" from prefs.js, if the user set one."""
    value = _profile_prefs().get("baseAttachmentPath")
    return Path(value) if isinstance(value, str) and value else None


def resolve_attachment_path(
    key: str, link_mode: str, path: str, data_dir: Path | None, base_dir: Path | None
) -> Path | None:
    """The local file of an attachment, or None when it cannot be known here.

    Stored files (``storage:name.pdf``) live in ``<data dir>/storage/<key>/``; linked files are absolute
    or ``attachments:``-relative to the base directory (Zotero writes ``/`` separators there).
    """
    if not path:
        return None
    if link_mode in ("imported_file", "imported_url", "embedded_image"):
        if data_dir is None:
            return None
        name = path.removeprefix("storage:")
        return data_dir / "storage" / key / name
    if link_mode == "linked_file":
        if path.startswith("attachments:"):
            if base_dir is None:
                return None
            return base_dir.joinpath(*path.removeprefix("attachments:").split("/"))
        return Path(path)
    return None

"""Prompt and template files.

Prompts (``prompts/NAME.LANG.md``) and templates (``templates/...``) are files
shipped inside the package (the wheel maps the repo's top-level ``prompts/`` and
``templates/`` to ``paperpal/prompts`` and ``paperpal/templates``; an editable
install reads them from the checkout).  A user override folder
(``<config dir>/prompts``, ``<config dir>/templates``) is read first.

A prompt file starts with a front-matter block that declares its variables::

    ---
    variables: [title, paper_text]
    ---
    body using {{ title }} ...

Rendering passes exactly the declared variables; anything else is an error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.meta

from . import home
from .errors import ConfigError

_PACKAGE = Path(__file__).resolve().parent


def _candidates(kind: str) -> list[Path]:
    """Where files of ``kind`` ("prompts" / "templates") are looked up, in order."""
    return [home.config_dir() / kind, _PACKAGE / kind, _PACKAGE.parent / kind]


def resource_path(kind: str, name: str) -> Path:
    for folder in _candidates(kind):
        path = folder / name
        if path.is_file():
            return path
    raise ConfigError(f"Missing {kind[:-1]} file {name!r}", hint="reinstall PaperPal or restore the file")


def resource_names(kind: str) -> list[str]:
    """Names of the shipped files of ``kind`` (not the user overrides)."""
    for folder in _candidates(kind)[1:]:
        if folder.is_dir():
            return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return []


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


@dataclass(frozen=True)
class Prompt:
    name: str
    path: Path
    variables: frozenset[str]
    body: str

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()[:12]

    def render(self, **values: object) -> str:
        given = set(values)
        if given != self.variables:
            missing = sorted(self.variables - given)
            extra = sorted(given - self.variables)
            raise ConfigError(f"Prompt {self.path} rendered with wrong variables (missing {missing}, unexpected {extra})")
        return _environment().from_string(self.body).render(**values)


def _split_front_matter(text: str, path: Path) -> tuple[set[str], str]:
    if not text.startswith("---\n"):
        raise ConfigError(f"Prompt file {path} has no front matter", hint="start it with ---, variables: [...], ---")
    header, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise ConfigError(f"Prompt file {path} has an unterminated front matter block")
    variables: set[str] = set()
    for line in header.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "variables":
            variables = {v.strip() for v in value.strip().strip("[]").split(",") if v.strip()}
    return variables, body


@lru_cache(maxsize=64)
def _load(path: Path, mtime: float) -> Prompt:
    variables, body = _split_front_matter(path.read_text(encoding="utf-8"), path)
    used = jinja2.meta.find_undeclared_variables(_environment().parse(body))
    if used != variables:
        raise ConfigError(
            f"Prompt file {path} declares {sorted(variables)} but uses {sorted(used)}",
            hint="make the front matter list exactly the variables the body uses",
        )
    return Prompt(name=path.name, path=path, variables=frozenset(variables), body=body)


def load_prompt(task: str, lang: str) -> Prompt:
    """The prompt for ``task`` ("summary", ...) in ``lang`` ("en" | "zh")."""
    path = resource_path("prompts", f"{task}.{lang}.md")
    return _load(path, path.stat().st_mtime)


def render_template(name: str, **values: object) -> str:
    """Render a Jinja template file from ``templates/`` (e.g. ``note.en.md.j2``)."""
    path = resource_path("templates", name)
    return _environment().from_string(path.read_text(encoding="utf-8")).render(**values)

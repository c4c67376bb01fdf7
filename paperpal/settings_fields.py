"""The settings model, field by field: what every front end needs to show and edit a setting.

:func:`setting_fields` walks :class:`paperpal.settings.Settings` once and describes each editable
setting by its dotted name ("llm.model"): its type (a choice list, a number with bounds, a path, or
text), whether it may be unset, its default, its description and its environment variables. It is the
one place the model is introspected: the README's settings table (:func:`reference_markdown`, also
``paperpal config show --reference``) and the desktop app's settings dialog are both built from it, so
they say the same thing.

Also here, for a form that edits settings by dotted name: :func:`value_of` (a setting's value),
:func:`nested` (dotted values to the model's nested data), :func:`first_problem` (the first invalid
setting of a :class:`pydantic.ValidationError`) and :func:`unset_meaning` (what a description says an
unset setting means).
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .settings import DYNAMIC_CHOICES, ENV_VARS, Settings

SECRETS = ("api_key", "zotero_api_key")  # never in the settings file: set in the environment or the keyring
# What a description says an unset field means: "(default: ~/Zotero)", "Unset means api.openai.com." (and the
# same in a Chinese translation of the description: "（默认：…）", "留空表示…。").
_DEFAULT_SAYS = re.compile(r"[(（](?:default|unset|默认)[:：]\s*([^)）]+)[)）]"
                           r"|(?:Unset means|留空表示)\s*(.+?)(?:\.(?:\s|$)|。)")  # fmt: skip

Kind = Literal["choice", "number", "path", "text"]


@dataclass(frozen=True)
class SettingField:
    """One editable setting: ``key`` is its dotted name ("llm.model", or "language" at the top level)."""

    key: str
    info: FieldInfo
    env_vars: tuple[str, ...] = ()  # the environment variables that set it, in ENV_VARS order

    @property
    def section(self) -> str:
        """The settings section ("llm"), or "" for a top-level setting."""
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]

    @property
    def description(self) -> str:
        return self.info.description or ""

    @property
    def default(self) -> Any:
        return self.info.get_default(call_default_factory=True)

    @property
    def value_type(self) -> Any:
        """The annotation without its ``| None``."""
        return _optional(self.info.annotation)[0]

    @property
    def optional(self) -> bool:
        """Whether the setting may be unset (``X | None``)."""
        return _optional(self.info.annotation)[1]

    @property
    def choices(self) -> tuple:
        """The allowed values of a Literal setting (or one whose values are known at run time), else ()."""
        if self.key in DYNAMIC_CHOICES:
            return DYNAMIC_CHOICES[self.key]()
        inner = self.value_type
        return typing.get_args(inner) if typing.get_origin(inner) is typing.Literal else ()

    @property
    def is_path(self) -> bool:
        """A file or folder, by its name: ``*_path``, ``*_dir``, ``path`` or ``template``."""
        return self.name.endswith(("_path", "_dir")) or self.name in ("path", "template")

    @property
    def is_folder(self) -> bool:
        """A path that names a folder (``*_dir`` or ``index.path``), not a file."""
        return self.key.endswith(("_dir", ".path"))

    @property
    def kind(self) -> Kind:
        """How it is edited: a choice list, a number (a required int or float), a path, or text (an optional
        number is text too: empty means unset)."""
        if self.choices:
            return "choice"
        if self.value_type in (int, float) and not self.optional:
            return "number"
        return "path" if self.is_path else "text"

    def bound(self, which: Literal["ge", "le"], fallback: float) -> float:
        """The field's ``ge`` or ``le`` constraint, or ``fallback`` when it has none."""
        return next((getattr(m, which) for m in self.info.metadata if getattr(m, which, None) is not None), fallback)


def _optional(annotation) -> tuple[object, bool]:
    """``(inner type, True)`` for ``X | None``, else ``(annotation, False)``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def setting_fields() -> dict[str, SettingField]:
    """Every editable setting by dotted name, in the model's order (the API keys excluded)."""
    env_vars: dict[str, list[str]] = {}
    for var, (section, name) in ENV_VARS.items():
        env_vars.setdefault(f"{section}.{name}" if section else name, []).append(var)
    fields: dict[str, SettingField] = {}

    def add(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            if name in SECRETS:
                continue
            if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
                add(info.annotation, f"{name}.")
                continue
            key = prefix + name
            fields[key] = SettingField(key, info, tuple(env_vars.get(key, ())))

    add(Settings, "")
    return fields


def reference_markdown() -> str:
    """The settings table for the README, generated from the field descriptions."""
    rows = ["| setting | default | env | description |", "| --- | --- | --- | --- |"]
    for key, field in setting_fields().items():
        default = field.default
        shown = "—" if default is None else f"`{default}`"
        env = f"`{field.env_vars[-1]}`" if field.env_vars else ""  # the last one named (PaperPal's own)
        rows.append(f"| `{key}` | {shown} | {env} | {field.info.description} |")
    return "\n".join(rows)


def unset_meaning(description: str) -> str | None:
    """What leaving a setting unset means, as its description says it ("(default: ~/Zotero)" -> "~/Zotero");
    None when it does not say."""
    match = _DEFAULT_SAYS.search(description)
    return (match.group(1) or match.group(2)).strip() if match else None


def value_of(settings: Settings, key: str) -> Any:
    """The value of the setting with dotted name ``key``."""
    section, _, name = key.rpartition(".")
    return getattr(getattr(settings, section) if section else settings, name)


def nested(values: dict[str, Any]) -> dict[str, Any]:
    """Values by dotted name as the model's nested data: {"llm.model": "x"} -> {"llm": {"model": "x"}}."""
    data: dict[str, Any] = {}
    for key, value in values.items():
        section, _, name = key.rpartition(".")
        (data.setdefault(section, {}) if section else data)[name] = value
    return data


def first_problem(exc: ValidationError) -> tuple[str, str]:
    """The dotted name of the first invalid setting and what is wrong with it (pydantic's message)."""
    first = exc.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first["msg"]

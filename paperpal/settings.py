"""One typed settings model.

Precedence: command-line flag > environment variable > settings file > default.
The settings file is TOML in the platform's user config dir (``paperpal config
path`` prints it).  API keys never go into it: they come from the environment
(``OPENAI_API_KEY``) or the OS keyring (``paperpal config set-key``).
Every field carries a description; the README's settings table is generated
from them (and a test checks it has not drifted).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from . import home
from .errors import ConfigError

KEYRING_SERVICE = "paperpal"
KEYRING_USER = "llm-api-key"
KEYRING_ZOTERO_USER = "zotero-api-key"


def backend_choices() -> tuple[str, ...]:
    """``llm.backend``'s values: auto, then the registered backends (built-ins and plug-ins' entry points)."""
    from .llm.registry import available  # the registry imports this module

    return ("auto", *available())


DYNAMIC_CHOICES = {"llm.backend": backend_choices}  # settings whose allowed values are known only at run time


class LLMSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: str = Field(
        "auto",
        description="Which LLM runs the tasks: `local` (bundled model), `openai` (any OpenAI-compatible "
        "endpoint), `auto` (the endpoint when one is configured, else local) or an installed plug-in backend.",
    )

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        choices = backend_choices()
        if value not in choices:
            raise ValueError(f"unknown backend {value!r}; choose one of: {', '.join(choices)}")
        return value
    base_url: str | None = Field(
        None,
        description="OpenAI-compatible endpoint, e.g. https://api.deepseek.com/v1 or http://localhost:11434/v1 "
        "(Ollama). Unset means api.openai.com.",
    )
    model: str | None = Field(None, description="Model name at the endpoint, e.g. gpt-4o-mini, deepseek-chat, qwen-plus.")
    timeout: float = Field(120.0, description="Seconds to wait for one endpoint request.")
    max_retries: int = Field(3, description="Retries (with backoff) on 429, 5xx and connection errors.")
    context_window: int | None = Field(
        None, description="Override the endpoint model's context window in tokens (known models are looked up)."
    )
    local_model_path: str | None = Field(
        None, description="Replacement GGUF for the local backend (default: the bundled Gemma 3 270M)."
    )
    local_lora_path: str | None = Field(
        None,
        description="The summary LoRA adapter (GGUF) for the local model: unset = the shipped one (bundled model "
        "only), `none` = the plain base model. Other tasks always run on the base model.",
    )
    local_statement_attempts: int = Field(
        2,
        ge=1,
        description="Times the local model may write one statement of a note: while its statement fails the check "
        "against the passage, it writes another (at most this many); then an English note shows the paper's own "
        "words and a Chinese note tries the next passage.",
    )
    local_translate: bool = Field(
        False,
        description="Let the local model write a note's statements in another language than the paper's (a Chinese "
        "note about an English paper). Off: such a note shows the paper's own words under the note language's "
        "headings, because read against the papers the bundled model's renderings across languages were hardly "
        "ever fully right (none of 25 judged statements).",
    )
    local_n_ctx: int = Field(8192, description="Context window of the local model in tokens.")
    local_n_threads: int | None = Field(None, description="CPU threads for the local model (default: all cores).")
    local_n_gpu_layers: int | None = Field(
        None, description="Layers offloaded to the GPU (default: all when llama.cpp has GPU support, else 0)."
    )


class IndexSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chroma_url: str | None = Field(
        None,
        description="A Chroma server shared by a lab, e.g. http://chroma.lab:8000 (`chroma run`). "
        "Unset means an embedded index under the user data dir.",
    )
    path: str | None = Field(None, description="Folder of the embedded index (default: `index/` in the data dir).")
    embedder: Literal["minilm", "openai", "chroma-default"] = Field(
        "minilm",
        description="Sentence embeddings: `minilm` (all-MiniLM-L6-v2 int8, shipped, run by onnxruntime; offline), "
        "`openai` (an "
        "OpenAI-compatible embeddings endpoint) or `chroma-default` (Chroma's own function; downloads its model).",
    )
    embedding_model: str | None = Field(
        None, description="Model name at the embeddings endpoint, e.g. text-embedding-3-small (`embedder = openai`)."
    )
    embedding_base_url: str | None = Field(
        None, description="Embeddings endpoint (default: `llm.base_url`), for `embedder = openai`."
    )


class ZoteroSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Literal["auto", "web", "local", "sqlite"] = Field(
        "auto",
        description="Where the library comes from: `local` (Zotero 7 local API), `sqlite` (zotero.sqlite, read-only), "
        "`web` (api.zotero.org) or `auto` (local API if Zotero runs, else zotero.sqlite, else web).",
    )
    library_id: str | None = Field(None, description="Zotero library id (your user id or a group id) for the web API.")
    library_type: Literal["user", "group"] = Field("user", description="`user` or `group` library.")
    data_dir: str | None = Field(
        None, description="Zotero data directory holding zotero.sqlite and storage/ (default: ~/Zotero)."
    )
    local_api_url: str = Field("http://localhost:23119/api", description="Zotero 7 local API.")
    web_api_url: str = Field("https://api.zotero.org", description="Zotero Web API (change only for a self-hosted one).")
    base_dir: str | None = Field(
        None,
        description="Zotero's Linked Attachment Base Directory, for `attachments:` paths (default: read from "
        "Zotero's prefs.js).",
    )


class SlidesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: str | None = Field(None, description="A lab .pptx template (default: the bundled group-meeting one).")
    minutes: int = Field(
        15, ge=3, le=120, description="Talk length; sizes the deck (about one content slide per 1.5-2 minutes)."
    )
    presenter: str | None = Field(None, description="Presenter name on the cover slide.")


class OutputSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notes_dir: str | None = Field(None, description="Where the app saves notes by default (unset: beside the PDF).")
    slides_dir: str | None = Field(None, description="Where the app saves decks by default (unset: beside the PDF).")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["en", "zh"] = Field("en", description="Language of generated notes and slides: `en` or `zh`.")
    llm: LLMSettings = Field(default_factory=LLMSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    zotero: ZoteroSettings = Field(default_factory=ZoteroSettings)
    slides: SlidesSettings = Field(default_factory=SlidesSettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    api_key: SecretStr | None = Field(
        None,
        exclude=True,
        description="Never read from or written to the settings file: env `OPENAI_API_KEY` or the OS keyring.",
    )
    zotero_api_key: SecretStr | None = Field(
        None,
        exclude=True,
        description="Never read from or written to the settings file: env `ZOTERO_API_KEY` or the OS keyring.",
    )

    def openai_configured(self) -> bool:
        """True when an OpenAI-compatible endpoint is configured (a key, or a base_url such as Ollama)."""
        return bool(self.api_key) or bool(self.llm.base_url)

    def resolved_backend(self) -> str:
        if self.llm.backend != "auto":
            return self.llm.backend
        return "openai" if self.openai_configured() else "local"


# Environment variables -> (section, field).  Flags override these in the CLI.
ENV_VARS: dict[str, tuple[str | None, str]] = {
    "PAPERPAL_LANG": (None, "language"),
    "PAPERPAL_BACKEND": ("llm", "backend"),
    "OPENAI_BASE_URL": ("llm", "base_url"),
    "OPENAI_MODEL": ("llm", "model"),
    "PAPERPAL_MODEL": ("llm", "model"),
    "PAPERPAL_LOCAL_MODEL": ("llm", "local_model_path"),
    "PAPERPAL_LORA": ("llm", "local_lora_path"),
    "PAPERPAL_CHROMA_URL": ("index", "chroma_url"),
    "ZOTERO_LIBRARY_ID": ("zotero", "library_id"),
    "ZOTERO_DATA_DIR": ("zotero", "data_dir"),
}


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Settings file {path} is not valid TOML ({exc})", hint="fix or delete it") from None
    sections = [data, *(v for v in data.values() if isinstance(v, dict))]
    for key in ("api_key", "openai_api_key", "zotero_api_key"):
        if any(key in section for section in sections):
            raise ConfigError(
                f"Settings file {path} contains an API key",
                hint="remove it and use OPENAI_API_KEY / ZOTERO_API_KEY or `paperpal config set-key`",
            )
    return data


def _keyring_key(user: str = KEYRING_USER) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, user)
        except KeyringError:
            return None
    except Exception:  # a broken keyring backend must never stop the tool
        return None


def store_api_key(key: str, *, user: str = KEYRING_USER, env_var: str = "OPENAI_API_KEY") -> None:
    """Save an API key in the OS keyring (the LLM key by default; ``user=KEYRING_ZOTERO_USER`` for Zotero)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, user, key)
        stored = keyring.get_password(KEYRING_SERVICE, user) == key
        problem = "it did not keep the key"
    except KeyringError as exc:
        stored, problem = False, exc.__class__.__name__
    if not stored:  # e.g. a headless Linux box with no Secret Service: never lose the key silently
        raise ConfigError(
            f"No usable OS keyring to store the API key ({problem})",
            hint=f"set {env_var} in your environment instead",
        )


def load_settings(overrides: dict[str, Any] | None = None, *, path: Path | None = None) -> Settings:
    """Settings from file, then env vars, then ``overrides`` (flags, as {"llm.model": "x", "language": "zh"})."""
    path = path or home.settings_file()
    data = _read_file(path)
    for var, (section, key) in ENV_VARS.items():
        value = os.environ.get(var)
        if value:
            (data.setdefault(section, {}) if section else data)[key] = value
    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        section, _, key = dotted.rpartition(".")
        (data.setdefault(section, {}) if section else data)[key] = value
    api_key = os.environ.get("OPENAI_API_KEY") or os.environ.get("PAPERPAL_API_KEY") or _keyring_key()
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"Invalid setting {where}: {first['msg']} (from {path} or the environment)") from None
    settings.api_key = SecretStr(api_key) if api_key else None
    zotero_key = os.environ.get("ZOTERO_API_KEY") or _keyring_key(KEYRING_ZOTERO_USER)
    settings.zotero_api_key = SecretStr(zotero_key) if zotero_key else None
    return settings


def save_settings(settings: Settings, *, path: Path | None = None) -> Path:
    """Write the non-default settings to the TOML file (atomically; never the API key)."""
    import tomli_w

    path = path or home.settings_file()
    data = settings.model_dump(mode="json", exclude_defaults=True, exclude={"api_key", "zotero_api_key"})
    top = {k: v for k, v in data.items() if not isinstance(v, dict) and v is not None}
    sections = {
        k: {f: v for f, v in values.items() if v is not None} for k, values in data.items() if isinstance(values, dict)
    }
    home.atomic_write_text(path, tomli_w.dumps({**top, **{k: v for k, v in sections.items() if v}}))
    return path


def reference_markdown() -> str:
    """The settings table for the README, generated from the field descriptions (by
    :func:`paperpal.settings_fields.reference_markdown`, where the model is introspected)."""
    from .settings_fields import reference_markdown as table  # it imports this module

    return table()

"""Provider presets: the LLM settings a user would otherwise type by hand for a known provider.

A preset fills ``llm.backend``, ``llm.base_url`` and ``llm.model`` (:meth:`Preset.values`). The API
key is never part of a preset: whatever the provider, it lives in the OS keyring or in
``OPENAI_API_KEY``. :func:`match_preset` says which preset the current settings correspond to, so
a settings screen can show the user's choice back to them. The desktop app's settings dialog
offers these; a CLI user sets the same three settings with flags, env vars or the settings file.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..settings import Settings
from .openai_backend import DEFAULT_BASE_URL

LOCAL = "local"
CUSTOM = "custom"


@dataclass(frozen=True)
class Preset:
    name: str  # stable id
    label_en: str
    label_zh: str
    backend: str  # "local" or "openai"
    base_url: str | None  # None: typed by the user (custom) or unused (local)
    model: str | None  # a documented current model name at that endpoint
    needs_key: bool
    key_url: str | None = None  # where to create an API key
    hint_en: str = ""  # one line for the user: what to do first
    hint_zh: str = ""

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def hint(self, lang: str = "en") -> str:
        return self.hint_zh if lang == "zh" else self.hint_en

    def values(self) -> dict[str, str | None]:
        """The ``llm.*`` settings this preset sets (custom sets only the backend; base_url and model are typed)."""
        if self.backend == LOCAL:
            return {"backend": LOCAL}
        if self.name == CUSTOM:
            return {"backend": "openai"}
        return {"backend": "openai", "base_url": self.base_url, "model": self.model}


PRESETS: tuple[Preset, ...] = (
    Preset(LOCAL, "Bundled local model (offline)", "内置本地模型（离线）", LOCAL, None, None, needs_key=False,
           hint_en="Gemma 3 270M runs on this computer; nothing leaves it.",
           hint_zh="Gemma 3 270M 在本机运行，数据不会离开这台电脑。"),
    Preset("openai", "OpenAI", "OpenAI", "openai", DEFAULT_BASE_URL, "gpt-4o-mini", needs_key=True,
           key_url="https://platform.openai.com/api-keys"),
    Preset("deepseek", "DeepSeek", "DeepSeek 深度求索", "openai", "https://api.deepseek.com/v1", "deepseek-chat",
           needs_key=True, key_url="https://platform.deepseek.com/api_keys"),
    Preset("moonshot", "Kimi / Moonshot", "Kimi / 月之暗面", "openai", "https://api.moonshot.cn/v1", "moonshot-v1-32k",
           needs_key=True, key_url="https://platform.moonshot.cn/console/api-keys"),
    Preset("dashscope", "Qwen / DashScope", "通义千问 / 阿里云百炼", "openai",
           "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus",
           needs_key=True, key_url="https://bailian.console.aliyun.com/?apiKey=1"),
    Preset("ollama", "Ollama (local server)", "Ollama（本机服务）", "openai", "http://localhost:11434/v1", "qwen2.5:7b",
           needs_key=False, hint_en="Start Ollama and pull the model first: ollama pull qwen2.5:7b",
           hint_zh="先启动 Ollama 并下载模型：ollama pull qwen2.5:7b"),
    Preset(CUSTOM, "Custom OpenAI-compatible endpoint", "自定义 OpenAI 兼容接口", "openai", None, None, needs_key=False,
           hint_en="Any OpenAI-compatible server: type its base URL (usually ending in /v1), the model name and, "
                   "if the server wants one, an API key.",
           hint_zh="任意 OpenAI 兼容服务：填写其 Base URL（通常以 /v1 结尾）、模型名称，服务需要时再填 API 密钥。"),
)  # fmt: skip

BY_NAME: dict[str, Preset] = {preset.name: preset for preset in PRESETS}


def _same_url(a: str, b: str | None) -> bool:
    return b is not None and a.strip().rstrip("/").lower() == b.rstrip("/").lower()


def match_preset(settings: Settings) -> Preset:
    """The preset the settings correspond to: the local model, a known endpoint by its base URL, else custom.

    ``backend = auto`` is resolved as the tasks resolve it; an endpoint without a base URL is OpenAI's.
    """
    if settings.resolved_backend() == LOCAL:
        return BY_NAME[LOCAL]
    url = settings.llm.base_url or DEFAULT_BASE_URL
    return next((p for p in PRESETS if p.name != CUSTOM and _same_url(url, p.base_url)), BY_NAME[CUSTOM])

"""One settings model: flag > env > file > default; keys never in the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paperpal.errors import ConfigError
from paperpal.settings import load_settings, reference_markdown, save_settings

SETTINGS_DOC = Path(__file__).resolve().parent.parent / "docs" / "settings.md"


def _write(home, text: str) -> Path:
    path = home / "config" / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_resolve_to_the_local_model():
    s = load_settings()
    assert s.language == "en" and s.llm.backend == "auto" and s.resolved_backend() == "local"


def test_precedence_flag_over_env_over_file(_isolated_home, monkeypatch):
    _write(_isolated_home, 'language = "zh"\n[llm]\nmodel = "from-file"\nbase_url = "http://file/v1"\n')
    s = load_settings()
    assert (s.language, s.llm.model, s.llm.base_url) == ("zh", "from-file", "http://file/v1")
    monkeypatch.setenv("OPENAI_MODEL", "from-env")
    assert load_settings().llm.model == "from-env"
    assert load_settings({"llm.model": "from-flag", "llm.base_url": None}).llm.model == "from-flag"
    assert load_settings({"llm.base_url": None}).llm.base_url == "http://file/v1", "None means 'flag not given'"


def test_auto_uses_the_endpoint_when_configured(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    assert load_settings().resolved_backend() == "openai"
    assert load_settings({"llm.backend": "local"}).resolved_backend() == "local"


def test_api_key_from_env_is_never_saved(_isolated_home, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-xyz")
    s = load_settings({"llm.model": "gpt-4o-mini"})
    assert s.api_key.get_secret_value() == "sk-secret-xyz"
    path = save_settings(s)
    text = path.read_text()
    assert "sk-secret-xyz" not in text and "api_key" not in text
    assert 'model = "gpt-4o-mini"' in text
    assert "sk-secret-xyz" not in repr(s) and "sk-secret-xyz" not in str(s.model_dump())


def test_key_in_settings_file_is_refused(_isolated_home):
    path = _write(_isolated_home, '[llm]\napi_key = "sk-oops"\n')
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(path) in str(info.value) and "sk-oops" not in str(info.value)


def test_bad_toml_and_bad_values_are_one_line(_isolated_home):
    _write(_isolated_home, "language = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()
    _write(_isolated_home, '[llm]\nbackend = "gpu"\n')
    with pytest.raises(ConfigError, match=r"Invalid setting llm.backend"):
        load_settings()


def test_save_then_load_round_trips(_isolated_home):
    s = load_settings({"language": "zh", "llm.local_n_ctx": 4096, "llm.base_url": "http://x/v1"})
    save_settings(s)
    again = load_settings()
    assert again.model_dump() == s.model_dump()


def test_settings_doc_table_is_generated_from_the_model():
    text = SETTINGS_DOC.read_text(encoding="utf-8")
    table = reference_markdown()
    assert table in text, "docs/settings.md's settings table drifted: run `python docs/gen_commands.py`"
    assert re.search(r"\| `llm.local_lora_path` \|", table)

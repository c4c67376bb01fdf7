"""The settings model, field by field (``paperpal.settings_fields``): no Qt; the dialog and the README's table
are built from it (the dialog itself: ``test_gui_settings.py``)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from paperpal import settings as settings_module
from paperpal.settings import LLMSettings, Settings, SlidesSettings
from paperpal.settings_fields import first_problem, nested, reference_markdown, setting_fields, unset_meaning, value_of


def test_every_setting_once_by_dotted_name_in_the_models_order_without_the_keys():
    fields = setting_fields()
    expected = ["language"]
    for section in ("llm", "index", "zotero", "slides", "output"):
        expected += [f"{section}.{name}" for name in Settings.model_fields[section].annotation.model_fields]
    assert list(fields) == expected
    assert "api_key" not in fields and "zotero_api_key" not in fields
    assert all(field.description for field in fields.values()), "every setting says what it does"
    model = fields["llm.model"]
    assert (model.section, model.name, model.default) == ("llm", "model", None)
    assert model.env_vars == ("OPENAI_MODEL", "PAPERPAL_MODEL")
    assert fields["language"].section == "" and fields["language"].env_vars == ("PAPERPAL_LANG",)
    assert fields["zotero.local_api_url"].default == "http://localhost:23119/api"
    assert fields["slides.minutes"].env_vars == ()


def test_kinds_choices_bounds_and_paths():
    fields = setting_fields()
    kinds = {key: field.kind for key, field in fields.items()}
    assert kinds["language"] == "choice" and fields["language"].choices == ("en", "zh")
    assert fields["index.embedder"].choices == ("minilm", "openai", "chroma-default")
    assert kinds["slides.minutes"] == "number" and fields["slides.minutes"].value_type is int
    assert (fields["slides.minutes"].bound("ge", 0), fields["slides.minutes"].bound("le", 1_000)) == (3, 120)
    assert fields["llm.local_statement_attempts"].bound("ge", 0) == 1
    assert fields["llm.local_statement_attempts"].bound("le", 99) == 99, "no upper bound: the fallback"
    assert kinds["llm.timeout"] == "number" and fields["llm.timeout"].value_type is float
    optional_int = fields["llm.context_window"]  # empty means unset: typed as text, validated by the model
    assert (optional_int.kind, optional_int.optional, optional_int.value_type) == ("text", True, int)
    assert not fields["llm.max_retries"].optional
    paths = {key for key, kind in kinds.items() if kind == "path"}
    assert paths == {"llm.local_model_path", "llm.local_lora_path", "index.path", "zotero.data_dir",
                     "zotero.base_dir", "slides.template", "output.notes_dir", "output.slides_dir"}  # fmt: skip
    folders = {key for key in paths if fields[key].is_folder}
    assert folders == {"index.path", "zotero.data_dir", "zotero.base_dir", "output.notes_dir", "output.slides_dir"}
    assert kinds["llm.base_url"] == kinds["zotero.library_id"] == "text"


def test_reference_table_has_one_row_per_setting_from_the_same_walk():
    table = reference_markdown()
    assert settings_module.reference_markdown() == table, "one home: settings.reference_markdown delegates"
    lines = table.splitlines()
    assert lines[:2] == ["| setting | default | env | description |", "| --- | --- | --- | --- |"]
    assert len(lines) == 2 + len(setting_fields())
    rows = {line.split(" | ")[0].strip("| `"): line for line in lines[2:]}
    model = "| `llm.model` | — | `PAPERPAL_MODEL` | Model name at the endpoint, e.g. gpt-4o-mini, "
    model += "deepseek-chat, qwen-plus. |"
    assert rows["llm.model"] == model, "no default: a dash; of two variables the last named"
    assert rows["slides.minutes"].startswith("| `slides.minutes` | `15` |  | Talk length;")
    assert rows["language"].startswith("| `language` | `en` | `PAPERPAL_LANG` |")


def test_what_unset_means_is_read_from_the_description():
    fields = setting_fields()
    assert unset_meaning(fields["zotero.data_dir"].description) == "~/Zotero"
    assert unset_meaning(fields["llm.base_url"].description) == "api.openai.com"
    assert unset_meaning(fields["llm.local_n_threads"].description) == "all cores"
    assert unset_meaning(fields["output.notes_dir"].description) == "beside the PDF"
    assert unset_meaning(fields["llm.model"].description) is None
    assert unset_meaning("本地模型的 CPU 线程数（默认：所有核心）。") == "所有核心"
    assert unset_meaning("兼容端点。留空表示 api.openai.com。") == "api.openai.com"


def test_values_by_dotted_name_round_trip_through_the_model():
    settings = Settings(language="zh", llm=LLMSettings(model="m", timeout=5.0), slides=SlidesSettings(minutes=20))
    fields = setting_fields()
    assert value_of(settings, "language") == "zh" and value_of(settings, "llm.timeout") == 5.0
    values = {key: value_of(settings, key) for key in fields}
    assert Settings.model_validate(nested(values)) == settings
    assert nested({"language": "en", "llm.model": "x", "llm.timeout": 3}) == {
        "language": "en",
        "llm": {"model": "x", "timeout": 3},
    }


def test_first_problem_names_the_setting_and_says_what_is_wrong():
    with pytest.raises(ValidationError) as raised:
        Settings.model_validate(nested({"language": "en", "llm.context_window": "lots", "slides.minutes": 1}))
    key, problem = first_problem(raised.value)
    assert key == "llm.context_window"
    assert problem.startswith("Input should be a valid integer")
    with pytest.raises(ValidationError) as raised:
        Settings.model_validate(nested({"language": "fr"}))
    assert first_problem(raised.value) == ("language", "Input should be 'en' or 'zh'")

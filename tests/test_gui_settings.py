"""The settings dialog, the provider presets and the connection checks (dialog and ``paperpal config test``).

The dialog writes the real settings file under the test's PAPERPAL_HOME; keys go to the null keyring
the conftest sets (which keeps nothing, as on a headless box without a Secret Service). The LLM
check runs the real OpenAIBackend against the scripted stand-in server and against a closed port;
the embedder check runs the real MiniLM embedder. The bundled local model is not run here.
"""

from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner
from llm_support import Reply, _free_port
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from paperpal import home
from paperpal.checks import check_embedder, check_llm
from paperpal.cli import cli
from paperpal.index.embedders import embedder_key
from paperpal.llm.presets import BY_NAME, PRESETS, match_preset
from paperpal.settings import IndexSettings, LLMSettings, Settings
from ui import i18n
from ui.context import AppContext
from ui.settings_dialog import SettingsDialog, labels, setting_fields

pytestmark = pytest.mark.gui

WAIT_MS = 60_000  # MiniLM loads in a few seconds; on a loaded 2-core machine give it room


@pytest.fixture
def ctx(qtbot):
    context = AppContext()
    yield context
    context.runner.cancel_all()
    qtbot.waitUntil(lambda: not context.runner.running, timeout=WAIT_MS)


@pytest.fixture
def dialog(ctx, qtbot):
    i18n.set_language("en")
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def click(qtbot, dialog, which) -> None:
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def choose_preset(dialog, name: str) -> None:
    index = dialog.preset.findData(name)
    dialog.preset.setCurrentIndex(index)
    dialog.preset.activated.emit(index)  # what a user's pick in the list sends


def settings_file_data() -> dict:
    return tomllib.loads(home.settings_file().read_text(encoding="utf-8"))


def wait_result(qtbot, row) -> str:
    qtbot.waitUntil(lambda: row.task is None and row.result.text()[:1] in "✓✗", timeout=WAIT_MS)
    return row.result.text()


# -- the dialog is generated from the settings model -------------------------------------------------------
def test_every_setting_has_a_labelled_row_with_its_description(dialog):
    fields = setting_fields()
    assert set(dialog.fields) == set(fields), "every setting (and only settings) gets an editor"
    assert "output.notes_dir" in fields and "api_key" not in fields
    assert set(labels()) == set(fields), "every setting has a short label"
    for key, info in fields.items():
        assert dialog.fields[key].editor.toolTip() == info.description.replace("`", ""), key
    zh = i18n.table("zh")
    untranslated = [info.description for info in fields.values() if info.description not in zh]
    assert not untranslated, "add the Chinese of these descriptions to ui/locale/zh/settings.json"
    assert type(dialog.fields["slides.minutes"].editor).__name__ == "QSpinBox"
    assert dialog.fields["slides.minutes"].editor.minimum() == 3  # bounds from the field's ge/le
    assert dialog.fields["slides.minutes"].editor.maximum() == 120
    assert [dialog.fields["language"].editor.itemText(i) for i in range(2)] == ["English", "中文"]
    assert dialog.fields["zotero.data_dir"].editor.placeholderText() == "~/Zotero"  # what unset means, from the text


def test_help_line_follows_the_focused_setting(dialog, qtbot):
    dialog.activateWindow()
    dialog.tabs.setCurrentIndex(1)
    editor = dialog.fields["llm.base_url"].editor
    editor.setFocus()
    qtbot.waitUntil(lambda: dialog.help.text().startswith("<b>Base URL</b>"), timeout=5_000)
    assert "OpenAI-compatible endpoint, e.g. https://api.deepseek.com/v1" in dialog.help.text()


def test_dialog_in_chinese(ctx, qtbot):
    i18n.set_language("zh")
    try:
        dlg = SettingsDialog(ctx)
        qtbot.addWidget(dlg)
        tabs = [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())]
        assert tabs == ["常规", "模型", "Zotero 文献库", "索引", "组会 PPT"]
        assert dlg.preset.itemText(dlg.preset.findData("moonshot")) == "Kimi / 月之暗面"
        assert dlg.fields["llm.local_n_threads"].editor.placeholderText() == "所有核心"
        assert dlg.fields["llm.timeout"].editor.toolTip() == "等待接口单次请求的秒数。"
    finally:
        i18n.set_language("en")


# -- save, cancel, keys, invalid values ------------------------------------------------------------------------
def test_save_writes_language_preset_and_model_and_reloads(dialog, ctx, qtbot):
    dialog.fields["language"].editor.setCurrentIndex(dialog.fields["language"].editor.findData("zh"))
    choose_preset(dialog, "deepseek")
    assert dialog.fields["llm.base_url"].editor.text() == "https://api.deepseek.com/v1"
    assert dialog.fields["llm.model"].editor.text() == "deepseek-chat"
    model = dialog.fields["llm.model"].editor
    model.clear()
    qtbot.keyClicks(model, "deepseek-reasoner")
    with qtbot.waitSignal(ctx.settings_changed, timeout=5_000):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    data = settings_file_data()
    assert data["language"] == "zh"
    assert data["llm"] == {"backend": "openai", "base_url": "https://api.deepseek.com/v1", "model": "deepseek-reasoner"}
    assert (ctx.settings.language, ctx.settings.llm.model) == ("zh", "deepseek-reasoner")
    assert match_preset(ctx.settings).name == "deepseek"


def test_typed_key_without_a_usable_keyring_is_one_line_and_never_in_the_file(dialog, ctx, qtbot):
    secret = "sk-test-never-in-a-file-123"
    choose_preset(dialog, "openai")
    qtbot.keyClicks(dialog.api_key, secret)
    with qtbot.waitSignal(ctx.settings_changed, timeout=5_000):
        click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)
    assert dialog.isVisible(), "the dialog stays open to say what went wrong"
    line = dialog.error.text()
    assert dialog.error.isVisible() and "\n" not in line
    assert line.startswith("Settings saved, but the key was not: No usable OS keyring to store the API key")
    assert "OPENAI_API_KEY" in line and secret not in line
    text = home.settings_file().read_text(encoding="utf-8")
    assert secret not in text and "key" not in text
    assert settings_file_data()["llm"]["model"] == "gpt-4o-mini", "the rest was saved"


def test_stored_key_is_shown_as_set_but_never_shown(ctx, qtbot, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-456")
    dlg = SettingsDialog(ctx)
    qtbot.addWidget(dlg)
    assert dlg.api_key.text() == "" and dlg.api_key.echoMode() == dlg.api_key.EchoMode.Password
    assert dlg.api_key.placeholderText() == "A key is set; type a new one to replace it"
    assert dlg.zotero_key.placeholderText() == "No key set"
    assert match_preset(ctx.settings).name == "openai" and dlg.preset.currentData() == "openai"


def test_invalid_value_says_which_and_writes_nothing(dialog, ctx, qtbot):
    dialog.tabs.setCurrentIndex(0)
    qtbot.keyClicks(dialog.fields["llm.context_window"].editor, "lots")
    changed = []
    ctx.settings_changed.connect(lambda: changed.append(1))
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Save)
    assert dialog.isVisible() and not changed
    assert dialog.error.text().startswith("Invalid value for Context window (tokens): Input should be a valid integer")
    assert dialog.tabs.currentIndex() == 1, "the page with the bad value is shown"
    assert not home.settings_file().exists()


def test_cancel_writes_nothing(dialog, ctx, qtbot):
    choose_preset(dialog, "dashscope")
    qtbot.keyClicks(dialog.fields["slides.presenter"].editor, "Li Hua")
    click(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert not home.settings_file().exists()
    assert ctx.settings.llm.base_url is None and ctx.settings.slides.presenter is None


# -- presets --------------------------------------------------------------------------------------------------
def test_presets_fill_the_endpoint_and_are_recognised():
    assert [p.name for p in PRESETS] == ["local", "openai", "deepseek", "moonshot", "dashscope", "ollama", "custom"]
    assert match_preset(Settings()).name == "local", "no endpoint configured: the bundled model"
    for preset in PRESETS:
        if preset.name in ("local", "custom"):
            continue
        settings = Settings(llm=LLMSettings(**preset.values()))
        assert match_preset(settings) is preset
        assert preset.model and preset.base_url.startswith(("https://", "http://localhost"))
    assert BY_NAME["ollama"].needs_key is False and BY_NAME["deepseek"].needs_key is True
    trailing = Settings(llm=LLMSettings(backend="auto", base_url="https://API.deepseek.com/v1/"))
    assert match_preset(trailing).name == "deepseek"
    assert match_preset(Settings(llm=LLMSettings(base_url="http://gpu-box:8000/v1"))).name == "custom"
    assert match_preset(Settings(llm=LLMSettings(backend="openai"))).name == "openai", "no base_url: api.openai.com"


def test_typing_a_known_base_url_selects_its_preset(dialog, qtbot):
    choose_preset(dialog, "custom")
    assert dialog.preset.currentData() == "custom" and dialog.fields["llm.base_url"].editor.text() == ""
    qtbot.keyClicks(dialog.fields["llm.base_url"].editor, "https://dashscope.aliyuncs.com/compatible-mode/v1")
    assert dialog.preset.currentData() == "dashscope"
    assert "bailian.console.aliyun.com" in dialog.preset_hint.text()
    choose_preset(dialog, "local")
    assert dialog.fields["llm.backend"].value() == "local" and dialog.preset_hint.text().startswith("Gemma 3 270M")


# -- connection checks ---------------------------------------------------------------------------------------
def test_embedder_check_runs_minilm(dialog, qtbot):
    dialog.tabs.setCurrentIndex(3)
    qtbot.mouseClick(dialog.embedder_check.button, Qt.MouseButton.LeftButton)
    assert dialog.embedder_check.button.text() == "Cancel"
    text = wait_result(qtbot, dialog.embedder_check)
    assert text.startswith(f"✓ OK: {embedder_key(Settings())} gives 384-dimensional vectors"), text
    assert dialog.embedder_check.button.text() == "Test connection"


def test_llm_check_against_a_stand_in_endpoint(dialog, qtbot, standin):
    choose_preset(dialog, "custom")
    qtbot.keyClicks(dialog.fields["llm.base_url"].editor, standin.url)
    qtbot.keyClicks(dialog.fields["llm.model"].editor, "stand-in-model")
    qtbot.mouseClick(dialog.llm_check.button, Qt.MouseButton.LeftButton)
    text = wait_result(qtbot, dialog.llm_check)
    assert text.startswith("✓ OK: stand-in-model answered in"), text
    (request,) = standin.requests
    assert request["body"]["max_tokens"] == 8 and request["body"]["model"] == "stand-in-model"
    assert not home.settings_file().exists(), "testing saves nothing"


def test_llm_check_against_a_closed_port_shows_the_backend_error(dialog, qtbot):
    url = f"http://127.0.0.1:{_free_port()}/v1"
    choose_preset(dialog, "custom")
    qtbot.keyClicks(dialog.fields["llm.base_url"].editor, url)
    qtbot.keyClicks(dialog.fields["llm.model"].editor, "m")
    qtbot.mouseClick(dialog.llm_check.button, Qt.MouseButton.LeftButton)
    text = wait_result(qtbot, dialog.llm_check)
    assert text == f"✗ Cannot reach {url} (is the server running? check OPENAI_BASE_URL / base_url)"


def test_llm_check_can_be_cancelled(dialog, qtbot, standin, ctx):
    standin.script.append(Reply(content="late", delay=2.0))
    choose_preset(dialog, "custom")
    qtbot.keyClicks(dialog.fields["llm.base_url"].editor, standin.url)
    qtbot.keyClicks(dialog.fields["llm.model"].editor, "slow")
    row = dialog.llm_check
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(standin.requests) == 1, timeout=5_000)
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert row.result.text() == "Cancelled." and row.button.text() == "Test connection"
    qtbot.waitUntil(lambda: not ctx.runner.running, timeout=WAIT_MS)
    assert row.result.text() == "Cancelled.", "the late reply is not shown"


def test_checks_are_one_line_results():
    ok = check_embedder(Settings())
    assert ok.ok and ok.dimension == 384 and ok.exit_code == 0
    no_model = check_llm(Settings(llm=LLMSettings(backend="openai", base_url="http://127.0.0.1:9/v1")))
    assert not no_model.ok and no_model.exit_code == 2
    assert no_model.message == "No model set for the OpenAI-compatible endpoint (pass --model or set OPENAI_MODEL)"
    bad = check_embedder(Settings(index=IndexSettings(embedder="openai")))
    assert not bad.ok and bad.message.startswith("index.embedder = openai needs index.embedding_model")


# -- the same checks from the command line ---------------------------------------------------------------------
def test_cli_config_test(monkeypatch):
    result = CliRunner().invoke(cli, ["config", "test", "--embedder"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"OK: embedder {embedder_key(Settings())} gave a 384-dimensional vector in ")
    url = f"http://127.0.0.1:{_free_port()}/v1"
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_MODEL", "m")
    failed = CliRunner().invoke(cli, ["config", "test"])
    assert failed.exit_code == 5 and failed.stdout == ""
    assert failed.stderr == f"Error: Cannot reach {url} (is the server running? check OPENAI_BASE_URL / base_url)\n"

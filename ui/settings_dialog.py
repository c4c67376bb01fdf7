"""The settings dialog, generated from the one settings model.

Each setting of :class:`paperpal.settings.Settings`, as :func:`paperpal.settings_fields.setting_fields`
describes it (the same introspection makes ``paperpal config show --reference`` and the README's table),
gets an editor chosen from its type (:func:`ui.settings_widgets.make_field`: a Literal becomes a choice
list, an int a spin box, a path a text box with "Browse…", anything else a text box), and its pydantic
description as tooltip and help line, so the dialog and the table say the same thing. The pages
(:func:`pages`) only say where each setting goes. Around the generated rows: the provider presets
(:mod:`paperpal.llm.presets`), the API keys (OS keyring only, :func:`paperpal.settings.store_api_key`)
and the "Test connection" rows (:class:`ui.settings_widgets.CheckRow`), which run
:func:`paperpal.checks.check_llm` / :func:`~paperpal.checks.check_embedder` (the same checks as
``paperpal config test``) in a worker on the values as typed, before they are saved.

Save validates through the model (a bad value: one line, nothing written), writes the file with
:func:`paperpal.settings.save_settings`, stores typed keys, then reloads the app's settings.
"""

from __future__ import annotations

import html

from pydantic import SecretStr, ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paperpal import home
from paperpal.checks import check_embedder, check_llm
from paperpal.errors import ConfigError
from paperpal.llm.presets import BY_NAME, CUSTOM, LOCAL, PRESETS, match_preset
from paperpal.settings import KEYRING_USER, KEYRING_ZOTERO_USER, Settings, save_settings, store_api_key
from paperpal.settings_fields import first_problem, nested, setting_fields, value_of

from .context import AppContext
from .i18n import language, tr
from .settings_widgets import ERROR_STYLE, HELP_STYLE, CheckRow, Field, WrappedLabel, description, make_field, stack

# Rows that are not settings fields (the pages place them among the fields).
PRESET, LLM_KEY, LLM_TEST, ZOTERO_KEY, EMBEDDER_TEST = "@preset", "@llm-key", "@llm-test", "@zotero-key", "@embed-test"


def pages() -> list[tuple[str, list[tuple[str | None, list[str]]]]]:
    """The dialog's pages: ``(title, [(group title or None, [dotted setting or special row])])``."""
    return [
        (tr("General"), [(None, ["language", "output.notes_dir", "output.slides_dir"])]),
        (tr("Model"), [
            (None, [PRESET, "llm.backend", "llm.base_url", "llm.model", LLM_KEY, LLM_TEST]),
            (tr("Endpoint details"), ["llm.timeout", "llm.max_retries", "llm.context_window"]),
            (tr("Local model"), ["llm.local_model_path", "llm.local_lora_path", "llm.local_statement_attempts",
                                 "llm.local_translate", "llm.local_n_ctx", "llm.local_n_threads", "llm.local_n_gpu_layers"]),
        ]),
        (tr("Zotero"), [
            (None, ["zotero.source", "zotero.library_id", "zotero.library_type", ZOTERO_KEY, "zotero.data_dir",
                    "zotero.base_dir"]),
            (tr("Addresses"), ["zotero.local_api_url", "zotero.web_api_url"]),
        ]),
        (tr("Index"), [
            (None, ["index.embedder", "index.embedding_model", "index.embedding_base_url", EMBEDDER_TEST]),
            (tr("Where the index lives"), ["index.chroma_url", "index.path"]),
        ]),
        (tr("Slides"), [(None, ["slides.template", "slides.minutes", "slides.presenter"])]),
    ]  # fmt: skip


def labels() -> dict[str, str]:
    """Short row labels (the descriptions are the help); a setting missing here shows its field name."""
    return {
        "language": tr("Language (app, notes and slides)"),
        "output.notes_dir": tr("Notes folder"),
        "output.slides_dir": tr("Slides folder"),
        "llm.backend": tr("Backend"),
        "llm.base_url": tr("Base URL"),
        "llm.model": tr("Model name"),
        "llm.timeout": tr("Timeout (seconds)"),
        "llm.max_retries": tr("Retries"),
        "llm.context_window": tr("Context window (tokens)"),
        "llm.local_model_path": tr("Model file (GGUF)"),
        "llm.local_lora_path": tr("Summary adapter (LoRA)"),
        "llm.local_statement_attempts": tr("Attempts per statement"),
        "llm.local_translate": tr("Translate notes on the local model"),
        "llm.local_n_ctx": tr("Local context window (tokens)"),
        "llm.local_n_threads": tr("CPU threads"),
        "llm.local_n_gpu_layers": tr("GPU layers"),
        "index.chroma_url": tr("Chroma server URL"),
        "index.path": tr("Index folder"),
        "index.embedder": tr("Embedder"),
        "index.embedding_model": tr("Embedding model"),
        "index.embedding_base_url": tr("Embeddings endpoint"),
        "zotero.source": tr("Library source"),
        "zotero.library_id": tr("Library ID"),
        "zotero.library_type": tr("Library type"),
        "zotero.data_dir": tr("Zotero data folder"),
        "zotero.base_dir": tr("Linked attachment base folder"),
        "zotero.local_api_url": tr("Local API URL"),
        "zotero.web_api_url": tr("Web API URL"),
        "slides.template": tr("Template (.pptx)"),
        "slides.minutes": tr("Talk length (minutes)"),
        "slides.presenter": tr("Presenter"),
    }


# -- the dialog -------------------------------------------------------------------------------------------
class SettingsDialog(QDialog):
    """All settings on five pages; Save validates, writes the file and the keys, and reloads the app's settings."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(tr("Settings"))
        self.setMinimumWidth(720)
        self.fields: dict[str, Field] = {}
        self._help: dict[QWidget, str] = {}  # editor -> help line shown while it has focus
        self._page_of: dict[str, int] = {}
        self._labels = labels()
        self._specs = setting_fields()
        self._listening = True
        self.tabs = QTabWidget()
        for index, (title, groups) in enumerate(pages()):
            self.tabs.addTab(self._page(index, groups), title)
        self._add_settings_file_note()
        self.load(ctx.settings)
        self.fields["llm.backend"].editor.currentIndexChanged.connect(self._sync_preset)
        self.fields["llm.base_url"].editor.textEdited.connect(self._sync_preset)

        self.help = QLabel(html.escape(tr("Click into a setting to see what it does.")), wordWrap=True,
                           textFormat=Qt.TextFormat.RichText)  # fmt: skip
        self.help.setStyleSheet(HELP_STYLE)
        self.help.setMinimumHeight(self.help.fontMetrics().lineSpacing() * 2 + 4)
        self.help.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.error = QLabel(wordWrap=True, visible=False)
        self.error.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.help)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    # -- building ------------------------------------------------------------------------------------------
    def _page(self, index: int, groups: list[tuple[str | None, list[str]]]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        for group_title, keys in groups:
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for key in keys:
                label, widget = self._special_row(key) if key.startswith("@") else self._field_row(key)
                form.addRow(label, widget)
                self._page_of[key] = index
            if group_title is None:
                layout.addLayout(form)
            else:
                box = QGroupBox(group_title)
                box.setLayout(form)
                layout.addWidget(box)
        layout.addStretch(1)
        return page

    def _field_row(self, key: str) -> tuple[QLabel, QWidget]:
        spec = self._specs[key]
        field = make_field(spec, self)
        self.fields[key] = field
        text = self._labels.get(key, spec.name.replace("_", " ").capitalize())
        help_text = description(spec)
        label = QLabel(text)
        label.setBuddy(field.editor)
        for widget in (label, field.editor):
            widget.setToolTip(help_text)
        self._help[field.editor] = f"<b>{html.escape(text)}</b>&nbsp;&nbsp;{html.escape(help_text)}"
        return label, field.widget

    def _special_row(self, key: str) -> tuple[str, QWidget]:
        if key == PRESET:
            self.preset = QComboBox()
            for preset in PRESETS:
                self.preset.addItem(preset.label(language()), preset.name)
            self.preset.activated.connect(lambda _: self.apply_preset(self.preset.currentData()))
            self.preset_hint = WrappedLabel(openExternalLinks=True)
            self.preset_hint.setStyleSheet(HELP_STYLE)
            self._help[self.preset] = html.escape(tr("Provider: fills in the backend, base URL and model name for a "
                                                     "known service."))  # fmt: skip
            return tr("Provider"), stack(self.preset, self.preset_hint)
        if key in (LLM_KEY, ZOTERO_KEY):
            llm = key == LLM_KEY
            stored = self.ctx.settings.api_key if llm else self.ctx.settings.zotero_api_key
            edit, widget = self._key_row(bool(stored), "OPENAI_API_KEY" if llm else "ZOTERO_API_KEY")
            if llm:
                self.api_key = edit
                return tr("API key"), widget
            self.zotero_key = edit
            return tr("Zotero API key"), widget
        if key == LLM_TEST:
            self.llm_check = CheckRow(self.ctx, tr("Testing the model connection"), check_llm, self.checked_settings)
            return "", self.llm_check
        self.embedder_check = CheckRow(self.ctx, tr("Testing the embedder"), check_embedder,
                                       self.checked_settings)  # fmt: skip
        return "", self.embedder_check

    def _key_row(self, stored: bool, env_var: str) -> tuple[QLineEdit, QWidget]:
        edit = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        edit.setClearButtonEnabled(True)
        edit.setPlaceholderText(tr("A key is set; type a new one to replace it") if stored else tr("No key set"))
        note = QLabel(tr("Kept in the OS keyring, never in the settings file."))
        note.setStyleSheet(HELP_STYLE)
        help_text = tr("The key is stored in the OS keyring (or set {env} in the environment); it is never written "
                       "to the settings file.", env=env_var)  # fmt: skip
        self._help[edit] = html.escape(help_text)
        edit.setToolTip(help_text)
        return edit, stack(edit, note)

    def _add_settings_file_note(self) -> None:
        general = self.tabs.widget(0).layout()
        where = QLabel(tr("Settings file: {path}", path=home.settings_file()), wordWrap=True)
        where.setStyleSheet(HELP_STYLE)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        general.insertWidget(general.count() - 1, where)

    # -- presets ---------------------------------------------------------------------------------------------
    def apply_preset(self, name: str) -> None:
        """Fill the backend, base URL and model from preset ``name`` (custom: clear a known provider's URL)."""
        preset = BY_NAME[name]
        base_url = self.fields["llm.base_url"]
        if name == CUSTOM and match_preset(self._llm_only()).name != CUSTOM:
            base_url.set_value(None)
            self.fields["llm.model"].set_value(None)
        for field, value in preset.values().items():
            self.fields[f"llm.{field}"].set_value(value)
        self._show_preset(name)
        if name == CUSTOM:
            self.tabs.setCurrentIndex(self._page_of["llm.base_url"])
            base_url.editor.setFocus()

    def _llm_only(self) -> Settings:
        """Just enough settings, as typed, to tell which preset they match."""
        llm = {"backend": self.fields["llm.backend"].value(), "base_url": self.fields["llm.base_url"].value()}
        settings = Settings.model_validate({"llm": llm})
        settings.api_key = self._typed_key(self.api_key) or self.ctx.settings.api_key
        return settings

    def _sync_preset(self) -> None:
        self._show_preset(match_preset(self._llm_only()).name)

    def _show_preset(self, name: str) -> None:
        preset = BY_NAME[name]
        self.preset.setCurrentIndex(self.preset.findData(name))
        parts = [html.escape(preset.hint(language()))] if preset.hint(language()) else []
        if preset.key_url:
            link = f'<a href="{html.escape(preset.key_url)}">{html.escape(preset.key_url)}</a>'
            parts.append(tr("Needs an API key: {link}", link=link))
        elif preset.name not in (LOCAL, CUSTOM):
            parts.append(tr("No API key needed."))
        self.preset_hint.setText("<br>".join(parts))
        self.preset_hint.setVisible(bool(parts))
        self.fields["llm.model"].editor.setPlaceholderText(preset.model or "")

    # -- values ------------------------------------------------------------------------------------------------
    def load(self, settings: Settings) -> None:
        """Show ``settings`` in the form (keys are never shown)."""
        for key, field in self.fields.items():
            field.set_value(value_of(settings, key))
        self._sync_preset()

    @staticmethod
    def _typed_key(edit: QLineEdit) -> SecretStr | None:
        text = edit.text().strip()
        return SecretStr(text) if text else None

    def form_settings(self) -> Settings:
        """The settings as the form shows them, validated by the model; ConfigError names the bad row."""
        try:
            settings = Settings.model_validate(nested({key: field.value() for key, field in self.fields.items()}))
        except ValidationError as exc:
            key, problem = first_problem(exc)
            if key in self.fields:
                self.tabs.setCurrentIndex(self._page_of[key])
                self.fields[key].editor.setFocus()
            setting = self._labels.get(key, key)
            raise ConfigError(tr("Invalid value for {setting}: {problem}", setting=setting, problem=problem)) from None
        settings.api_key = self._typed_key(self.api_key) or self.ctx.settings.api_key
        settings.zotero_api_key = self._typed_key(self.zotero_key) or self.ctx.settings.zotero_api_key
        return settings

    def checked_settings(self) -> Settings | None:
        """The typed settings for a connection test, or None (and the error line) when a value is invalid."""
        try:
            settings = self.form_settings()
        except ConfigError as exc:
            self.show_error(exc.line)
            return None
        self.show_error("")
        return settings

    def show_error(self, line: str) -> None:
        self.error.setText(line)
        self.error.setVisible(bool(line))

    def save(self) -> bool:
        """Validate, write the settings file, store typed keys in the keyring, reload; close when all went well.

        An invalid value writes nothing. A key the keyring refuses is said in one line, the rest is saved."""
        try:
            settings = self.form_settings()
        except ConfigError as exc:
            self.show_error(exc.line)
            return False
        try:
            save_settings(settings)
        except OSError as exc:
            self.show_error(tr("Could not write the settings file {path}: {why}", path=home.settings_file(),
                               why=exc.strerror or exc))  # fmt: skip
            return False
        problems = []
        for edit, user, env_var in ((self.api_key, KEYRING_USER, "OPENAI_API_KEY"),
                                    (self.zotero_key, KEYRING_ZOTERO_USER, "ZOTERO_API_KEY")):  # fmt: skip
            key = edit.text().strip()
            if not key:
                continue
            try:
                store_api_key(key, user=user, env_var=env_var)
            except ConfigError as exc:
                problems.append(exc.line)
            else:
                edit.clear()
                edit.setPlaceholderText(tr("A key is set; type a new one to replace it"))
        self.ctx.reload_settings()
        if problems:
            self.show_error(tr("Settings saved, but the key was not: {problem}", problem="; ".join(problems)))
            return False
        self.show_error("")
        self.accept()
        return True

    # -- help and closing ----------------------------------------------------------------------------------------
    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        while new is not None and new is not self:
            if new in self._help:
                self.help.setText(self._help[new])
                return
            new = new.parentWidget()

    def done(self, result: int) -> None:
        """Closing (Save or Cancel) stops running connection tests; their results are not wanted any more."""
        for row in (self.llm_check, self.embedder_check):
            row.cancel()
        if self._listening:
            QApplication.instance().focusChanged.disconnect(self._focus_changed)
            self._listening = False
        super().done(result)

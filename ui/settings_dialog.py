"""The settings dialog, generated from the one settings model.

Each setting of :class:`paperpal.settings.Settings` gets an editor chosen from its type
(:func:`make_field`: a Literal becomes a choice list, an int a spin box, a path a text box with
"Browse…", anything else a text box), and its pydantic description as tooltip and help line, so the
dialog, ``paperpal config show --reference`` and the README's table say the same thing. The pages
(:func:`pages`) only say where each setting goes. Around the generated rows: the provider presets
(:mod:`paperpal.llm.presets`), the API keys (OS keyring only, :func:`paperpal.settings.store_api_key`)
and the "Test connection" rows, which run :func:`paperpal.checks.check_llm` /
:func:`~paperpal.checks.check_embedder` (the same checks as ``paperpal config test``) in a worker on
the values as typed, before they are saved.

Save validates through the model (a bad value: one line, nothing written), writes the file with
:func:`paperpal.settings.save_settings`, stores typed keys, then reloads the app's settings.
"""

from __future__ import annotations

import html
import re
import types
import typing
from abc import ABC, abstractmethod
from collections.abc import Callable

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paperpal import home
from paperpal.checks import CheckResult, check_embedder, check_llm
from paperpal.errors import ConfigError
from paperpal.llm.presets import BY_NAME, CUSTOM, LOCAL, PRESETS, match_preset
from paperpal.settings import KEYRING_USER, KEYRING_ZOTERO_USER, Settings, save_settings, store_api_key

from .context import AppContext
from .i18n import LANGUAGES, language, tr
from .workers import Task

# Rows that are not settings fields (the pages place them among the fields).
PRESET, LLM_KEY, LLM_TEST, ZOTERO_KEY, EMBEDDER_TEST = "@preset", "@llm-key", "@llm-test", "@zotero-key", "@embed-test"
SECRETS = ("api_key", "zotero_api_key")  # settings fields that never appear as rows: the key rows handle them
FILE_FILTERS = {
    "llm.local_model_path": "GGUF (*.gguf)",
    "llm.local_lora_path": "GGUF (*.gguf)",
    "slides.template": "PowerPoint (*.pptx)",
}
ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1b6e2d;"
HELP_STYLE = "color: palette(placeholder-text);"
# What a description says an unset field means: "(default: ~/Zotero)", "Unset means api.openai.com."
_DEFAULT_SAYS = re.compile(r"[(（](?:default|unset|默认)[:：]\s*([^)）]+)[)）]"
                           r"|(?:Unset means|留空表示)\s*(.+?)(?:\.(?:\s|$)|。)")


def pages() -> list[tuple[str, list[tuple[str | None, list[str]]]]]:
    """The dialog's pages: ``(title, [(group title or None, [dotted setting or special row])])``."""
    return [
        (tr("General"), [(None, ["language", "output.notes_dir", "output.slides_dir"])]),
        (tr("Model"), [
            (None, [PRESET, "llm.backend", "llm.base_url", "llm.model", LLM_KEY, LLM_TEST]),
            (tr("Endpoint details"), ["llm.timeout", "llm.max_retries", "llm.context_window"]),
            (tr("Local model"), ["llm.local_model_path", "llm.local_lora_path", "llm.local_statement_attempts",
                                 "llm.local_n_ctx", "llm.local_n_threads", "llm.local_n_gpu_layers"]),
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


def setting_fields() -> dict[str, FieldInfo]:
    """Every editable setting by dotted name ("llm.model"), from the model (the keys excluded)."""
    fields: dict[str, FieldInfo] = {}
    for name, info in Settings.model_fields.items():
        if name in SECRETS:
            continue
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            fields.update({f"{name}.{sub}": sub_info for sub, sub_info in info.annotation.model_fields.items()})
        else:
            fields[name] = info
    return fields


def description(info: FieldInfo) -> str:
    """The field's description in the UI language (backticks, Markdown's code marks, dropped)."""
    return tr(info.description or "").replace("`", "")


def unset_text(info: FieldInfo) -> str:
    """What leaving an optional field empty means, as its description says (for the empty box's placeholder)."""
    match = _DEFAULT_SAYS.search(description(info))
    return (match.group(1) or match.group(2)).strip() if match else tr("not set")


def _optional(annotation) -> tuple[object, bool]:
    """``(inner type, True)`` for ``X | None``, else ``(annotation, False)``."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _bound(info: FieldInfo, name: str, fallback: float) -> float:
    return next((getattr(m, name) for m in info.metadata if getattr(m, name, None) is not None), fallback)


def _box(*widgets: QWidget, stretch_first: bool = True) -> QWidget:
    """Widgets side by side in one form cell: the first one takes the room, or (``stretch_first=False``) none."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if (i == 0 and stretch_first) else 0)
    if not stretch_first:
        layout.addStretch(1)
    return row


class FitsWidth:
    """Mixin for a widget with wrapped text: as tall as it needs at its current width.

    A form layout sizes a row from the widget's size hint, which Qt computes for a guessed narrow
    width, so a one-line text would get a two- or three-line row."""

    def _fit(self, hint: QSize) -> QSize:
        height = self.heightForWidth(self.width()) if self.width() > 0 else -1
        return QSize(hint.width(), height) if height > 0 else hint

    def sizeHint(self) -> QSize:
        return self._fit(super().sizeHint())

    def minimumSizeHint(self) -> QSize:  # a crowded page must not clip the text either
        return self._fit(super().minimumSizeHint())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.updateGeometry()  # the height for the new width


class WrappedLabel(FitsWidth, QLabel):
    def __init__(self, text: str = "", **kwargs):
        super().__init__(text, wordWrap=True, **kwargs)


class _Stack(FitsWidth, QWidget):
    pass


def _stack(*widgets: QWidget) -> QWidget:
    """Widgets one above the other in one form cell."""
    column = _Stack()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return column


# -- one editor per setting ------------------------------------------------------------------------------
class Field(ABC):
    """One setting's editor: ``widget`` goes in the form, ``editor`` takes the input, values are plain Python."""

    def __init__(self, key: str, info: FieldInfo, editor: QWidget, widget: QWidget | None = None):
        self.key, self.info, self.editor = key, info, editor
        self.widget = widget or editor
        self.default = info.get_default(call_default_factory=True)

    @abstractmethod
    def value(self):
        """The setting's value as the editor shows it (plain Python: str, int, float or None)."""

    @abstractmethod
    def set_value(self, value) -> None:
        """Show ``value`` in the editor."""


class ChoiceField(Field):
    """A Literal: a choice list (``language`` shows English / 中文)."""

    def __init__(self, key: str, info: FieldInfo, choices: tuple):
        combo = QComboBox()
        for choice in choices:
            combo.addItem(LANGUAGES.get(choice, choice) if key == "language" else str(choice), choice)
        super().__init__(key, info, combo)

    def value(self):
        return self.editor.currentData()

    def set_value(self, value) -> None:
        self.editor.setCurrentIndex(max(0, self.editor.findData(value)))


class NumberField(Field):
    """A required int or float: a spin box bounded by the field's ``ge`` / ``le``."""

    def __init__(self, key: str, info: FieldInfo, kind: type):
        spin = QSpinBox() if kind is int else QDoubleSpinBox()
        if kind is float:
            spin.setDecimals(1)
        spin.setRange(_bound(info, "ge", 0), _bound(info, "le", 1_000_000))
        spin.setMinimumWidth(120)
        super().__init__(key, info, spin, _box(spin, stretch_first=False))
        self.kind = kind

    def value(self):
        return self.kind(self.editor.value())

    def set_value(self, value) -> None:
        self.editor.setValue(value)


class TextField(Field):
    """Text (or an optional number): empty means unset (the default); the model validates what is typed."""

    def __init__(self, key: str, info: FieldInfo, optional: bool,
                 widget_for: Callable[[QLineEdit], QWidget] | None = None):  # fmt: skip
        edit = QLineEdit()
        edit.setClearButtonEnabled(True)
        super().__init__(key, info, edit, widget_for(edit) if widget_for else None)
        edit.setPlaceholderText(unset_text(info) if self.default is None else str(self.default))
        self.optional = optional

    def value(self):
        text = self.editor.text().strip()
        return text if text else (None if self.optional else self.default)

    def set_value(self, value) -> None:
        self.editor.setText("" if value is None else str(value))


def is_path(key: str) -> bool:
    name = key.rpartition(".")[2]
    return name.endswith(("_path", "_dir")) or name in ("path", "template")


def make_field(key: str, info: FieldInfo, parent: QWidget) -> Field:
    """The editor for setting ``key``, chosen from its annotation (and, for paths, its name)."""
    inner, optional = _optional(info.annotation)
    if typing.get_origin(inner) is typing.Literal:
        return ChoiceField(key, info, typing.get_args(inner))
    if inner in (int, float) and not optional:
        return NumberField(key, info, inner)
    if is_path(key):
        folder = key.endswith(("_dir", ".path"))

        def with_browse(edit: QLineEdit) -> QWidget:
            browse = QPushButton(tr("Browse…"))
            browse.clicked.connect(lambda: _browse(parent, edit, folder, FILE_FILTERS.get(key, "")))
            return _box(edit, browse)

        return TextField(key, info, optional, with_browse)
    return TextField(key, info, optional)


def _browse(parent: QWidget, edit: QLineEdit, folder: bool, file_filter: str) -> None:
    start = edit.text().strip()
    if folder:
        path = QFileDialog.getExistingDirectory(parent, tr("Choose a folder"), start)
    else:
        path, _ = QFileDialog.getOpenFileName(parent, tr("Choose a file"), start, file_filter)
    if path:
        edit.setText(path)


# -- connection tests ---------------------------------------------------------------------------------------
class CheckRow(FitsWidth, QWidget):
    """A "Test connection" button and its result line; the check runs in a worker and can be cancelled."""

    def __init__(self, ctx: AppContext, title: str, check: Callable[..., CheckResult],
                 settings: Callable[[], Settings | None]):  # fmt: skip
        super().__init__()
        self.ctx, self.title, self.check, self.settings = ctx, title, check, settings
        self.task: Task | None = None
        self.button = QPushButton(tr("Test connection"))
        self.button.clicked.connect(self.toggle)
        self.result = WrappedLabel()
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setMinimumHeight(self.button.sizeHint().height())  # one line sits level with the button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.result, 1, Qt.AlignmentFlag.AlignTop)

    def toggle(self) -> None:
        if self.task is None:
            self.start()
        else:
            self.cancel()

    def start(self) -> Task | None:
        """Run the check on the values as typed (nothing is saved)."""
        settings = self.settings()
        if settings is None:  # the form has a bad value; the dialog's error line says which
            self._show(tr("Not tested: a setting is invalid (see below)."), ERROR_STYLE)
            return None
        check = self.check
        self.task = self.ctx.runner.run(self.title, lambda task_ctx: check(settings, cancel=task_ctx.cancel),
                                        done=self._done, failed=self._failed)  # fmt: skip
        self.task.signals.finished.connect(self._finished)
        self.button.setText(tr("Cancel"))
        self._show(tr("Testing…"), "")
        return self.task

    def cancel(self) -> None:
        """Stop waiting for the running check (an endpoint request already sent ends on its own, unseen)."""
        if self.task is not None:
            self.task.cancel()
            self.task = None
            self.button.setText(tr("Test connection"))
            self._show(tr("Cancelled."), "")

    def _current(self) -> bool:
        """The signal comes from the check this row is waiting for (not one cancelled earlier)."""
        return self.task is not None and self.sender() is self.task.signals

    def _done(self, result: CheckResult) -> None:
        if not self._current():
            return
        if not result.ok:
            self._show("✗ " + result.message, ERROR_STYLE)
            return
        seconds = f"{result.seconds:.1f}"
        if result.dimension is not None:
            line = tr("OK: {model} gives {dimension}-dimensional vectors ({seconds} s)",
                      model=result.model, dimension=result.dimension, seconds=seconds)  # fmt: skip
        else:
            line = tr("OK: {model} answered in {seconds} s", model=result.model, seconds=seconds)
        self._show("✓ " + line, OK_STYLE)

    def _failed(self, line: str, _details: str) -> None:
        if self._current():
            self._show("✗ " + line, ERROR_STYLE)

    def _finished(self) -> None:
        if self._current():
            self.task = None
            self.button.setText(tr("Test connection"))

    def _show(self, text: str, style: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(style)


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
        self._infos = setting_fields()
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
        info = self._infos[key]
        field = make_field(key, info, self)
        self.fields[key] = field
        text = self._labels.get(key, key.rpartition(".")[2].replace("_", " ").capitalize())
        help_text = description(info)
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
            return tr("Provider"), _stack(self.preset, self.preset_hint)
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
        return edit, _stack(edit, note)

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
            section, _, name = key.rpartition(".")
            field.set_value(getattr(getattr(settings, section) if section else settings, name))
        self._sync_preset()

    @staticmethod
    def _typed_key(edit: QLineEdit) -> SecretStr | None:
        text = edit.text().strip()
        return SecretStr(text) if text else None

    def form_settings(self) -> Settings:
        """The settings as the form shows them, validated by the model; ConfigError names the bad row."""
        data: dict = {}
        for key, field in self.fields.items():
            section, _, name = key.rpartition(".")
            (data.setdefault(section, {}) if section else data)[name] = field.value()
        try:
            settings = Settings.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            if key in self.fields:
                self.tabs.setCurrentIndex(self._page_of[key])
                self.fields[key].editor.setFocus()
            setting, problem = self._labels.get(key, key), first["msg"]
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

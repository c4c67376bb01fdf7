"""The settings dialog's widgets: one editor per setting, chosen from its type, and a "Test connection" row.

:func:`make_field` turns a :class:`paperpal.settings_fields.SettingField` (what the core says about a
setting: a choice list, a number with bounds, a path or text, its default and description) into a
:class:`Field`: a choice list, a spin box, a text box with "Browse…", or a text box. :class:`CheckRow`
runs a connection check (:func:`paperpal.checks.check_llm` / :func:`~paperpal.checks.check_embedder`)
in a worker and shows its one-line result.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from paperpal.checks import CheckResult
from paperpal.settings import Settings
from paperpal.settings_fields import SettingField, unset_meaning

from .context import AppContext
from .i18n import LANGUAGES, tr
from .workers import Task

FILE_FILTERS = {
    "llm.local_model_path": "GGUF (*.gguf)",
    "llm.local_lora_path": "GGUF (*.gguf)",
    "slides.template": "PowerPoint (*.pptx)",
}
ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1b6e2d;"
HELP_STYLE = "color: palette(placeholder-text);"


def description(field: SettingField) -> str:
    """The setting's description in the UI language (backticks, Markdown's code marks, dropped)."""
    return tr(field.description).replace("`", "")


def unset_text(field: SettingField) -> str:
    """What leaving an optional setting empty means, as its description says (for the empty box's placeholder)."""
    return unset_meaning(description(field)) or tr("not set")


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


def stack(*widgets: QWidget) -> QWidget:
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

    def __init__(self, spec: SettingField, editor: QWidget, widget: QWidget | None = None):
        self.spec, self.key, self.info, self.editor = spec, spec.key, spec.info, editor
        self.widget = widget or editor
        self.default = spec.default

    @abstractmethod
    def value(self):
        """The setting's value as the editor shows it (plain Python: str, int, float or None)."""

    @abstractmethod
    def set_value(self, value) -> None:
        """Show ``value`` in the editor."""


class ChoiceField(Field):
    """A Literal: a choice list (``language`` shows English / 中文)."""

    def __init__(self, spec: SettingField):
        combo = QComboBox()
        for choice in spec.choices:
            combo.addItem(LANGUAGES.get(choice, choice) if spec.key == "language" else str(choice), choice)
        super().__init__(spec, combo)

    def value(self):
        return self.editor.currentData()

    def set_value(self, value) -> None:
        self.editor.setCurrentIndex(max(0, self.editor.findData(value)))


class NumberField(Field):
    """A required int or float: a spin box bounded by the field's ``ge`` / ``le``."""

    def __init__(self, spec: SettingField):
        kind = spec.value_type
        spin = QSpinBox() if kind is int else QDoubleSpinBox()
        if kind is float:
            spin.setDecimals(1)
        spin.setRange(spec.bound("ge", 0), spec.bound("le", 1_000_000))
        spin.setMinimumWidth(120)
        super().__init__(spec, spin, _box(spin, stretch_first=False))
        self.kind = kind

    def value(self):
        return self.kind(self.editor.value())

    def set_value(self, value) -> None:
        self.editor.setValue(value)


class TextField(Field):
    """Text (or an optional number): empty means unset (the default); the model validates what is typed."""

    def __init__(self, spec: SettingField, widget_for: Callable[[QLineEdit], QWidget] | None = None):
        edit = QLineEdit()
        edit.setClearButtonEnabled(True)
        super().__init__(spec, edit, widget_for(edit) if widget_for else None)
        edit.setPlaceholderText(unset_text(spec) if self.default is None else str(self.default))
        self.optional = spec.optional

    def value(self):
        text = self.editor.text().strip()
        return text if text else (None if self.optional else self.default)

    def set_value(self, value) -> None:
        self.editor.setText("" if value is None else str(value))


def make_field(spec: SettingField, parent: QWidget) -> Field:
    """The editor for a setting, chosen from its kind (a path gets "Browse…" for a file or a folder)."""
    if spec.kind == "choice":
        return ChoiceField(spec)
    if spec.kind == "number":
        return NumberField(spec)
    if spec.kind == "path":

        def with_browse(edit: QLineEdit) -> QWidget:
            browse = QPushButton(tr("Browse…"))
            browse.clicked.connect(lambda: _browse(parent, edit, spec.is_folder, FILE_FILTERS.get(spec.key, "")))
            return _box(edit, browse)

        return TextField(spec, with_browse)
    return TextField(spec)


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

"""Which papers a many-paper task works on: a folder of PDFs, a Zotero collection or a Zotero tag.

Shared by the batch-slides dialog and the compare dialog.  The synced library's collections and tags are read in a
worker when the picker is made (:func:`library_choices`); the two library choices stay disabled until they are.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QStackedWidget, QWidget

from .context import AppContext
from .i18n import tr

FOLDER, COLLECTION, TAG = "folder", "collection", "tag"


def library_choices(settings) -> tuple[list[str], list[str]]:
    """The synced library's collections and tags that hold PDFs (sorted), for the two pickers."""
    from paperpal.zotero.library import library_items

    collections, tags = set(), set()
    for item in library_items(settings):
        if item.pdf is not None:
            collections.update(item.metadata.get("collections", []))
            tags.update(item.metadata.get("tags", []))
    return sorted(collections, key=str.casefold), sorted(tags, key=str.casefold)


def folder_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


class SourcePicker(QWidget):
    """The kind of source, the folder / collection / tag, and a line about the synced library."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.kind = QComboBox()
        self.kind.addItem(tr("Folder of PDFs"), FOLDER)
        self.kind.addItem(tr("Zotero collection"), COLLECTION)
        self.kind.addItem(tr("Zotero tag"), TAG)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(tr("A folder holding the PDFs (not its sub-folders)"))
        self.folder_button = QPushButton(tr("Choose…"))
        self.collection = QComboBox()
        self.tag = QComboBox()
        self.which = QStackedWidget()
        self.which.addWidget(folder_row(self.folder, self.folder_button))
        self.which.addWidget(self.collection)
        self.which.addWidget(self.tag)
        self.which.setFixedHeight(self.folder.sizeHint().height() + 4)
        self.library_note = QLabel(tr("Reading the synced Zotero library…"))
        self.library_note.setWordWrap(True)
        self.library_note.setStyleSheet("color: palette(mid);")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.folder.textChanged.connect(self.changed)
        self.collection.currentTextChanged.connect(self.changed)
        self.tag.currentTextChanged.connect(self.changed)
        self.folder_button.clicked.connect(self._choose_folder)

    def load_library(self) -> None:
        settings = self.ctx.settings
        self._library_enabled(False)
        self.ctx.runner.run(tr("Reading the Zotero library"), lambda _: library_choices(settings),
                            done=self._library_loaded, failed=self._library_failed)  # fmt: skip
        self._kind_changed()

    def _library_enabled(self, enabled: bool) -> None:
        model = self.kind.model()
        for i in (1, 2):
            model.item(i).setEnabled(enabled)

    def _library_loaded(self, choices) -> None:
        collections, tags = choices
        self.collection.addItems(collections)
        self.tag.addItems(tags)
        model = self.kind.model()
        model.item(1).setEnabled(bool(collections))
        model.item(2).setEnabled(bool(tags))
        self.library_note.setText(tr("Synced Zotero library: {c} collections and {t} tags with PDFs.",
                                     c=len(collections), t=len(tags)))  # fmt: skip
        self._kind_changed()

    def _library_failed(self, line: str, details: str) -> None:
        self.library_note.setText(tr("Zotero collections and tags: {why}", why=line))

    def _kind_changed(self) -> None:
        self.which.setCurrentIndex([FOLDER, COLLECTION, TAG].index(self.kind.currentData()))
        self.changed.emit()

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Folder of PDFs"), self.folder.text() or str(Path.home()))
        if path:
            self.folder.setText(path)

    def current_kind(self) -> str:
        return self.kind.currentData()

    def source_name(self) -> str:
        kind = self.kind.currentData()
        widget = {FOLDER: self.folder, COLLECTION: self.collection, TAG: self.tag}[kind]
        return (widget.text() if kind == FOLDER else widget.currentText()).strip()

    def problem(self) -> str | None:
        """Why the source cannot be used as it stands, or None."""
        name = self.source_name()
        if not name:
            return tr("Choose a folder of PDFs, a collection or a tag.")
        if self.current_kind() == FOLDER and not Path(name).is_dir():
            return tr("Not a folder: {path}", path=name)
        return None

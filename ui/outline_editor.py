"""The outline editor of the Slides tab: the deck's agenda, content slides and summary as an editable tree.

Each content slide is a row (its title) with its details and its question for the audience below;
the agenda items and the summary's core points are two more groups. Texts are edited in place
(double-click or F2), slides and lines moved up and down, removed, and lines added. The selected
slide's speaker notes show below the tree: written from the slide's text (they follow its edits)
until the user writes their own; clearing them writes them from the slide again.
:meth:`OutlineEditor.outline` turns the tree back into an :class:`~paperpal.slides.model.Outline`,
marking what the user changed (``origin[field] = "user"``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from paperpal.slides.model import ContentSlide, Outline
from paperpal.slides.notes import speaker_notes
from paperpal.slides.questions import question_after_edit

from .i18n import tr

KIND = Qt.ItemDataRole.UserRole  # what a row is (one of the kinds below)
STATE = Qt.ItemDataRole.UserRole + 1  # a slide row's _SlideState
LAST = Qt.ItemDataRole.UserRole + 2  # the row's last accepted text (an emptied edit goes back to it)

AGENDA, AGENDA_ITEM, SLIDE, DETAIL, QUESTION, SUMMARY, POINT = (
    "agenda", "agenda_item", "slide", "detail", "question", "summary", "point"
)  # fmt: skip
LINES = {DETAIL, AGENDA_ITEM, POINT}  # rows that can be added, moved within their parent and removed
MOVABLE = LINES | {SLIDE}
GROUPS = {AGENDA: AGENDA_ITEM, SUMMARY: POINT, SLIDE: DETAIL}  # parent kind -> the kind of line it holds


@dataclass
class _SlideState:
    """A slide row's outline slide as made (section, pages, figure, origin) and the user's own notes."""

    slide: ContentSlide
    notes: str | None = None


def wrap_slack(height: int, line: int) -> int:
    """Pixels to add to a wrapped text's measured height: lines with Chinese (a fallback font) draw taller."""
    return 4 + 2 * max(1, height // max(1, line))


class _MarkerDelegate(QStyledItemDelegate):
    """Column 0 holds the row's marker (slide number, bullet, "?"): never edited."""

    def createEditor(self, parent, option, index):
        return None


class _WrappedDelegate(QStyledItemDelegate):
    """Column 1 wraps long texts over several lines (a tree view sizes every row to one line by itself)."""

    def __init__(self, tree: QTreeWidget):
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option, index):
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = max(40, self.tree.columnWidth(index.column()) - 12)
        metrics = QFontMetrics(opt.font)
        box = metrics.boundingRect(QRect(0, 0, width, 100000), Qt.TextFlag.TextWordWrap, opt.text)
        return QSize(width, box.height() + wrap_slack(box.height(), metrics.lineSpacing()))


class OutlineEditor(QWidget):
    """Edits one :class:`Outline`; ``changed`` is emitted after every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._outline: Outline | None = None
        self._showing_notes = False

        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("Slide"), tr("Text (double-click to edit)")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 64)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setItemDelegateForColumn(0, _MarkerDelegate(self.tree))
        self.tree.setItemDelegateForColumn(1, _WrappedDelegate(self.tree))
        self.tree.header().sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)  # fmt: skip

        self.up_button = QPushButton(tr("Up"))
        self.down_button = QPushButton(tr("Down"))
        self.add_button = QPushButton(tr("Add line"))
        self.add_button.setToolTip(tr("Add a detail to the slide (or an agenda item, or a summary point)"))
        self.remove_button = QPushButton(tr("Remove"))
        self.remove_button.setToolTip(tr("Remove the selected slide or line"))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.up_button, self.down_button, self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: palette(mid);")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(tr("Speaker notes: written from the slide until you edit them; "
                                         "clear them to write them from the slide again."))  # fmt: skip
        notes_box = QWidget()
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.addWidget(self.notes_label)
        notes_layout.addWidget(self.notes, 1)
        tree_box = QWidget()
        tree_layout = QVBoxLayout(tree_box)
        tree_layout.setContentsMargins(0, 0, 0, 0)
        tree_layout.addWidget(self.tree, 1)
        tree_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(tree_box)
        splitter.addWidget(notes_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.tree.itemChanged.connect(self._edited)
        self.tree.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.notes.textChanged.connect(self._notes_edited)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(+1))
        self.add_button.clicked.connect(self.add_line)
        self.remove_button.clicked.connect(self.remove_current)
        self.set_outline(None)

    # -- filling the tree ------------------------------------------------------------------------------
    def set_outline(self, outline: Outline | None) -> None:
        """Show ``outline`` (None: nothing to edit)."""
        self._outline = outline
        self.tree.blockSignals(True)
        self.tree.clear()
        if outline is not None:
            self._group(tr("Agenda"), AGENDA, outline.agenda)
            for slide in outline.slides:
                self._slide_row(slide, self.tree.topLevelItemCount())
            self._group(tr("Summary"), SUMMARY, outline.summary)
            self._renumber()
        self.tree.blockSignals(False)
        self.tree.setEnabled(outline is not None)
        if outline is not None and outline.slides:
            self.tree.setCurrentItem(self.tree.topLevelItem(1))
        self._selection_changed()

    def _row(self, parent, kind: str, marker: str, text: str, at: int | None = None) -> QTreeWidgetItem:
        item = QTreeWidgetItem([marker, text])
        item.setData(0, KIND, kind)
        item.setData(0, LAST, text)
        item.setToolTip(1, text)
        item.setTextAlignment(0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if kind not in (AGENDA, SUMMARY):
            flags |= Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)
        if isinstance(parent, QTreeWidgetItem):
            parent.insertChild(parent.childCount() if at is None else at, item)
        else:
            self.tree.insertTopLevelItem(self.tree.topLevelItemCount() if at is None else at, item)
        return item

    def _group(self, title: str, kind: str, lines: list[str]) -> QTreeWidgetItem:
        group = self._row(self.tree, kind, title, "")
        group.setFirstColumnSpanned(True)
        font = QFont(group.font(0))
        font.setBold(True)
        group.setFont(0, font)
        for line in lines:
            self._row(group, GROUPS[kind], "•", line)
        group.setExpanded(True)
        return group

    def _slide_row(self, slide: ContentSlide, at: int) -> QTreeWidgetItem:
        item = self._row(self.tree, SLIDE, "", slide.title, at)
        notes = slide.notes if slide.origin.get("notes") == "user" else None
        item.setData(0, STATE, _SlideState(slide, notes))
        font = QFont(item.font(1))
        font.setBold(True)
        item.setFont(1, font)
        item.setToolTip(0, self._source_line(slide))
        for detail in slide.details:
            self._row(item, DETAIL, "•", detail)
        question = self._row(item, QUESTION, "?", slide.question)
        question.setToolTip(0, tr("Question for the audience"))
        font = QFont(question.font(1))
        font.setItalic(True)
        question.setFont(1, font)
        item.setExpanded(True)
        return item

    def _renumber(self) -> None:
        for k, item in enumerate(self.slide_items(), 1):
            item.setText(0, str(k))

    # -- reading the tree back -----------------------------------------------------------------------
    def slide_items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item.data(0, KIND) == SLIDE]

    def _group_lines(self, kind: str) -> list[str]:
        group = next((self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())
                      if self.tree.topLevelItem(i).data(0, KIND) == kind), None)  # fmt: skip
        return [group.child(i).text(1).strip() for i in range(group.childCount())] if group else []

    def _slide_of(self, item: QTreeWidgetItem) -> ContentSlide:
        """The slide row ``item`` as an outline slide, its user-changed fields marked in ``origin``."""
        state: _SlideState = item.data(0, STATE)
        made = state.slide
        children = [item.child(i) for i in range(item.childCount())]
        details = [c.text(1).strip() for c in children if c.data(0, KIND) == DETAIL]
        question = next((c.text(1).strip() for c in children if c.data(0, KIND) == QUESTION), made.question)
        slide = replace(made, title=item.text(1).strip(), details=details, question=question, origin=dict(made.origin))
        for name in ("title", "details", "question"):
            if getattr(slide, name) != getattr(made, name):
                slide.origin[name] = "user"
        slide.question = question_after_edit(slide, self._outline.language)
        if state.notes:
            slide.notes, slide.origin["notes"] = state.notes, "user"
        else:
            slide.origin.pop("notes", None)
            slide.notes = speaker_notes(slide, self._outline.language)
        return slide

    def has_outline(self) -> bool:
        return self._outline is not None

    def outline(self) -> Outline | None:
        """The edited outline (None when there is none)."""
        if self._outline is None:
            return None
        slides = [self._slide_of(item) for item in self.slide_items()]
        return replace(self._outline, agenda=self._group_lines(AGENDA), slides=slides,
                       summary=self._group_lines(SUMMARY))  # fmt: skip

    # -- editing ---------------------------------------------------------------------------------------
    def _edited(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 1:
            return
        text = " ".join(item.text(1).split())
        self.tree.blockSignals(True)
        if not text:  # an emptied text is not a slide: keep what was there
            item.setText(1, item.data(0, LAST))
        else:
            item.setText(1, text)
            item.setData(0, LAST, text)
            item.setToolTip(1, text)
        self.tree.blockSignals(False)
        self._show_notes()
        self.changed.emit()

    def _slide_item(self, item: QTreeWidgetItem | None) -> QTreeWidgetItem | None:
        while item is not None and item.data(0, KIND) != SLIDE:
            item = item.parent()
        return item

    def current_kind(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, KIND) if item is not None else None

    def _siblings(self, item: QTreeWidgetItem) -> tuple[object, list[QTreeWidgetItem]]:
        """``item``'s parent (a row, or the tree) and its siblings of the same kind, in order."""
        parent = item.parent()
        if parent is None:
            rows = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        else:
            rows = [parent.child(i) for i in range(parent.childCount())]
        return parent or self.tree, [r for r in rows if r.data(0, KIND) == item.data(0, KIND)]

    def _index(self, parent, item: QTreeWidgetItem) -> int:
        return parent.indexOfChild(item) if isinstance(parent, QTreeWidgetItem) else parent.indexOfTopLevelItem(item)

    def _take(self, parent, item: QTreeWidgetItem) -> None:
        if isinstance(parent, QTreeWidgetItem):
            parent.takeChild(parent.indexOfChild(item))
        else:
            parent.takeTopLevelItem(parent.indexOfTopLevelItem(item))

    def _insert(self, parent, at: int, item: QTreeWidgetItem) -> None:
        if isinstance(parent, QTreeWidgetItem):
            parent.insertChild(at, item)
        else:
            parent.insertTopLevelItem(at, item)

    def move_current(self, step: int) -> None:
        """Move the selected slide (among the slides) or line (within its slide or group) up or down."""
        item = self.tree.currentItem()
        if item is None or item.data(0, KIND) not in MOVABLE:
            return
        parent, same = self._siblings(item)
        k = same.index(item) + step
        if not 0 <= k < len(same):
            return
        at = self._index(parent, same[k])
        expanded = item.isExpanded()
        self._take(parent, item)
        self._insert(parent, at, item)
        item.setExpanded(expanded)  # a re-inserted row keeps its children, not its view state
        self._renumber()
        self.tree.setCurrentItem(item)
        self.changed.emit()

    def can_remove(self, item: QTreeWidgetItem | None) -> bool:
        if item is None or item.data(0, KIND) not in MOVABLE:
            return False
        _, same = self._siblings(item)
        return len(same) > 1  # a deck keeps at least one slide, a slide one detail

    def remove_current(self) -> None:
        item = self.tree.currentItem()
        if not self.can_remove(item):
            return
        parent, same = self._siblings(item)
        k = same.index(item)
        self._take(parent, item)
        self._renumber()
        rest = [s for s in same if s is not item]
        self.tree.setCurrentItem(rest[min(k, len(rest) - 1)])
        self._show_notes()
        self.changed.emit()

    def add_line(self) -> None:
        """A new line after the selected one (in the selected slide or group), opened for editing."""
        item = self.tree.currentItem()
        if item is None:
            return
        kind = item.data(0, KIND)
        if kind in GROUPS:
            parent, at = item, None
        elif kind == QUESTION:
            parent, at = item.parent(), item.parent().indexOfChild(item)
        else:
            parent = item.parent()
            if parent is None:
                return
            at = parent.indexOfChild(item) + 1
        line_kind = GROUPS[parent.data(0, KIND)]
        if at is None and line_kind == DETAIL:
            at = parent.childCount() - 1  # before the question
        new = self._row(parent, line_kind, "•", tr("New line"), at)
        parent.setExpanded(True)
        self.tree.setCurrentItem(new, 1)
        self.tree.editItem(new, 1)
        self.changed.emit()

    # -- selection and notes -----------------------------------------------------------------------------
    def _selection_changed(self) -> None:
        item = self.tree.currentItem()
        kind = item.data(0, KIND) if item is not None else None
        if kind in MOVABLE:
            _, same = self._siblings(item)
            self.up_button.setEnabled(same.index(item) > 0)
            self.down_button.setEnabled(same.index(item) < len(same) - 1)
        else:
            self.up_button.setEnabled(False)
            self.down_button.setEnabled(False)
        self.add_button.setEnabled(item is not None and (kind in GROUPS or kind in LINES or kind == QUESTION))
        self.remove_button.setEnabled(self.can_remove(item))
        self._show_notes()

    @staticmethod
    def _source_line(slide: ContentSlide) -> str:
        pages = tr("p. {page}", page=slide.page_start) if slide.page_start == slide.page_end else tr(
            "pp. {start}–{end}", start=slide.page_start, end=slide.page_end)  # fmt: skip
        line = tr("Section {section} · {pages}", section=slide.section, pages=pages)
        if slide.figure:
            line += " · " + tr("{figure} (p. {page})", figure=slide.figure.label, page=slide.figure.page)
        return line

    def _show_notes(self) -> None:
        row = self._slide_item(self.tree.currentItem())
        self._showing_notes = True
        if row is None:
            self.notes_label.setText(tr("Select a slide to see its source and speaker notes."))
            self.notes.setPlainText("")
            self.notes.setEnabled(False)
        else:
            slide = self._slide_of(row)
            number = self.slide_items().index(row) + 1
            self.notes_label.setText(tr("Slide {n}: {source}", n=number, source=self._source_line(slide)))
            if self.notes.toPlainText() != slide.notes:
                self.notes.setPlainText(slide.notes)
            self.notes.setEnabled(True)
        self._showing_notes = False

    def _notes_edited(self) -> None:
        if self._showing_notes:
            return
        row = self._slide_item(self.tree.currentItem())
        if row is None:
            return
        text = self.notes.toPlainText()
        row.data(0, STATE).notes = text if text.strip() else None
        self.changed.emit()

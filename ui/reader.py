"""The reader: the PDF itself (QtPdf), page navigation, zoom, find, and highlighting a passage.

Pages are shown and taken 1-based (what a PDF viewer's page counter shows); QtPdf counts from 0.
:meth:`Reader.go_to` moves to a page and, given a quote, highlights it with the view's search
model: the quote's first words are searched and the match on (or nearest to) that page becomes
the current, highlighted result.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPointF, Signal
from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .context import AppContext
from .i18n import tr

ZOOMS = [("Fit width", None), ("Fit page", None), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0), ("125%", 1.25),
         ("150%", 1.5), ("200%", 2.0)]  # fmt: skip
SNIPPET_WORDS = 6  # how many words of a quote are searched for (PDF text breaks lines and hyphenates)


def quote_snippets(quote: str) -> list[str]:
    """Searchable pieces of ``quote``: runs of a few whole words, from its start (CJK: short character runs)."""
    words = re.findall(r"[A-Za-z0-9][\w'’.-]*|[\u3400-\u9fff]{1,8}", quote)
    words = [w.strip(".") for w in words if len(w.strip(".")) > 0]
    if not words:
        return []
    size = min(SNIPPET_WORDS, len(words))
    runs = [words[i : i + size] for i in range(0, max(1, len(words) - size + 1), size)]
    return [" ".join(run) for run in runs[:4] if len(" ".join(run)) >= 8]


class Reader(QWidget):
    """A PDF view with a toolbar; :attr:`page_changed` carries the 1-based current page."""

    page_changed = Signal(int)
    highlighted = Signal(int)  # 1-based page of the passage just highlighted

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.document = QPdfDocument(self)
        self.search = QPdfSearchModel(self)
        self.search.setDocument(self.document)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setSearchModel(self.search)
        self._target: tuple[int, list[str]] | None = None  # page and snippets still being searched for
        self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._bar)
        layout.addWidget(self.view, 1)
        self.view.pageNavigator().currentPageChanged.connect(self._on_page)
        self.document.pageCountChanged.connect(self._on_count)
        self.search.countChanged.connect(self._try_highlight)
        self._on_count(0)

    # -- toolbar ---------------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        self._bar = QHBoxLayout()
        self._bar.setContentsMargins(6, 4, 6, 0)
        self.prev_button = QToolButton(text="◀", toolTip=tr("Previous page"))
        self.next_button = QToolButton(text="▶", toolTip=tr("Next page"))
        self.page_box = QSpinBox(minimum=1, maximum=1, toolTip=tr("Page (as the PDF counts them)"))
        self.page_box.setKeyboardTracking(False)
        self.count_label = QLabel("/ 0")
        self.zoom_box = QComboBox(toolTip=tr("Zoom"))
        for label, _ in ZOOMS:
            self.zoom_box.addItem(tr(label))
        self.find_box = QLineEdit(placeholderText=tr("Find in paper…"), clearButtonEnabled=True)
        self.find_box.setMaximumWidth(220)
        self.title_label = QLabel(tr("No paper open"))
        self.title_label.setStyleSheet("color: palette(mid);")
        self.prev_button.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        self.page_box.valueChanged.connect(lambda page: page != self.current_page() and self.go_to(page))
        self.zoom_box.currentIndexChanged.connect(self._on_zoom)
        self.find_box.returnPressed.connect(lambda: self.find(self.find_box.text()))
        for widget in (self.prev_button, self.page_box, self.count_label, self.next_button, self.zoom_box):
            self._bar.addWidget(widget)
        self._bar.addSpacing(12)
        self._bar.addWidget(self.title_label, 1)
        self._bar.addWidget(self.find_box)

    def _on_zoom(self, index: int) -> None:
        label, factor = ZOOMS[index]
        if factor is None:
            mode = QPdfView.ZoomMode.FitToWidth if label == "Fit width" else QPdfView.ZoomMode.FitInView
            self.view.setZoomMode(mode)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(factor)

    def _on_count(self, count: int) -> None:
        self.page_box.setMaximum(max(1, count))
        self.count_label.setText(f"/ {count}")
        for widget in (self.prev_button, self.next_button, self.page_box, self.zoom_box, self.find_box):
            widget.setEnabled(count > 0)

    def _on_page(self, index: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(index + 1)
        self.page_box.blockSignals(False)
        self.page_changed.emit(index + 1)

    # -- document --------------------------------------------------------------------------------
    def load(self, path: str, title: str = "") -> None:
        """Show the PDF at ``path`` (already parsed by the core, so it is known to open)."""
        self._target = None
        self.search.setSearchString("")
        self.document.close()
        error = self.document.load(path)
        if error != QPdfDocument.Error.None_:
            self.ctx.report_error(tr("The reader could not open {path} ({error})", path=path, error=error.name))
            return
        self.title_label.setText(title or path)
        self.title_label.setToolTip(path)
        self.go_to(1)

    def close_document(self) -> None:
        self._target = None
        self.document.close()
        self.title_label.setText(tr("No paper open"))

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage() + 1

    def go_to(self, page: int, quote: str = "") -> None:
        """Show 1-based ``page``; with ``quote``, highlight that passage there."""
        if self.page_count == 0:
            return
        page = min(max(1, int(page)), self.page_count)
        navigator = self.view.pageNavigator()
        navigator.jump(page - 1, QPointF(), navigator.currentZoom())
        self._target = None
        snippets = quote_snippets(quote) if quote else []
        if snippets:
            self._target = (page, snippets)
            self.search.setSearchString(snippets[0])
            self._try_highlight()

    def find(self, text: str) -> None:
        """Search the whole paper and move to the first match at or after the current page."""
        self._target = (self.current_page(), [text.strip()]) if text.strip() else None
        self.search.setSearchString(text.strip())
        self._try_highlight()

    def _try_highlight(self) -> None:
        """Pick the search result on the target page (or the nearest one) once the model has results."""
        if self._target is None:
            return
        page, snippets = self._target
        results = [(i, self.search.resultAtIndex(i).page() + 1) for i in range(self.search.count())]
        if not results:
            return
        best, found_page = min(results, key=lambda r: (abs(r[1] - page), r[1] < page))
        if abs(found_page - page) > 1 and len(snippets) > 1:  # not near: try the quote's next words
            self._target = (page, snippets[1:])
            self.search.setSearchString(snippets[1])
            return
        self._target = None
        self.view.setCurrentSearchResultIndex(best)
        navigator = self.view.pageNavigator()
        link = self.search.resultAtIndex(best)
        navigator.jump(link.page(), link.location(), navigator.currentZoom())
        self.highlighted.emit(found_page)

    def highlighted_page(self) -> int | None:
        """1-based page of the highlighted passage, or None."""
        index = self.view.currentSearchResultIndex()
        return self.search.resultAtIndex(index).page() + 1 if index >= 0 else None

"""The Locate / Ask tab: "where in this paper is X?" and questions across the library.

Locate calls :func:`paperpal.tasks.locate.locate` on the open paper and Ask calls
:func:`paperpal.tasks.ask.ask` on the index (the same functions as ``paperpal locate`` and
``paperpal ask``). Answers show §section and page as links: clicking one moves the reader there
with the quote highlighted (Ask's sources open their paper first). Each paper keeps its history
of questions and answers in the app's state folder.
"""

from __future__ import annotations

import html
import json

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from paperpal.home import atomic_write_text

from .context import AppContext
from .i18n import tr
from .workers import Task

LIBRARY = "library"  # the history key of library-wide questions
HISTORY_LIMIT = 50


def _e(text) -> str:
    return html.escape(str(text or ""))


def _where(section_number: str | None, section_title: str | None, pages: list[int]) -> str:
    number = f"{section_number} " if section_number else ""
    return f"§{number}{section_title or ''}, " + tr("p. {pages}", pages=", ".join(str(p) for p in pages))


def locate_html(result: dict) -> str:
    """The answer to a locate question, with the location (and each candidate) as a page link."""
    parts = [f"<p><b>{_e(result['question'])}</b></p>"]
    if result["found"]:
        link = f"page:{result['pages'][0]}"
        parts.append(f'<p><b>→</b> <a href="{link}">{_e(_where(result["section_number"], result["section_title"], result["pages"]))}</a></p>')
        if result.get("quote"):
            note = f" <i>({tr('the model quoted text not in the PDF; this sentence replaces it')})</i>" if result.get("quote_replaced") else ""
            parts.append(f'<blockquote>“{_e(result["quote"])}”{note}</blockquote>')
        if result.get("explanation"):
            parts.append(f"<p>{_e(result['explanation'])}</p>")
    else:
        parts.append(f"<p>{_e(tr('Not found in this paper.'))} {_e(result.get('explanation'))}</p>")
    chosen = (result.get("section_number"), result.get("section_title")) if result["found"] else None
    others = [c for c in result.get("candidates", [])
              if c.get("pages") and (c["section_number"], c["section_title"]) != chosen]  # fmt: skip
    if others:
        heading = tr("Other candidates") if result["found"] else tr("Closest passages")
        items = "".join(f'<li><a href="page:{c["pages"][0]}">{_e(_where(c["section_number"], c["section_title"], c["pages"]))}</a></li>'
                        for c in others[:5])  # fmt: skip
        parts.append(f"<p>{_e(heading)}:</p><ul>{items}</ul>")
    return "".join(parts)


def ask_html(result: dict) -> str:
    """A library answer: each claim with its citation linking to the source paper's page."""
    parts = [f"<p><b>{_e(result['question'])}</b></p>"]
    if not result["sources"]:
        return parts[0] + f"<p>{_e(tr('No indexed paper matches: index a folder or sync Zotero first, or widen the scope.'))}</p>"
    items = []
    for i, claim in enumerate(result["claims"]):
        link = f"source:{i}"
        quote = f"<br><i>“{_e(claim['quote'])}”</i>" if claim.get("quote") else ""
        items.append(f'<li>{_e(claim["text"])} <a href="{link}">{_e(claim["citation"])}</a>{quote}</li>')
    parts.append(f"<ul>{''.join(items)}</ul>" if items else f"<p>{_e(tr('The model gave no answer from these sources.'))}</p>")
    return "".join(parts)


class LocateTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.task: Task | None = None
        self.current: dict | None = None  # the answer shown: {"kind", "question", "result"}

        self.this_paper = QRadioButton(tr("This paper"), checked=True)
        self.whole_library = QRadioButton(tr("Whole library"))
        scope = QButtonGroup(self)
        scope.addButton(self.this_paper)
        scope.addButton(self.whole_library)
        self.use_llm = QCheckBox(tr("Explain with the model"), checked=True)
        self.use_llm.setToolTip(tr("Off: retrieval only (section, page and quote, in a second)"))
        self.question = QLineEdit(placeholderText=tr("Where do they … ? / 这篇论文在哪里讲了…？"), clearButtonEnabled=True)
        self.ask_button = QPushButton(tr("Ask"))
        self.status = QLabel()
        self.status.setStyleSheet("color: palette(mid);")
        self.answer = QTextBrowser()
        self.answer.setOpenLinks(False)
        self.history = QListWidget()
        self.history.setToolTip(tr("Earlier questions about this paper"))

        top = QHBoxLayout()
        for widget in (self.this_paper, self.whole_library, self.use_llm):
            top.addWidget(widget)
        top.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.question, 1)
        row.addWidget(self.ask_button)
        lower = QSplitter(Qt.Orientation.Vertical)
        lower.addWidget(self.answer)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(QLabel(tr("History")))
        history_layout.addWidget(self.history)
        lower.addWidget(history_box)
        lower.setSizes([400, 150])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(lower, 1)

        self.ask_button.clicked.connect(self.toggle)
        self.question.returnPressed.connect(self.toggle)
        self.answer.anchorClicked.connect(self.follow)
        self.history.currentItemChanged.connect(self._history_picked)
        self.this_paper.toggled.connect(lambda _: self._load_history())
        ctx.paper_opened.connect(lambda _: self._load_history())
        self._load_history()

    # -- history -----------------------------------------------------------------------------------
    def _history_key(self) -> str | None:
        if self.whole_library.isChecked():
            return LIBRARY
        return self.ctx.paper.id if self.ctx.paper is not None else None

    def _history_file(self, key: str):
        return self.ctx.state_dir() / "history" / f"{key}.json"

    def entries(self) -> list[dict]:
        key = self._history_key()
        if key is None:
            return []
        try:
            return json.loads(self._history_file(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []

    def _remember(self, key: str, entry: dict) -> None:
        entries = [e for e in self._entries_for(key) if e["question"] != entry["question"]]
        entries = [entry, *entries][:HISTORY_LIMIT]
        atomic_write_text(self._history_file(key), json.dumps(entries, ensure_ascii=False, indent=1))

    def _entries_for(self, key: str) -> list[dict]:
        try:
            return json.loads(self._history_file(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []

    def _load_history(self) -> None:
        self.history.blockSignals(True)
        self.history.clear()
        for entry in self.entries():
            item = QListWidgetItem(entry["question"])
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.history.addItem(item)
        self.history.blockSignals(False)
        self.current = None
        if self.ctx.paper is None and self.this_paper.isChecked():
            self.answer.setHtml(f"<p>{_e(tr('Open a paper, then ask where it discusses something.'))}</p>")
        else:
            self.answer.clear()
        self._update()

    def _history_picked(self, item, _previous=None) -> None:
        if item is not None:
            self._show(item.data(Qt.ItemDataRole.UserRole))

    # -- asking ------------------------------------------------------------------------------------
    def _update(self) -> None:
        running = self.task is not None
        self.ask_button.setText(tr("Cancel") if running else tr("Ask"))
        self.ask_button.setEnabled(running or self.whole_library.isChecked() or self.ctx.paper is not None)
        self.use_llm.setEnabled(self.this_paper.isChecked())

    def toggle(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText(tr("Cancelling…"))
        else:
            self.ask(self.question.text())

    def ask(self, question: str) -> Task | None:
        question = question.strip()
        if not question or self.task is not None:
            return None
        settings, paper = self.ctx.settings, self.ctx.paper
        if self.whole_library.isChecked():
            from paperpal.tasks.ask import ask

            kind, key = "ask", LIBRARY

            def work(task_ctx):
                return ask(question, settings=settings, on_progress=task_ctx.stage, cancel=task_ctx.cancel).to_dict()
        else:
            if paper is None:
                return None
            from paperpal.tasks.locate import locate

            kind, key, use_llm = "locate", paper.id, self.use_llm.isChecked()

            def work(task_ctx):
                return locate(paper, question, settings=settings, use_llm=use_llm, on_progress=task_ctx.stage,
                              cancel=task_ctx.cancel).to_dict()  # fmt: skip

        task = Task(tr("Locating") if kind == "locate" else tr("Asking the library"), work)
        task.signals.stage.connect(self.status.setText)
        task.signals.done.connect(lambda result: self._done(key, {"kind": kind, "question": question, "result": result}))
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(lambda: self.status.setText(tr("Cancelled.")))
        task.signals.finished.connect(self._finished)
        self.task = task
        self._update()
        return self.ctx.runner.start(task)

    def _done(self, key: str, entry: dict) -> None:
        self._remember(key, entry)
        if key == self._history_key():
            self._load_history()
            self._show(entry)
            self.status.setText("")
            if entry["kind"] == "locate" and entry["result"]["found"]:
                self.follow(QUrl(f"page:{entry['result']['pages'][0]}"))

    def _failed(self, line: str, details: str) -> None:
        self.status.setText(line)
        self.ctx.report_error(line, details)

    def _finished(self) -> None:
        self.task = None
        self._update()

    def _show(self, entry: dict) -> None:
        self.current = entry
        render = locate_html if entry["kind"] == "locate" else ask_html
        self.answer.setHtml(render(entry["result"]))

    # -- links -------------------------------------------------------------------------------------
    def follow(self, url: QUrl) -> None:
        """A page link: move the reader there (Ask: open the cited paper first) and highlight the quote."""
        target = url.toString()
        if self.current is None:
            return
        result = self.current["result"]
        if target.startswith("page:"):
            page = int(target.split(":", 1)[1])
            quote = result.get("quote", "") if result.get("pages") and page == result["pages"][0] else ""
            self.ctx.show_location(page, quote)
        elif target.startswith("source:"):
            claim = result["claims"][int(target.split(":", 1)[1])]
            source = result["sources"][claim["source"] - 1]
            path = self._paper_path(source["paper_id"])
            if path is None:
                self.ctx.report_error(tr("The cited paper is no longer in the index; re-index it to open it."))
                return
            if self.ctx.paper is None or self.ctx.paper.id != source["paper_id"]:
                self.ctx.open_pdf(path, zotero_key=source.get("zotero_key") or None)
            self.ctx.show_location(claim["page"] or source["page_start"], claim.get("quote", ""))

    def _paper_path(self, paper_id: str) -> str | None:
        from paperpal.index import catalog

        record = catalog(settings=self.ctx.settings).get(paper_id)
        return record.path if record else None

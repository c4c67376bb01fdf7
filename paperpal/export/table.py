"""A comparison table (:class:`paperpal.tasks.compare.ComparisonTable`) as Markdown, CSV or Excel.

Every stated cell carries where it stands in its paper: Markdown footnotes ("§3.2, p. 4" with the quote and a link
that opens the PDF at that page), CSV "where" columns, and in .xlsx a comment with the quote and a link to the page.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import InputFileError
from ..home import atomic_write_text
from ..tasks.compare import NOT_FOUND, Cell, ComparisonTable, Row

FORMATS = (".md", ".csv", ".xlsx")


def page_link(path: str, page: int) -> str:
    """A link that opens the PDF at a 1-based page (PDF viewers honour ``#page=N``)."""
    return f"{Path(path).resolve().as_uri()}#page={page}"


def _where(cell: Cell) -> str:
    return "; ".join(evidence.cite() for evidence in cell.all_evidence)


def _paper(row: Row) -> str:
    return f"{row.label}: {row.title}"


def _with_marks(cell: Cell, marks: dict[int, str], escape) -> str:
    """The cell's text with its footnote marks: after each name of a cell that names things ("GLUE[^1]; SQuAD[^2]",
    each mark the quote the name stands in), else after the text."""
    names = cell.text.split("; ")
    owners = [next((e for e in cell.all_evidence if name.lower() in e.quote.lower()), None) for name in names]
    if len(names) > 1 and all(owners) and cell.text != " ".join(e.quote for e in cell.all_evidence):
        return "; ".join(f"{escape(name)}{marks[id(owner)]}" for name, owner in zip(names, owners))
    return f"{escape(cell.text)} {''.join(marks.values())}"


def to_markdown(table: ComparisonTable) -> str:
    def escape(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"# Comparison of {len(table.rows)} papers", "",
             "Each cell is the paper's own sentence, or the names it gives its metrics and data; the footnote says where "
             f"it stands (section, page) and links to that page. *{NOT_FOUND}*: PaperPal did not find it in the paper, which may still say it (a footnote, a table, "
             "an appendix): look before you rely on it.", "",
             "| Paper | " + " | ".join(escape(table.label(c)) for c in table.columns) + " |",
             "| --- |" + " --- |" * len(table.columns)]  # fmt: skip
    notes = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            cell = row.cells[column]
            if not cell.stated:
                cells.append(f"*{NOT_FOUND}*")
                continue
            marks = {}
            for evidence in cell.all_evidence:  # one footnote per place the cell's words stand
                notes.append(f"[^{len(notes) + 1}]: {row.label}, {evidence.cite()} ([open]({page_link(row.path, evidence.page)}))")
                marks[id(evidence)] = f"[^{len(notes)}]"
            cells.append(_with_marks(cell, marks, escape))
        lines.append(f"| {escape(_paper(row))} | " + " | ".join(cells) + " |")
    if table.failed:
        lines += ["", "Not compared:", *(f"- {Path(path).name}: {reason}" for path, reason in table.failed)]
    return "\n".join([*lines, "", *notes]).rstrip() + "\n"


def to_csv(table: ComparisonTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["paper", "title", "year"]
    for column in table.columns:
        header += [table.label(column), f"{table.label(column)} (where)"]
    writer.writerow(header)
    for row in table.rows:
        line = [row.label, row.title, row.year or ""]
        for column in table.columns:
            cell = row.cells[column]
            line += [cell.text or NOT_FOUND, _where(cell)]
        writer.writerow(line)
    return out.getvalue()


def write_xlsx(table: ComparisonTable, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Comparison"
    sheet.append(["Paper", *(table.label(c) for c in table.columns)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(table.rows, start=2):
        sheet.cell(r, 1, _paper(row))
        for c, column in enumerate(table.columns, start=2):
            value = row.cells[column]
            target = sheet.cell(r, c, value.text or NOT_FOUND)
            target.alignment = Alignment(wrap_text=True, vertical="top")
            if value.stated:
                quotes = "\n".join(f"{e.cite()}\n\"{e.quote}\"" for e in value.all_evidence)
                target.comment = Comment(quotes, "PaperPal", width=320, height=160)
                target.hyperlink = page_link(row.path, value.evidence.page)
            else:
                target.font = Font(italic=True, color="808080")
    sheet.column_dimensions["A"].width = 36
    for c in range(2, len(table.columns) + 2):
        sheet.column_dimensions[sheet.cell(1, c).column_letter].width = 48
    sheet.freeze_panes = "B2"
    partial = path.with_name(path.name + ".part")
    book.save(partial)
    partial.replace(path)


def write_table(table: ComparisonTable, path: str | Path) -> Path:
    """Write ``table`` in the format ``path``'s suffix names (.md, .csv or .xlsx), replacing the file atomically."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputFileError(f"Cannot write a table as {path.name}", hint="use a .md, .csv or .xlsx file name")
    if not path.parent.is_dir():
        raise InputFileError(f"The folder {path.parent} does not exist", hint="create it or choose another -o")
    if suffix == ".xlsx":
        write_xlsx(table, path)
    else:
        atomic_write_text(path, to_markdown(table) if suffix == ".md" else to_csv(table))
    return path

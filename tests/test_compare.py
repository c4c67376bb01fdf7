"""``paperpal compare``: one row per paper, every stated cell the paper's own sentence verbatim on its page,
"not found" where the paper does not say it; Markdown, CSV and Excel with the evidence; a bad PDF is reported."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from paperpal.cli import cli
from paperpal.export.table import to_csv, to_markdown, write_table
from paperpal.index import IndexEntry, index_papers
from paperpal.settings import load_settings
from paperpal.tasks.compare import DEFAULT_COLUMNS, answers, compare, head_term, parse_columns
from paperpal.tasks.quotes import page_texts, verify_quote

PAPERS = ("roformer-rotary-position-embedding.pdf", "electra-pre-training-text-encoders-as-discriminators.pdf")
TELESCOPE = "what telescope was used for the observations"
OPTIMIZER = "which optimizer is used for training"


@pytest.fixture(scope="module")
def table(corpus, tmp_path_factory):
    settings = load_settings({"index.path": str(tmp_path_factory.mktemp("index"))})
    bad = tmp_path_factory.mktemp("bad") / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    columns = [*DEFAULT_COLUMNS, OPTIMIZER, TELESCOPE]
    return compare([corpus / PAPERS[0], bad, corpus / PAPERS[1]], settings=settings, columns=columns)


def test_every_stated_cell_stands_verbatim_on_its_page(table, corpus):
    assert [row.path.rsplit("/", 1)[-1] for row in table.rows] == list(PAPERS)
    stated = 0
    for row in table.rows:
        pages = page_texts(row.path)
        for column, cell in row.cells.items():
            if not cell.stated:
                assert cell.evidence is None and cell.origin == "none"
                continue
            stated += 1
            assert cell.origin == "paper" and cell.evidence.page >= 1, (column, cell)
            quotes = " ".join(e.quote for e in cell.all_evidence)
            if column in ("metrics", "data") and cell.text != quotes:  # names, each standing in a quote
                assert all(name.lower() in quotes.lower() for name in cell.text.split("; ")), cell
            else:
                assert cell.text == quotes or column == "code", (column, cell)
            for evidence in cell.all_evidence:
                found = verify_quote(evidence.quote, pages, near=[evidence.page])
                assert found and found.pages[0] == evidence.page, (row.label, column, evidence)
    assert stated >= 10


def test_cells_answer_their_column_or_say_not_stated(table):
    roformer, electra = table.rows
    assert roformer.cells["code"].text == "https://github.com/ZhuiyiTechnology/roformer"
    assert "AdamW" in roformer.cells[OPTIMIZER].text
    data = roformer.cells["data"]  # what it trains on, and data sets it is tested on, each cited
    assert "BookCorpus" in data.text and "CAIL2019-SCM" in data.text and len(data.all_evidence) >= 3
    assert "replac" in electra.cells["method"].text and electra.cells["method"].evidence.page == 1  # the core idea
    assert "Exact-Match" in electra.cells["metrics"].text and "F1" in electra.cells["metrics"].text
    assert not roformer.cells[TELESCOPE].stated and not electra.cells[TELESCOPE].stated
    assert (roformer.label, electra.label) == ("Su 2021", "Clark 2020")


def test_a_bad_pdf_is_reported_and_the_others_go_on(table):
    assert len(table.failed) == 1 and table.failed[0][0].endswith("broken.pdf") and "corrupt" in table.failed[0][1]


def test_the_answer_rules():
    assert head_term(OPTIMIZER) == head_term("Which optimizers?") and head_term("how many GPUs are used") is not None
    assert head_term("learning rate schedule") is None
    assert answers(OPTIMIZER, OPTIMIZER, "We use the Adam optimizer with a learning rate of 1e-4.")
    assert not answers(OPTIMIZER, OPTIMIZER, "Training takes 3 days on 8 GPUs.")
    assert answers("metrics", "", "We report BLEU on newstest2014.") and not answers("metrics", "", "We train longer.")
    assert not answers("data", "", "Larger datasets help.")  # a data set is named, not just mentioned
    assert answers("data", "", "We evaluate on the GLUE benchmark.")


def test_columns_from_a_list_or_a_file(tmp_path):
    assert parse_columns(None) == list(DEFAULT_COLUMNS)
    assert parse_columns("method, which optimizer?, method") == ["method", "which optimizer?"]
    spec = tmp_path / "columns.txt"
    spec.write_text("# my columns\ndata\n\nhow many GPUs?\n", encoding="utf-8")
    assert parse_columns(str(spec)) == ["data", "how many GPUs?"]


def test_markdown_csv_and_excel_carry_the_evidence(table, tmp_path):
    from openpyxl import load_workbook

    stated = [(row, c) for row in table.rows for c in row.cells.values() if c.stated]
    markdown = to_markdown(table)
    places = sum(len(c.all_evidence) for _, c in stated)
    assert places > len(stated)  # a data cell joins two places here
    notes = re.findall(r"^\[\^(\d+)\]:", markdown, re.MULTILINE)  # one footnote for each place ...
    assert len(notes) == places and set(re.findall(r"\[\^(\d+)\](?!:)", markdown)) == set(notes)  # ... each marked
    assert re.search(r"BookCorpus\[\^\d+\];", markdown)  # a cell that names data sets marks each name
    assert "#page=" in markdown and "*not found*" in markdown and "broken.pdf" in markdown
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows[0][:5] == ["paper", "title", "year", "Task / problem", "Task / problem (where)"]
    assert [r[0] for r in rows[1:]] == ["Su 2021", "Clark 2020"]
    sheet = load_workbook(write_table(table, tmp_path / "table.xlsx")).active
    commented = [c for line in sheet.iter_rows(min_row=2) for c in line if c.comment]
    assert len(commented) == len(stated)
    assert all(c.hyperlink.target.startswith("file://") and "#page=" in c.hyperlink.target for c in commented)
    assert sheet.cell(1, 2).value == "Task / problem" and sheet.cell(2, 1).value.startswith("Su 2021")


def test_cli_compares_a_collection(corpus, tmp_path):
    """The library's index (in this test's own PAPERPAL_HOME) knows which papers a Zotero collection holds."""
    index_papers([IndexEntry(corpus / PAPERS[0], {"collections": ["Reading group"], "title": "RoFormer"}),
                  corpus / PAPERS[1]], settings=load_settings())  # fmt: skip
    runner = CliRunner()
    out = runner.invoke(cli, ["compare", "--collection", "reading GROUP", "--columns", "code", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [r["path"].rsplit("/", 1)[-1] for r in data["rows"]] == [PAPERS[0]]
    assert data["rows"][0]["cells"]["code"]["evidence"]["page"] == 2
    out = runner.invoke(cli, ["compare"])
    assert out.exit_code == 2 and "give PDFs, or --collection" in out.output
    out = runner.invoke(cli, ["compare", str(corpus / PAPERS[0]), "-o", str(tmp_path / "t.docx")])
    assert out.exit_code == 3 and "use a .md, .csv or .xlsx file name" in out.output


def test_cells_of_an_unchanged_pdf_are_reused_and_a_changed_pdf_is_compared_again(corpus, tmp_path):
    """What a second run shows for a saved cell is what was saved (the marker written into the cache below); a new
    column is made and the saved ones kept; another version of the PDF (other bytes) is compared afresh."""
    from paperpal.home import data_dir

    settings = load_settings()
    pdf = tmp_path / "electra.pdf"
    pdf.write_bytes((corpus / PAPERS[1]).read_bytes())
    first = compare([pdf], settings=settings, columns=["metrics", "code"])
    saved = data_dir() / "compare" / f"{first.rows[0].paper_id}.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["row"]["cells"]["metrics"]["text"] = "MARKER: taken from the saved cells"
    saved.write_text(json.dumps(data), encoding="utf-8")
    again = compare([pdf], settings=settings, columns=["code", "metrics", "which optimizer is used for training"])
    cells = again.rows[0].cells
    assert list(cells) == ["code", "metrics", "which optimizer is used for training"]
    assert cells["metrics"].text == "MARKER: taken from the saved cells"
    assert cells["code"].text == first.rows[0].cells["code"].text
    assert "which optimizer is used for training" in json.loads(saved.read_text(encoding="utf-8"))["row"]["cells"]
    pdf.write_bytes((corpus / PAPERS[1]).read_bytes() + b"\n% another version\n")
    fresh = compare([pdf], settings=settings, columns=["metrics"])
    assert fresh.rows[0].paper_id != first.rows[0].paper_id
    assert fresh.rows[0].cells["metrics"].text == first.rows[0].cells["metrics"].text  # made again, not the marker


def test_an_endpoints_answers_are_cells_only_where_the_support_check_accepts_them(corpus, standin, tmp_path):
    """The stand-in answers "data" from the sentence that names RoFormer's pre-training corpus (accepted: the cell
    is the model's, cited where that sentence stands) and "method" with an invented claim (rejected: the rules'
    cell, the paper's own sentence)."""
    from llm_support import Reply, make_backend

    from paperpal.pdf import parse_pdf
    from paperpal.tasks.paper_text import sentence_id
    from paperpal.tasks.passages import PaperSentences

    paper = parse_pdf(corpus / PAPERS[0])
    source = next(s for s in PaperSentences(paper).sentences if s.citable and "BookCorpus" in s.text)
    answers_ = {"c1": {"answer": "", "sentences": []},
                "c2": {"answer": "RoFormer is trained with reinforcement learning on 4096 TPUs.", "sentences": [1]},
                "c3": {"answer": "BookCorpus", "sentences": [sentence_id(source)]},
                "c4": {"answer": "", "sentences": []}, "c5": {"answer": "", "sentences": []}}  # fmt: skip
    standin.script.append(Reply(content=json.dumps(answers_)))
    settings = load_settings({"index.path": str(tmp_path / "index")})
    columns = ["problem", "method", "data", "metrics", "result", "code"]
    table = compare([paper], settings=settings, columns=columns, backend=make_backend(standin.url))
    cells = table.rows[0].cells
    assert cells["data"].origin == "model" and cells["data"].text == "BookCorpus"
    assert cells["data"].evidence.page == source.page and "BookCorpus" in cells["data"].evidence.quote
    assert cells["method"].origin == "paper" and "4096" not in cells["method"].text
    assert cells["code"].text == "https://github.com/ZhuiyiTechnology/roformer"  # never asked
    prompt = standin.requests[-1]["body"]["messages"][-1]["content"]
    assert "c3. which datasets or corpora" in prompt and "code" not in prompt.split("# Columns")[1]

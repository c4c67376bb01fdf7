"""parse_pdf on real papers: reading order, chunks, captions, references, language, round trip,
cancellation, progress, and a whole-corpus smoke run."""

from __future__ import annotations

import re
import threading
from functools import cache

import pytest
from conftest import corpus_missing

from paperpal.errors import Cancelled
from paperpal.model import Paper
from paperpal.pdf import parse_pdf
from paperpal.pdf.chunks import word_count

BERT = "bert-pre-training-of-deep-bidirectional-transformers.pdf"
ATTENTION = "attention-is-all-you-need.pdf"
BERT_ZH = "bert-chinese-translation-zh.pdf"
CHUNK_PAPERS = [BERT, ATTENTION, "glove-global-vectors-for-word-representation.pdf", "lora-low-rank-adaptation-of-large-language-models.pdf"]
MIN_CHUNK_WORDS, MAX_CHUNK_WORDS = 50, 450


@cache
def _parse(path: str) -> Paper:
    return parse_pdf(path)


def paper_of(corpus, name: str) -> Paper:
    """The parsed corpus paper ``name`` (skips when the file is absent)."""
    path = corpus / name
    if not path.exists():
        corpus_missing(f"{name} not in the corpus")
    return _parse(str(path))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# -- reading order ---------------------------------------------------------------------------
def test_sentence_wraps_from_left_to_right_column(corpus):
    """BERT p.2: the left column ends "...non-neural (Brown et al., 1992;" (then a footnote),
    the right column starts "Ando and Zhang, 2005; Blitzer et al., 2006) and"."""
    text = paper_of(corpus, BERT).full_text
    sentence = "including non-neural (Brown et al., 1992; Ando and Zhang, 2005; Blitzer et al., 2006) and neural"
    assert sentence in text, f"not found; around it: {text[text.find('non-neural') - 20:][:200]!r}"


def test_left_column_paragraphs_before_right_column(corpus):
    """GloVe p.1: the abstract and introduction (left) come before the intro's later paragraphs (right)."""
    text = paper_of(corpus, "glove-global-vectors-for-word-representation.pdf").full_text
    left = text.find("Recent methods for learning vector space representations")
    right = text.find("The two main model families for learning word vectors")
    assert 0 <= left < right, (left, right)


# -- chunks ----------------------------------------------------------------------------------
def _sections_by_path(paper: Paper) -> dict[tuple[str, ...], object]:
    out = {}

    def walk(section, path):
        path = path + (section.label,)
        out[path] = section
        for child in section.children:
            walk(child, path)

    for top in paper.sections:
        walk(top, ())
    return out


@pytest.mark.parametrize("name", CHUNK_PAPERS)
def test_chunks_are_sized_and_stay_in_their_section(corpus, name):
    """Every chunk has 50-450 words, except the last chunk of a section (its short tail, or a
    section shorter than 50 words); its text lies inside its section's own text; its offsets
    index ``full_text``; its pages lie within the section's pages."""
    paper = paper_of(corpus, name)
    sections = _sections_by_path(paper)
    assert len(paper.chunks) >= 5
    for k, c in enumerate(paper.chunks):
        assert paper.full_text[c.char_start : c.char_end] == c.text, c.id
        section = sections.get(tuple(c.section_path))
        assert section is not None, f"{c.id}: unknown section path {c.section_path}"
        assert c.text in section.text, f"{c.id} crosses out of {section.label}"
        assert section.page_start <= c.page_start <= c.page_end <= section.page_end, (c.id, section.label)
        words = word_count(c.text)
        last_of_section = k + 1 == len(paper.chunks) or paper.chunks[k + 1].section_path != c.section_path
        assert words <= MAX_CHUNK_WORDS, f"{c.id}: {words} words"
        assert words >= MIN_CHUNK_WORDS or last_of_section, f"{c.id} ({section.label}): only {words} words"


# -- captions, references, language --------------------------------------------------------------
def test_attention_figure_1_caption(corpus):
    paper = paper_of(corpus, ATTENTION)
    fig = next((c for c in paper.captions if c.label == "Figure 1"), None)
    assert fig is not None, [c.label for c in paper.captions]
    assert fig.kind == "figure" and fig.page == 3
    assert "Transformer" in fig.text
    import pymupdf

    with pymupdf.open(corpus / ATTENTION) as doc:
        page = doc[fig.page - 1].rect
    x0, y0, x1, y1 = fig.bbox
    assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height, (fig.bbox, page)


def test_bert_references_page(corpus):
    """BERT's "References" heading sits on page 13 (right column, after 6 Conclusion)."""
    paper = paper_of(corpus, BERT)
    assert paper.references_page == 13
    refs = next(s for s in paper.sections if s.title == "References")
    assert refs.page_start == paper.references_page


def test_chinese_paper(corpus):
    paper = paper_of(corpus, BERT_ZH)
    assert paper.language == "zh"
    assert paper.text_status == "ok"
    numbered = [(s.number, s.title) for s in paper.sections if s.number]
    assert numbered[:3] == [("1", "介绍"), ("2", "相关工作"), ("3", "BERT")], numbered
    assert len(numbered) >= 5
    assert any(s.title == "摘要" for s in paper.sections)
    assert len(paper.chunks) >= 5


# -- serialisation, cancellation, progress ---------------------------------------------------
def test_round_trip(corpus):
    paper = paper_of(corpus, BERT)
    again = Paper.from_dict(paper.to_dict())
    assert again == paper
    assert again.to_dict() == paper.to_dict()


def test_cancel(corpus):
    path = corpus / BERT
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        parse_pdf(path, cancel=cancel)


def test_cancel_midway(corpus):
    """Setting the event from the progress callback stops the parse at the next page."""
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done == 2:
            cancel.set()

    with pytest.raises(Cancelled):
        parse_pdf(corpus / BERT, on_progress=progress, cancel=cancel)
    assert seen == [1, 2]


def test_progress(corpus):
    calls = []
    paper = parse_pdf(corpus / BERT, on_progress=lambda done, total: calls.append((done, total)))
    n = paper.page_count
    assert calls[-1] == (n, n)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert all(t == n for _, t in calls)


# -- the whole corpus ------------------------------------------------------------------------
def test_whole_corpus(corpus, manifest):
    """Every paper parses; each one with a usable text layer has >= 3 top-level sections and >= 5 chunks."""
    problems = []
    for row in manifest:
        path = corpus / row["file"]
        if not path.exists():
            continue
        paper = _parse(str(path))
        assert paper.page_count == int(row["pages"]), row["file"]
        if paper.text_status != "ok":
            continue
        if len(paper.sections) < 3 or len(paper.chunks) < 5:
            problems.append(f"{row['file']}: {len(paper.sections)} sections, {len(paper.chunks)} chunks")
    assert not problems, "\n".join(problems)


def test_library_metadata_overrides_parsed_fields_and_keeps_the_record():
    from paperpal.model import Paper

    paper = Paper(id="0" * 16, path="x.pdf", page_count=3, title="Parsed Title", authors=["A. Parser"], year=2019)
    meta = {"key": "ABCD2345", "library": "user:1", "title": "Zotero Title", "authors": ["Ada Lovelace"],
            "year": "2021", "venue": "", "collections": ["Reading group"], "tags": ["lora"]}  # fmt: skip
    paper.apply_library_metadata(meta)
    assert (paper.title, paper.authors, paper.year) == ("Zotero Title", ["Ada Lovelace"], 2021)
    assert paper.venue is None  # an empty library value keeps the parsed one
    assert paper.extra["zotero"]["collections"] == ["Reading group"]
    assert Paper.from_dict(paper.to_dict()).extra["zotero"]["key"] == "ABCD2345"


def test_a_parsed_paper_carries_what_tasks_need(corpus, tmp_path):
    """Page texts and section kinds are read and decided once, at parse: a task does not open the PDF again."""
    from paperpal.tasks.passages import PaperSentences

    copy = tmp_path / "mistral.pdf"
    copy.write_bytes((corpus / "mistral-7b.pdf").read_bytes())
    paper = parse_pdf(copy)
    assert len(paper.page_texts) == paper.page_count and "sliding window" in paper.page_texts[1].lower()
    kinds = {s.title: s.kind for s in paper.all_sections()}
    assert kinds["Introduction"] == "intro" and kinds["References"] == "back"
    copy.unlink()  # whatever still needs the file fails from here on
    index = PaperSentences(paper)
    cited = [s for s in index.sentences if s.citable]
    assert len(cited) > 0.8 * len(index.sentences)
    assert any(s.page == 2 and "sliding window" in s.text.lower() for s in cited)


def test_a_chunk_knows_its_sections_as_sections(corpus):
    """Section identity is structured (number, title, kind), not a " > "-joined label to split and strip again."""
    paper = parse_pdf(corpus / "mistral-7b.pdf")
    for chunk in paper.chunks:
        trail = paper.section_trail(chunk)
        assert [s.label for s in trail] == chunk.section_path
        if trail:
            assert trail[-1].title == chunk.section_title and trail[-1].number == chunk.section_number
    deep = next(c for c in paper.chunks if len(c.section_path) > 1)
    assert paper.section_trail(deep)[0].level == 1 and paper.section_trail(deep)[0].kind


def _lines(*texts: str) -> list:
    from paperpal.pdf.layout import Line

    return [Line(t, 1, (0, 12.0 * i, 400, 12.0 * i + 10), 10.0, False, "Times") for i, t in enumerate(texts)]


@pytest.mark.parametrize(("first", "second", "joined"), [
    ("acquire surprising capabili-", "ties [11, 7].", "acquire surprising capabilities [11, 7]."),  # cut word
    ("we use self-", "attention layers", "we use self-attention layers"),  # a prefix's own hyphen
    ("the fine-", "tuned model is tuned", "the fine-tuned model is tuned"),  # both parts are words of the text
    ("beats the Berkeley-", "Parser on WSJ.", "beats the Berkeley-Parser on WSJ."),  # a name's own hyphen, no space
    ("we pre-train ELEC-", "TRA like ELECTRA.", "we pre-train ELECTRA like ELECTRA."),  # a name cut in two
])
def test_line_break_hyphens_mend_cut_words_and_keep_compounds(first, second, joined):
    """A word cut at a line's end is joined even when its pieces ('capabili', 'ties') are read as words of the
    text, while a compound keeps its hyphen."""
    from paperpal.pdf.layout import Vocabulary, join_text

    lines = _lines(first, second)
    assert join_text(lines, Vocabulary.of(lines))[0] == joined

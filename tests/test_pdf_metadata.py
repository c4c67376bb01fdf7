"""Metadata extraction (paperpal.pdf.metadata) against the shared corpus's MANIFEST.tsv.

How a paper passes:

* title -- equal after NFKC, case folding, single spaces, plain dashes/quotes and without
  trailing punctuation.  A manifest title may end in an editorial note in parentheses
  ("(unofficial Chinese translation ...)"); the title passes with or without that note.
* first author -- the first extracted author has the manifest's given name and surname:
  the first and last words of the name, accents folded and case ignored, so middle names
  and initials ("Albert Q. Jiang" / "Albert Jiang") do not matter.
* year -- equal to the manifest year.

Targets: over the papers with a text layer (38 in the corpus), at most two misses per field.
Each PDF is parsed once for the whole module.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

import pymupdf
import pytest
from conftest import CORPUS, corpus_missing, read_tsv

from paperpal.pdf import parse_pdf
from paperpal.pdf.authors import _is_person_name, _split_names
from paperpal.pdf.metadata import _arxiv_year, _recase, extract_metadata

MAX_MISSES = {"title": 0, "first author": 0, "year": 2}  # today: 38/38, 38/38, 36/38 of the readable papers
ROWS = read_tsv(CORPUS / "MANIFEST.tsv") if (CORPUS / "MANIFEST.tsv").exists() else []
MARKS = re.compile(r"[\d@∗*†‡§¶⇤#(){}\[\]]")


@pytest.fixture(scope="module")
def parsed(corpus):
    """``parsed(file)`` -> the Paper for a corpus file, parsed at most once per module."""
    cache = {}

    def get(file: str):
        if file not in cache:
            cache[file] = parse_pdf(corpus / file)
        return cache[file]

    return get


def _norm_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    text = re.sub(r"[‘’‚′]", "'", re.sub(r"[“”„″]", '"', text))
    return re.sub(r"\s+", " ", text).strip().rstrip(".,;:!?")


def title_ok(got: str, expected: str) -> bool:
    without_note = re.sub(r"\s*\([^()]*\)\s*$", "", expected)
    return _norm_title(got) in {_norm_title(expected), _norm_title(without_note)}


def _name_key(name: str) -> tuple[str, str]:
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", folded)
    return (words[0], words[-1]) if words else ("", "")


def author_ok(authors: list[str], expected: str) -> bool:
    return bool(authors) and _name_key(authors[0]) == _name_key(expected)


@pytest.fixture(scope="module")
def outcomes(manifest, parsed):
    """Per text paper: (file, {field: (ok, expected, got)})."""
    out = []
    for row in manifest:
        paper = parsed(row["file"])
        if paper.text_status != "ok":
            continue
        first = paper.authors[0] if paper.authors else None
        out.append(
            (
                row["file"],
                {
                    "title": (title_ok(paper.title, row["title"]), row["title"], paper.title),
                    "first author": (author_ok(paper.authors, row["first_author"]), row["first_author"], first),
                    "year": (paper.year == int(row["year"]), int(row["year"]), paper.year),
                },
            )
        )
    return out


@pytest.mark.parametrize("field", ["title", "first author", "year"])
def test_corpus_targets(outcomes, field):
    misses = [f"{file}: expected {res[field][1]!r}, got {res[field][2]!r}" for file, res in outcomes if not res[field][0]]
    passed = len(outcomes) - len(misses)
    print(f"{field}: {passed}/{len(outcomes)}")
    assert len(misses) <= MAX_MISSES[field], f"{field}: {passed}/{len(outcomes)} correct; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_metadata_is_well_formed(row, parsed):
    """Whatever is extracted has the right shape; papers without a text layer get no metadata."""
    paper = parsed(row["file"])
    if paper.text_status != "ok":
        assert (paper.title, paper.authors, paper.year) == ("", [], None)
        return
    assert paper.title and "\n" not in paper.title
    assert paper.authors, "no authors found"
    for name in paper.authors:
        assert len(name.split()) >= 2 and not MARKS.search(name), name
    assert paper.year is None or 1900 <= paper.year <= datetime.date.today().year + 1
    assert paper.arxiv_id is None or re.fullmatch(r"\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7}", paper.arxiv_id)
    assert paper.url is None or paper.url.startswith("https://")
    assert paper.code_url is None or re.match(r"https://(github|gitlab)\.com/[\w.\-]+", paper.code_url)
    assert not re.match(r"(?i)\s*abstract\b", paper.abstract)


KNOWN = [
    ("bert-pre-training-of-deep-bidirectional-transformers.pdf", "arxiv_id", "1810.04805"),
    ("bert-pre-training-of-deep-bidirectional-transformers.pdf", "url", "https://arxiv.org/abs/1810.04805"),
    ("attention-is-all-you-need.pdf", "venue", "31st Conference on Neural Information Processing Systems (NIPS 2017)"),
    ("bahdanau-neural-machine-translation-jointly-learning-to-align-and-translate.pdf", "venue", "ICLR 2015"),
    ("neural-joint-model-entity-relation-extraction-biomedical-text.pdf", "doi", "10.1186/s12859-017-1609-9"),
    ("xlnet-generalized-autoregressive-pretraining.pdf", "code_url", "https://github.com/zihangdai/xlnet"),
    ("ernie-enhanced-language-representation-with-informative-entities.pdf", "code_url", "https://github.com/thunlp/ERNIE"),
    (
        "a-neural-probabilistic-language-model.pdf",
        "keywords",
        ["Statistical language modeling", "artificial neural networks", "distributed representation", "curse of dimensionality"],
    ),
    ("deep-learning-based-text-classification-comprehensive-review.pdf", "doi", None),  # a template placeholder DOI
    ("lora-low-rank-adaptation-of-large-language-models.pdf", "title", "LoRA: Low-Rank Adaptation of Large Language Models"),
]


@pytest.mark.parametrize("file,field,expected", KNOWN, ids=[f"{f.split('-')[0]}-{k}" for f, k, _ in KNOWN])
def test_known_fields(parsed, corpus, file, field, expected):
    if not (corpus / file).exists():
        corpus_missing(f"{file} not in this corpus")
    assert getattr(parsed(file), field) == expected


def test_attention_authors_and_abstract(parsed, corpus):
    file = "attention-is-all-you-need.pdf"
    if not (corpus / file).exists():
        corpus_missing(f"{file} not in this corpus")
    paper = parsed(file)
    assert paper.authors[:2] == ["Ashish Vaswani", "Noam Shazeer"]
    assert len(paper.authors) == 8 and paper.authors[-1] == "Illia Polosukhin"
    assert paper.abstract.startswith("The dominant sequence transduction models")
    assert paper.abstract.rstrip().endswith("large and limited training data.")


def test_no_text_layer_gives_nothing(corpus):
    scans = [r["file"] for r in ROWS if r["file"].startswith("learning-representations-by-back-propagating")]
    if not scans:
        corpus_missing("no scanned paper in this corpus")
    with pymupdf.open(corpus / scans[0]) as doc:
        assert extract_metadata(doc, []) == {}


# -- helpers, without the corpus -------------------------------------------------------------
def test_split_names_drops_marks_and_affiliation_digits():
    assert _split_names("Zhengyan Zhang1,2,3, Xu Han1 and Qun Liu4") == ["Zhengyan Zhang", "Xu Han", "Qun Liu"]
    assert _split_names("Kenton Lee, Luheng He, and Luke Zettlemoyer.") == ["Kenton Lee", "Luheng He", "Luke Zettlemoyer"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Christopher D. Manning", True),
        ("Diego de las Casas", True),
        ("Zeyuan Allen-Zhu", True),
        ("Łukasz Kaiser", True),
        ("Google Brain", False),
        ("Stanford University", False),
        ("Seattle WA", False),
        ("Shenzhen", False),
        ("danqi@cs.stanford.edu", False),
        ("Chicago, IL 60637", False),
    ],
)
def test_person_name_shape(text, expected):
    assert _is_person_name(text) is expected


def test_arxiv_year():
    assert _arxiv_year("1810.04805") == 2018
    assert _arxiv_year("cs/9901001") == 1999
    assert _arxiv_year("hep-th/0301001") == 2003
    assert _arxiv_year(None) is None


def test_recase_all_caps_title_keeps_words_written_with_capitals():
    context = ["We propose LoRA, which freezes the pre-trained model weights.", "Large language models are costly."]
    assert _recase("LORA: LOW-RANK ADAPTATION OF LARGE LANGUAGE MODELS", context) == (
        "LoRA: Low-Rank Adaptation of Large Language Models"
    )

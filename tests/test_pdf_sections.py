"""Section detection against hand-read tables of contents of real papers.

The expected lists below were written by reading the PDFs (page text and rendered pages),
not by copying the parser's output.  Pages are 1-based physical pages.

Rule for what is compared: the *numbered main-body* top-level sections, i.e. the level-1
sections whose number is an arabic numeral ("1".."10"), in order, each as
(number, title, page_start).  Unnumbered headings (Abstract, Acknowledgements, References)
and lettered appendices ("A", "B" ...) are left out of the comparison; the reference list
is checked through ``Paper.references_page`` in ``test_pdf_parse.py``.  Titles are compared
after collapsing whitespace; case and punctuation must match what the PDF prints.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import corpus_missing

from paperpal.pdf import parse_pdf

# Papers WITHOUT a PDF outline: headings come from fonts and numbering alone.
NO_OUTLINE = {
    "bert-pre-training-of-deep-bidirectional-transformers.pdf": [
        ("1", "Introduction", 1), ("2", "Related Work", 2), ("3", "BERT", 3), ("4", "Experiments", 6),
        ("5", "Ablation Studies", 10), ("6", "Conclusion", 13),
    ],
    "llama-open-and-efficient-foundation-language-models.pdf": [
        ("1", "Introduction", 1), ("2", "Approach", 2), ("3", "Main results", 4), ("4", "Instruction Finetuning", 7),
        ("5", "Bias, Toxicity and Misinformation", 7), ("6", "Carbon footprint", 10), ("7", "Related work", 10),
        ("8", "Conclusion", 11),
    ],
    "dpo-direct-preference-optimization.pdf": [
        ("1", "Introduction", 1), ("2", "Related Work", 2), ("3", "Preliminaries", 3),
        ("4", "Direct Preference Optimization", 4), ("5", "Theoretical Analysis of DPO", 5), ("6", "Experiments", 7),
        ("7", "Discussion", 10),
    ],
    "qlora-efficient-finetuning-of-quantized-llms.pdf": [
        ("1", "Introduction", 1), ("2", "Background", 3), ("3", "QLORA Finetuning", 4),
        ("4", "QLoRA vs. Standard Finetuning", 5), ("5", "Pushing the Chatbot State-of-the-art with QLoRA", 7),
        ("6", "Qualitative Analysis", 10), ("7", "Related Work", 14), ("8", "Limitations and Discussion", 15),
        ("9", "Broader Impacts", 16),
    ],
    "glove-global-vectors-for-word-representation.pdf": [
        ("1", "Introduction", 1), ("2", "Related Work", 2), ("3", "The GloVe Model", 2), ("4", "Experiments", 6),
        ("5", "Conclusion", 10),
    ],
    "roberta-robustly-optimized-bert-pretraining.pdf": [
        ("1", "Introduction", 1), ("2", "Background", 2), ("3", "Experimental Setup", 2),
        ("4", "Training Procedure Analysis", 4), ("5", "RoBERTa", 6), ("6", "Related Work", 9), ("7", "Conclusion", 10),
    ],
    "elmo-deep-contextualized-word-representations.pdf": [
        ("1", "Introduction", 1), ("2", "Related work", 2), ("3", "ELMo: Embeddings from Language Models", 2),
        ("4", "Evaluation", 4), ("5", "Analysis", 6), ("6", "Conclusion", 9),
    ],
    "longformer-the-long-document-transformer.pdf": [
        ("1", "Introduction", 1), ("2", "Related Work", 2), ("3", "Model", 3), ("4", "Autoregressive Language Modeling", 4),
        ("5", "Pretraining and Finetuning", 6), ("6", "Conclusion and Future Work", 9),
    ],
    "seq2seq-sequence-to-sequence-learning-with-neural-networks.pdf": [
        ("1", "Introduction", 1), ("2", "The model", 3), ("3", "Experiments", 3), ("4", "Related work", 7),
        ("5", "Conclusion", 8), ("6", "Acknowledgments", 8),  # numbered in this paper
    ],
    "textcnn-convolutional-neural-networks-for-sentence-classification.pdf": [
        ("1", "Introduction", 1), ("2", "Model", 1), ("3", "Datasets and Experimental Setup", 3),
        ("4", "Results and Discussion", 4), ("5", "Conclusion", 5),
    ],
    "gpt2-language-models-are-unsupervised-multitask-learners.pdf": [
        ("1", "Introduction", 1), ("2", "Approach", 2), ("3", "Experiments", 4), ("4", "Generalization vs Memorization", 8),
        ("5", "Related Work", 8), ("6", "Discussion", 9), ("7", "Conclusion", 10),
        ("8", "Appendix A: Samples", 13),  # printed as "8. Appendix A: Samples"
    ],
    "end-to-end-neural-coreference-resolution.pdf": [
        ("1", "Introduction", 1), ("2", "Related Work", 2), ("3", "Task", 2), ("4", "Model", 2), ("5", "Inference", 4),
        ("6", "Learning", 4), ("7", "Experiments", 5), ("8", "Results", 5), ("9", "Analysis", 7), ("10", "Conclusion", 9),
    ],
    "ernie-enhanced-language-representation-with-informative-entities.pdf": [
        ("1", "Introduction", 1), ("2", "Related Work", 2), ("3", "Methodology", 3), ("4", "Experiments", 5),
        ("5", "Conclusion", 9),
    ],
    "latent-dirichlet-allocation.pdf": [
        ("1", "Introduction", 1), ("2", "Notation and terminology", 3), ("3", "Latent Dirichlet allocation", 4),
        ("4", "Relationship with other latent variable models", 7), ("5", "Inference and Parameter Estimation", 10),
        ("6", "Example", 15), ("7", "Applications and Empirical Results", 16), ("8", "Discussion", 22),
    ],
    "a-fast-and-accurate-dependency-parser-using-neural-networks.pdf": [
        ("1", "Introduction", 1), ("2", "Transition-based Dependency Parsing", 2), ("3", "Neural Network Based Parser", 3),
        ("4", "Experiments", 5), ("5", "Related Work", 8), ("6", "Conclusion", 8),
    ],
    "a-neural-probabilistic-language-model.pdf": [
        ("1", "Introduction", 1), ("2", "A Neural Model", 5), ("3", "Parallel Implementation", 7),
        ("4", "Experimental Results", 11), ("5", "Extensions and Future Work", 13), ("6", "Conclusion", 16),
    ],
    "indexing-by-latent-semantic-analysis.pdf": [
        ("1", "Introduction", 2), ("2", "Deficiencies of current automatic indexing and retrieval methods", 2),
        ("3", "Rationale of the Latent Semantic Indexing (LSI) method", 3), ("4", "SVD or two-mode factor analysis", 8),
        ("5", "Tests of the SVD Latent Semantic Indexing (LSI) method", 16), ("6", "Conclusions and discussion", 21),
    ],
    # numbered affiliations ("1 Department of ...") precede "1 Introduction" on page 1
    "pre-trained-models-past-present-and-future.pdf": [
        ("1", "Introduction", 1), ("2", "Background", 4), ("3", "Transformer and Representative PTMs", 7),
        ("4", "Designing Effective Architectures", 12), ("5", "Utilizing Multi-Source Data", 15),
        ("6", "Improving Computational Efficiency", 19), ("7", "Interpretation and Theoretical Analysis", 23),
        ("8", "Future Directions", 26), ("9", "Conclusion", 32),
    ],
    # OCR'd scan: headings are set in a separate (synthetic) font, smaller than the body and not bold
    "probabilistic-latent-semantic-analysis.pdf": [
        ("1", "Introduction", 1), ("2", "Latent Semantic Analysis", 1), ("3", "Probabilistic LSA", 2),
        ("4", "Experimental Results", 5), ("5", "Conclusion", 8),
    ],
}

# Papers WITH an outline: titles as the outline prints them, pages where the heading sits.
WITH_OUTLINE = {
    "attention-is-all-you-need.pdf": [
        ("1", "Introduction", 1), ("2", "Background", 2), ("3", "Model Architecture", 2), ("4", "Why Self-Attention", 6),
        ("5", "Training", 7), ("6", "Results", 8), ("7", "Conclusion", 10),
    ],
    "lora-low-rank-adaptation-of-large-language-models.pdf": [
        ("1", "Introduction", 1), ("2", "Problem Statement", 2), ("3", "Aren't Existing Solutions Good Enough?", 3),
        ("4", "Our Method", 4), ("5", "Empirical Experiments", 5), ("6", "Related Works", 8),
        ("7", "Understanding the Low-Rank Updates", 9), ("8", "Conclusion and Future Work", 12),
    ],
}


@cache
def _parse(path: str):
    return parse_pdf(path)


def numbered_top_level(paper) -> list[tuple[str, str, int]]:
    """(number, title, page_start) of the level-1 sections numbered with an arabic numeral."""
    return [
        (s.number, re.sub(r"\s+", " ", s.title).strip(), s.page_start)
        for s in paper.sections
        if s.number and s.number.isdigit()
    ]


def _diff(expected, got) -> str:
    """A readable expected-vs-got listing for an assertion message."""
    rows = [f"  {'ok ' if e == g else '!! '}expected {e!r:60} got {g!r}" for e, g in zip(expected, got)]
    rows += [f"  !! expected {e!r} got nothing" for e in expected[len(got) :]]
    rows += [f"  !! expected nothing got {g!r}" for g in got[len(expected) :]]
    return "\n".join(rows)


def _check(corpus, name: str, expected, has_outline: bool) -> None:
    """Parse ``name`` and compare its numbered top-level sections with ``expected``."""
    path = corpus / name
    if not path.exists():
        corpus_missing(f"{name} not in the corpus")
    paper = _parse(str(path))
    assert paper.has_outline == has_outline, f"{name}: has_outline is {paper.has_outline}, expected {has_outline}"
    got = numbered_top_level(paper)
    assert got == expected, f"top-level sections of {name} differ:\n{_diff(expected, got)}"


@pytest.mark.parametrize("name", sorted(NO_OUTLINE))
def test_sections_without_outline(corpus, name):
    _check(corpus, name, NO_OUTLINE[name], has_outline=False)


@pytest.mark.parametrize("name", sorted(WITH_OUTLINE))
def test_sections_with_outline(corpus, name):
    _check(corpus, name, WITH_OUTLINE[name], has_outline=True)


def test_no_outline_papers_listed_in_corpus(corpus, manifest):
    """The hand-read lists name real corpus files (a typo would silently skip a paper)."""
    files = {row["file"] for row in manifest}
    missing = sorted((set(NO_OUTLINE) | set(WITH_OUTLINE)) - files)
    assert not missing, f"not in MANIFEST.tsv: {missing}"


def test_bert_split_subsection_heading(corpus):
    """BERT prints "3.3.1" and "Task #1: Masked LM" as separate text lines on page 4."""
    paper = _parse(str(corpus / "bert-pre-training-of-deep-bidirectional-transformers.pdf"))
    section = next((s for s in paper.all_sections() if s.number == "3.3.1"), None)
    numbers = [s.number for s in paper.all_sections()]
    assert section is not None, f"no section 3.3.1 in {numbers}"
    assert (section.title, section.level, section.page_start) == ("Task #1: Masked LM", 3, 4)
    parent = next(s for s in paper.all_sections() if s.number == "3.3")
    assert section in parent.children, "3.3.1 should be a child of 3.3 Pre-training Tasks"
    assert section.text.startswith("Intuitively"), section.text[:80]

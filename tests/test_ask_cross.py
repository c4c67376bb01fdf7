"""Questions across papers: which papers a question names, and whether ``ask``'s per-paper retrieval finds a
passage that answers it in every paper it needs (the labelled set ``eval/ask_cross/``, train-split papers only).

The figures printed here are the ones docs/benchmarks.md reports (``bench/ask_cross.py`` prints the same)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from paperpal.index import search
from paperpal.index.embedders import get_embedder
from paperpal.index.named_papers import about_paper, introduces, named_in_scope, question_names, title_names
from paperpal.settings import load_settings

REPO = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("ask_cross", REPO / "bench" / "ask_cross.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_names_in_a_question_and_in_a_title():
    assert question_names("How do LoRA and QLoRA differ in memory use?") == ["LoRA", "QLoRA"]
    assert question_names("What window does Mistral 7B use vs the Universal Transformer?") == \
        ["Mistral 7B", "Universal Transformer"]  # fmt: skip
    assert question_names("Compare word2vec with Kim's CNN at 16-bit") == ["word2vec", "Kim", "CNN"]
    assert question_names("How do pLSA and GPT-2 work?") == ["pLSA", "GPT-2"]
    assert "gpt" in title_names("Improving Language Understanding by Generative Pre-Training")
    assert "lda" in title_names("Latent Dirichlet Allocation") and "qlora" in title_names("QLoRA: Efficient Finetuning")
    assert "universal transformer" in title_names("Universal Transformers")
    assert "lsa" not in title_names("Probabilistic Latent Semantic Analysis")  # a whole run's initials only


def test_a_paper_introduces_its_names():
    assert introduces("T5", "We refer to our model and framework as the “Text-to-Text Transfer Transformer”\n(T5).")
    assert introduces("T5", "“T5” refers to our model, which we dub the “Text-to-Text Transfer Transformer”.")
    assert introduces("GloVe", "a new global log-bilinear regression model which we call GloVe, for Global Vectors")
    assert introduces("word2vec", "4The code is available at https://code.google.com/p/word2vec/\n11")
    assert not introduces("word2vec", "we use the publicly available word2vec vectors trained on Google News.")
    assert not introduces("word2vec", "Vectors are available at https://code.google.com/p/word2vec-tools/")
    assert not introduces("T5", "We call our model X. It is compared with T5 (Raffel et al., 2020).")
    assert not introduces("BERT", "We fine-tune BERT; we call this setting the baseline.")
    assert not introduces("WMT", "We refer to scores for WMT English to German as EnDe.")
    assert not introduces("Transformer", "We call the input and output size of a Transformer layer dmodel.")
    assert introduces("AdapterH", "We call this original design AdapterH.")
    assert not introduces("CNN", "The model uses k-max-pooling, and is called the Dynamic CNN (DCNN).")  # a review's
    assert not introduces("CNN", "Their model, which we call the Dynamic CNN, uses k-max-pooling.")


def test_each_paper_is_searched_for_what_the_question_asks_of_it():
    named = {"qlora": ["QLoRA"], "flash": ["FlashAttention"]}
    question = "How much memory does QLoRA save compared with 16-bit finetuning, and on what GPU does FlashAttention report its speedups?"
    assert about_paper(question, named, "flash") == "on what GPU does report its speedups?"
    assert about_paper(question, named, "qlora") == "How much memory does save compared with 16-bit finetuning"
    # one part for both papers: the whole question, names removed (inside a paper its own name matches everywhere)
    both = {"lora": ["LoRA"], "qlora": ["QLoRA"]}
    assert about_paper("How do LoRA and QLoRA differ in memory use?", both, "lora") == "How do and differ in memory use?"
    lee_kim = {"lee": ["Lee"], "kim": ["Kim", "CNN"]}
    assert about_paper("What does Lee et al.'s model use versus Kim's CNN?", lee_kim, "lee") == "What does et al.'s model use"
    # the part about Kim's CNN asks nothing of its own: the whole question
    assert about_paper("What does Lee et al.'s model use versus Kim's CNN?", lee_kim, "kim") == "What does et al.'s model use versus ?"
    assert about_paper("LoRA?", {"lora": ["LoRA"]}, "lora") == "LoRA?"  # nothing else to search for


def test_the_small_model_reads_the_part_of_a_source_that_answers():
    """A source is cut to the small model's share of the prompt around its best sentence, not at its start."""
    import numpy as np

    from paperpal.tasks.ask import excerpt

    text = " ".join(f"Filler sentence number {i} says nothing about the question." for i in range(20))
    text += " We trained on 8 A100 GPUs for three days. The model has twelve layers."
    score = lambda options: np.array([float("GPUs" in o) for o in options])  # noqa: E731 - the best: the GPU one
    cut = excerpt(text, 200, score)
    assert "8 A100 GPUs" in cut and len(cut) <= 200 and cut.startswith(("Filler", "We trained"))
    assert cut.endswith("twelve layers.")  # whole sentences, what follows the best one first
    assert excerpt("One short source.", 200, score) == "One short source."


@pytest.fixture(scope="module")
def train_index(corpus, tmp_path_factory):
    bench = _bench()
    settings = load_settings({"index.path": str(tmp_path_factory.mktemp("train-index"))})
    return bench, settings, bench.index_train_papers(corpus, settings)


def test_questions_name_their_papers_by_title_author_use_and_introduction(train_index):
    _, settings, ids = train_index
    cases = {
        "How do GPT and GPT-2 differ in how they are applied to downstream tasks?":
            {"gpt-improving-language-understanding-by-generative-pre-training.pdf",
             "gpt2-language-models-are-unsupervised-multitask-learners.pdf"},
        "What filter sizes does Kim's CNN use, and what optimizer does Lee et al.'s coreference model use?":
            {"textcnn-convolutional-neural-networks-for-sentence-classification.pdf",
             "end-to-end-neural-coreference-resolution.pdf"},
        "How big is T5's pre-training corpus compared with the text Kim's CNN vectors were trained on?":
            {"t5-exploring-the-limits-of-transfer-learning.pdf",
             "textcnn-convolutional-neural-networks-for-sentence-classification.pdf"},
        "How does ELECTRA-Large compare with XLNet on GLUE?":
            {"electra-pre-training-text-encoders-as-discriminators.pdf",
             "xlnet-generalized-autoregressive-pretraining.pdf"},
    }  # fmt: skip
    for question, files in cases.items():
        assert set(named_in_scope(question, settings=settings)) == {ids[f] for f in files}, question
    assert named_in_scope("Which GPU and which benchmark (GLUE) are used most?", settings=settings) == {}
    quoted = "How is the attention of the 'jointly learning to align and translate' paper reused in coreference?"
    assert set(named_in_scope(quoted, settings=settings)) == {
        ids["bahdanau-neural-machine-translation-jointly-learning-to-align-and-translate.pdf"]}  # a title in quotes


def test_per_paper_retrieval_finds_evidence_from_every_paper_more_often_than_library_search(train_index):
    """Measured, not fitted: the naming rules were written on the dev half; the held-out half was looked at once
    (two bugs fixed after it: see eval/ask_cross/README.md), so both are in-sample now."""
    bench, settings, ids = train_index
    embedder = get_embedder(settings)
    for part in ("dev", "heldout"):
        questions = bench.load(part)
        ours = bench.evaluate(questions, ids, settings, 8)
        baseline = 0
        for q in questions:
            hits = search(q["question"], settings=settings, k=8, embedder=embedder)
            baseline += all(any(h.paper_id == ids[name] and bench.answers(p, h.text, h.page_start, h.page_end)
                                for h in hits for p in passages) for name, passages in q["papers"].items())  # fmt: skip
        print(f"{part}: named {ours['named']:.0%}, recall {ours['recall']:.0%} (library search: "
              f"{baseline / len(questions):.0%}), per paper {ours['paper_recall']:.0%}")  # fmt: skip
        assert ours["recall"] > baseline / len(questions) + 0.1
        assert ours["named"] >= 0.6 and ours["paper_recall"] >= 0.4

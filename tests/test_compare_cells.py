"""The comparison table's rules for code, method, data and limitations cells, on train-split papers: the paper's
own code link (not a tool or data set it used), the core idea from the abstract, what it trains and is tested on,
and a stated limitation before a plan for future work."""

from __future__ import annotations

import pytest

from paperpal.pdf import parse_pdf
from paperpal.tasks.code_link import own_code_link
from paperpal.tasks.compare import FROM_NOTE_PLAN
from paperpal.tasks.compare_cells import data_sentences, stated_limitation
from paperpal.tasks.core_idea import core_idea
from paperpal.tasks.note_plan import plan_note
from paperpal.tasks.passages import PaperSentences


@pytest.fixture(scope="module")
def sentences(corpus):
    cache: dict[str, PaperSentences] = {}

    def of(name: str) -> PaperSentences:
        if name not in cache:
            cache[name] = PaperSentences(parse_pdf(corpus / name))
        return cache[name]

    return of


@pytest.mark.parametrize(("name", "url", "page"), [
    ("flashattention-fast-and-memory-efficient-exact-attention.pdf", "https://github.com/HazyResearch/flash-attention", 3),
    ("gpt2-language-models-are-unsupervised-multitask-learners.pdf", "https://github.com/openai/gpt-2", 10),
    ("reformer-the-efficient-transformer.pdf", "https://github.com/google/trax/tree/master/trax/models/reformer", 8),
    ("bahdanau-neural-machine-translation-jointly-learning-to-align-and-translate.pdf",
     "https://github.com/lisa-groundhog/GroundHog", 4),
    ("gpt-improving-language-understanding-by-generative-pre-training.pdf", None, None),
])  # fmt: skip
def test_the_papers_own_code_link(sentences, name, url, page):
    """Not the first link printed (GPT-2's text extractor on p. 3, Apex's kernels in FlashAttention's
    acknowledgements), but the one released as the paper's code, in a footnote or on the reference list's page."""
    index = sentences(name)
    link = own_code_link(index.paper.page_texts, index.paper.references_page, index.own_names)
    assert (link.url, link.page) == (url, page) if url else link is None


def test_the_note_and_the_table_show_the_same_code_link(sentences, corpus, tmp_path):
    """One definition of the paper's code: the reading note's "Code" line is the table's code cell (GPT-2 prints its
    own repository in a footnote on p. 10, after a third party's tool on p. 3)."""
    from paperpal.settings import load_settings
    from paperpal.tasks.compare import compare
    from paperpal.tasks.summary import note_for

    name = "gpt2-language-models-are-unsupervised-multitask-learners.pdf"
    note = note_for(sentences(name).paper, "en", {})
    table = compare([corpus / name], settings=load_settings({"index.path": str(tmp_path)}), columns=["code"])
    assert note.code_url == table.rows[0].cells["code"].text == "https://github.com/openai/gpt-2"


def test_the_method_cell_is_the_core_idea(sentences):
    idea = core_idea(sentences("flashattention-fast-and-memory-efficient-exact-attention.pdf"))
    assert idea[0].text.startswith("We propose FlashAttention") and idea[0].kind == "abstract"
    idea = core_idea(sentences("electra-pre-training-text-encoders-as-discriminators.pdf"))
    assert "replac" in idea[0].text and idea[0].page == 1


def test_the_data_cell_names_the_data_sets(sentences):
    found = data_sentences(sentences("a-fast-and-accurate-dependency-parser-using-neural-networks.pdf"))
    assert len(found) >= 1 and "Penn Treebank" in found[0].text and "http" not in found[0].text


def test_a_stated_limitation_comes_before_a_future_plan(sentences):
    index = sentences("flashattention-fast-and-memory-efficient-exact-attention.pdf")
    picks = plan_note(index).of(FROM_NOTE_PLAN["limitations"])
    chosen = picks[stated_limitation(picks)]
    assert chosen.run[0].section.title == "Limitations and Future Directions", chosen.run[0].section.title
    assert "CUDA kernel" in chosen.text or "not be transferrable" in chosen.text  # the limitations it states
    assert all("necessarily reflect" not in p.text for p in picks)


def test_the_judged_eval_table_cites_pages_that_hold_its_quotes(corpus):
    """The hand-judged labels (eval/compare/labels_eval_now.jsonl): every filled cell's quotes stand on their pages,
    and a label fits its cell (a filled cell is correct/partly/wrong, an empty one really not stated or stated)."""
    import json
    from pathlib import Path

    from paperpal.tasks.quotes import page_texts, verify_quote

    lines = Path(__file__).resolve().parent.parent.joinpath("eval/compare/labels_eval_now.jsonl").read_text("utf-8")
    labels = [json.loads(line) for line in lines.splitlines() if line.strip()]
    assert len(labels) == 70 and len({(x["paper"], x["column"]) for x in labels}) == 70
    for label in labels:
        evidence = [label["evidence"], *label["more_evidence"]] if label["evidence"] else []
        assert label["label"] in (("correct", "partly", "wrong") if label["text"] else ("really_not_stated", "stated"))
        pages = page_texts(corpus / label["paper"]) if evidence else ()
        for where in evidence:
            found = verify_quote(where["quote"], pages, near=[where["page"]])
            assert found and found.pages[0] == where["page"], (label["paper"], label["column"], where["page"])


def test_the_metrics_cell_says_which_metrics_are_reported(sentences):
    """A sentence that says which metrics are used comes before one that only mentions a metric with a result."""
    from paperpal.tasks.compare_cells import metric_sentences

    found = metric_sentences(sentences("flashattention-fast-and-memory-efficient-exact-attention.pdf"))
    assert found and found[0].text == "We measure accuracy, throughput, and training time of all models."


def test_the_one_sentence_summary_says_how_the_work_works(sentences):
    """A summary sentence that only names the work goes on with the next one when that says how it works
    (ELECTRA: "… replaced token detection. Instead of masking the input, our approach corrupts it …"); an
    introduction's sentence citing others' numbers is not a result of the paper (Reformer's "(Shazeer et al., 2018)")."""
    plan = plan_note(sentences("electra-pre-training-text-encoders-as-discriminators.pdf"))
    summary = plan.of("one_sentence")[0]
    assert len(summary.run) == 2 and summary.run[1].text.startswith("Instead of masking the input")
    results = plan_note(sentences("reformer-the-efficient-transformer.pdf")).of("results")
    assert all("Shazeer et al." not in pick.text for pick in results[:3])


def test_mixed_precision_is_no_metric():
    from paperpal.text.cues import METRICS

    assert not METRICS.search("We employed mixed precision training to reduce memory consumption.")
    assert not METRICS.search("GPUs with a sustained single-precision floating-point capacity.")
    assert METRICS.search("We report precision and recall.")


def test_the_metrics_cell_names_the_reported_metrics_each_cited(sentences):
    """The metrics' names, the most used first, each standing in the quote that cites it: ELECTRA's GLUE and SQuAD
    metrics (a table caption counts), not "Recall that …" (the verb) nor "correlation" beside "Spearman"."""
    from paperpal.tasks.compare_cells import reported_metrics

    found = reported_metrics(sentences("electra-pre-training-text-encoders-as-discriminators.pdf"))
    names = [name.lower() for name, _ in found]
    assert names[0] == "accuracy" and {"spearman", "exact-match"} <= set(names) and "correlation" not in names
    assert all(name.lower() in evidence.quote.lower() for name, evidence in found)
    t5 = [name for name, _ in reported_metrics(sentences("t5-exploring-the-limits-of-transfer-learning.pdf"))]
    assert t5[0] == "exact match" and "Recall" not in t5


def test_data_set_names_are_read_where_the_paper_says_they_are_data():
    """Before a data noun or after a training or evaluation word; not the model fine-tuned on them, not a task's
    abbreviation, not a section pointer."""
    from paperpal.tasks.data_names import _names

    def names(text):
        return [name for _, name in _names(text)]

    assert names("We pre-train on BooksCorpus and English Wikipedia (Zhu et al., 2015).") == ["BooksCorpus",
                                                                                           "English Wikipedia"]
    assert names("We fine-tune BERT on GLUE.") == ["GLUE"]
    assert names("Table 2: Results on the SQuAD v1.1 dev set.") == ["SQuAD v1.1"]
    assert names("We report results on public NLP datasets such as those in Section 4.") == []
    assert names("我们在 MRPC 数据集上进行了实验。") == ["MRPC"]
    assert names("We evaluate on the General Language Understanding Evaluation (GLUE) benchmark and Stanford Question "
                 "Answering (SQuAD) dataset.") in (["GLUE", "SQuAD"], ["SQuAD", "GLUE"])  # fmt: skip
    assert names("In addition, we include Giga5 (16GB text) [26], ClueWeb 2012-B, and Common Crawl [6] for "
                 "pretraining.") == ["Giga5", "ClueWeb 2012-B", "Common Crawl"]  # fmt: skip
    assert names("For CoVe and the biLM, we report scores for both layers.") == []  # models, not data
    assert names("Table 9: Test set results for SQuAD, showing both Exact Match (EM) and F1.") == ["SQuAD"]
    assert names("Table 12: Test set F1 for CoNLL 2003 NER task.") == ["CoNLL 2003"]
    assert names("Our evaluation metrics are Spearman correlation for STS, Matthews correlation for CoLA.") == []
    assert names("We report accuracy for MNLI, Matthew’s correlation for CoLA.") == ["MNLI"]
    assert names("Table 2: Comparison with state-of-the-art results on the test set of RACE.") == ["RACE"]
    assert names("We pre-train on the same data as BERT, which consists of 3.3 Billion tokens from Wikipedia and "
                 "BooksCorpus.") == ["Wikipedia", "BooksCorpus"]  # fmt: skip
    assert names("The Stanford Question Answering Dataset (SQuAD) contains 100K+ question-answer pairs.") == ["SQuAD"]
    assert names("The CNN/Daily Mail data set was introduced as a question-answering task.") == ["CNN/Daily Mail"]
    assert names("It holds more reasoning questions than other datasets like CNN or SQuAD.") == []  # others' data
    entry = "TREC: TREC question dataset—task involves classifying a question into 6 question types."
    assert names(entry) == [] and [n for _, n in _names(entry, data_section=True)] == ["TREC"]  # a list's entry
    assert _names('Sentence A: "people in the desert often look forward to flood".', data_section=True) == []
    assert names("After training for 10 epochs on the 1B Word Benchmark (Chelba et al., 2014), the perplexity is "
                 "39.7.") == ["1B Word Benchmark"]  # fmt: skip
    assert names("Yet, they have achieved high accuracy on many TC benchmarks.") == []  # a task's abbreviation


def test_the_data_cell_names_the_data_sets_each_cited(sentences):
    """T5 pre-trains on the C4 it introduces and fine-tunes on GLUE and SuperGLUE; XLNet on BooksCorpus and
    Wikipedia; each name stands in the quote that cites it, and a model the paper compares with ("BERT") is no
    data set."""
    from paperpal.tasks.data_names import reported_data

    t5 = reported_data(sentences("t5-exploring-the-limits-of-transfer-learning.pdf"))
    assert {"C4", "GLUE", "SuperGLUE"} <= {name for name, _ in t5}
    xlnet = reported_data(sentences("xlnet-generalized-autoregressive-pretraining.pdf"))
    assert {"BooksCorpus", "English Wikipedia", "SQuAD", "RACE"} <= {name for name, _ in xlnet}
    assert "Wikipedia" not in {name for name, _ in xlnet}  # the same corpus as "English Wikipedia"
    assert not {"WNLI", "WSC", "MNLI"} & {name for name, _ in t5}  # tasks of GLUE and SuperGLUE, which it names
    electra = reported_data(sentences("electra-pre-training-text-encoders-as-discriminators.pdf"))
    textcnn = {name for name, _ in reported_data(sentences("textcnn-convolutional-neural-networks-for-sentence-"
                                                           "classification.pdf"))}  # fmt: skip
    assert {"MR", "SST-1", "SST-2", "TREC", "CR", "MPQA"} <= textcnn  # its section "Datasets …" lists them
    elmo = {name for name, _ in reported_data(sentences("elmo-deep-contextualized-word-representations.pdf"))}
    assert "1B Word Benchmark" in elmo  # trained on it, cited to its source: no prior work's data
    for found in (t5, xlnet, electra):
        assert all(name.lower() in evidence.quote.lower() and evidence.page for name, evidence in found)
        assert not {"BERT", "RoBERTa", "XLNet"} & {name for name, _ in found}


def test_the_judged_data_cells_cite_pages_that_hold_their_quotes(corpus):
    """The hand-judged data cells (eval/compare/labels_data_names.jsonl): each name of an "after" cell stands in one
    of its quotes, every quote stands on its page, and every label is one the rubric allows."""
    import json
    from pathlib import Path

    from paperpal.tasks.quotes import page_texts, verify_quote

    lines = Path(__file__).resolve().parent.parent.joinpath("eval/compare/labels_data_names.jsonl").read_text("utf-8")
    labels = [json.loads(line) for line in lines.splitlines() if line.strip()]
    assert {x["split"] for x in labels} == {"train", "eval"} and len(labels) >= 50
    for label in labels:
        assert label["label"] in ("correct", "partly", "wrong")
        quotes = " ".join(e["quote"] for e in label["evidence"]).lower()
        if label["version"] != "before":
            assert all(name.lower() in quotes for name in label["text"].split("; ")), label["text"]
        pages = page_texts(corpus / label["paper"])
        for where in label["evidence"]:
            found = verify_quote(where["quote"], pages, near=[where["page"]])
            assert found and found.pages[0] == where["page"], (label["paper"], where["page"])


def test_a_plainly_stated_open_end_fills_the_limitations_cell(sentences):
    """A paper whose note names no weakness still gets its own stated open end in the table (GPT: "… but we have
    not explored this currently"), never the drawback of a model it fixes or one it alleviates."""
    from paperpal.tasks.note_plan import _OVERCOME, weaker_weaknesses

    index = sentences("gpt-improving-language-understanding-by-generative-pre-training.pdf")
    assert not plan_note(index).of("weaknesses")
    picks = weaker_weaknesses(index)
    assert picks and "we have not explored this currently" in picks[stated_limitation(picks)].text
    assert _OVERCOME.search("SWA handles longer sequences, thereby alleviating a common limitation in LLMs.")
    assert not _OVERCOME.search("Overcoming this limitation would require some form of extension of the model.")
    assert _OVERCOME.search("We propose XLNet, which leverages the best of both while avoiding their limitations.")
    assert _OVERCOME.search("It produces state-of-the-art results, thereby addressing a key shortcoming of the model.")
    assert not _OVERCOME.search("Our method does not address the problem of long documents.")  # a limitation
    ernie = weaker_weaknesses(sentences("ernie-enhanced-language-representation-with-informative-entities.pdf"))
    chosen = ernie[stated_limitation(ernie)]  # the future research its conclusion names, though it cites ELMo's paper
    assert chosen.run[0].kind == "conclusion" and "directions remain for future research" in chosen.text
    # a limitation of the approach the paper improves on is its motivation; the basic model of its own is not
    from paperpal.tasks.note_plan import _baselines

    bahdanau = sentences("bahdanau-neural-machine-translation-jointly-learning-to-align-and-translate.pdf")
    assert _baselines(bahdanau, "this limitation may make the basic encoder–decoder approach to underperform")
    picks = plan_note(bahdanau).of("weaknesses") or weaker_weaknesses(bahdanau)
    assert "better handle unknown, or rare words" in picks[stated_limitation(picks)].text
    lda = sentences("latent-dirichlet-allocation.pdf")
    assert not _baselines(lda, "Overcoming this limitation would require some extension of the basic LDA model.")


def test_the_headline_result_is_the_abstracts_own_result(sentences):
    """The table's headline result is the abstract's statement of what the work achieves, numbers or not (Bahdanau
    et al.: comparable to the phrase-based state of the art; ELECTRA: not an ablation's side result); a sentence on
    what large models routinely achieve before a "but" is no headline (Reformer)."""
    from paperpal.tasks.headline import headline_result

    bahdanau = headline_result(sentences("bahdanau-neural-machine-translation-jointly-learning-to-align-and-"
                                         "translate.pdf"))  # fmt: skip
    assert bahdanau.kind == "abstract" and "comparable to the existing state-of-the-art" in bahdanau.text
    electra = headline_result(sentences("electra-pre-training-text-encoders-as-discriminators.pdf"))
    assert electra.kind == "abstract" and "outperforms GPT" in electra.text
    reformer = headline_result(sentences("reformer-the-efficient-transformer.pdf"))
    assert reformer is None or "routinely" not in reformer.text


def test_a_problem_the_abstract_opens_with_fills_an_empty_problem_cell(sentences):
    """A paper whose note has no problem passage gets the abstract's opening statement of what falls short
    (InstructGPT); an abstract that opens with praise of its field states none (RoFormer)."""
    from paperpal.tasks.abstract_gap import abstract_gap

    gap = abstract_gap(sentences("instructgpt-training-language-models-to-follow-instructions.pdf"))
    assert gap.kind == "abstract" and gap.text.startswith("Making language models bigger does not inherently")
    assert abstract_gap(sentences("roformer-rotary-position-embedding.pdf")) is None

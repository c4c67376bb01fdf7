"""The one support check (paperpal.text.support), on hand-labelled statements and on the failure shapes it exists for.

``tests/data/support/<paper>.jsonl``: 20 statements per train-split paper, written and labelled by hand against the
paper (10 supported: close to the paper's words, paraphrased, in Chinese; 10 unsupported: real numbers recombined,
a real name with a wrong attribute, a statement from another paper, a table value on the wrong row, a contradiction,
false Chinese statements), each with the passage it rests on or distorts and its page.  The check's rules and
thresholds were written on the development papers (``DEV``); the held-out papers (``HELD_OUT``) were labelled
afterwards by other hands and are reported as they come.  Figures print with ``-s``.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import REPO, read_tsv

from paperpal.pdf import parse_pdf
from paperpal.tasks.passages import PaperSentences
from paperpal.tasks.quotes import page_texts, verify_quote
from paperpal.text import sentences
from paperpal.text.support import check

LABELLED = REPO / "tests" / "data" / "support"
HELD_OUT = {
    "orca-progressive-learning-from-gpt4-explanation-traces.pdf", "universal-transformers.pdf",
    "a-fast-and-accurate-dependency-parser-using-neural-networks.pdf", "end-to-end-neural-coreference-resolution.pdf",
    "neural-joint-model-entity-relation-extraction-biomedical-text.pdf", "latent-dirichlet-allocation.pdf",
    "a-neural-probabilistic-language-model.pdf", "efficient-transformers-a-survey.pdf",
}  # fmt: skip
SUPPORTED = {"verbatim", "paraphrase", "zh"}
UNSUPPORTED = {"recombined", "wrong_attribute", "other_paper", "wrong_row", "contradiction", "zh_false"}


def _rows() -> list[dict]:
    return [json.loads(line) for file in sorted(LABELLED.glob("*.jsonl"))
            for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip


@pytest.fixture(scope="module")
def judged(corpus):
    """Every labelled statement with the check's verdict against the passage it cites (the paper's own names as
    context, as the note pipeline passes them)."""
    out = []
    contexts: dict[str, str] = {}
    for row in _rows():
        if row["paper"] not in contexts:
            contexts[row["paper"]] = PaperSentences(parse_pdf(corpus / row["paper"])).context
        verdict = check(row["statement"], sentences(row["quote"]), context=contexts[row["paper"]])
        out.append((row, verdict.supported))
    return out


def _rates(judged, papers) -> tuple[float, float, int]:
    """(share of supported statements passed, share of unsupported statements flagged, statements)."""
    rows = [(r, ok) for r, ok in judged if r["paper"] in papers]
    good = [ok for r, ok in rows if r["label"] == "supported"]
    bad = [not ok for r, ok in rows if r["label"] == "unsupported"]
    return sum(good) / len(good), sum(bad) / len(bad), len(rows)


def test_the_labelled_set_is_train_split_and_its_quotes_stand_on_their_pages(corpus):
    splits = {row["file"]: row["split"] for row in read_tsv(corpus / "SPLITS.tsv")}
    rows = _rows()
    assert len(rows) >= 480 and len({r["paper"] for r in rows}) >= 24
    assert HELD_OUT <= {r["paper"] for r in rows}
    by_paper: dict[str, list[dict]] = {}
    for row in rows:
        by_paper.setdefault(row["paper"], []).append(row)
    for paper, own in by_paper.items():
        assert splits[paper] == "train", f"{paper}: labelled data must come from train papers only"
        shapes = Counter(r["shape"] for r in own)
        assert set(shapes) <= SUPPORTED | UNSUPPORTED and all(shapes[s] for s in ("recombined", "zh", "zh_false"))
        assert all((r["label"] == "supported") == (r["shape"] in SUPPORTED) for r in own), paper
        pages = page_texts(corpus / paper)
        for row in own:
            found = verify_quote(row["quote"], pages, near=[row["page"]])
            assert found is not None and row["page"] in found.pages, f"{paper}: quote not on p. {row['page']}"


def test_the_check_on_the_labelled_statements(judged):
    """Target: passes >= 90 % of the supported statements and flags >= 90 % of the unsupported ones.  Measured when
    this was written (development papers in-sample, held-out papers out of sample): see docs/guide.md; the floors
    below guard against regressions."""
    all_papers = {r["paper"] for r, _ in judged}
    dev = _rates(judged, all_papers - HELD_OUT)
    held = _rates(judged, HELD_OUT)
    total = _rates(judged, all_papers)
    for name, (passed, flagged, n) in (("development (in-sample)", dev), ("held out", held), ("all", total)):
        print(f"\n{name}: {n} statements; supported passed {passed:.1%}, unsupported flagged {flagged:.1%}")
    by_shape = Counter((r["shape"], ok == (r["label"] == "supported")) for r, ok in judged)
    print({s: f"{by_shape[(s, True)]}/{by_shape[(s, True)] + by_shape[(s, False)]}" for s in SUPPORTED | UNSUPPORTED})
    assert dev[0] >= 0.88 and dev[1] >= 0.80, dev
    assert held[0] >= 0.84 and held[1] >= 0.72, held


def test_numbers_must_stand_together_and_attached_as_the_statement_attaches_them():
    passage = ["Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task, improving over the "
               "existing best results, including ensembles, by over 2 BLEU.",
               "On the WMT 2014 English-to-French translation task, our model establishes a new single-model "
               "state-of-the-art BLEU score of 41.8."]  # fmt: skip
    assert check("The model reaches 28.4 BLEU on WMT 2014 English-to-German.", passage).supported
    assert check("The model reaches 41.8 BLEU on WMT 2014 English-to-French.", passage).supported
    recombined = check("The model reaches 28.4 BLEU on WMT 2014 English-to-French.", passage[:1])
    assert not recombined.supported and "English-to-French" in recombined.reason
    moved = check("The model improves over the best results by 41.8 BLEU on WMT 2014 English-to-French.", passage)
    assert not moved.supported and "41.8" in moved.reason, "a score moved onto what another number measures"
    invented = check("The model reaches 29.7 BLEU on WMT 2014 English-to-German.", passage)
    assert not invented.supported and invented.missing == ["29.7"]
    swapped = ["The approach improves by 8.9% on commonsense reasoning (Stories Cloze Test) and 5.7% on question "
               "answering (RACE)."]  # fmt: skip
    assert check("It improves by 8.9% on commonsense reasoning and 5.7% on question answering.", swapped).supported
    assert not check("It improves by 5.7% on commonsense reasoning and 8.9% on question answering.", swapped).supported
    pr = ["We got a precision of 99.4% for a recall of 95.6% on the balanced set."]
    assert check("It reached a precision of 99.4% for a recall of 95.6%.", pr).supported
    assert not check("It reached a precision of 95.6% for a recall of 99.4%.", pr).supported, "the heads swapped"
    ranges = ["We reduced the hidden size (from 768 to 256) and used smaller token embeddings (from 768 to 128)."]
    assert check("Token embeddings shrink to 128 and the hidden size to 256.", ranges).supported
    said = "It reduced the hidden size from 768 to {} and used token embeddings of {} instead of 768."
    assert check(said.format(256, 128), ranges).supported, "'embeddings (from 768 to 128)': 128 belongs to embeddings"
    assert not check(said.format(128, 256), ranges).supported
    assert check("The corpus has 10,000 documents.", ["The corpus has 10, 000 documents."]).supported
    assert check("Training used 8 P100 GPUs.", ["Training used eight P100 GPUs."]).supported, "eight = 8"


def test_names_polarity_and_the_papers_own_names():
    passage = ["We use vectors derived from a bidirectional LSTM that is trained with a coupled language model "
               "objective on a large text corpus."]  # fmt: skip
    assert not check("ELMo uses vectors from a bidirectional LSTM trained with a language model objective.",
                     passage).supported, "a name the passage does not hold"  # fmt: skip
    assert check("ELMo uses vectors from a bidirectional LSTM trained with a language model objective.", passage,
                 context="Deep contextualized word representations ELMo").supported, "the paper's own name"
    assert not check("It uses vectors from a bidirectional GRU trained on a large corpus.", passage).supported
    assert not check("The vectors are not derived from a bidirectional LSTM.", passage).supported, "negated"
    opposite = ["Substituting RoPE leads to rapid convergence and lower loss under the same training steps."]
    assert not check("Substituting RoPE leads to slower convergence and lower loss.", opposite).supported
    hoped = ["We had initially hoped that the multichannel architecture would prevent overfitting."]
    assert not check("The multichannel architecture prevents overfitting.", hoped).supported, "only hoped for"
    other = check("Reformer uses fixed strided sparse attention patterns.", ["Reformer uses locality-sensitive hashing "
                  "to replace dot-product attention."])  # fmt: skip
    assert not other.supported


def test_a_chinese_statement_is_checked_against_the_passage_it_cites():
    passage = ["Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task, improving over the "
               "existing best results, including ensembles, by over 2 BLEU."]  # fmt: skip
    assert check("该模型在 WMT 2014 英德翻译任务上达到 28.4 BLEU,比已有最好结果高出 2 BLEU 以上。", passage).supported
    assert not check("该模型在 WMT 2014 英德翻译任务上达到 41.8 BLEU。", passage).supported, "a number not there"
    assert not check("该模型在 WMT 2016 英德翻译任务上达到 28.4 BLEU。", passage).supported
    assert not check("效果很好。", passage).supported, "nothing checkable"
    assert not check("该模型没有在 WMT 2014 英德翻译任务上达到 28.4 BLEU。", passage).supported, "negated"


def test_an_english_statement_about_a_chinese_passage_is_read_through_the_term_map():
    """An English note about a Chinese paper: numbers and names must stand in the passage, the content words the
    term map can express must match its terms, and directions must agree (a hand-written passage)."""
    passage = ["我们提出了一种新的语言模型，在 GLUE 基准上的得分提高到 80.4%，比之前最好的结果高 7.6%。"]
    assert check("The new language model raises the GLUE benchmark score to 80.4%.", passage).supported
    assert not check("The new language model reduces the GLUE benchmark score to 80.4%.", passage).supported
    assert not check("The model raises the GLUE score to 7.6%.", passage).supported, "a number moved"
    assert check("It reaches 80.4% on SQuAD.", passage).missing == ["SQuAD"]
    assert not check("It is good.", passage).supported, "too little to check"


def test_a_chinese_statement_about_a_chinese_passage_matches_its_terms_and_directions():
    passage = ["我们提出了一种新的语言模型，在 GLUE 基准上的得分提高到 80.4%，比之前最好的结果高 7.6%。"]
    assert check("新的语言模型在 GLUE 基准上的得分提高到 80.4%。", passage).supported
    assert not check("新的语言模型在 GLUE 基准上的得分降低到 80.4%。", passage).supported, "the opposite direction"
    assert check("该模型在 SQuAD 上达到 80.4%。", passage).missing == ["SQuAD"]


def test_a_negation_the_statement_drops_is_a_contradiction():
    passage = ["While finetuned 7B models do not reach the quality of ChatGPT, we believe that the quality is good "
               "enough to enable novel applications that have not been possible before."]  # fmt: skip
    dropped = check("Finetuned 7B models reach the quality of ChatGPT, enabling applications that have not been "
                    "possible before.", passage)  # fmt: skip
    assert not dropped.supported and "negates" in dropped.reason, "a 'not' elsewhere in the statement does not count"
    assert check("Finetuned 7B models do not reach the quality of ChatGPT but enable novel applications.",
                 passage).supported  # fmt: skip
    both = ["GLUE scores are 83.6 for no weight tying and 84.4 for tying all weights."]
    assert check("GLUE scores are 83.6 without weight tying and 84.4 with all weights tied.", both).supported
    only = ["The method not only improves accuracy but also reduces memory use."]
    assert check("The method improves accuracy and reduces memory use.", only).supported, "'not only' negates nothing"


def test_a_formula_must_stand_as_the_passage_writes_it():
    """Condensing "O(L log L)" to "O(log L)" drops a symbol and changes the claim (the bundled model did, on the
    Reformer's abstract); the same formula with other spacing is the same."""
    passage = ["For one, we replace dot-product attention by one that uses locality-sensitive hashing, changing its "
               "complexity from O(L2) to O(L log L), where L is the length of the sequence."]  # fmt: skip
    assert not check("Locality-sensitive hashing changes attention's complexity from O(L2) to O(log L).", passage).supported
    assert check("Locality-sensitive hashing changes the complexity of attention from O(L2) to O(L log L).", passage).supported


def test_what_the_passage_sets_aside_is_not_supported():
    """"A rather than B" in the passage: a statement saying B (and not A) is not supported; one drawing the same
    contrast is."""
    passage = ["We add the question-answering module from XLNet, which jointly rather than independently predicts the "
               "start and end positions."]  # fmt: skip
    assert not check("The question-answering module predicts the start and end positions independently.", passage).supported
    assert check("The XLNet module predicts the start and end positions jointly rather than independently.", passage).supported

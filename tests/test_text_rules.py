"""paperpal.text as the one home of PaperPal's text rules: the named variants other modules import instead of keeping
private copies (normal forms, CJK classes, sentence variants, title tests)."""

from __future__ import annotations

from pathlib import Path

from paperpal.text.normal import CJK_TEXT, expand_ligatures, has_cjk, nfkc, plain, squash
from paperpal.text.prose import is_credits
from paperpal.text.section_kinds import (
    REFERENCES_LINE,
    is_back_matter_title,
    is_closing_title,
    is_framing_title,
    is_overview_title,
    is_references_title,
    talk_kind,
)
from paperpal.text.sentences import sentence_spans, sentences

CORE = Path(__file__).resolve().parent.parent / "paperpal"


def test_normal_forms():
    assert nfkc("ﬁne-tuning　ＧＰＴ") == "fine-tuning GPT"
    assert plain("  “Attention”  Is\tAll — You’ Need ") == '"attention" is all - you\' need'
    assert squash("Fine-\ntuning the ﬁrst") == "finetuningthefirst"
    assert expand_ligatures("eﬃcient ﬅ\u00adyle") == "efficient ftyle"


def test_cjk_with_and_without_punctuation():
    assert has_cjk("我们") and not has_cjk("，。：") and has_cjk("，。：", punctuation=True)
    assert has_cjk("中文论文 abc", 0.2) and not has_cjk("English text, one 字 here", 0.2)
    assert CJK_TEXT.search("。") and CJK_TEXT.search("㐀") and not CJK_TEXT.search("a")


def test_sentence_variants():
    text = "我们提出一种方法，它更快。Results follow. Fig. 2 shows it."
    assert sentences(text) == ["我们提出一种方法,它更快。", "Results follow.", "Fig. 2 shows it."]
    assert sentences(text, semicolons=True) == sentences(text)
    # a run-in heading is cut from the sentence it runs into; a caption's or a sample's label stays with its text
    assert sentences("Scoring Architecture We propose an end-to-end model.") == ["Scoring Architecture",
                                                                                 "We propose an end-to-end model."]
    assert sentences("Loss: For the purpose of training, we compute the loss.")[1].startswith("For the purpose")
    assert len(sentences("Figure 2: The Transformer - model architecture.")) == 1
    assert len(sentences("WH: WikiHop, TQA: TriviaQA have long contexts.")) == 1  # an abbreviation's key
    assert len(sentences("Question: Who wrote it?")) == 1
    assert sentences("Two-Stream Self-Attention While the idea removes the ambiguity.")[0] == "Two-Stream Self-Attention"
    assert sentences("Word sense disambiguation Given a sentence, we use the biLM.")[0] == "Word sense disambiguation"
    assert len(sentences("The model was trained on The Pile with care.")) == 1  # a name, not a new sentence
    raw = "First one. Second one\nThird. e.g. Fourth"
    assert [(raw[s:e], para) for s, e, para in sentence_spans(raw)] == [
        ("First one.", False), ("Second one", True), ("Third. e.g.", False), ("Fourth", True),
    ]  # fmt: skip
    assert sentence_spans(raw, 11, 21) == [(11, 21, True)]


def test_title_tests():
    assert is_references_title(" References ") and is_references_title("References and Notes")
    assert is_references_title("参考文献", exact=True) and not is_references_title("References and Notes", exact=True)
    assert REFERENCES_LINE.search("text\n7. Literature Cited\nA. Author")
    assert is_back_matter_title("Acknowledgements") and is_back_matter_title("Funding")
    assert not is_back_matter_title("Appendix A")
    assert is_back_matter_title("Authors' contributions") and is_back_matter_title("Consent for publication")
    assert is_back_matter_title("Availability of data and material") and is_back_matter_title("Abbreviations")
    assert not is_back_matter_title("Data") and not is_back_matter_title("Data collection")  # a paper's own section
    assert is_overview_title("Introduction") and is_overview_title("结论") and not is_overview_title("Method")
    assert talk_kind("Experimental Results") == "results" and talk_kind("Motivation") == "intro"
    assert talk_kind("Limitations") == "conclusion" and talk_kind("Positional Encoding") == "method"
    assert is_closing_title("Discussion") and not is_closing_title("Results and Discussion")
    assert is_framing_title("Appendix A") and is_framing_title("致谢") and not is_framing_title("Results")
    assert is_credits("This work was supported by NSF grant 123.") and not is_credits("We train on 8 GPUs.")
    assert is_credits("Jakob proposed replacing RNNs with self-attention.") and not is_credits("We proposed a model.")


def test_no_private_copies_outside_paperpal_text():
    """NFKC, the CJK ideograph ranges and the ligature table have one home (paperpal/text); the other modules import
    them.  (paperpal/llm and export/pptx count other scripts for token and width estimates: not "Chinese".)"""
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        rel = path.relative_to(CORE).as_posix()
        if rel.startswith(("text/", "llm/", "export/pptx/")):
            continue
        source = path.read_text(encoding="utf-8")
        for needle in ("unicodedata", "\\u4e00", "\\u3400", "ﬁ"):
            if needle in source:
                offenders.append(f"paperpal/{rel}: {needle}")
    assert not offenders, offenders


def test_cues_read_chinese_sentences_too():
    """A Chinese paper's sentences carry the same cues in Chinese words (no word boundaries to rely on)."""
    from paperpal.text.cues import MECHANISM, OWN_WORK, PROBLEM, PROPOSES, RESULT_VERB, STRONG_LIMITATION

    assert PROPOSES.search("本文提出了一种基于注意力的序列模型。") and OWN_WORK.search("我们在三个数据集上进行了实验。")
    assert PROBLEM.search("然而,现有方法难以处理长文档。") and not PROBLEM.search("模型由六层编码器组成。")
    assert len(STRONG_LIMITATION.findall("该方法的局限性在于速度,我们计划在未来的工作中改进。")) == 3
    assert STRONG_LIMITATION.search("但未来重要的工作是研究模型能捕捉到哪些语言现象。")
    assert RESULT_VERB.search("该模型在测试集上取得了 92.1% 的准确率。")
    assert len(MECHANISM.findall("与以往模型不同,该模型通过遮蔽部分输入来预训练双向表示。")) >= 2
    assert PROBLEM.findall("However, training remains expensive.") == ["However", "remains", "expensive"]

"""Deck text a presenter can show: no repeated bullets, no fragments, no formula or table text, no cut titles, and
questions about the slide's own content — counted by :mod:`paperpal.slides.quality` on decks of train-split papers
(the model side is the scripted stand-in, whose vague replies fail the checks, so the bullets are the papers' own
sentences, as they mostly are on the bundled model)."""

from __future__ import annotations

import pytest
from test_slides import endpoint_settings, routed_standin

from paperpal.pdf import parse_pdf
from paperpal.slides.outline import make_outline, whole_title
from paperpal.slides.quality import deck_counts, is_cut_title, is_fragment, is_garbled
from paperpal.slides.questions import slide_question

PAPERS = ("flashattention-fast-and-memory-efficient-exact-attention.pdf", "reformer-the-efficient-transformer.pdf",
          "elmo-deep-contextualized-word-representations.pdf")  # fmt: skip


def test_the_counting_rules():
    assert is_fragment("has been trained for as little as twelve hours on eight P100 GPUs.")
    assert is_fragment("The model is trained on WMT 2014 English-German and reaches…")
    assert not is_fragment("We trained on the WMT 2014 English-German dataset (4.5M sentence pairs).")
    assert not is_fragment("WMT 2014 English-German: about 4.5 million sentence pairs")  # condensed, whole
    assert is_fragment("The big model was trained with dropout rate Pdrop = 0.1, instead of")
    source = "The Transformer follows this overall architecture using stacked self-attention and point-wise, fully"
    assert is_fragment("The Transformer follows this overall architecture using stacked self-attention", source)
    assert is_garbled("FFN(x) = max(0, xW1 + b1)W2 + b2 (2) While the linear transformations are the same")
    assert is_garbled("Self-Attention O(n2 · d) O(1) O(1) Recurrent O(n · d2) O(n) O(n) Convolutional 3 4 5")
    assert is_garbled("Le mod\u00e8le d \u0301eclare que la collecte des t \u0301el \u0301ephones est finie")  # loose accents
    assert not is_garbled("The big model reaches 28.4 BLEU on WMT 2014 English-to-German.")
    assert is_garbled("Humans agree with GPT-4 about as For additional details about the study, in- much as they agree.")
    assert is_garbled("DPO is notably more efficient; 3That is, the sum of the per-timestep KL-divergences.")  # a footnote
    assert is_garbled("的embedding Unlike Peters et al. (2018), we do not use left-to-right language models.")
    assert not is_garbled("我们在 GLUE 和 SQuAD 上评估 BERT 模型。")
    assert is_fragment("We focus our study on GPT-3 175B, where we achieved the largest reduction (1")
    assert not is_fragment("We test on three datasets: 1) CoNLL-03 testing data, 2) ACE data, and 3) MUC7 test set.")
    assert is_cut_title("Transformer: The Transformer is a general-purpose neural…")
    assert is_cut_title("The model of") and not is_cut_title("Scaled Dot-Product Attention")
    source = "The Transformer is a general-purpose neural architecture that relies on attention."
    assert not whole_title("Transformer: The Transformer is a general-purpose neural", source)
    assert whole_title("A general-purpose attention architecture", source)


@pytest.mark.parametrize("name", PAPERS)
def test_decks_of_the_papers_own_sentences_count_zero(name, corpus, standin, monkeypatch):
    routed_standin(standin, {})
    outline = make_outline(parse_pdf(corpus / name), settings=endpoint_settings(standin, monkeypatch), minutes=15)
    paper = parse_pdf(corpus / name)
    counts = deck_counts(outline, paper.full_text)
    print(name, counts)
    assert counts["slides"] >= 5 and counts["bullets"] >= 3 * counts["slides"] - 3
    assert (counts["duplicates"], counts["fragments"], counts["garbled"], counts["cut_titles"]) == (0, 0, 0, 0), counts
    for slide in outline.slides:  # a built question quotes the slide's own detail or names its section
        if slide.origin["question"] == "template":
            assert any(f"“{d}”" in slide.question for d in slide.details) or "“" in slide.question, slide.question
            assert not any(term in slide.question for term in ("PEpos", " EN ")), slide.question


def test_a_question_without_a_usable_claim_asks_about_the_section():
    from paperpal.model import Section
    from paperpal.slides.plan import Unit

    unit = Unit(sections=[Section("3", "Model Architecture", 1, 3, 4)], text="")
    assert slide_question(unit, ["x" * 300], "en") == \
        "What is the key design choice in “Model Architecture”, and what would break without it?"  # fmt: skip
    claim = "The encoder is a stack of N = 6 identical layers."
    assert slide_question(unit, [claim, "y" * 300], "en").startswith(f"The paper states: “{claim}”")


def test_the_question_quotes_the_claim_that_fits_its_frame():
    """A method slide asks "why this design" about a design choice, not about the hardware or a sentence that
    leans on the one before it; a results slide asks "would this hold" about a finding."""
    from paperpal.model import Section
    from paperpal.slides.plan import Unit

    method = Unit(sections=[Section("3", "Model Architecture", 1, 3, 4)], text="")
    hardware = "We trained our models on one machine with 8 NVIDIA P100 GPUs."
    leaning = "Another way of describing this is as two convolutions with kernel size 1."
    design = "We use learned embeddings to convert the input tokens to vectors instead of one-hot codes."
    question = slide_question(method, [hardware, leaning, design], "en")
    assert question == f"The paper states: “{design}” Why this design, and what alternative would you compare it with?"
    assert slide_question(method, [hardware, leaning], "en").startswith("What is the key design choice in")
    results = Unit(sections=[Section("6", "Results", 1, 8, 9)], text="")
    finding = "The big model outperforms the best previously reported models by more than 2.0 BLEU."
    setup = "All metrics are on the English-to-German development set, newstest2013."
    assert f"“{finding}”" in slide_question(results, [setup, finding], "en")


def test_an_edited_slide_never_quotes_a_detail_that_was_removed():
    from paperpal.slides.model import ContentSlide
    from paperpal.slides.questions import question_after_edit

    design = "We use learned embeddings to convert the input tokens to vectors instead of one-hot codes."
    kept = "The encoder maps an input sequence of symbol representations to a sequence of continuous representations."
    made = ContentSlide("Model", "3 Model Architecture", 2, 3, [kept],
                        f"The paper states: “{design}” Why this design, and what alternative would you compare it with?",
                        origin={"question": "template"})  # fmt: skip
    assert question_after_edit(made, "en") == (
        f"The paper states: “{kept}” Why this design, and what alternative would you compare it with?")
    mine = ContentSlide("Model", "3 Model Architecture", 2, 3, [kept], "Why not recurrence?", origin={"question": "user"})
    assert question_after_edit(mine, "en") == "Why not recurrence?", "the user's own question is kept"


def test_a_claim_is_asked_in_the_frame_it_fits_and_the_section_serves_when_the_slide_cannot():
    """A finding on a method slide is asked as a finding, not "why this design"; a definition or a credit line is
    never quoted; when no detail of the slide fits a question, a claim of the slide's section does."""
    from paperpal.model import Section
    from paperpal.slides.plan import Unit

    method = Unit(sections=[Section("3", "Approach", 1, 3, 4)], text="")
    finding = "Our model outperforms the baseline by 2.1 points on every task."
    assert slide_question(method, [finding], "en").startswith(f"The paper reports: “{finding}” Would this hold")
    results = Unit(sections=[Section("5", "Experiments", 1, 6, 7)],
                   text="The benchmark is a collection of nine tasks. Training with larger batches improves accuracy "
                        "on every task we tried.")  # fmt: skip
    definition = "The benchmark is a collection of nine tasks."
    credit = "Ashish, with Illia, designed and implemented the first models."
    question = slide_question(results, [definition, credit], "en")
    assert "Training with larger batches improves accuracy" in question and definition not in question


@pytest.mark.parametrize(("kind_title", "claim", "asks"), [
    ("7 Conclusion", "Exploring larger models is an exciting direction for future work.", "How would you address this"),
    ("4 Training", "We trained the base models for a total of 100,000 steps.", "if this setting were different"),
    ("1 Introduction", "However, recurrent models preclude parallelization within training examples.",
     "How does the paper's approach get around this"),
    ("7 Conclusion", "On both translation tasks we achieve a new state of the art.", "Would this hold on other"),
    ("2 Related Work", "OpenAI introduced the sparse Transformer (Child et al., 2019) which factorizes attention.",
     "How does the paper's own approach differ from this"),
    ("1 Introduction", "Our main contribution is a simple RL-free algorithm for training language models from preferences.",
     "What does this make possible that earlier approaches could not"),
    ("3.2 Model Extensions", "GLUE scores are 83.6 for no weight tying, 84.3 for tying token embeddings, and 84.4 for "
     "tying all weights.", "Would this hold on other"),  # measured results, not a design
])  # fmt: skip
def test_each_shape_of_claim_gets_the_frame_it_fits(kind_title, claim, asks):
    """Future work is asked how to address, a training setting how much hangs on it, an introduction's problem how
    the paper gets around it, a conclusion's finding whether it holds elsewhere (not "what open question this
    leaves"), and what prior work did, when nothing else fits, how the paper differs from it."""
    from paperpal.model import Section
    from paperpal.slides.plan import Unit

    number, title = kind_title.split(" ", 1)
    question = slide_question(Unit(sections=[Section(number, title, 1, 3, 4)], text=""), [claim], "en")
    assert f"“{claim}”" in question and asks in question, question


def test_only_a_stated_proposal_of_the_papers_own_is_asked_as_one():
    """A bare name ("we propose the Universal Transformer."), a roadmap ("in Section 7.3, we present …") and a
    survey's introduction of others' work (cited) are no proposal to ask what it makes possible."""
    from paperpal.model import Section
    from paperpal.slides.plan import Unit

    intro = Unit(sections=[Section("1", "Introduction", 1, 1, 2)], text="")
    for claim in ("In this paper, we propose the Universal Transformer.",
                  "Indeed, in Section 7.3, we present experimental results in the collaborative filtering domain.",
                  "After which, we introduce Linformer (Wang et al., 2020b) and Synthesizers, two low-rank models."):
        assert "What does this make possible" not in slide_question(intro, [claim], "en"), claim  # fmt: skip


def test_a_baselines_setting_is_not_the_papers_to_vary():
    from paperpal.model import Section
    from paperpal.slides.plan import Unit

    claim = "As a baseline, we trained our own BERT-Large model using the same hyperparameters for 400K steps."
    question = slide_question(Unit(sections=[Section("3.4", "Large Models", 1, 3, 4)], text=""), [claim], "en")
    assert "if this setting were different" not in question, question


def test_small_model_text_must_name_what_the_section_names_and_end_whole():
    """The bundled model's title naming the prompt's example ("ResNet") is not about the section, and its detail
    cut by the grammar's length limit is no bullet."""
    from paperpal.slides.verify import ends_whole, names_found

    source = "The Transformer uses self-attention. Self-attention relates positions of one sequence."
    assert not names_found("ResNet with self-attention", source) and names_found("Transformer self-attention", source)
    assert not ends_whole("A study indicates that positive pointwise mutual information is a good")
    assert ends_whole("The 437,905 features were generated for the CoNLL-2003 training dataset.")
    assert is_garbled("In practice, the language model policy ⇡✓is also initialized to ⇡SFT.")  # π_θ read as glyphs


def test_the_summary_starts_from_the_papers_own_work_and_equations_come_last():
    """The abstract's background opener is no key point; a sentence that leans on "Eq. 4" is a last-resort bullet."""
    from paperpal.slides.details import extract_details
    from paperpal.slides.outline import _own_part

    abstract = ("Deep neural networks are powerful models for many tasks. In this paper, we present an approach "
                "to sequence learning. Our method reaches 34.8 BLEU on WMT.")  # fmt: skip
    assert _own_part(abstract).startswith("In this paper, we present")
    text = ("Following Eq. 4, the gradient of the loss is 2.5 times the reward gap on 8 GPUs. "
            "The DPO loss increases the likelihood of preferred completions over 3 datasets.")  # fmt: skip
    assert extract_details(text, 1)[0].startswith("The DPO loss")


def test_a_slide_no_frame_fits_asks_about_a_plain_statement_of_its_own_not_its_title():
    """What the authors do is asked as a choice, another claim as one to weigh; notation, a data set's entry, a
    pointer or a model's sample output is never quoted (the section's title is the last resort)."""
    from paperpal.model import Section
    from paperpal.slides.plan import Unit

    analysis = Unit(sections=[Section("4.4", "Model Analysis", 1, 7, 8)], text="")
    choice = "We pick the weights with absolute value > 0.2, and visualize them for each feature."
    assert slide_question(analysis, [choice], "en") == (
        f"The paper states: “{choice}” Why this design, and what alternative would you compare it with?")
    claim = "The sketchy characterization of the factors by their most probable words already reveals topics."
    assert slide_question(analysis, [claim], "en").endswith("What in the paper supports this, and what would make "
                                                            "you doubt it?")  # fmt: skip
    for never in ("Let us denote the number of heads by NH and the sequence length by N.",
                  "CR: Customer reviews of various products (cameras, MP3s etc.).",
                  "As a helpful and respectful assistant, I cannot provide information on how to kill a process.",
                  "Additionally, we analyze the sensitivity to where ELMo is included in the task model (Sec. 5.2)."):
        assert slide_question(analysis, [never], "en").startswith("What in the results of “Model Analysis”"), never


def test_a_baseline_description_or_a_prospect_is_no_finding():
    """What the baseline is ("Our baseline model … is an improved version of …") and what would be ("… the first
    method that would enable …") are asked about as no finding or design of the paper's."""
    from paperpal.model import Section
    from paperpal.slides.plan import Unit

    results = Unit(sections=[Section("4", "Evaluation", 1, 5, 6)], text="")
    baseline = "Our baseline model (Clark and Gardner, 2017) is an improved version of the Bidirectional Attention Flow model."
    assert "Would this hold" not in slide_question(results, [baseline], "en")
    method = Unit(sections=[Section("3", "Approach", 1, 3, 4)], text="")
    prospect = "QLoRA is the first method that would enable the finetuning of such models on phones."
    assert "Why this design" not in slide_question(method, [prospect], "en")

"""A paper's body as sentences that can be cited: each with its section, what the section is for, and the 1-based
page on which it stands verbatim.

Built once per paper and shared by the tasks that state facts about it (summary, slides, ask): a statement's
evidence is a run of adjacent sentences of one section (:meth:`PaperSentences.evidence`), and only a sentence found
on a page of the PDF (:func:`~.quotes.verify_quote`: whitespace, hyphenation, case and ligatures ignored) can be
cited.  References, acknowledgements and the appendix after the references are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model import Evidence, Paper, Section
from ..text import sentences
from ..text.cues import INTRODUCES, OWN_WORK
from ..text.facts import tokenize
from ..text.prose import is_prose
from ..text.section_kinds import BACK_MATTER
from .quotes import paper_pages, verify_quote

OWN_NAME_USES = 10
INTRODUCED_CHARS = 60  # how far after "we propose" / "called" the name it gives stands


def title_names(title: str) -> frozenset[str]:
    """The keys of the names a title gives the paper's work: its names ("LoRA", "Text-to-Text") and the short head
    before its colon ("Electra: Pre-Training …")."""
    head, colon, _ = title.partition(":")
    own = {t.key for t in tokenize(title) if t.kind == "name"}
    if colon and len(head.split()) <= 3:
        own |= {t.key for t in tokenize(head) if t.kind in ("name", "word")}
    return frozenset(own)


@dataclass(eq=False)
class Sentence:
    text: str
    section: Section
    kind: str  # the section's kind (see paperpal.text.section_kinds)
    position: int  # index among its section's sentences
    order: int  # index among the paper's sentences
    page: int | None  # 1-based page where it stands verbatim; None: not found on any page (never cited)
    prose: bool  # a whole sentence of readable prose (paperpal.text.prose.is_prose)

    @property
    def citable(self) -> bool:
        return self.page is not None


class PaperSentences:
    """The cited-sentence view of one :class:`Paper` (see the module docstring)."""

    def __init__(self, paper: Paper, pages: tuple[str, ...] | None = None):
        self.paper = paper
        self._context: str | None = None
        self._own_names: frozenset[str] = frozenset()
        if pages is None:
            pages = paper_pages(paper)
        self.pages = pages
        self.sentences: list[Sentence] = []
        self._by_section: dict[int, list[Sentence]] = {}
        pairs = paper.sections_with_kinds()
        ordered, kinds = [s for s, _ in pairs], [k for _, k in pairs]
        if "abstract" not in kinds and paper.abstract:
            ordered = [Section(None, "Abstract", 1, 1, 1, text=paper.abstract), *ordered]
            kinds = ["abstract", *kinds]
        for section, kind in zip(ordered, kinds):
            if kind in BACK_MATTER:
                continue
            near = list(range(section.page_start, section.page_end + 1))
            own: list[Sentence] = []
            for position, text in enumerate(sentences(section.text)):
                found = verify_quote(text, pages, near=near) if pages else None
                own.append(Sentence(text, section, kind, position, len(self.sentences) + position,
                                    found.pages[0] if found else None, is_prose(text)))  # fmt: skip
            self._by_section[id(section)] = own
            self.sentences.extend(own)

    @property
    def context(self) -> str:
        """The paper's own names, which every passage may use (see :func:`paperpal.text.support.check`): the title's
        names and words, and the names (and capitalised words) of its abstract and introduction that the
        paper uses at least :data:`OWN_NAME_USES` times
        ("ELMo", "biLM", "RoPE") — a passage saying "our model" supports a statement naming the model."""
        if self._context is None:
            tokens = tokenize(self.paper.full_text)
            counts = Counter(t.key for t in tokens if t.kind == "name")
            counts.update(b.key for a, b in zip(tokens, tokens[1:])  # "Transformer" inside a sentence
                          if b.kind == "word" and b.text[0].isupper() and a.text[:1].islower())  # fmt: skip
            opening = " ".join(s.text for s in self.sentences if s.kind in ("abstract", "intro")) or self.paper.abstract
            names = dict.fromkeys(t.text for t in tokenize(opening)
                                  if t.kind in ("name", "word") and t.text[0].isupper() and counts[t.key] >= OWN_NAME_USES)  # fmt: skip
            self._context = " ".join([self.paper.title, *names])
            introduced = " ".join(s.text[m.end() : m.end() + INTRODUCED_CHARS] for s in self.sentences
                                  if s.kind in ("abstract", "intro") for m in INTRODUCES.finditer(s.text))  # fmt: skip
            named = {t.key for t in tokenize(introduced) if t.kind == "name" or t.text[:1].isupper()}
            own = set(title_names(self.paper.title))
            own |= {t.key for name in names for t in tokenize(name)} & named
            self._own_names = frozenset(own)
        return self._context

    @property
    def own_names(self) -> frozenset[str]:
        """The keys of the names the paper gives its own work: the title's names ("LoRA") and the short head before
        its colon ("Electra: Pre-Training …"), and the often used names that follow "we propose", "called",
        "named" in the abstract and introduction ("We propose … the Transformer"); not the names it discusses
        (BERT, MLM in the ELECTRA paper)."""
        _ = self.context
        return self._own_names

    def about_own_work(self, sentence: Sentence) -> bool:
        """Whether ``sentence`` speaks of the paper's own work: "we", "our", "this paper", or one of its own names."""
        return bool(OWN_WORK.search(sentence.text)) or self.names_own_work(sentence)

    def names_own_work(self, sentence: Sentence) -> bool:
        """Whether ``sentence`` names one of the paper's own names ("LoRA")."""
        return any(t.key in self.own_names for t in tokenize(sentence.text) if t.kind in ("name", "word"))

    def of_section(self, section: Section) -> list[Sentence]:
        return self._by_section.get(id(section), [])

    def run(self, first: Sentence, count: int) -> list[Sentence]:
        """``first`` and the sentences after it in its section, ``count`` in all (fewer at the section's end)."""
        own = self.of_section(first.section)
        return own[first.position : first.position + count]

    def evidence(self, run: list[Sentence]) -> Evidence:
        """The evidence a run of adjacent sentences of one section gives (its first sentence must be citable)."""
        first = run[0]
        if first.page is None:
            raise ValueError(f"sentence not found on any page: {first.text[:60]}")
        return Evidence(first.section.number, first.section.title, first.page, " ".join(s.text for s in run))

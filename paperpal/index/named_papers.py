"""Which papers of the library a question names: "How do LoRA and QLoRA differ in memory use?" names two.

A name in the question ("QLoRA", "GPT-2", "ELECTRA", "pLSA": a token written with capitals or digits, see
:func:`question_names`) names a paper when

- the paper's title is it, or starts with it ("QLoRA: Efficient Finetuning of Quantized LLMs"; a plural "s"
  aside: "Universal Transformer"), or it is the initials of a run of capitalised title words ("Generative
  Pre-Training" -> GPT, "Latent Dirichlet Allocation" -> LDA), or it is the first author's surname ("Kim's CNN",
  "Lee et al."), or
- the paper uses it in at least :data:`OWN_SHARE` of its chunks and in :data:`OWN_RATIO` times the share of any
  other paper in scope: a paper writes its own model's name throughout ("GPT-2" in the GPT-2 paper), where others
  cite it now and then ("GPU", "GLUE" and "Transformer" name no paper), or
- one paper alone introduces it: "We refer to our model … as the “Text-to-Text Transfer Transformer” (T5)", "which
  we call GloVe", or its code printed at a link named after it ("The code is available at
  https://code.google.com/p/word2vec/").

A phrase of two words or more in quotes names the papers whose title holds it ("the 'jointly learning to align and
translate' paper").

A name with a suffix ("ELECTRA-Large") that names no paper names its family's ("ELECTRA").  Names are matched as
whole words, case aside ("LoRA" is not "QLoRA"), in the chunk texts of the papers the
full-text index finds for the name's rarest term.
"""

from __future__ import annotations

import re
from collections import Counter

from ..text.cues import NAMES_ITS_OWN, RELEASES, URL
from ..text.titles import title_names
from .lexical import tokens
from .store import PaperRecord, Store

OWN_SHARE = 0.15  # the least share of a paper's chunks that use a name for the name to be the paper's own
OWN_RATIO = 2.5  # ... and how many times the share of the next paper that uses it
MAX_NAMED = 4  # a question naming more papers than this is answered from the library at large
CANDIDATE_CHUNKS = 2000  # chunks fetched per name (the full-text index narrows them first)
NOT_NAMES = frozenset("what which how why when where who does do did is are was were can could should would "
                      "compare compared the in on of and or vs versus".split())  # fmt: skip


def question_names(question: str) -> list[str]:
    """The names in a question, as written: words with a capital after the first letter or with a digit ("LoRA",
    "GPT-2", "T5", "pLSA", "word2vec"), all-capital words ("BERT", "LDA"), and capitalised words after the first
    ("Reformer"), consecutive ones joined ("Universal Transformer", "Mistral 7B")."""
    words = re.findall(r"[A-Za-z0-9][\w.-]*[A-Za-z0-9]|[A-Za-z0-9]", question)
    out, run = [], []
    for i, word in enumerate(words):
        word = re.sub(r"(?:'s|’s)$", "", word)
        marked = bool(re.search(r"[A-Z]", word[1:]) or (re.search(r"\d", word) and re.search(r"[A-Za-z]", word)))
        capital = i > 0 and word[:1].isupper()
        name = (marked or capital) and word.lower() not in NOT_NAMES and len(word) >= 2
        if name and run and (word[:1].isupper() or word[:1].isdigit()) and run[0][:1].isupper():
            run.append(word)  # "Universal Transformer", "Mistral 7B"
            continue
        if run:
            out.append(" ".join(run))
        run = [word] if name and not word[:1].isdigit() else []  # "16-bit" is not a name
    if run:
        out.append(" ".join(run))
    return list(dict.fromkeys(out))


# A phrase of two words or more in quotes ('jointly learning to align and translate', “Attention Is All You Need”).
_QUOTED = re.compile(r"(?<!\w)['‘\"“]([^'’\"”]{3,120}?\s[^'’\"”]{1,120}?)['’\"”](?!\w)")


def _pattern(name: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\w]|-\d)", re.IGNORECASE)


def _surname(author: str) -> str:
    parts = author.replace(",", " ").split()
    return parts[-1].casefold() if parts else ""


def _owners(name: str, records: dict[str, PaperRecord], scope: set[str]) -> set[str]:
    """The papers whose title gives ``name`` (:func:`title_names`), or whose first author's surname it is ("Kim's
    CNN", "Lee et al."); a name in capitals ("LDA") is never a surname."""
    key = name.casefold()
    owners = {p for p in scope if key in title_names(records[p].title)}
    if not owners and name[:1].isupper() and not name.isupper() and " " not in name:
        owners = {p for p in scope if records[p].authors and _surname(records[p].authors[0]) == key}
    return owners


def _uses(name: str, store: Store, scope: set[str]) -> list[tuple[str, str]]:
    """(paper id, chunk text) of every chunk in scope that uses ``name`` as a whole word."""
    terms = tokens(name)
    if not terms:
        return []
    pattern = _pattern(name)
    hits = store.text.search(max(terms, key=len), CANDIDATE_CHUNKS, papers=scope)
    ids = [h.chunk_id for h in hits]
    got = store.chunks.get(ids=ids, include=["documents", "metadatas"]) if ids else {"ids": []}
    return [(meta["paper_id"], text) for text, meta in zip(got.get("documents") or [], got.get("metadatas") or [])
            if text and meta["paper_id"] in scope and pattern.search(text)]  # fmt: skip


def _own_by_use(name: str, uses_of: list[tuple[str, str]], records: dict[str, PaperRecord]) -> set[str]:
    """The paper that uses ``name`` in at least :data:`OWN_SHARE` of its chunks and :data:`OWN_RATIO` times as
    often as any other paper in scope (as a set: empty when none does)."""
    uses = Counter(paper_id for paper_id, _ in uses_of)
    shares = {p: n / max(records[p].chunk_count, 1) for p, n in uses.items()}
    ranked = sorted(shares, key=shares.get, reverse=True)
    if not ranked or shares[ranked[0]] < OWN_SHARE:
        return set()
    runner_up = shares[ranked[1]] if len(ranked) > 1 else 0.0
    return {ranked[0]} if shares[ranked[0]] >= OWN_RATIO * runner_up else set()


def introduces(name: str, text: str) -> bool:
    """Whether ``text`` gives ``name`` to the work it describes: "We refer to our model … as the “Text-to-Text
    Transfer Transformer” (T5)", "“T5” refers to our model", "which we call GloVe", or prints its code at a link
    named after it ("The code is available at https://code.google.com/p/word2vec/")."""
    text = " ".join(text.split())
    for match in _pattern(name).finditer(text):
        before = text[max(0, match.start() - 160) : match.start()].rsplit(". ", 1)[-1]  # the sentence up to it
        cue = NAMES_ITS_OWN.search(before)
        closes = re.match(r"\s*([”\"’')\],.;:-]|\(|for\b|$)", text[match.end() :])  # it ends the phrase: "LSI-…"
        whole = not re.search(r"[A-Z][\w-]*\s+$", before)  # not the end of a longer name ("the Dynamic CNN")
        if cue and closes and whole and (" as " in before[cue.end() :] or "refer" not in cue.group().lower()):
            return True
        if re.match(r"[”\"’']?\s+refers to (our|the proposed|this)\b", text[match.end() : match.end() + 40]):
            return True
    for link in URL.finditer(text):
        segment = link.group().rstrip("/.,;:").rsplit("/", 1)[-1]
        if segment.casefold() == name.casefold() and RELEASES.search(text[max(0, link.start() - 120) : link.start()]):
            return True
    return False


def _introduced_by(name: str, uses_of: list[tuple[str, str]]) -> set[str]:
    """The one paper in scope that introduces ``name`` (:func:`introduces`); empty when none or several do."""
    papers = {paper_id for paper_id, text in uses_of if introduces(name, text)}
    return papers if len(papers) == 1 else set()


def papers_named(question: str, *, store: Store, records: dict[str, PaperRecord], scope: set[str]) -> dict[str, list[str]]:
    """paper id -> the names of ``question`` that name it (only papers in ``scope``); {} when the question names
    no paper, or more than :data:`MAX_NAMED`.  Tried in order: the title and first-author rules, the paper that
    introduces the name (:func:`introduces`), use, a model family ("ELECTRA-Large" -> ELECTRA), then each word of a
    name of several words ("Chen & Manning")."""
    named: dict[str, list[str]] = {}
    for phrase in _QUOTED.findall(question):  # "the 'jointly learning to align and translate' paper": its title
        key = " ".join(phrase.casefold().split())
        for paper_id in (p for p in scope if key in " ".join(records[p].title.casefold().split())):
            named.setdefault(paper_id, []).append(phrase)
    for name in question_names(question):
        owners = _owners(name, records, scope)
        if not owners:
            uses_of = _uses(name, store, scope)
            owners = _introduced_by(name, uses_of) or _own_by_use(name, uses_of, records)
        if not owners and "-" in name:  # "ELECTRA-Large", "BERT-Base": the model family's paper
            owners = _owners(name.split("-")[0], records, scope)
        if not owners and " " in name:
            owners = {p for word in name.split() for p in _owners(word, records, scope)}
        for paper_id in owners:
            named.setdefault(paper_id, []).append(name)
    return named if len(named) <= MAX_NAMED else {}


def named_in_scope(question: str, *, settings, paper_ids=None, collection=None, tag=None) -> dict[str, list[str]]:
    """:func:`papers_named` over the library's index, within the scope a search would have."""
    from .search import _catalog, resolve_scope
    from .store import open_store

    store = open_store(settings)
    records = _catalog(store)
    scope = resolve_scope(records, paper_ids=paper_ids, collection=collection, tag=tag)
    return papers_named(question, store=store, records=records, scope=scope) if scope else {}


# Where a question turns from one paper to the next: "…, and on what GPU does FlashAttention …", "… versus Lee et
# al.'s …", "…? And …".
_TURN = re.compile(r",\s*(?:and|while|whereas|but)\s+|;\s*|\?\s+|\s+(?:versus|vs\.?|compared (?:with|to))\s+",
                   re.IGNORECASE)  # fmt: skip


def _mentions(text: str, names: list[str]) -> bool:
    return any(_pattern(name).search(text) for name in names)


def about_paper(question: str, named: dict[str, list[str]], paper_id: str) -> str:
    """What ``question`` asks of one of the papers it names, for searching that paper: the part of a question of
    several parts that names only this paper ("How much memory does QLoRA save …, and on what GPU does
    FlashAttention report its speedups?" -> "on what GPU does report its speedups?" for FlashAttention), else the
    whole question; without the named papers' names either way (inside one paper its own name matches everywhere,
    and another paper's name draws its mentions of that paper)."""
    cuts = [0] + [m.start() for m in _TURN.finditer(question)] + [len(question)]
    parts = [question[a:b] for a, b in zip(cuts, cuts[1:])]
    own, about = [], set()
    for part in parts:  # a part that names no paper goes on about the one before ("…, compared with 16-bit …")
        about = {other for other, names in named.items() if _mentions(part, names)} or about
        if about == {paper_id}:
            own.append(part)
    joined = "".join(own) if len(parts) > 1 else ""
    turn = _TURN.match(joined)
    text = _without_names(joined[turn.end() if turn else 0 :], named)
    return text if tokens(_TURN.sub(" ", text)) else (_without_names(question, named) or question)


def _without_names(text: str, named: dict[str, list[str]]) -> str:
    for names in named.values():
        for name in sorted(names, key=len, reverse=True):
            text = re.sub(_pattern(name).pattern + r"(?:'s|’s)?", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text).strip(" ,;")
    return text if tokens(text) else ""

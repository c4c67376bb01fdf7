"""Where a paper's own code is: the link it prints for its implementation, not a tool or baseline it used.

A paper prints many links — data sets, baselines' repositories, libraries it used — and its own code is often in a
footnote after page 2 or in the conclusion ("The code we used … is available at https://github.com/tensorflow/…")
or is not on GitHub at all ("goo.gl/language/bert", "http://nlp.stanford.edu/projects/glove/").  A link counts as
the paper's own when the words printed just before it say that code is released ("code … is available at",
"we release", "our implementation") or when its path carries one of the paper's own names
("github.com/allenai/longformer"); a tool the authors used ("Our implementation uses Apex's FMHA code (https://…)")
or a data set's link ("The dataset is available at …") does not.
Links in the reference list do not count, unless a release cue stands before them (a footnote printed below the
list on the page where the references start).
No link meeting the rule: none — a wrong repository in a comparison table is worse than "not found".

The cue words were written from train-split papers (Bahdanau et al., FlashAttention, Reformer, GPT-2, XLNet, ERNIE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.cues import RELEASES, URL
from ..text.facts import tokenize

_DATA = re.compile(r"\b(datasets?|data sets?|corpus|corpora|benchmarks?|leaderboard|results)\b", re.IGNORECASE)
_NOT_CODE = re.compile(r"(arxiv\.org|doi\.org|aclweb|aclanthology|openreview|proceedings|neurips\.cc|\.pdf$|"
                       r"leaderboard|huggingface\.co/datasets|wikipedia)", re.IGNORECASE)  # fmt: skip
BEFORE_CHARS = 120  # how far before a link its cue words are looked for
OWN_AT = 2  # score a link needs: a release cue, or one of the paper's names in its path


@dataclass(frozen=True)
class CodeLink:
    url: str
    page: int  # 1-based page where it is printed
    context: str  # the words printed before it (up to BEFORE_CHARS), whitespace collapsed


def _mended(page_text: str) -> str:
    """The page's text with links broken across lines joined ("https://github.com/\\ntensorflow/…", "http://nlp.\\n
    stanford.edu/…")."""
    text = page_text.replace("\u00ad", "")
    text = re.sub(r"((?:https?://|www\.|github\.com/)[^\s]*?(?:/|\.|-|_))[ \t]*\n[ \t]*(?=[\w/])", r"\1", text)
    return re.sub(r"(https?:)[ \t]*\n[ \t]*//", r"\1//", text)


def _url_names(url: str) -> set[str]:
    path = re.sub(r"^(https?://)?(www\.)?", "", url).split("/", 1)[-1].lower()
    parts = [p for p in re.split(r"[/._\-]+", path) if p]
    return {*parts, path.replace("-", "").replace("_", "").split("/")[-1]} | {re.sub(r"[-_]", "", p) for p in path.split("/")}


def _score(url: str, before: str, own_names: frozenset[str]) -> int:
    if _NOT_CODE.search(url):
        return 0
    near = before[-BEFORE_CHARS:]
    released = bool(RELEASES.search(near))
    data = bool(_DATA.search(near[-60:]))  # "The dataset is available at …"
    named = bool(own_names & {t.key for t in tokenize(" ".join(_url_names(url)))})
    repository = bool(re.search(r"(github|gitlab)\.com/|goo\.gl/", url, re.IGNORECASE))
    if not (repository or released):
        return 0
    return 2 * released + 2 * named - 3 * data + (1 if repository else 0) - 1


def own_code_link(page_texts: list[str] | tuple[str, ...], references_page: int | None,
                  own_names: frozenset[str]) -> CodeLink | None:  # fmt: skip
    """The paper's own code link (see the module docstring), first best, or None."""
    last = references_page or len(page_texts)
    best: tuple[int, CodeLink] | None = None
    for number, page_text in enumerate(page_texts[:last], 1):
        text = _mended(page_text)
        start = _references_start(text) if number == references_page else len(text)
        for match in URL.finditer(text):
            url = re.sub(r"\.(\d{1,2}|[A-Z]\S*)$", "", match.group().rstrip(".,;:"))  # a footnote mark, a glued word
            before = " ".join(text[max(0, match.start() - 2 * BEFORE_CHARS) : match.start()].split())
            score = _score(url, before, own_names)
            if match.start() >= start and not RELEASES.search(before[-BEFORE_CHARS:]):
                continue  # a reference's URL; a footnote below the list that releases code still counts
            if score >= OWN_AT and (best is None or score > best[0]):
                best = (score, CodeLink(_normal_url(url), number, before[-BEFORE_CHARS:].strip()))
    return best[1] if best else None


def _references_start(text: str) -> int:
    match = re.search(r"^\s*(references|bibliography)\s*$", text, re.IGNORECASE | re.MULTILINE)
    return match.start() if match else 0


def _normal_url(url: str) -> str:
    if url.lower().startswith(("http://", "https://")):
        return url
    return "https://" + url


def paper_code_link(paper) -> CodeLink | None:
    """The :class:`~paperpal.model.Paper`'s own code link (:func:`own_code_link`, its title's names as its own): the
    one definition the reading note's "Code" line and the comparison table's code column share."""
    from .passages import title_names

    return own_code_link(paper.page_texts, paper.references_page, title_names(paper.title or ""))

"""The names a paper's title gives it ("QLoRA: Efficient Finetuning …" → qlora; "Latent Dirichlet Allocation" →
lda): how a question names a paper (:mod:`paperpal.index.named_papers`) and how a note tells the paper's own model from
the one it improves on (:mod:`paperpal.tasks.note_plan`)."""

from __future__ import annotations

import re


def _initials(words: list[str]) -> str:
    return "".join(part[0] for word in words for part in word.split("-") if part)


def title_names(title: str) -> set[str]:
    """The names a title gives its paper, case-folded: the part before a colon (or a title of up to three words)
    with and without a plural "s", and the initials of each whole run of two or more capitalised words (a leading
    article aside)."""
    head = title.split(":")[0].strip() if ":" in title else title.strip() if len(title.split()) <= 3 else ""
    names = {head.casefold(), head.casefold().removesuffix("s")} - {""}
    runs, run = [], []
    for word in re.findall(r"[\w-]+", title):
        if word[:1].isupper():
            run.append(word)
        elif word.lower() not in ("of", "for", "and") or not run:
            runs.append(run)
            run = []
    runs.append(run)
    for run in runs:
        run = run[1:] if run and run[0] in ("A", "An", "The") else run
        if len(run) >= 2:
            names.add(_initials(run).casefold())
    return names

"""A related-work draft (:class:`paperpal.tasks.review.Review`) as Markdown: every sentence ends with its verified
citations, "[Vaswani 2017, p. 3]", each linked to that page of the PDF."""

from __future__ import annotations

from pathlib import Path

from ..tasks.compare import NOT_FOUND
from ..tasks.review import Review, ReviewSentence
from .table import page_link, to_markdown

INTRO = {
    ("en", "extractive"): "A structured, extractive draft: each paper's own sentences for each part, quoted, and the "
    "specific terms several papers share. Nothing is paraphrased; every citation was found verbatim on its page.",
    ("en", "endpoint"): "Written by {model} from each paper's own sentences; every sentence passed PaperPal's support "
    "check against the quotes it cites (a rejected one was replaced by the paper's own words), and every citation "
    "was found verbatim on its page.",
    ("zh", "extractive"): "结构化的摘录式草稿：每一部分列出各论文的原句（保持原文语言）及多篇论文共有的术语，不做改写；"
    "每条引用都已在所注页码逐字核对。",
    ("zh", "endpoint"): "由 {model} 根据各论文的原句写成；每句都通过了 PaperPal 对其所引原句的支持检查（未通过的换成论文原句），"
    "每条引用都已在所注页码逐字核对。",
}


def _marks(sentence: ReviewSentence, lang: str) -> str:
    """Each citation printed as "[Vaswani 2017, p. 3]" (escaped brackets) and linked to that page of the PDF."""
    return " ".join(f"[\\[{c.mark(lang)[1:-1]}\\]]({page_link(c.path, c.page)})" for c in sentence.citations)


def review_markdown(review: Review, *, with_table: bool = True) -> str:
    zh = review.lang == "zh"
    lines = [f"# {'相关工作' if zh else 'Related work'}: " + "; ".join(p["label"] for p in review.papers), "",
             INTRO[(review.lang if zh else "en", review.mode)].format(model=review.model), ""]  # fmt: skip
    for part in review.parts:
        lines += [f"## {part.title}", ""]
        for sentence in part.sentences:
            lines.append(f"- {sentence.text} {_marks(sentence, review.lang)}")
        if part.not_found:
            missing = ", ".join(part.not_found)
            lines.append(f"- *{'未找到' if zh else NOT_FOUND}: {missing}*")
        lines.append("")
    if with_table and review.table.rows:
        table = to_markdown(review.table).split("\n", 1)[1]  # the table without its own heading
        lines += [f"## {'对比表' if zh else 'Comparison table'}", table]
    if review.table.failed and not (with_table and review.table.rows):
        lines += ["", "Not reviewed:" if not zh else "未能读取：",
                  *(f"- {Path(path).name}: {reason}" for path, reason in review.table.failed)]  # fmt: skip
    return "\n".join(lines).rstrip() + "\n"

"""What the parser understood, as data (``paperpal parse --json``) and as text (the same data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model import Paper

REPORT_VERSION = 1


def parse_report(paper: Paper) -> dict[str, Any]:
    """Metadata, the section outline with pages, and counts.  Stable: documented in docs/json.md."""
    sections = [
        {"number": s.number, "title": s.title, "level": s.level, "page_start": s.page_start, "page_end": s.page_end}
        for s in paper.all_sections()
    ]
    figures = sum(1 for c in paper.captions if c.kind == "figure")
    return {
        "report_version": REPORT_VERSION,
        "file": Path(paper.path).name,
        "id": paper.id,
        "title": paper.title,
        "authors": paper.authors,
        "year": paper.year,
        "venue": paper.venue,
        "doi": paper.doi,
        "arxiv_id": paper.arxiv_id,
        "url": paper.url,
        "code_url": paper.code_url,
        "keywords": paper.keywords,
        "language": paper.language,
        "text_status": paper.text_status,
        "page_count": paper.page_count,
        "has_outline": paper.has_outline,
        "references_page": paper.references_page,
        "abstract": paper.abstract,
        "sections": sections,
        "captions": [{"label": c.label, "page": c.page} for c in paper.captions],
        "counts": {
            "pages": paper.page_count,
            "sections": len(sections),
            "chunks": len(paper.chunks),
            "figures": figures,
            "tables": len(paper.captions) - figures,
            "words": len(paper.full_text.split()),
        },
    }


def _value(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def format_parse_report(report: dict[str, Any]) -> str:
    """The human form of :func:`parse_report`: every field of the JSON, one per line."""
    lines = [f"{report['file']}  (id {report['id']})"]
    for key in ("title", "authors", "year", "venue", "doi", "arxiv_id", "url", "code_url", "keywords",
                "language", "text_status", "page_count", "has_outline", "references_page"):
        lines.append(f"{key + ':':<17}{_value(report[key])}")
    abstract = report["abstract"]
    lines.append(f"{'abstract:':<17}{_value(abstract[:300] + ('…' if len(abstract) > 300 else ''))}")
    lines.append("")
    lines.append("sections:")
    for s in report["sections"]:
        label = f"{s['number']} {s['title']}" if s["number"] else s["title"]
        pages = f"p. {s['page_start']}" if s["page_start"] == s["page_end"] else f"pp. {s['page_start']}–{s['page_end']}"
        lines.append(f"{'  ' * s['level']}{label}  [{pages}]")
    lines.append("")
    lines.append("captions: " + _value([f"{c['label']} (p. {c['page']})" for c in report["captions"]]))
    lines.append("counts:   " + ", ".join(f"{k} {v}" for k, v in report["counts"].items()))
    return "\n".join(lines) + "\n"

"""Markdown to HTML for display (the desktop app's note view): markdown-it-py, CommonMark plus tables.

Raw HTML in the text is escaped, never passed through: a model's output is shown as text, so it
cannot inject markup, scripts or remote images into the window.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


# A paragraph wrapped in <sub>…</sub> (the provenance line of PaperPal's note templates) is shown as small
# print; only that wrapper is turned back into markup, everything inside stays escaped.
_SUB_PARAGRAPH = re.compile(r"<p>&lt;sub&gt;(.*?)&lt;/sub&gt;</p>", re.DOTALL)


def markdown_html(text: str) -> str:
    """``text`` (Markdown) rendered to an HTML fragment, with any raw HTML escaped."""
    return _SUB_PARAGRAPH.sub(r"<p><small>\1</small></p>", _renderer().render(text))

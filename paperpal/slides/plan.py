"""Which parts of the paper become content slides, the figure each shows, and the agenda.

One content slide per part of the paper: top-level sections (abstract, acknowledgements and appendices left out),
split into sub-sections or merged with their neighbours until the talk length fits, about one slide per 1.75
minutes, at least five (:func:`plan_units`); each takes the figure or table its text mentions, else one on its pages
(:func:`pick_figure`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Caption, Paper, Section
from ..tasks.paper_text import body_sections
from ..text import normalise, sentences
from ..text.section_kinds import is_framing_title
from .labels import LABELS
from .model import FigureRef
from .words import MENTION

MINUTES_PER_SLIDE = 1.75  # the middle of the usual 1.5-2 minutes per content slide
MIN_CONTENT, MAX_CONTENT = 5, 20


@dataclass
class Unit:
    """The part of the paper one content slide covers."""

    sections: list[Section]
    text: str
    part: str = ""  # "1/2" when one section's text is split over two slides

    @property
    def page_start(self) -> int:
        return min(s.page_start for s in self.sections)

    @property
    def page_end(self) -> int:
        return max(s.page_end for s in self.sections)

    @property
    def label(self) -> str:
        label = " · ".join(s.label or "" for s in self.sections).strip(" ·")
        return f"{label} ({self.part})" if self.part else label


def _subtree_text(section: Section) -> str:
    return "\n".join(s.text for s in section.walk() if s.text)


def content_count(minutes: int) -> int:
    """Content slides for a talk of ``minutes`` (one per ~1.75 minutes, at least five)."""
    return max(MIN_CONTENT, min(MAX_CONTENT, round(minutes / MINUTES_PER_SLIDE)))


def _split_text(unit: Unit, parts: int) -> list[Unit]:
    """One unit's text over ``parts`` slides, cut between sentences (labelled "1/3", "2/3"...)."""
    sents = sentences(unit.text, semicolons=True)
    parts = max(1, min(parts, len(sents) // 2))
    size = -(-len(sents) // parts)
    chunks = [" ".join(sents[i : i + size]) for i in range(0, len(sents), size)]
    return [Unit(unit.sections, c, f"{k}/{len(chunks)}" if len(chunks) > 1 else "") for k, c in enumerate(chunks, 1)]


def plan_units(paper: Paper, count: int) -> list[Unit]:
    """The parts of the paper the content slides cover, in document order (see the module docstring)."""
    tops: list[Section] = []
    for section, top in body_sections(paper):
        if section is top and not is_framing_title(top.title.strip()):
            tops.append(top)
    units = [Unit([s], _subtree_text(s)) for s in tops if _subtree_text(s).strip()]
    if not units and paper.full_text.strip():
        whole = Section(
            None, LABELS.get(paper.language, LABELS["en"])["whole"], 1, 1, paper.page_count, paper.full_text
        )
        units = [Unit([whole], paper.full_text)]
    while len(units) < count:
        splittable = [u for u in units if len(u.sections) == 1 and len(u.sections[0].children) >= 2 and not u.part]
        if splittable:
            unit = max(splittable, key=lambda u: len(u.text))
            if len(unit.text) >= 1200 or not any(len(u.text) >= 1200 for u in units):
                at = units.index(unit)
                parent = unit.sections[0]
                parts = [Unit([c], _subtree_text(c)) for c in parent.children if _subtree_text(c).strip()]
                if parent.text.strip() and len(parent.text) >= 400:
                    parts.insert(0, Unit([Section(parent.number, parent.title, parent.level, parent.page_start,
                                                  parent.page_start, parent.text)], parent.text))  # fmt: skip
                elif parts and parent.text.strip():
                    parts[0].text = parent.text + "\n" + parts[0].text
                units[at : at + 1] = parts
                continue
        whole = [  # long sections are split for a long talk; short ones only to reach the minimum
            u for u in units
            if not u.part and len(sentences(u.text, semicolons=True)) >= 4
            and (len(u.text) >= 2400 or len(units) < MIN_CONTENT)
        ]  # fmt: skip
        if not whole:
            break
        longest = max(whole, key=lambda u: len(u.text))
        at = units.index(longest)
        units[at : at + 1] = _split_text(longest, min(count - len(units) + 1, 2 if len(units) > 1 else count))
    while len(units) > count:
        pairs = range(len(units) - 1)
        i = min(pairs, key=lambda k: len(units[k].text) + len(units[k + 1].text))
        a, b = units[i], units[i + 1]
        units[i : i + 2] = [Unit(a.sections + b.sections, a.text + "\n" + b.text)]
    return units


def _mentioned(text: str) -> list[str]:
    """The figures and tables ``text`` mentions ("Figure 2", "Table 1"), first mention first."""
    seen: list[str] = []
    for kind, num in MENTION.findall(text):
        label = f"{'Table' if kind.lower().startswith('tab') else 'Figure'} {num}"
        if label not in seen:
            seen.append(label)
    return seen


def pick_figure(unit: Unit, captions: list[Caption], used: set[str], usable: Callable[[Caption], bool]):
    """The figure a slide shows: one its text mentions, else one on its pages; never one ``used`` already."""
    by_label = {c.label: c for c in captions}
    candidates = [by_label[l] for l in _mentioned(unit.text) if l in by_label]
    candidates += [c for c in captions if unit.page_start <= c.page <= unit.page_end and c not in candidates]
    for c in candidates:
        if c.label not in used and usable(c):
            used.add(c.label)
            return FigureRef(c.label, c.kind, c.page, normalise(c.text))
    return None


def agenda(units: list[Unit]) -> list[str]:
    """The agenda items: the slides' sections, or their top-level sections when there are many."""
    items = []
    for unit in units:
        label = unit.sections[0].label if len(units) <= 8 else unit.sections[0].label.split(".")[0]
        if len(units) > 8:  # one item per top-level section number ("3" for 3.1 and 3.2)
            head = unit.sections[0].number.split(".")[0] if unit.sections[0].number else None
            label = next((i for i in items if head and i.split(" ")[0] == head), None) or unit.sections[0].label
        if label not in items:
            items.append(label)
    return items

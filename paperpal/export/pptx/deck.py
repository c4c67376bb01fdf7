"""An :class:`~paperpal.slides.model.Outline` becomes an editable .pptx deck in a template.

Slides, in order: the cover (title, authors, venue and year, presenter), the agenda, one content
slide per outline slide (title, a source line naming section and pages, the details, the question,
and the paper's own figure with its caption and a source line), the summary with numbered core
points.  Every slide carries speaker notes.  Text is measured (:mod:`.fit`) and set at the largest
size that fits its box (body never below 14 pt), shortened when even that does not fit; no text
is left to PowerPoint's autofit, and no placeholder is left empty.  Shapes PaperPal adds are
named ``PaperPal <role>`` so a deck can be read back (tests, digests).  The deck's core
properties record the model, prompt and settings that made it.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from ... import __version__
from ...errors import InputFileError
from ...home import atomic_write_bytes
from ...slides.labels import LABELS, pages_text
from ...slides.model import ContentSlide, Outline
from .fit import Para, best_size, fit_texts, shorten, text_width
from .template import LayoutInfo, Template, open_template

EMU_PER_PT = 12700
MARGIN = Inches(0.08)  # text-frame insets set on every text PaperPal writes
BULLET_INDENT = 30.0  # points a bullet and its hanging indent take (templates use 0.25-0.4 in)
BODY_SIZES = (22, 20, 18, 16, 14)
TITLE_SIZES = (32, 30, 28, 26, 24, 22, 20)
SMALL_SIZES = (16, 15, 14)
ACCENT = RGBColor(0x2E, 0x75, 0xB6)
MUTED = RGBColor(0x59, 0x59, 0x59)
GAP = Inches(0.12)


def pt(emu: int) -> float:
    return emu / EMU_PER_PT


@dataclass
class Box:
    left: int
    top: int
    width: int
    height: int

    @classmethod
    def of(cls, shape) -> Box:
        return cls(shape.left, shape.top, shape.width, shape.height)

    def inner(self) -> tuple[float, float]:
        """Width and height in points inside the text-frame insets."""
        return pt(self.width - 2 * MARGIN), pt(self.height - 2 * MARGIN)


def _frame(tf, anchor=MSO_ANCHOR.TOP) -> None:
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = MARGIN
    tf.vertical_anchor = anchor


def _no_bullet(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", "0")
    ppr.set("indent", "0")
    for old in ppr.findall(qn("a:buNone")):
        ppr.remove(old)
    ppr.insert(0, ppr.makeelement(qn("a:buNone"), {}))


def _write(tf, texts: list[str], size: float, *, bullets: bool = False, bold: bool = False, color=None,
           italic: bool = False, space: float = 0.3) -> None:  # fmt: skip
    """Replace the text of ``tf`` with one paragraph per text, every run sized explicitly."""
    _frame(tf)
    tf.text = ""
    for k, text in enumerate(texts):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        if not bullets:
            _no_bullet(p)
        p.space_before = Pt(size * space) if k else Pt(0)
        p.line_spacing = 1.0
        run = p.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        if color is not None:
            run.font.color.rgb = color


def _fitted(tf, box: Box, texts: list[str], sizes, *, bullets: bool = False, bold: bool = False, **style) -> float:
    width, height = box.inner()
    fitted, size = fit_texts(texts, width, height, sizes, indent=BULLET_INDENT if bullets else 0.0, bold=bold)
    _write(tf, fitted, size, bullets=bullets, bold=bold, **style)
    return size


QUESTION_SIZES = (20, 18, 16, 14)


def _fit_question(text: str, width: int) -> tuple[str, float, int]:
    """The question, its size and the box height (0.95-1.55 in): it grows before it is shortened,
    and a shortened question still ends with its question mark."""
    inner_w = pt(width - 2 * MARGIN)
    for height_in in (0.95, 1.25, 1.55):
        inner_h = pt(Inches(height_in) - 2 * MARGIN)
        size = best_size([Para(text, bold=True)], inner_w, inner_h, QUESTION_SIZES)
        if size is not None:
            return text, size, Inches(height_in)
    mark = "？" if text.endswith("？") else "?"
    while len(text) > 12:
        text = shorten(text.rstrip("?？…"), int(len(text) * 0.85)).rstrip("…") + "…" + mark
        if best_size([Para(text, bold=True)], inner_w, inner_h, QUESTION_SIZES[-1:]) is not None:
            break
    return text, QUESTION_SIZES[-1], Inches(1.55)


def _textbox(slide, box: Box, name: str):
    shape = slide.shapes.add_textbox(Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height))
    shape.name = name
    return shape


def _placeholder(slide, layout_ph):
    if layout_ph is None:
        return None
    idx = layout_ph.placeholder_format.idx
    return next((ph for ph in slide.placeholders if ph.placeholder_format.idx == idx), None)


def _drop_empty_placeholders(slide, keep: set[int]) -> None:
    """No empty "Click to add text" boxes: remove every placeholder PaperPal did not fill."""
    for ph in list(slide.placeholders):
        if ph.shape_id not in keep:
            ph._element.getparent().remove(ph._element)


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


class DeckBuilder:
    """Adds slides for outlines to one template; ``save()`` writes the .pptx atomically."""

    def __init__(self, template: Template):
        self.t = template
        self.prs = template.prs

    # -- geometry -------------------------------------------------------------------------------
    def _title_box(self, info: LayoutInfo) -> Box:
        if info.title is not None:
            return Box.of(info.title)
        return Box(Inches(0.6), Inches(0.3), self.t.width - Inches(1.2), Inches(1.0))

    def _body_box(self, info: LayoutInfo) -> Box:
        if info.body is not None:
            return Box.of(info.body)
        title = self._title_box(info)
        top = title.top + title.height + GAP
        return Box(title.left, top, title.width, self.t.height - top - Inches(0.5))

    def _new_slide(self, info: LayoutInfo, title: str, sizes=TITLE_SIZES):
        slide = self.prs.slides.add_slide(info.layout)
        filled: set[int] = set()
        ph = _placeholder(slide, info.title)
        if ph is None:
            ph = _textbox(slide, self._title_box(info), "PaperPal Title")
        else:
            filled.add(ph.shape_id)
        _fitted(ph.text_frame, Box.of(ph), [title], sizes, bold=True)
        return slide, filled

    def _body(self, slide, info: LayoutInfo, filled: set[int], box: Box | None = None):
        ph = _placeholder(slide, info.body)
        if ph is None:
            return _textbox(slide, box or self._body_box(info), "PaperPal Body")
        filled.add(ph.shape_id)
        if box is not None:
            ph.left, ph.top, ph.width, ph.height = Emu(box.left), Emu(box.top), Emu(box.width), Emu(box.height)
        return ph

    # -- slides ---------------------------------------------------------------------------------
    def cover(self, outline: Outline, notes: str, *, presenter_line: bool = True) -> None:
        info = self.t.cover
        t = LABELS[outline.language]
        slide, filled = self._new_slide(info, outline.paper_title, sizes=(40, 36, 32, 28, 24, 20))
        venue = " ".join(str(v) for v in (outline.venue, outline.year) if v)
        presenter = outline.presenter or ("[姓名]" if outline.language == "zh" else "[your name]")
        lines = [shorten(", ".join(outline.authors) or outline.authors_short, 300), venue,
                 f"{t['presenter']}: {presenter}"]  # fmt: skip
        lines = [line for line in lines[: None if presenter_line else 2] if line]
        ph = _placeholder(slide, info.subtitle) or _placeholder(slide, info.body)
        if ph is None:
            title = self._title_box(info)
            box = Box(title.left, title.top + title.height + GAP, title.width, Inches(1.6))
            ph = _textbox(slide, box, "PaperPal Subtitle")
        else:
            filled.add(ph.shape_id)
        _fitted(ph.text_frame, Box.of(ph), lines, (24, 22, 20, 18, 16, 14), color=MUTED)
        _drop_empty_placeholders(slide, filled)
        _notes(slide, notes)

    def list_slide(self, title: str, items: list[str], notes: str, numbered: bool = True) -> None:
        info = self.t.content
        slide, filled = self._new_slide(info, title)
        body = self._body(slide, info, filled)
        texts = [f"{i}. {item}" for i, item in enumerate(items, 1)] if numbered else items
        _fitted(body.text_frame, Box.of(body), texts, BODY_SIZES)
        _drop_empty_placeholders(slide, filled)
        _notes(slide, notes)

    def content(self, outline: Outline, slide_data: ContentSlide, figure=None) -> None:
        """A content slide; ``figure`` is a :class:`~paperpal.pdf.figures.Figure` or None."""
        info = self.t.content
        lang = outline.language
        t = LABELS[lang]
        slide, filled = self._new_slide(info, slide_data.title)
        area = self._body_box(info)
        source_h = Inches(0.5)  # one line at 14 pt, CJK line height included
        source = _textbox(slide, Box(area.left, area.top, area.width, source_h), "PaperPal Source")
        pages = pages_text(slide_data.page_start, slide_data.page_end, lang)
        width = Box.of(source).inner()[0]
        section = slide_data.section
        while len(section) > 12 and text_width(f"{t['section']}: {section} · {pages}", SMALL_SIZES[-1]) > width:
            section = shorten(section, int(len(section) * 0.85))  # shorten the label, never the pages
        _fitted(source.text_frame, Box.of(source), [f"{t['section']}: {section} · {pages}"], SMALL_SIZES,
                italic=True, color=ACCENT)  # fmt: skip
        q_text, q_size, question_h = _fit_question(f"{t['question']}: {slide_data.question}", area.width)
        q_box = Box(area.left, area.top + area.height - question_h, area.width, question_h)
        question = _textbox(slide, q_box, "PaperPal Question")
        _write(question.text_frame, [q_text], q_size, bold=True, color=ACCENT)
        middle = Box(area.left, area.top + source_h + GAP // 2, area.width, area.height - source_h - question_h - GAP)
        text_box = middle
        picture_ph = _placeholder(slide, info.picture)
        if figure is not None:
            if picture_ph is not None:
                fig_box = Box.of(picture_ph)
            else:
                split = int(middle.width * 0.52)
                text_box = Box(middle.left, middle.top, split, middle.height)
                fig_box = Box(middle.left + split + GAP, middle.top, middle.width - split - GAP, middle.height)
            self._figure(slide, fig_box, figure, outline, lang)
        body = self._body(slide, info, filled, text_box)
        _fitted(body.text_frame, text_box, slide_data.details, BODY_SIZES, bullets=True)
        _drop_empty_placeholders(slide, filled)
        _notes(slide, slide_data.notes)

    def _figure(self, slide, box: Box, figure, outline: Outline, lang: str) -> None:
        caption_h = Inches(0.95)
        room = Box(box.left, box.top, box.width, box.height - caption_h)
        scale = min(room.width / figure.width_px, room.height / figure.height_px)
        w, h = int(figure.width_px * scale), int(figure.height_px * scale)
        left, top = room.left + (room.width - w) // 2, room.top + (room.height - h) // 2
        pic = slide.shapes.add_picture(io.BytesIO(figure.png), Emu(left), Emu(top), Emu(w), Emu(h))
        pic.name = f"PaperPal Figure: {figure.label}"
        cap_box = Box(box.left, top + h + Inches(0.04), box.width, caption_h)
        caption = _textbox(slide, cap_box, "PaperPal Caption")
        where = f"{figure.label}, {pages_text(figure.page, figure.page, lang)}"
        first = shorten(figure.caption.text.split(". ")[0], 90)
        texts = [first, f"{where} — {shorten(outline.paper_title, 60)}"]
        _fitted(caption.text_frame, cap_box, texts, (14,), color=MUTED, space=0.1)

    # -- output ---------------------------------------------------------------------------------
    def set_properties(self, title: str, provenance: dict, presenter: str | None) -> None:
        props = self.prs.core_properties
        props.title = shorten(title, 250)
        props.subject = "Group-meeting slides"
        props.author = presenter or "PaperPal"
        props.last_modified_by = f"PaperPal {__version__}"
        props.keywords = "paperpal; group meeting"
        props.category = "PaperPal deck"
        short = {k: provenance[k] for k in ("backend", "model", "prompt", "settings") if k in provenance}
        props.comments = shorten(json.dumps(short or provenance, ensure_ascii=False, sort_keys=True), 255)

    def save(self, path: Path) -> Path:
        buffer = io.BytesIO()
        self.prs.save(buffer)
        path = Path(path)
        try:
            atomic_write_bytes(path, buffer.getvalue())
        except OSError as exc:
            raise InputFileError(
                f"Cannot write the deck to {path}: {exc.strerror or exc}", hint="choose a writable -o path"
            ) from None
        return path


def provenance_line(p: dict, lang: str) -> str:
    settings = ", ".join(f"{k}={v}" for k, v in p.get("settings", {}).items())
    if lang == "zh":
        return (f"由 PaperPal {p.get('paperpal_version')} 生成:{p.get('backend')} 模型 {p.get('model')},"
                f"提示词 {p.get('prompt')},设置 {settings},来源 {p.get('source_file')}")  # fmt: skip
    return (f"Made by PaperPal {p.get('paperpal_version')}: {p.get('backend')} model {p.get('model')}, "
            f"prompt {p.get('prompt')}, settings {settings}, source {p.get('source_file')}")  # fmt: skip


def _cover_notes(outline: Outline) -> str:
    venue = " ".join(str(v) for v in (outline.venue, outline.year) if v)
    if outline.language == "zh":
        text = f"开场:介绍论文《{outline.paper_title}》({outline.authors_short}{',' + venue if venue else ''})。"
        text += f"本次汇报约 {outline.minutes} 分钟,共 {len(outline.slides)} 个部分。"
    else:
        text = f"Open: introduce “{outline.paper_title}” by {outline.authors_short or 'the authors'}"
        text += f"{' (' + venue + ')' if venue else ''}. The talk takes about {outline.minutes} minutes, "
        text += f"{len(outline.slides)} parts."
    return text + "\n\n" + provenance_line(outline.provenance, outline.language)


def _agenda_notes(outline: Outline) -> str:
    items = "; ".join(outline.agenda)
    if outline.language == "zh":
        return f"提纲:按论文结构讲 {len(outline.agenda)} 部分:{items}。"
    return f"Agenda: the talk follows the paper's structure in {len(outline.agenda)} parts: {items}."


def _summary_notes(outline: Outline) -> str:
    points = "\n".join(f"{i}. {p}" for i, p in enumerate(outline.summary, 1))
    if outline.language == "zh":
        return f"总结核心要点(出处:摘要与结论):\n{points}\n然后请大家提问和讨论。"
    return (
        f"Sum up the core points (from the abstract and the conclusion):\n{points}\nThen open the floor for questions."
    )


def add_outline(builder: DeckBuilder, outline: Outline, cropper=None) -> None:
    """Cover, agenda, content slides and summary for one outline."""
    t = LABELS[outline.language]
    builder.cover(outline, _cover_notes(outline))
    builder.list_slide(t["agenda"], outline.agenda, _agenda_notes(outline))
    by_label = {c.label: c for c in (cropper.paper.captions if cropper else [])}
    for slide in outline.slides:
        figure = None
        if slide.figure and cropper is not None and slide.figure.label in by_label:
            figure = cropper.figure(by_label[slide.figure.label])
        builder.content(outline, slide, figure)
    builder.list_slide(t["summary"], outline.summary, _summary_notes(outline))


def build_deck(outline: Outline, output: Path, *, template: str | Path | None = None, cropper=None) -> Path:
    """Write the deck for ``outline`` to ``output`` (a .pptx); ``cropper`` supplies the paper's figures."""
    builder = DeckBuilder(open_template(template))
    add_outline(builder, outline, cropper)
    builder.set_properties(outline.paper_title, outline.provenance, outline.presenter)
    return builder.save(output)

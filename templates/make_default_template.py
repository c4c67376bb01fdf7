"""Build ``templates/group-meeting.pptx``, the default group-meeting template, from python-pptx's own.

Run ``python templates/make_default_template.py`` after changing it; the output is committed so
that an install needs no build step, and a test checks it is what this script makes.

Design: 16:9 (13.333 x 7.5 in), white, a dark-blue title with an accent bar, dark-grey body.
Fonts that exist everywhere: Latin "Arial" (Windows, macOS; Liberation Sans is its metric twin on
Linux) and East Asian "Microsoft YaHei" (Windows; PowerPoint on macOS substitutes PingFang SC,
LibreOffice on Linux falls back to Noto Sans CJK SC), set as the theme's major and minor fonts,
so every text inherits them.  Layout names are PowerPoint's usual ones ("Title Slide",
"Title and Content", ...); PaperPal finds layouts by name and placeholder type.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches

OUT = Path(__file__).resolve().parent / "group-meeting.pptx"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
LATIN, EAST_ASIAN = "Arial", "Microsoft YaHei"
TITLE_COLOR, BODY_COLOR, ACCENT = RGBColor(0x1F, 0x38, 0x64), RGBColor(0x33, 0x33, 0x33), RGBColor(0x2E, 0x75, 0xB6)
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _scale_x(shapes, factor: float) -> None:
    for shape in shapes:
        xfrm = shape._element.find(".//" + qn("a:xfrm"))
        if xfrm is None or xfrm.find(qn("a:off")) is None:
            continue
        off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
        off.set("x", str(int(int(off.get("x")) * factor)))
        ext.set("cx", str(int(int(ext.get("cx")) * factor)))


def _set_fonts(theme_xml: bytes) -> bytes:
    root = etree.fromstring(theme_xml)
    for group in ("majorFont", "minorFont"):
        font = root.find(f".//{{{A}}}{group}")
        font.find(f"{{{A}}}latin").set("typeface", LATIN)
        font.find(f"{{{A}}}ea").set("typeface", EAST_ASIAN)
        for script in font.findall(f"{{{A}}}font"):
            if script.get("script") in ("Hans", "Hant"):
                script.set("typeface", EAST_ASIAN if script.get("script") == "Hans" else "Microsoft JhengHei")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _style(level_props, size: int, color: RGBColor, bold: bool = False) -> None:
    rpr = level_props.find(qn("a:defRPr"))
    rpr.set("sz", str(size * 100))
    if bold:
        rpr.set("b", "1")
    for fill in rpr.findall(qn("a:solidFill")):
        rpr.remove(fill)
    fill = etree.SubElement(rpr, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=str(color))
    rpr.insert(0, fill)


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def build(out: Path = OUT) -> Path:
    prs = Presentation()
    factor = WIDTH / prs.slide_width
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    master = prs.slide_master
    _scale_x(master.shapes, factor)
    for layout in prs.slide_layouts:
        _scale_x(layout.shapes, factor)
    theme = master.part.part_related_by(RT.THEME)
    theme._blob = _set_fonts(theme.blob)

    for ph in master.placeholders:  # title on top, body below, footer band at the bottom
        kind = ph.placeholder_format.type
        if ph.placeholder_format.idx == 0:
            _place(ph, Inches(0.75), Inches(0.35), Inches(11.85), Inches(1.0))
        elif ph.placeholder_format.idx == 1:
            _place(ph, Inches(0.75), Inches(1.55), Inches(11.85), Inches(5.25))
        elif kind is not None:
            ph.top = Inches(6.95)
    styles = master._element.find(qn("p:txStyles"))
    _style(styles.find(qn("p:titleStyle")).find(qn("a:lvl1pPr")), 30, TITLE_COLOR, bold=True)
    body = styles.find(qn("p:bodyStyle"))
    for level, size in (("a:lvl1pPr", 20), ("a:lvl2pPr", 18), ("a:lvl3pPr", 16)):
        _style(body.find(qn(level)), size, BODY_COLOR)
    title_pr = styles.find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    title_pr.set("algn", "l")

    # Decoration lives on the master: an accent bar left of the title and a rule above the footer.
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    bar = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.45), Inches(0.5), Inches(0.12), Inches(0.7))
    rule = scratch.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.45), Inches(6.85), Inches(12.43), Emu(12700))
    for shape, name in ((bar, "Accent Bar"), (rule, "Footer Rule")):
        shape.name = name
        shape.fill.solid()
        shape.fill.fore_color.rgb = ACCENT
        shape.line.fill.background()
        master.shapes._spTree.insert(2, copy.deepcopy(shape._element))
    sld_ids = prs.slides._sldIdLst
    rid = sld_ids[0].rId
    prs.part.drop_rel(rid)
    sld_ids.remove(sld_ids[0])

    cover = prs.slide_layouts.get_by_name("Title Slide")
    for ph in cover.placeholders:  # the cover: a large title, then authors / venue / presenter
        if ph.placeholder_format.idx == 0:
            _place(ph, Inches(0.75), Inches(1.9), Inches(11.85), Inches(1.9))
        elif ph.placeholder_format.idx == 1:
            _place(ph, Inches(0.75), Inches(4.0), Inches(11.85), Inches(2.4))
    content = prs.slide_layouts.get_by_name("Title and Content")
    for ph in content.placeholders:
        if ph.placeholder_format.idx in (0, 1):
            ph._element.spPr.remove(ph._element.spPr.find(qn("a:xfrm"))) if ph._element.spPr.find(
                qn("a:xfrm")
            ) is not None else None  # inherit the master's positions
    prs.core_properties.title = "PaperPal group-meeting template"
    prs.core_properties.author = "PaperPal"
    prs.core_properties.revision = 1
    prs.save(out)
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))

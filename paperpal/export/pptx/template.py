"""Opening a .pptx template and finding its layouts by name and placeholder type, never by index.

A lab template may call its layouts anything ("封面", "Inhalt", "Lab content") and hold any set of
placeholders, so each layout is described by what it holds (a title, a subtitle, body/content
placeholders, a picture placeholder) and scored: the *cover* wants a title and a subtitle, the
*content* layout a title and one large body; a familiar name ("Title Slide", "Title and
Content", "标题和内容"...) breaks ties.  Vertical-text layouts are never chosen.  A template with
no layout holding both a title and a body cannot carry a talk: :class:`ConfigError` names what is
missing and what the template has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError
from pptx.oxml.ns import qn

from ...errors import ConfigError, InputFileError
from ...resources import resource_path

DEFAULT_TEMPLATE = "group-meeting.pptx"
TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
BODY_TYPES = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}
_COVER_NAME = re.compile(r"title slide|cover|封面|标题幻灯片|title page|titel", re.IGNORECASE)
_CONTENT_NAME = re.compile(r"title and content|title, content|content|内容|正文|标题和内容|text|inhalt", re.IGNORECASE)
_VERTICAL = re.compile(r"vertical|竖排|垂直", re.IGNORECASE)


@dataclass
class LayoutInfo:
    layout: object  # pptx SlideLayout
    name: str
    title: object | None  # placeholder
    subtitle: object | None
    bodies: list  # body/object placeholders, largest first
    picture: object | None

    @property
    def body(self):
        return self.bodies[0] if self.bodies else None

    def describe(self) -> str:
        kinds = (["title"] if self.title is not None else []) + (["subtitle"] if self.subtitle is not None else [])
        kinds += ["body"] * len(self.bodies) + (["picture"] if self.picture is not None else [])
        return f"{self.name!r} [{', '.join(kinds) or 'no placeholders'}]"


def _vertical(ph) -> bool:
    body_pr = ph._element.find(".//" + qn("a:bodyPr"))
    return body_pr is not None and (body_pr.get("vert") or "horz") not in ("horz",)


def describe_layout(layout) -> LayoutInfo:
    title = subtitle = picture = None
    bodies = []
    for ph in layout.placeholders:
        kind = ph.placeholder_format.type
        if kind in TITLE_TYPES and title is None:
            title = ph
        elif kind == PP_PLACEHOLDER.SUBTITLE and subtitle is None:
            subtitle = ph
        elif kind in BODY_TYPES and not _vertical(ph):
            bodies.append(ph)
        elif kind == PP_PLACEHOLDER.PICTURE and picture is None:
            picture = ph
    bodies.sort(key=lambda p: -(p.width or 0) * (p.height or 0))
    return LayoutInfo(layout, layout.name, title, subtitle, bodies, picture)


@dataclass
class Template:
    """An opened template: the presentation (its sample slides removed) and the layouts to use."""

    path: Path
    prs: object  # pptx Presentation
    cover: LayoutInfo
    content: LayoutInfo

    @property
    def width(self) -> int:
        return self.prs.slide_width

    @property
    def height(self) -> int:
        return self.prs.slide_height


def _content_score(info: LayoutInfo, slide_area: int) -> float:
    if info.title is None or info.body is None or _VERTICAL.search(info.name):
        return -1
    area = (info.body.width or 0) * (info.body.height or 0) / max(1, slide_area)
    title_share = (info.title.width or 0) ** 2 / max(1, slide_area)  # a full-width title on top
    score = 10 + 10 * area + 3 * title_share - 6 * (len(info.bodies) - 1) - (1 if info.subtitle is not None else 0)
    return score + (3 if _CONTENT_NAME.search(info.name) else 0) - (3 if info.picture is not None else 0)


def _cover_score(info: LayoutInfo) -> float:
    if info.title is None or _VERTICAL.search(info.name):
        return -1
    score = 10 if info.subtitle is not None else (6 if info.body is not None else 2)
    return score + (5 if _COVER_NAME.search(info.name) else 0)


def _remove_slides(prs) -> None:
    """A lab template often carries sample slides: a generated deck starts empty."""
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


def open_template(path: str | Path | None = None) -> Template:
    """Open ``path`` (default: the bundled group-meeting template) and pick its cover and content layouts."""
    path = Path(path) if path else resource_path("templates", DEFAULT_TEMPLATE)
    if not path.is_file():
        raise InputFileError(f"Template not found: {path}", hint="give a .pptx file, or leave --template out")
    try:
        prs = Presentation(str(path))
    except (PackageNotFoundError, BadZipFile, KeyError, ValueError, OSError) as exc:  # what python-pptx raises
        hint = "save it as .pptx (a .potx template: open it and save as .pptx)"
        raise InputFileError(f"Not a usable PowerPoint .pptx file: {path} ({type(exc).__name__})", hint=hint) from None
    infos = [describe_layout(layout) for layout in prs.slide_layouts]
    area = prs.slide_width * prs.slide_height
    content = max(infos, key=lambda i: _content_score(i, area), default=None)
    if content is None or _content_score(content, area) < 0:
        found = "; ".join(i.describe() for i in infos) or "no layouts"
        raise ConfigError(
            f"Template {path.name} has no layout with both a title and a body/content placeholder (found: {found})",
            hint="add a 'Title and Content' layout in the slide master, or leave --template out",
        )
    cover = max(infos, key=_cover_score)
    _remove_slides(prs)
    return Template(path, prs, cover, content)

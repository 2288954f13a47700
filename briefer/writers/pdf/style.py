"""PDF styles as data: ``templates/pdf_style.toml`` turned into reportlab styles and fonts."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from briefer.paths import resources_dir, templates_dir

FAMILY = "BrieferSans"
_FACE_NAMES = {
    "regular": FAMILY,
    "bold": f"{FAMILY}-Bold",
    "italic": f"{FAMILY}-Italic",
    "bold_italic": f"{FAMILY}-BoldItalic",
}
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_SIZES = {"A4": A4, "LETTER": LETTER}


@dataclass(frozen=True)
class PageGeometry:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    header_offset: float
    footer_offset: float

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.height - self.top - self.bottom


@dataclass(frozen=True)
class PdfStyle:
    page: PageGeometry
    colors: dict[str, colors.Color]
    paragraphs: dict[str, ParagraphStyle]
    fonts: dict[str, str]  # face -> registered font name

    def color(self, name: str) -> colors.Color:
        return self.colors[name]


def style_path() -> Path:
    return templates_dir() / "pdf_style.toml"


def fonts_dir() -> Path:
    return resources_dir() / "fonts" / "dejavu"


@cache
def load_style() -> PdfStyle:
    """Read the stylesheet and register its fonts once per process."""
    data = tomllib.loads(style_path().read_text(encoding="utf-8"))
    fonts = _register_fonts(data["fonts"])
    palette = {name: colors.HexColor(value) for name, value in data["colors"].items()}
    page = data["page"]
    width, height = _SIZES[page.get("size", "A4").upper()]
    geometry = PageGeometry(
        width,
        height,
        page["margin_left"],
        page["margin_right"],
        page["margin_top"],
        page["margin_bottom"],
        page["header_offset"],
        page["footer_offset"],
    )
    paragraphs = {
        name: _paragraph_style(name, spec, fonts, palette) for name, spec in data["styles"].items()
    }
    return PdfStyle(geometry, palette, paragraphs, fonts)


_UPRIGHT = ("regular", "bold")


def _register_fonts(spec: dict[str, str]) -> dict[str, str]:
    """Register the upright faces now; the italic ones on demand (``ensure_italic_faces``)."""
    _FONT_FILES.update(spec)
    for face in _UPRIGHT:
        _register_face(face)
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=_FACE_NAMES["regular"],
        bold=_FACE_NAMES["bold"],
        italic=_FACE_NAMES["italic"],
        boldItalic=_FACE_NAMES["bold_italic"],
    )
    return dict(_FACE_NAMES)


_FONT_FILES: dict[str, str] = {}


def _register_face(face: str) -> None:
    name = _FACE_NAMES[face]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / _FONT_FILES[face])))


def ensure_italic_faces() -> None:
    """Parsing a TrueType face costs ~0.1 s: a briefing with no italic text skips two."""
    load_style()
    for face in _FACE_NAMES:
        if face not in _UPRIGHT:
            _register_face(face)


def _paragraph_style(
    name: str, spec: dict[str, Any], fonts: dict[str, str], palette: dict[str, colors.Color]
) -> ParagraphStyle:
    style = ParagraphStyle(
        name,
        fontName=fonts[spec.get("font", "regular")],
        fontSize=spec.get("size", 10.5),
        leading=spec.get("leading", spec.get("size", 10.5) * 1.3),
        textColor=palette[spec.get("color", "ink")],
        alignment=_ALIGN[spec.get("alignment", "left")],
        spaceBefore=spec.get("space_before", 0),
        spaceAfter=spec.get("space_after", 0),
        leftIndent=spec.get("left_indent", 0),
        rightIndent=spec.get("right_indent", 0),
        firstLineIndent=spec.get("first_line_indent", 0),
        splitLongWords=1,
        allowWidows=1,
        allowOrphans=0,
        linkUnderline=0,
        keepWithNext=int(spec.get("keep_with_next", False)),  # a heading stays with its text
    )
    if "border" in spec:
        style.borderColor = palette[spec["border"]]
        style.borderWidth = spec.get("border_width", 1)
        style.borderPadding = spec.get("border_padding", 0)
    if "background" in spec:
        style.backColor = palette[spec["background"]]
        style.borderPadding = spec.get("border_padding", 0)
    return style


def missing_glyphs(text: str, font_name: str) -> set[str]:
    """Characters of ``text`` the font has no glyph for (they print as empty boxes)."""
    face = pdfmetrics.getFont(font_name).face
    char_to_glyph = face.charToGlyph
    return {
        ch
        for ch in set(text)
        if ord(ch) not in char_to_glyph and not ch.isspace() and ch.isprintable()
    }

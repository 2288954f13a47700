"""Generate ``templates/briefing.docx``, the reference template the DOCX writer starts from.

The writer emits style names only (pandoc's reference.docx idea), so a user restyles a
briefing in Word by editing these styles. Run again after changing a style here and
commit both this script and the template:

    .venv/bin/python scripts/make_reference_docx.py
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Cm, Pt, RGBColor

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "briefing.docx"

BODY_FONT = "Arial"
INK = RGBColor(0x1A, 0x1A, 0x1A)
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x55, 0x55, 0x55)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W_NS}"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
</w:footnotes>
"""


def _font(style, size: float, *, bold=False, italic=False, color=INK, name=BODY_FONT) -> None:
    style.font.name = name
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)  # a theme font would override the name set here
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = color


def _paragraph_style(document, name: str, base: str = "Normal"):
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base] if base and base != name else None
    style.hidden = False
    style.unhide_when_used = False
    style.quick_style = True
    return style


def _character_style(document, name: str):
    try:
        return document.styles[name]
    except KeyError:
        return document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)


def _left_border(style, color: str = "1F3A5F", size: int = 12) -> None:
    """A rule down the left of a quote, so quotes stand apart from the analyst's text."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size)),
        ("w:space", "8"),
        ("w:color", color),
    ):
        left.set(qn(key), value)
    borders.append(left)
    ppr.append(borders)


def _box(style, color: str) -> None:
    """A frame round the cover's marking, so it does not read as a second page header."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "12"),
            ("w:space", "4"),
            ("w:color", color),
        ):
            edge.set(qn(key), value)
        borders.append(edge)
    ppr.append(borders)
    ppr.get_or_add_ind().set(qn("w:left"), str(int(Cm(2.5).twips)))
    ppr.get_or_add_ind().set(qn("w:right"), str(int(Cm(2.5).twips)))


def _shading(style, fill: str) -> None:
    ppr = style.element.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def _toc_tabs(style, width_cm: float) -> None:
    style.paragraph_format.tab_stops.add_tab_stop(
        Cm(width_cm), alignment=2, leader=1
    )  # right, dots


def define_styles(document) -> None:
    normal = document.styles["Normal"]
    _font(normal, 11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), BODY_FONT)

    title = _paragraph_style(document, "Title")
    _font(title, 26, bold=True, color=ACCENT)
    title.paragraph_format.space_before = Pt(96)
    title.paragraph_format.space_after = Pt(12)
    subtitle = _paragraph_style(document, "Subtitle")
    _font(subtitle, 15, color=GREY)
    subtitle.paragraph_format.space_after = Pt(36)

    cover = _paragraph_style(document, "Cover Field")
    _font(cover, 11)
    cover.paragraph_format.space_after = Pt(4)
    cover.paragraph_format.left_indent = Cm(3.5)
    cover.paragraph_format.first_line_indent = Cm(-3.5)
    cover.paragraph_format.tab_stops.add_tab_stop(Cm(3.5))
    label = _character_style(document, "Cover Label")
    label.font.bold = True
    label.font.color.rgb = ACCENT

    for name, size, before, after in (("Heading 1", 16, 18, 6), ("Heading 2", 13, 12, 4)):
        heading = _paragraph_style(document, name)
        _font(heading, size, bold=True, color=ACCENT)
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(after)
        heading.paragraph_format.keep_with_next = True

    body = _paragraph_style(document, "Body Text")
    _font(body, 11)
    intro = _paragraph_style(document, "Section Intro", "Body Text")
    _font(intro, 11, italic=True, color=GREY)
    analyst = _paragraph_style(document, "Analyst Text", "Body Text")
    _font(analyst, 11)

    quote = _paragraph_style(document, "Quote")
    _font(quote, 11, color=INK)
    quote.paragraph_format.left_indent = Cm(0.8)
    quote.paragraph_format.right_indent = Cm(0.4)
    quote.paragraph_format.space_before = Pt(6)
    quote.paragraph_format.space_after = Pt(2)
    # Word keeps a quote's lines and its citation (the next paragraph) on one page.
    quote.paragraph_format.keep_with_next = True
    quote.paragraph_format.keep_together = True
    _left_border(quote)

    citation = _paragraph_style(document, "Citation")
    _font(citation, 9, color=GREY)
    citation.paragraph_format.left_indent = Cm(0.8)
    citation.paragraph_format.space_after = Pt(8)

    note = _paragraph_style(document, "Note")
    _font(note, 9.5, italic=True, color=GREY)
    note.paragraph_format.left_indent = Cm(0.8)
    note.paragraph_format.space_after = Pt(8)
    _shading(note, "F2F2F2")

    classification = _paragraph_style(document, "Classification")
    _font(classification, 10, bold=True, color=RGBColor(0x99, 0x00, 0x00))
    classification.font.all_caps = True
    classification.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    classification.paragraph_format.space_after = Pt(0)

    cover_marking = _paragraph_style(document, "Cover Classification", "Classification")
    _font(cover_marking, 14, bold=True, color=RGBColor(0x99, 0x00, 0x00))
    cover_marking.font.all_caps = True
    cover_marking.paragraph_format.space_before = Pt(24)
    _box(cover_marking, "990000")

    page_number = _paragraph_style(document, "Page Number", "Footer")
    _font(page_number, 9, color=GREY)
    page_number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    toc_heading = _paragraph_style(document, "TOC Heading", "Heading 1")
    _font(toc_heading, 16, bold=True, color=ACCENT)
    outline = OxmlElement("w:outlineLvl")  # 9 = body text: the contents do not list itself
    outline.set(qn("w:val"), "9")
    toc_heading.element.get_or_add_pPr().append(outline)
    for name, indent in (("toc 1", 0.0), ("toc 2", 0.6)):
        toc = _paragraph_style(document, name)
        toc.paragraph_format.left_indent = Cm(indent)
        toc.paragraph_format.space_after = Pt(3)
        _toc_tabs(toc, 16.0)

    footnote_text = _paragraph_style(document, "footnote text")
    _font(footnote_text, 9, color=INK)
    footnote_text.paragraph_format.space_after = Pt(0)
    footnote_ref = _character_style(document, "footnote reference")
    footnote_ref.font.superscript = True

    hyperlink = _character_style(document, "Hyperlink")
    hyperlink.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    hyperlink.font.underline = True

    table_text = _paragraph_style(document, "Table Text")
    _font(table_text, 9)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = 1.0
    table_heading = _paragraph_style(document, "Table Heading", "Table Text")
    _font(table_heading, 9, bold=True, color=ACCENT)
    caption = _paragraph_style(document, "Table Title")
    _font(caption, 11, bold=True, color=ACCENT)
    caption.paragraph_format.keep_with_next = True


def page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.3)
    section.header_distance = section.footer_distance = Cm(1.0)


def add_footnotes_part(document) -> None:
    """python-docx has no footnotes part; Word wants one with the two separators."""
    package = document.part.package
    part = Part(
        PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, FOOTNOTES_XML.encode("utf-8"), package
    )
    document.part.relate_to(part, RT.FOOTNOTES)


def sample_content(document) -> None:
    """One paragraph per style, so a user opening the template sees what each looks like."""
    for text, style in (
        ("OFFICIAL", "Classification"),
        ("Briefing title", "Title"),
        ("Meeting or subtitle", "Subtitle"),
        ("Heading 1", "Heading 1"),
        ("An analyst's paragraph.", "Analyst Text"),
        ("A quoted passage, verbatim.", "Quote"),
        ("Document title, meeting, place, date, para. 1", "Citation"),
        ("An analyst's note on the quote.", "Note"),
    ):
        document.add_paragraph(text, style=style)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.LINE)
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT


def clean_properties(document) -> None:
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = ""
    props.subject = ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1


def strip_parts(data: bytes) -> bytes:
    """Drop the python-docx thumbnail and the duplicate styles-with-effects part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    drop = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = source.read(info.filename)
            if info.filename == "_rels/.rels":
                content = _drop_rel(content, "thumbnail")
            elif info.filename == "word/_rels/document.xml.rels":
                content = _drop_rel(content, "stylesWithEffects")
            elif info.filename == "[Content_Types].xml":
                content = content.replace(
                    b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b""
                )
                content = content.replace(
                    b'<Override PartName="/word/stylesWithEffects.xml" '
                    b'ContentType="application/vnd.ms-word.stylesWithEffects+xml"/>',
                    b"",
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def _drop_rel(content: bytes, needle: str) -> bytes:
    from lxml import etree

    root = etree.fromstring(content)
    for rel in list(root):
        if needle in rel.get("Type", "") or needle in rel.get("Target", ""):
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def main() -> None:
    document = Document()
    page_setup(document)
    define_styles(document)
    add_footnotes_part(document)
    clean_properties(document)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sample_content(document)
    buffer = io.BytesIO()
    document.save(buffer)
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(strip_parts(buffer.getvalue()))
    print(f"wrote {TEMPLATE}")


if __name__ == "__main__":
    main()

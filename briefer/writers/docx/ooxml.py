"""Small builders for WordprocessingML elements python-docx has no API for.

Building ``w:p``/``w:r`` elements directly with lxml is also the fast path: python-docx's
``add_paragraph(style=name)`` looks the style up by name on every call (~1 ms each,
tech-notes), while these builders take a style id resolved once per export.
"""

from __future__ import annotations

import re

from docx.oxml.ns import qn
from lxml import etree

_BREAKS = re.compile(r"(\r\n|\r|\n|\t)")
_W_T = qn("w:t")
_W_R = qn("w:r")
_W_P = qn("w:p")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, qn(tag))
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def paragraph(style_id: str | None) -> etree._Element:
    p = etree.Element(_W_P)
    if style_id:
        ppr = etree.SubElement(p, qn("w:pPr"))
        etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), style_id)
    return p


def run(
    parent: etree._Element,
    text: str,
    *,
    rstyle: str | None = None,
    bold: bool = False,
    italic: bool = False,
) -> etree._Element:
    """One run holding ``text``; line ends become ``w:br`` and tabs ``w:tab`` (as Word does)."""
    r = etree.SubElement(parent, _W_R)
    if rstyle or bold or italic:
        rpr = etree.SubElement(r, qn("w:rPr"))
        if rstyle:
            etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), rstyle)
        if bold:
            etree.SubElement(rpr, qn("w:b"))
        if italic:
            etree.SubElement(rpr, qn("w:i"))
    if "\n" in text or "\r" in text or "\t" in text:
        for piece in _BREAKS.split(text):
            if not piece:
                continue
            if piece == "\t":
                etree.SubElement(r, qn("w:tab"))
            elif piece in ("\n", "\r", "\r\n"):
                etree.SubElement(r, qn("w:br"))
            else:
                _t(r, piece)
    else:
        _t(r, text)
    return r


def _t(r: etree._Element, text: str) -> None:
    t = etree.SubElement(r, _W_T)
    t.text = text
    t.set(_XML_SPACE, "preserve")


def bookmark_start(parent: etree._Element, bookmark_id: int, name: str) -> None:
    sub(parent, "w:bookmarkStart", id=str(bookmark_id), name=name)


def bookmark_end(parent: etree._Element, bookmark_id: int) -> None:
    sub(parent, "w:bookmarkEnd", id=str(bookmark_id))


def field_char(parent: etree._Element, kind: str) -> None:
    sub(sub(parent, "w:r"), "w:fldChar", fldCharType=kind)


def instruction(parent: etree._Element, text: str) -> None:
    r = sub(parent, "w:r")
    t = etree.SubElement(r, qn("w:instrText"))
    t.text = text
    t.set(_XML_SPACE, "preserve")


def simple_field(parent: etree._Element, instr: str, cached: str) -> None:
    """A complex field with a cached result (what a reader shows before Word recomputes it)."""
    field_char(parent, "begin")
    instruction(parent, f" {instr} ")
    field_char(parent, "separate")
    run(parent, cached)
    field_char(parent, "end")


def page_break() -> etree._Element:
    p = etree.Element(_W_P)
    sub(sub(p, "w:r"), "w:br", type="page")
    return p


def hyperlink_external(parent: etree._Element, rel_id: str) -> etree._Element:
    link = etree.SubElement(parent, qn("w:hyperlink"))
    link.set(qn("r:id"), rel_id)
    link.set(qn("w:history"), "1")
    return link


def hyperlink_anchor(parent: etree._Element, anchor: str) -> etree._Element:
    return sub(parent, "w:hyperlink", anchor=anchor, history="1")


def footnote_reference(
    parent: etree._Element, footnote_id: int, rstyle: str, custom_mark: str | None = None
) -> None:
    """A footnote mark; ``custom_mark`` (e.g. ``*``) is shown instead of the number."""
    r = sub(parent, "w:r")
    etree.SubElement(sub(r, "w:rPr"), qn("w:rStyle")).set(qn("w:val"), rstyle)
    ref = sub(r, "w:footnoteReference", id=str(footnote_id))
    if custom_mark is not None:
        ref.set(qn("w:customMarkFollows"), "1")
        _t(r, custom_mark)

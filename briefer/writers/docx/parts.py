"""Package parts python-docx does not model: footnotes and the quote-list custom XML part."""

from __future__ import annotations

import hashlib
import uuid

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

from briefer.writers.docx import ooxml

CUSTOM_XML_PROPS_CT = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"


class Footnotes:
    """The footnotes part of the reference template, edited as XML and written back on save."""

    def __init__(self, document: Document, text_style: str, ref_style: str) -> None:
        self._part = next(
            (rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FOOTNOTES),
            None,
        )
        if self._part is None:  # pragma: no cover - the shipped template has one
            raise RuntimeError("the reference template has no footnotes part")
        self._root = etree.fromstring(self._part.blob)
        self._text_style = text_style
        self._ref_style = ref_style
        self._next_id = 1
        self.count = 0

    def add(self, text: str, custom_mark: str | None = None) -> int:
        """Add a footnote holding ``text``; returns its id for the reference in the body."""
        footnote_id = self._next_id
        self._next_id += 1
        self.count += 1
        note = ooxml.sub(self._root, "w:footnote", id=str(footnote_id))
        p = ooxml.paragraph(self._text_style)
        note.append(p)
        r = ooxml.sub(p, "w:r")
        etree.SubElement(ooxml.sub(r, "w:rPr"), qn("w:rStyle")).set(qn("w:val"), self._ref_style)
        if custom_mark is None:
            ooxml.sub(r, "w:footnoteRef")
        else:
            t = ooxml.sub(r, "w:t")
            t.text = custom_mark
        ooxml.run(p, " " + text)
        return footnote_id

    def save(self) -> None:
        self._part._blob = etree.tostring(  # Part keeps its serialised form in _blob
            self._root, xml_declaration=True, encoding="UTF-8", standalone=True
        )


def add_custom_xml(document: Document, xml: bytes) -> None:
    """Store ``xml`` as a custom XML part (with its properties part, as Word writes them)."""
    package = document.part.package
    taken = {str(part.partname) for part in package.iter_parts()}
    n = 1
    while f"/customXml/item{n}.xml" in taken:
        n += 1
    item = Part(PackURI(f"/customXml/item{n}.xml"), "application/xml", xml, package)
    item_id = uuid.uuid5(uuid.NAMESPACE_URL, hashlib.sha256(xml).hexdigest())  # reproducible
    props_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
        f'<ds:datastoreItem ds:itemID="{{{item_id}}}" xmlns:ds="{_DS_NS}">'
        f"<ds:schemaRefs/></ds:datastoreItem>"
    ).encode()
    props = Part(PackURI(f"/customXml/itemProps{n}.xml"), CUSTOM_XML_PROPS_CT, props_xml, package)
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)

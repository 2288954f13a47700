"""The page furniture and the end of a build: header, footer, forms and the quote list."""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFStream,
    PDFString,
    PDFZCompress,
)
from reportlab.pdfgen.canvas import Canvas

from briefer.writers.manifest import MANIFEST_FILE_NAME, Manifest
from briefer.writers.pdf.flowables import LayoutState
from briefer.writers.pdf.style import PdfStyle


def page_form(page: int) -> str:
    return f"BrPage{page}"


def toc_form(index: int) -> str:
    return f"BrToc{index}"


class BriefingCanvas(Canvas):
    """A canvas that, on save, defines the page-number forms and embeds the quote list."""

    def __init__(
        self,
        *args: Any,
        state: LayoutState,
        style: PdfStyle,
        manifest: Manifest,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.state = state
        self.pdf_style = style
        self.manifest = manifest

    def save(self) -> None:
        self._define_page_forms()
        self._define_contents_forms()
        self._embed_manifest()
        super().save()

    def _define_page_forms(self) -> None:
        total = self.state.pages
        spec = self.pdf_style.paragraphs["page_number"]
        for page in range(1, total + 1):
            self.beginForm(page_form(page), lowerx=-200, lowery=-4, upperx=200, uppery=12)
            self.setFont(spec.fontName, spec.fontSize)
            self.setFillColor(spec.textColor)
            self.drawCentredString(0, 0, f"Page {page} of {total}")
            self.endForm()

    def _define_contents_forms(self) -> None:
        spec = self.pdf_style.paragraphs["toc1"]
        for index, key in enumerate(self.state.contents_keys):
            page = self.state.heading_pages.get(key)
            self.beginForm(toc_form(index), lowerx=-60, lowery=-4, upperx=0, uppery=14)
            self.setFont(spec.fontName, spec.fontSize)
            self.setFillColor(spec.textColor)
            self.drawRightString(0, 0, str(page) if page else "")
            self.endForm()

    def _embed_manifest(self) -> None:
        """Attach the quote list as an embedded file (``/Names /EmbeddedFiles``)."""
        doc = self._doc
        stream = PDFStream(
            PDFDictionary({"Type": PDFName("EmbeddedFile")}),
            self.manifest.to_json(),
            filters=[PDFZCompress],
        )
        filespec = PDFDictionary(
            {
                "Type": PDFName("Filespec"),
                "F": PDFString(MANIFEST_FILE_NAME),
                "UF": PDFString(MANIFEST_FILE_NAME),
                "Desc": PDFString("Quote list read by 'briefer verify'"),
                "EF": PDFDictionary({"F": doc.Reference(stream)}),
            }
        )
        names = PDFArray([PDFString(MANIFEST_FILE_NAME), doc.Reference(filespec)])
        doc.Catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": names})})


def draw_page_furniture(canvas: Canvas, doc: Any) -> None:
    """Header and footer on every page: the marking, centred in capitals, and Page X of Y."""
    style: PdfStyle = doc.pdf_style
    state: LayoutState = doc.layout_state
    page = canvas.getPageNumber()
    state.pages = max(state.pages, page)
    geometry = style.page
    centre = geometry.width / 2
    canvas.saveState()
    marking = doc.marking
    if marking:
        spec = style.paragraphs["classification"]
        canvas.setFont(spec.fontName, spec.fontSize)
        canvas.setFillColor(spec.textColor)
        canvas.drawCentredString(centre, geometry.height - geometry.header_offset, marking)
        canvas.drawCentredString(centre, geometry.footer_offset - 12, marking)
    canvas.translate(centre, geometry.footer_offset)
    canvas.doForm(page_form(page))
    canvas.restoreState()

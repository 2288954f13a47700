"""The DOCX writer: a ``BriefingDocument`` laid out on the reference template's styles.

One handler per block type (rst2pdf's plain dict); every paragraph names a style of
``templates/briefing.docx`` and carries no direct formatting, so a user restyles the whole
briefing in Word by editing a style. Quote text goes in verbatim (only characters XML
cannot hold are dropped, and reported); each quote paragraph carries a hidden bookmark
``_BrQ<n>`` and the file a quote list (custom XML part) that ``briefer verify`` reads back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from briefer.briefing.document import (
    BriefingDocument,
    Contents,
    Heading,
    Note,
    PageBreak,
    Paragraph,
    Quote,
    Span,
    Table,
)
from briefer.paths import templates_dir
from briefer.writers.columns import fit_widths, widest_word
from briefer.writers.docx import ooxml
from briefer.writers.docx.parts import Footnotes, add_custom_xml
from briefer.writers.manifest import BOOKMARK_PREFIX, Manifest
from briefer.writers.notes import PendingNotes
from briefer.writers.progress import PercentProgress
from briefer.writers.report import WriteReport
from briefer.writers.text import drop_unrepresentable, xml_safe

Progress = Callable[[int, int], None]

# Style names the writer uses; all exist in templates/briefing.docx.
STYLE_NAMES = {
    "title": "Title",
    "subtitle": "Subtitle",
    "cover": "Cover Field",
    "cover_label": "Cover Label",
    "classification": "Classification",
    "cover_classification": "Cover Classification",
    "page_number": "Page Number",
    "h1": "Heading 1",
    "h2": "Heading 2",
    "body": "Body Text",
    "intro": "Section Intro",
    "analyst": "Analyst Text",
    "quote": "Quote",
    "citation": "Citation",
    "note": "Note",
    "toc_heading": "TOC Heading",
    "toc1": "toc 1",
    "toc2": "toc 2",
    "footnote_text": "footnote text",
    "footnote_ref": "footnote reference",
    "hyperlink": "Hyperlink",
    "table": "Table Grid",
    "table_text": "Table Text",
    "table_heading": "Table Heading",
    "table_title": "Table Title",
}
TEMPLATE_NAME = "briefing.docx"
_PAGE_TEXT_WIDTH_TWIPS = 9070  # A4 less 2.5 cm margins: 16 cm
_TWIPS_PER_CHAR = 105  # an average character of the 9 pt Table Text style, bold included
_CELL_MARGINS_TWIPS = 2 * 108 + 20
_CHARS_PER_PAGE = 2600  # a rough guess for the cached "of Y": Word recomputes it on layout


def template_path() -> Path:
    return templates_dir() / TEMPLATE_NAME


class DocxWriter:
    def __init__(self, document: BriefingDocument, report: WriteReport) -> None:
        self.doc = document
        self.report = report
        self.word: Document = docx.Document(str(template_path()))
        by_name = {style.name: style.style_id for style in self.word.styles}
        self.style = {key: by_name[name] for key, name in STYLE_NAMES.items()}
        self.body = self.word.element.body
        self._sect_pr = self.body.find(qn("w:sectPr"))
        for child in list(self.body):
            if child is not self._sect_pr:
                self.body.remove(child)
        self.footnotes = Footnotes(
            self.word, self.style["footnote_text"], self.style["footnote_ref"]
        )
        self.pending = PendingNotes(document.footnotes)
        self.manifest = Manifest(library_id=document.library_id)
        self._bookmark_id = 0
        self._link_ids: dict[str, str] = {}
        self._heading_count = 0
        self._chars = 0
        self._handlers: dict[type, Callable[[object], None]] = {
            Heading: self._heading,  # type: ignore[dict-item]
            Paragraph: self._paragraph,  # type: ignore[dict-item]
            Quote: self._quote,  # type: ignore[dict-item]
            Note: self._note,  # type: ignore[dict-item]
            Table: self._table,  # type: ignore[dict-item]
            Contents: self._contents,  # type: ignore[dict-item]
            PageBreak: self._page_break,  # type: ignore[dict-item]
        }
        # Bookmark names for every heading, decided up front so the contents can link them.
        self._heading_names: dict[int, str] = {}

    # -- driving ---------------------------------------------------------------------------
    def write(self, path: Path, progress: Progress | None) -> None:
        blocks = self.doc.blocks
        for block in blocks:
            if isinstance(block, Heading):
                self._heading_names[id(block)] = f"_TocBr{len(self._heading_names) + 1:05d}"
        self._cover()
        percent = PercentProgress(progress)
        total = len(blocks)
        for i, block in enumerate(blocks, 1):
            self._handlers[type(block)](block)
            percent.phase(0, 80, i, total)
        for marker, note in self.pending.remaining():
            # A note whose marker never appears outside a quote still belongs in the brief.
            self._append(self._text_paragraph("note", f"{marker} {note}"))
        self._header_footer()
        self._properties()
        self.footnotes.save()
        add_custom_xml(self.word, self.manifest.to_xml())
        self.report.quotes = len(self.manifest.quotes)
        self.word.save(str(path))
        percent.finish()

    def _append(self, element: etree._Element) -> None:
        self._sect_pr.addprevious(element)

    # -- inline text -----------------------------------------------------------------------
    def _clean(self, text: str, where: str) -> str:
        result = drop_unrepresentable(text)
        if result.removed:
            self.report.note_dropped(where, result.removed)
        self._chars += len(result.text)
        return result.text

    def _marked_text(
        self, parent: etree._Element, text: str, *, rstyle: str | None = None, **fmt: bool
    ) -> None:
        """Runs for ``text``; the first appearance of a note marker becomes a real footnote."""
        while self.pending:
            found = self.pending.first_in(text)
            if found is None:
                break
            at, marker, note = found
            if at:
                ooxml.run(parent, text[:at], rstyle=rstyle, **fmt)
            footnote_id = self.footnotes.add(xml_safe(note), custom_mark=marker)
            ooxml.footnote_reference(parent, footnote_id, self.style["footnote_ref"], marker)
            text = text[at + len(marker) :]
        if text:
            ooxml.run(parent, text, rstyle=rstyle, **fmt)

    def _spans(self, parent: etree._Element, spans: list[Span], where: str) -> None:
        for span in spans:
            text = self._clean(span.text, where)
            fmt = {"bold": span.style == "bold", "italic": span.style == "italic"}
            if span.href:
                link = ooxml.hyperlink_external(parent, self._link(span.href))
                ooxml.run(link, text, rstyle=self.style["hyperlink"], **fmt)
            else:
                self._marked_text(parent, text, **fmt)

    def _link(self, url: str) -> str:
        rel_id = self._link_ids.get(url)
        if rel_id is None:
            rel_id = self.word.part.relate_to(xml_safe(url), RT.HYPERLINK, is_external=True)
            self._link_ids[url] = rel_id
        return rel_id

    def _text_paragraph(self, role: str, text: str, where: str = "text") -> etree._Element:
        p = ooxml.paragraph(self.style[role])
        self._marked_text(p, self._clean(text, where))
        return p

    def _bookmark(self, p: etree._Element, name: str) -> int:
        self._bookmark_id += 1
        ooxml.bookmark_start(p, self._bookmark_id, name)
        return self._bookmark_id

    # -- cover, header, footer, properties -------------------------------------------------
    def _cover(self) -> None:
        cover = self.doc.cover
        if cover.classification:
            self._append(self._text_paragraph("cover_classification", cover.classification.upper()))
        self._append(self._text_paragraph("title", cover.title, "title"))
        if cover.subtitle:
            self._append(self._text_paragraph("subtitle", cover.subtitle, "subtitle"))
        fields = (
            ("Purpose", cover.purpose),
            ("Audience", cover.audience),
            ("Author", cover.author),
            ("Date", _format_date(cover.date)),
            ("Version", cover.version),
        )
        for label, value in fields:
            if value:
                p = ooxml.paragraph(self.style["cover"])
                ooxml.run(p, f"{label}\t", rstyle=self.style["cover_label"])
                self._marked_text(p, self._clean(value, label.lower()))
                self._append(p)
        self._append(ooxml.page_break())

    def _header_footer(self) -> None:
        section = self.word.sections[0]
        marking = xml_safe(self.doc.cover.classification or "").upper()
        header = section.header
        header.is_linked_to_previous = False
        self._replace_story(header._element, [self._marking_paragraph(marking)])
        footer = section.footer
        footer.is_linked_to_previous = False
        pages = ooxml.paragraph(self.style["page_number"])
        ooxml.run(pages, "Page ")
        ooxml.simple_field(pages, "PAGE", "1")
        ooxml.run(pages, " of ")
        estimate = max(1, 2 + self._chars // _CHARS_PER_PAGE)
        ooxml.simple_field(pages, "NUMPAGES", str(estimate))
        self._replace_story(footer._element, [pages, self._marking_paragraph(marking)])

    def _marking_paragraph(self, marking: str) -> etree._Element:
        p = ooxml.paragraph(self.style["classification"])
        if marking:
            ooxml.run(p, marking)
        return p

    @staticmethod
    def _replace_story(story: etree._Element, paragraphs: list[etree._Element]) -> None:
        for child in list(story):
            story.remove(child)
        for p in paragraphs:
            story.append(p)

    def _properties(self) -> None:
        """Title and subject from the briefing; nothing about the machine or its user."""
        props = self.word.core_properties
        cover = self.doc.cover
        props.title = xml_safe(cover.title)
        props.subject = xml_safe(cover.subtitle or cover.purpose or "")[:255]
        props.author = xml_safe(cover.author or "")
        props.last_modified_by = ""
        props.comments = ""
        props.keywords = xml_safe(cover.classification or "")
        props.language = self.doc.language
        props.revision = 1
        now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        props.created = props.modified = now

    # -- block handlers --------------------------------------------------------------------
    def _heading(self, block: Heading) -> None:
        level = 1 if block.level <= 1 else 2
        p = ooxml.paragraph(self.style[f"h{level}"])
        bookmark = self._bookmark(p, self._heading_names[id(block)])
        self._marked_text(p, self._clean(block.text, "heading"))
        ooxml.bookmark_end(p, bookmark)
        self._append(p)

    def _paragraph(self, block: Paragraph) -> None:
        p = ooxml.paragraph(self.style[block.role])
        self._spans(p, block.spans, "paragraph")
        self._append(p)

    def _quote(self, block: Quote) -> None:
        record = self.manifest.add(block.text, block.passage_ids)
        where = _quote_label(record.n, block.passage_ids)
        p = ooxml.paragraph(self.style["quote"])
        bookmark = self._bookmark(p, f"{BOOKMARK_PREFIX}{record.n}")
        self._marked_text(p, self._clean(block.text, where))
        ooxml.bookmark_end(p, bookmark)
        citation = self._clean(block.citation.text, f"citation of {where}")
        if self.doc.citation_mode == "footnotes":
            footnote_id = self.footnotes.add(citation)
            ooxml.footnote_reference(p, footnote_id, self.style["footnote_ref"])
            self._append(p)
        else:
            self._append(p)
            self._append(self._citation(block, citation))
        for source_note in block.source_notes:
            text = source_note.label + source_note.text
            self._append(self._text_paragraph("note", text, f"source footnote of {where}"))
        if block.note:
            self._append(self._text_paragraph("note", block.note, f"note on {where}"))

    def _citation(self, block: Quote, text: str) -> etree._Element:
        p = ooxml.paragraph(self.style["citation"])
        urls = {s.url for s in block.citation.sources if s.url}
        if len(urls) == 1:
            link = ooxml.hyperlink_external(p, self._link(urls.pop()))
            ooxml.run(link, text, rstyle=self.style["hyperlink"])
        else:
            self._marked_text(p, text)
        return p

    def _note(self, block: Note) -> None:
        self._append(self._text_paragraph("note", block.text, "note"))

    def _page_break(self, block: PageBreak) -> None:
        self._append(ooxml.page_break())

    def _contents(self, block: Contents) -> None:
        """A real TOC field whose cached result already lists the headings, linked.

        Nothing outside Word computes page numbers (tech-notes), so the cached entries
        have none; Word adds them when the user updates the field (F9).
        """
        self._append(self._text_paragraph("toc_heading", block.title, "contents title"))
        headings = [b for b in self.doc.blocks if isinstance(b, Heading)]
        if not headings:
            p = ooxml.paragraph(self.style["toc1"])
            ooxml.field_char(p, "begin")
            ooxml.instruction(p, ' TOC \\o "1-2" \\h \\z \\u ')
            ooxml.field_char(p, "separate")
            ooxml.run(p, "(no sections)")
            ooxml.field_char(p, "end")
            self._append(p)
            return
        last = len(headings) - 1
        for i, heading in enumerate(headings):
            level = 1 if heading.level <= 1 else 2
            p = ooxml.paragraph(self.style[f"toc{level}"])
            if i == 0:
                ooxml.field_char(p, "begin")
                ooxml.instruction(p, ' TOC \\o "1-2" \\h \\z \\u ')
                ooxml.field_char(p, "separate")
            link = ooxml.hyperlink_anchor(p, self._heading_names[id(heading)])
            ooxml.run(link, xml_safe(heading.text))
            if i == last:
                ooxml.field_char(p, "end")
            self._append(p)

    def _table(self, block: Table) -> None:
        if block.title:
            self._append(self._text_paragraph("table_title", block.title, "table title"))
        columns = max([len(block.headers)] + [len(row) for row in block.rows]) or 1
        widths = _column_twips(block, columns)
        tbl = etree.Element(qn("w:tbl"))
        tbl_pr = ooxml.sub(tbl, "w:tblPr")
        ooxml.sub(tbl_pr, "w:tblStyle", val=self.style["table"])
        ooxml.sub(tbl_pr, "w:tblW", w=str(sum(widths)), type="dxa")
        ooxml.sub(tbl_pr, "w:tblLayout", type="fixed")
        margins = ooxml.sub(tbl_pr, "w:tblCellMar")
        for side, width in (("top", "40"), ("left", "108"), ("bottom", "40"), ("right", "108")):
            ooxml.sub(margins, f"w:{side}", w=width, type="dxa")
        ooxml.sub(tbl_pr, "w:tblLook", val="04A0", firstRow="1", lastRow="0", noHBand="0")
        grid = ooxml.sub(tbl, "w:tblGrid")
        for width in widths:
            ooxml.sub(grid, "w:gridCol", w=str(width))
        if block.headers:
            tr = ooxml.sub(tbl, "w:tr")
            ooxml.sub(ooxml.sub(tr, "w:trPr"), "w:tblHeader")  # repeats on every page
            for i in range(columns):
                text = block.headers[i] if i < len(block.headers) else ""
                self._cell(tr, widths[i], [Span(text)], "table_heading")
        for row in block.rows:
            tr = ooxml.sub(tbl, "w:tr")
            ooxml.sub(ooxml.sub(tr, "w:trPr"), "w:cantSplit")
            for i in range(columns):
                self._cell(tr, widths[i], row[i] if i < len(row) else [], "table_text")
        self._append(tbl)
        self._append(ooxml.paragraph(None))  # Word needs a paragraph between two tables

    def _cell(self, tr: etree._Element, width: int, spans: list[Span], role: str) -> None:
        tc = ooxml.sub(tr, "w:tc")
        ooxml.sub(ooxml.sub(tc, "w:tcPr"), "w:tcW", w=str(width), type="dxa")
        p = ooxml.paragraph(self.style[role])
        self._spans(p, spans, "table cell")
        tc.append(p)


def _column_twips(block: Table, columns: int) -> list[int]:
    """Column widths in twips: the document's proportions, no column narrower than a word."""
    weights = block.widths if block.widths and len(block.widths) == columns else [1.0] * columns
    minimums = []
    for i in range(columns):
        texts = [block.headers[i]] if i < len(block.headers) else []
        texts += [span.text for row in block.rows if i < len(row) for span in row[i]]
        minimums.append(widest_word(texts, _twips) + _CELL_MARGINS_TWIPS)
    return [int(w) for w in fit_widths(weights, minimums, _PAGE_TEXT_WIDTH_TWIPS)]


def _twips(word: str) -> float:
    return len(word) * _TWIPS_PER_CHAR


def _quote_label(n: int, passage_ids: tuple[int, ...]) -> str:
    ids = ", ".join(str(i) for i in passage_ids)
    return f"quote {n}" + (f" (passage {ids})" if ids else "")


def _format_date(value: dt.date | None) -> str | None:
    return f"{value.day} {value:%B %Y}" if value else None


def write_docx(
    document: BriefingDocument, path: Path, report: WriteReport, progress: Progress | None
) -> None:
    DocxWriter(document, report).write(path, progress)

"""The PDF writer: a ``BriefingDocument`` laid out with reportlab platypus.

One handler per block type turns blocks into flowables; styles come from
``templates/pdf_style.toml`` and the shipped DejaVu fonts (embedded, so Đ, Ć and Cyrillic
print as text). ``Paragraph`` text is markup, so every text from a document is escaped
(``AT&T``, ``<b>``, ``<Kosovo*>``, an unbalanced ``<``). Citations in footnote mode are
numbered notes gathered at the end of each top-level section (with links both ways);
the Kosovo ``*`` note joins the notes of the section where it first appears.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import (
    Table as RLTable,
)
from reportlab.platypus.doctemplate import LayoutError

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
from briefer.writers.columns import fit_widths, widest_word
from briefer.writers.manifest import Manifest
from briefer.writers.notes import PendingNotes
from briefer.writers.pdf.canvas import BriefingCanvas, draw_page_furniture, toc_form
from briefer.writers.pdf.flowables import (
    ContentsEntry,
    HeadingParagraph,
    LayoutState,
    QuoteParagraph,
    WrapOnceParagraph,
)
from briefer.writers.pdf.style import PdfStyle, ensure_italic_faces, load_style, missing_glyphs
from briefer.writers.progress import PercentProgress
from briefer.writers.report import LayoutFailed, WriteReport
from briefer.writers.text import describe_chars, drop_unrepresentable, substitute, xml_safe

Progress = Callable[[int, int], None]


def escape(text: str) -> str:
    """Text for reportlab's paragraph markup (``xml.sax.saxutils`` costs 0.1 s to import)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(value: str) -> str:
    return '"' + escape(value).replace('"', "&quot;") + '"'


# Hebrew, Arabic, Syriac, Thaana, N'Ko… and their presentation forms: strong right-to-left.
_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_CELL_PADDING = 6  # reportlab's default left and right cell padding


@dataclass
class _EndNote:
    label: str  # "1", "2", "*"
    anchor: str
    markup: str  # already escaped


class _StylesUsed(Mapping[str, ParagraphStyle]):
    """The stylesheet's paragraph styles, remembering which ones the writer took."""

    def __init__(self, styles: Mapping[str, ParagraphStyle]) -> None:
        self._styles = styles
        self.used: set[str] = set()

    def __getitem__(self, name: str) -> ParagraphStyle:
        style = self._styles[name]
        self.used.add(name)
        return style

    def __iter__(self) -> Iterator[str]:
        return iter(self._styles)

    def __len__(self) -> int:
        return len(self._styles)


class PdfWriter:
    def __init__(self, document: BriefingDocument, report: WriteReport) -> None:
        self.doc = document
        self.report = report
        self.style: PdfStyle = load_style()
        self.p = _StylesUsed(self.style.paragraphs)
        self._italic_spans = False  # whether ``_spans`` wrote an italic span
        self.state = LayoutState()
        self.manifest = Manifest(library_id=document.library_id)
        self.pending = PendingNotes(document.footnotes)
        self.story: list[Any] = []
        self.notes: list[_EndNote] = []
        self._note_number = 0
        self._anchors = 0
        self._heading_keys: dict[int, str] = {}
        self._missing: Counter[str] = Counter()
        self._rtl_where: list[str] = []
        self._omitted = ""  # what the last _clean() replaced by U+FFFD
        self._printable: set[str] = set()  # characters already found in the font
        self._unprintable: set[str] = set()
        # The face's PostScript name, as the embedded subset is named in the file.
        self._quote_face = pdfmetrics.getFont(self.p["quote"].fontName).face.name.decode()
        self._handlers: dict[type, Callable[[Any], None]] = {
            Heading: self._heading,
            Paragraph: self._paragraph,
            Quote: self._quote,
            Note: self._note,
            Table: self._table,
            Contents: self._contents,
            PageBreak: self._page_break,
        }

    # -- driving ---------------------------------------------------------------------------
    def write(self, path: Path, progress: Progress | None) -> None:
        for block in self.doc.blocks:
            if isinstance(block, Heading):
                self._heading_keys[id(block)] = f"h{len(self._heading_keys) + 1}"
        self._cover()
        percent = PercentProgress(progress)
        total = len(self.doc.blocks)
        for i, block in enumerate(self.doc.blocks, 1):
            self._handlers[type(block)](block)
            percent.phase(0, 15, i, total)
        self._flush_notes()
        for marker, note in self.pending.remaining():
            self.story.append(
                RLParagraph(f"{escape(marker)} {self._text(note, 'note')}", self.p["note"])
            )
        if self._draws_italic():
            ensure_italic_faces()
        self._build(path, percent)
        percent.finish()
        self.report.quotes = len(self.manifest.quotes)
        self.report.pages = self.state.pages
        self._report_glyphs()

    def _draws_italic(self) -> bool:
        """Whether the story uses an italic face: a style set in one, or an italic span.

        Italic faces are registered only then (parsing them costs ~0.1 s). Read from what
        the story was built with, not guessed from the kinds of blocks: a guess missed a
        quote's source footnote (note style) and the export failed for want of the face.
        """
        styles = self.style.paragraphs
        return self._italic_spans or any("Italic" in styles[name].fontName for name in self.p.used)

    def _build(self, path: Path, percent: PercentProgress) -> None:
        geometry = self.style.page
        cover = self.doc.cover
        template = BaseDocTemplate(
            str(path),
            pagesize=(geometry.width, geometry.height),
            leftMargin=geometry.left,
            rightMargin=geometry.right,
            topMargin=geometry.top,
            bottomMargin=geometry.bottom,
            title=xml_safe(cover.title),
            subject=xml_safe(cover.subtitle or cover.purpose or ""),
            author=xml_safe(cover.author or ""),
            creator="Briefer",
            keywords=xml_safe(cover.classification or ""),
            lang=self.doc.language,
            invariant=1,  # no random file id; the dates are set from the briefing below
            initialFontName=self.style.fonts["regular"],  # else each page names Helvetica
        )
        frame = Frame(
            geometry.left,
            geometry.bottom,
            geometry.frame_width,
            geometry.frame_height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        template.addPageTemplates([PageTemplate("page", [frame], onPage=draw_page_furniture)])
        template.pdf_style = self.style
        template.layout_state = self.state
        template.marking = xml_safe(cover.classification or "").upper()
        state, style, manifest = self.state, self.style, self.manifest

        stamp = self._timestamp()

        def canvasmaker(*args: Any, **kwargs: Any) -> BriefingCanvas:
            canvas = BriefingCanvas(*args, state=state, style=style, manifest=manifest, **kwargs)
            if stamp is not None:
                set_timestamp(canvas, stamp)
            return canvas

        flowables = max(1, len(self.story))

        def on_layout(kind: str, value: int) -> None:
            if kind == "PROGRESS":  # flowables laid out so far
                percent.phase(15, 98, value, flowables)

        template.setProgressCallBack(on_layout)
        use_a85 = rl_config.useA85
        rl_config.useA85 = 0  # binary streams: a quarter smaller and faster than ASCII85
        try:
            template.build(self.story, canvasmaker=canvasmaker)
        except LayoutError as exc:
            raise LayoutFailed(f"cannot lay out the PDF: {exc}") from exc
        finally:
            rl_config.useA85 = use_a85

    def _timestamp(self) -> dt.datetime | None:
        """The briefing's last change, else its date: what CreationDate and ModDate say."""
        if self.doc.modified is not None:
            return self.doc.modified
        if self.doc.cover.date is not None:
            return dt.datetime.combine(self.doc.cover.date, dt.time())
        return None

    # -- text ------------------------------------------------------------------------------
    def _clean(self, text: str, where: str) -> str:
        result = drop_unrepresentable(text)
        if result.removed:
            self.report.note_dropped(where, result.removed)
        clean = result.text
        self._omitted = ""
        if clean.isascii():
            return clean
        chars = set(clean)
        new = chars - self._printable - self._unprintable
        if new:  # each distinct character is looked up in the font once per export
            bad = missing_glyphs("".join(new), self.style.fonts["regular"])
            bad |= {ch for ch in new if ord(ch) > 0xFFFF}
            self._unprintable |= bad
            self._printable |= new - bad
        missing = chars & self._unprintable
        if missing:
            for ch in missing:
                self._missing[ch] += clean.count(ch)
            self._omitted = "".join(sorted(missing))
            clean = substitute(clean, self._omitted)
        if _RTL.search(clean):
            self._rtl_where.append(where)
        return clean

    def _text(self, text: str, where: str, *, link_markers: bool = True) -> str:
        """Escaped markup for ``text``; the first appearance of a note marker links to it."""
        clean = self._clean(text, where)
        if not (link_markers and self.pending):
            return escape(clean)
        out: list[str] = []
        while self.pending:
            found = self.pending.first_in(clean)
            if found is None:
                break
            at, marker, note = found
            anchor = self._next_anchor()
            self.notes.append(_EndNote(marker, anchor, escape(xml_safe(note))))
            out.append(escape(clean[:at]))
            out.append(
                f'<a href="#{anchor}" color={quoteattr(self._link_color())}>{escape(marker)}</a>'
                f'<a name="{anchor}-ref"/>'
            )
            clean = clean[at + len(marker) :]
        out.append(escape(clean))
        return "".join(out)

    def _next_anchor(self) -> str:
        """A destination name unique in the whole document (notes restart per section)."""
        self._anchors += 1
        return f"note{self._anchors}"

    def _link_color(self) -> str:
        return self.style.color("link").hexval().replace("0x", "#")

    def _spans(self, spans: list[Span], where: str) -> str:
        out = []
        for span in spans:
            markup = self._text(span.text, where, link_markers=not span.href)
            if span.style == "bold":
                markup = f"<b>{markup}</b>"
            elif span.style == "italic":
                markup = f"<i>{markup}</i>"
                self._italic_spans = True
            if span.href:
                href = quoteattr(xml_safe(span.href))
                markup = f"<a href={href} color={quoteattr(self._link_color())}>{markup}</a>"
            out.append(markup)
        return "".join(out)

    # -- cover -----------------------------------------------------------------------------
    def _cover(self) -> None:
        cover = self.doc.cover
        if cover.classification:
            self.story.append(
                RLParagraph(
                    self._text(cover.classification.upper(), "marking"),
                    self._shrink_wrapped(cover.classification.upper(), "cover_classification"),
                )
            )
        self.story.append(RLParagraph(self._text(cover.title, "title"), self.p["title"]))
        if cover.subtitle:
            self.story.append(
                RLParagraph(self._text(cover.subtitle, "subtitle"), self.p["subtitle"])
            )
        date = f"{cover.date.day} {cover.date:%B %Y}" if cover.date else None
        rows = []
        for label, value in (
            ("Purpose", cover.purpose),
            ("Audience", cover.audience),
            ("Author", cover.author),
            ("Date", date),
            ("Version", cover.version),
        ):
            if value:
                rows.append(
                    [
                        RLParagraph(f"<b>{label}</b>", self.p["body"]),
                        RLParagraph(self._text(value, label.lower()), self.p["body"]),
                    ]
                )
        if rows:
            width = self.style.page.frame_width
            table = RLTable(rows, colWidths=[3 * cm, width - 3 * cm], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        self._table_font(),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("TEXTCOLOR", (0, 0), (0, -1), self.style.color("accent")),
                    ]
                )
            )
            self.story.append(table)
        self.story.append(RLPageBreak())

    def _shrink_wrapped(self, text: str, name: str) -> ParagraphStyle:
        """The style with indents that make its border box just fit ``text`` (centred)."""
        style = self.p[name]
        width = stringWidth(xml_safe(text), style.fontName, style.fontSize)
        room = self.style.page.frame_width
        indent = max(0.0, (room - width) / 2 - style.borderPadding - 12)
        return ParagraphStyle(f"{name}-fitted", parent=style, leftIndent=indent, rightIndent=indent)

    # -- block handlers --------------------------------------------------------------------
    def _heading(self, block: Heading) -> None:
        level = 1 if block.level <= 1 else 2
        if level == 1:
            self._flush_notes()
        key = self._heading_keys[id(block)]
        title = xml_safe(block.text)
        self.story.append(
            HeadingParagraph(
                self._text(block.text, "heading"),
                self.p[f"h{level}"],
                key=key,
                title=title,
                level=level,
                state=self.state,
            )
        )

    def _paragraph(self, block: Paragraph) -> None:
        style = self.p.get(block.role, self.p["body"])
        self.story.append(RLParagraph(self._spans(block.spans, "paragraph"), style))

    def _quote(self, block: Quote) -> None:
        record = self.manifest.add(block.text, block.passage_ids)
        record.font = self._quote_face
        ids = ", ".join(str(i) for i in block.passage_ids)
        where = f"quote {record.n}" + (f" (passage {ids})" if ids else "")
        markup = self._text(block.text, where)
        record.omitted = self._omitted
        citation = self._text(block.citation.text, f"citation of {where}")
        if self.doc.citation_mode == "footnotes":
            self._note_number += 1
            label = str(self._note_number)
            anchor = self._next_anchor()
            self.notes.append(_EndNote(label, anchor, citation))
            # The note number is bold: verify reads back only the quote's regular-face text.
            markup += (
                f'<a href="#{anchor}" color={quoteattr(self._link_color())}>'
                f"<b><super>{label}</super></b></a>"
                f'<a name="{anchor}-ref"/>'
            )
        paragraph = QuoteParagraph(markup, self.p["quote"])
        paragraph.record = record
        paragraph.rule_color = self.style.color("quote_rule")
        if self.doc.citation_mode != "footnotes":
            urls = {s.url for s in block.citation.sources if s.url}
            if len(urls) == 1:
                href = quoteattr(xml_safe(urls.pop()))
                citation = f"<a href={href} color={quoteattr(self._link_color())}>{citation}</a>"
            # Kept together: a page break never leaves a citation alone, away from its quote
            # (a quote longer than a page splits, and its last lines go with the citation).
            self.story.append(
                KeepTogether(
                    [
                        *self._kept_with_next(),
                        paragraph,
                        WrapOnceParagraph(citation, self.p["citation"]),
                    ]
                )
            )
        else:
            self.story.append(paragraph)
        for source_note in block.source_notes:
            label = escape(xml_safe(source_note.label))
            text = escape(self._clean(source_note.text, f"source footnote of {where}"))
            self.story.append(RLParagraph(f"{label}{text}", self.p["note"]))
        if block.note:
            self.story.append(
                RLParagraph(self._text(block.note, f"note on {where}"), self.p["note"])
            )

    def _kept_with_next(self) -> list[Any]:
        """The flowables at the end of the story that must stay with what follows (headings).

        reportlab's ``keepWithNext`` cannot join a ``KeepTogether``, so a heading directly
        above a quote goes into the quote's group instead of staying alone at a page foot.
        """
        kept: list[Any] = []
        while self.story and getattr(self.story[-1], "getKeepWithNext", lambda: False)():
            kept.insert(0, self.story.pop())
        return kept

    def _note(self, block: Note) -> None:
        self.story.append(RLParagraph(self._text(block.text, "note"), self.p["note"]))

    def _page_break(self, block: PageBreak) -> None:
        self.story.append(RLPageBreak())

    def _contents(self, block: Contents) -> None:
        self.story.append(
            RLParagraph(self._text(block.title, "contents title"), self.p["toc_title"])
        )
        headings = [b for b in self.doc.blocks if isinstance(b, Heading)]
        if not headings:
            self.story.append(RLParagraph("(no sections)", self.p["toc1"]))
        for heading in headings:
            key = self._heading_keys[id(heading)]
            index = len(self.state.contents_keys)
            self.state.contents_keys.append(key)
            style = self.p["toc1"] if heading.level <= 1 else self.p["toc2"]
            text = escape(xml_safe(heading.text))
            self.story.append(ContentsEntry(text, style, key, toc_form(index)))

    def _table(self, block: Table) -> None:
        if block.title:
            self.story.append(
                RLParagraph(self._text(block.title, "table title"), self.p["table_title"])
            )
        columns = max([len(block.headers)] + [len(row) for row in block.rows]) or 1
        weights = block.widths if block.widths and len(block.widths) == columns else [1.0] * columns
        col_widths = fit_widths(
            weights, self._min_widths(block, columns), self.style.page.frame_width
        )
        data = []
        if block.headers:
            data.append(
                [
                    RLParagraph(
                        self._text(block.headers[i] if i < len(block.headers) else "", "table"),
                        self.p["table_heading"],
                    )
                    for i in range(columns)
                ]
            )
        for row in block.rows:
            data.append(
                [
                    RLParagraph(
                        self._spans(row[i] if i < len(row) else [], "table cell"),
                        self.p["table_text"],
                    )
                    for i in range(columns)
                ]
            )
        if not data:
            return
        table = RLTable(
            data, colWidths=col_widths, repeatRows=1 if block.headers else 0, hAlign="LEFT"
        )
        commands = [
            self._table_font(),
            ("GRID", (0, 0), (-1, -1), 0.5, self.style.color("table_grid")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if block.headers:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), self.style.color("table_header")))
        table.setStyle(TableStyle(commands))
        self.story.append(table)
        self.story.append(Spacer(1, 6))

    def _table_font(self) -> tuple[Any, ...]:
        """The cells' own font: a reportlab table sets Helvetica (not embedded) by default."""
        text = self.p["table_text"]
        return ("FONT", (0, 0), (-1, -1), text.fontName, text.fontSize)

    def _min_widths(self, block: Table, columns: int) -> list[float]:
        """Per column, the widest word in it (headers in bold) plus the cell padding."""
        heading, text = self.p["table_heading"], self.p["table_text"]

        def bold(word: str) -> float:
            return stringWidth(word, heading.fontName, heading.fontSize)

        def plain(word: str) -> float:
            return stringWidth(word, text.fontName, text.fontSize)

        widths = [0.0] * columns
        for i in range(columns):
            if i < len(block.headers):
                widths[i] = widest_word([block.headers[i]], bold)
            cells = [span.text for row in block.rows if i < len(row) for span in row[i]]
            widths[i] = max(widths[i], widest_word(cells, plain))
        return [w + 2 * _CELL_PADDING + 1 for w in widths]

    # -- notes -----------------------------------------------------------------------------
    def _flush_notes(self) -> None:
        """The notes of the section just finished, numbered, each linking back to its mark."""
        if not self.notes:
            return
        self.story.append(RLParagraph("Notes", self.p["notes_title"]))
        for note in self.notes:
            self.story.append(
                RLParagraph(
                    f'<a name="{note.anchor}"/><a href="#{note.anchor}-ref" '
                    f"color={quoteattr(self._link_color())}>{escape(note.label)}</a>&nbsp;{note.markup}",
                    self.p["endnote"],
                )
            )
        self.notes = []

    def _report_glyphs(self) -> None:
        if self._missing:
            self.report.warn(
                f"the PDF cannot show {describe_chars(self._missing)} (no glyph in the "
                "font, or beyond what PDF text extraction maps): printed as U+FFFD '\ufffd'; "
                "'briefer verify' accepts exactly these substitutions"
            )
        if self._rtl_where:
            where = ", ".join(self._rtl_where[:5]) + (" …" if len(self._rtl_where) > 5 else "")
            self.report.warn(
                f"right-to-left text ({where}) is drawn left to right in the PDF: "
                "no bidirectional layout is available"
            )


def set_timestamp(canvas: Any, when: dt.datetime) -> None:
    """Make the file's CreationDate and ModDate ``when`` (naive means UTC).

    reportlab's invariant mode fixes both to 1 January 2000 so output is reproducible;
    the briefing's own time keeps it reproducible for the same briefing and true.
    """
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    stamp = canvas._doc._timeStamp
    stamp.YMDhms = when.timetuple()[:6]
    stamp.t = calendar.timegm(when.timetuple())
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"


def write_pdf(
    document: BriefingDocument, path: Path, report: WriteReport, progress: Progress | None
) -> None:
    PdfWriter(document, report).write(path, progress)

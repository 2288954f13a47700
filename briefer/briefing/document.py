"""The render-neutral briefing document that every writer (DOCX, PDF) lays out.

Like pandoc's AST: one tree of blocks, no format decisions. Writers map each block type
to their own styles through a handler table and never see the store. Quote text is the
stored passage text, character for character; writers must not rewrite it (only escape
it for their format and wrap lines).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

SpanStyle = Literal["plain", "bold", "italic"]
CitationMode = Literal["inline", "footnotes"]


@dataclass(frozen=True)
class Span:
    """A run of inline text; ``href`` makes it a hyperlink."""

    text: str
    style: SpanStyle = "plain"
    href: str | None = None


@dataclass(frozen=True)
class Source:
    """One document a quote comes from, as the citation and the sources annex show it."""

    document_id: int
    title: str | None
    meeting: str | None  # meeting title
    place: str | None  # "Sofia, Bulgaria"
    date: str | None  # "21–22 January 2016" (already formatted), None when unknown
    paragraph: str | None
    url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Citation:
    """A quote's citation: its formatted text and the sources it names (one or more)."""

    text: str
    sources: tuple[Source, ...]


@dataclass
class Heading:
    text: str
    level: int  # 1 or 2
    anchor: str  # unique id for contents links and bookmarks


@dataclass
class Paragraph:
    spans: list[Span]
    role: Literal["body", "intro", "analyst"] = "body"


@dataclass(frozen=True)
class SourceNote:
    """A footnote of the quoted document, shown under the quote (it is not a quote itself).

    ``marker`` is written as the quote shows it ("¹", "[1]", "*"), so a reader matches it
    to the mark in the quote; writers print ``label + text`` in the note style, never as
    one of the briefing's own numbered notes.
    """

    marker: str
    text: str

    @property
    def label(self) -> str:
        return f"Source footnote {self.marker}: "


@dataclass
class Quote:
    text: str  # the stored passage text, verbatim
    citation: Citation
    passage_ids: tuple[int, ...] = ()
    note: str | None = None  # the analyst's note on this quote
    # The source's footnotes its markers point to, printed after the quote and citation.
    source_notes: tuple[SourceNote, ...] = ()


@dataclass
class Note:
    """A remark set apart from the body (e.g. the Kosovo designation footnote, an empty section).

    ``marker`` is set on a note that stands in for a footnote whose marker could not be
    written: Kosovo first named inside a verbatim quote, where no asterisk may be added.
    The composer places it right after that quote (and its citation); render it as a note.
    """

    text: str
    marker: str | None = None


@dataclass
class Table:
    headers: list[str]
    rows: list[list[list[Span]]]
    widths: list[float] | None = None  # relative column widths
    title: str | None = None


@dataclass
class Contents:
    """Where the table of contents goes; the writer fills in the headings that follow."""

    title: str = "Contents"


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Quote | Note | Table | Contents | PageBreak


@dataclass
class Cover:
    title: str
    classification: str | None = None
    subtitle: str | None = None  # e.g. the meeting the brief prepares
    purpose: str | None = None
    audience: str | None = None
    author: str | None = None
    date: dt.date | None = None
    version: str | None = None


@dataclass
class BriefingDocument:
    cover: Cover
    blocks: list[Block] = field(default_factory=list)
    citation_mode: CitationMode = "inline"
    language: str = "en"
    # Footnotes that are not citations, keyed by the marker used in the text ("*": Kosovo),
    # text without the marker. Present only when the marker is written in the briefing's
    # own text (never inside a quote); the writer footnotes its first appearance.
    footnotes: dict[str, str] = field(default_factory=dict)
    # The exporting library's UUID: the quote list records it so ``verify`` can tell an
    # export from another library apart from altered quotes (None: not recorded).
    library_id: str | None = None
    # When the briefing was last changed (naive UTC): the export's creation and modification
    # dates, so metadata is true and the same briefing still exports the same bytes.
    modified: dt.datetime | None = None

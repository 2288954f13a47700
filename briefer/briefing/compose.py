"""A stored briefing (read as a ``BriefingOutline``) → the render-neutral ``BriefingDocument``.

Layout, in order: the cover (briefing metadata and classification marking), a contents
block, each section as a level-1 heading with its introduction, its quotes (the stored
passage text verbatim, with citation and the analyst's note) and the analyst's own
paragraphs, then the sources annex: a table of every cited document.

Decisions a reader of an export will notice:
- A section with neither items nor an introduction keeps its heading and gets the note
  "No items yet.", so a gap in a brief is visible rather than silently empty; a section
  with an introduction but no items shows the introduction only.
- The sources table goes into a section headed "Sources" or "Annex: sources" (as in the
  ministerial preset) when the briefing has one, else into a "Sources" annex at the end.
- A quote whose text carries a footnote marker of its source ("Governance¹", "Kosovo[1]")
  keeps the marker verbatim, and the source's footnote follows the quote and its
  citation as "Source footnote ¹: …" (``Quote.source_notes``), in the note style and
  outside the briefing's own numbered notes.
- Kosovo: on its first appearance in the briefing's own text (cover, headings,
  citations, analyst text, annex) it is written "Kosovo*" and the designation footnote
  is attached to that asterisk (``document.footnotes["*"]``). Quotes stay verbatim:
  never an asterisk inside a quote; when the first mention is in a quote, the footnote
  text follows that quote and its citation as a ``Note(marker="*")``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from briefer.briefing.citations import citation_for, source_for
from briefer.briefing.document import (
    Block,
    BriefingDocument,
    CitationMode,
    Contents,
    Cover,
    Heading,
    Note,
    PageBreak,
    Paragraph,
    Quote,
    Source,
    SourceNote,
    Span,
    Table,
)
from briefer.briefing.outline import BriefingOutline, ItemOutline, PassageRef, SectionOutline
from briefer.briefing.presets import is_sources_annex

KOSOVO_MARKER = "*"
KOSOVO_FOOTNOTE = (
    "*This designation is without prejudice to positions on status, and is in line with "
    "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
)
KOSOVO_NOTE = KOSOVO_FOOTNOTE.removeprefix(KOSOVO_MARKER)  # the footnote's text after its mark
EMPTY_SECTION_NOTE = "No items yet."
EMPTY_BRIEFING_NOTE = "This briefing has no sections yet."
SOURCES_HEADING = "Sources"
SOURCES_HEADERS = ["Document", "Meeting", "Place", "Date", "Publisher", "URL"]
SOURCES_WIDTHS = [3.0, 3.0, 1.6, 1.6, 1.6, 2.6]

_KOSOVO = re.compile(r"\bKosovo\b(\*?)")
_BLANK_LINES = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class ComposeOptions:
    """Layout choices of one export; none of them changes the stored briefing."""

    citation_mode: CitationMode = "inline"
    classification: str | None = None  # overrides the briefing's own marking when given
    kosovo_footnote: bool = True


def compose_document(
    outline: BriefingOutline, options: ComposeOptions | None = None
) -> BriefingDocument:
    """The document every writer lays out, built from a briefing's outline."""
    options = options or ComposeOptions()
    classification = options.classification or outline.classification
    document = BriefingDocument(
        cover=Cover(
            title=outline.title,
            classification=classification.strip() if classification else None,
            subtitle=outline.subtitle,
            purpose=outline.purpose,
            audience=outline.audience,
            author=outline.author,
            date=outline.date,
        ),
        citation_mode=options.citation_mode,
        language=outline.language,
        modified=outline.modified_at,
    )
    blocks: list[Block] = [Contents(), PageBreak()]
    sources = _cited_sources(outline)
    annex_placed = False
    if not outline.sections:
        blocks.append(Note(EMPTY_BRIEFING_NOTE))
    for section in outline.sections:
        annex_here = not annex_placed and is_sources_annex(section.heading)
        if annex_here:
            blocks.append(PageBreak())
        blocks.extend(_section_blocks(section, has_annex=annex_here))
        if annex_here:
            blocks.extend(_sources_blocks(sources))
            annex_placed = True
    if not annex_placed and sources:
        blocks.append(PageBreak())
        blocks.append(Heading(SOURCES_HEADING, 1, "sources"))
        blocks.extend(_sources_blocks(sources))
    document.blocks = blocks
    if options.kosovo_footnote:
        mark_kosovo(document)
    return document


def _section_blocks(section: SectionOutline, *, has_annex: bool) -> list[Block]:
    blocks: list[Block] = [Heading(section.heading, 1, f"section-{section.id}")]
    blocks.extend(_paragraphs(section.intro, "intro"))
    for item in section.items:
        blocks.extend(_item_blocks(item))
    if not section.items and not (section.intro and section.intro.strip()) and not has_annex:
        blocks.append(Note(EMPTY_SECTION_NOTE))
    return blocks


def _item_blocks(item: ItemOutline) -> list[Block]:
    if item.kind == "text":
        return list(_paragraphs(item.text, "analyst"))
    if not item.sources:
        return [Note(f"Item {item.id} quotes a passage that is no longer in the library.")]
    quoted = item.sources[0]
    note = item.note if item.note and item.note.strip() else None
    return [
        Quote(
            text=quoted.text,
            citation=citation_for(item.sources),
            passage_ids=tuple(p.passage_id for p in item.sources),
            note=note,
            source_notes=source_notes(quoted),
        )
    ]


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def shown_marker(text: str, marker: str) -> str:
    """How ``text`` writes the footnote ``marker``: "¹", "[1]", "(1)" or the marker itself."""
    for form in (marker.translate(_SUPERSCRIPT), f"[{marker}]", f"({marker})"):
        if form != marker and re.search(r"(?<=\w)" + re.escape(form), text):
            return form
    return marker


def source_notes(passage: PassageRef) -> tuple[SourceNote, ...]:
    """The quoted passage's source footnotes, each with its marker as the quote shows it."""
    return tuple(
        SourceNote(shown_marker(passage.text, note.marker), note.text.strip())
        for note in passage.footnotes
        if note.text.strip()
    )


def _paragraphs(text: str | None, role: str) -> list[Paragraph]:
    if not text or not text.strip():
        return []
    return [
        Paragraph([Span(part.strip())], role=role)  # type: ignore[arg-type]
        for part in _BLANK_LINES.split(text)
        if part.strip()
    ]


def _cited_sources(outline: BriefingOutline) -> list[Source]:
    """Every cited document once, in order of first citation, with its document-level facts."""
    seen: dict[int, Source] = {}
    for section in outline.sections:
        for item in section.items:
            for passage in item.sources:
                if passage.document.id not in seen:
                    # The annex lists documents, not paragraphs.
                    seen[passage.document.id] = replace(source_for(passage), paragraph=None)
    return list(seen.values())


def _sources_blocks(sources: list[Source]) -> list[Block]:
    if not sources:
        return [Note("No sources cited yet.")]
    rows = [
        [
            [Span(source.title or "")],
            [Span(source.meeting or "")],
            [Span(source.place or "")],
            [Span(source.date or "")],
            [Span(source.publisher or "")],
            [Span(source.url, href=source.url)] if source.url else [Span("")],
        ]
        for source in sources
    ]
    return [Table(list(SOURCES_HEADERS), rows, list(SOURCES_WIDTHS))]


# --- Kosovo* -----------------------------------------------------------------------------


def _mark_first(text: str) -> tuple[str, bool]:
    """Add the asterisk to the first "Kosovo" in ``text``; True when Kosovo is named at all."""
    match = _KOSOVO.search(text)
    if match is None:
        return text, False
    if match.group(1):  # already written "Kosovo*" by the analyst
        return text, True
    return text[: match.end()] + KOSOVO_MARKER + text[match.end() :], True


def _mark_spans(spans: list[Span]) -> tuple[list[Span], bool]:
    for index, span in enumerate(spans):
        marked, found = _mark_first(span.text)
        if found:
            changed = Span(marked, span.style, span.href) if marked != span.text else span
            return [*spans[:index], changed, *spans[index + 1 :]], True
    return spans, False


def _mark_cover(cover: Cover) -> bool:
    for name in ("title", "subtitle", "purpose", "audience", "author"):
        value = getattr(cover, name)
        if value:
            marked, found = _mark_first(value)
            if found:
                setattr(cover, name, marked)
                return True
    return False


def _mark_block(block: Block) -> bool:
    """Mark the first mention in one block's own text; True when the block names Kosovo."""
    if isinstance(block, Heading):
        block.text, found = _mark_first(block.text)
        return found
    if isinstance(block, Paragraph):
        block.spans, found = _mark_spans(block.spans)
        return found
    if isinstance(block, Note):
        block.text, found = _mark_first(block.text)
        return found
    if isinstance(block, Quote):  # the quote itself is checked by the caller: never marked
        marked, found = _mark_first(block.citation.text)
        if found:
            block.citation = type(block.citation)(marked, block.citation.sources)
            return True
        if block.note:
            block.note, found = _mark_first(block.note)
            return found
        return False
    if isinstance(block, Table):
        if block.title:
            block.title, found = _mark_first(block.title)
            if found:
                return True
        for row in block.rows:
            for index, cell in enumerate(row):
                row[index], found = _mark_spans(cell)
                if found:
                    return True
    return False


def _is_designation(note: SourceNote) -> bool:
    """Whether a source footnote is the Kosovo designation (marked "*", "1" or otherwise)."""
    return note.marker == KOSOVO_MARKER or "without prejudice to positions on status" in note.text


def mark_kosovo(document: BriefingDocument) -> None:
    """Write "Kosovo*" on the first mention and attach the designation footnote to it.

    In the briefing's own text the asterisk is written and ``document.footnotes["*"]``
    holds the note, which writers turn into a real footnote at that first marker. When
    the first mention is inside a quote (verbatim, so no asterisk), the note follows that
    quote as a ``Note(marker="*")`` block instead.
    """
    document.footnotes.pop(KOSOVO_MARKER, None)
    if _mark_cover(document.cover):
        document.footnotes[KOSOVO_MARKER] = KOSOVO_NOTE
        return
    for index, block in enumerate(document.blocks):
        if isinstance(block, Quote) and (
            _KOSOVO.search(block.text) or any(_KOSOVO.search(n.text) for n in block.source_notes)
        ):
            # The source's own designation footnote, shown under the quote, already says it.
            if not any(_is_designation(n) for n in block.source_notes):
                document.blocks.insert(index + 1, Note(KOSOVO_FOOTNOTE, marker=KOSOVO_MARKER))
            return
        if _mark_block(block):
            document.footnotes[KOSOVO_MARKER] = KOSOVO_NOTE
            return

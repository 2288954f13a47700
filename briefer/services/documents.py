"""Reading the library back: document lists and one passage with its context and provenance.

Returns plain dataclasses (no ORM objects escape a session), which the command line
prints as JSON and the window shows as they are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from briefer.domain.errors import BrieferError, NotFound
from briefer.store.library import Library
from briefer.store.models import (
    Country,
    Document,
    Meeting,
    Passage,
    PassageCountry,
    PassageFootnote,
    PassageTheme,
    Theme,
)


@dataclass(frozen=True)
class MeetingInfo:
    id: int
    title: str | None
    series: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    city: str | None
    country: str | None
    confidence: float | None


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    file: str
    path: str | None
    format: str
    title: str | None
    published: dt.date | None
    publisher: str | None
    meeting: MeetingInfo | None
    countries: list[str]  # codes named anywhere in it, manual removals excluded
    passages: int


@dataclass(frozen=True)
class PassageRef:
    id: int
    position: int
    paragraph: str
    kind: str
    text: str


@dataclass(frozen=True)
class FootnoteRef:
    id: int
    marker: str
    paragraph: str
    text: str


@dataclass(frozen=True)
class TagInfo:
    """One tag on a passage: ``key`` is a country code or a theme id."""

    key: str
    label: str | None
    origin: str
    excluded: bool
    confidence: float | None
    evidence: list[dict[str, Any]]


@dataclass(frozen=True)
class PassageDetail:
    id: int
    document: DocumentSummary
    position: int
    paragraph: str
    kind: str
    text: str
    start: int
    end: int
    previous: list[PassageRef]
    next: list[PassageRef]
    footnotes: list[FootnoteRef]  # footnotes this passage carries
    footnote_of: list[FootnoteRef] = field(default_factory=list)  # passages citing this note
    countries: list[TagInfo] = field(default_factory=list)
    themes: list[TagInfo] = field(default_factory=list)
    removed_lines: list[dict[str, Any]] = field(default_factory=list)


def list_documents(library: Library) -> list[DocumentSummary]:
    """Every document, in import order, with its meeting, countries and passage count.

    Reads only the listed columns (never the documents' texts), so a large library lists fast.
    """
    with library.session() as session:
        rows = session.execute(
            select(
                Document.id,
                Document.file_name,
                Document.source_path,
                Document.format,
                Document.title,
                Document.published,
                Document.publisher,
                Document.meeting_id,
            ).order_by(Document.id)
        ).all()
        counts = dict(
            session.execute(
                select(Passage.document_id, func.count(Passage.id)).group_by(Passage.document_id)
            ).all()
        )
        countries = _countries_by_document(session)
        meetings = {m.id: _meeting(m) for m in session.scalars(select(Meeting))}
        return [
            _summary(row, counts.get(row.id, 0), countries.get(row.id, []), meetings)
            for row in rows
        ]


def get_document(library: Library, document_id: int) -> DocumentSummary:
    with library.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"document {document_id}: no such document in the library")
        return _document_summary(session, document)


def show_passage(library: Library, passage_id: int, *, context: int = 1) -> PassageDetail:
    """The passage, ``context`` neighbours on each side, its footnotes, tags and provenance."""
    with library.session() as session:
        passage = session.get(Passage, passage_id)
        if passage is None:
            raise NotFound(f"passage {passage_id}: no such passage in the library")
        document = passage.document
        neighbours = session.scalars(
            select(Passage)
            .where(
                Passage.document_id == document.id,
                Passage.position.between(passage.position - context, passage.position + context),
                Passage.id != passage.id,
            )
            .order_by(Passage.position)
        ).all()
        return PassageDetail(
            id=passage.id,
            document=_document_summary(session, document),
            position=passage.position,
            paragraph=passage.paragraph,
            kind=passage.kind,
            text=passage.text,
            start=passage.start,
            end=passage.end,
            previous=[_ref(p) for p in neighbours if p.position < passage.position],
            next=[_ref(p) for p in neighbours if p.position > passage.position],
            footnotes=_footnotes(session, passage.id, outgoing=True),
            footnote_of=_footnotes(session, passage.id, outgoing=False),
            countries=_country_tags(session, passage.id),
            themes=_theme_tags(session, passage.id),
            removed_lines=list(document.removed_lines or []),
        )


def _document_summary(session: Session, document: Document) -> DocumentSummary:
    count = session.scalar(select(func.count(Passage.id)).where(Passage.document_id == document.id))
    countries = _countries_by_document(session, document.id).get(document.id, [])
    meetings = {document.meeting.id: _meeting(document.meeting)} if document.meeting else {}
    return _summary(document, count or 0, countries, meetings)


def _summary(
    document: Any, passages: int, countries: list[str], meetings: dict[int, MeetingInfo]
) -> DocumentSummary:
    return DocumentSummary(
        id=document.id,
        file=document.file_name,
        path=document.source_path,
        format=document.format,
        title=document.title,
        published=document.published,
        publisher=document.publisher,
        meeting=meetings.get(document.meeting_id) if document.meeting_id else None,
        countries=countries,
        passages=passages,
    )


def _countries_by_document(
    session: Session, document_id: int | None = None
) -> dict[int, list[str]]:
    query = (
        select(Passage.document_id, PassageCountry.country_code)
        .join(PassageCountry, PassageCountry.passage_id == Passage.id)
        .where(PassageCountry.excluded.is_(False))
        .distinct()
    )
    if document_id is not None:
        query = query.where(Passage.document_id == document_id)
    found: dict[int, set[str]] = defaultdict(set)
    for doc_id, code in session.execute(query):
        found[doc_id].add(code)
    return {doc_id: sorted(codes) for doc_id, codes in found.items()}


def _meeting(meeting: Meeting) -> MeetingInfo:
    return MeetingInfo(
        id=meeting.id,
        title=meeting.title,
        series=meeting.series,
        start_date=meeting.start_date,
        end_date=meeting.end_date,
        city=meeting.city,
        country=meeting.country,
        confidence=meeting.confidence,
    )


def _ref(passage: Passage) -> PassageRef:
    return PassageRef(passage.id, passage.position, passage.paragraph, passage.kind, passage.text)


def _footnotes(session: Session, passage_id: int, *, outgoing: bool) -> list[FootnoteRef]:
    if outgoing:
        join_on, where = PassageFootnote.footnote_id, PassageFootnote.passage_id
    else:
        join_on, where = PassageFootnote.passage_id, PassageFootnote.footnote_id
    rows = session.execute(
        select(PassageFootnote.marker, Passage)
        .join(Passage, Passage.id == join_on)
        .where(where == passage_id)
        .order_by(Passage.position)
    ).all()
    return [FootnoteRef(p.id, marker, p.paragraph, p.text) for marker, p in rows]


def _country_tags(session: Session, passage_id: int) -> list[TagInfo]:
    rows = session.execute(
        select(PassageCountry, Country.name)
        .join(Country, Country.code == PassageCountry.country_code)
        .where(PassageCountry.passage_id == passage_id)
        .order_by(PassageCountry.country_code)
    ).all()
    return [
        TagInfo(t.country_code, name, t.origin, t.excluded, t.confidence, list(t.evidence or []))
        for t, name in rows
    ]


def _theme_tags(session: Session, passage_id: int) -> list[TagInfo]:
    rows = session.execute(
        select(PassageTheme, Theme.label)
        .join(Theme, Theme.id == PassageTheme.theme_id)
        .where(PassageTheme.passage_id == passage_id)
        .order_by(PassageTheme.theme_id)
    ).all()
    return [
        TagInfo(t.theme_id, label, t.origin, t.excluded, t.score, list(t.evidence or []))
        for t, label in rows
    ]


def delete_document(library: Library, document_id: int) -> str:
    """Delete a document with its passages, tags and index rows; returns its file name.

    Refused while a briefing quotes or cites one of its passages, naming the briefings:
    an analyst's curation is never lost to a clean-up. Manual corrections stay recorded
    by content, so importing the same document again brings them back.
    """
    from briefer.services.briefing_reads import briefings_quoting_document
    from briefer.services.meetings import prune_meetings

    with library.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"document {document_id} does not exist")
        quoting = briefings_quoting_document(session, document_id)
        if quoting:
            names = ", ".join(f"{bid} “{title}”" for bid, title in quoting)
            raise BrieferError(
                f"document {document_id} ({document.file_name}) is quoted in briefing {names}: "
                "remove those quotes first"
            )
        name = document.file_name
        passage_ids = list(
            session.scalars(select(Passage.id).where(Passage.document_id == document_id))
        )
        library.search.unindex(session.connection(), passage_ids)
        session.delete(document)
        session.flush()
        prune_meetings(session)
    return name

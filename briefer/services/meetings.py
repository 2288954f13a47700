"""Linking documents to meetings, listing meetings, and the analyst's corrections.

Documents of one meeting (a joint statement and a news report of the same forum) share
one ``Meeting`` row. Grouping is conservative: two guesses are the same meeting only
when both have dates that overlap, nothing they state conflicts (series, city, country,
dates), and they agree on the series, the title, or the city with the same dates. A
wrong merge would file a quote under the wrong meeting, which is worse than two rows an
analyst can see side by side.

An analyst's correction (``set_meeting``) is stored as a ``ManualCorrection`` keyed by
the document's content hash, holding the whole corrected meeting. ``attach_meeting``
applies it before looking at any guess, so it survives re-tagging and deleting and
re-importing the document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Date, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from briefer.domain.errors import BrieferError, NotFound
from briefer.ingest.model import CleanDocument, CleanPassage, RemovedLine
from briefer.store.library import Library
from briefer.store.models import (
    AUTOMATIC,
    MANUAL,
    Country,
    Document,
    ManualCorrection,
    Meeting,
    Passage,
)
from briefer.tagging.meetings import extract_meeting
from briefer.tagging.model import MeetingGuess

MEETING_CORRECTION = "meeting"
FIELDS = ("title", "series", "start_date", "end_date", "city", "country", "format")
_DATE_FIELDS = ("start_date", "end_date")
# EU texts write Greece and the United Kingdom as EL and UK; the library stores ISO codes.
_EU_CODES = {"EL": "GR", "UK": "GB"}
_MAX_EVIDENCE = 40  # a meeting shared by many documents keeps a readable amount


class MeetingValueError(BrieferError):
    """A meeting correction that cannot be stored as given (end before start, bad code)."""


@dataclass(frozen=True)
class MeetingSummary:
    """A meeting as lists show it; unknown fields are None."""

    id: int
    title: str | None
    series: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    city: str | None
    country: str | None
    format: str | None
    confidence: float | None
    origin: str
    documents: int
    passages: int


# ---------------------------------------------------------------------------------------
# Attaching (the importer and re-tagging call this)


def attach_meeting(session: Session, document: Document, guess: MeetingGuess | None) -> None:
    """Link ``document`` to the meeting the guess describes, reusing an existing meeting.

    Called by the importer inside the document's transaction, after the document row is
    flushed. A manual correction stored for this content wins over the guess.
    """
    previous = document.meeting_id
    fields = correction_fields(session, document.sha256)
    if fields is not None:
        document.meeting = _manual_meeting(session, fields)
        document.meeting_origin = MANUAL
    elif guess is None or not _states_anything(guess):
        document.meeting = None
        document.meeting_origin = AUTOMATIC
    else:
        document.meeting = _automatic_meeting(session, guess)
        document.meeting_origin = AUTOMATIC
    session.flush()
    if previous is not None and previous != document.meeting_id:
        _drop_if_empty(session, previous)


def link_new_document(
    session: Session,
    document_id: int,
    sha256: str,
    guess: MeetingGuess | None,
    *,
    corrected: bool | None = None,
) -> None:
    """``attach_meeting`` for a document inserted in this transaction, without ORM objects.

    The importer calls this once per document: loading ``Document`` and ``Meeting``
    objects and flushing them cost more than the rest of storing a document. The rules
    are ``attach_meeting``'s (a manual correction wins, then the same grouping); a
    correction, which is rare, takes the ORM path itself. ``corrected`` says whether a
    meeting correction is recorded for ``sha256``, when the caller already looked.
    """
    connection = session.connection()
    if corrected is None:
        corrected = connection.scalar(_CORE.has_correction, {"sha256": sha256}) is not None
    if corrected:
        document = session.get(Document, document_id)
        assert document is not None
        attach_meeting(session, document, guess)
        return
    if guess is None or not _states_anything(guess):
        return  # the row was inserted with no meeting, origin automatic
    meeting_id = None
    if guess.start_date is not None:
        bounds = {"start": guess.start_date, "end": guess.end_date or guess.start_date}
        for row in connection.execute(_CORE.overlapping, bounds):
            if _same_meeting(row, guess):  # type: ignore[arg-type]
                if row.origin == AUTOMATIC:
                    changes = _unknown_filled(row, guess)
                    if changes:
                        connection.execute(_CORE.update_meeting, {"row_id": row.id, **changes})
                meeting_id = row.id
                break
    if meeting_id is None:
        meeting_id = connection.scalar(
            _CORE.insert_meeting,
            {
                "title": guess.title,
                "series": guess.series,
                "start_date": guess.start_date,
                "end_date": guess.end_date or guess.start_date,
                "city": guess.city,
                "country": guess.country,
                "format": guess.format,
                "confidence": guess.confidence,
                "origin": AUTOMATIC,
                "evidence": [e.as_dict() for e in guess.evidence],
            },
        )
    connection.execute(_CORE.set_document_meeting, {"row_id": document_id, "meeting": meeting_id})


def _unknown_filled(row: Any, guess: MeetingGuess) -> dict[str, Any]:
    """``_fill_unknown`` as column values: only what changes."""
    changes: dict[str, Any] = {
        name: getattr(guess, name)
        for name in FIELDS
        if getattr(row, name) is None and getattr(guess, name) is not None
    }
    confidence = max(row.confidence or 0.0, guess.confidence)
    if confidence != row.confidence:
        changes["confidence"] = confidence
    evidence = list(row.evidence or [])
    for item in (e.as_dict() for e in guess.evidence):
        if item not in evidence and len(evidence) < _MAX_EVIDENCE:
            evidence.append(item)
    if evidence != (row.evidence or []) or (row.evidence is None and evidence):
        changes["evidence"] = evidence
    return changes


class _CoreStatements:
    """``link_new_document``'s statements, built once (building one per document costs
    more than running it)."""

    def __init__(self) -> None:
        meeting, document = Meeting.__table__, Document.__table__
        correction = ManualCorrection.__table__
        self.has_correction = (
            select(correction.c.id)
            .where(
                correction.c.document_sha256 == bindparam("sha256"),
                correction.c.kind == MEETING_CORRECTION,
            )
            .limit(1)
        )
        used = select(document.c.id).where(document.c.meeting_id == meeting.c.id).exists()
        self.overlapping = (
            select(meeting)
            .where(
                meeting.c.start_date.is_not(None),
                meeting.c.start_date <= bindparam("end", type_=Date),
                func.coalesce(meeting.c.end_date, meeting.c.start_date)
                >= bindparam("start", type_=Date),
                used,
            )
            .order_by(meeting.c.id)
        )
        self.insert_meeting = insert(meeting).returning(meeting.c.id)
        self.set_document_meeting = (
            update(document)
            .where(document.c.id == bindparam("row_id"))
            .values(meeting_id=bindparam("meeting"), meeting_origin=AUTOMATIC)
        )
        self.update_meeting = update(meeting).where(meeting.c.id == bindparam("row_id"))


_CORE = _CoreStatements()


def _states_anything(guess: MeetingGuess) -> bool:
    return any(getattr(guess, name) is not None for name in FIELDS if name != "format")


def _automatic_meeting(session: Session, guess: MeetingGuess) -> Meeting:
    for meeting in _overlapping(session, guess):
        if _same_meeting(meeting, guess):
            if meeting.origin == AUTOMATIC:
                _fill_unknown(meeting, guess)
            return meeting
    meeting = Meeting(
        title=guess.title,
        series=guess.series,
        start_date=guess.start_date,
        end_date=guess.end_date or guess.start_date,
        city=guess.city,
        country=guess.country,
        format=guess.format,
        confidence=guess.confidence,
        origin=AUTOMATIC,
        evidence=[e.as_dict() for e in guess.evidence],
    )
    session.add(meeting)
    return meeting


def _overlapping(session: Session, guess: MeetingGuess) -> list[Meeting]:
    """Meetings with at least one document whose dates overlap the guess's dates."""
    if guess.start_date is None:
        return []
    end = guess.end_date or guess.start_date
    query = (
        select(Meeting)
        .where(
            Meeting.start_date.is_not(None),
            Meeting.start_date <= end,
            func.coalesce(Meeting.end_date, Meeting.start_date) >= guess.start_date,
            Meeting.documents.any(),
        )
        .order_by(Meeting.id)
    )
    return list(session.scalars(query))


def _same_meeting(meeting: Meeting, guess: MeetingGuess) -> bool:
    """Conservative: dates overlap (checked by the query), nothing conflicts, and one
    strong agreement (series, title, or city with exactly the same dates)."""
    pairs = [
        (meeting.series, guess.series),
        (meeting.city, guess.city),
        (meeting.country, guess.country),
    ]
    if any(a is not None and b is not None and _norm(a) != _norm(b) for a, b in pairs):
        return False
    same_series = meeting.series is not None and meeting.series == guess.series
    same_title = meeting.title is not None and _norm(meeting.title) == _norm(guess.title or "")
    same_days = (meeting.start_date, meeting.end_date) == (
        guess.start_date,
        guess.end_date or guess.start_date,
    )
    same_city = meeting.city is not None and _norm(meeting.city) == _norm(guess.city or "")
    if meeting.title and guess.title and not same_title and not same_series:
        return same_city and same_days
    return same_series or same_title or (same_city and same_days)


def _fill_unknown(meeting: Meeting, guess: MeetingGuess) -> None:
    """A second document of the same meeting may state what the first did not."""
    for name in FIELDS:
        if getattr(meeting, name) is None and getattr(guess, name) is not None:
            setattr(meeting, name, getattr(guess, name))
    meeting.confidence = max(meeting.confidence or 0.0, guess.confidence)
    evidence = list(meeting.evidence or [])
    for item in (e.as_dict() for e in guess.evidence):
        if item not in evidence and len(evidence) < _MAX_EVIDENCE:
            evidence.append(item)
    meeting.evidence = evidence


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[\W_]+", " ", folded).strip()


def _drop_if_empty(session: Session, meeting_id: int) -> None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is not None and not meeting.documents:
        session.delete(meeting)
        session.flush()


def prune_meetings(session: Session) -> int:
    """Delete meetings no document links to (left behind by deleted documents)."""
    empty = list(session.scalars(select(Meeting).where(~Meeting.documents.any())))
    for meeting in empty:
        session.delete(meeting)
    session.flush()
    return len(empty)


# ---------------------------------------------------------------------------------------
# Corrections


def correction_fields(session: Session, sha256: str) -> dict[str, Any] | None:
    """The meeting an analyst set for this content (latest correction), or None."""
    row = session.scalars(
        select(ManualCorrection)
        .where(
            ManualCorrection.document_sha256 == sha256,
            ManualCorrection.kind == MEETING_CORRECTION,
        )
        .order_by(ManualCorrection.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    stored = row.payload.get("fields", {})
    fields: dict[str, Any] = {name: stored.get(name) for name in FIELDS}
    for name in _DATE_FIELDS:
        if fields[name] is not None:
            fields[name] = dt.date.fromisoformat(fields[name])
    return fields


def _manual_meeting(session: Session, fields: dict[str, Any]) -> Meeting:
    """The manual meeting with exactly these fields (shared by documents corrected alike)."""
    query = select(Meeting).where(Meeting.origin == MANUAL)
    for name in FIELDS:
        column = getattr(Meeting, name)
        value = fields[name]
        query = query.where(column.is_(None) if value is None else column == value)
    meeting = session.scalars(query.order_by(Meeting.id).limit(1)).first()
    if meeting is None:
        meeting = Meeting(origin=MANUAL, confidence=1.0, evidence=[], **fields)
        session.add(meeting)
    return meeting


def set_meeting(session: Session, document_id: int, changes: dict[str, Any]) -> Meeting:
    """Correct the meeting of one document; fields not in ``changes`` keep their value.

    A value of None (or an empty string) clears a field. A start date without an end date
    makes a one-day meeting. The corrected meeting is stored against the document's
    content hash, so it survives re-tagging and re-importing.

    A document that already has its own manual meeting (no other document links to it)
    keeps that row, updated in place, so its id stays valid for ``search --meeting``; a
    document sharing a meeting moves to a manual meeting of its own.
    """
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"document {document_id}: no such document in the library")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise MeetingValueError(f"unknown meeting field(s): {', '.join(sorted(unknown))}")
    current = document.meeting
    fields: dict[str, Any] = {
        name: getattr(current, name) if current is not None else None for name in FIELDS
    }
    old = (fields["start_date"], fields["end_date"])
    for name, value in changes.items():
        fields[name] = _clean_value(session, name, value)
    _check_dates(document_id, fields, changes, old)
    payload = {
        "fields": {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in fields.items()
        }
    }
    session.add(
        ManualCorrection(document_sha256=document.sha256, kind=MEETING_CORRECTION, payload=payload)
    )
    session.flush()
    if _owns_manual_meeting(document):
        assert current is not None
        for name, value in fields.items():
            setattr(current, name, value)
        session.flush()
        return current
    attach_meeting(session, document, None)
    assert document.meeting is not None
    return document.meeting


def _owns_manual_meeting(document: Document) -> bool:
    """Whether the document's meeting is a manual one that no other document links to."""
    meeting = document.meeting
    return (
        meeting is not None
        and meeting.origin == MANUAL
        and document.meeting_origin == MANUAL
        and all(other.id == document.id for other in meeting.documents)
    )


def _clean_value(session: Session, name: str, value: Any) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split()) or None
    if value is None:
        return None
    if name in _DATE_FIELDS and not isinstance(value, dt.date):
        raise MeetingValueError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)")
    if name == "country":
        code = _EU_CODES.get(str(value).upper(), str(value).upper())
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise MeetingValueError(f"country: {value!r} is not a two-letter country code")
        known = session.scalar(select(func.count()).select_from(Country))
        if known and session.get(Country, code) is None:
            raise MeetingValueError(f"country: {value!r} is not a country the library knows")
        return code
    return value


def _check_dates(
    document_id: int, fields: dict[str, Any], changes: dict[str, Any], old: tuple[Any, Any]
) -> None:
    """Complete and check the dates; a moved start moves a one-day meeting's end with it."""
    start, end = fields["start_date"], fields["end_date"]
    start_moved = "start_date" in changes and "end_date" not in changes and start is not None
    if start_moved and (end is None or old[0] == old[1] or end < start):
        end = start
    if start is None:
        start = end
    if end is None:
        end = start
    if start is not None and end is not None and end < start:
        raise MeetingValueError(
            f"document {document_id}: the meeting cannot end ({end.isoformat()}) "
            f"before it starts ({start.isoformat()})"
        )
    fields["start_date"], fields["end_date"] = start, end


# ---------------------------------------------------------------------------------------
# Reading


def list_meetings(session: Session) -> list[MeetingSummary]:
    """Every meeting some document links to, by date (undated last), with counts."""
    documents = (
        select(Document.meeting_id, func.count(Document.id).label("n"))
        .group_by(Document.meeting_id)
        .subquery()
    )
    passages = (
        select(Document.meeting_id, func.count(Passage.id).label("n"))
        .join(Passage, Passage.document_id == Document.id)
        .group_by(Document.meeting_id)
        .subquery()
    )
    query = (
        select(Meeting, documents.c.n, func.coalesce(passages.c.n, 0))
        .join(documents, documents.c.meeting_id == Meeting.id)
        .outerjoin(passages, passages.c.meeting_id == Meeting.id)
        .order_by(Meeting.start_date.is_(None), Meeting.start_date, Meeting.id)
    )
    return [
        MeetingSummary(
            id=m.id,
            title=m.title,
            series=m.series,
            start_date=m.start_date,
            end_date=m.end_date,
            city=m.city,
            country=m.country,
            format=m.format,
            confidence=m.confidence,
            origin=m.origin,
            documents=n_documents,
            passages=n_passages,
        )
        for m, n_documents, n_passages in session.execute(query)
    ]


def count_documents_without_meeting(session: Session) -> int:
    return session.scalar(select(func.count(Document.id)).where(Document.meeting_id.is_(None))) or 0


# ---------------------------------------------------------------------------------------
# Use cases over a library (the shells call these; sessions stay here)


@dataclass(frozen=True)
class MeetingsOverview:
    meetings: list[MeetingSummary]
    documents_without_meeting: int


def meetings_overview(library: Library) -> MeetingsOverview:
    """Every meeting with its counts, and how many documents still have no meeting."""
    with library.session() as session:
        return MeetingsOverview(list_meetings(session), count_documents_without_meeting(session))


def correct_meeting(library: Library, document_id: int, changes: dict[str, Any]) -> MeetingSummary:
    """Store an analyst's correction of one document's meeting and return the meeting."""
    with library.session() as session:
        meeting = set_meeting(session, document_id, changes)
        meeting_id = meeting.id
    with library.session() as session:
        return next(m for m in list_meetings(session) if m.id == meeting_id)


# ---------------------------------------------------------------------------------------
# Reading the meeting again from stored text (after a reset, or a better extractor)


def stored_document(document: Document) -> CleanDocument:
    """The cleaned document as the importer saw it, rebuilt from the library's rows."""
    passages = [
        CleanPassage(p.position, p.paragraph, p.kind, p.text, p.start, p.end)  # type: ignore[arg-type]
        for p in document.passages
    ]
    removed = [
        RemovedLine(r.get("line", ""), r.get("rule", "")) for r in document.removed_lines or []
    ]
    return CleanDocument(
        path=Path(document.source_path or document.file_name),
        format=document.format,
        text=document.text,
        passages=passages,
        sha256=document.sha256,
        title=document.title,
        url=document.url,
        publisher=document.publisher,
        published=document.published,
        language=document.language,
        removed=removed,
    )


def reread_meeting(session: Session, document: Document) -> None:
    """Extract the document's meeting from its stored text again and link it (a correction
    still wins)."""
    attach_meeting(session, document, extract_meeting(stored_document(document)))


def reset_meeting(library: Library, document_id: int) -> MeetingSummary | None:
    """Forget the analyst's meeting corrections for this document and read it from the text."""
    with library.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"document {document_id}: no such document in the library")
        for row in session.scalars(
            select(ManualCorrection).where(
                ManualCorrection.document_sha256 == document.sha256,
                ManualCorrection.kind == MEETING_CORRECTION,
            )
        ):
            session.delete(row)
        session.flush()
        reread_meeting(session, document)
        meeting_id = document.meeting_id
    if meeting_id is None:
        return None
    with library.session() as session:
        return next(m for m in list_meetings(session) if m.id == meeting_id)


def reread_meetings(library: Library, batch_size: int = 200) -> int:
    """Read every document's meeting again (e.g. after the extractor improved); corrections
    win. One transaction per batch. Returns how many documents were read."""
    done, last_id = 0, 0
    while True:
        with library.session() as session:
            documents = list(
                session.scalars(
                    select(Document)
                    .where(Document.id > last_id)
                    .order_by(Document.id)
                    .limit(batch_size)
                )
            )
            if not documents:
                return done
            for document in documents:
                reread_meeting(session, document)
            last_id = documents[-1].id
            done += len(documents)

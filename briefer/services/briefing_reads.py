"""Reading briefings out of the store as plain data (``briefer.briefing.outline``).

A handful of queries per briefing whatever its size: sections, items, the further
sources of items, then the quoted passages with their documents, meetings and country
names in batches; never one query per item.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from briefer.briefing.outline import (
    BriefingOutline,
    BriefingSummary,
    DocumentInfo,
    ItemOutline,
    MeetingInfo,
    PassageRef,
    SectionOutline,
    SourceFootnote,
)
from briefer.domain.errors import NotFound
from briefer.store.briefing_models import (
    Briefing,
    BriefingItem,
    BriefingItemSource,
    BriefingSection,
)
from briefer.store.library import Library
from briefer.store.models import Country, Document, Meeting, Passage, PassageFootnote

_BATCH = 500


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def list_briefings(library: Library) -> list[BriefingSummary]:
    """Every briefing, most recently changed first, with its section and item counts."""
    with library.session() as session:
        sections = dict(
            session.execute(
                select(BriefingSection.briefing_id, func.count()).group_by(
                    BriefingSection.briefing_id
                )
            ).all()
        )
        items = dict(
            session.execute(
                select(BriefingSection.briefing_id, func.count(BriefingItem.id))
                .join(BriefingItem, BriefingItem.section_id == BriefingSection.id)
                .group_by(BriefingSection.briefing_id)
            ).all()
        )
        briefings = session.scalars(
            select(Briefing).order_by(Briefing.modified_at.desc(), Briefing.id.desc())
        )
        return [
            BriefingSummary(
                id=b.id,
                title=b.title,
                classification=b.classification,
                preset=b.preset,
                sections=sections.get(b.id, 0),
                items=items.get(b.id, 0),
                created_at=b.created_at,
                modified_at=b.modified_at,
                version=b.version,
            )
            for b in briefings
        ]


def passage_refs(session: Session, passage_ids: Iterable[int]) -> dict[int, PassageRef]:
    """The passages with their documents and meetings, as plain data, by passage id."""
    ids = sorted(set(passage_ids))
    rows: list[tuple[Passage, Document, Meeting | None]] = []
    for chunk in _chunks(ids):
        rows.extend(
            session.execute(
                select(Passage, Document, Meeting)
                .join(Document, Document.id == Passage.document_id)
                .outerjoin(Meeting, Meeting.id == Document.meeting_id)
                .where(Passage.id.in_(chunk))
            )
        )
    codes = {m.country for _, _, m in rows if m is not None and m.country}
    names = (
        dict(
            session.execute(select(Country.code, Country.name).where(Country.code.in_(codes))).all()
        )
        if codes
        else {}
    )
    notes = _source_footnotes(session, ids)
    documents: dict[int, DocumentInfo] = {}
    refs: dict[int, PassageRef] = {}
    for passage, document, meeting in rows:
        info = documents.get(document.id)
        if info is None:
            info = documents[document.id] = DocumentInfo(
                id=document.id,
                title=document.title,
                file_name=document.file_name,
                publisher=document.publisher,
                url=document.url,
                published=document.published,
                meeting=_meeting_info(meeting, names),
            )
        refs[passage.id] = PassageRef(
            passage_id=passage.id,
            text=passage.text,
            paragraph=passage.paragraph,
            kind=passage.kind,
            document=info,
            footnotes=notes.get(passage.id, ()),
        )
    return refs


def _source_footnotes(
    session: Session, passage_ids: list[int]
) -> dict[int, tuple[SourceFootnote, ...]]:
    """The footnote passages each quoted passage's markers point to, in document order."""
    found: dict[int, list[SourceFootnote]] = {}
    for chunk in _chunks(passage_ids):
        for passage_id, marker, footnote_id, text in session.execute(
            select(PassageFootnote.passage_id, PassageFootnote.marker, Passage.id, Passage.text)
            .join(Passage, Passage.id == PassageFootnote.footnote_id)
            .where(PassageFootnote.passage_id.in_(chunk))
            .order_by(PassageFootnote.passage_id, Passage.position, Passage.id)
        ):
            found.setdefault(passage_id, []).append(SourceFootnote(marker, text, footnote_id))
    return {key: tuple(value) for key, value in found.items()}


def _meeting_info(meeting: Meeting | None, country_names: dict[str, str]) -> MeetingInfo | None:
    if meeting is None:
        return None
    return MeetingInfo(
        id=meeting.id,
        title=meeting.title,
        start_date=meeting.start_date,
        end_date=meeting.end_date,
        city=meeting.city,
        # A code with no name in the library is left out rather than shown as a bare code.
        country=country_names.get(meeting.country) if meeting.country else None,
        series=meeting.series,
        format=meeting.format,
        confidence=meeting.confidence,
    )


def outline_in(session: Session, briefing_id: int) -> BriefingOutline:
    """The whole briefing as plain data, inside the caller's session."""
    briefing = session.get(Briefing, briefing_id)
    if briefing is None:
        raise NotFound(f"briefing {briefing_id} does not exist")
    sections = list(
        session.scalars(
            select(BriefingSection)
            .where(BriefingSection.briefing_id == briefing_id)
            .order_by(BriefingSection.position, BriefingSection.id)
        )
    )
    items = list(
        session.scalars(
            select(BriefingItem)
            .join(BriefingSection, BriefingSection.id == BriefingItem.section_id)
            .where(BriefingSection.briefing_id == briefing_id)
            .order_by(BriefingItem.section_id, BriefingItem.position, BriefingItem.id)
        )
    )
    also: dict[int, list[int]] = {}
    for chunk in _chunks([i.id for i in items]):
        for item_id, passage_id in session.execute(
            select(BriefingItemSource.item_id, BriefingItemSource.passage_id)
            .where(BriefingItemSource.item_id.in_(chunk))
            .order_by(BriefingItemSource.item_id, BriefingItemSource.position)
        ):
            also.setdefault(item_id, []).append(passage_id)
    wanted = [i.passage_id for i in items if i.passage_id is not None]
    wanted += [p for ids in also.values() for p in ids]
    refs = passage_refs(session, wanted)
    by_section: dict[int, list[ItemOutline]] = {s.id: [] for s in sections}
    for item in items:
        cited = [item.passage_id] if item.passage_id is not None else []
        cited += also.get(item.id, [])
        by_section[item.section_id].append(
            ItemOutline(
                id=item.id,
                kind="quote" if item.kind == "quote" else "text",
                position=item.position,
                text=item.text,
                note=item.note,
                sources=tuple(refs[p] for p in cited if p in refs),
            )
        )
    return BriefingOutline(
        id=briefing.id,
        title=briefing.title,
        subtitle=briefing.subtitle,
        purpose=briefing.purpose,
        audience=briefing.audience,
        author=briefing.author,
        date=briefing.date,
        language=briefing.language,
        classification=briefing.classification,
        preset=briefing.preset,
        created_at=briefing.created_at,
        modified_at=briefing.modified_at,
        version=briefing.version,
        sections=[
            SectionOutline(
                id=s.id,
                heading=s.heading,
                position=s.position,
                intro=s.intro,
                items=by_section[s.id],
            )
            for s in sections
        ],
    )


def load_outline(library: Library, briefing_id: int) -> BriefingOutline:
    """The briefing ``briefing_id`` as plain data; ``NotFound`` when there is none."""
    with library.session() as session:
        return outline_in(session, briefing_id)


def briefings_quoting_document(session: Session, document_id: int) -> list[tuple[int, str]]:
    """(id, title) of the briefings quoting or citing any passage of a document.

    Quoted passages cannot be deleted (``ON DELETE RESTRICT`` on both the quote and the
    further sources it cites); deleting a document calls this first to say which
    briefings stand in the way, instead of failing on the foreign key.
    """
    passages = select(Passage.id).where(Passage.document_id == document_id)
    quoting = select(BriefingItem.section_id).where(BriefingItem.passage_id.in_(passages))
    citing = (
        select(BriefingItem.section_id)
        .join(BriefingItemSource, BriefingItemSource.item_id == BriefingItem.id)
        .where(BriefingItemSource.passage_id.in_(passages))
    )
    rows = session.execute(
        select(Briefing.id, Briefing.title)
        .join(BriefingSection, BriefingSection.briefing_id == Briefing.id)
        .where(BriefingSection.id.in_(quoting.union(citing)))
        .distinct()
        .order_by(Briefing.id)
    ).all()
    return [(row[0], row[1]) for row in rows]

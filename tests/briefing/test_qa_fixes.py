"""QA fixes in citations and composition: uncertain meetings, untitled meetings,
videoconferences, source footnotes, and the export's dates."""

from __future__ import annotations

import datetime as dt

from briefer.briefing.citations import cite_passage, source_for
from briefer.briefing.compose import compose_document
from briefer.briefing.document import Note, Quote, Table
from briefer.briefing.outline import (
    BriefingOutline,
    DocumentInfo,
    ItemOutline,
    MeetingInfo,
    PassageRef,
    SectionOutline,
    SourceFootnote,
)

INFERRED = MeetingInfo(
    id=1, start_date=dt.date(2018, 6, 19), city="Sofia", country="Bulgaria", confidence=0.39
)


def _doc(meeting: MeetingInfo | None, published: dt.date | None = None) -> DocumentInfo:
    return DocumentInfo(1, "Joint Statement", "a.html", published=published, meeting=meeting)


def _ref(document: DocumentInfo, text: str = "Text.", footnotes=()) -> PassageRef:  # type: ignore[no-untyped-def]
    return PassageRef(5, text, "1", "body", document, footnotes=footnotes)


def test_low_confidence_meeting_date_is_cited_as_publication_date() -> None:
    cited = cite_passage(_ref(_doc(INFERRED, published=dt.date(2018, 6, 19))))
    assert cited == "Joint Statement, published 19 June 2018, para. 1"


def test_low_confidence_meeting_without_publication_date_says_uncertain() -> None:
    cited = cite_passage(_ref(_doc(INFERRED)))
    assert cited == "Joint Statement, 19 June 2018 (meeting date uncertain), para. 1"


def test_confident_meeting_is_cited_as_fact() -> None:
    sure = MeetingInfo(
        id=1, start_date=dt.date(2018, 6, 19), city="Sofia", country="Bulgaria", confidence=0.5
    )
    cited = cite_passage(_ref(_doc(sure, published=dt.date(2018, 6, 20))))
    assert cited == "Joint Statement, Sofia, 19 June 2018, para. 1"


def test_annex_marks_an_uncertain_meeting() -> None:
    source = source_for(_ref(_doc(INFERRED, published=dt.date(2018, 6, 19))))
    assert source.place == "Sofia, Bulgaria (uncertain)"
    assert source.date == "published 19 June 2018"


def _outline(*refs: PassageRef) -> BriefingOutline:
    items = [ItemOutline(i, "quote", i, sources=(ref,)) for i, ref in enumerate(refs, 1)]
    return BriefingOutline(
        1,
        "Brief",
        modified_at=dt.datetime(2024, 11, 25, 9, 30),
        sections=[SectionOutline(1, "Key messages", 0, items=items)],
    )


def _annex_rows(outline: BriefingOutline) -> list[list[str]]:
    table = next(b for b in compose_document(outline).blocks if isinstance(b, Table))
    return [["".join(s.text for s in cell) for cell in row] for row in table.rows]


def test_annex_names_untitled_meeting_by_series_and_videoconference_place() -> None:
    berlin = MeetingInfo(
        id=4,
        series="Berlin Process",
        start_date=dt.date(2018, 6, 27),
        city="London",
        country="United Kingdom",
        confidence=0.91,
    )
    online = MeetingInfo(
        id=7, start_date=dt.date(2021, 1, 22), format="videoconference", confidence=0.51
    )
    first = _ref(DocumentInfo(1, "Chair's Conclusions", "b.html", meeting=berlin))
    second = PassageRef(
        6, "Text.", "2", "body", DocumentInfo(2, "Statement", "c.html", meeting=online)
    )
    rows = _annex_rows(_outline(first, second))
    assert rows[0][1:4] == ["Berlin Process", "London, United Kingdom", "27 June 2018"]
    assert rows[1][2] == "videoconference"
    assert "Berlin Process, London" in cite_passage(first)
    assert cite_passage(second) == "Statement, videoconference, 22 January 2021, para. 2"


def test_source_footnote_follows_the_verbatim_quote() -> None:
    text = "The Ministers welcome the Integrative Internal Security Governance¹ initiative."
    note = SourceFootnote("1", "The IISG brings together three pillars.", 9)
    document = compose_document(_outline(_ref(_doc(None), text, footnotes=(note,))))
    quote = next(b for b in document.blocks if isinstance(b, Quote))
    assert quote.text == text  # never edited
    assert [(n.marker, n.text) for n in quote.source_notes] == [
        ("¹", "The IISG brings together three pillars.")
    ]
    assert document.modified == dt.datetime(2024, 11, 25, 9, 30)


def test_bracketed_source_marker_and_kosovo_footnote_from_the_source() -> None:
    text = "Ministers of Kosovo[1] met."
    notes = (SourceFootnote("1", "Such as the Salzburg Forum.", 9),)
    document = compose_document(_outline(_ref(_doc(None), text, footnotes=notes)))
    quote = next(b for b in document.blocks if isinstance(b, Quote))
    assert quote.source_notes[0].marker == "[1]"
    star = (SourceFootnote("*", "This designation is without prejudice…", 10),)
    document = compose_document(_outline(_ref(_doc(None), "Kosovo* met.", footnotes=star)))
    # The source's own designation note is shown; it is not added a second time.
    assert not [b for b in document.blocks if isinstance(b, Note) and b.marker == "*"]
    designation = (
        SourceFootnote("1", "This designation is without prejudice to positions on status.", 10),
    )
    document = compose_document(_outline(_ref(_doc(None), "Kosovo[1] met.", footnotes=designation)))
    assert not [b for b in document.blocks if isinstance(b, Note) and b.marker == "*"]


def test_read_model_carries_source_footnotes_and_meeting_facts(builder) -> None:  # type: ignore[no-untyped-def]
    from briefer.services.briefing_reads import passage_refs
    from briefer.store.models import PassageFootnote

    builder.meeting("berlin", series="Berlin Process", format="videoconference", confidence=0.39)
    builder.document(
        "d",
        [("q", "The Governance¹ works."), ("fn", "The IISG brings together three pillars.")],
        meeting="berlin",
    )
    corpus = builder.corpus
    with builder.library.session() as session:
        session.add(
            PassageFootnote(
                passage_id=corpus.passages["q"], footnote_id=corpus.passages["fn"], marker="1"
            )
        )
    with builder.library.session() as session:
        ref = passage_refs(session, [corpus.passages["q"]])[corpus.passages["q"]]
    assert [(n.marker, n.text) for n in ref.footnotes] == [
        ("1", "The IISG brings together three pillars.")
    ]
    meeting = ref.document.meeting
    assert meeting is not None
    assert (meeting.series, meeting.format, meeting.confidence) == (
        "Berlin Process",
        "videoconference",
        0.39,
    )

"""Grouping documents under one meeting, and corrections that survive re-import and re-tagging."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from briefer.domain.errors import NotFound
from briefer.services.importing import import_all
from briefer.services.meetings import (
    MeetingValueError,
    attach_meeting,
    correction_fields,
    list_meetings,
    reread_meetings,
    reset_meeting,
    set_meeting,
)
from briefer.services.tagging import retag
from briefer.store.library import Library
from briefer.store.models import MANUAL, Document, Meeting
from briefer.tagging.model import MeetingGuess

D = dt.date

JOINT_STATEMENT = """Joint Statement of the Ministers

Skopje, North Macedonia
1-3 December 2019

The ministers of the EU–Western Balkans Ministerial Forum on Justice and Home Affairs agreed to
step up the fight against migrant smuggling and to exchange information on returns.
"""

NEWS_REPORT = """Ministers agree on closer cooperation with the Western Balkans

From 1 to 3 December 2019, Skopje is hosting the EU-Western Balkans Ministerial Forum on
Justice and Home Affairs. The ministers discussed counter-terrorism and firearms trafficking.
"""

NEXT_YEAR = """Joint Statement of the Ministers

Brdo pri Kranju, Slovenia
1-3 December 2021

The ministers of the EU–Western Balkans Ministerial Forum on Justice and Home Affairs agreed to
work together against organised crime.
"""

OTHER_MEETING_SAME_DAYS = """Danube ministers meet in Vienna

Vienna, Austria
2 December 2019

The Ministerial Conference on Security in the Danube Region agreed on a cybercrime network.
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(library: Library, *paths: Path) -> list[int]:
    report = import_all(library, paths)
    assert not report.failed, [o.reason for o in report.outcomes]
    return [o.document_id for o in report.outcomes]  # type: ignore[misc]


def _delete_document(library: Library, document_id: int) -> None:
    """Delete as a user would (no delete service exists yet): index rows, then the row."""
    with library.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        library.search.unindex(session.connection(), [p.id for p in document.passages])
        session.delete(document)


def _meeting_of(library: Library, document_id: int):
    with library.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        return document.meeting_id, document.meeting_origin


def test_a_joint_statement_and_a_news_report_of_one_forum_share_one_meeting(
    library: Library, tmp_path: Path
) -> None:
    statement, news, next_year, danube = _import(
        library,
        _write(tmp_path, "a_statement.txt", JOINT_STATEMENT),
        _write(tmp_path, "b_news.txt", NEWS_REPORT),
        _write(tmp_path, "c_next_year.txt", NEXT_YEAR),
        _write(tmp_path, "d_danube.txt", OTHER_MEETING_SAME_DAYS),
    )
    assert _meeting_of(library, statement)[0] == _meeting_of(library, news)[0]
    assert _meeting_of(library, next_year)[0] != _meeting_of(library, statement)[0]
    # Same days, another city and another meeting: not merged.
    assert _meeting_of(library, danube)[0] not in (None, _meeting_of(library, statement)[0])
    with library.session() as session:
        meetings = {m.id: m for m in list_meetings(session)}
    forum = meetings[_meeting_of(library, statement)[0]]
    assert forum.documents == 2
    assert (forum.start_date, forum.end_date, forum.city, forum.country) == (
        D(2019, 12, 1),
        D(2019, 12, 3),
        "Skopje",
        "MK",
    )
    assert forum.passages >= 4
    assert 0 < (forum.confidence or 0) <= 1


def test_correction_survives_delete_and_reimport_and_retagging(
    library: Library, tmp_path: Path
) -> None:
    path = _write(tmp_path, "statement.txt", JOINT_STATEMENT)
    (document_id,) = _import(library, path)
    with library.session() as session:
        set_meeting(
            session,
            document_id,
            {"city": "Ohrid", "start_date": D(2019, 12, 2), "end_date": D(2019, 12, 3)},
        )
    meeting_id, origin = _meeting_of(library, document_id)
    assert origin == MANUAL

    # Re-tagging hands the importer's guess in again: the correction still wins.
    with library.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        attach_meeting(
            session, document, MeetingGuess(city="Skopje", start_date=D(2019, 12, 1), country="MK")
        )
    assert _meeting_of(library, document_id) == (meeting_id, MANUAL)
    for _progress in retag(library):  # the library-wide re-tagging command
        pass
    assert _meeting_of(library, document_id) == (meeting_id, MANUAL)

    # Delete the document and import the same file again.
    _delete_document(library, document_id)
    (again,) = _import(library, path)
    with library.session() as session:
        document = session.get(Document, again)
        assert document is not None and document.meeting is not None
        meeting = document.meeting
        assert (meeting.city, meeting.start_date, meeting.end_date) == (
            "Ohrid",
            D(2019, 12, 2),
            D(2019, 12, 3),
        )
        # Fields the analyst did not touch keep what the text said.
        assert meeting.country == "MK"
        assert meeting.series == "EU–Western Balkans Ministerial Forum on Justice and Home Affairs"
        assert document.meeting_origin == MANUAL


def test_a_document_with_meeting_unknown_can_be_completed(library: Library, tmp_path: Path) -> None:
    (document_id,) = _import(
        library,
        _write(
            tmp_path,
            "unknown.txt",
            "Joint action crucial\n\nThe ministerial meeting discussed migrant smuggling.\n",
        ),
    )
    assert _meeting_of(library, document_id)[0] is None
    with library.session() as session:
        meeting = set_meeting(
            session, document_id, {"title": "Ministerial meeting", "start_date": D(2022, 11, 8)}
        )
        assert (meeting.start_date, meeting.end_date) == (D(2022, 11, 8), D(2022, 11, 8))
        assert meeting.confidence == 1.0


def test_bad_corrections_are_refused_and_nothing_is_stored(
    library: Library, tmp_path: Path
) -> None:
    (document_id,) = _import(library, _write(tmp_path, "s.txt", JOINT_STATEMENT))
    before = _meeting_of(library, document_id)
    with pytest.raises(MeetingValueError, match="cannot end"), library.session() as session:
        set_meeting(session, document_id, {"end_date": D(2019, 11, 1)})
    with pytest.raises(MeetingValueError, match="country"), library.session() as session:
        set_meeting(session, document_id, {"country": "Macedonia"})
    with pytest.raises(NotFound, match="document 999"), library.session() as session:
        set_meeting(session, 999, {"city": "Skopje"})
    assert _meeting_of(library, document_id) == before
    with library.session() as session:
        from briefer.store.models import ManualCorrection

        assert session.scalars(select(ManualCorrection)).all() == []


def test_moving_the_start_of_a_one_day_meeting_moves_its_end(
    library: Library, tmp_path: Path
) -> None:
    (document_id,) = _import(library, _write(tmp_path, "s.txt", OTHER_MEETING_SAME_DAYS))
    with library.session() as session:
        meeting = set_meeting(session, document_id, {"start_date": D(2019, 12, 5)})
        assert (meeting.start_date, meeting.end_date) == (D(2019, 12, 5), D(2019, 12, 5))
        meeting = set_meeting(session, document_id, {"end_date": D(2019, 12, 6)})
        assert (meeting.start_date, meeting.end_date) == (D(2019, 12, 5), D(2019, 12, 6))


def test_reset_drops_the_correction_and_reads_the_text_again(
    library: Library, tmp_path: Path
) -> None:
    (document_id,) = _import(library, _write(tmp_path, "s.txt", JOINT_STATEMENT))
    automatic = _meeting_of(library, document_id)
    with library.session() as session:
        set_meeting(session, document_id, {"city": "Ohrid"})
    assert _meeting_of(library, document_id)[1] == MANUAL
    meeting = reset_meeting(library, document_id)
    assert meeting is not None and meeting.city == "Skopje" and meeting.origin == "automatic"
    assert _meeting_of(library, document_id)[1] == automatic[1]
    with library.session() as session:
        assert correction_fields(session, _sha(library, document_id)) is None


def test_rereading_all_meetings_keeps_groups_and_corrections(
    library: Library, tmp_path: Path
) -> None:
    statement, news, unknown = _import(
        library,
        _write(tmp_path, "a.txt", JOINT_STATEMENT),
        _write(tmp_path, "b.txt", NEWS_REPORT),
        _write(tmp_path, "c.txt", "Note\n\nThe ministerial meeting discussed smuggling.\n"),
    )
    with library.session() as session:
        set_meeting(session, unknown, {"title": "Set by hand", "start_date": D(2022, 1, 5)})
    before = {i: _meeting_of(library, i) for i in (statement, news, unknown)}
    assert reread_meetings(library, batch_size=2) == 3
    assert reread_meetings(library) == 3
    assert {i: _meeting_of(library, i) for i in (statement, news, unknown)} == before
    with library.session() as session:
        meetings = list_meetings(session)
        assert sorted(m.documents for m in meetings) == [1, 2]
        forum = next(m for m in meetings if m.documents == 2)
        stored = session.get(Meeting, forum.id)
        assert stored is not None and len(stored.evidence or []) <= 40


def _sha(library: Library, document_id: int) -> str:
    with library.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        return document.sha256


def test_correcting_a_document_s_own_manual_meeting_again_keeps_its_id(
    library: Library, tmp_path: Path
) -> None:
    path = _write(tmp_path, "s.txt", JOINT_STATEMENT)
    (document_id,) = _import(library, path)
    with library.session() as session:
        first = set_meeting(session, document_id, {"city": "Ohrid"}).id
    with library.session() as session:
        second = set_meeting(session, document_id, {"start_date": D(2019, 12, 2)})
        assert second.id == first  # `search --meeting <id>` keeps working
        assert (second.city, second.start_date, second.end_date) == (
            "Ohrid",
            D(2019, 12, 2),
            D(2019, 12, 3),
        )
        assert second.origin == MANUAL
    with library.session() as session:
        assert session.get(Meeting, first) is not None
        assert [m.id for m in list_meetings(session) if m.city == "Ohrid"] == [first]
    # The in-place update is still the stored correction: re-tagging and re-import find it.
    for _progress in retag(library):
        pass
    assert _meeting_of(library, document_id) == (first, MANUAL)
    _delete_document(library, document_id)
    (again,) = _import(library, path)
    assert _meeting_of(library, again) == (first, MANUAL)


def test_a_document_sharing_a_meeting_still_moves_to_its_own(
    library: Library, tmp_path: Path
) -> None:
    statement, news = _import(
        library,
        _write(tmp_path, "a.txt", JOINT_STATEMENT),
        _write(tmp_path, "b.txt", NEWS_REPORT),
    )
    shared, _ = _meeting_of(library, news)
    with library.session() as session:
        own = set_meeting(session, statement, {"city": "Ohrid"}).id
    assert own != shared
    assert _meeting_of(library, news)[0] == shared
    with library.session() as session:
        assert session.get(Meeting, shared).city == "Skopje"  # type: ignore[union-attr]
        # The statement now has its own manual meeting: a second correction keeps its id.
        assert set_meeting(session, statement, {"format": "ministerial"}).id == own
    assert _meeting_of(library, news)[0] == shared


def test_documents_corrected_alike_share_until_one_is_corrected_differently(
    library: Library, tmp_path: Path
) -> None:
    first, second = _import(
        library,
        _write(tmp_path, "a.txt", JOINT_STATEMENT),
        _write(tmp_path, "c.txt", NEXT_YEAR),
    )
    same = {"city": "Ohrid", "start_date": D(2020, 5, 5), "series": "Forum", "title": "T"}
    same |= {"country": "MK", "format": None, "end_date": D(2020, 5, 5)}
    with library.session() as session:
        one = set_meeting(session, first, same).id
        assert set_meeting(session, second, same).id == one  # shared manual meeting
    with library.session() as session:
        moved = set_meeting(session, second, {"city": "Struga"})
        assert moved.id != one and moved.city == "Struga"
        assert session.get(Meeting, one).city == "Ohrid"  # type: ignore[union-attr]
    assert _meeting_of(library, first) == (one, MANUAL)

"""Citations: what is known, formatted as a minister's office writes it; nothing invented."""

from __future__ import annotations

import datetime as dt

import pytest

from briefer.briefing.citations import (
    citation_for,
    cite_passage,
    format_date_range,
    format_paragraph,
)
from briefer.briefing.outline import DocumentInfo, MeetingInfo, PassageRef

SOFIA = MeetingInfo(
    id=1,
    title="Ministerial Conference on Combating Terrorism in the Danube Region",
    start_date=dt.date(2016, 1, 21),
    end_date=dt.date(2016, 1, 22),
    city="Sofia",
    country="Bulgaria",
)


def passage(document: DocumentInfo, paragraph: str = "7", pid: int = 1) -> PassageRef:
    return PassageRef(pid, "Text.", paragraph, "body", document)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.date(2016, 1, 21), dt.date(2016, 1, 22), "21–22 January 2016"),
        (dt.date(2016, 1, 21), dt.date(2016, 1, 21), "21 January 2016"),
        (dt.date(2016, 1, 21), None, "21 January 2016"),
        (dt.date(2021, 11, 30), dt.date(2021, 12, 2), "30 November – 2 December 2021"),
        (dt.date(2021, 12, 30), dt.date(2022, 1, 2), "30 December 2021 – 2 January 2022"),
        (None, dt.date(2019, 6, 5), "5 June 2019"),
        (None, None, None),
    ],
)
def test_date_ranges_share_month_and_year_and_use_an_en_dash(
    start: dt.date | None, end: dt.date | None, expected: str | None
) -> None:
    assert format_date_range(start, end) == expected


def test_full_meeting_citation() -> None:
    document = DocumentInfo(1, "Joint Declaration", "sofia.txt", meeting=SOFIA)
    assert cite_passage(passage(document)) == (
        "Joint Declaration, Ministerial Conference on Combating Terrorism in the Danube Region, "
        "Sofia, 21–22 January 2016, para. 7"
    )


def test_partial_meeting_says_only_what_is_known() -> None:
    meeting = MeetingInfo(id=2, title="EU–Western Balkans Ministerial Forum", city=None)
    document = DocumentInfo(2, "Joint Statement", "forum.txt", meeting=meeting)
    assert cite_passage(passage(document, "3")) == (
        "Joint Statement, EU–Western Balkans Ministerial Forum, para. 3"
    )
    dated = MeetingInfo(id=3, start_date=dt.date(2021, 12, 1), end_date=dt.date(2021, 12, 3))
    document = DocumentInfo(3, "Presidency report", "r.txt", meeting=dated)
    assert cite_passage(passage(document, "2")) == "Presidency report, 1–3 December 2021, para. 2"


def test_unknown_meeting_uses_the_publication_date_marked_as_such() -> None:
    document = DocumentInfo(
        4,
        "Ministers meet in Vienna",
        "dw.txt",
        publisher="Deutsche Welle",
        published=dt.date(2015, 3, 21),
    )
    assert cite_passage(passage(document, "4")) == (
        "Ministers meet in Vienna, published 21 March 2015, para. 4 (Deutsche Welle)"
    )


def test_nothing_known_but_the_file() -> None:
    document = DocumentInfo(5, None, "report.txt")
    text = cite_passage(passage(document, ""))
    assert text == "report.txt"


def test_republished_copy_names_the_original_publisher_and_keeps_the_url() -> None:
    document = DocumentInfo(
        6,
        "Joint statement",
        "eu.txt",
        publisher="European Commission",
        url="https://example.org/statement",
        published=dt.date(2018, 6, 19),
    )
    citation = citation_for([passage(document, "1")])
    assert citation.text.endswith("(European Commission)")
    assert citation.sources[0].url == "https://example.org/statement"
    assert citation.sources[0].publisher == "European Commission"


def test_two_sources_are_both_cited() -> None:
    first = DocumentInfo(1, "Joint Declaration", "a.txt", meeting=SOFIA)
    second = DocumentInfo(2, "Press release", "b.txt", published=dt.date(2016, 1, 23))
    citation = citation_for([passage(first, "7", 1), passage(second, "2", 2)])
    assert citation.text == (
        "Joint Declaration, Ministerial Conference on Combating Terrorism in the Danube Region, "
        "Sofia, 21–22 January 2016, para. 7; also in Press release, published 23 January 2016, "
        "para. 2"
    )
    assert [s.document_id for s in citation.sources] == [1, 2]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("7", "para. 7"),
        ("3.2", "para. 3.2"),
        ("fn 1", "footnote 1"),
        ("Preamble", "Preamble"),
        ("", None),
    ],
)
def test_paragraph_labels(label: str, expected: str | None) -> None:
    assert format_paragraph(label) == expected

"""Date and date-range forms met in communiqués of this genre."""

from __future__ import annotations

import datetime as dt

import pytest

from briefer.tagging.dates import find_dates, parse_date, parse_date_range

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("1 to 3 December 2021", D(2021, 12, 1), D(2021, 12, 3)),
        ("From 1 to 3 December 2021", D(2021, 12, 1), D(2021, 12, 3)),
        ("7 and 8 December 2015", D(2015, 12, 7), D(2015, 12, 8)),
        ("26-27 October 2017", D(2017, 10, 26), D(2017, 10, 27)),
        ("18–19 November 2019", D(2019, 11, 18), D(2019, 11, 19)),
        ("23 – 24 June 2021", D(2021, 6, 23), D(2021, 6, 24)),
        ("October 26-27, 2017", D(2017, 10, 26), D(2017, 10, 27)),
        ("19-20th June 2017", D(2017, 6, 19), D(2017, 6, 20)),
        ("January 22nd, 2016", D(2016, 1, 22), D(2016, 1, 22)),
        ("11/12 December 2023", D(2023, 12, 11), D(2023, 12, 12)),
        ("19/11/2019", D(2019, 11, 19), D(2019, 11, 19)),
        ("8.5.2014", D(2014, 5, 8), D(2014, 5, 8)),
        ("10/31/2025", D(2025, 10, 31), D(2025, 10, 31)),
        ("am 6. und 7. November 2019", D(2019, 11, 6), D(2019, 11, 7)),
        ("6./7. November 2019", D(2019, 11, 6), D(2019, 11, 7)),
        ("dinsdag 19 juni 2018", D(2018, 6, 19), D(2018, 6, 19)),
        ("gepubliceerd op woensdag 1 december 2021", D(2021, 12, 1), D(2021, 12, 1)),
        ("30 November - 2 December 2021", D(2021, 11, 30), D(2021, 12, 2)),
        ("November 30 - December 2, 2021", D(2021, 11, 30), D(2021, 12, 2)),
        ("the 1st of December 2021", D(2021, 12, 1), D(2021, 12, 1)),
        ("2021-12-01", D(2021, 12, 1), D(2021, 12, 1)),
        ("Београд, 5. децембра 2019", D(2019, 12, 5), D(2019, 12, 5)),
        ("одржан у Београду 18. и 19. октобра 2022. године", D(2022, 10, 18), D(2022, 10, 19)),
    ],
)
def test_each_written_form_gives_its_dates(text: str, start: dt.date, end: dt.date) -> None:
    mentions = find_dates(text)
    assert [(m.start, m.end) for m in mentions] == [(start, end)]
    mention = mentions[0]
    assert text[mention.begin : mention.stop] == mention.text  # evidence points at the words


def test_slash_range_is_two_days_not_a_day_and_a_month() -> None:
    (mention,) = find_dates("Ministers met in Ljubljana on 11/12 December 2023.")
    assert mention.is_range
    assert (mention.start, mention.end) == (D(2023, 12, 11), D(2023, 12, 12))


def test_dateline_with_a_city_gives_the_date() -> None:
    (mention,) = find_dates("Tirana, October 17, 2023")
    assert mention.start == D(2023, 10, 17)
    assert mention.text == "October 17, 2023"


def test_slovene_genitive_without_year_takes_the_year_of_the_reference_date() -> None:
    (mention,) = find_dates("Ministri so se sestali 11. decembra na Brdu.", D(2021, 12, 13))
    assert mention.start == D(2021, 12, 11)
    assert mention.year_inferred


def test_missing_year_is_the_one_closest_to_the_reference() -> None:
    # Published in January, the report speaks of a meeting "on 11 December": last year.
    (mention,) = find_dates("the meeting on 11 December", D(2022, 1, 5))
    assert mention.start == D(2021, 12, 11)
    (future,) = find_dates("taking place on 4-5 October in Tirana", D(2018, 6, 19))
    assert (future.start, future.end) == (D(2018, 10, 4), D(2018, 10, 5))


def test_missing_year_without_reference_comes_from_another_date_in_the_text() -> None:
    mentions = find_dates("Signed on 3 May. Sofia, 21 January 2016")
    assert mentions[0].start == D(2016, 5, 3)
    assert mentions[0].year_inferred


def test_missing_year_with_nothing_to_infer_from_is_not_reported() -> None:
    assert find_dates("on 11 December the ministers met") == []


def test_ambiguous_numeric_dates_read_day_first_unless_told_otherwise() -> None:
    assert find_dates("05/06/2019")[0].start == D(2019, 6, 5)
    assert find_dates("05/06/2019", month_first=True)[0].start == D(2019, 5, 6)


@pytest.mark.parametrize(
    "text",
    [
        "Article 5 may apply to 3 march participants",
        "UNSCR 1244/1999 and Council document 12345/15",
        "in May 2013",
        "At least 3,000 fighters have left",
        "31 February 2021",
        "paragraph 3.2 of the declaration",
    ],
)
def test_text_that_is_not_a_date_gives_nothing(text: str) -> None:
    assert find_dates(text) == []


def test_several_dates_in_a_text_are_found_in_order() -> None:
    text = (
        "From 1 to 3 December 2021, the Forum met. Minister Hojs presented the conclusions "
        "of the meeting held via videoconference on 12 November 2021."
    )
    assert [m.start for m in find_dates(text)] == [D(2021, 12, 1), D(2021, 11, 12)]


def test_parse_date_accepts_a_string_that_is_one_date_only() -> None:
    assert parse_date("Tuesday, 19 June 2018") == D(2018, 6, 19)
    assert parse_date("Published on 21 March 2015") == D(2015, 3, 21)
    assert parse_date("1 to 3 December 2021") is None  # a range is not a day
    assert parse_date_range("1 to 3 December 2021") == (D(2021, 12, 1), D(2021, 12, 3))
    assert parse_date("The ministers met on 19 June 2018") is None
    assert parse_date("nonsense") is None

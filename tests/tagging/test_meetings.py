"""Reading a document's own meeting from its text, and only its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefer.ingest.pipeline import prepare_document
from briefer.tagging.meetings import extract_meeting
from tests.tagging.meeting_docs import clean_document

D = dt.date


def test_lead_sentence_gives_dates_place_title_and_series() -> None:
    doc = clean_document(
        "Ministers agree on closer cooperation\n\n"
        "From 1 to 3 December 2021, the Congress Centre Brdo pri Kranju is hosting the "
        "EU-Western Balkans Ministerial Forum on Justice and Home Affairs. Ministers discussed "
        "migration."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2021, 12, 1), D(2021, 12, 3))
    assert (guess.city, guess.country) == ("Brdo pri Kranju", "SI")
    assert guess.series == "EU–Western Balkans Ministerial Forum on Justice and Home Affairs"
    assert guess.title == "EU-Western Balkans Ministerial Forum on Justice and Home Affairs"
    for evidence in guess.evidence:  # every piece of evidence points at the words
        assert doc.text[evidence.start : evidence.end] == evidence.text


def test_header_dateline_and_signature_agree_on_a_two_day_meeting() -> None:
    doc = clean_document(
        "Ministerial Conference on Border Security\n\nSkopje, North Macedonia\n"
        "26-27 October 2017\n\nJOINT DECLARATION\n\n"
        "The Ministers agreed to strengthen the exchange of information on migrant smuggling.\n\n"
        "Skopje\nOctober 27th, 2017"
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2017, 10, 26), D(2017, 10, 27))
    assert (guess.city, guess.country) == ("Skopje", "MK")
    assert guess.title == "Ministerial Conference on Border Security"
    assert guess.confidence >= 0.8


def test_an_upcoming_meeting_mentioned_in_the_text_is_not_this_documents_meeting() -> None:
    doc = clean_document(
        "Joint statement of the ministers\n\n"
        "\"Today's meeting provided the occasion to discuss migration, also in the context of "
        "the upcoming EU-Western Balkans Home Affairs Ministerial taking place on 4-5 October "
        'in Tirana."',
        published=D(2018, 6, 19),
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2018, 6, 19), D(2018, 6, 19))
    assert guess.city is None and guess.country is None  # Tirana is the next meeting
    assert guess.series is None


def test_an_earlier_videoconference_reported_inside_is_not_this_meeting() -> None:
    doc = clean_document(
        "Ministers meet in Ljubljana\n\n"
        "The Salzburg Forum ministerial conference was held in Ljubljana on 11/12 December 2023. "
        "Ministers discussed returns.\n\n"
        "At the close of the meeting, the chair presented the conclusions of the Ministerial "
        "Meeting on Child Sexual Abuse held via videoconference on 12 November 2023."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2023, 12, 11), D(2023, 12, 12))
    assert (guess.city, guess.country) == ("Ljubljana", "SI")  # not Salzburg
    assert guess.series == "Salzburg Forum"
    assert guess.format is None


def test_a_meeting_held_by_videoconference_has_that_format_and_no_dateline_place() -> None:
    doc = clean_document(
        "Joint press statement\n\nBrussels, 22 January 2021\n\n"
        "Today's videoconference of the interior ministers reviewed the Joint Action Plan "
        "on Counter-Terrorism.",
        published=D(2021, 1, 22),
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert guess.format == "videoconference"
    assert guess.start_date == D(2021, 1, 22)
    assert guess.city is None  # Brussels is where the statement was issued


def test_a_bare_date_under_a_news_headline_is_the_publication_date() -> None:
    doc = clean_document(
        "EU and Balkan countries agree to work together\n\nMarch 21, 2015\n\n"
        'Ministers attended the conference "Working Together," hosted by Austria. Steps '
        "promoted at the Vienna conference included training for border guards."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert guess.start_date is None and guess.end_date is None
    assert (guess.city, guess.country) == ("Vienna", "AT")
    assert guess.title == "Working Together"


def test_news_agency_dateline_and_german_quote() -> None:
    doc = clean_document(
        "Ministers want faster returns\n\n"
        "VIENNA, Nov 7 (APA) - Interior ministers called for faster returns at the end of a "
        "two-day Salzburg Forum conference.\n\n"
        'The ministry said the ministers had met "am 6. und 7. November 2019 in Wien".'
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2019, 11, 6), D(2019, 11, 7))
    assert (guess.city, guess.country) == ("Vienna", "AT")


def test_month_first_dateline_with_city() -> None:
    doc = clean_document(
        "Joint Statement of the Interior Ministers\n\nTirana, October 17, 2023\n\n"
        "The ministers agreed to step up returns."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert guess.start_date == guess.end_date == D(2023, 10, 17)
    assert (guess.city, guess.country) == ("Tirana", "AL")


def test_press_release_date_gives_way_to_the_meeting_days_it_contains() -> None:
    doc = clean_document(
        "Саопштење за јавност\n\nБеоград, 19. октобар 2022. године\n\n"
        "Министар је био домаћин регионалног састанка министара, који је одржан у Београду "
        "18. и 19. октобра 2022. године."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2022, 10, 18), D(2022, 10, 19))
    assert (guess.city, guess.country) == ("Belgrade", "RS")  # stored in English


@pytest.mark.parametrize(
    ("text", "city", "country", "start", "end"),
    [
        (
            "Saopštenje\n\nSastanak ministara unutrašnjih poslova održan je u Beogradu "
            "18. i 19. oktobra 2022. godine.",
            "Belgrade",
            "RS",
            D(2022, 10, 18),
            D(2022, 10, 19),
        ),
        (
            "Sporočilo\n\nMinistri so se 11. decembra 2023 sestali na Brdu pri Kranju.",
            "Brdo pri Kranju",
            "SI",
            D(2023, 12, 11),
            D(2023, 12, 11),
        ),
        (
            "Pressemitteilung\n\nDie Innenminister trafen sich am 6. und 7. November 2019 in Wien.",
            "Vienna",
            "AT",
            D(2019, 11, 6),
            D(2019, 11, 7),
        ),
        (
            "Council press release\n\nThe Justice and Home Affairs Council met in Luxembourg "
            "on 7-8 June 2018.",
            "Luxembourg",
            "LU",
            D(2018, 6, 7),
            D(2018, 6, 8),
        ),
    ],
)
def test_meetings_reported_in_the_languages_of_the_region(
    text: str, city: str, country: str, start: dt.date, end: dt.date
) -> None:
    guess = extract_meeting(clean_document(text))
    assert guess is not None
    assert (guess.city, guess.country, guess.start_date, guess.end_date) == (
        city,
        country,
        start,
        end,
    )


def test_held_in_outranks_the_dateline_of_the_issuing_office() -> None:
    doc = clean_document(
        "Statement by the Commission\n\nBrussels, 5 December 2019\n\n"
        "Today the interior ministers of the region met in Belgrade to agree on returns.",
        published=D(2019, 12, 5),
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.city, guess.country, guess.start_date) == ("Belgrade", "RS", D(2019, 12, 5))


def test_news_lead_with_agency_dateline_and_weekday() -> None:
    doc = clean_document(
        "Ministers agree on returns\n\n"
        "BELGRADE (Reuters) - Interior ministers from the region met on Tuesday to agree on "
        "faster returns.",
        published=D(2022, 10, 20),  # a Thursday
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.city, guess.country) == ("Belgrade", "RS")
    assert guess.start_date == guess.end_date == D(2022, 10, 18)


def test_a_header_line_can_say_where_the_meeting_is() -> None:
    doc = clean_document(
        "PCC SEE Committee of Ministers meets in Sarajevo\n\n"
        "The ministers adopted the work programme for 2024."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.city, guess.country) == ("Sarajevo", "BA")
    assert guess.series == "Police Cooperation Convention for Southeast Europe"


def test_an_earlier_meeting_recalled_in_the_same_sentence_is_not_this_one() -> None:
    doc = clean_document(
        "Joint statement\n\nBuilding on the results of the ministerial meeting held in Vienna "
        "on 12 March 2015, ministers met in Sofia on 21 and 22 January 2016."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.city, guess.country) == ("Sofia", "BG")
    assert (guess.start_date, guess.end_date) == (D(2016, 1, 21), D(2016, 1, 22))


def test_one_line_header_with_name_place_and_dates() -> None:
    doc = clean_document(
        "Joint Press Statement: EU-Western Balkans Ministerial Forum on Justice and Home "
        "Affairs, Tirana, 4-5 October 2018\n\nThe ministers agreed on a joint action plan."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.city, guess.country) == ("Tirana", "AL")
    assert (guess.start_date, guess.end_date) == (D(2018, 10, 4), D(2018, 10, 5))
    assert guess.series == "EU–Western Balkans Ministerial Forum on Justice and Home Affairs"
    for evidence in guess.evidence:
        assert doc.text[evidence.start : evidence.end] == evidence.text


def test_council_header_without_a_place_leaves_the_place_unknown() -> None:
    doc = clean_document(
        "Justice and Home Affairs Council, 13-14 October 2022\n\nMain results\n\n"
        "Ministers discussed the situation in Ukraine and internal security."
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2022, 10, 13), D(2022, 10, 14))
    assert guess.city is None and guess.country is None
    assert guess.series == "Justice and Home Affairs Council"


def test_a_press_release_date_line_is_not_the_meeting_date() -> None:
    doc = clean_document(
        "Ministers agree on returns\n\nPress release, 5 December 2019\n\n"
        "The interior ministers discussed returns and readmission."
    )
    guess = extract_meeting(doc)
    assert guess is None or guess.start_date is None


def test_a_text_that_does_not_say_gives_no_meeting() -> None:
    doc = clean_document(
        "Joint action crucial\n\nThe ministerial meeting discussed ways to strengthen "
        "cooperation against migrant smuggling. The State Secretary stressed human rights."
    )
    assert extract_meeting(doc) is None


def test_deadlines_and_old_events_are_not_the_meeting_date() -> None:
    doc = clean_document(
        "Ministers met to discuss the roadmap.\n\n"
        "The ministers agreed to complete the roadmap by 30 June 2019.",
        published=D(2018, 6, 19),
    )
    guess = extract_meeting(doc)
    assert guess is None or guess.start_date is None


def test_series_named_only_in_a_footnote_is_not_the_series() -> None:
    doc = clean_document(
        "Ministers met in Sofia on 21 and 22 January 2016 to discuss terrorism.\n\n"
        "¹ Such as the Salzburg Forum and the Brdo Process.",
        footnotes=("¹",),
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert guess.series is None
    assert (guess.city, guess.start_date) == ("Sofia", D(2016, 1, 21))


# --- the seeds, read through the real cleaning and segmentation --------------------------


def _seed(seeds_dir: Path, prefix: str):
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    return extract_meeting(prepare_document(path))


def test_seed_002_forum_at_brdo(seeds_dir: Path) -> None:
    guess = _seed(seeds_dir, "002")
    assert guess is not None
    assert guess.series == "EU–Western Balkans Ministerial Forum on Justice and Home Affairs"
    assert (guess.start_date, guess.end_date) == (D(2021, 12, 1), D(2021, 12, 3))
    assert (guess.city, guess.country) == ("Brdo pri Kranju", "SI")
    assert guess.format is None  # the videoconference of 12 November was another meeting


def test_seed_003_danube_conference_in_sofia(seeds_dir: Path) -> None:
    guess = _seed(seeds_dir, "003")
    assert guess is not None
    assert guess.title == "Ministerial Conference on Combating Terrorism in the Danube Region"
    assert guess.series == "EU Strategy for the Danube Region"
    assert (guess.start_date, guess.end_date) == (D(2016, 1, 21), D(2016, 1, 22))
    assert (guess.city, guess.country) == ("Sofia", "BG")


def test_seed_001_meeting_of_19_june_2018_place_not_stated(seeds_dir: Path) -> None:
    guess = _seed(seeds_dir, "001")
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2018, 6, 19), D(2018, 6, 19))
    assert guess.city is None and guess.country is None  # Tirana hosts the next one


def test_seed_000_vienna_conference_date_not_stated(seeds_dir: Path) -> None:
    guess = _seed(seeds_dir, "000")
    assert guess is not None
    assert guess.title == "Tackling Jihadism Together"
    assert (guess.city, guess.country) == ("Vienna", "AT")
    # 21 March 2015 is when the article was published, not when the conference met.
    assert guess.start_date is None and guess.end_date is None


def test_seed_004_meeting_unknown(seeds_dir: Path) -> None:
    assert _seed(seeds_dir, "004") is None


@pytest.mark.parametrize("published", [None, D(2021, 12, 4)])
def test_publication_date_never_replaces_the_stated_meeting_dates(published) -> None:
    doc = clean_document(
        "Report\n\nFrom 1 to 3 December 2021, Brdo pri Kranju is hosting the ministerial forum.",
        published=published,
    )
    guess = extract_meeting(doc)
    assert guess is not None
    assert (guess.start_date, guess.end_date) == (D(2021, 12, 1), D(2021, 12, 3))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "12/12",
        "31/31/2031",
        "MEETING IN VIENNA ON 5 MAY 2019.",
        "Sofia,\n\n,",
        "held in",
        "hosted by",
        '“”„"',
        "Tirana, October 99, 2023",
        "From 31 to 2 December 2021 the forum met.",
        "¹ Such as\n\n* Ministers\n\n[1] note",
    ],
)
def test_odd_texts_never_break_extraction(text: str) -> None:
    for published in (None, D(2020, 1, 1)):
        guess = extract_meeting(clean_document(text, published=published))
        assert guess is None or 0 <= guess.confidence <= 1


def test_evidence_stays_bounded_on_a_repetitive_document() -> None:
    text = "The ministers met in Vienna on 5 May 2019 to discuss migration. " * 500
    guess = extract_meeting(clean_document(text))
    assert guess is not None and (guess.city, guess.start_date) == ("Vienna", D(2019, 5, 5))
    assert len(guess.evidence) <= 40


def test_a_fault_in_extraction_leaves_the_meeting_unknown_instead_of_failing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from briefer.tagging import meetings

    def broken(_units):
        raise RuntimeError("bug")

    monkeypatch.setattr(meetings, "_publication_date", lambda *a: broken(a))
    assert extract_meeting(clean_document("Ministers met in Sofia on 5 May 2019.")) is None
    assert "meeting extraction failed" in caplog.text


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("The Member States met in The Hague on 5 May 2019.", "The Hague"),
        (
            "The Ministers gathered in Santa Cruz de la Sierra on 5 May 2019.",
            "Santa Cruz de la Sierra",
        ),
        (
            "The Council of the Ministers met in Ho Chi Minh City on 5 May 2019.",
            "Ho Chi Minh City",
        ),
        ("Brdo The ministers met in Brdo pri Kranju on 5 May 2019.", "Brdo pri Kranju"),
    ],
)
def test_the_longest_place_name_wins_after_capitalised_words_that_begin_none(
    sentence: str, place: str
) -> None:
    # Place runs are grown word by word and given up when no name starts with them:
    # "The Member States" must not hide "The Hague", nor "Santa Cruz" the whole name.
    guess = extract_meeting(clean_document(sentence))
    assert guess is not None and guess.city == place


@pytest.mark.parametrize(
    "sentence",
    [
        "Ministers met in Vienna today.",
        "Ministers met in Vienna TODAY.",
        "This morning the ministers met in Vienna.",
        "Ministers met in Vienna yeſterday.",  # long s: case-insensitive "s"
        "Ministers met in Vienna geſtern.",
        "Minister je daneſ v Ljubljani sestal kolege.",
        "Ministers met in Vienna on Sunday.",
        "Ministers met in Vienna on ſunday.",
        "Minister je danes v Ljubljani sestal kolege.",
    ],
)
def test_a_relative_date_is_read_however_it_is_spelt(sentence: str) -> None:
    # A word test stands before the case-insensitive patterns; it must never drop a
    # sentence they would match (non-ASCII letters fold too: "ſ" is an "s", and "ſunday"
    # once made the weekday lookup raise, so the document got no meeting at all).
    published = D(2019, 5, 7)  # a Tuesday
    guess = extract_meeting(clean_document(f"Press release\n\n{sentence}", published=published))
    assert guess is not None
    assert guess.start_date in (published, published - dt.timedelta(days=1), D(2019, 5, 5))
    assert any(e.rule.endswith("+published") for e in guess.evidence)

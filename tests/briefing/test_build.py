"""Automatic assembly: sections per theme or meeting, date order, republished text quoted once."""

from __future__ import annotations

import datetime as dt

import pytest

from briefer.briefing.compose import compose_document
from briefer.briefing.document import Quote
from briefer.domain.errors import BrieferError
from briefer.domain.search import SearchRequest
from briefer.services import briefings as ops
from briefer.services.briefing_build import build_briefing
from briefer.services.briefing_reads import list_briefings, load_outline
from briefer.store.library import Library
from tests.briefing.conftest import Corpus, CorpusBuilder


def headings_and_passages(library: Library, briefing_id: int) -> list[tuple[str, list[int]]]:
    outline = load_outline(library, briefing_id)
    return [(s.heading, [i.passage_id for i in s.items]) for s in outline.sections]  # type: ignore[misc]


def test_build_groups_by_leaf_theme_in_taxonomy_order_and_dates(
    library: Library, corpus: Corpus
) -> None:
    p = corpus.passages
    result = build_briefing(library, SearchRequest(), "Everything")
    assert headings_and_passages(library, result.change.briefing_id) == [  # type: ignore[arg-type]
        ("Asylum", [p["n1"]]),
        # s3 is tagged Security and Counter-terrorism: only the more specific theme counts.
        # The forum statement has no date at all: it comes last.
        ("Counter-terrorism", [p["s1"], p["s3"], p["f1"]]),
        ("Firearms", [p["s2"]]),
    ]
    outline = load_outline(library, result.change.briefing_id)  # type: ignore[arg-type]
    assert outline.preset == "thematic-digest"
    assert result.total == 5


def test_build_orders_quotes_by_meeting_date_else_publication_date(
    library: Library, builder: CorpusBuilder, corpus: Corpus
) -> None:
    builder.meeting("later", title="Later forum", start_date=dt.date(2017, 5, 1))
    builder.document(
        "older-news",
        [("o1", "Radicalisation in prisons is a concern.", ["counter-terrorism"])],
        title="Old news",
        published=dt.date(2014, 1, 1),
    )
    builder.document(
        "later-doc",
        [("l1", "Terrorism remains the main threat.", ["counter-terrorism"])],
        title="Later statement",
        meeting="later",
        published=dt.date(2010, 1, 1),
    )
    p = corpus.passages
    result = build_briefing(library, SearchRequest(themes=("counter-terrorism",)), "CT")
    # The meeting's start date wins over the publication date (2017, not 2010).
    assert headings_and_passages(library, result.change.briefing_id) == [  # type: ignore[arg-type]
        ("Counter-terrorism", [p["o1"], p["s1"], p["s3"], p["l1"], p["f1"]]),
    ]


def test_theme_filter_keeps_only_sections_within_the_filter(
    library: Library, builder: CorpusBuilder, corpus: Corpus
) -> None:
    builder.document(
        "mixed",
        [("m1", "Weapons smuggled by asylum seekers.", ["firearms", "asylum"])],
        title="Mixed",
    )
    result = build_briefing(library, SearchRequest(themes=("security",)), "Security")
    headings = [h for h, _ in headings_and_passages(library, result.change.briefing_id)]  # type: ignore[arg-type]
    assert headings == ["Counter-terrorism", "Firearms"]


def test_a_quote_goes_once_under_its_best_theme_and_headings_are_left_out(
    library: Library, builder: CorpusBuilder, corpus: Corpus
) -> None:
    builder.document(
        "mixed",
        [
            ("h1", "Firearms and asylum", ["firearms:0.9", "asylum:0.8"]),
            ("m1", "Weapons were found at reception centres.", ["asylum:0.4", "firearms:0.9"]),
        ],
        title="Mixed",
    )
    with library.session() as session:
        from briefer.store.models import Passage

        session.get(Passage, builder.corpus.passages["h1"]).kind = "heading"  # type: ignore[union-attr]
    p = corpus.passages
    result = build_briefing(library, SearchRequest(), "All")
    assert headings_and_passages(library, result.change.briefing_id) == [  # type: ignore[arg-type]
        ("Asylum", [p["n1"]]),
        ("Counter-terrorism", [p["s1"], p["s3"], p["f1"]]),
        ("Firearms", [p["s2"], p["m1"]]),
    ]
    # With a filter, the best theme within the filter wins.
    result = build_briefing(library, SearchRequest(themes=("migration",)), "Migration")
    assert headings_and_passages(library, result.change.briefing_id) == [  # type: ignore[arg-type]
        ("Asylum", [p["n1"], p["m1"]]),
    ]


def test_build_by_meeting_in_date_order_with_unlinked_documents_last(
    library: Library, corpus: Corpus
) -> None:
    p = corpus.passages
    result = build_briefing(library, SearchRequest(), "By meeting", group_by="meeting")
    assert headings_and_passages(library, result.change.briefing_id) == [  # type: ignore[arg-type]
        (
            "Ministerial Conference on Combating Terrorism in the Danube Region, Sofia, "
            "21–22 January 2016",
            [p["s1"], p["s2"], p["s3"]],
        ),
        ("EU–Western Balkans Ministerial Forum, Brdo pri Kranju", [p["f1"]]),
        ("Documents with no meeting recorded", [p["n1"]]),
    ]
    assert load_outline(library, result.change.briefing_id).preset is None  # type: ignore[arg-type]


def test_republished_sentence_is_quoted_once_citing_both_sources(
    library: Library, builder: CorpusBuilder, corpus: Corpus
) -> None:
    original = "The Ministers pointed out the need to prevent radicalisation."
    builder.document(
        "copy",
        [
            (
                "r1",
                "  the Ministers  pointed out the need to prevent radicalisation. ",
                ["counter-terrorism"],
            )
        ],
        title="Ministers agree on radicalisation",
        published=dt.date(2016, 2, 1),
        publisher="Europa Nu",
    )
    p = corpus.passages
    result = build_briefing(library, SearchRequest(query="radicalisation"), "Radicalisation")
    outline = load_outline(library, result.change.briefing_id)  # type: ignore[arg-type]
    (section,) = outline.sections
    (item,) = section.items
    # The earlier (meeting) document is quoted; the republished copy is cited with it.
    assert [s.passage_id for s in item.sources] == [p["s1"], p["r1"]]
    quote = next(b for b in compose_document(outline).blocks if isinstance(b, Quote))
    assert quote.text == original
    assert "Joint Declaration" in quote.citation.text
    assert "Ministers agree on radicalisation, published 1 February 2016" in quote.citation.text
    assert quote.passage_ids == (p["s1"], p["r1"])


def test_query_text_narrows_the_build(library: Library, corpus: Corpus) -> None:
    result = build_briefing(library, SearchRequest(query="firearms"), "Firearms")
    assert headings_and_passages(library, result.change.briefing_id) == [  # type: ignore[arg-type]
        ("Firearms", [corpus.passages["s2"]])
    ]


def test_an_empty_search_builds_nothing(library: Library, corpus: Corpus) -> None:
    with pytest.raises(BrieferError, match="no passage matches"):
        build_briefing(library, SearchRequest(query="zzzunknownword"), "Nothing")
    assert list_briefings(library) == []


def test_a_built_briefing_is_undone_by_its_inverse(library: Library, corpus: Corpus) -> None:
    result = build_briefing(library, SearchRequest(), "Undo me")
    ops.apply(library, result.change.inverse)
    assert list_briefings(library) == []


def test_limit_takes_only_that_many_passages(library: Library, corpus: Corpus) -> None:
    result = build_briefing(library, SearchRequest(), "Two", limit=2)
    assert result.quoted == 2
    assert result.total == 5
    assert load_outline(library, result.change.briefing_id).item_count == 2  # type: ignore[arg-type]


def test_meeting_headings_say_only_what_is_known() -> None:
    from briefer.briefing.build import meeting_heading
    from briefer.briefing.outline import MeetingInfo

    day = dt.date(2018, 6, 19)
    assert meeting_heading(MeetingInfo(1, start_date=day)) == "Meeting of 19 June 2018"
    assert meeting_heading(MeetingInfo(1, city="Brussels", start_date=day)) == (
        "Meeting in Brussels, 19 June 2018"
    )
    assert meeting_heading(MeetingInfo(1, title="Forum", country="Slovenia")) == "Forum, Slovenia"
    assert meeting_heading(MeetingInfo(1)) == "Meeting with no details recorded"

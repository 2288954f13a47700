"""Searching a small library built through the ORM: text, folding, filters, facets, snippets."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete

from briefer.domain.errors import NotFound
from briefer.domain.search import SearchPage, SearchRequest
from briefer.services.searching import facet_counts, search
from briefer.store.library import Library
from briefer.store.models import Document, Passage, PassageCountry, PassageTheme
from tests.search.conftest import Builder
from tests.support.search_index import indexed_count

MIG = {"themes": ["migrant-smuggling"], "countries": ["RS", "BA"]}


@pytest.fixture
def lib(builder: Builder) -> Builder:
    """Four documents, two meetings, tags with one manual exclusion of each kind."""
    b = builder
    b.reference_data()
    b.meeting("brdo", "Brdo Process ministerial", dt.date(2019, 6, 20), "Brdo pri Kranju")
    b.meeting("skopje", "EU-Western Balkans Forum", dt.date(2021, 10, 5), "Skopje")
    b.document(
        "a",
        "Joint statement, Brdo 2019",
        [
            (
                "Ministers discussed migrant smuggling along the Western Balkan route.",
                MIG,
            ),
            (
                "Minister NUHODŽIĆ and Minister Dačić agreed on the return of foreign "
                "terrorist fighters.",
                {"themes": ["foreign-terrorist-fighters"], "countries": ["BA", "RS"]},
            ),
            (
                "Border co-operation with AT&T and other providers was welcomed.",
                {"themes": ["asylum"], "countries": ["GR"], "excluded_countries": ["RS"]},
            ),
        ],
        published=dt.date(2019, 6, 21),
        meeting="brdo",
    )
    b.document(
        "b",
        "Заједничка изјава",
        [
            ("Министри су се састали у Београду.", {"countries": ["RS"]}),
            (
                "Đorđe Đorđević presented the border management strategy.",
                {"themes": ["asylum"], "excluded_themes": ["foreign-terrorist-fighters"]},
            ),
        ],
        published=dt.date(2021, 10, 6),
        meeting="skopje",
    )
    b.document(
        "c",
        "Press release without a meeting",
        [
            (
                "Greece and the United Kingdom discussed terrorist financing in Beograd.",
                {"themes": ["foreign-terrorist-fighters"], "countries": ["GR", "GB"]},
            ),
            (
                "Smuggling smuggling smuggling: smuggling networks were dismantled.",
                {"themes": ["migrant-smuggling"], "countries": ["AL"]},
            ),
        ],
        published=dt.date(2020, 3, 1),
    )
    b.document(
        "d",
        "Undated note",
        ["An undated note on smuggling and cooperation."],
    )
    return b


def run(library: Library, query: str = "", **kwargs: object) -> SearchPage:
    return search(library, SearchRequest(query=query, **kwargs))  # type: ignore[arg-type]


def found(b: Builder, query: str = "", **kwargs: object) -> set[str]:
    """The passage keys (``doc.paragraph``) a search returns."""
    names = {v: k for k, v in b.ids.items() if "." in k}
    return {names[h.passage_id] for h in run(b.library, query, **kwargs).hits}


# --- text matching -------------------------------------------------------------------


def test_diacritics_and_case_do_not_matter(lib: Builder) -> None:
    assert found(lib, "nuhodzic") == {"a.2"}
    assert found(lib, "Dacic") == {"a.2"}
    assert found(lib, "DAČIĆ") == {"a.2"}


def test_stroke_letters_fold(lib: Builder) -> None:
    assert found(lib, "dorde") == {"b.2"}
    assert found(lib, "dordevic") == {"b.2"}
    assert found(lib, "djordjevic") == {"b.2"}  # typed dj is also tried as d
    [hit] = run(lib.library, "djordjevic").hits
    assert "[[Đorđević]]" in hit.snippet


def test_latin_finds_cyrillic_and_cyrillic_finds_latin(lib: Builder) -> None:
    assert found(lib, "beograd") == {"c.1"}
    assert found(lib, "beogradu") == {"b.1"}
    assert found(lib, "Београд") == {"c.1"}
    assert found(lib, "ministri") == {"b.1"}


def test_phrases_match_words_in_order_only(lib: Builder) -> None:
    assert found(lib, '"foreign terrorist fighters"') == {"a.2"}
    assert found(lib, '"terrorist foreign"') == set()
    assert found(lib, "terrorist") == {"a.2", "c.1"}


def test_and_or_not_and_implicit_and(lib: Builder) -> None:
    assert found(lib, "border management") == {"b.2"}
    assert found(lib, "border AND management") == {"b.2"}
    assert found(lib, "border OR terrorist") == {"a.2", "a.3", "b.2", "c.1"}
    assert found(lib, "border NOT management") == {"a.3"}
    assert found(lib, "smuggling -networks") == {"a.1", "d.1"}
    assert found(lib, "(border OR smuggling) NOT (route OR management)") == {"a.3", "c.2", "d.1"}


def test_a_purely_negative_query_returns_the_rest(lib: Builder) -> None:
    everything = found(lib, "")
    assert found(lib, "NOT smuggling") == everything - {"a.1", "c.2", "d.1"}
    assert run(lib.library, "NOT smuggling").total == len(everything) - 3


def test_prefix_search(lib: Builder) -> None:
    assert found(lib, "smugg*") == {"a.1", "c.2", "d.1"}
    assert found(lib, "terror*") == {"a.2", "c.1"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("AT&T", {"a.3"}),
        ("co-operation", {"a.3", "d.1"}),  # "co operation" or the closed "cooperation"
        ("cooperation", {"d.1"}),
        ("border OR", {"a.3", "b.2"}),
        ('"border management', {"b.2"}),
        ("*", None),
        ("NOT", None),
        ("", None),
        ("((border", {"a.3", "b.2"}),
        ("border)", {"a.3", "b.2"}),
        ("&&& ||| ---", None),
    ],
)
def test_whatever_is_typed_is_searched_sensibly(
    lib: Builder, query: str, expected: set[str] | None
) -> None:
    result = found(lib, query)
    assert result == (found(lib, "") if expected is None else expected)


def test_ranking_puts_the_denser_match_first(lib: Builder) -> None:
    page = run(lib.library, "smuggling")
    assert page.hits[0].passage_id == lib.ids["c.2"]
    ranks = [h.rank for h in page.hits]
    assert ranks == sorted(ranks)  # type: ignore[type-var]


def test_date_order_is_newest_first_with_undated_last(lib: Builder) -> None:
    hits = run(lib.library, "smuggling OR border", sort="date").hits
    assert [h.document_id for h in hits] == [
        lib.ids["b"],  # meeting 2021-10-05
        lib.ids["c"],  # published 2020-03-01
        lib.ids["a"],  # meeting 2019-06-20
        lib.ids["a"],
        lib.ids["d"],  # no date
    ]


# --- snippets ------------------------------------------------------------------------


def test_snippets_mark_the_original_words(lib: Builder) -> None:
    [hit] = run(lib.library, "dacic nuhodzic").hits
    assert "[[NUHODŽIĆ]]" in hit.snippet and "[[Dačić]]" in hit.snippet
    [hit] = run(lib.library, "beogradu").hits
    assert "[[Београду]]" in hit.snippet
    snippets = {h.passage_id: h.snippet for h in run(lib.library, "co-operation").hits}
    assert "Border [[co-operation]] with AT&T" in snippets[lib.ids["a.3"]]
    assert "smuggling and [[cooperation]]" in snippets[lib.ids["d.1"]]


def test_snippets_mark_phrases_and_prefixes_but_not_negated_words(lib: Builder) -> None:
    [hit] = run(lib.library, '"foreign terrorist fighters"').hits
    assert "[[foreign terrorist fighters]]" in hit.snippet
    [hit] = run(lib.library, "dismantl* NOT route").hits
    assert "[[dismantled]]" in hit.snippet
    [hit] = run(lib.library, "border NOT management").hits
    assert "[[Border]]" in hit.snippet and "[[AT" not in hit.snippet


def test_the_snippet_opens_around_the_first_match(builder: Builder) -> None:
    builder.reference_data()
    long_text = " ".join(["Introductory words about nothing in particular."] * 20)
    text = f"{long_text} The ministers discussed smuggling networks. {long_text}"
    builder.document("long", "Long", [text])
    [hit] = run(builder.library, "smuggling").hits
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "[[smuggling]]" in hit.snippet
    assert len(hit.snippet) < 300
    assert hit.text == text  # the full passage is returned untouched


# --- filters -------------------------------------------------------------------------


def test_a_parent_theme_includes_its_children(lib: Builder) -> None:
    assert found(lib, themes=("migrant-smuggling",)) == {"a.1", "c.2"}
    assert found(lib, themes=("migration",)) == {"a.1", "a.3", "b.2", "c.2"}


def test_excluded_links_never_match(lib: Builder) -> None:
    assert "b.2" not in found(lib, themes=("security",))
    assert "a.3" not in found(lib, countries=("RS",))
    assert found(lib, countries=("RS",)) == {"a.1", "a.2", "b.1"}


def test_country_groups_and_eu_spellings(lib: Builder) -> None:
    assert found(lib, countries=("group:wb6",)) == {"a.1", "a.2", "b.1", "c.2"}
    assert found(lib, countries=("EL",)) == found(lib, countries=("GR",)) == {"a.3", "c.1"}
    assert found(lib, countries=("uk",)) == {"c.1"}


def test_filters_of_one_kind_or_and_kinds_and(lib: Builder) -> None:
    assert found(lib, countries=("AL", "GB")) == {"c.1", "c.2"}
    assert found(lib, countries=("AL", "GB"), themes=("security",)) == {"c.1"}
    assert found(lib, "smuggling", countries=("group:wb6",)) == {"a.1", "c.2"}


def test_meeting_filter(lib: Builder) -> None:
    assert found(lib, meetings=(lib.ids["skopje"],)) == {"b.1", "b.2"}
    both = (lib.ids["skopje"], lib.ids["brdo"])
    assert found(lib, "border", meetings=both) == {"a.3", "b.2"}


def test_date_range_uses_the_meeting_date_else_publication(lib: Builder) -> None:
    # Document b was published 2021-10-06 but its meeting started 2021-10-05.
    assert found(lib, date_from=dt.date(2021, 10, 5), date_to=dt.date(2021, 10, 5)) == {
        "b.1",
        "b.2",
    }
    assert found(lib, date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 12, 31)) == {
        "c.1",
        "c.2",
    }
    # Undated passages are left out once a date bound is given.
    assert "d.1" not in found(lib, date_to=dt.date(2030, 1, 1))


def test_unknown_names_are_clear_errors(lib: Builder) -> None:
    with pytest.raises(NotFound, match="theme 'no-such-theme'"):
        run(lib.library, themes=("no-such-theme",))
    with pytest.raises(NotFound, match="country group 'nowhere'"):
        run(lib.library, countries=("group:nowhere",))
    with pytest.raises(NotFound, match="country 'ZZ'"):
        run(lib.library, countries=("zz",))
    with pytest.raises(NotFound, match="meeting '999'"):
        run(lib.library, meetings=(999,))


# --- totals, paging, hit fields ------------------------------------------------------


def test_total_counts_all_hits_beyond_the_page(lib: Builder) -> None:
    page = run(lib.library, "smuggling OR border OR terrorist", limit=2)
    assert len(page.hits) == 2 and page.total == 7
    rest = run(lib.library, "smuggling OR border OR terrorist", limit=10, offset=2)
    assert {h.passage_id for h in rest.hits}.isdisjoint({h.passage_id for h in page.hits})
    assert len(rest.hits) == 5


def test_hits_carry_document_meeting_paragraph_and_tags(lib: Builder) -> None:
    [hit] = run(lib.library, "nuhodzic").hits
    assert hit.document_title == "Joint statement, Brdo 2019"
    assert hit.paragraph == "2"
    assert hit.meeting is not None and hit.meeting.city == "Brdo pri Kranju"
    assert hit.meeting.start_date == dt.date(2019, 6, 20)
    assert hit.themes == ("foreign-terrorist-fighters",)
    assert hit.countries == ("BA", "RS")
    [hit] = run(lib.library, "undated").hits
    assert hit.meeting is None and hit.themes == () and hit.countries == ()


def test_excluded_links_are_not_listed_on_hits(lib: Builder) -> None:
    [hit] = run(lib.library, "AT&T").hits
    assert hit.countries == ("GR",)
    [hit] = run(lib.library, "dorde").hits
    assert hit.themes == ("asylum",)


# --- facets --------------------------------------------------------------------------


def counts(page_facets: dict, facet: str) -> dict[str, int]:  # type: ignore[type-arg]
    return {f.key: f.count for f in page_facets[facet]}


def test_facet_counts_follow_the_query(lib: Builder) -> None:
    facets = run(lib.library, "smuggling").facets
    assert counts(facets, "themes") == {"migrant-smuggling": 2, "migration": 2}
    assert counts(facets, "countries") == {"RS": 1, "BA": 1, "AL": 1}
    assert counts(facets, "meetings") == {str(lib.ids["brdo"]): 1}


def test_a_parent_counts_each_passage_once(builder: Builder) -> None:
    builder.reference_data()
    builder.document(
        "x", "X", [("Asylum and smuggling.", {"themes": ["asylum", "migrant-smuggling"]})]
    )
    facets = run(builder.library).facets
    assert counts(facets, "themes") == {"asylum": 1, "migrant-smuggling": 1, "migration": 1}


def test_facets_are_disjunctive(lib: Builder) -> None:
    """A facet's counts ignore its own selection and apply every other filter."""
    page = run(lib.library, countries=("AL",), themes=("security",))
    assert page.total == 0
    # Countries apply the theme filter only: the security passages' countries.
    assert counts(page.facets, "countries") == {"BA": 1, "RS": 1, "GR": 1, "GB": 1}
    # Themes apply the country filter only: what AL passages are about.
    assert counts(page.facets, "themes") == {"migrant-smuggling": 1, "migration": 1}
    # Meetings apply both filters: nothing.
    assert counts(page.facets, "meetings") == {}


def test_excluded_links_do_not_count_in_facets(lib: Builder) -> None:
    facets = run(lib.library, "border").facets
    assert counts(facets, "countries") == {"GR": 1}
    assert counts(facets, "themes") == {"asylum": 2, "migration": 2}


def test_facet_labels_and_facet_only_requests(lib: Builder) -> None:
    request = SearchRequest(query="nuhodzic")
    facets = facet_counts(lib.library, request)
    labels = {f.key: f.label for f in facets["countries"]}
    assert labels == {"BA": "Bosnia and Herzegovina", "RS": "Serbia"}
    [meeting] = facets["meetings"]
    assert meeting.label.startswith("Brdo Process ministerial")
    assert search(lib.library, SearchRequest(query="x", with_facets=False)).facets == {}


# --- keeping the index in sync ---------------------------------------------------------


def test_unindexed_and_rebuilt_passages(lib: Builder) -> None:
    library = lib.library
    pid = lib.ids["a.2"]
    with library.session() as session:
        library.search.unindex(session.connection(), [pid])
    assert found(lib, "nuhodzic") == set()
    with library.engine.begin() as connection:
        library.search.rebuild(connection)
    assert found(lib, "nuhodzic") == {"a.2"}
    assert found(lib, "beograd") == {"c.1"}


def test_a_rolled_back_import_leaves_nothing_in_the_index(lib: Builder) -> None:
    library = lib.library
    with pytest.raises(RuntimeError), library.session() as session:
        passage = Passage(
            document_id=lib.ids["d"],
            position=5,
            paragraph="6",
            kind="body",
            text="Zanzibar appears once.",
            start=0,
            end=22,
        )
        session.add(passage)
        session.flush()
        library.search.index(session.connection(), [(passage.id, passage.text)])
        session.add(PassageTheme(passage_id=passage.id, theme_id="asylum"))
        raise RuntimeError("killed mid-import")
    assert found(lib, "zanzibar") == set()


def test_tag_changes_reach_the_filters_whatever_code_makes_them(lib: Builder) -> None:
    """Theme and country filters run inside the full-text index: tag edits must show."""
    library = lib.library
    pid = lib.ids["d.1"]
    assert "d.1" not in found(lib, "smuggling", countries=("AL",))
    with library.session() as session:
        session.execute(PassageCountry.__table__.insert().values(passage_id=pid, country_code="AL"))
    assert "d.1" in found(lib, "smuggling", countries=("AL",))
    with library.session() as session:
        row = session.get(PassageCountry, (pid, "AL"))
        assert row is not None
        row.excluded = True  # a manual removal
    assert "d.1" not in found(lib, "smuggling", countries=("AL",))
    with library.session() as session:
        session.execute(delete(PassageTheme).where(PassageTheme.passage_id == lib.ids["a.1"]))
    assert found(lib, "smuggling", themes=("migration",)) == {"c.2"}


def test_bulk_tag_changes_with_sync_suspended_then_refreshed(lib: Builder) -> None:
    library = lib.library
    first, last = lib.ids["a.1"], lib.ids["a.3"]
    with library.session() as session:
        connection = session.connection()
        with library.search.tag_sync_suspended(connection):
            connection.execute(delete(PassageTheme).where(PassageTheme.passage_id <= last))
            connection.execute(
                PassageTheme.__table__.insert().values(passage_id=first, theme_id="asylum")
            )
            library.search.refresh_tags(connection, first, last)
    assert found(lib, themes=("asylum",)) == {"a.1", "b.2"}
    # The triggers are back for ordinary edits.
    with library.session() as session:
        session.add(PassageTheme(passage_id=lib.ids["a.3"], theme_id="asylum"))
    assert found(lib, themes=("asylum",)) == {"a.1", "a.3", "b.2"}


def test_deleting_a_document_removes_its_passages_from_the_index(lib: Builder) -> None:
    library = lib.library
    with library.session() as session:
        session.execute(delete(Document).where(Document.id == lib.ids["c"]))
    assert found(lib, "beograd") == set()
    with library.engine.connect() as connection:
        rows = indexed_count(connection)
    assert rows == 6


def test_counting_without_a_page(lib: Builder) -> None:
    page = run(lib.library, "smuggling", limit=0)
    assert page.hits == [] and page.total == 3
    assert run(lib.library, "smuggling", limit=10, offset=10).total == 3
    assert run(lib.library, "smuggling", limit=10, offset=1).total == 3

"""The sample library imported into SQLite and into PostgreSQL finds the same things.

Both libraries are built by the importer from ``resources/sample/`` (ten documents in every
format, Cyrillic, cp1250, stroke letters); each query must select the same passages, with
the same total and the same facet counts, on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from briefer.domain.search import SearchPage, SearchRequest
from briefer.paths import sample_dir
from briefer.services.importing import import_all
from briefer.services.library import open_ready_library
from briefer.services.searching import search
from briefer.store.library import Library

pytestmark = pytest.mark.postgres

QUERIES = [
    "border",
    "borders",
    "border*",
    "migra*",
    "foreign terrorist fighters",
    '"foreign terrorist fighters"',
    '"terrorist fighters foreign"',
    "ministers AND (asylum OR return*)",
    "asylum OR frontex OR europol",
    "police NOT border",
    "-border",
    "NOT (ministers OR minister)",
    "beograd",
    "Београд",
    "dacic",
    "zagar",
    "Žagar",
    "co-operation",
    '"co operation"',
    "cooperation",
    "sarajevo saradnja",
    "2015",
    "80,000",
    "a",
    '"unbalanced (quote',
    "AND OR NOT",
]

FILTERED = [
    SearchRequest(query="", themes=("irregular-migration",)),
    SearchRequest(query="ministers", countries=("group:wb6",)),
    SearchRequest(query="border*", themes=("border-management",), countries=("RS", "HR")),
    SearchRequest(query="-police", countries=("SI",)),
    SearchRequest(query="", countries=("DE",), themes=("eu-agencies",)),
]


def _build(url: str) -> Library:
    library = open_ready_library(url)
    report = import_all(library, sorted(p for p in sample_dir().iterdir() if p.is_file()))
    assert report.count("imported") >= 10 and not report.failed
    return library


@pytest.fixture(scope="module")
def both(pg_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, Library]]:  # type: ignore[no-untyped-def]
    sqlite = _build(str(Path(tmp_path_factory.mktemp("parity")) / "sample.sqlite"))
    postgres = _build(pg_server.create_database("parity_sample"))
    yield sqlite, postgres
    sqlite.close()
    postgres.close()


def _texts(library: Library, page: SearchPage) -> set[tuple[str, str]]:
    """Hits by document file and passage text (ids may differ between the two imports)."""
    return {(hit.document_title or "", hit.text) for hit in page.hits}


def _facets(page: SearchPage) -> dict[str, dict[str, int]]:
    facets = {name: {f.label: f.count for f in counts} for name, counts in page.facets.items()}
    facets.pop("meetings")  # keyed by meeting id; compared by label below
    return facets


def _compare(both: tuple[Library, Library], request: SearchRequest) -> SearchPage:
    sqlite, postgres = both
    left, right = search(sqlite, request), search(postgres, request)
    assert right.total == left.total, request
    assert _texts(postgres, right) == _texts(sqlite, left), request
    assert _facets(right) == _facets(left), request
    meetings = [sorted((f.label, f.count) for f in p.facets["meetings"]) for p in (left, right)]
    assert meetings[0] == meetings[1], request
    assert [h.snippet for h in right.hits] != [] or left.hits == []
    return left


@pytest.mark.parametrize("query", QUERIES)
def test_the_same_query_finds_the_same_passages_and_counts(
    both: tuple[Library, Library], query: str
) -> None:
    _compare(both, SearchRequest(query=query, limit=1000))


def test_filters_and_facets_agree(both: tuple[Library, Library]) -> None:
    for request in FILTERED:
        request = SearchRequest(**{**request.__dict__, "limit": 1000})
        _compare(both, request)


def test_the_comparison_is_not_vacuous(both: tuple[Library, Library]) -> None:
    page = _compare(both, SearchRequest(query="border*", limit=1000))
    assert page.total > 3
    assert page.facets["themes"] and page.facets["countries"]
    cyrillic = _compare(both, SearchRequest(query="beograd", limit=1000))
    assert cyrillic.total >= 1


def test_snippets_and_the_best_hit_agree(both: tuple[Library, Library]) -> None:
    """Ranking differs in scale (bm25 vs ts_rank) but the snippets are cut alike."""
    sqlite, postgres = both
    for query in ("dacic", '"foreign terrorist fighters"', "beograd"):
        left = search(sqlite, SearchRequest(query=query))
        right = search(postgres, SearchRequest(query=query))
        assert {h.snippet for h in left.hits} == {h.snippet for h in right.hits}


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(query="border*", limit=7),
        SearchRequest(query="ministers", countries=("group:wb6",), limit=5, offset=4),
        SearchRequest(query="migra*", themes=("migration",), limit=50),
    ],
    ids=lambda r: f"{r.query}|{r.offset}",
)
def test_ranking_in_two_halves_gives_the_same_page_on_postgres(
    both: tuple[Library, Library], request_: SearchRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefer.services import searching

    _sqlite, postgres = both
    parts: list[str] = []
    original = searching._ranked_part

    def spy(library, statement):  # type: ignore[no-untyped-def]
        parts.append(str(statement.compile(dialect=postgres.engine.dialect)))
        return original(library, statement)

    monkeypatch.setattr(searching, "_ranked_part", spy)
    pages = []
    for threshold in (10**12, 1):  # one query, then two parts at once
        monkeypatch.setattr(searching, "RANK_IN_PARTS_FROM", threshold)
        page = search(postgres, request_)
        pages.append((page.total, [(h.passage_id, h.rank) for h in page.hits]))
    assert pages[0][0] > request_.offset
    assert pages[1] == pages[0]
    # the second part is chosen by its part word in the index, not by a range of ids
    assert len(parts) == 1 and "BETWEEN" not in parts[0]

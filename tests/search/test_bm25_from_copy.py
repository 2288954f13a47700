"""Relevance pages ranked from the columnar copy equal FTS5's own ranking, bit for bit.

With the copy loaded (the window loads it with its first facet counts) a ranked page of
plain words is scored in numpy (``briefer.store.search.bm25``) instead of by FTS5's
per-row ``bm25()``. These tests compare both ways on the sample library (real texts:
diacritics, Cyrillic, footnotes) and on a synthetic library of 2,000 passages: the same
passages in the same order with the same ranks and totals, ties included. They also
check the fast way is really taken, and that the copy is never used when it is stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from benchmarks import synthetic
from briefer.domain.search import SearchPage, SearchRequest
from briefer.services import searching
from briefer.services.searching import facet_counts, search
from briefer.store.library import Library, open_library
from briefer.store.search.bm25 import bm25_ranks, counts_at, instances_per_row
from briefer.store.search.query import parse_query
from tests.search.conftest import Builder, searched_from_copy, searched_without_copy

SAMPLE_QUERIES = [
    "migration",
    "border police",
    "terror*",
    "border OR borders OR visa",
    "smuggling -police",
    "smuggling NOT police",
    "cooperation cooperation",
    "djordje",
    "Dačić OR Vučić OR police",
    "europol eurojust",
    "co*",
    "western balkans security police",
]
FILTERS = [
    {},
    {"themes": ("migration",)},
    {"countries": ("group:wb6",)},
    {"themes": ("security",), "countries": ("RS", "AL")},
    {"date_from": dt.date(2018, 1, 1), "date_to": dt.date(2022, 12, 31)},
]


@pytest.fixture(autouse=True)
def copy_ranks_whatever_the_filters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons below check the copy's arithmetic under every filter; which way a
    narrow filter is ranked in the service is tested on its own (``REAL_MIN_SHARE``)."""
    monkeypatch.setattr(searching, "RANK_FROM_COPY_MIN_SHARE", 0.0)


REAL_MIN_SHARE = searching.RANK_FROM_COPY_MIN_SHARE
# the request ranked by FTS5 in SQL (as without the copy), and from the loaded copy
# (failing if FTS5 ranked it instead)
ranked_by_fts5 = searched_without_copy
ranked_from_the_copy = functools.partial(searched_from_copy, owner=searching, name="bm25_ranks")


def key(page: SearchPage) -> tuple[list[tuple[int, float | None]], int]:
    return [(hit.passage_id, hit.rank) for hit in page.hits], page.total


@pytest.mark.parametrize("query", SAMPLE_QUERIES)
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "no filter")
def test_sample_pages_equal_fts5(
    sample: Library, query: str, filters: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    for limit, offset in ((50, 0), (3, 2)):
        request = SearchRequest(query=query, limit=limit, offset=offset, **filters)  # type: ignore[arg-type]
        ours = ranked_from_the_copy(sample, request, monkeypatch)
        assert key(ours) == key(ranked_by_fts5(sample, request, monkeypatch))


def test_the_sample_comparison_is_not_trivial(sample: Library) -> None:
    """Guard: the compared pages hold many hits with distinct ranks."""
    page = search(sample, SearchRequest(query="border OR borders OR visa", limit=50))
    assert page.total > 20
    assert len({hit.rank for hit in page.hits}) > 10


@pytest.fixture(scope="module")
def synthetic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "library.sqlite"
    synthetic.generate(path, 2000, quiet=True)
    return path


@pytest.mark.parametrize(
    "query", ["border", "europol eurojust", "migr*", "border OR visa", "border -europol"]
)
def test_synthetic_pages_equal_fts5(
    synthetic_file: Path, tmp_path: Path, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "library.sqlite"
    copy.write_bytes(synthetic_file.read_bytes())
    library = open_library(str(copy))
    try:
        for filters in FILTERS[:3]:
            for limit, offset in ((50, 0), (10, 45)):
                request = SearchRequest(query=query, limit=limit, offset=offset, **filters)  # type: ignore[arg-type]
                ours = ranked_from_the_copy(library, request, monkeypatch)
                theirs = ranked_by_fts5(library, request, monkeypatch)
                assert ours.total > limit
                assert key(ours) == key(theirs)
    finally:
        library.close()


def test_every_rank_is_fts5s_own(sample: Library) -> None:
    """Not only the page: the score of every match equals FTS5's ``bm25()``."""
    facet_counts(sample, SearchRequest())
    node = parse_query("border OR police OR migr*")
    with sample.engine.connect() as connection:
        index = sample.facets.current(sample.search.facet_stamp(connection))
        assert index is not None and index.row_tokens is not None
        inputs = sample.search.bm25_input(connection, node)
        assert inputs is not None
        expected = dict(
            connection.execute(
                text(
                    "SELECT rowid, bm25(passage_fts, 1.0, 0.0) FROM passage_fts "
                    "WHERE passage_fts MATCH :q"
                ),
                {"q": 'body : (("border") OR ("police") OR ("migr" *))'},
            ).all()
        )
    ids = np.array(sorted(expected), dtype=np.int64)
    ranks = bm25_ranks(inputs, ids, index.row_tokens)
    assert len(ids) > 20
    assert dict(zip(ids.tolist(), ranks.tolist(), strict=True)) == expected


@pytest.mark.parametrize("query", ['"border police"', "Αθήνα", "co-operation", "AT&T"])
def test_phrases_and_words_outside_ascii_are_ranked_by_fts5(
    sample: Library, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    facet_counts(sample, SearchRequest())
    with sample.engine.connect() as connection:
        assert sample.search.bm25_input(connection, parse_query(query)) is None
    request = SearchRequest(query=query, limit=20)
    assert key(search(sample, request)) == key(ranked_by_fts5(sample, request, monkeypatch))


def test_a_new_passage_is_ranked_at_once(builder: Builder, monkeypatch: pytest.MonkeyPatch) -> None:
    builder.reference_data()
    builder.document("a", "First", ["Border police met.", "Visa policy."])
    request = SearchRequest(query="border", limit=10)
    assert ranked_from_the_copy(builder.library, request, monkeypatch).total == 1
    builder.document("b", "Second", ["Border, border and border again."])
    ours = ranked_from_the_copy(builder.library, request, monkeypatch)
    assert ours.total == 2
    assert ours.hits[0].text == "Border, border and border again."
    assert key(ours) == key(ranked_by_fts5(builder.library, request, monkeypatch))


def test_a_copy_whose_sizes_disagree_with_the_index_is_not_used(
    sample: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tags rewritten without moving the stamp (SQL by hand) change rows' sizes: the
    totals no longer agree, and FTS5 ranks until the copy is reloaded."""
    request = SearchRequest(query="border OR police", limit=30)
    ranked_from_the_copy(sample, request, monkeypatch)
    with sample.engine.begin() as connection:
        connection.execute(
            text("UPDATE passage_fts SET tags = tags || ' ztextra' WHERE rowid % 2 = 0")
        )
    called: list[int] = []
    monkeypatch.setattr(searching, "bm25_ranks", lambda *a, **k: called.append(1))
    page = search(sample, request)
    assert not called
    monkeypatch.undo()
    assert key(page) == key(ranked_by_fts5(sample, request, monkeypatch))


def test_date_sorted_and_negated_queries_are_not_ranked_from_the_copy(
    sample: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    facet_counts(sample, SearchRequest())
    called: list[int] = []
    monkeypatch.setattr(searching, "bm25_ranks", lambda *a, **k: called.append(1))
    for request in (
        SearchRequest(query="border", sort="date", limit=5),
        SearchRequest(query="NOT border", limit=5),
        SearchRequest(query="", limit=5),
    ):
        assert search(sample, dataclasses.replace(request, with_facets=False)).hits
    assert not called


@pytest.mark.parametrize("seed", range(5))
def test_instance_counts_equal_a_count_per_row(seed: int) -> None:
    """Counting a word's instances per row without a library-sized array gives what a
    count over every row gives, for rows in order (one word) and out of order (a
    prefix's several words, each in row order)."""
    rng = np.random.default_rng(seed)
    words = [np.sort(rng.integers(0, 5_000, int(rng.integers(0, 3_000)))) for _ in range(3)]
    instances = np.concatenate(words) if seed % 2 else words[0]
    ids = np.flatnonzero(rng.random(5_000) < 0.3)
    rows, counts = instances_per_row(instances)
    per_row = np.bincount(instances, minlength=5_000)
    assert len(rows) == np.count_nonzero(per_row)
    assert np.array_equal(counts_at(rows, counts, ids), per_row[ids])


def test_a_word_with_no_instances_counts_zero_everywhere() -> None:
    rows, counts = instances_per_row(np.zeros(0, dtype=np.int64))
    assert len(rows) == 0
    assert counts_at(rows, counts, np.array([0, 3, 9])).tolist() == [0, 0, 0]


def test_narrow_tag_filters_are_ranked_by_fts5_and_broad_ones_from_the_copy(
    sample: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FTS5 scores only what theme and country filters keep; the copy reads every
    instance of the words: below ``RANK_FROM_COPY_MIN_SHARE`` of the library FTS5 ranks."""
    monkeypatch.setattr(searching, "RANK_FROM_COPY_MIN_SHARE", REAL_MIN_SHARE)
    facet_counts(sample, SearchRequest(query="border"))  # the copy, loaded
    index = sample.facets.current(stamp_of(sample))
    assert index is not None
    per_country = index.countries.passages_per_key
    narrow = min(per_country, key=per_country.__getitem__)
    narrow_share = per_country[narrow] / index.passage_count
    assert narrow_share < REAL_MIN_SHARE
    scored: list[int] = []
    original = searching.bm25_ranks
    monkeypatch.setattr(
        searching, "bm25_ranks", lambda *a, **k: scored.append(1) or original(*a, **k)
    )
    request = SearchRequest(query="border OR police OR co*", countries=(narrow,), limit=50)
    page = search(sample, request)
    assert page.total > 0
    assert not scored
    assert key(page) == key(ranked_by_fts5(sample, request, monkeypatch))
    search(sample, SearchRequest(query="border OR police OR co*", limit=50))
    assert scored


def test_the_tag_share_is_exact_for_one_key_and_one_without_filters(sample: Library) -> None:
    facet_counts(sample, SearchRequest())
    index = sample.facets.current(stamp_of(sample))
    assert index is not None
    with sample.sessions() as session:
        for code in ("RS", "AL", "XK"):
            filters = searching.resolve_filters(session, SearchRequest(countries=(code,)))
            kept = index.selection(None, False, filters)
            assert index.tag_share(filters) == pytest.approx(kept.sum() / index.passage_count)
        assert index.tag_share(searching.resolve_filters(session, SearchRequest())) == 1.0


def stamp_of(library: Library) -> int:
    with library.engine.connect() as connection:
        stamp = library.search.facet_stamp(connection)
    assert stamp is not None
    return stamp

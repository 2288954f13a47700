"""Date-sorted pages from the columnar copy equal SQL's date sort, and follow changes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select, update

from briefer.domain.search import SearchPage, SearchRequest
from briefer.store.library import Library
from briefer.store.models import Document, Passage
from briefer.store.search.facet_index import FacetIndex
from tests.search.conftest import searched_from_copy, searched_without_copy
from tests.search.test_facet_index import REQUESTS


def sorted_in_sql(
    library: Library, request: SearchRequest, monkeypatch: pytest.MonkeyPatch
) -> SearchPage:
    """The same request sorted by SQL (what a backend without a stamp does)."""
    return searched_without_copy(library, request, monkeypatch)


def from_the_copy(
    library: Library, request: SearchRequest, monkeypatch: pytest.MonkeyPatch
) -> SearchPage:
    """The request answered from the loaded copy (fails if SQL sorted it instead)."""
    return searched_from_copy(library, request, monkeypatch, FacetIndex, "newest_first")


def ids(page: SearchPage) -> list[int]:
    return [hit.passage_id for hit in page.hits]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: repr(r.query))
@pytest.mark.parametrize(("limit", "offset"), [(7, 0), (7, 7), (50, 3)])
def test_date_pages_equal_sql(
    sample: Library,
    request_: SearchRequest,
    limit: int,
    offset: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = dataclasses.replace(
        request_, sort="date", limit=limit, offset=offset, with_facets=False
    )
    ours = from_the_copy(sample, request, monkeypatch)
    theirs = sorted_in_sql(sample, request, monkeypatch)
    assert (ids(ours), ours.total) == (ids(theirs), theirs.total)


def test_the_sample_has_undated_and_dated_hits(sample: Library) -> None:
    """The comparison above covers undated documents (sorted last) and ties on a date."""
    with sample.session() as session:
        dates = session.scalars(select(Document.published)).all()
    assert None in dates and len({d for d in dates if d}) >= 2


def test_a_changed_date_reorders_at_once(sample: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    request = SearchRequest(sort="date", limit=5, with_facets=False)
    before = from_the_copy(sample, request, monkeypatch)
    newest = {hit.document_id for hit in before.hits}
    with sample.session() as session:  # another document, taken off its meeting, is dated 2031
        moved = session.scalars(
            select(Document.id).where(Document.id.not_in(newest)).order_by(Document.id)
        ).first()
        assert moved is not None
        session.execute(
            update(Document)
            .where(Document.id == moved)
            .values(meeting_id=None, published=dt.date(2031, 1, 1))
        )
        first = session.scalars(
            select(Passage.id).where(Passage.document_id == moved).order_by(Passage.position)
        ).first()
    after = from_the_copy(sample, request, monkeypatch)
    assert ids(after) != ids(before)
    assert ids(after)[0] == first
    assert ids(after) == ids(sorted_in_sql(sample, request, monkeypatch))

"""Ranking a big library in two halves at once gives the very page one query gives."""

from __future__ import annotations

import pytest

from briefer.domain.search import SearchRequest
from briefer.services import searching
from briefer.store.library import Library


def pages(library: Library, request: SearchRequest, monkeypatch: pytest.MonkeyPatch, split: bool):
    """Ranked by the backend in SQL: without the columnar copy (PostgreSQL, or before the
    first facet counts loaded it), which ranks in numpy (``test_bm25_from_copy``)."""
    with monkeypatch.context() as patch:
        patch.setattr(library.search, "facet_stamp", lambda _connection: None)
        patch.setattr(searching, "RANK_IN_PARTS_FROM", 1 if split else 10**12)
        page = searching.search(library, request)
    return page.total, [(h.passage_id, h.rank) for h in page.hits]


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(query="migration", limit=10),
        SearchRequest(query="migration", limit=10, offset=7),
        SearchRequest(query="border OR police", themes=("migration",), limit=25),
        SearchRequest(query="terror*", countries=("group:wb6",), limit=5, offset=3),
        SearchRequest(query='"western balkans"', limit=50),
        SearchRequest(query="cooperation", limit=3, offset=500),  # past the last hit
        SearchRequest(query="xyzzy-nothing", limit=10),
    ],
    ids=lambda r: f"{r.query}|{r.offset}",
)
def test_two_halves_give_the_same_page_and_total(
    sample: Library, request_: SearchRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts: list[str] = []
    original = searching._ranked_part

    def spy(library, statement):  # type: ignore[no-untyped-def]
        parts.append(str(statement.compile(compile_kwargs={"literal_binds": True})))
        return original(library, statement)

    monkeypatch.setattr(searching, "_ranked_part", spy)
    whole = pages(sample, request_, monkeypatch, split=False)
    assert parts == []
    halves = pages(sample, request_, monkeypatch, split=True)
    assert len(parts) == 1 and "BETWEEN" in parts[0]  # the upper half, on its own connection
    assert halves == whole


def test_the_sample_queries_have_hits_in_both_halves(sample: Library) -> None:
    """Guard for the test above: a merge across halves really happens."""
    page = searching.search(sample, SearchRequest(query="migration", limit=200))
    ids = [h.passage_id for h in page.hits]
    middle = max(ids) // 2
    assert any(i <= middle for i in ids[:10]) and any(i > middle for i in ids[:10])

"""Pages of ranked hits: every page is the matching slice of the full order, ties included.

The service looks up only the passages ranked at or above the page's last hit; these
tests make many passages tie on rank (same text in several documents) so that a page cut
falls inside a run of ties.
"""

from __future__ import annotations

import pytest

from briefer.domain.search import SearchHit, SearchRequest
from briefer.services import searching
from briefer.services.searching import search
from tests.search.conftest import Builder

TIED = "Ministers discussed migrant smuggling and border management."
DENSE = "Smuggling, smuggling and more smuggling along the border."
OTHER = "Ministers discussed visa policy and returns."


@pytest.fixture
def tied(builder: Builder) -> Builder:
    builder.reference_data()
    for n in range(6):
        builder.document(
            f"doc{n}",
            f"Statement {n}",
            [
                (TIED, {"themes": ["migrant-smuggling"], "countries": ["RS"]}),
                OTHER,
                (TIED, {"themes": ["asylum"], "countries": ["BA"]}),
                (DENSE, {"themes": ["migrant-smuggling"], "countries": ["RS"]}),
                TIED,
            ],
        )
    return builder


def _hits(b: Builder, query: str, limit: int, offset: int = 0, **kw: object) -> list[SearchHit]:
    request = SearchRequest(query=query, limit=limit, offset=offset, **kw)  # type: ignore[arg-type]
    return search(b.library, request).hits


def _key(hit: SearchHit) -> tuple[float, int, int]:
    assert hit.rank is not None
    return (hit.rank, hit.document_id, int(hit.paragraph))


def test_the_full_list_is_by_rank_then_document_order(tied: Builder) -> None:
    full = _hits(tied, "smuggling", limit=1000)
    assert len(full) == 24
    assert [_key(h) for h in full] == sorted(_key(h) for h in full)
    assert len({h.rank for h in full}) < len(full)  # ties exist, so the tie-break matters
    assert {h.text for h in full[:6]} == {DENSE}


@pytest.mark.parametrize("limit", [1, 5, 7, 10])
def test_every_page_is_the_slice_of_the_full_list(tied: Builder, limit: int) -> None:
    full = [h.passage_id for h in _hits(tied, "smuggling", limit=1000)]
    for offset in range(0, 30, limit):
        page = search(tied.library, SearchRequest(query="smuggling", limit=limit, offset=offset))
        assert [h.passage_id for h in page.hits] == full[offset : offset + limit]
        assert page.total == 24


def test_pages_with_filters_and_a_date_free_query(tied: Builder) -> None:
    kw = {"themes": ("migrant-smuggling",), "countries": ("RS",)}
    full = [h.passage_id for h in _hits(tied, "smuggling border", limit=1000, **kw)]
    assert len(full) == 12
    pages = [_hits(tied, "smuggling border", limit=5, offset=o, **kw) for o in (0, 5, 10)]
    assert [h.passage_id for page in pages for h in page] == full


@pytest.mark.parametrize("walk_at_most", [0, 1_000_000])
def test_filter_only_pages_are_in_document_order_whichever_way_they_are_found(
    tied: Builder, monkeypatch: pytest.MonkeyPatch, walk_at_most: int
) -> None:
    """Without text, a page is found by the index or by walking passages: same hits."""
    monkeypatch.setattr(searching, "WALK_AT_MOST", walk_at_most)
    kw = {"themes": ("migration",), "countries": ("RS",)}
    full = _hits(tied, "", limit=1000, **kw)
    assert len(full) == 12
    order = [(h.document_id, int(h.paragraph)) for h in full]
    assert order == sorted(order)
    for offset in (0, 5, 10):
        page = search(tied.library, SearchRequest(query="", limit=5, offset=offset, **kw))  # type: ignore[arg-type]
        assert [h.passage_id for h in page.hits] == [h.passage_id for h in full][
            offset : offset + 5
        ]
        assert page.total == 12

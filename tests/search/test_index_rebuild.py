"""Migration 0006 rebuilds an older library's full-text index without prefix indexes.

The index's rows are copied as they are, so every search (hits, ranks, snippets, totals,
facet counts) gives what it gave before; the triggers that keep the index in step with
tags and deleted passages work again afterwards.
"""

from __future__ import annotations

from sqlalchemy import text

from briefer.domain.search import SearchRequest
from briefer.services.searching import facet_counts, search
from briefer.store.engine import make_engine
from briefer.store.library import Library, open_library
from briefer.store.search.sqlite_fts import FTS_DEFINITION, SqliteFtsBackend

# the index as libraries were created before 0006
WITH_PREFIXES = f"{FTS_DEFINITION}, prefix='2 3'"
QUERIES = [
    "migration",
    "terror*",
    "co*",
    "border police",
    '"western balkans"',
    "Dačić OR police",
    "smuggling -police",
    "beograd",
]


def results(library: Library) -> list[object]:
    seen: list[object] = []
    for query in QUERIES:
        request = SearchRequest(query=query, limit=20, with_facets=True)
        page = search(library, request)
        seen.append((query, page.total, [(h.passage_id, h.rank, h.snippet) for h in page.hits]))
        seen.append(facet_counts(library, request))
    return seen


def fts_triggers(library: Library) -> set[str]:
    with library.engine.connect() as connection:
        return set(
            connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE :f"),
                {"f": "%passage_fts%"},
            ).scalars()
        )


def reopen_from(library: Library, revision: str) -> Library:
    path = library.engine.url.database
    library.close()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()
    return open_library(str(path))


def test_a_new_library_has_no_prefix_indexes(sample: Library) -> None:
    with sample.engine.connect() as connection:
        assert "prefix" not in SqliteFtsBackend().definition(connection)


def test_an_upgrade_from_0005_drops_the_prefix_indexes_and_keeps_every_result(
    sample: Library,
) -> None:
    backend = SqliteFtsBackend()
    with sample.engine.begin() as connection:
        backend.rebuild_index(connection, WITH_PREFIXES)
        assert "prefix='2 3'" in backend.definition(connection)
    before, triggers = results(sample), fts_triggers(sample)
    assert any(total for _q, total, _hits in before[::2])  # type: ignore[misc]

    upgraded = reopen_from(sample, "0005")
    try:
        with upgraded.engine.connect() as connection:
            assert "prefix" not in backend.definition(connection)
            assert (
                connection.execute(
                    text("SELECT count(DISTINCT segid) FROM passage_fts_idx")
                ).scalar_one()
                == 1
            )
        assert results(upgraded) == before
        assert fts_triggers(upgraded) == triggers
    finally:
        upgraded.close()


def test_tags_and_deletions_reach_the_rebuilt_index(sample: Library) -> None:
    with sample.engine.begin() as connection:
        SqliteFtsBackend().rebuild_index(connection)
        passage_id, country = connection.execute(
            text(
                "SELECT p.id, c.code FROM passage p, country c WHERE c.code = 'IS' AND NOT "
                "EXISTS (SELECT 1 FROM passage_country pc WHERE pc.passage_id = p.id "
                "AND pc.country_code = c.code) ORDER BY p.id LIMIT 1"
            )
        ).one()
    iceland = SearchRequest(countries=(country,), limit=50)
    assert passage_id not in [h.passage_id for h in search(sample, iceland).hits]
    with sample.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO passage_country (passage_id, country_code, origin, excluded) "
                "VALUES (:p, :c, 'manual', 0)"
            ),
            {"p": passage_id, "c": country},
        )
    assert passage_id in [h.passage_id for h in search(sample, iceland).hits]
    with sample.engine.begin() as connection:
        connection.execute(text("DELETE FROM passage WHERE id = :p"), {"p": passage_id})
        left = connection.execute(
            text("SELECT count(*) FROM passage_fts WHERE rowid = :p"), {"p": passage_id}
        ).scalar_one()
    assert left == 0
    assert passage_id not in [h.passage_id for h in search(sample, iceland).hits]

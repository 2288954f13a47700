"""After a bulk change of tags the full-text index is merged, so searches stay fast.

Rewriting a passage's tags leaves its old row in an older FTS5 segment and a delete
marker beside the new one; after a re-tag of every passage a common word's list was
spread over a dozen segments and searches took 3x as long at a million passages
(docs/benchmarks.md). Speed is benchmarked, not asserted: these tests check that the
index is one segment again after each kind of bulk change, and untouched after a small
one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, text

from briefer.services.retagging import run_retag
from briefer.store.engine import make_engine
from briefer.store.library import Library, _pending_for_dialect, open_library
from briefer.store.models import PassageTheme
from briefer.store.search.sqlite_fts import SqliteFtsBackend
from briefer.tagging.taxonomy import taxonomy_from_library, write_taxonomy


def segments(library: Library) -> int:
    with library.engine.connect() as connection:
        return connection.execute(
            text("SELECT count(DISTINCT segid) FROM passage_fts_idx")
        ).scalar_one()


def fragment(library: Library) -> None:
    """Rewrite every row's tags in several transactions, as bulk changes used to leave it."""
    with library.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO passage_fts(passage_fts, rank) VALUES('automerge', 0)")
        )
    for _ in range(3):
        with library.engine.begin() as connection:
            connection.execute(text("UPDATE passage_fts SET tags = tags"))
    with library.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO passage_fts(passage_fts, rank) VALUES('automerge', 4)")
        )
    assert segments(library) > 1


def test_a_retag_that_changes_many_passages_merges_the_index(sample: Library) -> None:
    fragment(sample)
    with sample.session() as session:  # every automatic theme gone: the re-tag restores them
        session.execute(delete(PassageTheme).where(PassageTheme.origin == "automatic"))
    report = run_retag(sample, workers=0)
    assert report.changed > 0
    assert segments(sample) == 1


def test_a_taxonomy_that_moves_most_passages_merges_the_index(
    sample: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    merged: list[bool] = []
    original = SqliteFtsBackend.merge_index

    def spy(self, connection):  # type: ignore[no-untyped-def]
        merged.append(True)
        original(self, connection)

    monkeypatch.setattr(SqliteFtsBackend, "merge_index", spy)
    fragment(sample)
    with sample.session() as session:
        taxonomy = taxonomy_from_library(session)
        tops = {t.id for t in taxonomy.themes if t.parent is None}
        themes = tuple(  # every top theme under "justice": every tagged passage moves
            replace(t, parent="justice") if t.id in tops and t.id != "justice" else t
            for t in taxonomy.themes
        )
        write_taxonomy(session, replace(taxonomy, themes=themes))
    assert merged == [True]
    assert segments(sample) == 1


def test_a_small_change_leaves_the_index_as_it_is(sample: Library) -> None:
    fragment(sample)
    before = segments(sample)
    with sample.session() as session:
        assert not sample.search.merge_after_bulk_change(session.connection(), 1)
    assert segments(sample) == before


def test_an_upgrade_from_0004_merges_a_fragmented_index(sample: Library, tmp_path: Path) -> None:
    fragment(sample)
    path = sample.engine.url.database
    sample.close()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    engine.dispose()
    upgraded = open_library(str(path))
    try:
        assert segments(upgraded) == 1
    finally:
        upgraded.close()


def test_migrations_name_the_databases_they_change() -> None:
    """0004 changes PostgreSQL only, 0005 SQLite only: the other is stamped, not upgraded."""
    sqlite = create_engine("sqlite://")
    postgres = create_engine("postgresql+psycopg://briefer@127.0.0.1:1/none")
    assert _pending_for_dialect(sqlite, "0004")  # 0005 merges SQLite's index
    assert not _pending_for_dialect(postgres, "0004")
    assert _pending_for_dialect(postgres, "0003")  # 0004 recomputes PostgreSQL's words

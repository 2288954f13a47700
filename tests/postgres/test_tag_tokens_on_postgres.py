"""Parent-theme, group and pair words on PostgreSQL: the tests of
`tests/search/test_tag_tokens.py` that do not look inside SQLite, on a PostgreSQL library,
and the server-side SQL checked against the words computed in Python."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, text, update

from briefer.domain.search import SearchRequest
from briefer.paths import sample_dir
from briefer.services.importing import import_all
from briefer.services.library import open_ready_library
from briefer.store.library import Library, open_library
from briefer.store.models import PassageCountry, PassageTheme, Theme
from briefer.store.search.postgres_fts import tag_words
from briefer.store.search.tag_tokens import TagTree, active_links, pair_token
from tests.search.test_tag_tokens import (  # noqa: F401
    a_paired_passage,
    test_a_changed_group_membership_changes_the_group_filter,
    test_a_passage_carries_its_top_themes_paired_with_its_places,
    test_a_taxonomy_that_moves_a_theme_moves_its_passages,
    test_a_theme_made_top_level_gives_its_grandchildrens_passages_their_pairs,
    test_group_and_parent_tokens_find_exactly_the_members_passages,
    test_moving_a_theme_moves_the_grandparent_token_of_its_childrens_passages,
    test_moving_a_theme_under_another_parent_moves_its_passages,
    test_the_filters_carry_one_term_per_selection,
    tokens_of,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def sample(pg_url: str) -> Iterator[Library]:
    """The sample library imported into this test's empty PostgreSQL library."""
    library = open_ready_library(pg_url)
    assert not import_all(library, [sample_dir()]).failed
    yield library
    library.close()


def _words_in_sql(library: Library) -> dict[int, set[str]]:
    with library.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT passage_id, briefer_passage_tags(passage_id)::text FROM passage_search")
        )
        return {pid: {w.strip("'") for w in tags.split()} for pid, tags in rows}


def _words_in_python(library: Library) -> dict[int, set[str]]:
    with library.engine.connect() as connection:
        tree = TagTree.read(connection)
        ids = connection.execute(text("SELECT id FROM passage ORDER BY id")).scalars().all()
        links = active_links(connection, ids[0], ids[-1])
    return {pid: set(tag_words(tree, pid, links.get(pid, ((), ()))).split()) for pid in ids}


def test_the_servers_words_equal_the_words_computed_in_python(sample: Library) -> None:
    """Imports compute words in Python, triggers in SQL: a filter must find both alike."""
    stored = {pid: tokens_of(sample, pid) for pid in _words_in_python(sample)}
    assert _words_in_python(sample) == _words_in_sql(sample) == stored
    assert any(w.startswith("zp") for words in stored.values() for w in words)
    assert {w for words in stored.values() for w in words if w.startswith("zh")} == {"zh0", "zh1"}
    with sample.session() as session:  # a deeper tree: justice > migration > asylum > leaf
        session.execute(update(Theme).where(Theme.id == "migration").values(parent_id="justice"))
        session.add(Theme(id="asylum-leaf", label="Asylum leaf", parent_id="asylum"))
        pid = session.scalars(select(PassageCountry.passage_id)).first()
        session.add(PassageTheme(passage_id=pid, theme_id="asylum-leaf", origin="manual"))
    assert _words_in_python(sample) == _words_in_sql(sample)


def test_an_upgrade_from_0003_gives_postgresql_libraries_their_pair_words(
    sample: Library,
) -> None:
    pid, top, code = a_paired_passage(sample)
    url = sample.url
    with sample.engine.begin() as connection:  # words as 0003 left them: no pairs
        connection.execute(text("UPDATE passage_search SET tags = ''"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    sample.close()
    upgraded = open_library(url)
    try:
        assert pair_token(top, code) in tokens_of(upgraded, pid)
        request = SearchRequest(themes=(top,), countries=(code,), limit=500, with_facets=False)
        from briefer.services.searching import search

        assert pid in {hit.passage_id for hit in search(upgraded, request).hits}
    finally:
        upgraded.close()

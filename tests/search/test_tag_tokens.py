"""Parent-theme, group and pair tokens: one MATCH term per selection, same hits as the
members."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from briefer.domain.search import SearchRequest
from briefer.paths import sample_dir
from briefer.services import searching
from briefer.services.importing import import_all
from briefer.services.library import open_ready_library
from briefer.store.engine import make_engine
from briefer.store.library import Library, open_library
from briefer.store.models import Passage, PassageCountry, PassageTheme, Theme
from briefer.store.search.tag_tokens import group_token, pair_token, theme_token
from briefer.tagging.gazetteer import current_gazetteer, sync_countries


def by_members(library: Library, request: SearchRequest, monkeypatch: pytest.MonkeyPatch):
    """The request matched by OR-ing every member theme and country (no shortcut tokens)."""
    resolve = searching.resolve_filters

    def expanded(session, request_):  # type: ignore[no-untyped-def]
        return replace(resolve(session, request_), theme_roots=None, country_terms=None)

    with monkeypatch.context() as patch:
        patch.setattr(searching, "resolve_filters", expanded)
        return hits(library, request)


def hits(library: Library, request: SearchRequest) -> tuple[int, list[int]]:
    page = searching.search(library, replace(request, limit=500, with_facets=False))
    return page.total, sorted(h.passage_id for h in page.hits)


REQUESTS = [
    SearchRequest(themes=("migration",)),
    SearchRequest(query="border", themes=("security", "asylum")),
    SearchRequest(countries=("group:wb6",)),
    SearchRequest(query="cooperation", countries=("group:eu", "XK")),
    SearchRequest(query="terror*", themes=("security",)),
    SearchRequest(themes=("borders", "crime"), countries=("group:WB6",)),
    SearchRequest(query="NOT police", themes=("crime",), countries=("group:eu",)),
    # pairs of top themes and places; a sub-theme (no pair tokens); too many pairs
    SearchRequest(themes=("migration", "security"), countries=("RS", "group:eu")),
    SearchRequest(themes=("eu-agencies",), countries=("group:wb6",)),
    SearchRequest(
        themes=("migration", "security", "borders", "crime"),
        countries=("RS", "AL", "group:eu", "BA"),
    ),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.query}|{r.themes}|{r.countries}")
def test_group_and_parent_tokens_find_exactly_the_members_passages(
    sample: Library, request_: SearchRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = hits(sample, request_)
    assert ours[0] > 0
    assert ours == by_members(sample, request_, monkeypatch)


def test_the_filters_carry_one_term_per_selection(sample: Library) -> None:
    with sample.sessions() as session:
        filters = searching.resolve_filters(
            session, SearchRequest(themes=("migration",), countries=("group:wb6", "AT"))
        )
    assert filters.theme_roots == ("migration",) and filters.theme_depth == 1
    assert filters.country_terms == ("AT", "group:wb6")
    assert set(filters.countries or ()) >= {"RS", "XK", "AT"}
    assert filters.theme_roots_are_top
    expression = _match_expression(sample, filters)  # a top theme and two places: two pairs
    assert pair_token("migration", "AT") in expression
    assert pair_token("migration", "group:wb6") in expression
    assert theme_token("migration") not in expression and "zc" not in expression
    alone = _match_expression(sample, replace(filters, countries=None, country_terms=None))
    assert theme_token("migration") in alone
    assert theme_token("asylum") not in alone  # a child: covered by its parent's token
    places = _match_expression(sample, replace(filters, themes=None, theme_roots=None))
    assert group_token("wb6") in places


def _match_expression(library: Library, filters: searching.queries.Filters) -> str:
    match = library.search.text_match(None, filters)
    assert match is not None
    return str(match.condition.compile(compile_kwargs={"literal_binds": True}))


def test_a_passage_carries_its_top_themes_paired_with_its_places(sample: Library) -> None:
    with sample.session() as session:
        pid = session.scalars(
            select(PassageTheme.passage_id)
            .join(PassageCountry, PassageCountry.passage_id == PassageTheme.passage_id)
            .where(PassageTheme.theme_id == "eu-agencies", PassageCountry.country_code == "RS")
        ).first()
    assert pid is not None
    tokens = tokens_of(sample, pid)
    assert {pair_token("cooperation", "RS"), pair_token("cooperation", "group:wb6")} <= tokens
    assert pair_token("eu-agencies", "RS") not in tokens  # pairs name top-level themes only


def tokens_of(library: Library, passage_id: int) -> set[str]:
    """The tag words the library's search index holds for a passage (either backend)."""
    if library.engine.dialect.name == "postgresql":
        statement = "SELECT tags::text FROM passage_search WHERE passage_id = :id"
    else:
        statement = "SELECT tags FROM passage_fts WHERE rowid = :id"
    with library.engine.connect() as connection:
        tags = connection.execute(text(statement), {"id": passage_id}).scalar_one()
    return {word.strip("'") for word in tags.split()}


def a_tagged_passage(library: Library, theme_id: str) -> int:
    with library.session() as session:
        return session.scalars(
            select(PassageTheme.passage_id).where(PassageTheme.theme_id == theme_id)
        ).first()  # type: ignore[return-value]


def test_moving_a_theme_under_another_parent_moves_its_passages(sample: Library) -> None:
    pid = a_tagged_passage(sample, "asylum")
    assert theme_token("migration") in tokens_of(sample, pid)
    with sample.session() as session:
        session.execute(update(Theme).where(Theme.id == "asylum").values(parent_id="justice"))
    assert theme_token("justice") in tokens_of(sample, pid)
    found = hits(sample, SearchRequest(themes=("justice",)))[1]
    assert pid in found


def test_a_changed_group_membership_changes_the_group_filter(sample: Library) -> None:
    with sample.session() as session:
        pid = session.scalars(
            select(PassageCountry.passage_id).where(PassageCountry.country_code == "RS")
        ).first()
    assert pid in hits(sample, SearchRequest(countries=("group:wb6",)))[1]
    gazetteer = current_gazetteer()
    wb6 = gazetteer.groups["wb6"]
    smaller = replace(wb6, members=tuple(m for m in wb6.members if m.code != "RS"))
    changed = replace(gazetteer, groups={**gazetteer.groups, "wb6": smaller}, sha256="changed")
    with sample.session() as session:
        assert sync_countries(session, changed)
    with sample.session() as session:
        rs_only = {
            p
            for p in session.scalars(
                select(PassageCountry.passage_id).where(
                    PassageCountry.country_code == "RS", PassageCountry.excluded.is_(False)
                )
            )
        }
        others = {
            p
            for p in session.scalars(
                select(PassageCountry.passage_id).where(
                    PassageCountry.country_code.in_([m.code for m in smaller.members]),
                    PassageCountry.excluded.is_(False),
                )
            )
        }
    found = set(hits(sample, SearchRequest(countries=("group:wb6",)))[1])
    assert found == others
    assert rs_only - others and not (rs_only - others) & found


def test_an_upgrade_recomputes_every_passages_tokens(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    library = open_ready_library(str(path))
    assert not import_all(
        library, [sample_dir() / "07_salzburg-forum-2019_agency-report.txt"]
    ).failed
    library.close()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:  # as a library from before 0002 had them
        connection.execute(text("UPDATE passage_fts SET tags = ''"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    engine.dispose()
    library = open_library(str(path))
    with library.session() as session:
        pid = session.scalars(select(Passage.id).order_by(Passage.id)).first()
        assert pid is not None
        own = session.scalars(select(PassageTheme.theme_id).where(PassageTheme.passage_id == pid))
        expected = {theme_token(t) for t in own}
    assert expected and expected <= tokens_of(library, pid)
    library.close()


def a_paired_passage(library: Library) -> tuple[int, str, str]:
    """A passage with a sub-theme of "cooperation" and a country: (id, top theme, code)."""
    with library.session() as session:
        found = session.execute(
            select(PassageTheme.passage_id, Theme.parent_id, PassageCountry.country_code)
            .join(Theme, Theme.id == PassageTheme.theme_id)
            .join(PassageCountry, PassageCountry.passage_id == PassageTheme.passage_id)
            .where(Theme.parent_id == "cooperation")
        ).first()
    assert found is not None
    return found[0], found[1], found[2]


def test_an_upgrade_from_0002_adds_the_pair_tokens(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    library = open_ready_library(str(path))
    assert not import_all(library, [sample_dir()]).failed
    pid, top, code = a_paired_passage(library)
    library.close()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:  # tokens as 0002 made them: no pairs
        connection.execute(
            text("UPDATE passage_fts SET tags = :tags WHERE rowid = :id"),
            {"tags": theme_token(top), "id": pid},
        )
        connection.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    engine.dispose()
    library = open_library(str(path))
    assert pair_token(top, code) in tokens_of(library, pid)
    assert pid in hits(library, SearchRequest(themes=(top,), countries=(code,)))[1]
    library.close()


def test_a_taxonomy_that_moves_a_theme_moves_its_passages(sample: Library) -> None:
    """Writing a taxonomy pauses the per-row triggers and refreshes the tokens once."""
    from briefer.tagging.taxonomy import taxonomy_from_library, write_taxonomy

    pid = a_tagged_passage(sample, "asylum")
    with sample.session() as session:
        taxonomy = taxonomy_from_library(session)
        themes = tuple(
            replace(t, parent="justice") if t.id == "asylum" else t for t in taxonomy.themes
        )
        write_taxonomy(session, replace(taxonomy, themes=themes))
    assert theme_token("justice") in tokens_of(sample, pid)
    assert theme_token("migration") not in tokens_of(sample, pid) or _has_other_migration_theme(
        sample, pid
    )
    assert pid in hits(sample, SearchRequest(themes=("justice",)))[1]


def _has_other_migration_theme(library: Library, pid: int) -> bool:
    with library.session() as session:
        own = set(
            session.scalars(select(PassageTheme.theme_id).where(PassageTheme.passage_id == pid))
        )
        children = set(session.scalars(select(Theme.id).where(Theme.parent_id == "migration")))
    return bool(own & (children | {"migration"}))


def test_a_taxonomy_edit_refreshes_only_the_passages_it_moves(
    sample: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million passages a full refresh takes minutes: adding a theme must cost nothing."""
    from briefer.services.tagging import add_theme
    from briefer.store.search.sqlite_fts import SqliteFtsBackend
    from briefer.tagging.taxonomy import taxonomy_from_library, write_taxonomy

    refreshed: list[list[int]] = []
    original = SqliteFtsBackend.refresh_passages

    def spy(self, connection, passage_ids):  # type: ignore[no-untyped-def]
        refreshed.append(list(passage_ids))
        original(self, connection, refreshed[-1])

    monkeypatch.setattr(SqliteFtsBackend, "refresh_passages", spy)
    with sample.session() as session:
        add_theme(session, "aerial-threats", "Aerial threats", parent="resilience")
    assert refreshed == [[]]
    with sample.session() as session:
        asylum = set(
            session.scalars(
                select(PassageTheme.passage_id).where(
                    PassageTheme.theme_id == "asylum", PassageTheme.excluded.is_(False)
                )
            )
        )
        taxonomy = taxonomy_from_library(session)
        themes = tuple(
            replace(t, parent="justice") if t.id == "asylum" else t for t in taxonomy.themes
        )
        write_taxonomy(session, replace(taxonomy, themes=themes))
    assert asylum and set(refreshed[-1]) == asylum


def test_a_theme_made_top_level_gives_its_grandchildrens_passages_their_pairs(
    sample: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """justice > migration > asylum > asylum-sub, then migration made top-level by hand."""
    with sample.session() as session:
        session.execute(update(Theme).where(Theme.id == "migration").values(parent_id="justice"))
        session.add(Theme(id="asylum-sub", label="Asylum detail", parent_id="asylum"))
        under_migration = select(Theme.id).where(
            Theme.id.in_(["migration", "asylum", "asylum-sub"])
            | Theme.parent_id.in_(["migration", "asylum"])
        )
        pid = session.scalars(
            select(PassageCountry.passage_id)
            .where(PassageCountry.country_code == "RS")
            .where(
                ~select(PassageTheme.passage_id)
                .where(
                    PassageTheme.passage_id == PassageCountry.passage_id,
                    PassageTheme.theme_id.in_(under_migration),
                )
                .exists()
            )
        ).first()
        assert pid is not None
        session.add(PassageTheme(passage_id=pid, theme_id="asylum-sub", origin="manual"))
    request = SearchRequest(themes=("migration",), countries=("RS",))
    with sample.session() as session:
        session.execute(update(Theme).where(Theme.id == "migration").values(parent_id=None))
    assert pair_token("migration", "RS") in tokens_of(sample, pid)
    assert pid in hits(sample, request)[1]
    assert hits(sample, request) == by_members(sample, request, monkeypatch)


def test_moving_a_theme_moves_the_grandparent_token_of_its_childrens_passages(
    sample: Library,
) -> None:
    pid = a_tagged_passage(sample, "asylum")  # asylum is a child of migration
    with sample.session() as session:  # by hand: the trigger, not a taxonomy write
        session.execute(update(Theme).where(Theme.id == "migration").values(parent_id="justice"))
    assert theme_token("justice") in tokens_of(sample, pid)
    assert pid in hits(sample, SearchRequest(themes=("justice",)))[1]


def _tokens_in_sql(library: Library) -> dict[int, set[str]]:
    from briefer.store.search.sqlite_fts import _tags_of

    with library.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, {_tags_of('passage.id')} FROM passage"))
        return {pid: set(tags.split()) for pid, tags in rows}


def _tokens_in_python(library: Library) -> dict[int, set[str]]:
    from briefer.store.search.tag_tokens import TagTree

    with library.engine.connect() as connection:
        tree = TagTree.read(connection)
        links: dict[int, tuple[list[str], list[str]]] = {
            pid: ([], []) for pid in connection.execute(text("SELECT id FROM passage")).scalars()
        }
        for pid, theme_id in connection.execute(
            text("SELECT passage_id, theme_id FROM passage_theme WHERE excluded = 0")
        ):
            links[pid][0].append(theme_id)
        for pid, code in connection.execute(
            text("SELECT passage_id, country_code FROM passage_country WHERE excluded = 0")
        ):
            links[pid][1].append(code)
    return {pid: set(tree.tokens(*both).split()) for pid, both in links.items()}


def test_tokens_computed_in_python_equal_the_indexs_sql(sample: Library) -> None:
    """The importer computes new passages' tokens in Python; they must be the SQL's."""
    assert (
        _tokens_in_python(sample)
        == _tokens_in_sql(sample)
        == {pid: tokens_of(sample, pid) for pid in _tokens_in_sql(sample)}
    )
    with sample.session() as session:  # a deeper tree: justice > migration > asylum > leaf
        session.execute(update(Theme).where(Theme.id == "migration").values(parent_id="justice"))
        session.add(Theme(id="asylum-leaf", label="Asylum leaf", parent_id="asylum"))
        pid = session.scalars(select(PassageCountry.passage_id)).first()
        session.add(PassageTheme(passage_id=pid, theme_id="asylum-leaf", origin="manual"))
    python, sql = _tokens_in_python(sample), _tokens_in_sql(sample)
    assert python == sql
    assert theme_token("migration") in python[pid]  # the leaf's grandparent

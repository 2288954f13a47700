"""Facet counts from the per-process columnar copy agree with SQL and are never stale."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete, select, update

from briefer.domain.search import FacetCount, SearchRequest
from briefer.services.searching import facet_counts, search
from briefer.store.engine import make_engine
from briefer.store.library import Library, alembic_config, open_library
from briefer.store.models import Document, Meeting, Passage, PassageCountry, PassageTheme

Facets = dict[str, list[FacetCount]]


def in_sql(library: Library, request: SearchRequest, monkeypatch: pytest.MonkeyPatch) -> Facets:
    """The same request counted by the SQL statements (a backend without a stamp)."""
    with monkeypatch.context() as patch:
        patch.setattr(library.search, "facet_stamp", lambda _connection: None)
        return facet_counts(library, request)


def as_counts(facets: Facets) -> dict[str, dict[str, int]]:
    return {name: {f.key: f.count for f in values} for name, values in facets.items()}


REQUESTS = [
    SearchRequest(),
    SearchRequest(query="migration"),
    SearchRequest(query="border OR borders", themes=("migration",)),
    SearchRequest(query="terror*", countries=("group:wb6",)),
    SearchRequest(query="NOT police", themes=("security",), countries=("RS", "AL")),
    SearchRequest(query="smuggling", date_from=dt.date(2018, 1, 1), date_to=dt.date(2022, 12, 31)),
    SearchRequest(themes=("organised-crime",), countries=("XK",)),
    SearchRequest(query='"western balkans"', date_to=dt.date(2016, 12, 31)),
    SearchRequest(query="nothing-matches-this-xyzzy"),
    SearchRequest(countries=("group:eu",), date_from=dt.date(2020, 1, 1)),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: repr(r.query))
def test_index_counts_equal_sql_counts_on_the_sample(
    sample: Library, request_: SearchRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = facet_counts(sample, request_)
    assert ours == in_sql(sample, request_, monkeypatch)


def test_meeting_filters_count_alike(sample: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    with sample.session() as session:
        meetings = session.scalars(select(Meeting.id).order_by(Meeting.id)).all()
    assert len(meetings) >= 2
    for chosen in (meetings[:1], meetings[:2], meetings[-1:]):
        request = SearchRequest(query="cooperation", meetings=tuple(chosen), themes=("migration",))
        assert facet_counts(sample, request) == in_sql(sample, request, monkeypatch)


def test_the_sample_counts_are_not_trivial(sample: Library) -> None:
    """Guard for the parity tests: they compare real, non-empty counts."""
    facets = as_counts(facet_counts(sample, SearchRequest(query="migration")))
    assert facets["themes"]["migration"] > 5
    assert len(facets["countries"]) > 3
    assert len(facets["meetings"]) > 1


def first_passage(library: Library, query: str) -> int:
    with library.session() as session:
        return session.scalars(
            select(Passage.id).where(Passage.text.contains(query)).order_by(Passage.id)
        ).first()  # type: ignore[return-value]


def test_counts_follow_every_change_without_reopening(
    sample: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each change a count depends on shows at once, and equals the SQL count."""
    request = SearchRequest(query="migration OR border", countries=("group:wb6",))
    before = facet_counts(sample, request)
    pid = search(sample, request).hits[0].passage_id

    def changed() -> Facets:
        now = facet_counts(sample, request)
        assert now == in_sql(sample, request, monkeypatch)
        return now

    with sample.session() as session:  # a manual theme
        session.add(PassageTheme(passage_id=pid, theme_id="cybercrime", origin="manual"))
    assert changed() != before

    with sample.session() as session:  # a manual removal (exclusion) of every country link
        session.execute(
            update(PassageCountry).where(PassageCountry.passage_id == pid).values(excluded=True)
        )
    changed()

    with sample.session() as session:  # a document moved to another meeting
        doc = session.scalars(select(Document).where(Document.meeting_id.is_not(None))).first()
        assert doc is not None
        other = session.scalars(select(Meeting.id).where(Meeting.id != doc.meeting_id)).first()
        doc.meeting_id = other
    changed()

    with sample.session() as session:  # a meeting's date
        session.execute(update(Meeting).values(start_date=dt.date(2001, 1, 1)))
    dated = SearchRequest(query="migration", date_to=dt.date(2001, 12, 31))
    assert facet_counts(sample, dated) == in_sql(sample, dated, monkeypatch)
    assert as_counts(facet_counts(sample, dated))["themes"]

    with sample.session() as session:  # a document deleted
        session.execute(delete(Document).where(Document.id == doc.id))
    changed()


def test_a_manual_tag_shows_in_the_counts_at_once(sample: Library) -> None:
    """The user-visible case: tagging a passage moves the theme count by one."""
    request = SearchRequest(query="migration")
    count = as_counts(facet_counts(sample, request))["themes"].get("cybercrime", 0)
    pid = first_passage(sample, "migration")
    with sample.session() as session:
        session.add(PassageTheme(passage_id=pid, theme_id="cybercrime", origin="manual"))
    assert as_counts(facet_counts(sample, request))["themes"]["cybercrime"] == count + 1


def test_unchanged_library_is_loaded_once(sample: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[int] = []
    original = sample.search.load_facet_index
    monkeypatch.setattr(
        sample.search,
        "load_facet_index",
        lambda connection, stamp: loads.append(stamp) or original(connection, stamp),
    )
    for query in ("migration", "border", "terror*"):
        facet_counts(sample, SearchRequest(query=query))
    assert len(loads) == 1
    pid = first_passage(sample, "migration")
    with sample.session() as session:
        session.add(PassageTheme(passage_id=pid, theme_id="cybercrime", origin="manual"))
    facet_counts(sample, SearchRequest(query="migration"))
    assert len(loads) == 2 and loads[1] > loads[0]


def test_another_process_change_is_seen(sample: Library) -> None:
    """A change committed outside this process (raw sqlite3 here) moves the stamp too."""
    request = SearchRequest(query="migration")
    before = as_counts(facet_counts(sample, request))["themes"].get("cybercrime", 0)
    pid = first_passage(sample, "migration")
    path = sample.engine.url.database
    assert path is not None
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "INSERT INTO passage_theme (passage_id, theme_id, origin, excluded) "
            "VALUES (?, 'cybercrime', 'manual', 0)",
            (pid,),
        )
    con.close()
    assert as_counts(facet_counts(sample, request))["themes"]["cybercrime"] == before + 1


def test_a_library_from_before_the_stamp_is_upgraded_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001")
    engine.dispose()
    library = open_library(str(path))  # upgrades to head: the stamp table and triggers
    with library.engine.connect() as connection:
        assert library.search.facet_stamp(connection) is not None
    with library.session() as session:
        session.add(Meeting(title="m", start_date=dt.date(2020, 1, 1)))
    facets = facet_counts(library, SearchRequest())
    assert as_counts(facets) == {"themes": {}, "countries": {}, "meetings": {}}
    library.close()
    assert list(itertools.islice(tmp_path.glob("old.backup-0001-*.sqlite"), 1))


def test_the_windows_remembered_counts_follow_another_process(sample: Library) -> None:
    """The workspace remembers counts per request; a write elsewhere must not keep them."""
    from briefer.services.workspace import Workspace

    workspace = Workspace(sample)
    request = SearchRequest(query="migration")
    before = as_counts(workspace.facet_counts(request))["themes"].get("cybercrime", 0)
    assert workspace.facet_counts(request) is workspace.facet_counts(request)  # remembered
    pid = first_passage(sample, "migration")
    path = sample.engine.url.database
    assert path is not None
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "INSERT INTO passage_theme (passage_id, theme_id, origin, excluded) "
            "VALUES (?, 'cybercrime', 'manual', 0)",
            (pid,),
        )
    con.close()
    assert as_counts(workspace.facet_counts(request))["themes"]["cybercrime"] == before + 1

"""``briefer copy``: a whole library SQLite → PostgreSQL → SQLite, checked, nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, text

from briefer.cli.main import main
from briefer.domain.search import SearchRequest
from briefer.paths import sample_dir
from briefer.services import briefings
from briefer.services.copying import passage_checksum, table_counts
from briefer.services.importing import import_all
from briefer.services.library import open_ready_library
from briefer.services.searching import search
from briefer.services.tagging import set_passage_tag
from briefer.store.library import Library, open_library
from briefer.store.models import Document, ManualCorrection, Passage, PassageCountry
from tests.support.search_index import indexed_count

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite library with the sample documents, a manual tag and a briefing quoting them."""
    path = tmp_path_factory.mktemp("copy") / "source.sqlite"
    library = open_ready_library(str(path))
    files = sorted(p for p in sample_dir().iterdir() if p.is_file())
    assert not import_all(library, files).failed
    with library.session() as session:
        first, second = session.scalars(select(Passage.id).order_by(Passage.id).limit(2))
        set_passage_tag(session, first, country="XK")
        set_passage_tag(session, second, theme="asylum", remove=True)
    briefing = briefings.create_briefing(library, "Brdo follow-up", preset=None)
    assert briefing.briefing_id is not None
    section = briefings.add_section(library, briefing.briefing_id, "Quotes")
    briefings.add_quotes(library, section.created_ids[0], [first, second])
    library.close()
    return str(path)


@contextmanager
def opened(db: str) -> Iterator[Library]:
    library = open_library(db)
    try:
        yield library
    finally:
        library.close()


def _run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_sqlite_to_postgresql_and_back_is_exact(
    source: str, pg_server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    team = pg_server.create_database("copy_team")
    code, out, err = _run("copy", "--from", source, "--to", team, capsys=capsys)
    assert code == 0, err
    assert "every table and the passage checksum match" in out
    assert "passage:" in err  # progress per table
    with opened(team) as copied, copied.engine.connect() as connection:
        vacuumed = connection.execute(  # so the first searches need not set hint bits
            text("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'passage_search'")
        ).scalar()
    assert vacuumed is not None

    source_lib, team_lib = open_library(source), open_library(team)
    assert table_counts(team_lib.engine) == table_counts(source_lib.engine)
    fields = (Document.id, Document.published, Document.imported_at, Document.removed_lines)
    with source_lib.sessions() as left, team_lib.sessions() as right:
        original = left.execute(select(*fields).order_by(Document.id)).all()
        assert right.execute(select(*fields).order_by(Document.id)).all() == original
        flags = select(
            PassageCountry.passage_id,
            PassageCountry.country_code,
            PassageCountry.excluded,
            PassageCountry.evidence,
        ).order_by(PassageCountry.passage_id, PassageCountry.country_code)
        assert right.execute(flags).all() == left.execute(flags).all()
    assert passage_checksum(team_lib.engine) == passage_checksum(source_lib.engine)
    with team_lib.engine.connect() as connection:
        assert indexed_count(connection) == table_counts(team_lib.engine)["passage"]
    for query in ("border*", "beograd", '"foreign terrorist fighters"'):
        request = SearchRequest(query=query, countries=("XK",), limit=500)
        left, right = search(source_lib, request), search(team_lib, request)
        assert [h.passage_id for h in right.hits] == [h.passage_id for h in left.hits]
    with team_lib.session() as session:
        correction_count = len(session.scalars(select(ManualCorrection)).all())
        manual = session.scalars(select(PassageCountry).where(PassageCountry.origin == "manual"))
        assert [row.country_code for row in manual] == ["XK"]
    assert correction_count == 2
    with team_lib.sessions() as session:
        outline = briefings.briefing_data(session, 1)
    assert outline.title == "Brdo follow-up"
    assert [i.passage_id for i in outline.sections[0].items] != []

    # New rows on the team library do not collide with the copied ids.
    new = briefings.create_briefing(team_lib, "Second")
    assert new.briefing_id == 2
    with team_lib.session() as session:
        session.add(
            Document(file_name="n.txt", format="txt", sha256="f" * 64, text="x", removed_lines=[])
        )
    source_lib.close()
    team_lib.close()

    back = tmp_path / "back.sqlite"
    code, out, err = _run("copy", "--from", team, "--to", str(back), "--json", capsys=capsys)
    assert code == 0, err
    assert '"ok": true' in out
    back_lib = open_library(str(back))
    with back_lib.session() as session:
        assert session.scalar(select(Document.id).where(Document.sha256 == "f" * 64)) is not None
    with opened(source) as again:
        assert passage_checksum(back_lib.engine) == passage_checksum(again.engine)
        hits = search(again, SearchRequest(query="beograd")).total
    assert hits == search(back_lib, SearchRequest(query="beograd")).total > 0
    back_lib.close()


def test_a_library_in_the_target_is_refused_unless_replaced(
    source: str, pg_server, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    team = pg_server.create_database("copy_twice")
    assert _run("copy", "--from", source, "--to", team, capsys=capsys)[0] == 0
    with opened(team) as library, library.session() as session:
        session.execute(text("UPDATE briefing SET title = 'edited on the server'"))
    code, _out, err = _run("copy", "--from", source, "--to", team, capsys=capsys)
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "not empty" in err and "--replace" in err and "127.0.0.1" in err
    with opened(team) as library, library.session() as session:
        assert session.scalar(text("SELECT title FROM briefing")) == "edited on the server"
    code, _out, err = _run("copy", "--from", source, "--to", team, "--replace", capsys=capsys)
    assert code == 0, err
    with opened(team) as library, library.session() as session:
        assert session.scalar(text("SELECT title FROM briefing")) == "Brdo follow-up"


def test_a_failed_copy_leaves_the_target_as_it_was(
    tmp_path: Path, pg_server, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL refuses a NUL character in text: the copy fails whole, with one clear line."""
    path = tmp_path / "nul.sqlite"
    library = open_library(str(path))
    with library.session() as session:
        document = Document(
            file_name="a.txt", format="txt", sha256="a" * 64, text="ok", removed_lines=[]
        )
        document.passages.append(
            Passage(position=0, paragraph="1", kind="body", text="bad\x00text", start=0, end=8)
        )
        session.add(document)
    library.close()
    team = pg_server.create_database("copy_fails")
    code, _out, err = _run("copy", "--from", str(path), "--to", team, capsys=capsys)
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("briefer:")]
    assert len(errors) == 1 and "table passage, nothing was changed" in errors[0]
    assert "NUL" in errors[0] and "copy_fails" in errors[0]
    with opened(team) as library:
        assert table_counts(library.engine)["document"] == 0


def test_a_source_that_holds_no_library_is_refused(
    tmp_path: Path, pg_server, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "typo.sqlite"
    code, _out, err = _run("copy", "--from", str(missing), "--to", str(tmp_path / "t.sqlite"), capsys=capsys)  # fmt: skip
    assert code == 1 and "no library there" in err and str(missing) in err
    assert not missing.exists()
    empty = pg_server.create_database("copy_empty_source")
    code, _out, err = _run("copy", "--from", empty, "--to", str(tmp_path / "t.sqlite"), capsys=capsys)  # fmt: skip
    assert code == 1 and "holds no Briefer library" in err

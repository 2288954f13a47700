"""Opening a team library: the same migration as SQLite, safe when several open it at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from briefer.cli.main import main
from briefer.store.engine import make_engine
from briefer.store.library import Library, alembic_config, head_revision, open_library
from briefer.store.schema import is_managed_table, metadata

pytestmark = pytest.mark.postgres


def test_the_migration_builds_the_models_schema_and_the_search_index(pg_server) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(pg_server.create_database("migrated"))
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda n, t, _p: t != "table" or is_managed_table(n)},
        )
        assert compare_metadata(context, metadata) == []
        assert context.get_current_revision() == head_revision()
        indexes = {i["name"] for i in inspect(connection).get_indexes("passage_search")}
        assert "ix_passage_search_words" in indexes
        kind = connection.execute(
            text(
                "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
                "WHERE c.relname = 'ix_passage_search_words'"
            )
        ).scalar_one()
        assert kind == "gin"
    engine.dispose()


def test_several_people_opening_a_new_team_library_at_once(pg_server) -> None:  # type: ignore[no-untyped-def]
    url = pg_server.create_database("opened_at_once")
    opened: list[Library] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        try:
            start.wait()
            opened.append(open_library(url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for library in opened:
        library.close()
    assert not errors and len(opened) == 4


def test_every_command_takes_the_url_from_briefer_db(
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """BRIEFER_DB names the team library; import, search and show then work on it."""
    from briefer.paths import sample_dir

    monkeypatch.setenv("BRIEFER_DB", pg_url)
    sample = sorted(sample_dir().glob("01_*"))[0]
    assert main(["import", str(sample)]) == 0
    assert main(["documents", "--json"]) == 0
    assert '"id": 1' in capsys.readouterr().out
    assert main(["search", "ministers", "--json"]) == 0
    assert '"passage_id"' in capsys.readouterr().out
    assert main(["show", "1"]) == 0
    assert main(["themes"]) == 0
    assert main(["countries"]) == 0
    assert main(["briefing", "new", "Team pack"]) == 0
    assert main(["briefing", "add", "1", "1"]) == 0
    capsys.readouterr()
    assert main(["briefing", "list", "--json"]) == 0
    assert "Team pack" in capsys.readouterr().out
    assert main(["tag", "1", "--country", "XK"]) == 0
    assert main(["search", "--country", "XK", "--json"]) == 0
    assert '"passage_id": 1' in capsys.readouterr().out
    assert main(["meetings"]) == 0
    assert main(["retag"]) == 0
    exported = tmp_path / "pack.docx"
    assert main(["export", "1", "-o", str(exported)]) == 0
    assert main(["verify", str(exported)]) == 0
    built = tmp_path / "built.pdf"
    assert main(["build", "ministers", "--title", "Built", "-o", str(built)]) == 0
    assert built.stat().st_size > 0

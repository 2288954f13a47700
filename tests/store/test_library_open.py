"""Opening libraries: new ones are created at the head, old ones are backed up and upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from briefer.domain.errors import LibraryError
from briefer.store.engine import make_engine, resolve_url
from briefer.store.library import alembic_config, head_revision, open_library
from briefer.store.schema import is_managed_table, metadata


def test_new_library_is_stamped_at_head_with_wal_and_foreign_keys(db_path: Path) -> None:
    lib = open_library(str(db_path))
    with lib.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    lib.close()


def test_migrations_build_exactly_the_schema_the_models_describe(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_name": lambda name, type_, _p: type_ != "table" or is_managed_table(name)
            },
        )
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_old_library_is_backed_up_before_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0001")
    engine.dispose()
    # Pretend the library predates the current head by rewinding its recorded revision.
    _set_revision(path, "0001")
    if head_revision() == "0001":
        pytest.skip("only one revision exists: nothing to upgrade yet")
    lib = open_library(str(path))
    lib.close()
    assert list(tmp_path.glob("old.backup-0001-*.sqlite"))


def test_an_upgrade_with_nothing_for_sqlite_makes_no_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When every pending migration is for PostgreSQL (0004 was, from 0003, before 0005
    existed), a SQLite library is stamped, not copied (which migrations are is tested in
    ``tests/search/test_index_merge.py``)."""
    from briefer.store import library as library_module

    path = tmp_path / "lib.sqlite"
    open_library(str(path)).close()
    _set_revision(path, "0003")
    monkeypatch.setattr(library_module, "_pending_for_dialect", lambda engine, current: False)
    open_library(str(path)).close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
    con.close()
    assert not list(tmp_path.glob("lib.backup-*"))


def _set_revision(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.close()


def test_library_from_a_newer_briefer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    open_library(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    con.commit()
    con.close()
    with pytest.raises(LibraryError, match="newer Briefer"):
        open_library(str(path))


def test_unopenable_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(LibraryError, match=str(blocker)):
        open_library(str(blocker / "sub" / "library.sqlite"))


def test_db_option_beats_environment_which_beats_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFER_DB", str(tmp_path / "env.sqlite"))
    assert resolve_url(str(tmp_path / "arg.sqlite")).endswith("arg.sqlite")
    assert resolve_url(None).endswith("env.sqlite")
    monkeypatch.delenv("BRIEFER_DB")
    assert resolve_url(None).endswith("library.sqlite")
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
